"""classify: give a failure its reason, log it, count it for health, alert its owner."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import TypeAdapter, ValidationError

from keywatch.core.classify import Classification, classify
from keywatch.core.counting import Group, TallyCount, bound_tally
from keywatch.core.health import unix_minute
from keywatch.core.keys import Layout
from keywatch.core.logentry import failure_entry
from keywatch.events import (
    Alert,
    FailureEvent,
    KeyRestored,
    KeyValidated,
    Source,
    SuccessTally,
    TallyBatch,
    TallyGroup,
    is_document_uid,
)
from keywatch_functions.errors import validation_why
from keywatch_functions.ports import AlertGate, AlertPublisher, Counter, LogSink
from keywatch_functions.settings import default

_GROUP: TypeAdapter[TallyGroup] = TypeAdapter(TallyGroup)
# Names the KeyRestored a success publishes, so that a redelivery publishes the same one.
_RESTORED_NS = uuid.UUID("6f1c0e2a-5b7d-4c1e-9a7f-2d3b8e4f5a61")


@dataclass(frozen=True, slots=True)
class ClassifyDeps:
    log: LogSink
    alerts: AlertPublisher
    counter: Counter
    # One alert per (uid, provider, reason, key) per `alert_window_s`: a broken key called
    # 1,000 times is one notify invocation, not 1,000. None: every failure alerts.
    gate: AlertGate | None = None
    alert_window_s: int = default("alert_window_s")
    clock: Callable[[], float] = time.time
    layout: Layout = field(default_factory=Layout)  # the Redis key names


def handle_failure(
    event: FailureEvent, deps: ClassifyDeps, at: float | None = None
) -> Classification:
    """Log first (insertId and timestamp make a redelivery show once), then count, then alert.

    Each step is idempotent on its own, so a redelivery after a crash anywhere repeats safely:
    notify deduplicates the alert. `at` is when the message was sent (`judged_at`): a failure
    dated after it is a producer's clock running fast, and is taken to have happened then.
    """
    if at is not None and event.occurred_at.timestamp() > at:
        event = event.model_copy(update={"occurred_at": datetime.fromtimestamp(at, UTC)})
    c = classify(
        event.status_code,
        event.error_type,
        event.error_code,
        event.error_message,
        provider=event.provider,
    )
    deps.log.write(failure_entry(event, c))
    deps.counter.record_failure(event, c)
    # A platform failure never notifies a user. An alert names the user's document
    # (users/{uid}): a uid that cannot name one is logged and counted, never pushed.
    uid = event.uid if event.uid and is_document_uid(event.uid) else None
    if event.source is Source.BYOK and c.user_actionable and uid:
        gate_key = deps.layout.alerted(uid, event.provider, c.reason.value, event.key_fingerprint)
        eid = str(event.event_id)
        # The claim also counts the key as failing for notify's provider-incident guard.
        claimed = deps.gate is None or deps.gate.claim(
            gate_key,
            eid,
            deps.alert_window_s,
            event.key_fingerprint,
            event.occurred_at.timestamp(),
            deps.layout.incident_bucket(
                event.provider, c.reason.value, unix_minute(event.occurred_at)
            ),
        )
        if not claimed:
            return c  # this problem was alerted within the window: notify has it
        try:
            deps.alerts.publish(
                Alert(
                    event_id=event.event_id,
                    occurred_at=event.occurred_at,
                    uid=uid,
                    source=event.source,
                    provider=event.provider,
                    model=event.model,
                    feature=event.feature,
                    key_fingerprint=event.key_fingerprint,
                    reason=c.reason.value,
                )
            )
        except Exception:
            if deps.gate is not None:
                deps.gate.release(gate_key, eid)  # the retry of this event alerts
            raise
    return c


@dataclass(frozen=True, slots=True)
class TallyOutcome:
    counted: bool  # False: this batch was counted on an earlier delivery
    groups: int  # valid groups counted
    successes: int
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (index in groups, why)
    recoveries_applied: int = 0
    recoveries_ahead: int = 0  # their failures not counted yet: applied when they are
    recoveries_mismatched: int = 0  # named a failure on another provider: skipped
    keys_restored: int = 0  # told markers and alert claims cleared by these successes
    statuses_restored: int = 0  # users' key statuses sent to notify to turn ok


def handle_tallies(batch: TallyBatch, deps: ClassifyDeps, at: float | None = None) -> TallyOutcome:
    """Count every valid group of a batch; report the invalid ones (with why) to be logged.
    A group is invalid when it breaks the contract, or claims successes after `at`, when the
    batch was sent (`bound_tally`); the others are counted all the same."""
    at = deps.clock() if at is None else at
    valid: list[TallyCount] = []
    invalid: list[tuple[int, str]] = []
    for i, raw in enumerate(batch.groups):
        try:
            g = _GROUP.validate_python(raw)
        except ValidationError as exc:
            invalid.append((i, validation_why(exc, where="group", limit=3)))
            continue
        bounded = bound_tally(
            TallyCount(
                Group(g.provider, g.model, g.key_fingerprint, g.source.value),
                tuple(sorted(g.successes_by_minute.items())),
                g.last_success_at.timestamp() if g.last_success_at else None,
                tuple(str(e) for e in g.recovered_event_ids),
            ),
            at,
        )
        if isinstance(bounded, str):
            invalid.append((i, bounded))
        else:
            valid.append(bounded)
    return _count(str(batch.batch_id), valid, invalid, deps)


def handle_tally(tally: SuccessTally, deps: ClassifyDeps, at: float | None = None) -> TallyOutcome:
    """A single-group tally (the first form of the contract): its successes in the minute of
    its window's start, as before."""
    bounded = bound_tally(
        TallyCount(
            Group(tally.provider, tally.model, tally.key_fingerprint, tally.source.value),
            ((unix_minute(tally.window_start), tally.successes),),
            tally.last_success_at.timestamp() if tally.last_success_at else None,
            tuple(str(e) for e in tally.recovered_event_ids),
        ),
        deps.clock() if at is None else at,
    )
    if isinstance(bounded, str):
        return _count(str(tally.tally_id), [], [(0, bounded)], deps)
    return _count(str(tally.tally_id), [bounded], [], deps)


