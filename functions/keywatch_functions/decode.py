"""From a Pub/Sub CloudEvent to an event model, and the three outcomes of every message.

- success: return, Pub/Sub acks;
- poison (can never succeed: not JSON, wrong schema, unknown version): one ERROR entry saying
  why, with the message id, then return so Pub/Sub stops redelivering;
- transient (a dependency is down): raise, so Pub/Sub redelivers and finally dead-letters.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import Field, TypeAdapter, ValidationError

from keywatch.core.opsevents import Event, ops_event
from keywatch.events import (
    Alert,
    FailureEvent,
    KeyRestored,
    KeyValidated,
    SuccessTally,
    TallyBatch,
    error_location,
)
from keywatch_functions.errors import PoisonMessageError, TransientError, validation_why

MAX_MESSAGE_BYTES = 64 * 1024

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PubsubMessage:
    data: bytes
    message_id: str
    attributes: dict[str, str] = field(default_factory=dict)
    publish_time: str | None = None
    subscription: str | None = None


def pubsub_message(cloud_event: Any) -> PubsubMessage:
    """The Pub/Sub message inside a `google.cloud.pubsub.topic.v1.messagePublished` event."""
    data = getattr(cloud_event, "data", None)
    msg = data.get("message") if isinstance(data, dict) else None
    if not isinstance(msg, dict):
        raise PoisonMessageError("not a Pub/Sub CloudEvent: no message")
    message_id = str(msg.get("messageId") or msg.get("message_id") or "")
    try:
        payload = base64.b64decode(msg.get("data") or "", validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise PoisonMessageError(f"message data is not base64: {exc}") from exc
    attributes = msg.get("attributes") or {}
    return PubsubMessage(
        data=payload,
        message_id=message_id,
        attributes={str(k): str(v) for k, v in attributes.items()},
        publish_time=msg.get("publishTime") or msg.get("publish_time"),
        subscription=data.get("subscription") if isinstance(data, dict) else None,
    )


def sent_at(msg: PubsubMessage) -> datetime | None:
    """When Pub/Sub received the message (its publishTime): the same on every delivery. None
    when absent or unreadable."""
    if not msg.publish_time:
        return None
    try:
        return datetime.fromisoformat(msg.publish_time.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


Ingest = FailureEvent | SuccessTally | TallyBatch | KeyValidated
IngestEvent = Annotated[Ingest, Field(discriminator="type")]
_INGEST: TypeAdapter[Ingest] = TypeAdapter(IngestEvent)
_ALERT: TypeAdapter[Alert] = TypeAdapter(Alert)
ToNotify = Alert | KeyRestored
_TO_NOTIFY: TypeAdapter[ToNotify] = TypeAdapter(Annotated[ToNotify, Field(discriminator="type")])


def decode_ingest(raw: bytes) -> Ingest:
    """A failure event, a success tally or a batch of them, or PoisonMessageError saying what
    is wrong."""
    return _decode(_INGEST, raw)


def decode_alert(raw: bytes) -> Alert:
    return _decode(_ALERT, raw)


def decode_notify(raw: bytes) -> ToNotify:
    """What the alerts topic carries: an alert, or a key that works again."""
    return _decode(_TO_NOTIFY, raw)


def _decode(adapter: TypeAdapter[T], raw: bytes) -> T:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise PoisonMessageError(f"payload of {len(raw)} bytes exceeds {MAX_MESSAGE_BYTES}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PoisonMessageError(f"payload is not UTF-8 (byte {exc.start})") from exc
    try:
        return adapter.validate_json(text)
    except ValidationError as exc:
        raise PoisonMessageError(_why(exc)) from exc


def _why(exc: ValidationError) -> str:
    """What a poison message's log entry says: the contract's own words for a wrong event type
    or schema version, else the fields and error kinds (never the input's values)."""
    for err in exc.errors(include_input=False, include_url=False)[:5]:
        if err["type"] == "json_invalid":
            return "malformed JSON"
        if error_location(err["loc"]).endswith("schema_version"):
            return "unknown schema_version (this consumer reads version 1)"
        if err["type"] == "union_tag_invalid":
            return "unknown event type"
        if err["type"] == "union_tag_not_found":
            return "missing event type"
    return "invalid event: " + validation_why(exc)


def run_pubsub(
    cloud_event: Any,
    handle: Callable[[PubsubMessage], None],
    logger: logging.Logger,
    function: str,
    quiet: Callable[[TransientError], dict[str, Any] | None] | None = None,
) -> None:
    """Parse the CloudEvent and call `handle`, giving every message one of the three outcomes.
    `quiet` may keep a transient failure's entry back (None), or add fields to it: an outage
    is logged once a minute, not once per message."""
    message_id = ""
    try:
        msg = pubsub_message(cloud_event)
        message_id = msg.message_id
        handle(msg)
    except PoisonMessageError as exc:
        logger.error(
            "%s: dropped a message that can never succeed: %s",
            function,
            exc,
            extra=ops_event(
                Event.POISON_MESSAGE,
                function,
                function=function,
                why=str(exc),
                message_id=message_id,
            ),
        )
    except TransientError as exc:
        more = quiet(exc) if quiet is not None else {}
        if more is None:
            raise
        logger.warning(
            "%s: will retry: %s",
            function,
            exc,
            extra=ops_event(
                Event.TRANSIENT_FAILURE,
                function,
                function=function,
                why=str(exc),
                message_id=message_id,
                **more,
            ),
        )
        raise
