"""One HTTP exchange bounded by one overall deadline: name resolution, connect, TLS and every
read and write. Used by keywatch.validate and by the functions' status feed and webhook
adapters; each keeps its own policy (which schemes, which redirects, what its errors say).

A socket timeout alone bounds each operation, not their sum: a server sending a byte every
0.1 s never trips it and could hold a caller for as long as it likes. So every step here gets
only what is left of the deadline:

- getaddrinfo takes no timeout: it runs in a daemon thread, left behind if the deadline passes
  first.
- connect gives an address that is not the last half of what is left, so that one black hole
  (an IPv6 route that drops everything) leaves time for the next (socket.create_connection
  would give each address the whole timeout).
- the TLS handshake runs under the socket's timeout, which CPython's _ssl applies as one
  deadline over the handshake's reads and writes.
- `DeadlineSocket` is what http.client is given: each send and receive gets what is left.

Every way of running out of time raises TimeoutError. Standard library only, and imported only
by the modules that make requests, never by `import keywatch`.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from typing import Any, Final

__all__ = [
    "AddrInfo",
    "Deadline",
    "DeadlineSocket",
    "connect",
    "describe",
    "is_loopback",
    "resolve",
]

# (family, type, proto, canonname, sockaddr): one entry of socket.getaddrinfo's answer.
AddrInfo = tuple[int, int, int, str, Any]

_LOOPBACK_NAMES: Final = frozenset({"localhost"})


class Deadline:
    """The one budget of an exchange: every step gets what is left of it."""

    def __init__(self, seconds: float) -> None:
        self._at = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left, always positive; TimeoutError once there are none."""
        left = self._at - time.monotonic()
        if left <= 0:
            raise TimeoutError("the deadline passed")
        return left


def is_loopback(host: str) -> bool:
    """Whether `host` is localhost or a loopback address (by name: nothing is resolved)."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve(host: str, port: int, deadline: Deadline) -> list[AddrInfo]:
    """getaddrinfo within the deadline (TCP addresses). An address literal is not looked up."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return list(
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
        )
    box: list[Any] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            box.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as exc:  # raised again in the caller's thread
            box.append(exc)
        finally:
            done.set()

    threading.Thread(target=lookup, name="keywatch-dns", daemon=True).start()
    if not done.wait(deadline.left()):
        raise TimeoutError(f"resolving {host} took longer than the deadline")
    if isinstance(box[0], BaseException):
        raise box[0]
    return list(box[0])


def connect(
    host: str,
    port: int,
    deadline: Deadline,
    *,
    tls: ssl.SSLContext | None,
    server_hostname: str | None = None,
    loopback_only: bool = False,
    addresses: Sequence[AddrInfo] | None = None,
) -> socket.socket:
    """A TCP connection to the first of `host`'s addresses that takes one, with TLS over it
    when `tls` is given (the certificate checked against `server_hostname`, else `host`),
    all within the deadline.

    `loopback_only` connects only to loopback addresses (plain http to a local stand-in: a
    name like localhost must resolve there too). `addresses` are used instead of resolving
    `host`, for a caller that resolves by itself."""
    if addresses is None:
        addresses = resolve(host, port, deadline)
    candidates = [
        a for a in addresses if not loopback_only or is_loopback(str(a[4][0]).split("%")[0])
    ]
    error = (
        OSError(f"{host} does not resolve to loopback; plain http refused")
        if len(candidates) < len(addresses)
        else OSError(f"no address for {host}")
    )
    for n, (family, kind, proto, _, address) in enumerate(candidates, 1):
        left = deadline.left()
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(left if n == len(candidates) else left / 2)
            sock.connect(address)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        break
    else:
        raise error
    if tls is None:
        return sock
    try:
        sock.settimeout(deadline.left())
        return tls.wrap_socket(sock, server_hostname=server_hostname or host)
    except BaseException:
        sock.close()
        raise


class DeadlineSocket:
    """What http.client needs of a socket (`conn.sock = DeadlineSocket(sock, deadline)`), each
    operation given only what is left of the deadline. Closing it does nothing: the caller
    closes `sock` once the answer is read."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.left())
        self._sock.sendall(data)

    def recv_into(self, buffer: Any) -> int:
        self._sock.settimeout(self._deadline.left())
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self))

    def close(self) -> None:
        # http.client closes its connection as soon as an HTTP/1.0 answer's headers are read,
        # and reads the body afterwards (a real socket defers the close to its last makefile).
        return


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: DeadlineSocket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._sock.recv_into(buffer)


def describe(exc: BaseException, peer: str) -> str | None:
    """A network failure in a few words (`peer`, such as "the feed", names the other end), or
    None for one that is none of these: each caller words the rest its own way."""
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return f"name resolution failed: {exc.strerror}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS: {exc.reason or type(exc).__name__}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.RemoteDisconnected):
        return f"{peer} closed the connection without answering"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return None
