"""A provider outage through the whole local stack: a burst of failures on one platform key
and on many BYOK keys, duplicates among them (Pub/Sub delivers at least once), while the
backends' tallies keep flowing. Nothing is dead-lettered, nothing is counted twice, and the
health documents hold exactly the counts the events imply."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from google.cloud import firestore, pubsub_v1

from keywatch.events import FailureEvent, Source, TallyBatch
from keywatch.fingerprint import key_fingerprint
from keywatch_ops.devstack.stack import Stack
from tests.e2e.conftest import eventually, log_entries

pytestmark = pytest.mark.e2e

BURST = 1_500  # on the emulator, which pushes about 125 messages a second to classify


def test_an_outage_burst_is_counted_exactly_once(stack: Stack) -> None:
    """1,500 failures on one key and 500 over 100 BYOK keys, 10% published twice, with 20
    tally batches in between: the documents' counts equal the distinct events."""
    provider = f"out{uuid.uuid4().hex[:6]}"
    now = datetime.now(UTC)
    minute = int(now.timestamp() // 60)
    platform_key = key_fingerprint(f"{provider}-platform")

    def failure(fp: str, source: Source, i: int) -> FailureEvent:
        return FailureEvent(
            occurred_at=now, request_id=f"r{i}", uid=None, source=source, provider=provider,
            model="m", key_fingerprint=fp, status_code=503, error_type="ServiceUnavailable",
            error_message="upstream connect error",
        )  # fmt: skip

    events = [failure(platform_key, Source.PLATFORM, i) for i in range(BURST)]
    events += [
        failure(key_fingerprint(f"{provider}-u{i % 100}"), Source.BYOK, i) for i in range(500)
    ]
    tallies = [
        TallyBatch(
            window_start=now,
            window_end=now,
            groups=[
                {
                    "source": "platform",
                    "provider": provider,
                    "model": "m",
                    "key_fingerprint": platform_key,
                    "successes_by_minute": {str(minute): 10},
                }
            ],
        )
        for _ in range(20)
    ]
    client = pubsub_v1.PublisherClient()
    topic = client.topic_path(stack.project, stack.settings.events_topic)
    futures = []
    for i, e in enumerate(events):
        data = e.model_dump_json().encode()
        attrs: dict[str, Any] = {"type": "failure", "source": e.source.value, "provider": provider}
        futures.append(client.publish(topic, data, **attrs))
        if i % 10 == 0:  # a duplicate: at-least-once delivery
            futures.append(client.publish(topic, data, **attrs))
        if i % 100 == 0:
            t = tallies[i // 100]
            futures.append(client.publish(topic, t.model_dump_json().encode(), type="tallies"))
    for f in futures:
        f.result(timeout=60)

    def drained() -> bool:
        ids = {
            e.get("event_id")
            for e in log_entries(stack, "classify", event="llm_failure", provider=provider)
        }
        batches = {str(t.batch_id) for t in tallies}
        counted = {e.get("batch_id") for e in log_entries(stack, "classify", event="tally")}
        return len(ids) == len(events) and batches <= counted

    eventually(drained, timeout_s=240, what="classify to take the burst")
    time.sleep(1)
    db = firestore.Client(project=stack.project)
    coll = stack.settings.provider_health_collection

    def documents() -> dict[str, Any] | None:
        stack.publish_tick()
        time.sleep(1)
        snap = db.document(f"{coll}/{provider}").get()
        data = snap.to_dict() if snap.exists else None
        return data if data and data["5m"]["failures"] == len(events) else None

    doc = eventually(documents, timeout_s=60, what="the provider's document")
    w = doc["5m"]
    assert (w["requests"], w["failures"], w["provider_failures"]) == (2_200, 2_000, 2_000)
    assert w["status"] == "down"
    key = db.document(f"{stack.settings.key_health_collection}/{platform_key}/models/m").get()
    kw = key.to_dict()["5m"]  # type: ignore[index]
    assert (kw["requests"], kw["failures"]) == (BURST + 200, BURST)
    assert key.get("state") == "cooling_down"
    sub = stack.subscriber
    route = next(r for r in stack.routes if r.function == "classify")
    dead = sub.pull(
        subscription=sub.subscription_path(stack.project, route.dead_letter_subscription),
        max_messages=100,
        timeout=5,
    )
    assert not [m for m in dead.received_messages if provider.encode() in m.message.data]
    assert not log_entries(stack, "classify", event="transient_failure", provider=provider)
