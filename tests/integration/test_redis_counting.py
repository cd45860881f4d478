"""The counting store against a real redis-server: exactly-once counting, recoveries in either
order, the documents it leads to (the same whatever the order and redeliveries), concurrency,
Redis unreachable, and a restart that loses everything."""

from __future__ import annotations

import random
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis

from keywatch.core.classify import classify
from keywatch.core.counting import Group, TallyCount
from keywatch.core.health import series_id, unix_minute
from keywatch.core.keys import Layout
from keywatch.core.writes import EVERY_CHANGE, Margins
from keywatch.events import FailureEvent, Source
from keywatch.fingerprint import key_fingerprint
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.errors import CountingStoreError
from keywatch_functions.service.health import HealthDeps, run_health
from keywatch_ops.devstack.stack import free_port, redis_cmd
from tests.factories import failure
from tests.fakes import FakeHealthDocs

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(second=20, microsecond=0)


@pytest.fixture
def store(redis_client: redis.Redis, unique: str) -> RedisCountingStore:
    return RedisCountingStore(redis_client, Layout(f"t{unique}"), clock=lambda: NOW.timestamp())


def platform_failure(**kw: Any) -> FailureEvent:
    base: dict[str, Any] = dict(
        occurred_at=NOW, source=Source.PLATFORM, status_code=503, error_code=None,
        error_message="Service Unavailable",
    )  # fmt: skip
    return failure(**{**base, **kw})


def test_a_failure_is_counted_once_in_its_key_and_model_series(
    store: RedisCountingStore, redis_client: redis.Redis
) -> None:
    """Redelivered, it counts nothing more; the fields are those core.counting documents."""
    e = platform_failure()
    c = classify(503)
    assert store.record_failure(e, c) is True
    assert store.record_failure(e, c) is False
    L, m = store.layout, unix_minute(NOW)
    ksid = series_id("k", model=e.model)
    key = redis_client.hgetall(L.key_series(e.key_fingerprint, ksid))
    reason = c.reason.value
    assert key[f"{m}:f:{reason}".encode()] == b"1"
    assert key[f"h{m // 60}:f:{reason}".encode()] == b"1"
    assert redis_client.hgetall(L.key(e.key_fingerprint)) == {f"m:{ksid}".encode(): b""}
    model = redis_client.hgetall(L.series(series_id("m", e.provider, e.model)))
    assert model[f"{m}:p".encode()] == b"1" and model[f"{m}:f:{reason}".encode()] == b"1"
    assert 0 < redis_client.ttl(L.failure_marker(str(e.event_id))) <= 25 * 3600
    assert redis_client.smembers(L.dirty_keys) == {f"{e.key_fingerprint}|{ksid}".encode()}


def test_an_event_older_than_the_window_is_not_counted(store: RedisCountingStore) -> None:
    """Nothing would ever read its buckets."""
    old = platform_failure(occurred_at=NOW - timedelta(hours=25))
    assert store.record_failure(old, classify(503)) is False


def test_recoveries_apply_once_in_either_order(store: RedisCountingStore) -> None:
    """A tally naming a counted failure recovers it; one naming a failure not yet counted is
    held and applied when the failure arrives; redeliveries change nothing."""
    first, later = platform_failure(), platform_failure()
    store.record_failure(first, classify(503))
    g = Group(first.provider, first.model, key_fingerprint("other"), "platform")
    tally = TallyCount(
        g, ((unix_minute(NOW), 5),), None, (str(first.event_id), str(later.event_id))
    )
    out = store.record_tallies("b1", [tally])
    assert (out.counted, out.recoveries_applied, out.recoveries_ahead) == (True, 1, 1)
    assert not store.record_tallies("b1", [tally]).counted
    store.record_failure(later, classify(503))
    docs = FakeHealthDocs()
    run_health(NOW, HealthDeps(store, docs))
    five = docs.docs["provider_health/openai"]["5m"]
    assert (five["requests"], five["failures"], five["provider_failures"]) == (7, 2, 0)  # type: ignore[index]


def test_a_recovery_naming_another_providers_failure_is_skipped(
    store: RedisCountingStore,
) -> None:
    """Only a retry on the same provider recovers a failure: a mismatch is skipped and counted,
    whichever arrives first."""
    counted, ahead = platform_failure(), platform_failure()  # both openai
    store.record_failure(counted, classify(503))
    g = Group("anthropic", "claude", key_fingerprint("other"), "platform")
    tally = TallyCount(g, ((unix_minute(NOW), 1),), None, (str(counted.event_id),))
    out = store.record_tallies("m1", [tally])
    assert (out.recoveries_applied, out.recoveries_mismatched) == (0, 1)
    early = TallyCount(g, ((unix_minute(NOW), 1),), None, (str(ahead.event_id),))
    assert store.record_tallies("m2", [early]).recoveries_ahead == 1
    store.record_failure(ahead, classify(503))  # its held recovery is another provider's
    docs = FakeHealthDocs()
    run_health(NOW, HealthDeps(store, docs))
    five = docs.docs["provider_health/openai"]["5m"]
    assert (five["failures"], five["provider_failures"]) == (2, 2)  # type: ignore[index]


