'use strict';
// fngraph Node.js runtime shim. Runs inside the sandbox (a child process or a
// container), loads one function and serves its invocations: one at a time, or up to
// the load frame's `concurrency` at once.
//
// Protocol: newline-delimited JSON. Requests arrive on stdin; replies leave on a
// descriptor of their own that user code is not given: `--fngraph-protocol=fd:N` names
// it (process sandboxes: 3), `--fngraph-protocol=unix:PATH` (containers on the server's
// host) is a socket the server listens on, which then carries the requests too, and
// `--fngraph-protocol=stdout` (other containers, which only have stdio) makes the shim take
// the sandbox's stdout for itself and point descriptor 1 at stderr. Either way the
// function's raw descriptors 1 and 2 (native code, child processes) never share a pipe
// with the protocol. console.* and process.stdout/stderr.write are captured and sent as
// `log` frames instead.
//   in : {type:'load', artifact, filename, env, modulePaths, entry?: {module, export}, functionDir?, eventFormat, concurrency?}
//        {type:'invoke', id, event, context}
//   out: {type:'ready'} once, then {type:'loaded'} | {type:'load_failed', error}
//        {type:'accepted', id} {type:'log', id, stream, message}*
//        [{type:'response_start', id, statusCode, headers} {type:'response_chunk', id, data}*]
//        {type:'result', id, ok, value|error, streamed?, metrics}
// A streamed response (an async generator, a Response whose body is still being
// produced, `res.write`) goes out as `response_start` and base64 `response_chunk` frames
// as it is produced; its `result` then says `streamed: true` and carries no value.
// `accepted` goes out before the handler runs: a sandbox that dies before sending it
// never ran the invocation, which the executor may then send to another sandbox.
// A `log` frame carries the invocation that printed it (AsyncLocalStorage follows the
// handler into its timers and promises), so a line printed late, after its invocation
// returned, is recognised as such by the executor and never given to the next one.
// With `concurrency` > 1, invocations run side by side, each in its own AsyncLocalStorage
// context, so their lines stay apart; output of no invocation's code is given to the one
// in flight only when there is exactly one. The process's CPU time cannot be split between
// invocations that overlapped: their `cpuTimeMs` is left out.
// It deliberately depends on nothing but Node's core modules (and its own files beside it).

const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const util = require('node:util');
const { AsyncLocalStorage } = require('node:async_hooks');
const { TEXT_TYPE, toBytes, decodeUtf8 } = require('./bytes.cjs');
const { installFrameworkStandIn, registeredHttpFunction, forgetRegistrations } = require('./gcf-framework.cjs');

/** The protocol channel the sandbox gives (`--fngraph-protocol=`): `fd:N`, `unix:PATH` or `stdout`. */
const PROTOCOL_SPEC = protocolSpec();
/** The protocol's connection to the server when it is a socket (`unix:`), made before the egress shim changes `net`. */
const PROTOCOL_SOCKET = PROTOCOL_SPEC.startsWith('unix:') ? require('node:net').connect(PROTOCOL_SPEC.slice('unix:'.length)) : null;
/** Where frames are written (synchronously: whole and in order whatever user code does); the socket's once connected. */
let PROTOCOL_FD = PROTOCOL_SOCKET ? -1 : openProtocol(PROTOCOL_SPEC);
// Network access (executionConfig.network): only sandboxes given an egress gateway load it.
const EGRESS = startEgress();
installFrameworkStandIn();
/** Invocations in flight, by id: whether each overlapped another (its CPU time is then not its own). */
const running = new Map();
/** Invocations the function takes at once (the load frame's `concurrency`). */
let concurrency = 1;
/** The invocation whose code is running (its handler, timers and promise callbacks). */
const invocationOf = new AsyncLocalStorage();
/** The function, or the Workers-style object `{ fetch(request, env, ctx) }` when `callStyle` is `fetch`. */
let handler = null;
/** How the function is called (`executionConfig.eventFormat`, or what the module registered). */
let callStyle = 'native';
/** The function's environment, as Workers' `env`. */
let functionEnv = {};

function protocolSpec() {
  const option = process.argv.find((arg) => arg.startsWith('--fngraph-protocol='));
  return option ? option.slice('--fngraph-protocol='.length) : 'stdout';
}

