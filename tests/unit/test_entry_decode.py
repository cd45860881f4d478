"""Decoding Pub/Sub messages: valid events parse, poison says why without echoing values."""

from __future__ import annotations

import base64
import json
from types import SimpleNamespace

import pytest

from keywatch.events import FailureEvent, SuccessTally
from keywatch_functions.decode import MAX_MESSAGE_BYTES, decode_ingest, pubsub_message
from keywatch_functions.errors import PoisonMessageError
from tests.factories import failure


def test_failure_round_trips_and_unknown_fields_are_ignored() -> None:
    """Consumers ignore fields they do not know, so the contract can grow."""
    e = failure()
    body = json.loads(e.model_dump_json())
    body["added_in_a_later_minor"] = {"x": 1}
    got = decode_ingest(json.dumps(body).encode())
    assert isinstance(got, FailureEvent) and got == e


def test_tally_decodes() -> None:
    """The same topic carries success tallies, told apart by `type`."""
    raw = json.dumps(
        {
            "type": "tally",
            "schema_version": 1,
            "window_start": "2026-11-22T12:00:00Z",
            "window_end": "2026-11-22T12:01:00Z",
            "source": "platform",
            "provider": "OpenAI",
            "model": "gpt-4o",
            "key_fingerprint": "kf_" + "a" * 16,
            "successes": 5,
        }
    ).encode()
    got = decode_ingest(raw)
    assert isinstance(got, SuccessTally) and got.provider == "openai"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"not json", "malformed JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{"type": "failure", "schema_version": 2}', "unknown schema_version"),
        (b'{"type": "mystery", "schema_version": 1}', "unknown event type"),
        (b'{"schema_version": 1}', "missing event type"),
        (b'{"type": "failure", "schema_version": 1, "provider": "x"}', "invalid event"),
        (b"{" + b" " * MAX_MESSAGE_BYTES + b"}", "exceeds"),
    ],
    ids=["json", "utf8", "version", "type", "no-type", "schema", "size"],
)
def test_poison_says_why(raw: bytes, why: str) -> None:
    """Each kind of bad payload is poison with a reason an operator can act on."""
    with pytest.raises(PoisonMessageError, match=why):
        decode_ingest(raw)


def test_poison_reason_never_echoes_values() -> None:
    """A key-shaped value in a bad field never reaches the log line through the reason."""
    body = json.loads(failure().model_dump_json())
    body["key_fingerprint"] = "sk-proj-SECRETSECRETSECRET"
    with pytest.raises(PoisonMessageError) as info:
        decode_ingest(json.dumps(body).encode())
    assert "SECRET" not in str(info.value) and "key_fingerprint" in str(info.value)


def test_pubsub_message_from_cloud_event() -> None:
    """The message data, id and attributes come out of the messagePublished CloudEvent."""
    ce = SimpleNamespace(
        data={
            "message": {
                "data": base64.b64encode(b"hi").decode(),
                "messageId": "42",
                "attributes": {"a": "b"},
            },
            "subscription": "projects/p/subscriptions/s",
        }
    )
    msg = pubsub_message(ce)
    assert (msg.data, msg.message_id, msg.attributes) == (b"hi", "42", {"a": "b"})
    with pytest.raises(PoisonMessageError):
        pubsub_message(SimpleNamespace(data={"nope": 1}))


@pytest.mark.parametrize("successes", [-1, 10**12])
def test_absurd_tally_counts_are_rejected_with_a_reason(successes: int) -> None:
    """A negative or absurd success count is poison, and the reason names the field."""
    raw = json.dumps(
        {
            "type": "tally",
            "schema_version": 1,
            "window_start": "2026-11-22T12:00:00Z",
            "window_end": "2026-11-22T12:01:00Z",
            "source": "platform",
            "provider": "openai",
            "model": "gpt-4o",
            "key_fingerprint": "kf_" + "a" * 16,
            "successes": successes,
        }
    ).encode()
    with pytest.raises(PoisonMessageError, match="successes"):
        decode_ingest(raw)
