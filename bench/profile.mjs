// Profiles the warm invocation path: a server pinned to CPU 0 under `--cpu-prof`, wrk
// on CPU 1 against a trivial public function, then where the server's CPU time went, by
// stage (parse, auth, resolve, admit, dispatch, record, respond…) and by function.
// The .cpuprofile (open it in Chrome DevTools or speedscope.app for a flame graph) and a
// text summary are written to bench/results/.
// Usage: node bench/profile.mjs [--connections 32] [--seconds 10] [--executor process] [--concurrency 1]
//   (--concurrency: the function's executionConfig.concurrency)
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { summarizeProfile } from './lib/cpu-profile.mjs';
import { profileWarmPath } from './scenarios/cpu-budget.mjs';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    executor: { type: 'string', default: 'process' },
    concurrency: { type: 'string', default: '1' },
  },
});
const profile = await profileWarmPath({
  executor: values.executor,
  connections: Number(values.connections),
  seconds: Number(values.seconds),
  concurrency: Number(values.concurrency),
});
// Only the measured load: the warm-up and start-up before it are skipped.
const summary = summarizeProfile(profile.profilePath, { skipSeconds: profile.skipSeconds });
const { perCall } = profile;
const text = [
  `wrk: ${JSON.stringify(profile.load)}`,
  `busy: ${summary.busySeconds} s of profiled CPU over the ${values.seconds} s of load`,
  `CPU per invocation (/proc): server ${perCall.server} µs, sandboxes ${perCall.sandboxes} µs, rest of the core ${perCall.restOfCore} µs (core ${perCall.core} µs)`,
  '',
  `profiled busy time by stage (µs per invocation, share; ${perCall.profiledBusy} µs in all):`,
  ...profile.stages.map((row) => `${String(row.usPerCall).padStart(8)}  ${String(row.share).padStart(5)}%  ${row.stage}`),
  '',
  'inclusive (with callees):',
  ...summary.inclusive.map((row) => `${String(row.share).padStart(6)}%  ${row.name}`),
  '',
  'self:',
  ...summary.self.map((row) => `${String(row.share).padStart(6)}%  ${row.name}`),
].join('\n');
writeFileSync(new URL(`./results/${profile.name}.txt`, import.meta.url), `${text}\n`);
console.log(text);
console.log(`\nwritten to bench/results/${profile.name}.cpuprofile and .txt`);