/** The descriptor of an `fd:N` or `stdout` channel. */
function openProtocol(spec) {
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

function startEgress() {
  const option = process.argv.find((arg) => arg.startsWith('--fngraph-egress='));
  return option ? require('./egress.cjs').install(option.slice('--fngraph-egress='.length)) : null;
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
/** The invocation output belongs to: the one whose code runs, else (module scope, a stray callback) the only one in flight, if any. */
function outputOwner() {
  const own = invocationOf.getStore();
  if (own !== undefined) return own;
  return running.size === 1 ? running.keys().next().value : null;
}

function logLine(stream, message, id = outputOwner()) {
  send({ type: 'log', id, stream, message });
}

/** A partial line waits for its end per invocation, so concurrent writers never join lines. */
function captureStream(target, stream) {
  const pending = new Map();
  target.write = function write(chunk, encoding, callback) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    const owner = outputOwner();
    let buffered = (pending.get(owner) ?? '') + text;
    let newline;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      logLine(stream, buffered.slice(0, newline), owner);
      buffered = buffered.slice(newline + 1);
    }
    if (buffered === '') pending.delete(owner);
    else pending.set(owner, buffered);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
  /** Sends the partial lines of the owners `which` selects (all without it). */
  return (which = () => true) => {
    for (const [id, text] of pending) {
      if (!which(id)) continue;
      logLine(stream, text, id);
      pending.delete(id);
    }
  };
}

const flushStdout = captureStream(process.stdout, 'stdout');
const flushStderr = captureStream(process.stderr, 'stderr');
function flushOutput(which) {
  flushStdout(which);
  flushStderr(which);
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
  process.env = Object.assign(Object.create(null), frame.env || {}, EGRESS ? EGRESS.environment() : {});
  const filename = frame.filename;
  // Compiled TypeScript carries an inline source map: stack traces then point at the
  // source. Enabled here, not by a start-up flag, which would slow every sandbox start.
  if (frame.artifact.includes('sourceMappingURL=data:')) process.setSourceMapsEnabled(true);
  const userModule = new Module(filename, null);
  userModule.filename = filename;
  userModule.paths = (frame.modulePaths || []).concat(Module._nodeModulePaths(path.dirname(filename)));
  forgetRegistrations();
  userModule._compile(frame.artifact, filename);
  const exported = userModule.exports;
  functionEnv = Object.assign({}, frame.env || {});
  concurrency = Number.isInteger(frame.concurrency) && frame.concurrency > 1 ? frame.concurrency : 1;
  callStyle = frame.eventFormat === 'web' || frame.eventFormat === 'node-http' ? frame.eventFormat : 'native';
  const styled = styledEntry(exported, frame.entry);
  if (styled) {
    handler = styled;
    return;
  }
  handler = entryExport(exported, frame.entry);
}

/**
 * The export the entry point names (`handler: "src/app.lambdaHandler"`): a function, or
 * a Workers-style object with `fetch`. Without a name: the default export, `handler`, or
 * `module.exports` itself.
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
            : null;
    if (!candidate) {
      throw new TypeError(
        'The module must export a function (`export default`, `exports.handler` or `module.exports`), an object with `fetch`, or register one with `functions.http(name, fn)`',
      );
    }
    return candidate;
  }
  const value = exported === null || exported === undefined ? undefined : exported[name];
  if (typeof value === 'function') return value;
  if (value !== null && typeof value === 'object' && typeof value.fetch === 'function') {
    callStyle = 'fetch';
    return value;
  }
  const names = exported && typeof exported === 'object' ? Object.keys(exported).filter((key) => key !== '__esModule') : [];
  const found = value === undefined ? 'it is not exported' : `it is ${value === null ? 'null' : typeof value}, not a function`;
  const listing = names.length > 0 ? `; the module exports: ${names.join(', ')}` : '';
  throw new TypeError(`The module ${entry.module} has no export "${name}" to call (${found})${listing}`);
}

/**
 * A handler recognised by its style rather than by its export: a Workers-style object with
 * `fetch` (the default export or `module.exports`), or a function registered with
 * `functions.http`. Sets how it is called; null when the module has neither.
 */
function styledEntry(exported, entry) {
  const registered = registeredHttpFunction(entry && entry.export);
  if (registered) {
    callStyle = 'node-http';
    return registered;
  }
  if (entry && entry.export) return null;
  const fetchExport = [exported && exported.default, exported].find((value) => value && typeof value === 'object' && typeof value.fetch === 'function');
  if (!fetchExport) return null;
  callStyle = 'fetch';
  return fetchExport;
}

// ---- invoking ---------------------------------------------------------------
/** Chunks of a streamed response are sent at most this large (a frame stays far below the frame limit). */
const CHUNK_BYTES = 48 * 1024;

/** What one invocation answers: a value, or a response streamed to the caller as it is produced. */
class Reply {
  constructor(id) {
    this.id = id;
    this.started = false;
    this.waitUntil = [];
  }

  start(statusCode, headers) {
    if (this.started) return;
    this.started = true;
    send({ type: 'response_start', id: this.id, statusCode, headers });
  }

  chunk(data) {
    const bytes = toBytes(data);
    for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
      send({ type: 'response_chunk', id: this.id, data: bytes.subarray(offset, offset + CHUNK_BYTES).toString('base64') });
    }
  }
}

