"""A user's key status, for the app: one document per (uid, provider) that says whether the
key works, why not, and what to do (docs/key_status.md).

The transitions are pure and decided by time alone, so that any delivery order of alerts and
restorations, and any redelivery, ends in the same document:
- a confirmed failure makes the status `broken` (or `provider_incident` while the provider's
  incident guard holds pushes), unless the key was restored after that failure;
- a restoration (a later success of the same key, or a key the user saved and
  `validate_key` passed) makes it `ok`, unless a failure came after it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from keywatch.core.reasons import Reason


class KeyState(StrEnum):
    BROKEN = "broken"
    OK = "ok"
    PROVIDER_INCIDENT = "provider_incident"


# The remedy the app localises (docs/key_status.md): one short code per reason.
REMEDIES: dict[str, str] = {
    Reason.INVALID_KEY.value: "replace_key",
    Reason.QUOTA_EXHAUSTED.value: "add_credit",
    Reason.PERMISSION_DENIED.value: "check_key_permissions",
}
INCIDENT_REMEDY = "wait_for_provider"


@dataclass(frozen=True, slots=True)
class KeyStatus:
    """The document's fields. Times are aware UTC datetimes; the fingerprint is the key's
    HMAC, never any character of the key."""

    state: KeyState
    provider: str
    model: str
    key_fingerprint: str
    reason: str | None
    remedy: str | None
    since: datetime  # when the current state began
    last_failure_at: datetime | None
    restored_at: datetime | None
    told_at: datetime | None  # when the user was told of the current (or last) problem
    updated_at: datetime

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["state"] = self.state.value
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> KeyStatus | None:
        """The status a stored document holds, or None when it is not one of ours."""
        try:
            return cls(
                state=KeyState(doc["state"]),
                provider=str(doc["provider"]),
                model=str(doc.get("model") or ""),
                key_fingerprint=str(doc["key_fingerprint"]),
                reason=doc.get("reason"),
                remedy=doc.get("remedy"),
                since=doc["since"],
                last_failure_at=doc.get("last_failure_at"),
                restored_at=doc.get("restored_at"),
                told_at=doc.get("told_at"),
                updated_at=doc["updated_at"],
            )
        except (KeyError, ValueError, TypeError):
            return None


def after_failure(
    current: KeyStatus | None,
    *,
    provider: str,
    model: str,
    fingerprint: str,
    reason: str,
    failed_at: datetime,
    incident: bool,
    now: datetime,
) -> KeyStatus | None:
    """The status after a confirmed user-actionable failure, or None when the document stays
    as it is (a redelivery, or a failure the key has recovered from since)."""
    state = KeyState.PROVIDER_INCIDENT if incident else KeyState.BROKEN
    remedy = INCIDENT_REMEDY if incident else REMEDIES.get(reason)
    if current is not None:
        if current.restored_at is not None and failed_at <= current.restored_at:
            return None  # a late alert about a failure from before the key worked again
        same_problem = (
            current.state is not KeyState.OK
            and current.key_fingerprint == fingerprint
            and current.reason == reason
        )
        if same_problem:
            last = current.last_failure_at
            newer = last is None or failed_at > last
            if current.state is state and not newer:
                return None
            return replace(
                current,
                state=state,
                remedy=remedy,
                model=model,
                last_failure_at=failed_at if newer else last,
                since=current.since if current.state is state else max(failed_at, current.since),
                updated_at=now,
            )
    return KeyStatus(
        state=state,
        provider=provider,
        model=model,
        key_fingerprint=fingerprint,
        reason=reason,
        remedy=remedy,
        since=failed_at,
        last_failure_at=failed_at,
        restored_at=current.restored_at if current is not None else None,
        told_at=None,
        updated_at=now,
    )


def after_told(current: KeyStatus | None, told_at: datetime, now: datetime) -> KeyStatus | None:
    """The user was told of the current problem (a push or a webhook went out)."""
    if current is None or current.state is KeyState.OK or current.told_at is not None:
        return None
    return replace(current, told_at=told_at, updated_at=now)


@dataclass(frozen=True, slots=True)
class Restoration:
    status: KeyStatus | None  # the document to write; None: it stays
    # This restoration ends a problem the user was told of (now, or on an earlier delivery
    # of the same restoration): the "works again" signal may go out, once per told problem.
    told_problem: datetime | None


def after_restore(
    current: KeyStatus | None,
    *,
    provider: str,
    model: str,
    fingerprint: str,
    restored_at: datetime,
    validated: bool,
    now: datetime,
) -> Restoration:
    """The status after a restoration. A success of the same key restores only that key's
    problem; a key the user saved and validated replaces whatever key was broken."""
    if current is None:
        if not validated:
            return Restoration(None, None)
        ok = KeyStatus(
            state=KeyState.OK,
            provider=provider,
            model=model,
            key_fingerprint=fingerprint,
            reason=None,
            remedy=None,
            since=restored_at,
            last_failure_at=None,
            restored_at=restored_at,
            told_at=None,
            updated_at=now,
        )
        return Restoration(ok, None)
    if current.state is KeyState.OK:
        # A redelivery of the restoration that made it ok may still owe the signal.
        replay = current.restored_at == restored_at and current.key_fingerprint == fingerprint
        if replay:
            return Restoration(None, current.told_at)
        later = current.restored_at is None or restored_at > current.restored_at
        if later and (validated or current.key_fingerprint == fingerprint):
            # Kept as the latest, so that a failure from before it, delivered late, stays out.
            moved = replace(
                current, key_fingerprint=fingerprint, restored_at=restored_at, updated_at=now
            )
            return Restoration(moved, None)
        return Restoration(None, None)
    if not validated and current.key_fingerprint != fingerprint:
        return Restoration(None, None)  # another key of the user's works; this one does not
    last = current.last_failure_at
    if last is not None and last >= restored_at:
        return Restoration(None, None)  # it failed again after that success
    ok = replace(
        current,
        state=KeyState.OK,
        key_fingerprint=fingerprint,
        model=model if validated else current.model,
        remedy=None,
        since=restored_at,
        restored_at=restored_at,
        updated_at=now,
    )
    return Restoration(ok, current.told_at)
