"""What the health run writes, against a real redis-server and the Firestore emulator: every
change a router or the status page acts on reaches Firestore in the tick it happens, while a
busy key's minute-to-minute drift waits for its heartbeat (core/writes.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch.core.classify import classify
from keywatch.core.counting import Group, TallyCount
from keywatch.core.health import unix_minute
from keywatch.core.keys import Layout
from keywatch.events import Source
from keywatch.fingerprint import key_fingerprint
from keywatch.routing import HealthReader
from keywatch_functions.adapters.firestore import FirestoreHealthDocs
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.service.health import HealthDeps, run_health
from keywatch_functions.settings import FunctionSettings
from tests.factories import failure

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 7, 9, 0, 5, tzinfo=UTC)


class CountedDocs:
    """FirestoreHealthDocs, counting the paths each run writes or deletes."""

    def __init__(self, inner: FirestoreHealthDocs) -> None:
        self.inner = inner
        self.paths: list[str] = []

    def write(
        self, docs: dict[str, dict[str, Any]], deletes: Sequence[str] = ()
    ) -> list[tuple[str, str]]:
        self.paths += [*docs, *deletes]
        return self.inner.write(docs, deletes)


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> float:
        return self.t.timestamp()


def _pipeline(
    firestore_client: Any, redis_client: Any, unique: str, prefix: str
) -> tuple[FunctionSettings, Clock, RedisCountingStore, CountedDocs, HealthDeps]:
    """The health run over the real redis-server and Firestore emulator, on a test's clock."""
    settings = FunctionSettings(
        project_id="demo-keywatch",
        provider_health_collection=f"ph_{unique}",
        key_health_collection=f"kh_{unique}",
    )
    clock = Clock()
    counts = RedisCountingStore(redis_client, Layout(f"{prefix}{unique}"), clock=clock)
    docs = CountedDocs(FirestoreHealthDocs(firestore_client))
    deps = HealthDeps(
        counts,
        docs,
        provider_collection=settings.provider_health_collection,
        key_collection=settings.key_health_collection,
        clock=clock,
    )
    return settings, clock, counts, docs, deps


