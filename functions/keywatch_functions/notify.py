"""notify: decode the alert, call the service, log its outcome; return, or raise to retry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from keywatch_functions import bootstrap, log
from keywatch_functions.decode import PubsubMessage, decode_alert, run_pubsub
from keywatch_functions.ports import IncidentCheck
from keywatch_functions.service.notify import NotifyDeps, handle_alert


def notify(cloud_event: Any, deps: NotifyDeps | None = None) -> None:
    def handle(msg: PubsubMessage) -> None:
        alert = decode_alert(msg.data)
        result = handle_alert(alert, deps or bootstrap.notify_deps())
        if result.incident is not None and result.incident.state == "opened":
            _log_incident(alert.provider, alert.reason, result.incident)
        log.logger().info(
            "notify %s: %s %s for %s (delivered %d, pruned %d)",
            result.outcome.value,
            alert.provider,
            alert.reason,
            alert.uid,
            result.delivered,
            result.pruned,
            extra={
                "json_fields": {
                    "event": "notify",
                    "outcome": result.outcome.value,
                    "uid": alert.uid,
                    "provider": alert.provider,
                    "reason": alert.reason,
                    "key_fingerprint": alert.key_fingerprint,
                    "event_id": str(alert.event_id),
                    "delivered": result.delivered,
                    "pruned": result.pruned,
                    "failed": result.failed,
                    "message_id": msg.message_id,
                },
                "labels": {"function": "notify", "outcome": result.outcome.value},
            },
        )

    run_pubsub(cloud_event, handle, log.logger(), "notify")


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
            "json_fields": {
                "event": "suspected_provider_incident",
                "provider": provider,
                "reason": reason,
                "distinct_keys": inc.distinct,
                "baseline_per_minute": inc.baseline,
                "threshold": inc.threshold,
                "window_minutes": 3,
                "opened_at": opened_at.isoformat(),
            },
            "labels": {"function": "notify", "provider": provider, "reason": reason},
            "insert_id": f"kw-incident-{provider}-{reason}-{inc.opened_minute}",
            "timestamp": opened_at,
        },
    )
