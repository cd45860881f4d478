"""Memorystore (Redis): the notification dedup lock and the per-user daily cap."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

import redis

from keywatch.core.keys import Layout
from keywatch.core.notify import (
    INCIDENT_BASELINE_MINUTES,
    INCIDENT_BUCKET_TTL_S,
    INCIDENT_WINDOW_MINUTES,
)
from keywatch_functions.adapters.redis_client import redis_client, redis_errors
from keywatch_functions.errors import DedupLockError
from keywatch_functions.ports import IncidentCheck, IncidentRecord, KeyOwner, Restored

_LUA = resources.files("keywatch_functions.adapters").joinpath("lua")


def _script(name: str) -> str:
    """A script of adapters/lua/ (each names its KEYS and ARGV in its header)."""
    return _LUA.joinpath(f"{name}.lua").read_text()


# The day's cap counter lives two days (a user's day is the UTC date in its name).
_CAP_TTL_S = 2 * 24 * 3600
# A told index keeps an entry this long: a key broken for weeks holds at most a day's worth.
_TOLD_INDEX_TTL_S = 24 * 3600


# A key broken for longer than this and then fixed leaves its status to validate_key's route.
OWNERS_TTL_S = 90 * 24 * 3600


def _owner_member(uid: str, provider: str) -> str:
    return json.dumps([uid, provider], separators=(",", ":"))


class RedisDedupLock:
    """`key` is the "told" marker (24 h); `key:pending`, holding its owner's random token,
    guards a send in progress; the user's daily cap is a counter taken with the marker."""

    def __init__(
        self, client: redis.Redis, *, secret: str | None = None, layout: Layout | None = None
    ) -> None:
        self._r = client
        self._secret = secret  # scrubbed from every error message, should redis ever echo it
        self._layout = layout or Layout()
        self._acquire = client.register_script(_script("notify_acquire"))
        self._release = client.register_script(_script("notify_release"))
        self._commit = client.register_script(_script("notify_commit"))
        self._note_owner = client.register_script(_script("notify_note_owner"))

    @classmethod
    def from_url(
        cls,
        url: str,
        timeout_s: float = 2.0,
        password: str | None = None,
        ca_pem: str = "",
    ) -> RedisDedupLock:
        """Built from settings; a misconfiguration raises RedisConfigError here, at build time."""
        return cls(redis_client(url, timeout_s, password, ca_pem), secret=password)

    def __repr__(self) -> str:
        # redis-py's pool repr redacts the password.
        return f"RedisDedupLock({self._r.connection_pool!r})"

    def is_done(self, key: str) -> bool:
        with redis_errors(DedupLockError, self._secret):
            return bool(self._r.exists(key))

    def acquire(self, key: str, token: str, pending_ttl_s: int, cap_key: str, cap: int) -> str:
        """One atomic step: `done` if the user was told, `busy` if another delivery holds the
        pending marker, `capped` if the user's daily cap is reached; else `ok`, holding the
        marker (value `token`) and one slot of the cap."""
        with redis_errors(DedupLockError, self._secret):
            result = self._acquire(
                keys=[key, Layout.pending(key), cap_key],
                args=[token, pending_ttl_s, cap, _CAP_TTL_S],
            )
        return result.decode() if isinstance(result, bytes) else str(result)

    def release(self, key: str, token: str, cap_key: str) -> bool:
        """Drop the marker and give back the cap's slot, only if the marker is still ours
        (a holder that outlived its marker must not release the next holder's)."""
        with redis_errors(DedupLockError, self._secret):
            return bool(self._release(keys=[Layout.pending(key), cap_key], args=[token]))

    def commit(self, key: str, token: str, ttl_s: int, fingerprint: str, failed_at: float) -> bool:
        """Take the told marker (SET NX) and drop the pending marker if it is ours, at once;
        the marker joins its key's told index, to be cleared by a later success (not when
        `fingerprint` is empty: a "works again" marker outlives the key's next success)."""
        with redis_errors(DedupLockError, self._secret):
            return bool(
                self._commit(
                    keys=[key, Layout.pending(key), self._layout.told_index(fingerprint)],
                    args=[token, ttl_s, round(failed_at, 3), "1" if fingerprint else "0"],
                )
            )

    def user_count(self, key: str) -> int:
        with redis_errors(DedupLockError, self._secret):
            value: Any = self._r.get(key)
        return int(value) if value is not None else 0

    def mark(self, key: str, ttl_s: int) -> None:
        with redis_errors(DedupLockError, self._secret):
            self._r.set(key, "1", ex=ttl_s)

    def note_owner(self, owner: KeyOwner) -> None:
        with redis_errors(DedupLockError, self._secret):
            self._note_owner(
                keys=[self._layout.owners_index(owner.fingerprint)],
                args=[
                    round(owner.failed_at, 3),
                    _owner_member(owner.uid, owner.provider),
                    OWNERS_TTL_S,
                ],
            )


