"""The catalogue of operational log events, and the one way an entry point writes one.

Each entry's `jsonPayload.event` is one of these names. The names are a contract: the
log-based metrics and alerts of `infra/monitoring.tf`, the queries of docs/operations.md and
the demo filter on them (tests/infra checks that every name they use is here). The fields an
operator filters on are top-level keys of jsonPayload, named as in `logentry.LOG_FIELDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class Event(StrEnum):
    # classify
    LLM_FAILURE = "llm_failure"  # one classified failure (logentry.failure_entry)
    TALLY = "tally"  # one tally message counted (ERROR when some groups were dropped)
    KEY_VALIDATED = "key_validated"  # a key check on save passed: its user's status turns ok
    # notify
    NOTIFY = "notify"  # one alert or restoration: pushed, skipped, duplicate, capped, held...
    SUSPECTED_PROVIDER_INCIDENT = "suspected_provider_incident"  # the guard opened one
    # health
    HEALTH_RUN = "health_run"  # one run: documents written, waiting, left due
    PROVIDER_INCIDENT_CORROBORATED = "provider_incident_corroborated"  # the feed's answer
    HEALTH_DOCUMENTS_REJECTED = "health_documents_rejected"  # refused by Firestore for good
    # any function
    POISON_MESSAGE = "poison_message"  # can never succeed: logged and acknowledged
    TRANSIENT_FAILURE = "transient_failure"  # a dependency failed: Pub/Sub redelivers
    # the status page
    STATUS_PAGE_UNAVAILABLE = "status_page_unavailable"  # Firestore did not answer: 503
    # the backend's library (its own process's logs)
    KEYWATCH_REPORTER = "keywatch_reporter"  # the reporter dropped or buffered reports
    KEYWATCH_VALIDATE_KEY = "keywatch_validate_key"  # keywatch.validate_key's verdict


def ops_event(
    name: Event,
    function: str | None = None,
    labels: Mapping[str, str] | None = None,
    /,
    **fields: Any,
) -> dict[str, Any]:
    """The `extra` of a logging call (StructuredLogHandler): `name` and `fields` as top-level
    keys of jsonPayload; `function` (the Cloud Function writing it) and `labels` as labels."""
    out: dict[str, Any] = {"json_fields": {"event": name.value, **fields}}
    if function is not None or labels:
        out["labels"] = {**({"function": function} if function else {}), **(labels or {})}
    return out


__all__ = ["Event", "ops_event"]
