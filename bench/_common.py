"""What the benchmarks share: a document store that only counts writes, and a redis-server of
their own on a free loopback port."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis

from keywatch_ops.devstack.stack import free_port, redis_cmd


class CountingDocs:
    """HealthDocs that writes nothing and counts what it was asked to write or delete."""

    def __init__(self) -> None:
        self.writes = 0

    def write(self, docs: dict[str, dict[str, Any]], deletes: Any = ()) -> list[tuple[str, str]]:
        """As HealthDocs.write: the documents refused for good (none here)."""
        self.writes += len(docs) + len(deletes)
        return []


@contextmanager
def redis_server() -> Iterator[redis.Redis]:
    """A fresh redis-server (no persistence), stopped on exit."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(redis_cmd(port), cwd=tmp, stdout=subprocess.DEVNULL)
        try:
            r = redis.Redis(port=port)
            for _ in range(200):
                try:
                    r.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            yield r
        finally:
            server.terminate()
            server.wait(10)
