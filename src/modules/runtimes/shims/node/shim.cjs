'use strict';
// fngraph Node.js runtime shim. Runs inside the sandbox (a child process or a
// container), loads one function and serves its invocations one at a time.
//
// Protocol: newline-delimited JSON. Requests arrive on stdin; replies leave on a
// descriptor of their own that user code is not given: `--fngraph-protocol=fd:N` names
// it (process sandboxes: 3), `--fngraph-protocol=stdout` (containers, which only have
// stdio) makes the shim take the sandbox's stdout for itself and point descriptor 1 at
// stderr. Either way the function's raw descriptors 1 and 2 (native code, child
// processes) never share a pipe with the protocol. console.* and
// process.stdout/stderr.write are captured and sent as `log` frames instead.
//   in : {type:'load', artifact, filename, env, modulePaths, entry?: {module, export}, functionDir?}
//        {type:'invoke', id, event, context}
//   out: {type:'ready'} once, then {type:'loaded'} | {type:'load_failed', error}
//        {type:'accepted', id} {type:'log', id, stream, message}* {type:'result', id, ok, value|error, metrics}
// `accepted` goes out before the handler runs: a sandbox that dies before sending it
// never ran the invocation, which the executor may then send to another sandbox.
// A `log` frame carries the invocation that printed it (AsyncLocalStorage follows the
// handler into its timers and promises), so a line printed late, after its invocation
// returned, is recognised as such by the executor and never given to the next one.
// It deliberately depends on nothing but Node's core modules.

const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const util = require('node:util');
const { AsyncLocalStorage } = require('node:async_hooks');

const PROTOCOL_FD = openProtocol();
/** The invocation in flight, for output that carries no invocation of its own. */
let currentId = null;
/** The invocation whose code is running (its handler, timers and promise callbacks). */
const invocationOf = new AsyncLocalStorage();
let handler = null;

function openProtocol() {
  const option = process.argv.find((arg) => arg.startsWith('--fngraph-protocol='));
  const spec = option ? option.slice('--fngraph-protocol='.length) : 'stdout';
  if (spec.startsWith('fd:')) return Number(spec.slice(3));
  // Node has no dup2: reopening /proc/self/fd/N gives another descriptor of the same
  // pipe (close-on-exec, so child processes do not get it), and closing 1 first makes the
  // reopened stderr land on the lowest free number, 1. Nothing else runs yet to race it.
  const protocol = fs.openSync('/proc/self/fd/1', fs.constants.O_WRONLY);
  fs.closeSync(1);
  const moved = fs.openSync('/proc/self/fd/2', fs.constants.O_WRONLY);
  if (moved !== 1) throw new Error(`could not point descriptor 1 at stderr (got ${moved})`);
  return protocol;
}

function send(frame) {
  const line = JSON.stringify(frame) + '\n';
  // writeSync keeps frames whole and ordered even if user code misbehaves.
  let offset = 0;
  const buffer = Buffer.from(line);
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(PROTOCOL_FD, buffer, offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
  }
}

function serializeError(error) {
  if (error instanceof Error) {
    return { type: error.name || 'Error', message: String(error.message), stack: error.stack };
  }
  return { type: 'Error', message: typeof error === 'string' ? error : util.inspect(error) };
}

// ---- output capture --------------------------------------------------------
function logLine(stream, message) {
  // Output from code of no invocation (module scope, a stray callback) belongs to the one in flight, if any.
  const id = invocationOf.getStore() ?? currentId;
  send({ type: 'log', id, stream, message });
}

