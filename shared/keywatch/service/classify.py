"""classify: give a failure its reason, log it, record it for health, alert its owner."""

from __future__ import annotations

from dataclasses import dataclass

from keywatch.core.classify import Classification, classify
from keywatch.core.logentry import failure_entry
from keywatch.events import Alert, FailureEvent, Source, SuccessTally
from keywatch.ports import AlertPublisher, HealthRecorder, LogSink


@dataclass(frozen=True, slots=True)
class ClassifyDeps:
    log: LogSink
    alerts: AlertPublisher
    health: HealthRecorder


def handle_failure(event: FailureEvent, deps: ClassifyDeps) -> Classification:
    """Log first (the insertId makes a redelivery show once), then record, then alert.

    Each step is idempotent on its own, so a redelivery after a crash anywhere repeats safely:
    notify deduplicates the alert.
    """
    c = classify(
        event.status_code,
        event.error_type,
        event.error_code,
        event.error_message,
        provider=event.provider,
    )
    deps.log.write(failure_entry(event, c))
    deps.health.record_failure(event, c)
    # A platform failure never notifies a user.
    if event.source is Source.BYOK and c.user_actionable and event.uid:
        deps.alerts.publish(
            Alert(
                event_id=event.event_id,
                occurred_at=event.occurred_at,
                uid=event.uid,
                source=event.source,
                provider=event.provider,
                model=event.model,
                feature=event.feature,
                key_fingerprint=event.key_fingerprint,
                reason=c.reason.value,
            )
        )
    return c


def handle_tally(tally: SuccessTally, deps: ClassifyDeps) -> bool:
    """Record a success tally for health. False when it was already counted."""
    return deps.health.record_tally(tally)
