"""The three Pub/Sub-triggered functions: parse, call one service function, return or raise.

`functions/main.py` binds these to functions-framework; tests call them with fakes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from keywatch_functions import bootstrap
from keywatch_functions.decode import PubsubMessage, decode_alert, decode_ingest, run_pubsub
from keywatch.events import FailureEvent, SuccessTally
from keywatch_functions.ports import IncidentCheck
from keywatch_functions.service.classify import (
    ClassifyDeps,
    TallyOutcome,
    handle_failure,
    handle_tallies,
    handle_tally,
)
from keywatch_functions.service.health import HealthDeps, run_health
from keywatch_functions.service.notify import NotifyDeps, handle_alert


def _logger() -> logging.Logger:
    from keywatch_functions.adapters.cloud_logging import structured_logger

    return structured_logger()


def classify(cloud_event: Any, deps: ClassifyDeps | None = None) -> None:
    def handle(msg: PubsubMessage) -> None:
        event = decode_ingest(msg.data)
        d = deps or bootstrap.classify_deps()
        if isinstance(event, FailureEvent):
            handle_failure(event, d)
        elif isinstance(event, SuccessTally):
            _log_tally(handle_tally(event, d), str(event.tally_id), msg.message_id)
        else:
            _log_tally(handle_tallies(event, d), str(event.batch_id), msg.message_id)

    run_pubsub(cloud_event, handle, _logger(), "classify")


def _log_tally(out: TallyOutcome, batch_id: str, message_id: str) -> None:
    """One entry per tally message; ERROR when some of its groups were invalid (dropped)."""
    fields = {
        "event": "tally",
        "batch_id": batch_id,
        "message_id": message_id,
        "counted": out.counted,
        "groups": out.groups,
        "successes": out.successes,
        "invalid_groups": len(out.invalid),
        "recoveries_applied": out.recoveries_applied,
        "recoveries_ahead": out.recoveries_ahead,
        "recoveries_mismatched": out.recoveries_mismatched,
        "keys_restored": out.keys_restored,
    }
    if out.invalid:
        _logger().error(
            "classify: counted %d tally groups, dropped %d invalid ones: %s",
            out.groups,
            len(out.invalid),
            "; ".join(f"group {i}: {why}" for i, why in out.invalid[:5]),
            extra={
                "json_fields": {**fields, "invalid": [f"{i}: {w}" for i, w in out.invalid[:20]]},
                "labels": {"function": "classify"},
            },
        )
        return
    _logger().info(
        "classify: tally of %d groups (%d successes)%s",
        out.groups,
        out.successes,
        "" if out.counted else ", counted before",
        extra={"json_fields": fields, "labels": {"function": "classify"}},
    )


def notify(cloud_event: Any, deps: NotifyDeps | None = None) -> None:
    def handle(msg: PubsubMessage) -> None:
        alert = decode_alert(msg.data)
        result = handle_alert(alert, deps or bootstrap.notify_deps())
        if result.incident is not None and result.incident.state == "opened":
            _log_incident(alert.provider, alert.reason, result.incident)
        _logger().info(
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

    run_pubsub(cloud_event, handle, _logger(), "notify")


def _log_incident(provider: str, reason: str, inc: IncidentCheck) -> None:
    """One entry per incident, for the operator (docs/operations.md, "Provider incident").
    Its insertId and timestamp are the incident's, so a redelivery of the alert that opened
    it writes the same entry again, which Cloud Logging keeps once."""
    opened_at = datetime.fromtimestamp(inc.opened_minute * 60, UTC)
    _logger().warning(
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


def health(cloud_event: Any, deps: HealthDeps | None = None) -> None:
    def handle(msg: PubsubMessage) -> None:
        # The tick's publish time is the moment computed for, so a redelivered tick writes the
        # same documents as the first delivery did.
        now = _tick_time(msg.publish_time)
        r = run_health(now, deps or bootstrap.health_deps())
        _logger().info(
            "health %s: wrote %d documents, deleted %d, %d unchanged, as of %s",
            r.outcome,
            r.written,
            r.deleted,
            r.unchanged,
            now.isoformat(),
            extra={
                "json_fields": {
                    "event": "health_run",
                    "outcome": r.outcome,
                    "written": r.written,
                    "deleted": r.deleted,
                    "unchanged": r.unchanged,
                    "keys": r.keys,
                    "rollups": r.rollups,
                    "left_due": r.left_due,
                    "counted_since": r.counted_since,
                    "as_of": now.isoformat(),
                },
                "labels": {"function": "health"},
            },
        )

    run_pubsub(cloud_event, handle, _logger(), "health")


def _tick_time(publish_time: str | None) -> datetime:
    if publish_time:
        try:
            return datetime.fromisoformat(publish_time.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            pass
    return datetime.now(UTC)
