# fngraph Python runtime shim. Runs inside the sandbox (a child process or a
# container), loads one function and serves its invocations one at a time.
#
# Protocol: the same newline-delimited JSON as the Node.js shim (shims/node/shim.cjs).
#   in : {type:'load', artifact, filename, env, modulePaths, entry?: {module, export}, functionDir?, eventFormat}
#        {type:'invoke', id, event, context}
#   out: {type:'ready'} once, then {type:'loaded'} | {type:'load_failed', error}
#        {type:'accepted', id} {type:'log', id, stream, message}*
#        [{type:'response_start', id, statusCode, headers} {type:'response_chunk', id, data}*]
#        {type:'result', id, ok, value|error, streamed?, metrics}
# A generator (or async generator) returned by the handler is a streamed response: every
# item goes out as a base64 `response_chunk` as it is produced (see the Node.js shim).
# `accepted` goes out before the handler runs (see the Node.js shim).
# Frames leave on a descriptor only this shim holds (a non-inheritable duplicate):
# `--fngraph-protocol=fd:N` names the one the sandbox gives for them (process sandboxes:
# 3), `--fngraph-protocol=unix:PATH` (containers on the server's host) a socket the server
# listens on, `--fngraph-protocol=stdout` (other containers) takes the sandbox's stdout and
# points descriptor 1 at stderr. Descriptor 0 is pointed elsewhere, so neither user code nor a
# library writing at the descriptor level can corrupt or read the protocol; what it
# writes to descriptors 1 and 2 is the sandbox's raw output.
# sys.stdout / sys.stderr become line writers that turn every line into a `log` frame
# tagged with the invocation that printed it (a context variable, carried into threads
# started during the invocation): a line printed after its invocation returned is
# recognised by the executor and never given to the next one.
#
# Standard library only; runs under `python3 -u -I`.

import base64
import contextvars
import importlib
import inspect
import json
import linecache
import os
import resource
import site
import socket
import sys
import threading
import traceback
import types

SHIM_FILE = os.path.abspath(__file__)
MODULE_NAME = 'handler'
# A line longer than this is sent in pieces, so one print cannot build a huge frame.
MAX_LOG_CHUNK = 64 * 1024

# ---- protocol descriptors ----------------------------------------------------
def _protocol_descriptor():
    spec = 'stdout'
    for arg in sys.argv[1:]:
        if arg.startswith('--fngraph-protocol='):
            spec = arg[len('--fngraph-protocol='):]
    # os.dup gives non-inheritable descriptors: subprocesses of user code do not get them.
    if spec.startswith('fd:'):
        given = int(spec[3:])
        fd = os.dup(given)
        os.close(given)
        return fd, None
    if spec.startswith('unix:'):
        # A container's socket to the server (its one connection): frames both ways, raw output stays on 1 and 2.
        channel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        channel.connect(spec[len('unix:'):])
        return channel.fileno(), channel
    fd = os.dup(1)
    os.dup2(2, 1)  # raw writes to descriptor 1 join the sandbox's other raw output
    return fd, None


PROTOCOL_OUT, _PROTOCOL_SOCKET = _protocol_descriptor()
PROTOCOL_IN = _PROTOCOL_SOCKET.makefile('rb') if _PROTOCOL_SOCKET else os.fdopen(os.dup(0), 'rb')
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
os.close(_devnull)

_send_lock = threading.Lock()
# The invocation in flight, for output of code that belongs to no invocation.
_current_id = None
# The invocation whose code runs: set around the handler, copied into asyncio tasks by
# asyncio and into threads by the patch below.
_invocation_of = contextvars.ContextVar('fngraph_invocation', default=None)


def _log_owner():
    owner = _invocation_of.get()
    return owner if owner is not None else _current_id


def _carry_context_into_threads():
    # Threads do not inherit context variables (before Python 3.14): a thread (or a
    # threading.Timer) started by an invocation runs in a copy of the context it was started in.
    original_start = threading.Thread.start
    original_bootstrap = threading.Thread._bootstrap_inner

    def start(self):
        self._fngraph_context = contextvars.copy_context()
        return original_start(self)

    def bootstrap_inner(self):
        context = getattr(self, '_fngraph_context', None)
        if context is None:
            return original_bootstrap(self)
        return context.run(original_bootstrap, self)

    threading.Thread.start = start
    threading.Thread._bootstrap_inner = bootstrap_inner


