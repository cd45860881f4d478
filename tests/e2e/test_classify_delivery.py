"""classify's delivery outcomes through the real emulator: poison is logged once and
acknowledged; a transient failure is retried and finally dead-lettered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.cloud import pubsub_v1

from keywatch_ops.devstack.stack import Stack
from tests.e2e.conftest import eventually, log_entries
from tests.factories import failure
from tests.stackfixtures import running

pytestmark = pytest.mark.e2e

POISON = {
    "malformed JSON": b'{"type": "failure", ',
    "invalid event": b'{"type": "failure", "schema_version": 1, "provider": "openai"}',
    "unknown schema_version": b'{"type": "failure", "schema_version": 7}',
    "exceeds": b'{"pad": "' + b"x" * 70_000 + b'"}',
    "not UTF-8": b'{"type": "failure", "note": "\xff\xfe"}',
}


def dead_lettered(stack: Stack, function: str) -> list[bytes]:
    sub = stack.subscriber
    route = next(r for r in stack.routes if r.function == function)
    path = sub.subscription_path(stack.project, route.dead_letter_subscription)
    resp = sub.pull(subscription=path, max_messages=50, timeout=10)
    if resp.received_messages:
        sub.acknowledge(subscription=path, ack_ids=[m.ack_id for m in resp.received_messages])
    return [m.message.data for m in resp.received_messages]


def test_each_kind_of_poison_is_logged_once_and_acknowledged(stack: Stack) -> None:
    """Malformed JSON, wrong schema, unknown version, oversized, not UTF-8: one ERROR entry
    each, naming why and the message id; none redelivered, none dead-lettered."""
    client = pubsub_v1.PublisherClient()
    topic = client.topic_path(stack.project, stack.settings.events_topic)
    ids = {
        why: client.publish(topic, data, type="failure").result(30) for why, data in POISON.items()
    }
    for why, message_id in ids.items():
        [entry] = eventually(
            lambda m=message_id: log_entries(
                stack, "classify", event="poison_message", message_id=m
            ),
            what=f"poison entry for {why}",
        )
        assert entry["severity"] == "ERROR" and why in entry["why"]
    time.sleep(4)  # past the retry backoff: a redelivery would have logged a second entry
    for message_id in ids.values():
        assert (
            len(log_entries(stack, "classify", event="poison_message", message_id=message_id)) == 1
        )
    assert not [d for d in dead_lettered(stack, "classify") if d in POISON.values()]


@pytest.fixture
def flaky_redis_stack(tmp_path: Path) -> Iterator[Stack]:
    s = Stack(
        workdir=tmp_path,
        retry_min_backoff_s=1,
        retry_max_backoff_s=1,
        extra_env={"KEYWATCH_REDIS_TIMEOUT_S": "0.5"},
    )
    yield from running(s)


def _publish(stack: Stack, data: bytes) -> None:
    client = pubsub_v1.PublisherClient()
    topic = client.topic_path(stack.project, stack.settings.events_topic)
    client.publish(topic, data, type="failure").result(30)


def test_redis_down_is_retried_then_dead_lettered(flaky_redis_stack: Stack) -> None:
    """Memorystore down: classify raises on every attempt, and after 5 the event is in the
    dead-letter topic; each attempt wrote the same entry (same insertId and timestamp), which
    Cloud Logging keeps once."""
    stack = flaky_redis_stack
    stack.services["redis"].proc.terminate()
    stack.services["redis"].proc.wait(30)
    e = failure()
    _publish(stack, e.model_dump_json().encode())
    [data] = eventually(lambda: dead_lettered(stack, "classify"), timeout_s=120, what="dead letter")
    assert str(e.event_id).encode() in data
    retries = log_entries(stack, "classify", event="transient_failure")
    assert len(retries) == 5 and all("redis" in r["why"] for r in retries)
    entries = log_entries(stack, "classify", event="llm_failure")
    assert {(x["logging.googleapis.com/insertId"], str(x["timestamp"])) for x in entries} == {
        (f"kw-{e.event_id}", str(entries[0]["timestamp"]))
    }
    assert entries[0]["timestamp"]["seconds"] == int(e.occurred_at.timestamp())


def test_redis_back_after_an_outage_counts_each_event_once(flaky_redis_stack: Stack) -> None:
    """Events that arrived while Memorystore was down are retried until it is back, then
    counted once each: the health documents hold exactly them, nothing dead-lettered."""
    from google.cloud import firestore

    from keywatch.events import Source
    from keywatch_ops.devstack.stack import redis_cmd

    stack = flaky_redis_stack
    redis = stack.services["redis"]
    redis.proc.terminate()
    redis.proc.wait(30)
    provider = f"flaky{int(time.time() * 1000) % 100000}"
    events = [failure(provider=provider, source=Source.PLATFORM, status_code=503) for _ in range(5)]
    for e in events:
        _publish(stack, e.model_dump_json().encode())
    eventually(
        lambda: len(log_entries(stack, "classify", event="transient_failure")) >= 5,
        what="retries while Redis is down",
    )
    stack._spawn("redis", redis_cmd(redis.port), redis.port)  # back, empty, on its port
    doc = firestore.Client(project=stack.project).document(
        f"{stack.settings.provider_health_collection}/{provider}"
    )

    def counted() -> dict[str, object] | None:
        stack.publish_tick()
        time.sleep(1)
        snap = doc.get()
        data = snap.to_dict() if snap.exists else None
        return data if data and data["5m"]["failures"] == 5 else None  # type: ignore[index]

    got = eventually(counted, timeout_s=90, what="the five failures counted")
    assert got["5m"]["provider_failures"] == 5  # type: ignore[index]
    time.sleep(3)  # longer than the retry backoff: any further redelivery would count again
    stack.publish_tick()
    time.sleep(2)
    assert doc.get().to_dict()["5m"]["failures"] == 5  # type: ignore[index]
    assert not [d for d in dead_lettered(stack, "classify") if provider.encode() in d]
