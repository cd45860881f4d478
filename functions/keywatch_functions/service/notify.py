"""notify: push a user whose own key broke, once per dedup window, never muted by accident."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from keywatch.core.health import unix_minute
from keywatch.core.keys import Layout
from keywatch.core.keystatus import (
    REMEDIES,
    KeyStatus,
    Restoration,
    after_failure,
    after_restore,
    after_told,
)
from keywatch.core.notify import (
    Push,
    compose,
    compose_restored,
    should_notify,
    webhook_id,
)
from keywatch.events import Alert, KeyRestored
from keywatch_functions.errors import (
    AlertInFlightError,
    KeyStatusStoreError,
    PushSenderError,
    TransientError,
    WebhookError,
)
from keywatch_functions.ports import (
    DedupLock,
    DeviceToken,
    IncidentCheck,
    IncidentGuard,
    KeyOwner,
    KeyStatusStore,
    PushSender,
    TokenStore,
    WebhookSender,
)
from keywatch_functions.settings import default
from keywatch_functions.settings import pending_ttl_s as pending_ttl

# A 410 Gone turns the webhook off for this long, unless an operator turns it on sooner
# (docs/webhook.md): long enough that a decommissioned endpoint costs nothing, short enough
# that a forgotten flag does not silence the app for good.
WEBHOOK_GONE_TTL_S = 30 * 24 * 3600


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # not a user-actionable BYOK failure with a uid
    DUPLICATE = "duplicate"  # already told within the dedup window
    CAPPED = "capped"  # the user's daily cap is reached
    NO_TOKENS = "no_tokens"
    NO_LIVE_TOKENS = "no_live_tokens"
    STALE = "stale"  # older than alert_max_age_s: acknowledged, not pushed
    HELD_INCIDENT = "held_incident"  # its provider and reason are in a suspected incident
    REJECTED = "rejected"  # the webhook answered 4xx (not 410): dropped for this delivery
    DISABLED = "endpoint_disabled"  # the webhook answered 410 Gone, now or before
    RESTORED = "restored"  # a key works again: its status is ok (and told so, if enabled)
    UNCHANGED = "unchanged"  # a restoration that changed nothing (already ok, or failed since)


class OutageLog:
    """Says when a failed attempt of an outage (FCM, or the webhook, down) is logged: the
    first, then one a `interval_s` with how many failed since, so that an outage costs a log
    line a minute, not one per alert (README, "Every wait, bounded"). 0: every one."""

    def __init__(self, interval_s: float = 0.0, clock: Callable[[], float] = time.monotonic):
        self._interval = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._quiet: dict[str, int] = {}

    def allow(self, kind: str) -> int | None:
        """None: stay quiet; else log now, with this many attempts kept quiet since."""
        if self._interval <= 0:
            return 0
        with self._lock:
            now = self._clock()
            if now < self._next.get(kind, float("-inf")):
                self._quiet[kind] = self._quiet.get(kind, 0) + 1
                return None
            self._next[kind] = now + self._interval
            return self._quiet.pop(kind, 0)


@dataclass(frozen=True, slots=True)
class NotifyDeps:
    lock: DedupLock
    tokens: TokenStore
    sender: PushSender
    dedup_ttl_s: int = default("dedup_ttl_s")
    pending_ttl_s: int = pending_ttl(default("notify_timeout_s"))
    user_daily_cap: int = default("user_daily_cap")
    alert_max_age_s: int = default("alert_max_age_s")
    # The provider-incident guard; None: no guard. An alert younger than `settle_s` waits
    # until it is that old before it is pushed, so that the first keys of an incident are
    # counted with the rest instead of being pushed before the count rises.
    guard: IncidentGuard | None = None
    settle_s: float = default("incident_settle_s")
    # The most of notify's budget the settle wait may take: the function's timeout less the
    # rest of an attempt (Settings: notify_timeout_s - (notify_attempt_budget_s - the settle
    # time)). None: settle_s alone bounds it, which Settings' validator keeps within that.
    settle_budget_s: float | None = None
    sleep: Callable[[float], None] = time.sleep
    # The app's key status documents (docs/key_status.md); None: none is written.
    statuses: KeyStatusStore | None = None
    # How a user is told: "fcm" (tokens and sender above), "webhook" (below), or both.
    channels: tuple[str, ...] = ("fcm",)
    webhook: WebhookSender | None = None
    webhook_url: str = ""  # names the endpoint's 410 flag
    notify_restored: bool = False  # the "works again" signal (KEYWATCH_NOTIFY_RESTORED)
    outage_log: OutageLog = field(default_factory=OutageLog)
    layout: Layout = field(default_factory=Layout)  # the Redis key names


@dataclass(frozen=True, slots=True)
class NotifyResult:
    outcome: Outcome
    delivered: int = 0
    pruned: int = 0
    failed: int = 0
    incident: IncidentCheck | None = None  # what the guard said, when it held the push
    channels: dict[str, str] = field(default_factory=dict)  # each channel's own outcome
    status: str | None = None  # the key status written, if it changed
    status_error: str = ""  # the told mark could not be written (the push went out)
    why: str = ""  # what the webhook answered, when it refused


def handle_alert(alert: Alert, deps: NotifyDeps, now: datetime | None = None) -> NotifyResult:
    """Check the told markers first: the common already-told case is one Redis round trip.

    Then the key's status is written (broken, or provider_incident while the guard holds
    pushes), before anyone is told, so the app shows it even while FCM is down. Each channel
    then takes its pending marker (with a random token: only its owner releases it) and a slot
    of the user's daily cap in one atomic step; its told marker is taken only after the push
    or webhook was accepted, so an outage or a crash mid-send never mutes the user. A channel
    that failed for a passing reason is retried alone: the others' markers are taken.
    """
    if not should_notify(alert):
        return NotifyResult(Outcome.SKIPPED)
    now = now or datetime.now(UTC)
    if (now - alert.occurred_at).total_seconds() > deps.alert_max_age_s:
        return NotifyResult(Outcome.STALE)
    key = deps.layout.told(alert.uid, alert.provider, alert.reason, alert.key_fingerprint)
    todo = [c for c in deps.channels if not deps.lock.is_done(Layout.on_channel(key, c))]
    if not todo:
        return NotifyResult(Outcome.DUPLICATE)
    held = _incident(alert, deps, now) if deps.guard is not None else None
    status = _record_failure(alert, deps, now, incident=held is not None)
    if held is not None:
        return NotifyResult(Outcome.HELD_INCIDENT, incident=held, status=status)
    message = _Message(
        key=key,
        cap_key=deps.layout.user_cap(alert.uid, now),
        uid=alert.uid,
        push=compose(alert),
        event_type="byok_key.alert",
        data=_alert_data(alert),
        webhook_id=webhook_id(f"alert:{alert.event_id}"),
        fingerprint=alert.key_fingerprint,
        at=alert.occurred_at,
    )
    result = _tell_all(message, todo, deps)
    if result.outcome is Outcome.SENT and deps.statuses is not None:
        try:
            deps.statuses.update(alert.uid, alert.provider, lambda cur: after_told(cur, now, now))
        except KeyStatusStoreError as exc:
            # Told already (its markers are taken): not worth a redelivery. The one loss is
            # the "works again" signal for this problem, which needs the told mark.
            return _replace(result, status=status, status_error=str(exc))
    return _replace(result, status=status)


def handle_restored(ev: KeyRestored, deps: NotifyDeps, now: datetime | None = None) -> NotifyResult:
    """A key works again: its status turns ok; if the user was told of its problem and the
    "works again" signal is on, they are told so, once per told problem."""
    if deps.statuses is None:
        return NotifyResult(Outcome.SKIPPED)
    now = now or datetime.now(UTC)

    def restore(current: KeyStatus | None) -> Restoration:
        return after_restore(
            current,
            provider=ev.provider,
            model=ev.model,
            fingerprint=ev.key_fingerprint,
            restored_at=ev.restored_at,
            validated=ev.validated,
            now=now,
        )

    # Pure, so what the transaction wrote is what it gives again on what the transaction read.
    before = deps.statuses.update(ev.uid, ev.provider, lambda cur: restore(cur).status)
    r = restore(before)
    status = r.status.state.value if r.status is not None else None
    if r.status is None and r.told_problem is None:
        return NotifyResult(Outcome.UNCHANGED)
    if not deps.notify_restored or r.told_problem is None:
        return NotifyResult(Outcome.RESTORED, status=status)
    if (now - ev.restored_at).total_seconds() > deps.alert_max_age_s:
        return NotifyResult(Outcome.RESTORED, status=status)
    key = deps.layout.restored(ev.uid, ev.provider, r.told_problem)
    todo = [c for c in deps.channels if not deps.lock.is_done(Layout.on_channel(key, c))]
    if not todo:
        return NotifyResult(Outcome.RESTORED, status=status)
    message = _Message(
        key=key,
        cap_key=deps.layout.restored_cap(ev.uid, now),
        uid=ev.uid,
        push=compose_restored(ev.provider, ev.model, ev.key_fingerprint),
        event_type="byok_key.restored",
        data={
            "uid": ev.uid,
            "provider": ev.provider,
            "model": ev.model,
            "reason": before.reason if before is not None else None,  # what was fixed
            "key_fingerprint": ev.key_fingerprint,
            "state": "ok",
            "occurred_at": ev.restored_at.isoformat(),
        },
        webhook_id=webhook_id(key),
        fingerprint="",  # the marker outlives the key's later successes
        at=ev.restored_at,
    )
    result = _tell_all(message, todo, deps)
    outcome = Outcome.RESTORED if result.outcome is Outcome.SENT else result.outcome
    return _replace(result, outcome=outcome, status=status)


@dataclass(frozen=True, slots=True)
class _Message:
    """One thing to tell one user, on every channel."""

    key: str  # the told marker (per channel: Layout.on_channel)
    cap_key: str
    uid: str
    push: Push
    event_type: str
    data: dict[str, Any]
    webhook_id: str
    fingerprint: str  # the key whose told index holds the marker ("" for none)
    at: datetime


def _alert_data(alert: Alert) -> dict[str, Any]:
    return {
        "uid": alert.uid,
        "provider": alert.provider,
        "model": alert.model,
        "reason": alert.reason,
        "remedy": REMEDIES.get(alert.reason),
        "key_fingerprint": alert.key_fingerprint,
        "state": "broken",
        "occurred_at": alert.occurred_at.isoformat(),
    }


def _replace(result: NotifyResult, **changes: Any) -> NotifyResult:
    fields = {f: getattr(result, f) for f in NotifyResult.__dataclass_fields__}
    return NotifyResult(**{**fields, **changes})


# The outcome a message gets from its channels' outcomes: the first of these any channel had.
_PRECEDENCE = (
    Outcome.SENT,
    Outcome.NO_LIVE_TOKENS,
    Outcome.REJECTED,
    Outcome.DISABLED,
    Outcome.NO_TOKENS,
    Outcome.CAPPED,
    Outcome.DUPLICATE,
)


def _tell_all(message: _Message, todo: list[str], deps: NotifyDeps) -> NotifyResult:
    """Every channel in `todo`; a passing failure of one is raised after the others had
    their turn, so the redelivery retries that channel alone."""
    results: dict[str, NotifyResult] = {}
    errors: list[TransientError] = []
    for channel in todo:
        try:
            if channel == "webhook":
                results[channel] = _tell_webhook(message, deps)
            else:
                results[channel] = _tell_fcm(message, deps)
        except TransientError as exc:
            errors.append(exc)
    if errors:
        raise errors[0]
    outcomes = {r.outcome for r in results.values()}
    outcome = next((o for o in _PRECEDENCE if o in outcomes), Outcome.DUPLICATE)
    return NotifyResult(
        outcome,
        delivered=sum(r.delivered for r in results.values()),
        pruned=sum(r.pruned for r in results.values()),
        failed=sum(r.failed for r in results.values()),
        channels={c: r.outcome.value for c, r in results.items()},
        why="; ".join(r.why for r in results.values() if r.why),
    )


def _take(message: _Message, channel: str, deps: NotifyDeps) -> tuple[str, str, str] | Outcome:
    """The channel's pending marker and a slot of its cap, or the outcome that stops it."""
    key = Layout.on_channel(message.key, channel)
    cap_key = Layout.on_channel(message.cap_key, channel)
    token = secrets.token_hex(16)
    taken = deps.lock.acquire(key, token, deps.pending_ttl_s, cap_key, deps.user_daily_cap)
    if taken == "done":
        return Outcome.DUPLICATE
    if taken == "capped":
        return Outcome.CAPPED
    if taken == "busy":
        # Not acknowledged: if the holder's send fails, or its instance dies mid-send (the
        # marker then expires), this copy is redelivered and sends; if it succeeds, the
        # redelivery finds the told marker and stops there.
        raise AlertInFlightError(f"another delivery is sending {key}")
    return key, token, cap_key