_carry_context_into_threads()


def _start_egress():
    # Network access (executionConfig.network): only sandboxes given an egress gateway load it.
    # By path: `-I` keeps the shim's own directory off sys.path.
    for arg in sys.argv[1:]:
        if arg.startswith('--fngraph-egress='):
            import importlib.util
            spec = importlib.util.spec_from_file_location('fngraph_egress', os.path.join(os.path.dirname(SHIM_FILE), 'egress.py'))
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            module.install(arg[len('--fngraph-egress='):])
            return module
    return None


EGRESS = _start_egress()


def _encode(frame):
    try:
        text = json.dumps(frame, ensure_ascii=False, allow_nan=False, separators=(',', ':'))
        return (text + '\n').encode('utf-8')
    except UnicodeEncodeError:
        # Lone surrogates cannot be UTF-8: let JSON escape them instead.
        return (json.dumps(frame, ensure_ascii=True, allow_nan=False, separators=(',', ':')) + '\n').encode('ascii')


def _write_frame(data):
    with _send_lock:
        view = memoryview(data)
        while view:
            written = os.write(PROTOCOL_OUT, view)
            view = view[written:]


def send(frame):
    _write_frame(_encode(frame))


# ---- output capture ----------------------------------------------------------
class LineWriter:
    """A text stream that sends every complete line as a `log` frame."""

    encoding = 'utf-8'
    errors = 'replace'
    newlines = None
    closed = False

    def __init__(self, stream):
        self._stream = stream
        self._pending = ''
        self._lock = threading.RLock()
        self.buffer = _BinaryLineWriter(self)

    @property
    def name(self):
        return '<%s>' % self._stream

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('write() argument must be str, not %s' % type(text).__name__)
        with self._lock:
            self._pending += text
            while True:
                newline = self._pending.find('\n')
                if newline == -1:
                    break
                line = self._pending[:newline]
                self._pending = self._pending[newline + 1:]
                self._emit(line)
            while len(self._pending) > MAX_LOG_CHUNK:
                self._emit(self._pending[:MAX_LOG_CHUNK])
                self._pending = self._pending[MAX_LOG_CHUNK:]
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def _emit(self, line):
        if line.endswith('\r'):
            line = line[:-1]
        for start in range(0, max(len(line), 1), MAX_LOG_CHUNK):
            send({'type': 'log', 'id': _log_owner(), 'stream': self._stream, 'message': line[start:start + MAX_LOG_CHUNK]})

    def flush(self):
        # Lines stay whole: a partial line waits for its end or the end of the invocation.
        pass

    def finish(self):
        """Sends a pending partial line."""
        with self._lock:
            if self._pending:
                line, self._pending = self._pending, ''
                self._emit(line)

    def isatty(self):
        return False

    def readable(self):
        return False

    def writable(self):
        return True

    def seekable(self):
        return False

    def fileno(self):
        import io
        raise io.UnsupportedOperation('fileno')


class _BinaryLineWriter:
    """`sys.stdout.buffer`: bytes are decoded as UTF-8 and written as text."""

    def __init__(self, text):
        self._text = text

    def write(self, data):
        self._text.write(bytes(data).decode('utf-8', 'replace'))
        return len(data)

    def flush(self):
        pass


STDOUT = LineWriter('stdout')
STDERR = LineWriter('stderr')
sys.stdout = sys.__stdout__ = STDOUT
sys.stderr = sys.__stderr__ = STDERR
sys.stdin = sys.__stdin__ = open(os.devnull, 'r')


def finish_output():
    STDOUT.finish()
    STDERR.finish()


# ---- errors ------------------------------------------------------------------
def _is_internal(filename):
    if os.path.abspath(filename) == SHIM_FILE:
        return True
    # The import machinery between the shim and a package's modules (multi-file functions).
    if filename.startswith('<frozen importlib') or filename == importlib.__file__:
        return True
    asyncio = sys.modules.get('asyncio')
    return asyncio is not None and filename.startswith(os.path.dirname(asyncio.__file__) + os.sep)


