"""classify: decode the event, call the service, log the tally; return, or raise to retry.

A failure is classified, logged, counted and, for a user-actionable BYOK key, alerted on
(service/classify.py); a tally of successes is counted. Poison is logged and acknowledged.
"""

from __future__ import annotations

from typing import Any

from keywatch.core.counting import judged_at
from keywatch.core.opsevents import Event, ops_event
from keywatch.events import FailureEvent, KeyValidated, SuccessTally
from keywatch_functions import bootstrap, log
from keywatch_functions.decode import PubsubMessage, decode_ingest, run_pubsub, sent_at
from keywatch_functions.service.classify import (
    ClassifyDeps,
    TallyOutcome,
    handle_failure,
    handle_tallies,
    handle_tally,
    handle_validated,
)


def classify(cloud_event: Any, deps: ClassifyDeps | None = None) -> None:
    def handle(msg: PubsubMessage) -> None:
        event = decode_ingest(msg.data)
        d = deps or bootstrap.classify_deps()
        # Producers' times are judged against when the message was sent, never later than now.
        at = judged_at(sent_at(msg), d.clock())
        if isinstance(event, FailureEvent):
            handle_failure(event, d, at)
        elif isinstance(event, KeyValidated):
            handle_validated(event, d)
            log.logger().info(
                "classify: %s key of %s validated",
                event.provider,
                event.uid,
                extra=ops_event(
                    Event.KEY_VALIDATED,
                    "classify",
                    uid=event.uid,
                    provider=event.provider,
                    key_fingerprint=event.key_fingerprint,
                    event_id=str(event.event_id),
                    message_id=msg.message_id,
                ),
            )
        elif isinstance(event, SuccessTally):
            _log_tally(handle_tally(event, d, at), str(event.tally_id), msg.message_id)
        else:
            _log_tally(handle_tallies(event, d, at), str(event.batch_id), msg.message_id)

    run_pubsub(cloud_event, handle, log.logger(), "classify")


def _log_tally(out: TallyOutcome, batch_id: str, message_id: str) -> None:
    """One entry per tally message; ERROR when some of its groups were invalid (dropped)."""
    fields = {
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
        "statuses_restored": out.statuses_restored,
    }
    if out.invalid:
        log.logger().error(
            "classify: counted %d tally groups, dropped %d invalid ones: %s",
            out.groups,
            len(out.invalid),
            "; ".join(f"group {i}: {why}" for i, why in out.invalid[:5]),
            extra=ops_event(
                Event.TALLY,
                "classify",
                **fields,
                invalid=[f"{i}: {w}" for i, w in out.invalid[:20]],
            ),
        )
        return
    log.logger().info(
        "classify: tally of %d groups (%d successes)%s",
        out.groups,
        out.successes,
        "" if out.counted else ", counted before",
        extra=ops_event(Event.TALLY, "classify", **fields),
    )
