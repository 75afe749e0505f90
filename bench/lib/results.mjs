import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** Writes `bench/results/<name>.json` with the machine it ran on. */
export function writeResults(name, results) {
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  const document = {
    benchmark: name,
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    ...results,
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file.pathname;
}
