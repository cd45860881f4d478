"""notify: push a user whose own key broke, once per dedup window, never muted by accident."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from keywatch.core.notify import compose, dedup_key, should_notify, user_cap_key
from keywatch.events import Alert
from keywatch.ports import (
    DedupLock,
    DeviceToken,
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


@dataclass(frozen=True, slots=True)
class NotifyDeps:
    lock: DedupLock
    tokens: TokenStore
    sender: PushSender
    dedup_ttl_s: int = 24 * 3600
    pending_ttl_s: int = 120  # Settings.pending_ttl_s: twice the function's timeout
    user_daily_cap: int = 5
    alert_max_age_s: int = 6 * 3600


@dataclass(frozen=True, slots=True)
class NotifyResult:
    outcome: Outcome
    delivered: int = 0
    pruned: int = 0
    failed: int = 0


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
