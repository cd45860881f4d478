"""Test-wide guards: offline, loopback only, no metadata server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests import netguard

os.environ["NO_GCE_CHECK"] = "true"
os.environ.setdefault("GOOGLE_CLOUD_PROJECT", "demo-keywatch")
# One secret for the whole run (subprocesses inherit it), so fingerprints agree everywhere.
os.environ.setdefault("KEYWATCH_FINGERPRINT_SECRET", "keywatch-tests-fingerprint-secret")
for var in ("GOOGLE_APPLICATION_CREDENTIALS", "PUBSUB_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST"):
    os.environ.pop(var, None)


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Any:
    """Every socket this test process opens goes to loopback (grpc's C core is not covered, and
    is pointed at the emulators by their *_EMULATOR_HOST variables instead)."""
    netguard.install()
    yield
    netguard.uninstall()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real redis-server of its own on loopback, for the tests that count: its port. Started
    only when a test asks for it (the integration tier's `backends` runs one of its own)."""
    from keywatch_ops.devstack.stack import free_port, redis_cmd

    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    with (workdir / "redis.log").open("wb") as log:
        proc = subprocess.Popen(redis_cmd(port), cwd=workdir, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with code {proc.returncode}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start in 20 s")
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def counting_store(redis_server: int) -> Callable[..., Any]:
    """`counting_store(clock=None)`: the real counting store (RedisCountingStore, its Lua
    scripts on redis-server) under a prefix of its own, with the test's clock."""
    import redis

    from keywatch.core.keys import Layout
    from keywatch_functions.adapters.redis_counting import RedisCountingStore

    client = redis.Redis(port=redis_server, socket_timeout=5)

    def make(clock: Callable[[], float] | None = None) -> RedisCountingStore:
        return RedisCountingStore(client, Layout(f"t{uuid.uuid4().hex[:10]}"), clock=clock)

    return make