/** Header names are matched in any case (`event.headers['Content-Type']`), as HTTP says. */
function caseInsensitive(headers) {
  if (!headers || typeof headers !== 'object') return headers;
  return new Proxy(headers, {
    get(target, name, receiver) {
      if (typeof name !== 'string' || name in target) return Reflect.get(target, name, receiver);
      return target[name.toLowerCase()];
    },
    has(target, name) {
      return name in target || (typeof name === 'string' && name.toLowerCase() in target);
    },
  });
}

/**
 * The context of the function contract plus what handlers written for other platforms
 * call: Lambda's (`awsRequestId`, `getRemainingTimeInMillis()`, `succeed`/`fail`/`done`),
 * OpenFaaS's (`status(code)`, `headers(obj)`, then `succeed(value)`), Workers' and
 * Netlify's `waitUntil(promise)`.
 */
function handlerContext(frame, reply, finish) {
  const given = frame.context || {};
  let status = null;
  let headers = null;
  const openFaasResult = (value) => {
    if (status === null && headers === null) return value;
    const body = value !== null && typeof value === 'object' && !Buffer.isBuffer(value) ? JSON.stringify(value) : value;
    return { statusCode: Number(status ?? 200), headers: headers ?? {}, body: body === undefined || body === null ? '' : String(body) };
  };
  const context = { ...given };
  // Not enumerable: the context stays the contract's when a handler serialises it.
  const extras = {
    awsRequestId: given.invocationId,
    functionVersion: given.version,
    getRemainingTimeInMillis: () => Math.max(0, (given.deadlineMs ?? Date.now()) - Date.now()),
    waitUntil: (promise) => reply.waitUntil.push(Promise.resolve(promise).catch((error) => logLine('stderr', `waitUntil: ${serializeError(error).message}`))),
    succeed: (value) => finish(null, openFaasResult(value)),
    fail: (error) => finish(error ?? new Error('The function failed')),
    done: (error, value) => finish(error ?? null, openFaasResult(value)),
    status(code) {
      if (code === undefined) return status ?? 200;
      status = code;
      return context;
    },
    headers(values) {
      if (values === undefined) return headers ?? {};
      headers = values;
      return context;
    },
    wrapResult: openFaasResult,
  };
  for (const [name, value] of Object.entries(extras)) Object.defineProperty(context, name, { value, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(context, 'callbackWaitsForEmptyEventLoop', { value: true, writable: true, configurable: true, enumerable: false });
  return context;
}

/**
 * Calls a `(event, context[, callback])` handler: its answer is what its promise resolves
 * to, what it returns, or what it passes to the callback (or `context.succeed`), whichever
 * comes first, as Lambda does. A handler declaring a callback that returns nothing is
 * answered by the callback.
 */
function callNative(frame, reply) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error, value) => {
      if (settled) return;
      settled = true;
      if (error === null || error === undefined) resolve(value);
      else reject(error instanceof Error ? error : Object.assign(new Error(typeof error === 'string' ? error : util.inspect(error)), { name: 'Error' }));
    };
    const context = handlerContext(frame, reply, finish);
    const event = frame.event && typeof frame.event === 'object' ? { ...frame.event, headers: caseInsensitive(frame.event.headers) } : frame.event;
    const returned = handler(event, context, (error, value) => finish(error ?? null, value));
    if (returned && typeof returned.then === 'function')
      returned.then(
        (value) => finish(null, context.wrapResult(value)),
        (error) => finish(error ?? new Error('The handler rejected')),
      );
    else if (returned !== undefined || handler.length < 3) finish(null, context.wrapResult(returned));
  });
}