def _count(
    batch_id: str, valid: list[TallyCount], invalid: list[tuple[int, str]], deps: ClassifyDeps
) -> TallyOutcome:
    result = deps.counter.record_tallies(batch_id, valid) if valid else None
    restored = statuses = 0
    if deps.gate is not None:
        # A user's key that works again: what told them it was broken is cleared, so that it
        # breaking again is told again.
        latest: dict[str, float] = {}
        models: dict[str, str] = {}
        for t in valid:
            if t.group.source == Source.BYOK.value and any(n > 0 for _, n in t.successes):
                at = t.last_success or max(m for m, _ in t.successes) * 60.0
                if at > latest.get(t.group.key_fingerprint, 0):
                    latest[t.group.key_fingerprint] = at
                    models[t.group.key_fingerprint] = t.group.model
        if latest:
            found = deps.gate.restored(latest)
            restored = found.cleared
            for owner in found.owners:
                # A status that names this key as broken turns ok: notify writes it. The id
                # is the same on a redelivery, and notify's change is idempotent anyway.
                deps.alerts.publish(
                    KeyRestored(
                        event_id=uuid.uuid5(
                            _RESTORED_NS,
                            f"{owner.fingerprint}:{owner.uid}:{owner.provider}"
                            f":{owner.failed_at:.3f}",
                        ),
                        restored_at=datetime.fromtimestamp(latest[owner.fingerprint], UTC),
                        uid=owner.uid,
                        provider=owner.provider,
                        model=models[owner.fingerprint],
                        key_fingerprint=owner.fingerprint,
                    )
                )
            if found.owners:
                deps.gate.forget_owners(found.owners)
            statuses = len(found.owners)
    return TallyOutcome(
        counted=bool(result and result.counted),
        groups=len(valid),
        successes=sum(n for t in valid for _, n in t.successes),
        invalid=invalid,
        recoveries_applied=result.recoveries_applied if result else 0,
        recoveries_ahead=result.recoveries_ahead if result else 0,
        recoveries_mismatched=result.recoveries_mismatched if result else 0,
        keys_restored=restored,
        statuses_restored=statuses,
    )


def handle_validated(event: KeyValidated, deps: ClassifyDeps) -> KeyRestored:
    """The user saved a key that validate_key passed: whatever key (uid, provider) had broken,
    the one it uses now works. notify turns the status ok (and tells them, if enabled); the
    id is the event's, so a redelivery is the same restoration."""
    restored = KeyRestored(
        event_id=event.event_id,
        restored_at=event.checked_at,
        uid=event.uid,
        provider=event.provider,
        model=event.model,
        key_fingerprint=event.key_fingerprint,
        validated=True,
    )
    deps.alerts.publish(restored)
    return restored