def test_failures_right_after_a_success_are_ordered_to_the_second(
    store: RedisCountingStore, redis_client: redis.Redis
) -> None:
    """A success at :20 and three failures at :25, :30, :35 of the same minute (the tally
    arriving last, as it does): the key cools down, with 3 consecutive failures, and its probe
    is due 30 s after the third. The series keeps only its latest 16 failures."""
    fp = key_fingerprint(f"ordered-{uuid.uuid4().hex}")
    for s in (25, 30, 35):
        store.record_failure(
            platform_failure(occurred_at=NOW.replace(second=s), key_fingerprint=fp),
            classify(500),
        )
    g = Group("openai", "gpt-4o", fp, "platform")
    store.record_tallies(f"ok-{fp}", [TallyCount(g, ((unix_minute(NOW), 1),), NOW.timestamp())])
    docs = FakeHealthDocs()
    run_health(NOW + timedelta(minutes=1), HealthDeps(store, docs))
    doc = docs.docs[f"key_health/{fp}/models/gpt-4o"]
    assert (doc["state"], doc["consecutive_failures"]) == ("cooling_down", 3)
    assert doc["probe_at"] == NOW.replace(second=35) + timedelta(seconds=30)
    for _ in range(30):
        store.record_failure(
            platform_failure(occurred_at=NOW.replace(second=40), key_fingerprint=fp),
            classify(500),
        )
    ksid = g.sids()[0]
    recent = redis_client.hget(store.layout.key_series(fp, ksid), "t")
    assert recent is not None and len(recent.split(b";")) == 16


def workload(seed: int) -> list[tuple[str, Any]]:
    """Failures and tally groups over a few keys, models and minutes, with recoveries."""
    rng = random.Random(seed)
    out: list[tuple[str, Any]] = []
    ids: dict[str, list[uuid.UUID]] = {"openai": [], "groq": []}
    for i in range(300):
        at = NOW - timedelta(minutes=rng.randrange(90), seconds=rng.randrange(60))
        k = rng.randrange(4)
        # A key is one source's, on one provider.
        source = Source.PLATFORM if k < 2 else Source.BYOK
        provider = ("openai", "groq")[k % 2]
        status, code = rng.choice(
            [(401, "invalid_api_key"), (503, None), (429, "rate_limit_exceeded"), (500, None)]
        )
        e = failure(
            occurred_at=at, source=source, status_code=status, error_code=code,
            error_message="x", provider=provider,
            model=rng.choice(["a", "b/c"]), key_fingerprint=key_fingerprint(f"k{k}"),
        )  # fmt: skip
        ids[provider].append(e.event_id)
        out.append(("failure", e))
        if i % 10 == 9:
            g = Group(e.provider, e.model, e.key_fingerprint, source.value)
            minutes = tuple((unix_minute(at) - j, rng.randrange(1, 9)) for j in range(3))
            # Recoveries of the same provider's failures (one naming another provider's is
            # skipped: test_a_recovery_naming_another_providers_failure_is_skipped).
            recovered = tuple(str(x) for x in rng.sample(ids[provider], min(3, len(ids[provider]))))
            out.append(("tally", TallyCount(g, minutes, at.timestamp(), recovered)))
    rng.shuffle(out)
    return out


def redelivered(events: list[tuple[str, Any]], seed: int) -> list[tuple[str, Any]]:
    """The same messages as Pub/Sub may deliver them: each twice, in another order."""
    again = [*events, *events]
    random.Random(seed).shuffle(again)
    return again


def apply(counts: Any, events: list[tuple[str, Any]]) -> None:
    """Count the events; a tally's batch id is its own, the same on every delivery."""
    for kind, e in events:
        if kind == "failure":
            counts.record_failure(e, classify(e.status_code, None, e.error_code, e.error_message))
        else:
            g = e.group
            counts.record_tallies(f"batch-{g.key_fingerprint}-{g.model}-{e.last_success}", [e])


