"""Memorystore (Redis): the notification dedup lock and the per-user daily cap."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

import redis

from keywatch.core.notify import INCIDENT_BUCKET_TTL_S, incident_base
from keywatch_functions.adapters.redis_client import redis_client, redis_errors
from keywatch_functions.errors import DedupLockError
from keywatch_functions.ports import IncidentCheck, IncidentRecord, KeyOwner, Restored

# The day's cap counter lives two days (a user's day is the UTC date in its name).
_CAP_TTL_S = 2 * 24 * 3600
_ACQUIRE = """
if redis.call("EXISTS", KEYS[1]) == 1 then return "done" end
if not redis.call("SET", KEYS[2], ARGV[1], "NX", "EX", ARGV[2]) then return "busy" end
if tonumber(redis.call("GET", KEYS[3]) or "0") >= tonumber(ARGV[3]) then
  redis.call("DEL", KEYS[2])
  return "capped"
end
redis.call("INCR", KEYS[3])
redis.call("EXPIRE", KEYS[3], ARGV[4])
return "ok"
"""
_RELEASE = """
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
redis.call("DEL", KEYS[1])
if tonumber(redis.call("GET", KEYS[2]) or "0") > 0 then redis.call("DECR", KEYS[2]) end
return 1
"""
_COMMIT = """
local taken = redis.call("SET", KEYS[1], "1", "NX", "EX", ARGV[2])
if redis.call("GET", KEYS[2]) == ARGV[1] then redis.call("DEL", KEYS[2]) end
-- Indexed by the failure's time; entries older than the told marker's TTL are gone anyway.
if ARGV[4] == "1" then
  redis.call("ZADD", KEYS[3], ARGV[3], KEYS[1])
  redis.call("ZREMRANGEBYSCORE", KEYS[3], "-inf", "(" .. (tonumber(ARGV[3]) - tonumber(ARGV[2])))
  redis.call("EXPIRE", KEYS[3], ARGV[2])
end
return taken and 1 or 0
"""


def told_index(fingerprint: str) -> str:
    """A key's told markers and alert claims: a sorted set of their Redis keys, scored by the
    time of the failure each came from. A later success of the key clears them
    (RedisAlertGate.restored); entries older than 24 h are trimmed as new ones come, so a key
    broken for weeks holds at most a day's worth."""
    return f"kw:told:{fingerprint}"


def owners_index(fingerprint: str) -> str:
    """The (uid, provider) pairs whose status names this key as broken: a sorted set of JSON
    pairs scored by the latest failure noted, read when the key succeeds again."""
    return f"kw:owners:{fingerprint}"


# A key broken for longer than this and then fixed leaves its status to validate_key's route.
OWNERS_TTL_S = 90 * 24 * 3600
# ZADD GT: a late alert never moves an owner's failure time back (Redis 6.2+).
_NOTE_OWNER = """
redis.call("ZADD", KEYS[1], "GT", ARGV[1], ARGV[2])
redis.call("EXPIRE", KEYS[1], ARGV[3])
return 1
"""


def _owner_member(uid: str, provider: str) -> str:
    return json.dumps([uid, provider], separators=(",", ":"))


