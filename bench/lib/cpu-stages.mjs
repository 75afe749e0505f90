// Splits a server CPU profile into the stages of the warm invocation path. Each sample
// goes to the stage of the innermost frame on its stack that belongs to one, so time in a
// library or in Node.js itself is charged to the fngraph step that called it (a `write`
// to a socket inside the response is "respond", inside the shim connection "dispatch").
import { busySamples, frameName } from './cpu-profile.mjs';

/** Checked in order against `<function> <file>` of each frame; the first match names the stage. */
export const STAGES = [
  ['gc', /^\(garbage collector\)/],
  ['record', /fngraph:modules\/invocations\/invocation-recorder|fngraph:adapters\/storage\/|npm:better-sqlite3|npm:mongodb/],
  ['dispatch', /fngraph:modules\/executor\/|fngraph:adapters\/sandbox\/|fngraph:modules\/invocations\/invocation-runner/],
  ['respond', /fngraph:api\/http\/gateway\/(http-response|serving-origin)|node:_http_outgoing/],
  ['auth', /fngraph:modules\/(auth|keys)\/|fngraph:api\/http\/auth\//],
  ['admit', /fngraph:modules\/limits\/|fngraph:adapters\/limits\/|invocation-admission|npm:rate-limiter-flexible/],
  ['resolve', /fngraph:modules\/invocations\/function-lookup|fngraph:modules\/(aliases|functions|versions|shadow|contracts)\//],
  ['observe', /fngraph:adapters\/observability\/|fngraph:kernel\/telemetry\/|fngraph:api\/http\/request-logging|npm:prom-client|npm:@opentelemetry|npm:pino/],
  ['parse', /fngraph:api\/http\/gateway\/(function-route|request-body|http-event|function-gateway)|node:_http_common|node:_http_server|npm:express|npm:router/],
  ['invoke', /fngraph:modules\/invocations\//],
];
export const STAGE_NAMES = [...STAGES.map(([name]) => name), 'other'];

function stageOf(name) {
  return STAGES.find(([, pattern]) => pattern.test(name))?.[0];
}

/**
 * Busy time of a profile's samples taken `skipSeconds` after its start, by stage:
 * `{ busyUs, stages: { name: us } }`. Idle time is left out.
 */
export function stageTimes(path, { skipSeconds = 0 } = {}) {
  const { samples, byId, parent } = busySamples(path, { skipSeconds });
  const stageOfNode = new Map();
  const nodeStage = (id) => {
    if (!stageOfNode.has(id)) {
      const own = stageOf(frameName(byId.get(id)));
      const up = parent.get(id);
      stageOfNode.set(id, own ?? (up === undefined ? 'other' : nodeStage(up)));
    }
    return stageOfNode.get(id);
  };
  const stages = Object.fromEntries(STAGE_NAMES.map((name) => [name, 0]));
  let busyUs = 0;
  for (const { node, dt } of samples) {
    busyUs += dt;
    stages[nodeStage(node.id)] += dt;
  }
  return { busyUs, stages };
}
