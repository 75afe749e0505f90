/** One wheel to install, pinned to the file the resolution chose. */
export interface PinnedWheel {
  name: string;
  version: string;
  url: string;
  sha256: string;
}

export interface ReportVerdict {
  problems: string[];
  pinned: PinnedWheel[];
}

interface ReportItem {
  is_direct?: boolean;
  metadata?: { name?: string; version?: string };
  download_info?: { url?: string; dir_info?: unknown; vcs_info?: unknown; archive_info?: { hashes?: Record<string, string>; hash?: string } };
}

/**
 * Checks the report of `pip install --dry-run --report` for a build: every distribution
 * must be a wheel downloaded from one of the `allowed` origins (the configured index and
 * its file host), chosen by the index — never a requirement given by URL, a local folder
 * or a version-control checkout — with a sha256 to pin it to.
 */
export function verifyPipReport(report: unknown, allowed: readonly string[]): ReportVerdict {
  const items = (report as { install?: ReportItem[] } | null)?.install;
  if (!Array.isArray(items)) return { problems: ['the report pip wrote lists nothing to install'], pinned: [] };
  const problems: string[] = [];
  const pinned: PinnedWheel[] = [];
  for (const item of items) {
    const name = item.metadata?.name ?? '(unnamed)';
    const version = item.metadata?.version ?? '';
    const info = item.download_info ?? {};
    const url = info.url ?? '(no URL)';
    const what = `${name} ${version}`.trim();
    const index = allowed[0] ?? '';
    // Names and versions come from the packages' own metadata: only plain ones go into a requirements line.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || !/^[A-Za-z0-9][A-Za-z0-9.!+_-]*$/.test(version)) {
      problems.push(`${JSON.stringify(name)} ${JSON.stringify(version)} (${url}) is not a valid name and version`);
    } else if (info.dir_info !== undefined) problems.push(`${what} is a local folder (${url}), not from the configured index ${index}`);
    else if (info.vcs_info !== undefined) problems.push(`${what} comes from version control (${url}), not from the configured index ${index}`);
    else if (item.is_direct) problems.push(`${what} is required by URL (${url}), not from the configured index ${index}`);
    else if (!allowed.some((origin) => isUnder(url, origin))) problems.push(`${what} comes from ${url}, not from the configured index ${index}`);
    else if (!new URL(url).pathname.endsWith('.whl'))
      problems.push(`${what} is a source distribution (${url}); only wheels are installed, since building one runs its code`);
    else {
      const sha256 = info.archive_info?.hashes?.sha256 ?? /^sha256=([0-9a-f]{64})$/.exec(info.archive_info?.hash ?? '')?.[1];
      if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) problems.push(`${what} (${url}) has no sha256 to pin it to`);
      else pinned.push({ name, version, url, sha256 });
    }
  }
  return { problems, pinned };
}

function isUnder(url: string, origin: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === '' && parsed.href.startsWith(origin);
  } catch {
    return false;
  }
}

/** `requirements.txt` that installs exactly the pinned wheels (with `--require-hashes --no-deps`). */
export function pinnedRequirements(pinned: readonly PinnedWheel[]): string {
  return pinned.map((wheel) => `${wheel.name}==${wheel.version} --hash=sha256:${wheel.sha256}\n`).join('');
}