def _tell_fcm(message: _Message, deps: NotifyDeps) -> NotifyResult:
    taken = _take(message, "fcm", deps)
    if isinstance(taken, Outcome):
        return NotifyResult(taken)
    key, token, cap_key = taken
    committed = False
    try:
        stored = deps.tokens.tokens(message.uid)
        if not stored:
            return NotifyResult(Outcome.NO_TOKENS)
        # One device, one push: the same token stored twice is sent once, and pruned in
        # every document that holds it.
        by_token: dict[str, list[DeviceToken]] = {}
        for t in stored:
            by_token.setdefault(t.token, []).append(t)
        results = deps.sender.send([refs[0] for refs in by_token.values()], message.push)
        dead = [ref for r in results if r.dead for ref in by_token[r.token.token]]
        delivered = sum(r.ok for r in results)
        if delivered:
            # First, so that the window in which FCM accepted but the marker is not taken
            # (a redelivery would push again) is one Redis round trip.
            deps.lock.commit(
                key, token, deps.dedup_ttl_s, message.fingerprint, message.at.timestamp()
            )
            committed = True
        if dead:
            deps.tokens.delete(dead)
        failed = len(results) - delivered - sum(r.dead for r in results)
        if delivered:
            return NotifyResult(Outcome.SENT, delivered, len(dead), failed)
        if failed:
            codes = sorted({r.error_code or "?" for r in results if not r.ok and not r.dead})
            raise PushSenderError(f"no device accepted the push ({', '.join(codes)})")
        return NotifyResult(Outcome.NO_LIVE_TOKENS, 0, len(dead), 0)
    finally:
        if not committed:
            deps.lock.release(key, token, cap_key)