class RedisAlertGate:
    """classify's one-alert-per-problem window: `key` holds the event id that alerted."""

    def __init__(
        self, client: redis.Redis, *, secret: str | None = None, layout: Layout | None = None
    ) -> None:
        self._r = client
        self._secret = secret
        self._layout = layout or Layout()
        self._claim = client.register_script(_script("alert_claim"))
        self._unclaim = client.register_script(_script("alert_unclaim"))
        self._restore = client.register_script(_script("alert_restore"))
        self._forget = client.register_script(_script("owners_forget"))

    def claim(
        self,
        key: str,
        event_id: str,
        ttl_s: int,
        fingerprint: str,
        failed_at: float,
        incident_bucket: str = "",
    ) -> bool:
        keys = [key, self._layout.told_index(fingerprint)]
        if incident_bucket:
            keys.append(incident_bucket)
        with redis_errors(DedupLockError, self._secret):
            return bool(
                self._claim(
                    keys=keys,
                    args=[
                        event_id,
                        ttl_s,
                        round(failed_at, 3),
                        fingerprint,
                        INCIDENT_BUCKET_TTL_S,
                        _TOLD_INDEX_TTL_S,
                    ],
                )
            )

    def restored(self, successes: dict[str, float]) -> Restored:
        """Keys that succeeded (fingerprint -> latest success): their told markers and alert
        claims from failures before that success are cleared, so a key that breaks again is
        told again; and the users whose status names the key as broken since before it are
        returned, for their status to turn ok."""
        cleared = 0
        owners: list[KeyOwner] = []
        items = sorted(successes.items())
        with redis_errors(DedupLockError, self._secret):
            for start in range(0, len(items), 250):
                chunk = items[start : start + 250]
                L = self._layout
                keys = [k for fp, _ in chunk for k in (L.told_index(fp), L.owners_index(fp))]
                n, found = self._restore(keys=keys, args=[at for _, at in chunk])
                cleared += int(n)
                for i, member, score in found:
                    uid, provider = json.loads(member)
                    owners.append(KeyOwner(chunk[int(i) - 1][0], uid, provider, float(score)))
        return Restored(cleared, owners)

    def forget_owners(self, owners: Sequence[KeyOwner]) -> None:
        with redis_errors(DedupLockError, self._secret):
            for start in range(0, len(owners), 250):
                chunk = owners[start : start + 250]
                self._forget(
                    keys=[self._layout.owners_index(o.fingerprint) for o in chunk],
                    args=[
                        a
                        for o in chunk
                        for a in (_owner_member(o.uid, o.provider), round(o.failed_at, 3))
                    ],
                )

    def release(self, key: str, event_id: str) -> None:
        with redis_errors(DedupLockError, self._secret):
            self._unclaim(keys=[key], args=[event_id])


