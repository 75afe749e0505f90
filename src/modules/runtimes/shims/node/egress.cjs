'use strict';
// fngraph egress for Node.js sandboxes with network access (executionConfig.network).
//
// The sandbox has no network interface but loopback. Its only way out is the egress
// gateway's Unix socket (`--fngraph-egress=PATH`), an HTTP proxy outside the sandbox
// that resolves names itself and applies the function's allow-list and the platform's
// deny-list. This file, loaded by shim.cjs only in such sandboxes, makes ordinary clients
// use it:
// - every TCP connection (`net.connect`, `http.get`, `fetch`, database drivers) is opened
//   through the gateway with `CONNECT host:port`: the name goes to the gateway unresolved,
//   so there is no resolver in the sandbox and none is needed;
// - `tls.connect` (`https`, `fetch` to https://) runs TLS over such a tunnel;
// - `dns.lookup` (callback and promise) answers a name with a placeholder address from
//   240.0.0.0/4 (reserved, never a real destination) that stands for the name, for clients
//   that resolve first and connect to the address: the connection then asks for the name;
// - a loopback relay (127.0.0.1, the sandbox's own namespace) forwards to the gateway, and
//   HTTP_PROXY / HTTPS_PROXY name it, for child processes (curl) and env-proxy clients.
// A refusal surfaces as an error whose message gives the gateway's reason.
// Connections to the relay itself, and to Unix sockets, are left alone.
// Only Node's core modules.

const dns = require('node:dns');
const net = require('node:net');
const tls = require('node:tls');
const { Duplex } = require('node:stream');

const MAX_REPLY_BYTES = 16 * 1024;

