// Load generation with wrk (Debian's `wrk`), pinned to the CPU the server does not use.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPORT = new URL('./report.lua', import.meta.url).pathname;

/** The CPU the load generator runs on; servers are pinned to `SERVER_CPU`. */
export const LOAD_CPU = 1;
export const SERVER_CPU = 0;

/**
 * Runs wrk against `url` and returns invocations/s and latency percentiles in ms.
 * One thread: the load generator has one core.
 */
export async function wrk(url, { connections, seconds, method = 'GET' }) {
  const args = ['-c', String(LOAD_CPU), 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', REPORT];
  if (method !== 'GET') args.push('-H', 'content-type: application/json');
  args.push(url);
  const { stdout } = await run('taskset', args, { maxBuffer: 1 << 20 });
  const json = stdout.split('\n').find((line) => line.startsWith('{"requests"'));
  if (!json) throw new Error(`wrk printed no report:\n${stdout}`);
  const report = JSON.parse(json);
  const ms = (us) => Math.round(us) / 1000;
  return {
    connections,
    requestsPerSecond: Math.round(report.requests / (report.durationUs / 1e6)),
    p50Ms: ms(report.p50),
    p90Ms: ms(report.p90),
    p99Ms: ms(report.p99),
    maxMs: ms(report.max),
    errors: report.errors,
    /** Completed requests answered 2xx/3xx (the others are in `errors`). */
    answered: report.requests - report.statusErrors,
  };
}
