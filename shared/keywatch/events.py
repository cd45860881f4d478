"""The event contract between the backend and the keywatch functions (schema version 1).

Consumers ignore fields they do not know, so producers may add fields without a version bump;
removing or changing the meaning of a field needs a new `schema_version`.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)
from pydantic_core import PydanticCustomError

from keywatch.fingerprint import is_fingerprint
from keywatch.scrub import REDACTED, looks_random, looks_secret, nfkc, scrub

SCHEMA_VERSION: Literal[1] = 1
# The longest error message an event carries: the reporter scrubs and cuts to it.
MAX_MESSAGE_CHARS = 2000
# Every time in an event lies in these years: anything else is a broken clock or a forgery,
# and far enough from the edges of `datetime` that arithmetic on it never overflows.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
# Unix minutes of those years: a tally's minute is a number a Lua script turns into an hour.
MIN_MINUTE = int(EARLIEST.timestamp()) // 60
MAX_MINUTE = int(LATEST.timestamp()) // 60
# A Firebase Auth uid is at most 128 characters
# (https://firebase.google.com/docs/auth/admin/manage-users#create_a_user).
MAX_UID_CHARS = 128


class Source(StrEnum):
    """Whose key made the call: the platform's own, or one the user brought."""

    PLATFORM = "platform"
    BYOK = "byok"


class EventType(StrEnum):
    FAILURE = "failure"
    TALLY = "tally"
    TALLIES = "tallies"
    ALERT = "alert"


# Every field is untrusted: a producer other than keywatch's reporter may put anything in any
# of them. The rules below run when any event is validated (the reporter's and the functions'
# decode alike), so what passes them is what every consumer may rely on:
# - text is NFKC-normalised without invisible format characters, and names hold no control
#   character (a key split over two lines is one line here, or refused);
# - a name that becomes an identifier (provider, model, uid: Redis keys, Firestore document
#   ids, a push's data) and holds anything key-shaped is refused: the event is poison;
# - free labels (feature, operation, region, ids, error type and code) are scrubbed, and a code
#   or label that is wholly a random token (a bare key, 32 hex digits) is replaced;
# - times lie within [EARLIEST, LATEST); the functions clamp them to their own clock too
#   (keywatch.core.boundary).
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PROVIDER = re.compile(r"[a-z0-9][a-z0-9._:+-]{0,63}")


def _nfkc(value: object) -> object:
    return nfkc(value) if isinstance(value, str) else value


def _no_control(value: str) -> str:
    if CONTROL_CHARS.search(value):
        raise PydanticCustomError("control_character", "holds a control character")
    return value


def _utc(value: datetime) -> datetime:
    value = value.astimezone(UTC)
    if not EARLIEST <= value < LATEST:
        raise PydanticCustomError("time_out_of_range", "outside the years 2000 to 2199")
    return value


def _lower(value: str) -> str:
    return value.strip().lower()


def _provider(value: str) -> str:
    if _PROVIDER.fullmatch(value) is None:
        raise PydanticCustomError(
            "provider_name", "not a provider name (a-z, 0-9, . _ : + -, at most 64)"
        )
    return value


# Names and labels repeat (a provider, a handful of models and features): each distinct value
# is judged once per process. The caches hold at most 4,096 values of 200 characters or so.
@lru_cache(maxsize=4096)
def _key_shaped(value: str) -> bool:
    return looks_secret(value)


def _not_secret(value: str) -> str:
    if _key_shaped(value):
        raise PydanticCustomError("key_shaped", "holds something shaped like a key")
    return value


@lru_cache(maxsize=4096)
def _scrubbed(value: str) -> str:
    return scrub(value, 200) or ""


@lru_cache(maxsize=4096)
def _not_random(value: str) -> str:
    return REDACTED if looks_random(value) else value


def is_document_uid(value: str) -> bool:
    """Whether `value` can name the user's Firestore document (users/{uid}): at most 128
    characters, no slash or control character, not `.` or `..`, not `__x__`
    (https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields)."""
    return not (
        len(value) > MAX_UID_CHARS
        or "/" in value
        or value in {".", ".."}
        or (value.startswith("__") and value.endswith("__"))
        or CONTROL_CHARS.search(value)
    )


def _uid(value: str) -> str:
    if not is_document_uid(value):
        raise PydanticCustomError("uid_path", "cannot name a user's document")
    return value


def _fingerprint(value: str) -> str:
    if not is_fingerprint(value):
        raise ValueError("key_fingerprint must look like kf_ followed by 16 hex digits")
    return value


_Text = Annotated[str, BeforeValidator(_nfkc), Field(min_length=1, max_length=200)]
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_utc)]
# A provider: lowercase, a short name of a fixed alphabet (it is a Redis key and a document id).
Name = Annotated[
    _Text, AfterValidator(_lower), AfterValidator(_provider), AfterValidator(_not_secret)
]
# A name that becomes an identifier (a model: a Redis field, a document id, a push's data).
Ident = Annotated[_Text, AfterValidator(_no_control), AfterValidator(_not_secret)]
# A free label or id, logged: scrubbed, never refused for what it holds.
Label = Annotated[_Text, AfterValidator(_no_control), AfterValidator(_scrubbed)]
# A code or a short label that is never random: a wholly random value is taken for a key.
Code = Annotated[Label, AfterValidator(_not_random)]
Uid = Annotated[
    str,
    BeforeValidator(_nfkc),
    Field(min_length=1, max_length=MAX_UID_CHARS),
    AfterValidator(_no_control),
    AfterValidator(_uid),
    AfterValidator(_not_secret),
]
Fingerprint = Annotated[str, AfterValidator(_fingerprint)]
Minute = Annotated[int, Field(ge=MIN_MINUTE, lt=MAX_MINUTE)]


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
    # Logged and counted as it is; an alert needs one that can name a document (Alert.uid).
    uid: Label | None = None
    source: Source
    provider: Name
    model: Ident
    feature: Code = "unknown"
    operation: Code = "chat"
    key_fingerprint: Fingerprint
    region: Code | None = None
    status_code: int | None = Field(default=None, ge=100, le=599)
    error_type: Code | None = None
    error_code: Code | None = None
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
    model: Ident
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
    model: Ident
    key_fingerprint: Fingerprint
    # Unix minute (seconds since the epoch // 60, UTC) -> successful calls in that minute.
    successes_by_minute: dict[Minute, Annotated[int, Field(ge=0, le=10_000_000)]] = Field(
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
    uid: Uid
    source: Source
    provider: Name
    model: Ident
    feature: Code = "unknown"
    key_fingerprint: Fingerprint
    reason: Code
