"""notify: push a user whose own key broke, once per dedup window, never muted by accident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from keywatch.core.notify import compose, dedup_key, should_notify, user_cap_key
from keywatch.events import Alert
from keywatch.ports import DedupLock, PushSender, PushSenderError, TokenStore, TransientError


class AlertInFlightError(TransientError):
    """Another delivery of this alert holds the pending marker and is sending it now."""


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # not a user-actionable BYOK failure with a uid
    DUPLICATE = "duplicate"  # already told within the dedup window
    CAPPED = "capped"  # the user's daily cap is reached
    NO_TOKENS = "no_tokens"
    NO_LIVE_TOKENS = "no_live_tokens"


@dataclass(frozen=True, slots=True)
class NotifyDeps:
    lock: DedupLock
    tokens: TokenStore
    sender: PushSender
    dedup_ttl_s: int = 24 * 3600
    pending_ttl_s: int = 60
    user_daily_cap: int = 5


@dataclass(frozen=True, slots=True)
class NotifyResult:
    outcome: Outcome
    delivered: int = 0
    pruned: int = 0
    failed: int = 0


def handle_alert(alert: Alert, deps: NotifyDeps, now: datetime | None = None) -> NotifyResult:
    """Check the dedup key first: the common already-told case is one Redis round trip.

    The 24-hour key is taken only after a device accepted the push, so an FCM outage or a crash
    mid-send never mutes the user; a short pending marker keeps concurrent deliveries to one send.
    """
    if not should_notify(alert):
        return NotifyResult(Outcome.SKIPPED)
    key = dedup_key(alert)
    if deps.lock.is_done(key):
        return NotifyResult(Outcome.DUPLICATE)
    cap_key = user_cap_key(alert.uid, now or datetime.now(UTC))
    if deps.lock.user_count(cap_key) >= deps.user_daily_cap:
        return NotifyResult(Outcome.CAPPED)
    if not deps.lock.acquire_pending(key, deps.pending_ttl_s):
        # Not acknowledged: if the holder's send fails, or its instance dies mid-send (the
        # marker then expires), this copy is redelivered and sends; if it succeeds, the
        # redelivery finds the dedup key and stops there.
        raise AlertInFlightError(f"another delivery is sending {key}")
    committed = False
    try:
        # Checked again under the marker: a delivery that saw no dedup key above may have
        # lost the race to one that committed since (commit sets the key and drops the
        # marker in one transaction, so this check cannot miss it).
        if deps.lock.is_done(key):
            return NotifyResult(Outcome.DUPLICATE)
        tokens = deps.tokens.tokens(alert.uid)
        if not tokens:
            return NotifyResult(Outcome.NO_TOKENS)
        results = deps.sender.send(tokens, compose(alert))
        dead = [r.token for r in results if r.dead]
        if dead:
            deps.tokens.delete(dead)
        delivered = sum(r.ok for r in results)
        failed = len(results) - delivered - len(dead)
        if delivered:
            deps.lock.commit(key, deps.dedup_ttl_s)
            committed = True
            deps.lock.incr_user(cap_key, 2 * 24 * 3600)
            return NotifyResult(Outcome.SENT, delivered, len(dead), failed)
        if failed:
            codes = sorted({r.error_code or "?" for r in results if not r.ok and not r.dead})
            raise PushSenderError(f"no device accepted the push ({', '.join(codes)})")
        return NotifyResult(Outcome.NO_LIVE_TOKENS, 0, len(dead), 0)
    finally:
        if not committed:
            deps.lock.release_pending(key)
