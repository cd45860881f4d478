"""The incidents notify's guard opens, as the health run reads them, on a real redis-server."""

from __future__ import annotations

import time

import pytest
import redis

from keywatch.core.keys import Layout
from keywatch_functions.adapters.redis_lock import RedisIncidentGuard, RedisIncidentLedger

pytestmark = pytest.mark.integration


def test_an_opened_incident_is_listed_open_then_closed(
    redis_client: redis.Redis, unique: str
) -> None:
    provider = f"p{unique.replace('-', '')[:10]}"
    guard = RedisIncidentGuard(redis_client, min_keys=2, factor=2.0, open_ttl_s=900)
    minute = int(time.time() // 60)
    states = [
        guard.check(provider, "invalid_key", f"kf_{i:016x}", minute, f"e{i}").state
        for i in range(3)
    ]
    assert "opened" in states
    ledger = RedisIncidentLedger(redis_client)
    [inc] = [i for i in ledger.recent(time.time()) if i.provider == provider]
    assert inc.open and inc.reason == "invalid_key" and inc.threshold == 2
    assert inc.id == f"{provider}-invalid_key-{inc.opened_minute}"
    redis_client.delete(Layout().incident_open(provider, "invalid_key"))  # the incident ends
    [inc] = [i for i in ledger.recent(time.time()) if i.provider == provider]
    assert not inc.open
    # Kept 7 days, then dropped.
    assert not [i for i in ledger.recent(time.time() + 8 * 86400) if i.provider == provider]
