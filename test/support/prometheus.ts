import { authHeaders } from './credentials.js';

/** One scrape of a Prometheus text exposition, as series → value. */
export class Scrape {
  private constructor(
    readonly text: string,
    private readonly series: Map<string, number>,
  ) {}

  static parse(text: string): Scrape {
    const series = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)$/.exec(line);
      if (!match) throw new Error(`unparsable exposition line: ${line}`);
      const [, name, labels, value] = match;
      series.set(key(name!, parseLabels(labels ?? '')), Number(value));
    }
    return new Scrape(text, series);
  }

  /** The value of one series (labels given in any order); 0 when absent. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.series.get(key(name, labels)) ?? 0;
  }

  has(name: string, labels: Record<string, string> = {}): boolean {
    return this.series.has(key(name, labels));
  }

  /** Every metric family name present (histogram and summary suffixes included). */
  names(): Set<string> {
    return new Set([...this.series.keys()].map((k) => k.split('{')[0]!));
  }

  /** The label sets of every series of `name`. */
  labelSets(name: string): Array<Record<string, string>> {
    return [...this.series.keys()].filter((k) => k.split('{')[0] === name).map((k) => parseLabels(k.slice(name.length)));
  }
}

/** Scrapes `/metrics` on the API port, as the server's admin (metrics are for admins there). */
export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(`${url}/metrics`, { headers: authHeaders(url) });
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  if (!response.headers.get('content-type')?.startsWith('text/plain')) throw new Error(`unexpected content type ${response.headers.get('content-type')}`);
  return Scrape.parse(await response.text());
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const match of text.matchAll(pattern)) labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return labels;
}

function key(name: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${sorted.join(',')}}`;
}
