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
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
)
from pydantic_core import PydanticCustomError

from keywatch.fingerprint import is_fingerprint
from keywatch.scrub import REDACTED, looks_bare_key, looks_random, looks_secret, nfkc, scrub

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
    KEY_VALIDATED = "key_validated"
    KEY_RESTORED = "key_restored"


# Every field is untrusted: a producer other than keywatch's reporter may put anything in any
# of them. The rules below run when any event is validated (the reporter's and the functions'
# decode alike), so what passes them is what every consumer may rely on:
# - text is NFKC-normalised without invisible format characters, and names hold no control
#   character (a key split over two lines is one line here, or refused);
# - a name that becomes an identifier (provider, model, an alert's uid: Redis keys, Firestore
#   document ids, a push's data) and holds anything key-shaped is refused: the event is poison;
# - free labels (feature, operation, region, ids, error type and code) are scrubbed, and a code
#   or label that is wholly a random token (a bare key, 32 hex digits) is replaced;
# - times lie within [EARLIEST, LATEST); the functions bound them by their own clock too
#   (keywatch.core.counting: judged_at, bound_tally).
# Each kind of name is one validator after pydantic's own (Rust) string check, and remembers the
# values it judged: names and labels repeat (a provider, a handful of models and features), so
# each distinct value is judged once per process. A cache holds at most 4,096 values of at most
# 200 characters. Request ids, distinct by design, are judged afresh.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PROVIDER = re.compile(r"[a-z0-9][a-z0-9._:+-]{0,63}")
MAX_NAME_CHARS = 200


def _text(value: str, limit: int = MAX_NAME_CHARS) -> str:
    value = nfkc(value)
    if not value:
        raise PydanticCustomError("string_too_short", "empty")
    if len(value) > limit:
        raise PydanticCustomError("string_too_long", "over {limit} characters", {"limit": limit})
    return value


def _one_line(value: str) -> str:
    if CONTROL_CHARS.search(value):
        raise PydanticCustomError("control_character", "holds a control character")
    return value


def _not_secret(value: str) -> str:
    if looks_secret(value):
        raise PydanticCustomError("key_shaped", "holds something shaped like a key")
    return value


def _not_bare_key(value: str) -> str:
    # A name that is one unbroken random token (32 hex digits: an Azure OpenAI key) cannot be
    # told from a bare key. A model named by a bare hash (a Replicate version without its
    # `owner/name:`) is refused with it: report the full name.
    if looks_bare_key(value):
        raise PydanticCustomError("key_shaped", "is wholly a random token, like a bare key")
    return value


@lru_cache(maxsize=4096)
def _provider(value: str) -> str:
    # Judged as sent, then lower-cased: some key prefixes (`AIza`, `AKIA`) are case-sensitive.
    sent = _not_bare_key(_not_secret(_text(value)))
    value = sent.strip().lower()
    if _PROVIDER.fullmatch(value) is None:
        raise PydanticCustomError(
            "provider_name", "not a provider name (a-z, 0-9, . _ : + -, at most 64)"
        )
    return value


@lru_cache(maxsize=4096)
def _ident(value: str) -> str:
    return _not_bare_key(_not_secret(_one_line(_text(value))))


def _scrubbed(value: str) -> str:
    return scrub(_one_line(_text(value)), MAX_NAME_CHARS) or ""


_label = lru_cache(maxsize=4096)(_scrubbed)


@lru_cache(maxsize=4096)
def _code(value: str) -> str:
    value = _scrubbed(value)
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


@lru_cache(maxsize=4096)
def _uid(value: str) -> str:
    value = _text(value, MAX_UID_CHARS)
    if not is_document_uid(value):
        raise PydanticCustomError("uid_path", "cannot name a user's document")
    return _not_secret(value)


def _utc(value: datetime) -> datetime:
    try:
        value = value.astimezone(UTC)  # year 1 at +14:00 is before datetime's own range
    except OverflowError:
        raise PydanticCustomError("time_out_of_range", "outside the years 2000 to 2199") from None
    if not EARLIEST <= value < LATEST:
        raise PydanticCustomError("time_out_of_range", "outside the years 2000 to 2199")
    return value


def _fingerprint(value: str) -> str:
    if not is_fingerprint(value):
        raise ValueError("key_fingerprint must look like kf_ followed by 16 hex digits")
    return value


def _schema(limit: int = MAX_NAME_CHARS) -> Any:
    """The bounds the validators enforce, for the JSON Schema files."""
    return Field(json_schema_extra={"minLength": 1, "maxLength": limit})


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_utc)]
# A provider: lowercase, a short name of a fixed alphabet (it is a Redis key and a document id).
Name = Annotated[str, AfterValidator(_provider), _schema(64)]
# A name that becomes an identifier (a model: a Redis field, a document id, a push's data).
Ident = Annotated[str, AfterValidator(_ident), _schema()]
# A free label, logged: scrubbed, never refused for what it holds.
Label = Annotated[str, AfterValidator(_label), _schema()]
# An id, distinct by design: scrubbed like a label, not remembered.
RequestId = Annotated[str, AfterValidator(_scrubbed), _schema()]
# A code or a short label that is never random: a wholly random value is taken for a key.
Code = Annotated[str, AfterValidator(_code), _schema()]
# The user's document: users/{uid}.
Uid = Annotated[str, AfterValidator(_uid), _schema(MAX_UID_CHARS)]
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
    request_id: RequestId
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


class KeyValidated(_Event):
    """A user's key passed `keywatch.validate_key` (the app's "save key" screen): the key that
    (uid, provider) uses now works. Sent by the backend to the events topic."""

    type: Literal[EventType.KEY_VALIDATED] = EventType.KEY_VALIDATED
    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    checked_at: UtcDatetime = Field(default_factory=lambda: datetime.now(UTC))
    uid: Uid
    provider: Name
    model: Ident = "validate_key"
    key_fingerprint: Fingerprint


class KeyRestored(_Event):
    """A key that was broken for (uid, provider) works again, sent from classify to notify: a
    success of that very key arrived (`validated` False), or the user saved a key that
    `validate_key` passed (`validated` True, and the fingerprint is the new key's)."""

    type: Literal[EventType.KEY_RESTORED] = EventType.KEY_RESTORED
    event_id: uuid.UUID
    restored_at: UtcDatetime
    uid: Uid
    provider: Name
    model: Ident = "validate_key"
    key_fingerprint: Fingerprint
    validated: bool = False


# Field names and event types: the only strings an error's location may show. A location also
# holds dict keys (a tally's minutes), which are the producer's text and may be a key.
_NAMES = frozenset(
    name
    for model in (
        FailureEvent,
        SuccessTally,
        TallyGroup,
        TallyBatch,
        Alert,
        KeyValidated,
        KeyRestored,
    )
    for name in model.model_fields
) | frozenset(e.value for e in EventType)


def error_location(loc: tuple[int | str, ...]) -> str:
    """Where a validation error is, without anything the producer wrote: indices and field
    names as they are, any other part (a dict's key) as `[key]`."""
    return ".".join(str(p) if isinstance(p, int) or p in _NAMES else "[key]" for p in loc)
