"""An FCM outage longer than the old retry budget loses no push: through the whole local stack,
on its scaled topology (1 to 10 s of backoff; the alerts route's attempts cover a sixtieth of
the alerts' 6 h, topology.py)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from google.cloud import firestore

from keywatch_ops.devstack.stack import Stack
from keywatch_ops.topology import retry_budget_s
from tests.e2e.conftest import eventually, log_entries
from tests.e2e.test_pipeline import byok_failure, publish_event
from tests.stackfixtures import running

pytestmark = pytest.mark.e2e

# Longer than the old plan's whole budget at this scale: 5 attempts at 1 to 10 s wait 15 s.
OUTAGE_S = 40.0


@pytest.fixture(scope="module")
def scaled_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own, on the default scaled topology (no attempts override), logging an
    FCM outage once a minute as production does."""
    stack = Stack(
        workdir=tmp_path_factory.mktemp("fcm-outage"),
        extra_env={"KEYWATCH_OUTAGE_LOG_INTERVAL_S": "60"},
    )
    yield from running(stack)


def test_an_fcm_outage_longer_than_the_old_budget_loses_no_push(scaled_stack: Stack) -> None:
    """FCM fails every send for 40 s; when it is back, each of the user's two devices gets
    exactly one push, and nothing was dead-lettered."""
    stack = scaled_stack
    assert retry_budget_s(stack.retry_min_backoff_s, stack.retry_max_backoff_s, 5) < OUTAGE_S
    uid = f"e2e-{uuid.uuid4().hex[:8]}"
    db = firestore.Client(project=stack.project)
    for device in ("phone", "tablet"):
        db.document(f"users/{uid}/fcm_tokens/{device}").set({"token": f"tok-{uid}-{device}"})
    assert stack.fcm is not None
    fcm = stack.fcm
    fcm.fail_for(OUTAGE_S)
    started = time.monotonic()
    e = byok_failure(uid, f"prov{uuid.uuid4().hex[:6]}")
    publish_event(stack, e)

    def sent() -> list[dict[str, Any]] | None:
        got = log_entries(stack, "notify", event="notify", event_id=str(e.event_id))
        return [g for g in got if g.get("outcome") == "sent"] or None

    [outcome] = eventually(sent, timeout_s=OUTAGE_S + 60, what="the push after the outage")
    assert time.monotonic() - started >= OUTAGE_S - 1  # it was sent after the outage, not in it
    delivered = sorted(m["token"] for m in fcm.delivered() if m["token"].startswith(f"tok-{uid}"))
    assert delivered == [f"tok-{uid}-phone", f"tok-{uid}-tablet"]
    failed = [
        a
        for a in fcm.attempts()
        if a["token"].startswith(f"tok-{uid}") and a["outcome"] != "delivered"
    ]
    # Each failed attempt cost one request per device; the retries are Pub/Sub's, not the SDK's.
    assert failed and len(failed) % 2 == 0
    # The outage was logged once a minute, not once per failed attempt (one instance of
    # notify: the local stack runs one process).
    logged = log_entries(stack, "notify", event="transient_failure", outage="fcm")
    assert 1 <= len(logged) <= 1 + int(OUTAGE_S // 60) < len(failed) // 2
    assert outcome["outcome"] == "sent"
    time.sleep(3)  # a late redelivery would push again: none does
    again = [m for m in fcm.delivered() if m["token"].startswith(f"tok-{uid}")]
    assert len(again) == 2
