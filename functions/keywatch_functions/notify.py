"""notify: decode the alert (or the key restored), call the service, log its outcome; return,
or raise to retry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from keywatch.core.opsevents import Event, ops_event
from keywatch.events import Alert, KeyRestored
from keywatch_functions import bootstrap, log
from keywatch_functions.decode import PubsubMessage, decode_notify, run_pubsub
from keywatch_functions.errors import PushSenderError, TransientError, WebhookError
from keywatch_functions.ports import IncidentCheck
from keywatch_functions.service.notify import (
    NotifyDeps,
    NotifyResult,
    Outcome,
    handle_alert,
    handle_restored,
)


def notify(cloud_event: Any, deps: NotifyDeps | None = None) -> None:
    d: list[NotifyDeps] = []

    def handle(msg: PubsubMessage) -> None:
        event = decode_notify(msg.data)
        d.append(deps or bootstrap.notify_deps())
        if isinstance(event, KeyRestored):
            _log_result(handle_restored(event, d[0]), event, msg.message_id)
            return
        result = handle_alert(event, d[0])
        if result.incident is not None and result.incident.state == "opened":
            _log_incident(event.provider, event.reason, result.incident)
        _log_result(result, event, msg.message_id)

    def quiet(exc: TransientError) -> dict[str, Any] | None:
        """An FCM or webhook outage: one entry a minute per instance, with the count."""
        if not d or not isinstance(exc, PushSenderError | WebhookError):
            return {}
        kind = "fcm" if isinstance(exc, PushSenderError) else "webhook"
        kept = d[0].outage_log.allow(kind)
        if kept is None:
            return None
        return {"outage": kind, "failures_not_logged": kept}

    run_pubsub(cloud_event, handle, log.logger(), "notify", quiet)


def _log_result(result: NotifyResult, event: Alert | KeyRestored, message_id: str) -> None:
    restored = isinstance(event, KeyRestored)
    reason = "restored" if restored else getattr(event, "reason", "")
    fields: dict[str, Any] = {
        "kind": "restored" if restored else "alert",
        "outcome": result.outcome.value,
        "uid": event.uid,
        "provider": event.provider,
        "reason": reason,
        "key_fingerprint": event.key_fingerprint,
        "event_id": str(event.event_id),
        "delivered": result.delivered,
        "pruned": result.pruned,
        "failed": result.failed,
        "message_id": message_id,
    }
    if result.channels:
        fields["channels"] = result.channels
    if result.status:
        fields["key_status"] = result.status
    if result.why:
        fields["why"] = result.why
    if result.status_error:
        fields["status_error"] = result.status_error
    # A webhook that refused (4xx) or asked to be turned off (410) needs the operator.
    bad = result.outcome in (Outcome.REJECTED, Outcome.DISABLED) and result.failed
    (log.logger().error if bad else log.logger().info)(
        "notify %s: %s %s for %s (delivered %d, pruned %d)%s",
        result.outcome.value,
        event.provider,
        reason,
        event.uid,
        result.delivered,
        result.pruned,
        f": {result.why}" if result.why else "",
        extra=ops_event(Event.NOTIFY, "notify", {"outcome": result.outcome.value}, **fields),
    )


def _log_incident(provider: str, reason: str, inc: IncidentCheck) -> None:
    """One entry per incident, for the operator (docs/operations.md, "Provider incident").
    Its insertId and timestamp are the incident's, so a redelivery of the alert that opened
    it writes the same entry again, which Cloud Logging keeps once."""
    opened_at = datetime.fromtimestamp(inc.opened_minute * 60, UTC)
    log.logger().warning(
        "suspected provider incident: %d distinct %s keys failing with %s in 3 minutes"
        " (baseline %.1f a minute, threshold %d); pushes for them are held",
        inc.distinct,
        provider,
        reason,
        inc.baseline,
        inc.threshold,
        extra={
            **ops_event(
                Event.SUSPECTED_PROVIDER_INCIDENT,
                "notify",
                {"provider": provider, "reason": reason},
                # health checks it against the provider's status feed and logs
                # `provider_incident_corroborated` with the same id.
                incident_id=f"{provider}-{reason}-{inc.opened_minute}",
                provider=provider,
                reason=reason,
                distinct_keys=inc.distinct,
                baseline_per_minute=inc.baseline,
                threshold=inc.threshold,
                window_minutes=3,
                opened_at=opened_at.isoformat(),
            ),
            "insert_id": f"kw-incident-{provider}-{reason}-{inc.opened_minute}",
            "timestamp": opened_at,
        },
    )