def serialize_error(error):
    """The error with its traceback, minus the frames of the shim and of asyncio."""
    summary = traceback.TracebackException.from_exception(error)
    pending, seen = [summary], set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.stack = traceback.StackSummary.from_list([f for f in current.stack if not _is_internal(f.filename)])
        pending.extend([current.__cause__, current.__context__])
    stack = ''.join(summary.format()).rstrip('\n')
    return {'type': type(error).__name__, 'message': str(error), 'stack': stack}


# ---- loading -----------------------------------------------------------------
handler = None
_loop = None


def load(frame):
    global handler
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in (frame.get('env') or {}).items()})
    if EGRESS is not None:
        os.environ.update(EGRESS.environment())

    module_paths = [str(p) for p in (frame.get('modulePaths') or [])]
    sys.path[:0] = module_paths
    for path in module_paths:
        # Processes the packages' .pth files; the path itself is already first in sys.path.
        site.addsitedir(path)

    entry = frame.get('entry') or {'module': MODULE_NAME, 'export': 'handler'}
    module_name = str(entry['module']).replace('/', '.')
    export = entry.get('export') or 'handler'
    function_dir = frame.get('functionDir')
    if function_dir:
        # A package folder (read-only): imported like any installed package, ahead of the dependencies.
        sys.dont_write_bytecode = True
        sys.path.insert(0, str(function_dir))
        module = importlib.import_module(module_name)
    else:
        module = _exec_source(module_name, frame['filename'], frame['artifact'])
    candidate = getattr(module, export, None)
    if not callable(candidate):
        where = os.path.relpath(module.__file__, function_dir) if function_dir and getattr(module, '__file__', None) else os.path.basename(frame['filename'])
        raise TypeError('%s must define a function %s(event, context)' % (where, export))
    handler = candidate


def _exec_source(module_name, filename, source):
    """One source file run as the module `module_name`."""
    # Tracebacks show the function's lines although no such file exists in the sandbox.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(module_name)
    module.__file__ = filename
    # Registered before it runs, so imports of it (and pickling) find it, as with a real import.
    sys.modules[module_name] = module
    try:
        code = compile(source, filename, 'exec', dont_inherit=True)
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


# ---- what the handler is given ----------------------------------------------------
class AttributeDict(dict):
    """A dict whose keys also read as attributes: `event['body']` and `event.body`
    (OpenFaaS' python3-http handlers), `context.aws_request_id` (Lambda's)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value


class Headers(dict):
    """Header names in any case (`headers['Content-Type']`), as HTTP says; stored lower-case."""

    def __init__(self, values=None):
        super().__init__()
        for name, value in (values or {}).items():
            self[name] = value

    def __setitem__(self, name, value):
        super().__setitem__(name.lower() if isinstance(name, str) else name, value)

    def __getitem__(self, name):
        return super().__getitem__(name.lower() if isinstance(name, str) else name)

    def __contains__(self, name):
        return super().__contains__(name.lower() if isinstance(name, str) else name)

    def __delitem__(self, name):
        super().__delitem__(name.lower() if isinstance(name, str) else name)

    def get(self, name, default=None):
        return super().get(name.lower() if isinstance(name, str) else name, default)


def handler_event(event):
    if not isinstance(event, dict):
        return event
    given = AttributeDict(event)
    if isinstance(event.get('headers'), dict):
        given['headers'] = Headers(event['headers'])
    return given


class Context(AttributeDict):
    """The context of the function contract plus Lambda's names for it (attributes only:
    the dict itself stays the contract's)."""

    @property
    def aws_request_id(self):
        return self.get('invocationId')

    @property
    def function_name(self):
        return self.get('functionName')

    @property
    def function_version(self):
        return self.get('version')

    @property
    def hostname(self):
        return os.uname().nodename

    def get_remaining_time_in_millis(self):
        import time
        deadline = self.get('deadlineMs')
        return max(0, int(deadline - time.time() * 1000)) if deadline is not None else 0


# ---- streamed responses ---------------------------------------------------------
CHUNK_BYTES = 48 * 1024


def _chunk_bytes(item):
    if isinstance(item, (bytes, bytearray, memoryview)):
        return bytes(item)
    if isinstance(item, str):
        return item.encode('utf-8')
    return (json.dumps(item, ensure_ascii=False, separators=(',', ':')) + '\n').encode('utf-8')


