"""Key health end to end on the Firestore emulator: recorded failures and tallies, a health
run, then the router's ranking and the `keywatch health` table."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch.adapters.firestore import FirestoreHealthRecorder, FirestoreHealthStore
from keywatch.core.classify import classify
from keywatch.core.health import minute_of
from keywatch.devstack.stack import Stack
from keywatch.events import Source, SuccessTally
from keywatch.fingerprint import key_fingerprint
from keywatch.routing import HealthReader
from keywatch.service.health import HealthDeps, run_health
from keywatch.settings import Settings
from tests.factories import failure

pytestmark = pytest.mark.integration


def test_keys_are_ranked_from_recorded_outcomes(firestore_client: Any, unique: str) -> None:
    """Healthy first, then keys with no data, then cooling down; invalid never."""
    settings = Settings(
        project_id="demo-keywatch",
        buckets_collection=f"b_{unique}",
        raw_events_collection=f"r_{unique}",
        provider_health_collection=f"ph_{unique}",
        key_health_collection=f"kh_{unique}",
    )
    rec = FirestoreHealthRecorder(
        firestore_client, settings.raw_events_collection, settings.buckets_collection, 3600
    )
    now = datetime.now(UTC)
    start = minute_of(now) - timedelta(minutes=2)
    fp = {name: key_fingerprint(f"{unique}-{name}") for name in ("good", "flaky", "revoked", "new")}

    def tally(name: str, n: int) -> None:
        rec.record_tally(
            SuccessTally(
                window_start=start,
                window_end=start + timedelta(seconds=30),
                source=Source.BYOK,
                provider="openai",
                model="gpt-4o",
                key_fingerprint=fp[name],
                successes=n,
            )
        )

    tally("good", 50)
    tally("flaky", 5)
    tally("revoked", 5)
    for _ in range(3):
        rec.record_failure(
            failure(
                key_fingerprint=fp["flaky"],
                status_code=500,
                error_code=None,
                error_message="Internal server error",
            ),
            classify(500),
        )
    rec.record_failure(
        failure(key_fingerprint=fp["revoked"]), classify(401, None, "invalid_api_key")
    )

    deps = HealthDeps(
        FirestoreHealthStore(firestore_client, settings.buckets_collection),
        provider_collection=settings.provider_health_collection,
        key_collection=settings.key_health_collection,
    )
    assert run_health(now + timedelta(minutes=1), deps) > 0
    reader = HealthReader(firestore_client, settings)
    order = reader.rank_keys(
        "openai", "gpt-4o", [fp["revoked"], fp["flaky"], fp["new"], fp["good"]]
    )
    assert order == [fp["good"], fp["new"], fp["flaky"]]
    assert reader.key(fp["revoked"], "gpt-4o")["state"] == "invalid"  # type: ignore[index]
    assert reader.rank_keys("openai", "gpt-4o", [fp["revoked"]]) == []  # all invalid: none
    assert reader.provider("openai")["5m"]["requests"] == 64  # type: ignore[index]


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
        [sys.executable, "-m", "keywatch", "health"],
        capture_output=True,
        text=True,
        env={**os.environ, "KEYWATCH_PROJECT_ID": backends.project},
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert f"prov-{unique}" in out.stdout and "degraded" in out.stdout and "91.0%" in out.stdout
    assert "invalid_key" in out.stdout and "invalid" in out.stdout