/** The Web `Request` for the event (Workers' `fetch`, Netlify's default export). */
function toRequest(event) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers || {})) {
    try {
      headers.append(name, String(value));
    } catch {
      // A header Headers refuses (forbidden in fetch) is left out, not fatal.
    }
  }
  const host = headers.get('host') || 'localhost';
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(event.query || {})) for (const item of [].concat(value)) query.append(key, item);
  const search = query.toString();
  const url = `http://${host}${event.path || '/'}${search ? `?${search}` : ''}`;
  const method = event.method || 'GET';
  const hasBody = event.body !== null && event.body !== undefined && method !== 'GET' && method !== 'HEAD';
  const body = hasBody ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  return new Request(url, { method, headers, body });
}

function callFetch(frame, reply) {
  const context = handlerContext(frame, reply, () => undefined);
  const request = toRequest(frame.event || {});
  if (callStyle === 'fetch') {
    const ctx = { waitUntil: context.waitUntil, passThroughOnException: () => undefined, props: {} };
    return handler.fetch(request, functionEnv, ctx);
  }
  // Netlify's context: the request id, the caller's address, waitUntil.
  return handler(request, { ...context, requestId: context.invocationId, ip: (frame.event || {}).sourceIp ?? null, params: {}, waitUntil: context.waitUntil });
}

function callNodeHttp(frame, reply) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error, value) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(value);
    };
    // Loaded with the first such call: other styles never need it.
    const { expressRequest, expressResponse } = require('./express.cjs');
    const returned = handler(expressRequest(frame.event || {}), expressResponse(reply, finish, STREAMED));
    // The response ends the invocation; a handler that throws (or rejects) before ending it fails it.
    if (returned && typeof returned.then === 'function') returned.then(undefined, (error) => finish(error ?? new Error('The handler rejected')));
  });
}

/** The marker of an answer already sent as a stream. */
const STREAMED = Symbol('streamed');

/**
 * Looking at the global `Response` loads Node's fetch implementation (undici): measured
 * 45-110 ms on the first invocation of every sandbox, whatever the function returned. A
 * Response (undici's, or a polyfill's) says what it is in its `Symbol.toStringTag`, so
 * the global is only looked at for a value that claims to be one.
 */
function isResponse(value) {
  return value !== null && typeof value === 'object' && value[Symbol.toStringTag] === 'Response' && typeof Response === 'function' && value instanceof Response;
}

function isStream(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value) &&
    (typeof value[Symbol.asyncIterator] === 'function' || (typeof value[Symbol.iterator] === 'function' && typeof value.next === 'function'))
  );
}

function headersOf(response) {
  const headers = {};
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers[name] = value;
  const cookies = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return headers;
}

/** Resolves once the current turn's promise jobs have run: a body already in memory is read by then. */
function nextTurn() {
  return new Promise((resolve) => setImmediate(() => resolve(NEXT_TURN)));
}
const NEXT_TURN = Symbol('next turn');

/**
 * A Web `Response`: sent whole when its body is already there (`new Response('text')`),
 * streamed from the first chunk that takes longer than a turn of the event loop to come.
 */
async function settleResponse(response, reply) {
  const headers = headersOf(response);
  if (response.body === null) return { statusCode: response.status, headers, body: null, isBase64Encoded: false };
  const reader = response.body.getReader();
  const chunks = [];
  for (;;) {
    const pending = reader.read();
    const step = await Promise.race([pending, nextTurn()]);
    if (step === NEXT_TURN) {
      reply.start(response.status, headers);
      for (const chunk of chunks) reply.chunk(chunk);
      for (let read = await pending; !read.done; read = await reader.read()) reply.chunk(read.value);
      return STREAMED;
    }
    if (step.done) break;
    chunks.push(toBytes(step.value));
  }
  const body = Buffer.concat(chunks);
  const text = TEXT_TYPE.test(headers['content-type'] || 'text/plain') ? decodeUtf8(body) : null;
  return { statusCode: response.status, headers, body: text ?? body.toString('base64'), isBase64Encoded: text === null };
}

