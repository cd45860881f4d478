"""health: the Scheduler's tick, decoded to its time; run the health service; log the run."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from keywatch.core.counting import judged_at
from keywatch.core.opsevents import Event, ops_event
from keywatch_functions import bootstrap, log
from keywatch_functions.decode import PubsubMessage, run_pubsub, sent_at
from keywatch_functions.service.health import HealthDeps, run_health

_SAID = {True: "confirmed", False: "not confirmed"}


def health(cloud_event: Any, deps: HealthDeps | None = None) -> None:
    def handle(msg: PubsubMessage) -> None:
        # The tick's publish time is the moment computed for, so a redelivered tick writes the
        # same documents as the first delivery did; never later than this instance's clock, so
        # a forged or skewed tick cannot date documents (or the run's high-water mark) ahead.
        d = deps or bootstrap.health_deps()
        now = datetime.fromtimestamp(judged_at(sent_at(msg), d.clock()), UTC)
        t0 = time.monotonic()
        r = run_health(now, d)
        took_ms = round((time.monotonic() - t0) * 1000, 1)
        log.logger().info(
            "health %s: wrote %d documents, deleted %d, %d unchanged, %d waiting, as of %s",
            r.outcome,
            r.written,
            r.deleted,
            r.unchanged,
            r.waiting,
            now.isoformat(),
            extra=ops_event(
                Event.HEALTH_RUN,
                "health",
                outcome=r.outcome,
                written=r.written,
                deleted=r.deleted,
                unchanged=r.unchanged,
                waiting=r.waiting,
                keys=r.keys,
                series=r.series,
                rollups=r.rollups,
                left_due=r.left_due,
                rejected=len(r.rejected),
                counted_since=r.counted_since,
                as_of=now.isoformat(),
                duration_ms=took_ms,
                sli_series=r.sli_series,
                incidents=r.incidents,
                **({"sli_error": r.sli_error} if r.sli_error else {}),
            ),
        )

        for c in r.corroborations:
            # The suspected incident notify logged (`suspected_provider_incident`, same
            # `incident_id`), checked against the provider's own status feed.
            log.logger().warning(
                "suspected %s incident (%s) %s by the provider's status feed%s",
                c["provider"],
                c["reason"],
                {True: "confirmed", False: "not confirmed"}.get(
                    c["confirmed_by_provider"], "not checked"
                ),
                f": {c['provider_title']}" if c.get("provider_title") else "",
                extra=ops_event(
                    Event.PROVIDER_INCIDENT_CORROBORATED,
                    "health",
                    {"provider": c["provider"]},
                    incident_id=c["id"],
                    **{k: v for k, v in c.items() if k not in ("id", "expire_at")},
                ),
            )
        if r.rejected:
            # One entry per run: the documents Firestore refused for good, skipped so that they
            # never stop the others (a name or size over its limits).
            log.logger().error(
                "health: Firestore refused %d documents for good; the others were written: %s",
                len(r.rejected),
                "; ".join(f"{path}: {why}" for path, why in r.rejected[:5]),
                extra=ops_event(
                    Event.HEALTH_DOCUMENTS_REJECTED,
                    "health",
                    rejected=[f"{path}: {why}" for path, why in r.rejected[:50]],
                    count=len(r.rejected),
                    as_of=now.isoformat(),
                ),
            )

    run_pubsub(cloud_event, handle, log.logger(), "health")
