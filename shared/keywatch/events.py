"""The event contract between the backend and the keywatch functions (schema version 1).

Consumers ignore fields they do not know, so producers may add fields without a version bump;
removing or changing the meaning of a field needs a new `schema_version`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from keywatch.fingerprint import is_fingerprint

SCHEMA_VERSION: Literal[1] = 1
# The longest error message an event carries: the reporter scrubs and cuts to it.
MAX_MESSAGE_CHARS = 2000


class Source(StrEnum):
    """Whose key made the call: the platform's own, or one the user brought."""

    PLATFORM = "platform"
    BYOK = "byok"


class EventType(StrEnum):
    FAILURE = "failure"
    TALLY = "tally"
    TALLIES = "tallies"
    ALERT = "alert"


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _lower(value: str) -> str:
    return value.strip().lower()


def _fingerprint(value: str) -> str:
    if not is_fingerprint(value):
        raise ValueError("key_fingerprint must look like kf_ followed by 16 hex digits")
    return value


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_utc)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_lower)]
Label = Annotated[str, Field(min_length=1, max_length=200)]
Fingerprint = Annotated[str, AfterValidator(_fingerprint)]


class _Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: Literal[1] = SCHEMA_VERSION


class FailureEvent(_Event):
    """One failed attempt of an LLM call."""

    type: Literal[EventType.FAILURE] = EventType.FAILURE
    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    occurred_at: UtcDatetime = Field(default_factory=lambda: datetime.now(UTC))
    request_id: Label
    attempt: int = Field(default=1, ge=1, le=1000)
    uid: Label | None = None
    source: Source
    provider: Name
    model: Label
    feature: Label = "unknown"
    operation: Label = "chat"
    key_fingerprint: Fingerprint
    region: Label | None = None
    status_code: int | None = Field(default=None, ge=100, le=599)
    error_type: Label | None = None
    error_code: Label | None = None
    error_message: str | None = Field(default=None, max_length=MAX_MESSAGE_CHARS)
    will_retry: bool | None = None  # the backend will retry this request
    max_attempts: int | None = Field(default=None, ge=1, le=1000)  # its retry budget, if known


class SuccessTally(_Event):
    """Successful calls counted in process over [window_start, window_end), per key and model.

    `recovered_event_ids` names earlier failed attempts that a retry on the same provider
    recovered within their request, so health does not count them against the provider.
    """

    type: Literal[EventType.TALLY] = EventType.TALLY
    tally_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    window_start: UtcDatetime
    window_end: UtcDatetime
    source: Source
    provider: Name
    model: Label
    key_fingerprint: Fingerprint
    successes: int = Field(ge=0, le=10_000_000)
    # When the window's last success happened. Without it, consumers assume window_start (the
    # safe side: a later failure is then taken to follow the last success).
    last_success_at: UtcDatetime | None = None
    recovered_event_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10_000)


MAX_RECOVERED_PER_GROUP = 2_000


class TallyGroup(BaseModel):
    """One group of a `tallies` batch: a key on a model, its successes per minute."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    source: Source
    provider: Name
    model: Label
    key_fingerprint: Fingerprint
    # Unix minute (seconds since the epoch // 60, UTC) -> successful calls in that minute.
    successes_by_minute: dict[int, Annotated[int, Field(ge=0, le=10_000_000)]] = Field(
        default_factory=dict, max_length=1_440
    )
    last_success_at: UtcDatetime | None = None
    recovered_event_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=MAX_RECOVERED_PER_GROUP
    )


class TallyBatch(_Event):
    """Every group one backend process counted since its last flush, in one message (or a few:
    a flush is split by bytes below the 64 KiB classify accepts).

    `groups` is validated one group at a time by the consumer, so one bad group is logged and
    dropped while the others are counted. A group may appear in several parts of a flush: its
    recovered ids split across them, its successes in the first.
    """

    type: Literal[EventType.TALLIES] = EventType.TALLIES
    batch_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    window_start: UtcDatetime
    window_end: UtcDatetime
    groups: list[dict[str, object]] = Field(max_length=5_000)


class Alert(_Event):
    """A user-actionable failure of a user's own key, sent from classify to notify."""

    type: Literal[EventType.ALERT] = EventType.ALERT
    event_id: uuid.UUID
    occurred_at: UtcDatetime
    uid: Label
    source: Source
    provider: Name
    model: Label
    feature: Label = "unknown"
    key_fingerprint: Fingerprint
    reason: Label
