"""A loopback TCP proxy that can make a server hang or refuse: outages on demand.

    with FaultProxy(upstream_port) as proxy:  # clients connect to proxy.address
        proxy.set_mode("hang")    # bytes stop flowing both ways: calls wait for their deadline
        proxy.set_mode("refuse")  # open connections are cut, new ones closed at once
        proxy.set_mode("pass")    # back to normal

The Pub/Sub emulator cannot be made slow or unreachable on its own; put this in front of it
(PUBSUB_EMULATOR_HOST=127.0.0.1:<proxy.port>) and the real gRPC client sees a real outage.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from types import TracebackType
from typing import Literal

Mode = Literal["pass", "hang", "refuse"]
LOOPBACK = "127.0.0.1"


class FaultProxy:
    def __init__(self, upstream_port: int, upstream_host: str = LOOPBACK) -> None:
        self._upstream = (upstream_host, upstream_port)
        self.mode: Mode = "pass"
        self._listener = socket.create_server((LOOPBACK, 0))
        self.port: int = self._listener.getsockname()[1]
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)

    @property
    def address(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        self._cut_all()

    def _cut_all(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, set()
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
            c.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                client.close()
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        with self._lock:
            self._conns.add(client)
        try:
            while self.mode == "hang":  # accepted, never connected upstream: a hung server
                if self._closed.wait(0.05) or client.fileno() < 0:
                    return
            if self.mode == "refuse":
                return
            upstream = socket.create_connection(self._upstream, timeout=5)
            with self._lock:
                self._conns.add(upstream)
            self._pump(client, upstream)
        except OSError:
            return
        finally:
            for s in (client, upstream):
                if s is not None:
                    with self._lock:
                        self._conns.discard(s)
                    s.close()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peer = {a: b, b: a}
        while not self._closed.is_set():
            if self.mode == "refuse":
                return
            if self.mode == "hang":  # hold everything: nothing read, nothing sent
                self._closed.wait(0.05)
                continue
            readable, _, _ = select.select([a, b], [], [], 0.05)
            for s in readable:
                data = s.recv(65536)
                if not data:
                    return
                peer[s].sendall(data)

    def set_mode(self, mode: Mode) -> None:
        """Switch; `refuse` also cuts every open connection at once."""
        self.mode = mode
        if mode == "refuse":
            self._cut_all()