function captureStream(target, stream) {
  let pending = '';
  target.write = function write(chunk, encoding, callback) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    pending += text;
    let newline;
    while ((newline = pending.indexOf('\n')) !== -1) {
      logLine(stream, pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
  return () => {
    if (pending !== '') {
      logLine(stream, pending);
      pending = '';
    }
  };
}

const flushStdout = captureStream(process.stdout, 'stdout');
const flushStderr = captureStream(process.stderr, 'stderr');
function flushOutput() {
  flushStdout();
  flushStderr();
}

for (const [method, stream] of [
  ['log', 'stdout'],
  ['info', 'stdout'],
  ['debug', 'stdout'],
  ['warn', 'stderr'],
  ['error', 'stderr'],
  ['trace', 'stderr'],
]) {
  console[method] = (...args) => {
    const text = util.format(...args);
    for (const line of text.split('\n')) logLine(stream, line);
  };
}

// ---- loading ----------------------------------------------------------------
function load(frame) {
  process.env = Object.assign(Object.create(null), frame.env || {});
  const filename = frame.filename;
  // Compiled TypeScript carries an inline source map: stack traces then point at the
  // source. Enabled here, not by a start-up flag, which would slow every sandbox start.
  if (frame.artifact.includes('sourceMappingURL=data:')) process.setSourceMapsEnabled(true);
  const userModule = new Module(filename, null);
  userModule.filename = filename;
  userModule.paths = (frame.modulePaths || []).concat(Module._nodeModulePaths(path.dirname(filename)));
  userModule._compile(frame.artifact, filename);
  handler = entryExport(userModule.exports, frame.entry);
}

/** A function, or an object with a `fetch` method (Workers style: `export default { fetch }`). */
function callable(value) {
  return typeof value === 'function' || (value !== null && typeof value === 'object' && typeof value.fetch === 'function');
}

/**
 * The export the entry point names (`handler: "src/app.lambdaHandler"`), which must be
 * `callable`. Without a name: the default export, `handler`, or `module.exports` itself.
 */
function entryExport(exported, entry) {
  const name = entry && entry.export;
  if (!name) {
    const candidate =
      exported && typeof exported.default === 'function'
        ? exported.default
        : exported && typeof exported.handler === 'function'
          ? exported.handler
          : typeof exported === 'function'
            ? exported
            : exported && callable(exported.default)
              ? exported.default
              : null;
    if (!candidate) {
      throw new TypeError('The module must export a function: `export default`, `exports.handler` or `module.exports`');
    }
    return candidate;
  }
  const value = exported === null || exported === undefined ? undefined : exported[name];
  if (callable(value)) return value;
  const names = exported && typeof exported === 'object' ? Object.keys(exported).filter((key) => key !== '__esModule') : [];
  const found = value === undefined ? 'it is not exported' : `it is ${value === null ? 'null' : typeof value}, not a function`;
  const listing = names.length > 0 ? `; the module exports: ${names.join(', ')}` : '';
  throw new TypeError(`The module ${entry.module} has no export "${name}" to call (${found})${listing}`);
}

// ---- invoking ---------------------------------------------------------------
async function invoke(frame) {
  send({ type: 'accepted', id: frame.id });
  currentId = frame.id;
  const cpuBefore = process.cpuUsage();
  let reply;
  try {
    const value = await invocationOf.run(frame.id, () => handler(frame.event, frame.context));
    reply = { type: 'result', id: frame.id, ok: true, value: value === undefined ? null : value };
  } catch (error) {
    reply = { type: 'result', id: frame.id, ok: false, error: serializeError(error) };
  }
  flushOutput();
  const cpu = process.cpuUsage(cpuBefore);
  reply.metrics = { cpuTimeMs: (cpu.user + cpu.system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  try {
    send(reply);
  } catch (error) {
    // The value could not be serialised (a cycle, a BigInt): report that instead.
    send({ type: 'result', id: frame.id, ok: false, error: serializeError(error), metrics: reply.metrics });
  }
  currentId = null;
}

function handleFrame(frame) {
  if (frame.type === 'invoke') return invoke(frame);
  if (frame.type === 'load') {
    try {
      load(frame);
      send({ type: 'loaded' });
    } catch (error) {
      flushOutput();
      send({ type: 'load_failed', error: serializeError(error) });
    }
    return undefined;
  }
  send({ type: 'protocol_error', message: `unknown frame type ${JSON.stringify(frame.type)}` });
  return undefined;
}

// Invocations are serialised: the executor never sends a second one before the first
// result, but a queue keeps the shim correct even if it did.
let queue = Promise.resolve();
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf('\n')) !== -1) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    if (line === '') continue;
    const frame = JSON.parse(line);
    queue = queue.then(() => handleFrame(frame));
  }
});
process.stdin.on('end', () => process.exit(0));

process.on('uncaughtException', (error) => {
  flushOutput();
  logLine('stderr', `Uncaught exception: ${error && error.stack ? error.stack : String(error)}`);
});
process.on('unhandledRejection', (reason) => {
  logLine('stderr', `Unhandled rejection: ${reason && reason.stack ? reason.stack : String(reason)}`);
});

send({ type: 'ready' });