class RedisDedupLock:
    """`key` is the "told" marker (24 h); `key:pending`, holding its owner's random token,
    guards a send in progress; the user's daily cap is a counter taken with the marker."""

    def __init__(self, client: redis.Redis, *, secret: str | None = None) -> None:
        self._r = client
        self._secret = secret  # scrubbed from every error message, should redis ever echo it
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._commit = client.register_script(_COMMIT)
        self._note_owner = client.register_script(_NOTE_OWNER)

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
                keys=[key, f"{key}:pending", cap_key],
                args=[token, pending_ttl_s, cap, _CAP_TTL_S],
            )
        return result.decode() if isinstance(result, bytes) else str(result)

    def release(self, key: str, token: str, cap_key: str) -> bool:
        """Drop the marker and give back the cap's slot, only if the marker is still ours
        (a holder that outlived its marker must not release the next holder's)."""
        with redis_errors(DedupLockError, self._secret):
            return bool(self._release(keys=[f"{key}:pending", cap_key], args=[token]))

    def commit(self, key: str, token: str, ttl_s: int, fingerprint: str, failed_at: float) -> bool:
        """Take the told marker (SET NX) and drop the pending marker if it is ours, at once;
        the marker joins its key's told index, to be cleared by a later success (not when
        `fingerprint` is empty: a "works again" marker outlives the key's next success)."""
        with redis_errors(DedupLockError, self._secret):
            return bool(
                self._commit(
                    keys=[key, f"{key}:pending", told_index(fingerprint)],
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
                keys=[owners_index(owner.fingerprint)],
                args=[
                    round(owner.failed_at, 3),
                    _owner_member(owner.uid, owner.provider),
                    OWNERS_TTL_S,
                ],
            )


# KEYS: the claim, the key's told index, and optionally the minute's incident HyperLogLog
# (every failure's fingerprint joins it, claimed or not: the guard counts failing keys).
_CLAIM = """
if KEYS[3] and redis.call("PFADD", KEYS[3], ARGV[4]) == 1 then
  redis.call("EXPIRE", KEYS[3], ARGV[5])
end
if redis.call("SET", KEYS[1], ARGV[1], "NX", "EX", ARGV[2]) then
  redis.call("ZADD", KEYS[2], ARGV[3], KEYS[1])
  redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", "(" .. (tonumber(ARGV[3]) - 86400))
  redis.call("EXPIRE", KEYS[2], 86400)
  return 1
end
if redis.call("GET", KEYS[1]) == ARGV[1] then return 1 end
return 0
"""
# KEYS: pairs of a told index and an owners index; ARGV: each key's latest success (epoch s).
# Clears what an earlier failure set, and reads (without removing: forget_owners does, once
# the restoration is published) the owners whose failure came before the success. Returns
# {cleared, {index of the key, owner, failure time}...}.
_RESTORE = """
local cleared = 0
local owners = {}
for i = 1, #ARGV do
  local before = "(" .. ARGV[i]
  local index = KEYS[2 * i - 1]
  local keys = redis.call("ZRANGEBYSCORE", index, "-inf", before)
  for _, key in ipairs(keys) do
    cleared = cleared + redis.call("DEL", key)
  end
  if #keys > 0 then
    redis.call("ZREMRANGEBYSCORE", index, "-inf", before)
  end
  local found = redis.call("ZRANGEBYSCORE", KEYS[2 * i], "-inf", before, "WITHSCORES")
  for j = 1, #found, 2 do
    table.insert(owners, {i, found[j], found[j + 1]})
  end
end
return {cleared, owners}
"""
# KEYS: owners indexes; ARGV: pairs of member and the failure time it was read with.
_FORGET_OWNERS = """
local n = 0
for i, index in ipairs(KEYS) do
  local score = redis.call("ZSCORE", index, ARGV[2 * i - 1])
  if score and tonumber(score) <= tonumber(ARGV[2 * i]) then
    n = n + redis.call("ZREM", index, ARGV[2 * i - 1])
  end
end
return n
"""
_UNCLAIM = """
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
"""


class RedisAlertGate:
    """classify's one-alert-per-problem window: `key` holds the event id that alerted."""

    def __init__(self, client: redis.Redis, *, secret: str | None = None) -> None:
        self._r = client
        self._secret = secret
        self._claim = client.register_script(_CLAIM)
        self._unclaim = client.register_script(_UNCLAIM)
        self._restore = client.register_script(_RESTORE)
        self._forget = client.register_script(_FORGET_OWNERS)

    def claim(
        self,
        key: str,
        event_id: str,
        ttl_s: int,
        fingerprint: str,
        failed_at: float,
        incident_bucket: str = "",
    ) -> bool:
        keys = [key, told_index(fingerprint)]
        if incident_bucket:
            keys.append(incident_bucket)
        with redis_errors(DedupLockError, self._secret):
            return bool(
                self._claim(
                    keys=keys,
                    args=[event_id, ttl_s, round(failed_at, 3), fingerprint, INCIDENT_BUCKET_TTL_S],
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
                keys = [k for fp, _ in chunk for k in (told_index(fp), owners_index(fp))]
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
                    keys=[owners_index(o.fingerprint) for o in chunk],
                    args=[
                        a
                        for o in chunk
                        for a in (_owner_member(o.uid, o.provider), round(o.failed_at, 3))
                    ],
                )

    def release(self, key: str, event_id: str) -> None:
        with redis_errors(DedupLockError, self._secret):
            self._unclaim(keys=[key], args=[event_id])


_GUARD = (
    resources.files("keywatch_functions.adapters").joinpath("lua", "incident_guard.lua").read_text()
)


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
    ) -> None:
        self._r = client
        self._secret = secret
        self._min_keys = min_keys
        self._factor = factor
        self._open_ttl_s = open_ttl_s
        self._script = client.register_script(_GUARD)

    def check(
        self, provider: str, reason: str, fingerprint: str, minute: int, event_id: str
    ) -> IncidentCheck:
        with redis_errors(DedupLockError, self._secret):
            state, distinct, baseline, threshold, opened = self._script(
                keys=[],
                args=[
                    incident_base(provider, reason),
                    fingerprint,
                    minute,
                    event_id,
                    self._min_keys,
                    self._factor,
                    self._open_ttl_s,
                    INCIDENT_BUCKET_TTL_S,
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
                RedisIncidentLedger(self._r).note_opened(provider, reason, check)
        return check


INCIDENTS = "kw:incidents"  # sorted set: incident id -> opened (epoch s)
INCIDENTS_INFO = "kw:incidents:info"  # hash: incident id -> JSON of what opened it
INCIDENTS_KEPT_S = 7 * 24 * 3600  # the status page's "recent": the last 7 days


def incident_id(provider: str, reason: str, opened_minute: int) -> str:
    return f"{provider}-{reason}-{opened_minute}"


class RedisIncidentLedger:
    """The suspected incidents notify's guard opened, for the health run: which are still open
    (the guard's open hash, with the same opening minute, still exists), and what they were."""

    def __init__(self, client: redis.Redis) -> None:
        self._r = client

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
        pipe.zadd(INCIDENTS, {iid: c.opened_minute * 60})
        pipe.hset(INCIDENTS_INFO, iid, json.dumps(info))
        pipe.execute()

    def recent(self, now_s: float) -> list[IncidentRecord]:
        with redis_errors(DedupLockError):
            expired: Any = self._r.zrangebyscore(INCIDENTS, "-inf", f"({now_s - INCIDENTS_KEPT_S}")
            old = [m.decode() if isinstance(m, bytes) else str(m) for m in expired]
            if old:
                self._r.zrem(INCIDENTS, *old)
                self._r.hdel(INCIDENTS_INFO, *old)
            members: Any = self._r.zrangebyscore(INCIDENTS, "-inf", "+inf")
            ids = [m.decode() if isinstance(m, bytes) else str(m) for m in members]
            if not ids:
                return []
            infos: Any = self._r.hmget(INCIDENTS_INFO, ids)
            out = []
            for iid, raw in zip(ids, infos, strict=True):
                if raw is None:
                    continue
                info = json.loads(raw)
                opened: Any = self._r.hget(
                    f"{incident_base(info['provider'], info['reason'])}:open", "opened"
                )
                still = opened is not None and int(opened) == int(info["opened_minute"])
                out.append(IncidentRecord(iid, open=still, **info))
            return out
