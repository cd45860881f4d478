"""The health run over the real counting store (its Lua scripts on redis-server), with a
clock the test moves: what is computed, written, deleted and left due, run by run."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch.core.classify import classify
from keywatch.core.health import unix_minute
from keywatch.core.writes import EVERY_CHANGE
from keywatch.events import Source, TallyBatch
from keywatch.fingerprint import key_fingerprint
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.errors import HealthStoreError
from keywatch_functions.service.classify import ClassifyDeps, handle_failure, handle_tallies
from keywatch_functions.service.health import HealthDeps, run_health
from tests.factories import failure
from tests.fakes import FakeAlertPublisher, FakeHealthDocs, FakeLogSink

NOW = datetime(2026, 11, 22, 12, 0, 20, tzinfo=UTC)


class World:
    """The counting store and an in-memory document store, with a clock the test moves."""

    def __init__(self, counting_store: Callable[..., RedisCountingStore]) -> None:
        self.t = NOW
        self.counts = counting_store(lambda: self.t.timestamp())
        self.docs = FakeHealthDocs()
        self.days_written: dict[str, str] = {}  # what one health instance remembers
        self.classify = ClassifyDeps(
            FakeLogSink(), FakeAlertPublisher(), self.counts, clock=lambda: self.t.timestamp()
        )

    @property
    def redis(self) -> Any:
        return self.counts.client

    def scheduled(self) -> int:
        """Key series and providers the store still has due at some tick."""
        L = self.counts.layout
        return int(self.redis.zcard(L.sched_keys)) + int(self.redis.zcard(L.sched_rollups))

    def health(self, **kw: Any) -> HealthDeps:
        # Every change written at once: these tests pin the arithmetic; test_health_writes.py
        # pins what the margins and heartbeats hold back.
        kw.setdefault("margins", EVERY_CHANGE)
        return HealthDeps(self.counts, self.docs, days_written=self.days_written, **kw)

    def health_docs(self) -> dict[str, Any]:
        """The health documents, without the days' (kept 100 days, core/daily.py)."""
        return {p: d for p, d in self.docs.docs.items() if not p.startswith("provider_days/")}

    def run(self, at: datetime | None = None, **kw: Any) -> Any:
        return run_health(at or self.t, self.health(**kw))

    def fail(self, n: int = 1, **kw: Any) -> list[Any]:
        events = []
        for _ in range(n):
            e = failure(occurred_at=self.t, **kw)
            handle_failure(e, self.classify)
            events.append(e)
        return events

    def tally(self, successes: int, recovered: list[uuid.UUID] | None = None, **kw: Any) -> Any:
        group = {
            "source": kw.get("source", "byok"),
            "provider": kw.get("provider", "openai"),
            "model": kw.get("model", "gpt-4o"),
            "key_fingerprint": kw.get("key_fingerprint", key_fingerprint("test-key-1")),
            "successes_by_minute": {unix_minute(self.t): successes},
            "recovered_event_ids": [str(r) for r in recovered or []],
        }
        batch = TallyBatch(window_start=self.t, window_end=self.t, groups=[group])
        return handle_tallies(batch, self.classify)


@pytest.fixture
def world(counting_store: Callable[..., RedisCountingStore]) -> World:
    return World(counting_store)


def test_a_second_run_with_no_new_events_writes_nothing(world: World) -> None:
    """The first run writes each document once; the same tick again, or the next minute while
    no bucket crosses a window edge, writes none."""
    w = world
    w.fail(3)
    w.tally(40)
    first = w.run()
    # the key, its model, the provider, the provider's model; and the provider's day
    assert first.written == 5
    assert w.run().written == 0
    assert w.run(NOW + timedelta(minutes=1)).written == 0


def test_documents_follow_buckets_across_window_edges_then_are_deleted(world: World) -> None:
    """With no new events, a document changes as its buckets leave 5m and 1h, and is deleted
    when nothing is left in 24 hours."""
    w = world
    w.fail(1)
    w.run()
    path = f"key_health/{key_fingerprint('test-key-1')}/models/gpt-4o"
    assert w.docs.docs[path]["5m"]["failures"] == 1  # type: ignore[index]
    w.run(NOW + timedelta(minutes=5))
    assert w.docs.docs[path]["5m"]["failures"] == 0  # type: ignore[index]
    assert w.docs.docs[path]["1h"]["failures"] == 1  # type: ignore[index]
    w.run(NOW + timedelta(hours=1))
    assert w.docs.docs[path]["24h"]["failures"] == 1  # type: ignore[index]
    r = w.run(NOW + timedelta(hours=24))
    assert r.deleted == 4 and w.health_docs() == {}
    assert w.scheduled() == 0


def test_every_document_carries_as_of_and_a_late_tick_writes_nothing(world: World) -> None:
    """as_of is the tick's minute; a tick older than one already run is skipped."""
    w = world
    w.fail(1)
    w.run(NOW + timedelta(minutes=2))
    assert {d["as_of"] for d in w.docs.docs.values()} == {
        (NOW + timedelta(minutes=2)).replace(second=0)
    }
    w.fail(1)
    late = w.run(NOW + timedelta(minutes=1))
    assert late.outcome == "stale" and late.written == 0


def test_a_run_while_another_holds_the_lock_does_nothing(world: World) -> None:
    """Runs are serialised: a second concurrent run reports busy and leaves the work due."""
    w = world
    w.fail(1)
    other = w.redis.lock(w.counts.layout.run_lock, timeout=60)
    assert other.acquire(blocking=False)
    assert w.run().outcome == "busy"
    other.release()
    assert w.run().written == 5  # 4 health documents and the provider's day


