"""HealthReader's cache: one read per document per freshness bound, stale served on error."""

from __future__ import annotations

from typing import Any

import pytest

from keywatch.routing import HealthReader
from keywatch.settings import Settings


class Snap:
    def __init__(self, data: dict[str, Any] | None) -> None:
        self.exists = data is not None
        self._data = data

    def to_dict(self) -> dict[str, Any] | None:
        return self._data


class CountingClient:
    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs, self.reads, self.down = docs, 0, False

    def document(self, path: str) -> Any:
        client = self

        class Ref:
            def get(self) -> Snap:
                if client.down:
                    raise ConnectionError("firestore unreachable")
                client.reads += 1
                return Snap(client.docs.get(path))

        return Ref()


def test_reads_are_cached_for_the_freshness_bound() -> None:
    """Within max_age a document is read once; after it, read again."""
    now = [0.0]
    client = CountingClient({"provider_health/openai": {"status": "healthy"}})
    r = HealthReader(client, Settings(), max_age_s=30, clock=lambda: now[0])
    for _ in range(100):
        assert r.provider("openai") == {"status": "healthy"}
    assert client.reads == 1
    now[0] = 31
    r.provider("openai")
    assert client.reads == 2


def test_stale_value_served_while_firestore_is_down_then_error() -> None:
    """Firestore down: the last value is served up to max_stale, then the error surfaces."""
    now = [0.0]
    client = CountingClient({"provider_health/openai": {"status": "down"}})
    r = HealthReader(client, Settings(), max_age_s=30, max_stale_s=600, clock=lambda: now[0])
    r.provider("openai")
    client.down = True
    now[0] = 300
    assert r.provider("openai") == {"status": "down"}
    now[0] = 700
    with pytest.raises(ConnectionError):
        r.provider("openai")
