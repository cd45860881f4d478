"""Issue 23 against the real stores: a poisoned high-water mark in a real redis-server, stored
fields no script writes, and names of any length written by a health run to the real Firestore
emulator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import redis

from keywatch.core.health import provider_path, series_id, unix_minute
from keywatch.core.keys import Layout
from keywatch.events import TallyBatch
from keywatch.fingerprint import key_fingerprint
from keywatch_functions.adapters.firestore import FirestoreHealthDocs
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.service.classify import ClassifyDeps, handle_tallies
from keywatch_functions.service.health import HealthDeps, run_health
from tests.fakes import FakeAlertPublisher, FakeLogSink

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(second=20, microsecond=0)


@pytest.fixture
def store(redis_client: redis.Redis, unique: str) -> RedisCountingStore:
    return RedisCountingStore(redis_client, Layout(f"u{unique}"), clock=lambda: NOW.timestamp())


def test_a_poisoned_high_water_mark_is_overwritten(
    store: RedisCountingStore, redis_client: redis.Redis
) -> None:
    """A stored tick of 2099 (or not a number) does not make runs `stale`: it is beyond the
    ceiling, so the run takes the lock and stores its own tick; a newer tick within the ceiling
    still makes an older one stale."""
    end = unix_minute(NOW)
    ceiling = end + 5
    for poisoned in (unix_minute(datetime(2099, 1, 1, tzinfo=UTC)), "1.6e+18", "x"):
        redis_client.set(store.layout.run_as_of, poisoned)
        began = store.begin_run(end, 60, ceiling)
        assert not isinstance(began, str), poisoned
        store.end_run(began[0])
        assert int(redis_client.get(store.layout.run_as_of)) == end  # type: ignore[arg-type]
    redis_client.set(store.layout.run_as_of, end + 2)
    assert store.begin_run(end, 60, ceiling) == "stale"


def test_fields_no_script_writes_never_stop_a_run(
    store: RedisCountingStore, redis_client: redis.Redis, firestore_client: Any, unique: str
) -> None:
    """An hour field of `h1.6666666666667e+18` (what a minute of 10^20 became in Lua) and a
    count that is not a number are skipped: the run writes the provider's documents."""
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), store, clock=lambda: NOW.timestamp())
    group = {
        "source": "platform",
        "provider": "openai",
        "model": "gpt-4o",
        "key_fingerprint": key_fingerprint("k"),
        "successes_by_minute": {unix_minute(NOW): 3},
    }
    handle_tallies(TallyBatch(window_start=NOW, window_end=NOW, groups=[group]), deps)
    sid = series_id("m", "openai", "gpt-4o")
    redis_client.hset(store.layout.series(sid), "h1.6666666666667e+18:o", 5)
    redis_client.hset(store.layout.series(sid), f"{unix_minute(NOW)}:f:x", "nan?")
    coll = f"ph_{unique}"
    docs = FirestoreHealthDocs(firestore_client)
    r = run_health(NOW, HealthDeps(store, docs, provider_collection=coll))
    assert r.outcome == "ran" and not r.rejected
    doc = firestore_client.document(provider_path("openai", "gpt-4o", coll)).get().to_dict()
    assert doc["5m"]["requests"] == 3


@pytest.mark.parametrize("name", ["😀" * 126, "中" * 167, "a/b/" * 50])
def test_any_name_of_the_contract_is_written_by_a_health_run(
    store: RedisCountingStore, firestore_client: Any, unique: str, name: str
) -> None:
    """A model name the contract accepts always makes documents Firestore takes (126 emoji made
    an id over 1,500 bytes, the batch's 400 was retried forever and no provider was written
    again); the full name is the document's `model` field."""
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), store, clock=lambda: NOW.timestamp())
    groups = [
        {
            "source": "byok",
            "provider": provider,
            "model": model,
            "key_fingerprint": key_fingerprint("k"),
            "successes_by_minute": {unix_minute(NOW): 3},
        }
        for provider, model in (("openai", name), ("anthropic", "claude"))
    ]
    out = handle_tallies(TallyBatch(window_start=NOW, window_end=NOW, groups=groups), deps)
    assert out.groups == 2
    pc, kc = f"ph_{unique}", f"kh_{unique}"
    docs = FirestoreHealthDocs(firestore_client)
    r = run_health(NOW, HealthDeps(store, docs, provider_collection=pc, key_collection=kc))
    assert r.outcome == "ran" and r.rejected == []
    snap = firestore_client.document(provider_path("openai", name, pc)).get()
    assert snap.exists and snap.get("model") == name
    assert firestore_client.document(provider_path("anthropic", None, pc)).get().exists