@pytest.mark.parametrize("margins", [EVERY_CHANGE, Margins()], ids=["every-change", "margins"])
def test_redelivered_out_of_order_the_documents_are_the_same_run_after_run(
    redis_client: redis.Redis, unique: str, margins: Margins
) -> None:
    """The same events through two stores, once in order and once each delivered twice in
    another order, give the same documents and the same writes, at the tick and as buckets
    leave their windows; and the providers' day totals are the events' own."""
    events = workload(3)
    once = RedisCountingStore(redis_client, Layout(f"a{unique}"), clock=lambda: NOW.timestamp())
    twice = RedisCountingStore(redis_client, Layout(f"b{unique}"), clock=lambda: NOW.timestamp())
    apply(once, events)
    apply(twice, redelivered(events, 7))
    once_docs, twice_docs = FakeHealthDocs(), FakeHealthDocs()
    for later in (0, 1, 5, 11, 61, 6 * 60, 24 * 60):
        at = NOW + timedelta(minutes=later)
        a = run_health(at, HealthDeps(once, once_docs, margins=margins))
        b = run_health(at, HealthDeps(twice, twice_docs, margins=margins))
        assert (a.written, a.deleted, a.unchanged, a.waiting) == (
            b.written, b.deleted, b.unchanged, b.waiting,
        ), later  # fmt: skip
        assert once_docs.docs == twice_docs.docs, later
        if later == 0:
            for provider in ("openai", "groq"):
                failures = sum(k == "failure" and e.provider == provider for k, e in events)
                successes = sum(
                    n for k, e in events if k == "tally" and e.group.provider == provider
                    for _, n in e.successes
                )  # fmt: skip
                day = once_docs.docs[f"provider_health/{provider}"]["24h"]
                assert (day["failures"], day["requests"]) == (failures, failures + successes)  # type: ignore[index]
    left = {p for p in once_docs.docs if not p.startswith("provider_days/")}
    if margins == EVERY_CHANGE:
        # 24 hours on, everything has left every window; only the providers' days stay.
        assert left == set()
    else:
        # Calm (healthy) key documents are left to Firestore's TTL (expire_at), the rest
        # deleted; a router reads a document with nothing in 24 hours as no data.
        assert left and all(p.startswith("key_health/") for p in left)
        docs = [once_docs.docs[p] for p in left]
        assert {d.get("state", d.get("worst_model_state")) for d in docs} == {"healthy"}


def test_concurrent_counting_from_threads_counts_each_event_once(
    store: RedisCountingStore,
) -> None:
    """Eight threads, one key, 800 events each delivered twice: 800 counted."""
    events = [platform_failure() for _ in range(800)]
    c = classify(503)
    counted: list[bool] = []

    def go(part: list[FailureEvent]) -> None:
        for e in part:
            counted.append(store.record_failure(e, c))

    threads = [threading.Thread(target=go, args=(events[i::4] * 2,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counted.count(True) == 800
    docs = FakeHealthDocs()
    run_health(NOW, HealthDeps(store, docs))
    assert docs.docs["provider_health/openai"]["5m"]["failures"] == 800  # type: ignore[index]


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[int, Any]]:
    """A redis-server of this test's own, which it can restart (like a failover that lost the
    primary's data: Memorystore Basic keeps nothing)."""
    port = free_port()
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        procs.append(subprocess.Popen(redis_cmd(port), stdout=subprocess.DEVNULL, cwd=tmp_path))
        client = redis.Redis(port=port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop() -> None:
        procs[-1].terminate()
        procs[-1].wait(10)

    def restart() -> None:
        stop()
        start()

    start()
    yield port, restart, stop, start
    for p in procs:
        p.terminate()
        p.wait(10)


def test_a_restart_loses_the_windows_and_health_refills_them(own_redis: Any) -> None:
    """After a restart, the run starts counting afresh (counted_since moves), documents of
    keys with new events are rewritten from what came since, and nothing fails."""
    port, restart, _, _ = own_redis
    store = RedisCountingStore(
        redis.Redis(port=port, socket_timeout=2),
        clock=lambda: NOW.timestamp(),
    )
    docs = FakeHealthDocs()
    for _ in range(5):
        store.record_failure(platform_failure(), classify(503))
    before = run_health(NOW, HealthDeps(store, docs))
    assert docs.docs["provider_health/openai"]["5m"]["failures"] == 5  # type: ignore[index]
    restart()  # redis-py reconnects, and reloads the scripts the restart forgot (NOSCRIPT)
    store.record_failure(platform_failure(), classify(503))
    after = run_health(NOW + timedelta(minutes=1), HealthDeps(store, docs))
    assert after.outcome == "ran" and int(after.counted_since) == int(before.counted_since) + 1
    # The windows hold what came since the restart: they refill as events arrive.
    assert docs.docs["provider_health/openai"]["5m"]["failures"] == 1  # type: ignore[index]
    assert all("expire_at" in d for d in docs.docs.values())  # the TTL backstop


def test_redis_unreachable_raises_and_nothing_counts_twice_when_it_is_back(
    own_redis: Any,
) -> None:
    """While Redis is down classify's call raises CountingStoreError (Pub/Sub retries); the
    script is all or nothing, so the retries after it is back count the event once."""
    from keywatch_functions.adapters.redis_client import redis_client

    port, _, stop, start = own_redis
    store = RedisCountingStore(redis_client(f"redis://127.0.0.1:{port}/0", timeout_s=0.5))
    e = platform_failure(occurred_at=datetime.now(UTC))
    stop()
    t0 = time.monotonic()
    with pytest.raises(CountingStoreError):
        store.record_failure(e, classify(503))
    assert time.monotonic() - t0 < 5  # bounded: the function fails fast and is retried
    start()
    assert store.record_failure(e, classify(503)) is True
    assert store.record_failure(e, classify(503)) is False
