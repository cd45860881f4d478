"""The provider-incident guard through the whole local stack: classify counts the failing keys
in redis-server, notify holds the pushes, the FCM stand-in receives none, and one
`suspected_provider_incident` entry is written."""

from __future__ import annotations

import uuid

import pytest
import redis
from google.cloud import firestore

from keywatch_ops.devstack.stack import Stack
from tests.e2e.conftest import eventually, log_entries
from tests.e2e.test_pipeline import byok_failure, publish_event

pytestmark = pytest.mark.e2e
USERS = 500


def test_500_users_keys_failing_in_a_minute_get_no_push_and_one_incident_entry(
    stack: Stack,
) -> None:
    """A provider's auth service answers 401 to 500 users' valid keys within a minute: no
    push, one incident entry. Meanwhile one user's broken key on another provider is told."""
    run = uuid.uuid4().hex[:6]
    a, b = f"inca{run}", f"incb{run}"
    db = firestore.Client(project=stack.project)
    uids = [f"inc-{run}-{i}" for i in range(USERS)]
    for start in range(0, USERS, 500):
        batch = db.batch()
        for uid in uids[start : start + 500]:
            batch.set(db.document(f"users/{uid}/fcm_tokens/phone"), {"token": f"tok-{uid}"})
        batch.commit()
    quiet = f"inc-{run}-quiet"
    db.document(f"users/{quiet}/fcm_tokens/phone").set({"token": f"tok-{quiet}"})

    events = [byok_failure(uid, a) for uid in uids]
    lone = byok_failure(quiet, b)
    for e in events[:250]:
        publish_event(stack, e)
    publish_event(stack, lone)
    for e in events[250:]:
        publish_event(stack, e)
    ids = {str(e.event_id) for e in [*events, lone]}

    def all_decided() -> list[dict[str, object]] | None:
        got = [e for e in log_entries(stack, "notify", event="notify") if e["event_id"] in ids]
        return got if len({e["event_id"] for e in got}) == len(ids) else None

    decided = eventually(all_decided, timeout_s=240, what=f"notify deciding {len(ids)} alerts")
    outcomes = {e["event_id"]: e["outcome"] for e in decided}
    assert {outcomes[str(e.event_id)] for e in events} == {"held_incident"}
    assert outcomes[str(lone.event_id)] == "sent"

    assert stack.fcm is not None
    pushed = [m["token"] for m in stack.fcm.delivered() if m["token"].startswith(f"tok-inc-{run}")]
    assert pushed == [f"tok-{quiet}"]  # provider A's incident held nothing for provider B
    [incident] = log_entries(stack, "notify", event="suspected_provider_incident", provider=a)
    assert incident["reason"] == "invalid_key" and incident["severity"] == "WARNING"
    assert incident["distinct_keys"] >= 20 and incident["threshold"] == 20
    assert log_entries(stack, "notify", event="suspected_provider_incident", provider=b) == []

    # The guard's keys for provider A are a handful of small HyperLogLogs, whatever the load.
    r = redis.Redis(port=stack.services["redis"].port)
    keys = list(r.scan_iter(match=f"kw:{{inc:{a}:*"))
    assert 2 <= len(keys) <= 8, keys