def test_state_changes_reach_the_router_in_their_tick_and_drift_waits_for_the_heartbeat(
    firestore_client: Any, redis_client: Any, unique: str
) -> None:
    """A busy key with steady traffic: written when it first has data, then not again until
    its 10-minute heartbeat; three failures cool it down, a success restores it, a 401 makes
    it invalid, each visible to the router in the same tick; the provider's model going down
    is on the status page's document in that tick too."""
    settings, clock, counts, docs, deps = _pipeline(firestore_client, redis_client, unique, "w")
    fp = key_fingerprint(f"{unique}-busy")
    key_doc = f"kh_{unique}/{fp}/models/gpt-4o"
    model_doc = f"ph_{unique}/openai/models/gpt-4o"

    def reader() -> HealthReader:
        # A fresh reader each time: nothing cached, the documents as they are now.
        return HealthReader(firestore_client, settings, now=lambda: clock.t)

    def minute_of_traffic(successes: int = 100, minutes: int = 1) -> None:
        m = unix_minute(clock.t)
        g = Group("openai", "gpt-4o", fp, "byok")
        per_minute = tuple((m - i, successes) for i in range(minutes))
        counts.record_tallies(uuid.uuid4().hex, [TallyCount(g, per_minute, clock())])

    def fail(n: int, status: int = 500, **kw: Any) -> None:
        for _ in range(n):
            clock.t += timedelta(seconds=1)
            e = failure(occurred_at=clock.t, key_fingerprint=fp, status_code=status, **kw)
            counts.record_failure(e, classify(status, None, kw.get("error_code")))

    def tick() -> list[str]:
        clock.t = clock.t.replace(second=5) + timedelta(minutes=1)
        docs.paths = []
        assert run_health(clock.t, deps).outcome == "ran"
        return docs.paths

    minute_of_traffic(minutes=24 * 60)  # a day of steady traffic so far
    assert key_doc in tick()  # new and busy: a router ranks it before keys with no data
    assert reader().rank_keys("openai", "gpt-4o", [fp]).keys[0].state == "healthy"
    quiet_ticks = []
    for _ in range(12):
        minute_of_traffic()
        quiet_ticks.append(key_doc in tick())
    # Steady traffic moves no figure by a margin: rewritten once, at the heartbeat.
    assert quiet_ticks.count(True) == 1, quiet_ticks
    assert quiet_ticks.index(True) == 9  # 10 minutes after the first write

    fail(3, error_code=None, error_message="Internal server error")
    assert key_doc in tick()
    # Its 30-second back-off has passed by the tick: the router calls it only as a probe.
    [ranked] = reader().rank_keys("openai", "gpt-4o", [fp]).keys
    assert (ranked.state, ranked.probe) == ("cooling_down", True)

    minute_of_traffic()
    assert key_doc in tick()
    assert reader().rank_keys("openai", "gpt-4o", [fp]).keys[0].state == "healthy"

    fail(1, status=401, error_code="invalid_api_key", error_message="Incorrect API key")
    written = tick()
    assert {key_doc, f"kh_{unique}/{fp}"} <= set(written)
    ranking = reader().rank_keys("openai", "gpt-4o", [fp])
    assert [k.state for k in ranking.excluded] == ["invalid"]
    assert reader().key(fp, "gpt-4o")["state"] == "invalid"  # type: ignore[index]

    # The provider's model: 200 failures against it in a minute, and it is down on the
    # document the status page reads, in that tick.
    for i in range(200):
        e = failure(
            occurred_at=clock.t,
            key_fingerprint=key_fingerprint(f"{unique}-{i}"),
            source=Source.PLATFORM,
            status_code=503,
            error_code=None,
            error_message="upstream connect error",
        )
        counts.record_failure(e, classify(503))
    assert model_doc in tick()
    assert reader().model("openai", "gpt-4o")["5m"]["status"] == "down"  # type: ignore[index]


def test_an_invalid_key_failure_on_one_model_moves_the_probe_on_every_model_in_its_tick(
    firestore_client: Any, redis_client: Any, unique: str
) -> None:
    """A key invalid on two models fails its probe on one of them: its back-off doubles, and
    both models' documents show the later probe in that tick, not only the model that failed,
    so a router never probes it early on the other."""
    settings, clock, counts, docs, deps = _pipeline(firestore_client, redis_client, unique, "v")
    fp = key_fingerprint(f"{unique}-revoked")
    paths = {m: f"kh_{unique}/{fp}/models/{m}" for m in ("gpt-4o", "gpt-4o-mini")}

    def fail(model: str) -> None:
        clock.t += timedelta(seconds=1)
        e = failure(occurred_at=clock.t, key_fingerprint=fp, model=model)
        counts.record_failure(e, classify(401, None, "invalid_api_key"))

    def tick() -> list[str]:
        clock.t = clock.t.replace(second=5) + timedelta(minutes=1)
        docs.paths = []
        assert run_health(clock.t, deps).outcome == "ran"
        return docs.paths

    def probes() -> dict[str, Any]:
        reader = HealthReader(firestore_client, settings, now=lambda: clock.t)
        return {m: reader.key(fp, m)["probe_at"] for m in paths}  # type: ignore[index]

    fail("gpt-4o")
    fail("gpt-4o-mini")
    tick()
    first = probes()
    assert first["gpt-4o"] == first["gpt-4o-mini"] is not None
    while clock.t < first["gpt-4o"]:
        tick()  # nothing new until the probe is due
    fail("gpt-4o")  # the probe, on this model only, fails
    written = tick()
    assert set(paths.values()) <= set(written), written
    later = probes()
    assert later["gpt-4o"] == later["gpt-4o-mini"] > first["gpt-4o"]