def _tell_webhook(message: _Message, deps: NotifyDeps) -> NotifyResult:
    if deps.webhook is None:
        raise WebhookError("the webhook channel is on but no webhook sender is configured")
    gone = deps.layout.webhook_gone(deps.webhook_url)
    if deps.lock.is_done(gone):
        return NotifyResult(Outcome.DISABLED, why="the endpoint answered 410 Gone before")
    taken = _take(message, "webhook", deps)
    if isinstance(taken, Outcome):
        return NotifyResult(taken)
    key, token, cap_key = taken
    committed = False
    try:
        answer = deps.webhook.deliver(message.webhook_id, message.event_type, message.data)
        if answer.outcome == "delivered":
            deps.lock.commit(
                key, token, deps.dedup_ttl_s, message.fingerprint, message.at.timestamp()
            )
            committed = True
            return NotifyResult(Outcome.SENT, delivered=1)
        if answer.outcome == "gone":
            deps.lock.mark(gone, WEBHOOK_GONE_TTL_S)
            return NotifyResult(Outcome.DISABLED, failed=1, why=answer.why)
        if answer.outcome == "rejected":
            return NotifyResult(Outcome.REJECTED, failed=1, why=answer.why)
        raise WebhookError(f"the webhook was not accepted: {answer.why}")
    finally:
        if not committed:
            deps.lock.release(key, token, cap_key)


