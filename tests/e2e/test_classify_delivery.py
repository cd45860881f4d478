"""classify's delivery outcomes through the real emulator: poison is logged once and
acknowledged; a transient failure is retried and finally dead-lettered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.cloud import pubsub_v1

from keywatch.devstack.stack import Stack
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
def stack_without_firestore(tmp_path: Path) -> Iterator[Stack]:
    s = Stack(
        workdir=tmp_path,
        retry_min_backoff_s=1,
        retry_max_backoff_s=1,
        extra_env={"KEYWATCH_FIRESTORE_TIMEOUT_S": "1"},
    )
    yield from running(s)


def test_dependency_down_is_retried_then_dead_lettered(stack_without_firestore: Stack) -> None:
    """Firestore down: classify raises on every attempt, and after 5 the event is in the
    dead-letter topic; the structured log line was still written each time (same insertId)."""
    stack = stack_without_firestore
    stack.services["firestore"].proc.terminate()
    stack.services["firestore"].proc.wait(30)
    e = failure()
    client = pubsub_v1.PublisherClient()
    client.publish(
        client.topic_path(stack.project, stack.settings.events_topic),
        e.model_dump_json().encode(),
        type="failure",
    ).result(30)
    [data] = eventually(lambda: dead_lettered(stack, "classify"), timeout_s=120, what="dead letter")
    assert str(e.event_id).encode() in data
    retries = log_entries(stack, "classify", event="transient_failure")
    assert len(retries) == 5 and all("firestore" in r["why"] for r in retries)
    ids = {
        x["logging.googleapis.com/insertId"]
        for x in log_entries(stack, "classify", event="llm_failure")
    }
    assert ids == {f"kw-{e.event_id}"}
