// Summaries of V8 .cpuprofile files: where the busy time goes, by function and by
// package, inclusive (with callees) and self. Idle time is left out.
import { readFileSync } from 'node:fs';

/** `<function> <file>:<line>`, files named by package (`npm:`) or by their place in the build (`fngraph:`). */
export function frameName(node) {
  const frame = node.callFrame;
  const file = (frame.url || '(native)')
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, 'npm:')
    .replace(/.*\/dist\//, 'fngraph:');
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

/**
 * A profile's busy samples taken `skipSeconds` after its start (past start-up), each with
 * the time it stands for; `byId` and `parent` walk its call tree. Idle time is left out.
 */
export function busySamples(path, { skipSeconds = 0 } = {}) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const samples = [];
  let time = profile.startTime;
  const from = profile.startTime + skipSeconds * 1e6;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i];
    const node = byId.get(profile.samples[i]);
    if (time < from || node.callFrame.functionName === '(idle)') continue;
    samples.push({ node, dt: profile.timeDeltas[i + 1] ?? 0 });
  }
  return { samples, byId, parent };
}

/** Samples taken `skipSeconds` after the start (past start-up), summarised. */
export function summarizeProfile(path, { skipSeconds = 0, top = 40 } = {}) {
  const { samples, byId, parent } = busySamples(path, { skipSeconds });
  const inclusive = new Map();
  const self = new Map();
  let busy = 0;
  for (const { node, dt } of samples) {
    busy += dt;
    const own = frameName(node);
    self.set(own, (self.get(own) ?? 0) + dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const name = frameName(byId.get(id));
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
    }
  }
  const ranked = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ share: Math.round((us / busy) * 1000) / 10, name }));
  return { busySeconds: Math.round(busy / 1e4) / 100, inclusive: ranked(inclusive), self: ranked(self) };
}
