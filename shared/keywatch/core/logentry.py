"""The structured log entry of one classified failure: what operators filter on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from keywatch.core.classify import Classification
from keywatch.core.opsevents import Event
from keywatch.events import FailureEvent, Source
from keywatch.scrub import scrub_message

# Fields an operator filters on, as top-level keys of jsonPayload, named the same everywhere.
LOG_FIELDS = (
    "event",
    "source",
    "provider",
    "model",
    "feature",
    "operation",
    "uid",
    "status",
    "reason",
    "user_actionable",
    "retryable",
    "error_type",
    "error_code",
    "error_message",
    "unknown_fingerprint",
    "key_fingerprint",
    "request_id",
    "attempt",
    "event_id",
    "occurred_at",
    "region",
)
# The most filtered fields are labels too (indexed, cheap to filter and to use in metrics).
LABEL_FIELDS = ("source", "provider", "reason")

# In an outage the same wording arrives thousands of times a second: scrubbing it once per
# distinct text is the cost of what changes. scrub is pure; an event's message is at most
# 2,000 characters (events.py), so the cache holds at most about 2 million characters.
_scrub_message = lru_cache(maxsize=1024)(scrub_message)


@dataclass(frozen=True, slots=True)
class LogEntry:
    severity: str
    message: str
    fields: dict[str, Any]
    labels: dict[str, str]
    insert_id: str
    # The entry's LogEntry.timestamp: the event's own time, never the time it was written.
    # Cloud Logging treats entries of one log with the same insertId *and* timestamp as
    # duplicates (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry,
    # `insertId`); without it every redelivery gets its own receive time and counts again in
    # the log-based metrics.
    timestamp: datetime | None = None


def failure_entry(event: FailureEvent, c: Classification) -> LogEntry:
    """One entry per failure. A platform failure is ours to fix (ERROR); a user's key, WARNING."""
    event_id = str(event.event_id)
    fields: dict[str, Any] = {
        "event": Event.LLM_FAILURE.value,
        "source": event.source.value,
        "provider": event.provider,
        "model": event.model,
        "feature": event.feature,
        "operation": event.operation,
        "uid": event.uid,
        "status": event.status_code,
        "reason": c.reason.value,
        "user_actionable": c.user_actionable,
        "retryable": c.retryable,
        "error_type": event.error_type,
        "error_code": event.error_code,
        # Scrubbed again here: a producer other than keywatch's reporter may not have.
        "error_message": _scrub_message(event.error_message),
        "unknown_fingerprint": c.fingerprint,
        "key_fingerprint": event.key_fingerprint,
        "request_id": event.request_id,
        "attempt": event.attempt,
        "event_id": event_id,
        "occurred_at": event.occurred_at.isoformat(),
        "region": event.region,
    }
    severity = "ERROR" if event.source is Source.PLATFORM else "WARNING"
    message = (
        f"{event.source.value} {event.provider}/{event.model} failed: {c.reason.value}"
        f" (feature={event.feature})"
    )
    labels = {name: str(fields[name]) for name in LABEL_FIELDS}
    # A redelivered event gets the same insertId and timestamp, so it is one entry.
    return LogEntry(
        severity,
        message,
        fields,
        labels,
        insert_id=f"kw-{event_id}",
        timestamp=event.occurred_at,
    )
