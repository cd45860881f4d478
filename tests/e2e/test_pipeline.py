"""End to end: published with the official Pub/Sub client, through the real emulators,
redis-server, the FCM stand-in and the three functions under functions-framework."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.cloud import firestore, pubsub_v1

from keywatch.events import FailureEvent, Source, SuccessTally
from keywatch.fingerprint import key_fingerprint
from keywatch_ops.devstack.stack import Stack
from tests.e2e.conftest import eventually, log_entries

pytestmark = pytest.mark.e2e


def publish(stack: Stack, data: bytes, **attrs: str) -> str:
    client = pubsub_v1.PublisherClient()
    topic = client.topic_path(stack.project, stack.settings.events_topic)
    return str(client.publish(topic, data, **attrs).result(timeout=30))


def publish_event(stack: Stack, e: FailureEvent | SuccessTally) -> str:
    return publish(
        stack,
        e.model_dump_json().encode(),
        type=e.type.value,
        source=e.source.value,
        provider=e.provider,
        schema_version="1",
    )


def byok_failure(uid: str, provider: str = "openai", **kw: Any) -> FailureEvent:
    base: dict[str, Any] = dict(
        request_id=f"req-{uuid.uuid4().hex[:8]}",
        uid=uid,
        source=Source.BYOK,
        provider=provider,
        model="gpt-4o",
        feature="chat",
        key_fingerprint=key_fingerprint(f"key-{uid}"),
        status_code=401,
        error_type="AuthenticationError",
        error_code="invalid_api_key",
        error_message="Incorrect API key provided: sk-proj-****abcd.",
    )
    base.update(kw)
    return FailureEvent(**base)


def seed_token(stack: Stack, uid: str, token: str) -> None:
    firestore.Client(project=stack.project).document(f"users/{uid}/fcm_tokens/phone").set(
        {"token": token}
    )


def test_failure_reaches_classify_notify_and_health(stack: Stack) -> None:
    """One BYOK failure: a structured log line, a push at the FCM stand-in, a health document."""
    uid = f"e2e-{uuid.uuid4().hex[:8]}"
    provider = f"prov{uuid.uuid4().hex[:6]}"
    seed_token(stack, uid, f"tok-{uid}")
    e = byok_failure(uid, provider)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    publish_event(stack, e)
    publish_event(
        stack,
        SuccessTally(
            window_start=now,
            window_end=now + timedelta(minutes=1),
            source=Source.BYOK,
            provider=provider,
            model="gpt-4o",
            key_fingerprint=e.key_fingerprint,
            successes=9,
        ),
    )

    [entry] = eventually(
        lambda: log_entries(stack, "classify", event_id=str(e.event_id)), what="log"
    )
    assert (entry["severity"], entry["source"], entry["reason"]) == (
        "WARNING",
        "byok",
        "invalid_key",
    )
    assert entry["logging.googleapis.com/insertId"] == f"kw-{e.event_id}"
    assert entry["logging.googleapis.com/labels"]["provider"] == provider

    assert stack.fcm is not None
    fcm = stack.fcm
    [push] = eventually(
        lambda: [m for m in fcm.delivered() if m["token"] == f"tok-{uid}"], what="push"
    )
    assert push["data"]["reason"] == "invalid_key" and push["data"]["provider"] == provider

    db = firestore.Client(project=stack.project)
    doc = db.document(f"{stack.settings.provider_health_collection}/{provider}")

    def health_written() -> dict[str, Any] | None:
        snap = doc.get()
        data = snap.to_dict() if snap.exists else None
        return data if data and data["5m"]["requests"] == 10 else None

    stack.publish_tick()
    got = eventually(health_written, what="health document")
    assert got["5m"]["failures_by_reason"] == {"invalid_key": 1}
    assert got["5m"]["uptime"] == 1.0  # a user's broken key is not the provider's fault
    key = db.document(
        f"{stack.settings.key_health_collection}/{e.key_fingerprint}/models/gpt-4o"
    ).get()
    assert key.exists and key.get("state") == "invalid" and key.get("last_reason") == "invalid_key"


def test_poison_is_logged_once_and_acknowledged(stack: Stack) -> None:
    """Malformed JSON: one ERROR entry with the message id, and no redelivery."""
    import time

    message_id = publish(stack, b"{definitely not json", type="failure")
    [entry] = eventually(
        lambda: log_entries(stack, "classify", event="poison_message", message_id=message_id),
        what="poison entry",
    )
    assert entry["severity"] == "ERROR" and entry["why"] == "malformed JSON"
    time.sleep(3)  # longer than the retry backoff: a redelivery would have logged again
    assert len(log_entries(stack, "classify", event="poison_message", message_id=message_id)) == 1


def test_transient_failure_is_retried_then_dead_lettered(stack: Stack) -> None:
    """FCM keeps failing: notify raises each time; after 5 attempts the alert is dead-lettered."""
    uid = f"e2e-{uuid.uuid4().hex[:8]}"
    seed_token(stack, uid, f"tok-{uid}")
    assert stack.fcm is not None
    stack.fcm.fail_next(1000, "QUOTA_EXCEEDED")
    try:
        e = byok_failure(uid)
        publish_event(stack, e)
        sub = stack.subscriber
        route = next(r for r in stack.routes if r.function == "notify")
        path = sub.subscription_path(stack.project, route.dead_letter_subscription)

        def dead_lettered() -> list[Any]:
            resp = sub.pull(subscription=path, max_messages=10, timeout=10)
            if resp.received_messages:
                sub.acknowledge(
                    subscription=path, ack_ids=[m.ack_id for m in resp.received_messages]
                )
            return [m for m in resp.received_messages if str(e.event_id).encode() in m.message.data]

        eventually(dead_lettered, timeout_s=90, what="the alert in the dead-letter topic")
        attempts = [a for a in stack.fcm.attempts() if a["token"] == f"tok-{uid}"]
        assert len(attempts) == 5 and {a["outcome"] for a in attempts} == {"QUOTA_EXCEEDED"}
    finally:
        stack.fcm.reset()


def test_fcm_outage_then_recovery_sends_one_push(stack: Stack) -> None:
    """Two failed sends are redelivered; the push goes out once FCM recovers, and only once."""
    import time

    uid = f"e2e-{uuid.uuid4().hex[:8]}"
    seed_token(stack, uid, f"tok-{uid}")
    assert stack.fcm is not None
    fcm = stack.fcm
    fcm.fail_next(2, "QUOTA_EXCEEDED")
    publish_event(stack, byok_failure(uid))
    eventually(
        lambda: [m for m in fcm.delivered() if m["token"] == f"tok-{uid}"],
        what="push after recovery",
    )
    time.sleep(3)
    assert len([m for m in fcm.delivered() if m["token"] == f"tok-{uid}"]) == 1
    assert len([a for a in fcm.attempts() if a["token"] == f"tok-{uid}"]) == 3


def test_fcm_5xx_is_retried_by_pubsub_only(stack: Stack) -> None:
    """FCM answers 503 twice: each notify attempt sends once (the SDK's own retries are off),
    Pub/Sub redelivers, the third attempt pushes. 3 requests, not up to 15 in the first
    attempt alone."""
    import time

    uid = f"e2e-{uuid.uuid4().hex[:8]}"
    seed_token(stack, uid, f"tok-{uid}")
    assert stack.fcm is not None
    fcm = stack.fcm
    fcm.fail_next(2, "UNAVAILABLE")
    publish_event(stack, byok_failure(uid, f"prov{uuid.uuid4().hex[:6]}"))
    eventually(lambda: [m for m in fcm.delivered() if m["token"] == f"tok-{uid}"], what="push")
    time.sleep(3)
    assert [a["outcome"] for a in fcm.attempts() if a["token"] == f"tok-{uid}"] == [
        "UNAVAILABLE",
        "UNAVAILABLE",
        "delivered",
    ]


def test_a_hanging_fcm_costs_one_bounded_attempt(stack: Stack) -> None:
    """FCM hangs past notify's FCM timeout (10 s) once: that attempt fails inside the function
    timeout (one request, no SDK retries), Pub/Sub redelivers, and the next attempt pushes.
    The hung request, which FCM carries out late, is the one at-least-once case left: at most
    two pushes, never a storm."""
    uid = f"e2e-{uuid.uuid4().hex[:8]}"
    seed_token(stack, uid, f"tok-{uid}")
    assert stack.fcm is not None
    fcm = stack.fcm
    timeout = stack.settings.fcm_timeout_s
    fcm.delay(timeout + 3, n=1)
    e = byok_failure(uid, f"prov{uuid.uuid4().hex[:6]}")
    publish_event(stack, e)

    def outcomes() -> list[dict[str, Any]] | None:
        got = log_entries(stack, "notify", event="notify", event_id=str(e.event_id))
        return got or None

    [sent] = eventually(outcomes, timeout_s=90, what="a push after the hang")
    assert sent["outcome"] == "sent"
    [failed] = log_entries(
        stack, "notify", event="transient_failure", message_id=sent["message_id"]
    )
    assert "no device accepted the push" in failed["why"]
    tries = [a for a in fcm.attempts() if a["token"] == f"tok-{uid}"]
    assert len(tries) <= 2
    eventually(
        lambda: len([m for m in fcm.delivered() if m["token"] == f"tok-{uid}"]) == 2,
        timeout_s=20,
        what="the hung request carried out late",
    )
