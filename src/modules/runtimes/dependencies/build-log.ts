/** Longest build log kept on a version; the end of a failed build matters most. */
export const MAX_BUILD_LOG_BYTES = 64 * 1024;
const MAX_LINE_CHARS = 2000;

/** Variable names whose values are treated as credentials. */
const SECRET_NAME = /token|auth|passw|secret|key|credential/i;

/**
 * The log of one dependency build: lines as they come, credentials and host paths
 * masked, capped in size (the head is dropped first, so the error at the end stays).
 */
export class BuildLog {
  private readonly lines: string[] = [];
  private bytes = 0;
  private dropped = 0;
  private readonly replacements: Array<[string, string]>;

  /**
   * @param secrets values to mask wherever they appear (e.g. registry tokens in the
   *   package managers' environment)
   * @param paths host paths shown as their label instead (the build's work directory)
   */
  constructor(secrets: string[] = [], paths: Record<string, string> = {}) {
    this.replacements = [
      ...secrets.filter((s) => s.length >= 8).map((s): [string, string] => [s, '***']),
      // Longest first, so a directory is not half-replaced by one of its parents.
      ...Object.entries(paths).sort(([a], [b]) => b.length - a.length),
    ];
  }

  /** Adds one line, returns it as stored (masked and shortened). */
  append(raw: string): string {
    const line = this.clean(raw);
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line) + 1;
    while (this.bytes > MAX_BUILD_LOG_BYTES && this.lines.length > 1) {
      this.bytes -= Buffer.byteLength(this.lines.shift()!) + 1;
      this.dropped++;
    }
    return line;
  }

  get lineCount(): number {
    return this.lines.length + this.dropped;
  }

  text(): string {
    const head = this.dropped > 0 ? `[${this.dropped} earlier lines dropped]\n` : '';
    return head + this.lines.join('\n');
  }

  private clean(raw: string): string {
    // Terminal escapes and control characters from package managers are noise in a stored log.
    // eslint-disable-next-line no-control-regex
    let line = raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
    for (const [from, to] of this.replacements) line = line.split(from).join(to);
    line = line
      // Credentials in URLs (proxies, private registries) and npm's auth settings.
      .replace(/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1***@')
      .replace(/(_auth(?:Token)?\s*[=:]\s*)\S+/gi, '$1***');
    return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… [line shortened]` : line;
  }
}

/** The values of variables that look like credentials, for `BuildLog` to mask. */
export function secretValues(environment: Record<string, string>): string[] {
  return Object.entries(environment)
    .filter(([name]) => SECRET_NAME.test(name))
    .map(([, value]) => value);
}
