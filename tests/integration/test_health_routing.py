"""Key health end to end on the Firestore emulator: recorded failures and tallies, a health
run, then the router's ranking and the `keywatch health` table."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch.core.classify import classify
from keywatch.core.counting import Group, Layout, TallyCount
from keywatch.core.health import unix_minute
from keywatch.fingerprint import key_fingerprint
from keywatch.routing import HealthReader
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