function install(socketPath) {
  const originalConnect = net.Socket.prototype.connect;
  const originalTlsConnect = tls.connect;
  let relayPort = 0;
  const nameOf = new Map();
  const placeholderOf = new Map();

  /** The placeholder address standing for a name (240.0.0.1, 240.0.0.2, ...). */
  function placeholder(name) {
    const key = String(name).toLowerCase().replace(/\.$/, '');
    let address = placeholderOf.get(key);
    if (address === undefined) {
      const n = placeholderOf.size + 1;
      address = `240.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      placeholderOf.set(key, address);
      nameOf.set(address, key);
    }
    return address;
  }

  const originalLookup = dns.lookup;
  const originalPromisesLookup = dns.promises.lookup;
  dns.lookup = function lookup(hostname, options, callback) {
    const done = typeof options === 'function' ? options : callback;
    const settings = typeof options === 'object' && options !== null ? options : {};
    if (typeof hostname !== 'string' || net.isIP(hostname) !== 0 || typeof done !== 'function') return originalLookup.apply(dns, arguments);
    const address = placeholder(hostname);
    process.nextTick(() => (settings.all ? done(null, [{ address, family: 4 }]) : done(null, address, 4)));
    return {};
  };
  dns.promises.lookup = async function lookup(hostname, options) {
    if (typeof hostname !== 'string' || net.isIP(hostname) !== 0) return originalPromisesLookup.call(dns.promises, hostname, options);
    const address = placeholder(hostname);
    return options && typeof options === 'object' && options.all ? [{ address, family: 4 }] : { address, family: 4 };
  };

  /** [options, callback] of a `socket.connect(...)` call, as Node normalises them. */
  function normalise(args) {
    if (Array.isArray(args[0])) return [args[0][0] || {}, args[0][1] || null];
    const callback = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : null;
    const first = args[0];
    if (first !== null && typeof first === 'object') return [first, callback];
    if (typeof first === 'string' && !/^\d+$/.test(first)) return [{ path: first }, callback];
    return [{ port: first, host: typeof args[1] === 'string' ? args[1] : undefined }, callback];
  }

  /** The destination to tunnel, or null for what stays local (Unix sockets, the relay). */
  function tunnelTarget(options) {
    if (options.path !== undefined && options.path !== null) return null;
    const given = String(options.host || 'localhost').replace(/^\[(.*)\]$/, '$1');
    const port = Number(options.port);
    if (relayPort !== 0 && port === relayPort && (given === '127.0.0.1' || given === 'localhost')) return null;
    return { host: nameOf.get(given) ?? given, port };
  }

  function authority(host, port) {
    return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  }

  function refusal(host, port, head) {
    const status = /^HTTP\/1\.\d (\d{3})/.exec(head);
    const reason = /\r\nX-Fngraph-Egress-Reason: ([^\r\n]*)/i.exec(head);
    const code = status && status[1] === '403' ? 'EACCES' : 'ECONNREFUSED';
    const error = new Error(`fngraph egress: connection to ${authority(host, port)} refused: ${reason ? reason[1] : head.split('\r\n')[0]}`);
    error.code = code;
    error.host = host;
    error.port = port;
    return error;
  }

  // Plain TCP: the socket connects to the gateway instead, asks for the destination first
  // (Node sends writes in order, so the request precedes anything the caller writes), and
  // the gateway's reply is taken off the stream before the caller reads. 'connect' fires
  // when the gateway answers the socket, a refusal then destroys it with the reason.
  net.Socket.prototype.connect = function connect(...args) {
    const [options, callback] = normalise(args);
    const target = this instanceof tls.TLSSocket ? null : tunnelTarget(options);
    if (target === null) return originalConnect.apply(this, args);
    const socket = this;
    const push = socket.push;
    let reply = Buffer.alloc(0);
    socket.push = function takeReply(chunk, encoding) {
      if (chunk === null) {
        socket.push = push;
        process.nextTick(() => socket.destroy(refusal(target.host, target.port, 'HTTP/1.1 502 the gateway closed the connection')));
        return false;
      }
      reply = Buffer.concat([reply, typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk]);
      const end = reply.indexOf('\r\n\r\n');
      if (end === -1) {
        if (reply.length > MAX_REPLY_BYTES) process.nextTick(() => socket.destroy(refusal(target.host, target.port, 'HTTP/1.1 502 reply too large')));
        return true;
      }
      socket.push = push;
      const head = reply.subarray(0, end).toString('latin1');
      if (!/^HTTP\/1\.\d 200/.test(head)) {
        process.nextTick(() => socket.destroy(refusal(target.host, target.port, head)));
        return false;
      }
      const rest = reply.subarray(end + 4);
      return rest.length > 0 ? push.call(socket, rest) : true;
    };
    const connectOptions = { path: socketPath };
    const result = callback ? originalConnect.call(socket, connectOptions, callback) : originalConnect.call(socket, connectOptions);
    socket.write(`CONNECT ${authority(target.host, target.port)} HTTP/1.1\r\nHost: ${authority(target.host, target.port)}\r\n\r\n`);
    return result;
  };

  /** A plain stream around a socket: TLS then runs in JavaScript over it, after the tunnel's reply is taken off. */
  function streamOf(socket) {
    const stream = new Duplex({
      write(chunk, encoding, done) {
        socket.write(chunk, encoding, done);
      },
      final(done) {
        socket.end(done);
      },
      read() {
        socket.resume();
      },
      destroy(error, done) {
        socket.destroy();
        done(error);
      },
    });
    socket.on('data', (data) => {
      if (!stream.push(data)) socket.pause();
    });
    socket.on('end', () => stream.push(null));
    socket.on('error', (error) => stream.destroy(error));
    socket.on('close', () => stream.destroy());
    return stream;
  }

  tls.connect = function connect(...args) {
    let options = {};
    let callback;
    const [a, b, c, d] = args;
    if (a !== null && typeof a === 'object') {
      options = { ...a };
      callback = b;
    } else {
      options.port = a;
      if (typeof b === 'string') {
        options.host = b;
        if (c !== null && typeof c === 'object') {
          Object.assign(options, c);
          callback = d;
        } else callback = c;
      } else if (b !== null && typeof b === 'object') {
        Object.assign(options, b);
        callback = c;
      } else callback = b;
    }
    if (!options.socket) {
      const target = tunnelTarget(options);
      if (target !== null) {
        const raw = net.connect({ host: target.host, port: target.port });
        options.socket = streamOf(raw);
        options.host = target.host;
        if (options.servername === undefined && !net.isIP(target.host)) options.servername = target.host;
      }
    }
    return typeof callback === 'function' ? originalTlsConnect.call(tls, options, callback) : originalTlsConnect.call(tls, options);
  };

  // The loopback relay: bytes in, bytes to a fresh gateway connection, both ways.
  const relay = net.createServer((client) => {
    const upstream = originalConnect.call(new net.Socket(), { path: socketPath });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  relay.on('error', () => undefined);
  relay.listen(0, '127.0.0.1', () => {
    relayPort = relay.address().port;
  });
  // The relay must not keep the shim alive on its own.
  relay.unref();

  return {
    /** Proxy variables for the function's environment (once the relay listens; empty before). */
    environment() {
      if (relayPort === 0) return {};
      const url = `http://127.0.0.1:${relayPort}`;
      return { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, NO_PROXY: '', no_proxy: '' };
    },
  };
}

module.exports = { install };
