"""notify: push a user whose own key broke, once per dedup window, never muted by accident."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from keywatch.core.health import unix_minute
from keywatch.core.notify import compose, dedup_key, should_notify, user_cap_key
from keywatch.events import Alert
from keywatch_functions.ports import (
    DedupLock,
    DeviceToken,
    IncidentCheck,
    IncidentGuard,
    PushSender,
    PushSenderError,
    TokenStore,
    TransientError,
)


class AlertInFlightError(TransientError):
    """Another delivery of this alert holds the pending marker and is sending it now."""


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # not a user-actionable BYOK failure with a uid
    DUPLICATE = "duplicate"  # already told within the dedup window
    CAPPED = "capped"  # the user's daily cap is reached
    NO_TOKENS = "no_tokens"
    NO_LIVE_TOKENS = "no_live_tokens"
    STALE = "stale"  # older than alert_max_age_s: acknowledged, not pushed
    HELD_INCIDENT = "held_incident"  # its provider and reason are in a suspected incident


@dataclass(frozen=True, slots=True)
class NotifyDeps:
    lock: DedupLock
    tokens: TokenStore
    sender: PushSender
    dedup_ttl_s: int = 24 * 3600
    pending_ttl_s: int = 120  # Settings.pending_ttl_s: twice the function's timeout
    user_daily_cap: int = 5
    alert_max_age_s: int = 6 * 3600
    # The provider-incident guard; None: no guard. An alert younger than `settle_s` waits
    # until it is that old before it is pushed, so that the first keys of an incident are
    # counted with the rest instead of being pushed before the count rises.
    guard: IncidentGuard | None = None
    settle_s: float = 15.0
    # The most of notify's budget the settle wait may take: the function's timeout less the
    # rest of an attempt (Settings: notify_timeout_s - (notify_attempt_budget_s - the settle
    # time)). None: settle_s alone bounds it, which Settings' validator keeps within that.
    settle_budget_s: float | None = None
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True, slots=True)
class NotifyResult:
    outcome: Outcome
    delivered: int = 0
    pruned: int = 0
    failed: int = 0
    incident: IncidentCheck | None = None  # what the guard said, when it held the push


def handle_alert(alert: Alert, deps: NotifyDeps, now: datetime | None = None) -> NotifyResult:
    """Check the told marker first: the common already-told case is one Redis round trip.

    Then one atomic step takes the pending marker (with a random token: only its owner
    releases it) and a slot of the user's daily cap. The told marker is taken only after a
    device accepted the push, so an FCM outage or a crash mid-send never mutes the user.
    """
    if not should_notify(alert):
        return NotifyResult(Outcome.SKIPPED)
    now = now or datetime.now(UTC)
    if (now - alert.occurred_at).total_seconds() > deps.alert_max_age_s:
        return NotifyResult(Outcome.STALE)
    key = dedup_key(alert)
    if deps.lock.is_done(key):
        return NotifyResult(Outcome.DUPLICATE)
    if deps.guard is not None:
        held = _incident(alert, deps, now)
        if held is not None:
            return NotifyResult(Outcome.HELD_INCIDENT, incident=held)
    cap_key = user_cap_key(alert.uid, now)
    token = secrets.token_hex(16)
    taken = deps.lock.acquire(key, token, deps.pending_ttl_s, cap_key, deps.user_daily_cap)
    if taken == "done":
        return NotifyResult(Outcome.DUPLICATE)
    if taken == "capped":
        return NotifyResult(Outcome.CAPPED)
    if taken == "busy":
        # Not acknowledged: if the holder's send fails, or its instance dies mid-send (the
        # marker then expires), this copy is redelivered and sends; if it succeeds, the
        # redelivery finds the told marker and stops there.
        raise AlertInFlightError(f"another delivery is sending {key}")
    committed = False
    try:
        stored = deps.tokens.tokens(alert.uid)
        if not stored:
            return NotifyResult(Outcome.NO_TOKENS)
        # One device, one push: the same token stored twice is sent once, and pruned in
        # every document that holds it.
        by_token: dict[str, list[DeviceToken]] = {}
        for t in stored:
            by_token.setdefault(t.token, []).append(t)
        results = deps.sender.send([refs[0] for refs in by_token.values()], compose(alert))
        dead = [ref for r in results if r.dead for ref in by_token[r.token.token]]
        delivered = sum(r.ok for r in results)
        if delivered:
            # First, so that the window in which FCM accepted but the marker is not taken
            # (a redelivery would push again) is one Redis round trip.
            deps.lock.commit(
                key, token, deps.dedup_ttl_s, alert.key_fingerprint, alert.occurred_at.timestamp()
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
