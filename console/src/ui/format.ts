import type { CodeFormat } from '@/api/graphql.generated';

/** Display formats shared by every screen (the browser's locale, 24-hour clock where it uses one). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** A duration to three significant digits, without trailing zeros: `0.42 ms`, `25 ms`, `1.5 s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${+ms.toPrecision(3)} ms` : `${+(ms / 1000).toPrecision(3)} s`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** An enum value of the API (`TIMED_OUT`) in words (`timed out`). */
export function formatStatus(status: string): string {
  return status.replace(/_/g, ' ').toLowerCase();
}

/** How a version's code is packed, in words: `source file`, `zip archive`. */
export function describeCodeFormat(codeFormat: CodeFormat): string {
  return codeFormat === 'SOURCE' ? 'source file' : `${codeFormat.toLowerCase()} archive`;
}

/** A JSON value as readable text: strings as they are, anything else indented. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? 'null';
}

/** Text that may hold JSON, indented when it does. */
export function prettyIfJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
