import type { CliError } from './exit-codes.js';

export type OutputFormat = 'text' | 'json';

/**
 * Where a command's results go. Text mode: for people, on stdout. JSON mode: one JSON
 * document on stdout per command (streaming commands: one document per line), nothing else
 * there. Progress notes go to stderr in both modes, so stdout stays parseable.
 */
export class Output {
  constructor(readonly format: OutputFormat) {}

  get json(): boolean {
    return this.format === 'json';
  }

  /** The command's result: `document` in JSON mode, `text()` otherwise. */
  result(document: unknown, text: () => string): void {
    if (this.json) process.stdout.write(`${JSON.stringify(document)}\n`);
    else {
      const rendered = text();
      if (rendered) process.stdout.write(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
    }
  }

  /** One event of a streaming command (a JSON line in JSON mode). */
  event(document: unknown, text: () => string): void {
    this.result(document, text);
  }

  /** A progress note for people (stderr). */
  note(message: string): void {
    process.stderr.write(`${message}\n`);
  }

  error(error: CliError): void {
    if (this.json)
      process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message, exitCode: error.exitCode, details: error.details } })}\n`);
    process.stderr.write(`fngraph: ${error.message}\n`);
  }
}
