"""health: the Scheduler's tick, decoded to its time; run the health service; log the run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from keywatch_functions import bootstrap, log
from keywatch_functions.decode import PubsubMessage, run_pubsub
from keywatch_functions.service.health import HealthDeps, run_health


def health(cloud_event: Any, deps: HealthDeps | None = None) -> None:
    def handle(msg: PubsubMessage) -> None:
        # The tick's publish time is the moment computed for, so a redelivered tick writes the
        # same documents as the first delivery did.
        now = _tick_time(msg.publish_time)
        r = run_health(now, deps or bootstrap.health_deps())
        log.logger().info(
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

    run_pubsub(cloud_event, handle, log.logger(), "health")


def _tick_time(publish_time: str | None) -> datetime:
    if publish_time:
        try:
            return datetime.fromisoformat(publish_time.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            pass
    return datetime.now(UTC)
