"""The router client: ranking and why, probes, freshness, one batched read, a bounded cache,
stale served while Firestore is down, every read within its deadline, fingerprints validated;
sync and async."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch import routing
from keywatch.fingerprint import key_fingerprint
from keywatch.routing import AsyncHealthReader, HealthReader, HealthReadTimeoutError, rank
from keywatch.settings import Settings

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
FP = {n: key_fingerprint(f"routing-{n}") for n in "abcdefgh"}


class Snap:
    def __init__(self, path: str, data: dict[str, Any] | None) -> None:
        self.exists = data is not None
        self._data = data
        self.reference = type("Ref", (), {"path": path})()

    def to_dict(self) -> dict[str, Any] | None:
        return self._data


class FakeFirestore:
    """Counts batched reads (get_all) and the documents they asked for, and keeps the retry
    and timeout each was given; `hang`, while set, makes a read wait on `release`."""

    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs, self.batches, self.read, self.down = docs, 0, 0, False
        self.hang = False
        self.release = threading.Event()
        self.given: list[tuple[Any, Any]] = []

    def document(self, path: str) -> str:
        return path

    def get_all(self, refs: list[str], retry: Any = None, timeout: Any = None) -> Any:
        self.given.append((retry, timeout))
        if self.hang:
            self.release.wait(30)  # a Firestore that does not answer
        return self._snaps(refs)

    def _snaps(self, refs: list[str]) -> list[Snap]:
        if self.down:
            raise ConnectionError("firestore unreachable")
        self.batches += 1
        self.read += len(refs)
        return [Snap(p, self.docs.get(p)) for p in refs]


class FakeAsyncFirestore(FakeFirestore):
    async def _gen(self, refs: list[str]) -> Any:
        if self.hang:
            await asyncio.sleep(30)  # a Firestore that does not answer
        for s in self._snaps(refs):
            await asyncio.sleep(0)
            yield s

    def get_all(self, refs: list[str], retry: Any = None, timeout: Any = None) -> Any:
        self.given.append((retry, timeout))  # an async generator, as AsyncClient's
        return self._gen(refs)


def model_doc(state: str, **kw: Any) -> dict[str, Any]:
    return {"state": state, "last_error_at": NOW - timedelta(minutes=1), **kw}


def docs_for(model: str = "gpt-4o") -> dict[str, dict[str, Any]]:
    ok = {"last_success_at": NOW - timedelta(minutes=1)}
    return {
        f"key_health/{FP['a']}/models/{model}": {
            **model_doc("healthy", **ok),
            "1h": {"error_rate": 0.2},
        },
        f"key_health/{FP['b']}/models/{model}": {
            **model_doc("healthy", **ok),
            "1h": {"error_rate": 0.01},
        },
        f"key_health/{FP['c']}/models/{model}": model_doc(
            "cooling_down", probe_at=NOW + timedelta(seconds=30), consecutive_failures=3
        ),
        f"key_health/{FP['d']}/models/{model}": model_doc(
            "cooling_down", probe_at=NOW - timedelta(seconds=5), consecutive_failures=4
        ),
        f"key_health/{FP['e']}": {
            "invalid": True,
            "last_invalid_at": NOW - timedelta(minutes=2),
            "probe_at": NOW + timedelta(minutes=3),
        },
        f"key_health/{FP['e']}/models/{model}": model_doc("invalid"),
        f"key_health/{FP['f']}": {
            "invalid": True,
            "last_invalid_at": NOW - timedelta(minutes=6),
            "probe_at": NOW - timedelta(minutes=1),
        },
        # Its latest news is two days old: it says nothing about now.
        f"key_health/{FP['h']}/models/{model}": {
            "state": "cooling_down",
            "last_error_at": NOW - timedelta(days=2),
            "probe_at": NOW + timedelta(days=1),
        },
    }


def reader(client: Any, **kw: Any) -> HealthReader:
    return HealthReader(client, Settings(), now=lambda: NOW, **kw)


def test_ranking_healthy_then_no_data_then_probes_and_why() -> None:
    r = reader(FakeFirestore(docs_for()))
    ranking = r.rank_keys("openai", "gpt-4o", [FP[n] for n in "abcdefgh"])
    assert ranking.fingerprints == [FP["b"], FP["a"], FP["g"], FP["h"], FP["f"], FP["d"]]
    by_fp = {k.fingerprint: k for k in (*ranking.keys, *ranking.excluded)}
    assert (by_fp[FP["f"]].state, by_fp[FP["f"]].probe) == ("invalid", True)
    assert (by_fp[FP["d"]].state, by_fp[FP["d"]].probe) == ("cooling_down", True)
    assert by_fp[FP["g"]].state == by_fp[FP["h"]].state == "no_data"  # stale counts as no data
    assert {k.fingerprint for k in ranking.excluded} == {FP["c"], FP["e"]}
    assert all(not k.probe and k.probe_at and k.probe_at > NOW for k in ranking.excluded)
    assert "back-off until" in by_fp[FP["e"]].why
    assert list(ranking) == ranking.fingerprints and len(ranking) == 6


def test_n_keys_are_one_batched_read_then_the_cache() -> None:
    client = FakeFirestore(docs_for())
    r = reader(client)
    r.rank_keys("openai", "gpt-4o", [FP[n] for n in "abcdefgh"])
    assert (client.batches, client.read) == (1, 16)  # each key's model doc and summary
    r.rank_keys("openai", "gpt-4o", [FP[n] for n in "abcdefgh"])
    assert client.batches == 1


def test_a_raw_key_raises_at_once_and_never_reaches_firestore() -> None:
    client = FakeFirestore({})
    r = reader(client)
    raw = "sk-proj-" + "Zx9" * 16
    with pytest.raises(ValueError, match="fingerprint") as info:
        r.rank_keys("openai", "gpt-4o", [FP["a"], raw])
    assert raw not in str(info.value)
    with pytest.raises(ValueError):
        r.key(raw, "gpt-4o")
    assert client.batches == 0


def test_the_cache_is_bounded_and_expires() -> None:
    now = [0.0]
    client = FakeFirestore({"provider_health/openai": {"status": "healthy"}})
    r = reader(client, max_age_s=30, max_entries=50, clock=lambda: now[0])
    for _ in range(100):
        assert r.provider("openai") == {"status": "healthy"}
    assert client.batches == 1
    now[0] = 31
    r.provider("openai")
    assert client.batches == 2
    r.rank_keys("openai", "m", [key_fingerprint(f"k{i}") for i in range(100)])
    assert len(r._cache) == 50


def test_stale_value_served_while_firestore_is_down_then_error() -> None:
    now = [0.0]
    client = FakeFirestore({"provider_health/openai": {"status": "down"}})
    r = reader(client, max_age_s=30, max_stale_s=600, clock=lambda: now[0])
    r.provider("openai")
    client.down = True
    now[0] = 300
    assert r.provider("openai") == {"status": "down"}
    now[0] = 700
    with pytest.raises(ConnectionError):
        r.provider("openai")


def test_the_async_reader_ranks_the_same_without_blocking() -> None:
    client = FakeAsyncFirestore(docs_for())
    r = AsyncHealthReader(client, Settings(), now=lambda: NOW)

    async def main() -> tuple[Any, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        t = asyncio.create_task(ticker())
        ranking = await r.rank_keys("openai", "gpt-4o", [FP[n] for n in "abcdefgh"])
        t.cancel()
        return ranking, ticks

    ranking, ticks = asyncio.run(main())
    sync = reader(FakeFirestore(docs_for())).rank_keys(
        "openai", "gpt-4o", [FP[n] for n in "abcdefgh"]
    )
    assert ranking == sync
    assert ticks > 0  # the loop ran other tasks while the read was in flight
    assert client.batches == 1


def test_rank_is_pure_and_an_empty_list_means_call_nothing() -> None:
    e = docs_for()
    ranking = rank(
        [FP["e"]],
        {FP["e"]: e[f"key_health/{FP['e']}/models/gpt-4o"]},
        {FP["e"]: e[f"key_health/{FP['e']}"]},
        NOW,
    )
    assert ranking.fingerprints == [] and [k.state for k in ranking.excluded] == ["invalid"]
    later = rank(
        [FP["e"]],
        {FP["e"]: e[f"key_health/{FP['e']}/models/gpt-4o"]},
        {FP["e"]: e[f"key_health/{FP['e']}"]},
        NOW + timedelta(minutes=4),
    )
    assert later.fingerprints == [FP["e"]] and later.keys[0].probe


# -- every read within its deadline ----------------------------------------------------------


def test_each_read_carries_its_deadline_as_retry_and_timeout() -> None:
    """get_all gets the reader's deadline twice: as the retry's total and as the call's
    timeout (the retry alone would leave each attempt the SDK's 300 s)."""
    from google.api_core.retry import AsyncRetry, Retry

    client = FakeFirestore(docs_for())
    reader(client, deadline_s=1.5).rank_keys("openai", "gpt-4o", [FP["a"]])
    [(retry, timeout)] = client.given
    assert isinstance(retry, Retry) and (retry.timeout, timeout) == (1.5, 1.5)
    aclient = FakeAsyncFirestore(docs_for())
    areader = AsyncHealthReader(aclient, Settings(), now=lambda: NOW, deadline_s=1.5)
    asyncio.run(areader.rank_keys("openai", "gpt-4o", [FP["a"]]))
    [(retry, timeout)] = aclient.given
    assert isinstance(retry, AsyncRetry) and (retry.timeout, timeout) == (1.5, 1.5)
    with pytest.raises(ValueError, match="deadline_s"):
        reader(client, deadline_s=0)


BACKSTOP_S = 0.05  # the reader's own margin past the deadline (1 s), shortened here


def test_a_read_that_hangs_serves_stale_or_raises_within_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A get_all that never returns (the SDK's own deadline not honoured): the reader gives up
    after its deadline and its backstop, serving the cached ranking, else raising."""
    monkeypatch.setattr(routing, "_BACKSTOP_S", BACKSTOP_S)
    now = [0.0]
    client = FakeFirestore(docs_for())
    r = reader(client, deadline_s=0.2, clock=lambda: now[0])
    before = r.rank_keys("openai", "gpt-4o", [FP["a"], FP["b"]])
    now[0] = 60.0  # no longer fresh: read again
    client.hang = True
    try:
        t0 = time.monotonic()
        assert r.rank_keys("openai", "gpt-4o", [FP["a"], FP["b"]]) == before
        with pytest.raises(HealthReadTimeoutError, match=r"0\.2 s deadline"):
            r.rank_keys("openai", "gpt-4o", [FP["c"]])  # nothing cached for it
        took = time.monotonic() - t0
    finally:
        client.release.set()
    assert took < 2 * (0.2 + BACKSTOP_S) + 0.5


def test_an_async_read_that_hangs_serves_stale_or_raises_within_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same for the async reader: the read is cancelled after its deadline and backstop."""
    monkeypatch.setattr(routing, "_BACKSTOP_S", BACKSTOP_S)
    now = [0.0]
    client = FakeAsyncFirestore(docs_for())
    r = AsyncHealthReader(client, Settings(), now=lambda: NOW, clock=lambda: now[0], deadline_s=0.2)

    async def main() -> float:
        before = await r.rank_keys("openai", "gpt-4o", [FP["a"], FP["b"]])
        now[0] = 60.0
        client.hang = True
        t0 = time.monotonic()
        assert await r.rank_keys("openai", "gpt-4o", [FP["a"], FP["b"]]) == before
        with pytest.raises(HealthReadTimeoutError):
            await r.rank_keys("openai", "gpt-4o", [FP["c"]])
        return time.monotonic() - t0

    assert asyncio.run(main()) < 2 * (0.2 + BACKSTOP_S) + 0.5


def test_the_database_is_the_argument_else_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader that builds its own client opens the health database it is given, else the
    one Settings names (KEYWATCH_HEALTH_DATABASE), by default Firestore's "(default)"."""
    from google.cloud import firestore

    opened: list[tuple[str, str | None]] = []

    def recorder(kind: str) -> Any:
        def build(project: str | None = None, database: str | None = None) -> Any:
            opened.append((kind, database))
            return FakeAsyncFirestore({}) if kind == "async" else FakeFirestore({})

        return build

    monkeypatch.setattr(firestore, "Client", recorder("sync"))
    monkeypatch.setattr(firestore, "AsyncClient", recorder("async"))

    named = Settings(health_database="kw-health-from-settings")
    HealthReader(None, named, database="kw-health").provider("openai")
    asyncio.run(AsyncHealthReader(None, named, database="kw-health").provider("openai"))
    HealthReader(None, named).provider("openai")
    asyncio.run(AsyncHealthReader(None, Settings()).provider("openai"))
    assert opened == [
        ("sync", "kw-health"),
        ("async", "kw-health"),
        ("sync", "kw-health-from-settings"),
        ("async", "(default)"),
    ]
