"""Test-wide guards: offline, loopback only, no metadata server."""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

import pytest

os.environ["NO_GCE_CHECK"] = "true"
os.environ.setdefault("GOOGLE_CLOUD_PROJECT", "demo-keywatch")
for var in ("GOOGLE_APPLICATION_CREDENTIALS", "PUBSUB_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST"):
    os.environ.pop(var, None)

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkGuardError(AssertionError):
    pass


def _check_host(host: Any) -> None:
    if not isinstance(host, str) or host in _LOCAL_NAMES:
        return
    try:
        if ipaddress.ip_address(host.split("%")[0]).is_loopback:
            return
    except ValueError:
        pass
    raise NetworkGuardError(f"a test tried to reach {host!r}: tests talk to loopback only")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check_host(address[0])
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check_host(address[0])
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None:
        _check_host(host.decode() if isinstance(host, bytes) else host)
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Any:
    """Every socket this test process opens goes to loopback (grpc's C core is not covered, and
    is pointed at the emulators by their *_EMULATOR_HOST variables instead)."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _real_getaddrinfo
