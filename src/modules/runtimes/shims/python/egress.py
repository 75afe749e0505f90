# fngraph egress for Python sandboxes with network access (executionConfig.network).
#
# The sandbox has no network interface but loopback. Its only way out is the egress
# gateway's Unix socket (`--fngraph-egress=PATH`), an HTTP proxy outside the sandbox that
# resolves names itself and applies the function's allow-list and the platform's
# deny-list. Loaded by shim.py only in such sandboxes, this makes ordinary clients use it:
# - `socket.getaddrinfo` (and `gethostbyname`) answer a name with a placeholder address
#   from 240.0.0.0/4 (reserved, never a real destination) remembered for that name: there
#   is no resolver in the sandbox, the gateway resolves;
# - `socket.connect` / `connect_ex` of a TCP socket opens a tunnel through the gateway
#   (`CONNECT host:port`, with the name behind a placeholder) and puts it in place of the
#   socket's descriptor, so `socket.create_connection`, `http.client`, `urllib`, `ssl`,
#   `asyncio` and drivers built on them work unchanged;
# - a loopback relay (127.0.0.1, the sandbox's own namespace) forwards to the gateway, and
#   HTTP_PROXY / HTTPS_PROXY name it, for child processes (curl).
# A refusal raises ConnectionRefusedError / PermissionError with the gateway's reason.
# Standard library only.

import errno
import ipaddress
import os
import socket
import threading
import weakref

_MAX_REPLY = 16 * 1024
_PLACEHOLDERS = ipaddress.ip_network('240.0.0.0/4')

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_real_setsockopt = socket.socket.setsockopt
# Sockets that now hold a tunnel (a Unix socket): TCP options (TCP_NODELAY...) do not apply to them.
_tunnelled = weakref.WeakSet()
_lock = threading.Lock()
_name_of = {}
_address_of = {}
_state = {'path': None, 'relay_port': 0}


def _is_address(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _placeholder(name):
    with _lock:
        address = _address_of.get(name)
        if address is None:
            address = str(_PLACEHOLDERS[len(_address_of) + 1])
            _address_of[name] = address
            _name_of[address] = name
        return address


def _port_number(port):
    if port is None:
        return 0
    if isinstance(port, bytes):
        port = port.decode()
    if isinstance(port, int):
        return port
    if port.isdigit():
        return int(port)
    return {'http': 80, 'https': 443}.get(port, 0)


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or _is_address(name.strip('[]')) or (flags & socket.AI_NUMERICHOST) or type == socket.SOCK_DGRAM:
        return _real_getaddrinfo(host, port, family, type, proto, flags)
    address = _placeholder(name.lower().rstrip('.'))
    return [(socket.AF_INET, type or socket.SOCK_STREAM, proto or socket.IPPROTO_TCP, '', (address, _port_number(port)))]


def gethostbyname(name):
    return name if _is_address(name) else _placeholder(name.lower().rstrip('.'))


def _target(sock, address):
    """(host, port) to tunnel to, or None for what stays local (the relay, other families)."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
        return None
    if not isinstance(address, tuple) or len(address) < 2:
        return None
    host, port = address[0], int(address[1])
    if isinstance(host, bytes):
        host = host.decode()
    if host in ('127.0.0.1', 'localhost') and port == _state['relay_port'] and port != 0:
        return None
    host = _name_of.get(host, host)
    return host, port


def _authority(host, port):
    return '[%s]:%d' % (host, port) if ':' in host else '%s:%d' % (host, port)


def _open_tunnel(host, port, timeout):
    tunnel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        tunnel.settimeout(timeout if timeout else 30.0)
        _real_connect(tunnel, _state['path'])
        target = _authority(host, port)
        tunnel.sendall(('CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n' % (target, target)).encode('ascii'))
        # Byte by byte up to the end of the reply: what the destination sends first stays for the caller.
        reply = b''
        while not reply.endswith(b'\r\n\r\n'):
            byte = tunnel.recv(1)
            if not byte or len(reply) >= _MAX_REPLY:
                raise ConnectionRefusedError(errno.ECONNREFUSED, 'fngraph egress: connection to %s refused: the gateway closed the connection' % target)
            reply += byte
        head = reply.decode('latin-1')
        status = head.split(' ', 2)[1] if head.startswith('HTTP/1.') else '502'
        if status != '200':
            reason = head.split('\r\n')[0]
            for line in head.split('\r\n'):
                if line.lower().startswith('x-fngraph-egress-reason:'):
                    reason = line.split(':', 1)[1].strip()
            message = 'fngraph egress: connection to %s refused: %s' % (target, reason)
            if status == '403':
                raise PermissionError(errno.EACCES, message)
            raise ConnectionRefusedError(errno.ECONNREFUSED, message)
        return tunnel
    except BaseException:
        tunnel.close()
        raise


def _tunnel_into(sock, host, port):
    timeout = sock.gettimeout()
    tunnel = _open_tunnel(host, port, timeout)
    try:
        # The socket now speaks through the tunnel: same object, same descriptor number.
        os.dup2(tunnel.fileno(), sock.fileno(), inheritable=False)
    finally:
        tunnel.close()
    # Re-applies the socket's blocking mode to the descriptor it now holds.
    sock.settimeout(timeout)
    _tunnelled.add(sock)


def _setsockopt(self, level, option, *value):
    try:
        return _real_setsockopt(self, level, option, *value)
    except OSError as error:
        # A TCP option on a tunnel is meaningless, not an error of the caller's.
        if self in _tunnelled and error.errno in (errno.EOPNOTSUPP, errno.ENOPROTOOPT, errno.EINVAL):
            return None
        raise


def _connect(self, address):
    target = _target(self, address)
    if target is None:
        return _real_connect(self, address)
    _tunnel_into(self, *target)


def _connect_ex(self, address):
    target = _target(self, address)
    if target is None:
        return _real_connect_ex(self, address)
    try:
        _tunnel_into(self, *target)
        return 0
    except OSError as error:
        return error.errno or errno.ECONNREFUSED


def _serve_relay(server):
    def pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    while True:
        try:
            client, _ = server.accept()
        except OSError:
            return
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            _real_connect(upstream, _state['path'])
        except OSError:
            client.close()
            upstream.close()
            continue
        threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()


def install(path):
    _state['path'] = path
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.socket.setsockopt = _setsockopt
    relay = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    relay.bind(('127.0.0.1', 0))
    relay.listen(16)
    _state['relay_port'] = relay.getsockname()[1]
    threading.Thread(target=_serve_relay, args=(relay,), daemon=True, name='fngraph-egress-relay').start()


def environment():
    """Proxy variables for the function's environment."""
    if not _state['relay_port']:
        return {}
    url = 'http://127.0.0.1:%d' % _state['relay_port']
    return {'HTTP_PROXY': url, 'HTTPS_PROXY': url, 'http_proxy': url, 'https_proxy': url, 'NO_PROXY': '', 'no_proxy': ''}
