'use strict';
// Express-like `(req, res)` for Cloud Functions' and Express-style handlers
// (`eventFormat: "node-http"`, `functions.http`). Core modules only.
const { TEXT_TYPE, toBytes, decodeUtf8 } = require('./bytes.cjs');

/** An Express-like request (Cloud Functions' framework), body parsed as Express' body parsers would. */
function expressRequest(event) {
  const headers = {};
  for (const [name, value] of Object.entries(event.headers || {})) headers[name.toLowerCase()] = value;
  const rawBody = event.body === null || event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const type = (headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  let body = {};
  if (rawBody.length > 0) {
    if (type === 'application/json' || type.endsWith('+json')) {
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        body = rawBody.toString('utf8');
      }
    } else if (type === 'application/x-www-form-urlencoded') body = Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
    else if (type.startsWith('text/')) body = rawBody.toString('utf8');
    else body = rawBody;
  }
  const query = {};
  for (const [key, value] of Object.entries(event.query || {})) query[key] = value;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) for (const item of [].concat(value)) search.append(key, item);
  const url = `${event.path || '/'}${search.size ? `?${search}` : ''}`;
  const request = {
    method: event.method || 'GET',
    url,
    originalUrl: url,
    path: event.path || '/',
    headers,
    query,
    body,
    rawBody,
    ip: event.sourceIp ?? null,
    protocol: 'http',
    hostname: (headers.host || 'localhost').split(':')[0],
    get: (name) => headers[String(name).toLowerCase()],
    header: (name) => headers[String(name).toLowerCase()],
    is: (wanted) => (type.includes(String(wanted).replace('*', '')) ? type : false),
  };
  return request;
}

/** An Express-like response: the invocation ends with `send`/`json`/`end`; `write` streams. */
/**
 * `finish(null, streamed)` ends an invocation whose answer already went out as a stream.
 */
function expressResponse(reply, finish, streamed) {
  const headers = {};
  let ended = false;
  const response = {
    statusCode: 200,
    locals: {},
    get headersSent() {
      return reply.started || ended;
    },
    status(code) {
      response.statusCode = Number(code);
      return response;
    },
    set(name, value) {
      if (name && typeof name === 'object') for (const [key, item] of Object.entries(name)) response.set(key, item);
      else headers[String(name).toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
      return response;
    },
    append(name, value) {
      const key = String(name).toLowerCase();
      headers[key] = [].concat(headers[key] ?? [], value).map(String);
      return response;
    },
    get: (name) => headers[String(name).toLowerCase()],
    getHeader: (name) => headers[String(name).toLowerCase()],
    removeHeader: (name) => delete headers[String(name).toLowerCase()],
    type(value) {
      return response.set(
        'content-type',
        value.includes('/') ? value : value === 'json' ? 'application/json' : value === 'html' ? 'text/html' : `text/${value}`,
      );
    },
    cookie(name, value, options = {}) {
      const parts = [`${name}=${encodeURIComponent(String(value))}`];
      if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.floor(options.maxAge / 1000)}`);
      if (options.path) parts.push(`Path=${options.path}`);
      if (options.httpOnly) parts.push('HttpOnly');
      if (options.secure) parts.push('Secure');
      if (options.sameSite) parts.push(`SameSite=${options.sameSite === true ? 'Strict' : options.sameSite}`);
      return response.append('set-cookie', parts.join('; '));
    },
    location: (url) => response.set('location', url),
    redirect(status, url) {
      if (url === undefined) [status, url] = [302, status];
      response.status(status).set('location', url).end();
    },
    setHeader: (name, value) => response.set(name, value),
    writeHead(code, values) {
      response.status(code);
      if (values) response.set(values);
      return response;
    },
    write(chunk) {
      if (ended) return false;
      reply.start(response.statusCode, headers);
      reply.chunk(chunk);
      return true;
    },
    end(chunk) {
      if (ended) return response;
      if (reply.started) {
        if (chunk !== undefined && chunk !== null) reply.chunk(chunk);
        ended = true;
        finish(null, streamed);
        return response;
      }
      ended = true;
      const bytes = chunk === undefined || chunk === null ? null : toBytes(chunk);
      const text = bytes !== null && TEXT_TYPE.test(headers['content-type'] || 'text/plain') ? decodeUtf8(bytes) : null;
      const body = bytes === null ? null : (text ?? bytes.toString('base64'));
      finish(null, { statusCode: response.statusCode, headers, body, isBase64Encoded: bytes !== null && text === null });
      return response;
    },
    send(body) {
      if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && !(body instanceof Uint8Array)) return response.json(body);
      if (headers['content-type'] === undefined) {
        response.set('content-type', typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/octet-stream');
      }
      return response.end(body);
    },
    json(body) {
      if (headers['content-type'] === undefined) response.set('content-type', 'application/json; charset=utf-8');
      return response.end(JSON.stringify(body));
    },
    sendStatus(code) {
      return response.status(code).set('content-type', 'text/plain; charset=utf-8').end(String(code));
    },
  };
  return response;
}

module.exports = { expressRequest, expressResponse };