class RedisIncidentGuard:
    """notify's provider-incident guard: one script call per alert (lua/incident_guard.lua)."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        min_keys: int,
        factor: float,
        open_ttl_s: int,
        secret: str | None = None,
        layout: Layout | None = None,
    ) -> None:
        self._r = client
        self._secret = secret
        self._layout = layout or Layout()
        self._min_keys = min_keys
        self._factor = factor
        self._open_ttl_s = open_ttl_s
        self._guard = client.register_script(_script("incident_guard"))

    def check(
        self, provider: str, reason: str, fingerprint: str, minute: int, event_id: str
    ) -> IncidentCheck:
        L = self._layout
        side = INCIDENT_WINDOW_MINUTES // 2  # the window: the failure's minute, `side` each way
        window = range(minute - side, minute + side + 1)
        baseline = range(
            minute - side - INCIDENT_BASELINE_MINUTES, minute - side
        )  # the hour before
        keys = [
            L.incident_open(provider, reason),
            L.incident_baseline(provider, reason, minute),
            *L.incident_buckets(provider, reason, (*window, *baseline)),
        ]
        with redis_errors(DedupLockError, self._secret):
            state, distinct, baseline, threshold, opened = self._guard(
                keys=keys,
                args=[
                    fingerprint,
                    minute,
                    event_id,
                    self._min_keys,
                    self._factor,
                    self._open_ttl_s,
                    INCIDENT_BUCKET_TTL_S,
                    INCIDENT_WINDOW_MINUTES,
                ],
            )
        check = IncidentCheck(
            state=state.decode() if isinstance(state, bytes) else str(state),
            distinct=int(distinct),
            baseline=float(baseline),
            threshold=int(threshold),
            opened_minute=int(opened),
        )
        if check.state == "opened":
            # For the health run, which corroborates it and shows it on the status page. A
            # redelivery of the opener writes the same again.
            # On a Redis error the push decision stands; the status page misses this incident.
            with contextlib.suppress(redis.RedisError):
                RedisIncidentLedger(self._r, L).note_opened(provider, reason, check)
        return check


INCIDENTS_KEPT_S = 7 * 24 * 3600  # the status page's "recent": the last 7 days


def incident_id(provider: str, reason: str, opened_minute: int) -> str:
    return f"{provider}-{reason}-{opened_minute}"


class RedisIncidentLedger:
    """The suspected incidents notify's guard opened, for the health run: which are still open
    (the guard's open hash, with the same opening minute, still exists), and what they were."""

    def __init__(self, client: redis.Redis, layout: Layout | None = None) -> None:
        self._r = client
        self._layout = layout or Layout()

    def note_opened(self, provider: str, reason: str, c: IncidentCheck) -> None:
        iid = incident_id(provider, reason, c.opened_minute)
        info = {
            "provider": provider,
            "reason": reason,
            "opened_minute": c.opened_minute,
            "distinct_keys": c.distinct,
            "baseline_per_minute": c.baseline,
            "threshold": c.threshold,
        }
        pipe = self._r.pipeline(transaction=False)
        pipe.zadd(self._layout.incidents, {iid: c.opened_minute * 60})
        pipe.hset(self._layout.incidents_info, iid, json.dumps(info))
        pipe.execute()

    def recent(self, now_s: float) -> list[IncidentRecord]:
        L = self._layout
        with redis_errors(DedupLockError):
            expired: Any = self._r.zrangebyscore(
                L.incidents, "-inf", f"({now_s - INCIDENTS_KEPT_S}"
            )
            old = [m.decode() if isinstance(m, bytes) else str(m) for m in expired]
            if old:
                self._r.zrem(L.incidents, *old)
                self._r.hdel(L.incidents_info, *old)
            members: Any = self._r.zrangebyscore(L.incidents, "-inf", "+inf")
            ids = [m.decode() if isinstance(m, bytes) else str(m) for m in members]
            if not ids:
                return []
            infos: Any = self._r.hmget(L.incidents_info, ids)
            out = []
            for iid, raw in zip(ids, infos, strict=True):
                if raw is None:
                    continue
                info = json.loads(raw)
                opened: Any = self._r.hget(
                    L.incident_open(info["provider"], info["reason"]), "opened"
                )
                still = opened is not None and int(opened) == int(info["opened_minute"])
                out.append(IncidentRecord(iid, open=still, **info))
            return out