def _stream(invocation_id, items):
    """Sends the items of a (sync) iterator as chunks of a streamed response."""
    started = False
    for item in items:
        if not started:
            json_lines = not isinstance(item, (bytes, bytearray, memoryview, str))
            content_type = 'application/x-ndjson' if json_lines else 'text/plain; charset=utf-8'
            send({'type': 'response_start', 'id': invocation_id, 'statusCode': 200, 'headers': {'content-type': content_type}})
            started = True
        data = _chunk_bytes(item)
        for start in range(0, len(data), CHUNK_BYTES):
            send({'type': 'response_chunk', 'id': invocation_id, 'data': base64.b64encode(data[start:start + CHUNK_BYTES]).decode('ascii')})
    if not started:
        send({'type': 'response_start', 'id': invocation_id, 'statusCode': 200, 'headers': {'content-type': 'text/plain; charset=utf-8'}})


def _async_items(agen):
    """An async generator as a sync iterator, driven on the sandbox's event loop."""
    loop = _event_loop()
    while True:
        try:
            yield loop.run_until_complete(_awaited(agen.__anext__()))
        except StopAsyncIteration:
            return


# The marker of an answer already sent as a stream.
STREAMED = object()


# ---- invoking ----------------------------------------------------------------
def _event_loop():
    # One loop for the sandbox's lifetime, so clients created by one invocation (and
    # their connections) can serve the next, as module-level state does.
    global _loop
    if _loop is None:
        import asyncio
        _loop = asyncio.new_event_loop()
        asyncio.set_event_loop(_loop)
    return _loop


def _call(invocation_id, event, context):
    value = handler(handler_event(event), Context(context))
    if hasattr(value, '__await__'):
        value = _event_loop().run_until_complete(_awaited(value))
    if inspect.isasyncgen(value):
        _stream(invocation_id, _async_items(value))
        return STREAMED
    if inspect.isgenerator(value):
        _stream(invocation_id, value)
        return STREAMED
    if isinstance(value, (bytes, bytearray, memoryview)):
        # Bytes as they are: a binary response, as the Node.js shim answers a Buffer.
        return {'statusCode': 200, 'headers': {'content-type': 'application/octet-stream'},
                'body': base64.b64encode(bytes(value)).decode('ascii'), 'isBase64Encoded': True}
    return value


async def _awaited(awaitable):
    return await awaitable


def _usage():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def invoke(frame):
    global _current_id
    send({'type': 'accepted', 'id': frame.get('id')})
    _current_id = frame.get('id')
    cpu_before, _ = _usage()
    reply = {'type': 'result', 'id': frame.get('id')}
    try:
        context = contextvars.copy_context()
        context.run(_invocation_of.set, frame.get('id'))
        value = context.run(_call, frame.get('id'), frame.get('event'), frame.get('context'))
        if value is STREAMED:
            reply.update(ok=True, streamed=True)
        else:
            reply.update(ok=True, value=value)
    except BaseException as error:  # SystemExit included: the sandbox keeps serving
        reply.update(ok=False, error=serialize_error(error))
    finish_output()
    cpu_after, max_rss = _usage()
    reply['metrics'] = {'cpuTimeMs': (cpu_after - cpu_before) * 1000, 'maxRssBytes': max_rss}
    try:
        data = _encode(reply)
    except (TypeError, ValueError, RecursionError) as error:
        data = _encode({
            'type': 'result',
            'id': frame.get('id'),
            'ok': False,
            'error': {
                'type': 'TypeError',
                'message': 'The handler returned a value that is not JSON-serialisable: %s' % error,
            },
            'metrics': reply['metrics'],
        })
    _write_frame(data)
    _current_id = None


def handle(frame):
    kind = frame.get('type')
    if kind == 'invoke':
        invoke(frame)
    elif kind == 'load':
        try:
            load(frame)
            finish_output()
            send({'type': 'loaded'})
        except BaseException as error:
            finish_output()
            send({'type': 'load_failed', 'error': serialize_error(error)})
    else:
        send({'type': 'protocol_error', 'message': 'unknown frame type %s' % json.dumps(kind)})


def main():
    send({'type': 'ready'})
    while True:
        line = PROTOCOL_IN.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        handle(json.loads(line))
    # stdin closed: the executor is done with this sandbox.
    os._exit(0)


if __name__ == '__main__':
    main()