def _record_failure(alert: Alert, deps: NotifyDeps, now: datetime, incident: bool) -> str | None:
    """Write the key's status before anyone is told, and index its owner under the key, so
    that the key's next success (which names no user) finds the status to clear."""
    if deps.statuses is None:
        return None

    def change(current: KeyStatus | None) -> KeyStatus | None:
        return after_failure(
            current,
            provider=alert.provider,
            model=alert.model,
            fingerprint=alert.key_fingerprint,
            reason=alert.reason,
            failed_at=alert.occurred_at,
            incident=incident,
            now=now,
        )

    before = deps.statuses.update(alert.uid, alert.provider, change)
    written = change(before)
    deps.lock.note_owner(
        KeyOwner(alert.key_fingerprint, alert.uid, alert.provider, alert.occurred_at.timestamp())
    )
    return written.state.value if written is not None else None


def _incident(alert: Alert, deps: NotifyDeps, now: datetime) -> IncidentCheck | None:
    """The guard's verdict when it holds the push, else None (push). A young alert is
    counted, waits out the settle time (holding nothing), and is checked again: a held alert
    is acknowledged, and the key is told when it fails again after the incident, because
    classify alerts again once its window has passed."""
    assert deps.guard is not None
    minute = unix_minute(alert.occurred_at)
    eid = str(alert.event_id)
    check = deps.guard.check(alert.provider, alert.reason, alert.key_fingerprint, minute, eid)
    if check.holds:
        return check
    wait = settle_wait(alert.occurred_at, now, deps.settle_s, deps.settle_budget_s)
    if wait <= 0:
        return None
    deps.sleep(wait)
    check = deps.guard.check(alert.provider, alert.reason, "", minute, eid)
    return check if check.holds else None


def settle_wait(
    occurred_at: datetime, now: datetime, settle_s: float, budget_s: float | None = None
) -> float:
    """How long an alert waits before the guard's second look: until it is `settle_s` old,
    never negative, never longer than `settle_s` nor `budget_s`. An alert stamped in the future
    (a backend's clock ahead of ours) is taken as occurring now: 120 s of skew once held a
    request for 122 s, past the function's 60 s timeout, and a time centuries ahead overflowed
    time.sleep."""
    age = max((now - occurred_at).total_seconds(), 0.0)
    cap = settle_s if budget_s is None else min(settle_s, budget_s)
    return min(max(settle_s - age, 0.0), max(cap, 0.0))