def test_a_failed_run_raises_and_the_next_catches_up(world: World) -> None:
    """Firestore down: the run raises (retried); the next run writes what it would have."""
    w = world
    w.fail(2)
    w.docs.down = True
    with pytest.raises(HealthStoreError):
        w.run()
    w.docs.down = False
    r = w.run(NOW + timedelta(minutes=1))
    assert r.written == 5 and w.docs.docs["provider_health/openai"]["5m"]["failures"] == 2  # type: ignore[index]


def test_the_write_budget_leaves_the_rest_due_for_the_next_run(world: World) -> None:
    """A run stops at its write budget; the next one goes on where it stopped."""
    w = world
    for i in range(450):
        w.fail(1, key_fingerprint=key_fingerprint(f"k{i}"))
    first = w.run(max_writes=100)
    assert 100 <= first.written < 900 and first.left_due > 0
    second = w.run(NOW + timedelta(minutes=1), max_writes=10_000)
    assert len([p for p in w.docs.docs if p.startswith("key_health/") and "/models/" in p]) == 450
    assert second.left_due == 0


def test_recovered_failures_leave_the_provider_whole_in_either_order(world: World) -> None:
    """A recovery counted before or after its failure takes it off the provider, once."""
    w = world
    e1, e2 = (
        failure(occurred_at=NOW, source=Source.PLATFORM, status_code=503),
        failure(occurred_at=NOW, source=Source.PLATFORM, status_code=503),
    )
    handle_failure(e1, w.classify)
    out = w.tally(10, [e1.event_id, e2.event_id], source="platform")
    assert (out.recoveries_applied, out.recoveries_ahead) == (1, 1)
    handle_failure(e2, w.classify)  # its recovery was recorded first
    handle_failure(e2, w.classify)  # redelivered: counted once
    w.run()
    doc = w.docs.docs["provider_health/openai"]["5m"]
    assert (doc["requests"], doc["failures"], doc["provider_failures"]) == (12, 2, 0)  # type: ignore[index]


def test_a_batch_with_invalid_groups_counts_the_valid_ones(world: World) -> None:
    """A bad group is reported with why; the others are counted; a redelivery counts none."""
    w = world
    good = {
        "source": "byok",
        "provider": "openai",
        "model": "gpt-4o",
        "key_fingerprint": key_fingerprint("k"),
        "successes_by_minute": {unix_minute(NOW): 7},
    }
    bad = {**good, "key_fingerprint": "sk-not-a-fingerprint", "successes_by_minute": {"x": 1}}
    batch = TallyBatch(window_start=NOW, window_end=NOW, groups=[good, bad])
    out = handle_tallies(batch, w.classify)
    assert (out.counted, out.groups, out.successes) == (True, 1, 7)
    [(index, why)] = out.invalid
    assert index == 1 and "key_fingerprint" in why and "sk-not" not in why
    assert not handle_tallies(batch, w.classify).counted


def test_successes_count_in_the_minute_they_happened(world: World) -> None:
    """A true 2% failure rate reads 2% in the 5-minute window, whatever the flush timing."""
    w = world
    fp = key_fingerprint("test-key-1")
    minutes = {unix_minute(NOW) - i: 98 for i in range(6)}  # one flush spanning six minutes
    group = {
        "source": "platform",
        "provider": "openai",
        "model": "gpt-4o",
        "key_fingerprint": fp,
        "successes_by_minute": minutes,
    }
    handle_tallies(TallyBatch(window_start=NOW, window_end=NOW, groups=[group]), w.classify)
    for i in range(6):
        w.t = NOW - timedelta(minutes=i)
        w.fail(2, source=Source.PLATFORM, status_code=500, error_code=None, error_message="x")
    w.run(NOW)
    five = w.docs.docs["provider_health/openai"]["5m"]
    assert five["requests"] == 500 and five["failures"] == 10  # type: ignore[index]


def test_platform_failures_count_against_the_provider_byok_credentials_do_not(world: World) -> None:
    """Kept rules: a user's broken key is not the provider's fault; ours is."""
    w = world
    w.fail(1)  # byok invalid_key
    w.fail(1, source=Source.PLATFORM, key_fingerprint=key_fingerprint("ours"))
    w.run()
    five = w.docs.docs["provider_health/openai"]["5m"]
    assert (five["failures"], five["provider_failures"]) == (2, 1)  # type: ignore[index]
    assert classify(401, None, "invalid_api_key").reason.value == "invalid_key"


def test_only_the_series_that_changed_are_computed_unless_the_key_flips(world: World) -> None:
    """A key on 20 models: a new failure on one model computes that one series; an
    invalid_key failure (the key is now invalid everywhere) computes all 20."""
    w = world
    for i in range(20):
        w.fail(1, model=f"m{i}", status_code=500, error_code=None, error_message="x")
    w.tally(5, model="m0")
    assert w.run().series == 20
    w.t = NOW + timedelta(seconds=20)
    w.fail(1, model="m3", status_code=500, error_code=None, error_message="x")
    assert w.run().series == 1
    w.fail(1, model="m3")  # invalid_key
    r = w.run()
    assert r.series == 20
    fp = key_fingerprint("test-key-1")
    assert {w.docs.docs[f"key_health/{fp}/models/m{i}"]["state"] for i in range(20)} == {"invalid"}
    assert w.docs.docs[f"key_health/{fp}"]["invalid"] is True
