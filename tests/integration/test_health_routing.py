"""Key health end to end on the Firestore emulator: recorded failures and tallies, a health
run, then the router's ranking and the `keywatch health` table; and a router's reads bounded by
their deadline while the emulator does not answer."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.api_core import exceptions as gexc

from keywatch.core.classify import classify
from keywatch.core.counting import Group, TallyCount
from keywatch.core.health import unix_minute
from keywatch.core.keys import Layout
from keywatch.fingerprint import key_fingerprint
from keywatch.routing import AsyncHealthReader, HealthReader
from keywatch.settings import Settings
from keywatch_functions.adapters.firestore import FirestoreHealthDocs
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.service.health import HealthDeps, run_health
from keywatch_ops.devstack.stack import Stack
from tests.factories import failure

pytestmark = pytest.mark.integration


def test_keys_are_ranked_from_recorded_outcomes(
    firestore_client: Any, redis_client: Any, unique: str
) -> None:
    """Counted in redis-server, computed into the Firestore emulator, ranked by the router:
    healthy first, then keys with no data, then cooling down; invalid never."""
    settings = Settings(
        project_id="demo-keywatch",
        provider_health_collection=f"ph_{unique}",
        key_health_collection=f"kh_{unique}",
    )
    counts = RedisCountingStore(redis_client, Layout(f"r{unique}"))
    now = datetime.now(UTC)
    minute = unix_minute(now) - 2
    fp = {name: key_fingerprint(f"{unique}-{name}") for name in ("good", "flaky", "revoked", "new")}
    counts.record_tallies(
        f"b{unique}",
        [
            TallyCount(Group("openai", "gpt-4o", fp[name], "byok"), ((minute, n),), minute * 60.0)
            for name, n in (("good", 50), ("flaky", 5), ("revoked", 5))
        ],
    )
    for _ in range(3):
        counts.record_failure(
            failure(
                occurred_at=now,
                key_fingerprint=fp["flaky"],
                status_code=500,
                error_code=None,
                error_message="Internal server error",
            ),
            classify(500),
        )
    counts.record_failure(
        failure(occurred_at=now, key_fingerprint=fp["revoked"]),
        classify(401, None, "invalid_api_key"),
    )

    deps = HealthDeps(
        counts,
        FirestoreHealthDocs(firestore_client),
        provider_collection=settings.provider_health_collection,
        key_collection=settings.key_health_collection,
    )
    assert run_health(now + timedelta(minutes=1), deps).written > 0
    reader = HealthReader(firestore_client, settings, now=lambda: now)
    ranking = reader.rank_keys(
        "openai", "gpt-4o", [fp["revoked"], fp["flaky"], fp["new"], fp["good"]]
    )
    assert ranking.fingerprints == [fp["good"], fp["new"]]
    assert {k.fingerprint: k.state for k in ranking.excluded} == {
        fp["revoked"]: "invalid",
        fp["flaky"]: "cooling_down",
    }
    assert reader.key(fp["revoked"], "gpt-4o")["state"] == "invalid"  # type: ignore[index]
    assert reader.rank_keys("openai", "gpt-4o", [fp["revoked"]]).fingerprints == []
    assert reader.provider("openai")["5m"]["requests"] == 64  # type: ignore[index]
    # Their back-offs pass: the cooling key after 30 s, the invalid one after 5 min, as probes.
    later = HealthReader(firestore_client, settings, now=lambda: now + timedelta(minutes=6))
    ranking = later.rank_keys("openai", "gpt-4o", [fp["revoked"], fp["flaky"], fp["good"]])
    assert ranking.fingerprints == [fp["good"], fp["flaky"], fp["revoked"]]
    assert [k.probe for k in ranking.keys] == [False, True, True]


def test_health_command_prints_the_table(
    backends: Stack, firestore_client: Any, unique: str
) -> None:
    """`keywatch health` reads provider, model and key documents and prints them."""
    firestore_client.document(f"provider_health/prov-{unique}").set(
        {
            "provider": f"prov-{unique}",
            "status": "degraded",
            "1h": {"requests": 100, "failures": 9, "uptime": 0.91},
        }
    )
    firestore_client.document(f"key_health/kf_{unique:0>16}/models/m").set(
        {
            "key_fingerprint": f"kf_{unique:0>16}",
            "model": "m",
            "state": "invalid",
            "last_reason": "invalid_key",
            "consecutive_failures": 2,
        }
    )
    out = subprocess.run(
        [sys.executable, "-m", "keywatch_ops", "health"],
        capture_output=True,
        text=True,
        env={**os.environ, "KEYWATCH_PROJECT_ID": backends.project},
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert f"prov-{unique}" in out.stdout and "degraded" in out.stdout and "91.0%" in out.stdout
    assert "invalid_key" in out.stdout and "invalid" in out.stdout


# -- reads bounded by their deadline -------------------------------------------------------------

DEADLINE_S = 2.0
MARGIN_S = 5.0  # a bound, not a performance figure: without a deadline a read waits ~300 s
# What a read that ran out of time raises: the SDK's deadline, or the reader's own backstop.
OUT_OF_TIME = (gexc.DeadlineExceeded, gexc.RetryError, TimeoutError)


@contextlib.contextmanager
def paused(backends: Stack, name: str) -> Iterator[None]:
    """The service's processes stopped (SIGSTOP) and resumed after: its port still accepts
    connections, nothing answers, as with a server that hangs."""
    pgid = backends.services[name].proc.pid  # started in a session of its own: its group
    os.killpg(pgid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(pgid, signal.SIGCONT)


def _seed(firestore_client: Any, unique: str) -> tuple[Settings, str, str]:
    """A healthy key's document in collections of this test's own: (settings, that key's
    fingerprint, a fingerprint with no document)."""
    settings = Settings(
        project_id="demo-keywatch",
        provider_health_collection=f"ph_{unique}",
        key_health_collection=f"kh_{unique}",
    )
    cached, uncached = key_fingerprint(f"{unique}-cached"), key_fingerprint(f"{unique}-new")
    firestore_client.document(f"kh_{unique}/{cached}/models/gpt-4o").set(
        {"state": "healthy", "last_success_at": datetime.now(UTC), "1h": {"error_rate": 0.0}}
    )
    return settings, cached, uncached


def test_a_hung_firestore_costs_the_sync_router_at_most_its_deadline(
    backends: Stack, firestore_client: Any, unique: str
) -> None:
    """Firestore stopped: rank_keys serves the stale ranking within its deadline when it has
    one cached, and raises within its deadline when it has none."""
    settings, cached, uncached = _seed(firestore_client, unique)
    clock = [0.0]
    reader = HealthReader(None, settings, deadline_s=DEADLINE_S, clock=lambda: clock[0])
    before = reader.rank_keys("openai", "gpt-4o", [cached])  # connected, and cached
    assert [(k.fingerprint, k.state) for k in before.keys] == [(cached, "healthy")]
    clock[0] = 60.0  # older than max_age_s (30 s): the next read goes to Firestore
    with paused(backends, "firestore"):
        t0 = time.monotonic()
        stale = reader.rank_keys("openai", "gpt-4o", [cached])
        stale_s = time.monotonic() - t0
        t0 = time.monotonic()
        with pytest.raises(OUT_OF_TIME):
            reader.rank_keys("openai", "gpt-4o", [uncached])
        error_s = time.monotonic() - t0
    print(f"\nsync, Firestore stopped, deadline {DEADLINE_S:g} s: stale served in {stale_s:.2f} s,"
          f" error raised in {error_s:.2f} s")  # fmt: skip
    assert stale == before
    assert stale_s < DEADLINE_S + MARGIN_S
    assert error_s < DEADLINE_S + MARGIN_S


def test_a_hung_firestore_costs_the_async_router_at_most_its_deadline(
    backends: Stack, firestore_client: Any, unique: str
) -> None:
    """The same with AsyncHealthReader over Firestore's AsyncClient."""
    settings, cached, uncached = _seed(firestore_client, unique)
    clock = [0.0]

    async def main() -> tuple[Any, Any, float, float]:
        reader = AsyncHealthReader(None, settings, deadline_s=DEADLINE_S, clock=lambda: clock[0])
        before = await reader.rank_keys("openai", "gpt-4o", [cached])
        clock[0] = 60.0
        with paused(backends, "firestore"):
            t0 = time.monotonic()
            stale = await reader.rank_keys("openai", "gpt-4o", [cached])
            stale_s = time.monotonic() - t0
            t0 = time.monotonic()
            with pytest.raises(OUT_OF_TIME):
                await reader.rank_keys("openai", "gpt-4o", [uncached])
            error_s = time.monotonic() - t0
        return before, stale, stale_s, error_s

    before, stale, stale_s, error_s = asyncio.run(main())
    print(f"\nasync, Firestore stopped, deadline {DEADLINE_S:g} s: stale served in {stale_s:.2f} s,"
          f" error raised in {error_s:.2f} s")  # fmt: skip
    assert [(k.fingerprint, k.state) for k in before.keys] == [(cached, "healthy")]
    assert stale == before
    assert stale_s < DEADLINE_S + MARGIN_S
    assert error_s < DEADLINE_S + MARGIN_S


def test_the_reader_reads_the_health_database_it_is_given(
    backends: Stack, firestore_client: Any, unique: str
) -> None:
    """HealthReader(database=...) builds its client on that Firestore database: a document
    there is seen, and a reader on "(default)" does not see it."""
    from google.cloud import firestore

    database = f"kw-health-{unique}"
    settings = Settings(project_id=backends.project, provider_health_collection=f"ph_{unique}")
    firestore.Client(project=backends.project, database=database).document(
        f"ph_{unique}/openai"
    ).set({"status": "degraded"})
    assert HealthReader(None, settings, database=database).provider("openai") == {
        "status": "degraded"
    }
    assert HealthReader(None, settings).provider("openai") is None