/** A generator or any (async) iterable: every item is a chunk (text, bytes, or a JSON line). */
async function settleStream(stream, reply) {
  let first = true;
  for await (const item of stream) {
    if (first) {
      const json = item !== null && typeof item === 'object' && !Buffer.isBuffer(item) && !(item instanceof Uint8Array) && !(item instanceof ArrayBuffer);
      reply.start(200, { 'content-type': json ? 'application/x-ndjson' : 'text/plain; charset=utf-8' });
      first = false;
    }
    reply.chunk(item);
  }
  if (first) reply.start(200, { 'content-type': 'text/plain; charset=utf-8' });
  return STREAMED;
}

async function settle(value, reply) {
  if (value === STREAMED) return STREAMED;
  if (isResponse(value)) return settleResponse(value, reply);
  if (isStream(value)) return settleStream(value, reply);
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return binaryResult(toBytes(value));
  return value === undefined ? null : value;
}

/** Bytes returned as they are: a binary response (not the JSON of a Buffer). */
function binaryResult(bytes) {
  return { statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body: bytes.toString('base64'), isBase64Encoded: true };
}

function call(frame, reply) {
  if (callStyle === 'fetch' || callStyle === 'web') return callFetch(frame, reply);
  if (callStyle === 'node-http') return callNodeHttp(frame, reply);
  return callNative(frame, reply);
}

async function invoke(frame) {
  send({ type: 'accepted', id: frame.id });
  const own = { overlapped: running.size > 0 };
  for (const other of running.values()) other.overlapped = true;
  running.set(frame.id, own);
  const cpuBefore = process.cpuUsage();
  const reply = new Reply(frame.id);
  let result;
  try {
    const value = await invocationOf.run(frame.id, async () => settle(await call(frame, reply), reply));
    // Work handed to waitUntil ends the invocation too (the sandbox is frozen after it).
    await Promise.all(reply.waitUntil);
    result = value === STREAMED ? { type: 'result', id: frame.id, ok: true, streamed: true } : { type: 'result', id: frame.id, ok: true, value };
  } catch (error) {
    result = { type: 'result', id: frame.id, ok: false, error: serializeError(error), streamed: reply.started };
  }
  flushOutput((owner) => owner === frame.id);
  const cpu = process.cpuUsage(cpuBefore);
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  result.metrics = own.overlapped ? { maxRssBytes } : { cpuTimeMs: (cpu.user + cpu.system) / 1000, maxRssBytes };
  try {
    send(result);
  } catch (error) {
    // The value could not be serialised (a cycle, a BigInt): report that instead.
    send({ type: 'result', id: frame.id, ok: false, error: serializeError(error), metrics: result.metrics });
  }
  running.delete(frame.id);
  // Partial lines of invocations that ended (a late timer's) or of no single invocation are not kept: they go out
  // as such, and the executor drops and counts them.
  flushOutput((owner) => !running.has(owner));
}

function handleFrame(frame) {
  if (frame.type === 'invoke') {
    const invocation = invoke(frame);
    // A function that takes several at once starts each as it comes; others wait their turn.
    return concurrency > 1 ? undefined : invocation;
  }
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

// Frames are handled in order; invocations are serialised unless the function takes
// several at once (the executor never sends more than `concurrency` before results, but
// the queue keeps the shim correct even if it did).
let queue = Promise.resolve();
let buffered = '';
function serve(input) {
  input.setEncoding('utf8');
  input.on('data', (chunk) => {
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
  input.on('end', () => process.exit(0));
  send({ type: 'ready' });
}

process.on('uncaughtException', (error) => {
  flushOutput();
  logLine('stderr', `Uncaught exception: ${error && error.stack ? error.stack : String(error)}`);
});
process.on('unhandledRejection', (reason) => {
  logLine('stderr', `Unhandled rejection: ${reason && reason.stack ? reason.stack : String(reason)}`);
});

if (PROTOCOL_SOCKET) {
  // The server accepts one connection on that path, this shim's, before any user code runs.
  PROTOCOL_SOCKET.once('connect', () => {
    PROTOCOL_FD = PROTOCOL_SOCKET._handle.fd;
    serve(PROTOCOL_SOCKET);
  });
  PROTOCOL_SOCKET.on('error', (error) => {
    process._rawDebug(`fngraph shim: the protocol socket failed: ${error.message}`);
    process.exit(70);
  });
} else {
  serve(process.stdin);
}
