"""Memorystore (Redis) as the counting store: classify counts into it, health reads from it.

Why Redis and not Firestore: in an outage every failure of one key lands on the same counter,
and Firestore sustains about one write per second per document ("Distributed counters",
https://firebase.google.com/docs/firestore/solutions/counters), with sequential indexed
fields capped near 500 writes/s ("Best practices", https://cloud.google.com/firestore/docs/
best-practices#high_read_write_and_delete_rates_to_a_narrow_document_range). A Redis primary
executes commands on one thread, one at a time, so a counter takes tens of thousands of
increments a second and never contends. Firestore then only holds what routers read, written
by the health run at most once a minute per document.

Layout: see `keywatch.core.counting` (the fields of a series hash and the key names). Every
failure is counted by one call of `lua/count_failure.lua`, each batch of tallies by
`lua/count_tallies.lua`: the marker and the increments commit together
or not at all, so a redelivery, or a retry after a lost reply, counts nothing twice.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import redis

from keywatch.core.classify import Classification, Reason, counts_against_provider
from keywatch.core.counting import (
    MARKER_TTL_S,
    SERIES_TTL_S,
    Group,
    KeyRead,
    RecordResult,
    TallyCount,
    countable_minute,
    key_fields,
    member,
    parse_key,
    parse_series,
    stale_fields,
    state_fields,
)
from keywatch.core.health import RECENT_FAILURES, Kind, Series
from keywatch.core.keys import Layout
from keywatch.events import FailureEvent
from keywatch_functions.adapters.redis_client import redis_errors
from keywatch_functions.errors import CountingStoreError
from keywatch_functions.ports import Commit

log = logging.getLogger("keywatch")

_LUA = resources.files("keywatch_functions.adapters").joinpath("lua")
_FAILURE = _LUA.joinpath("count_failure.lua").read_text()
_TALLIES = _LUA.joinpath("count_tallies.lua").read_text()
# Groups per script call: a call of 50 groups runs in about a millisecond on the server, so a
# large flush never holds Redis's one thread for long.
_CHUNK = 50
_READ_BATCH = 1_000  # hashes per pipelined read


class RedisCountingStore:
    """Both sides of the counting store: `record_*` for classify, the rest for health.

    Thread-safe: redis-py's client takes a connection from its pool per command or pipeline.
    """

    def __init__(
        self,
        client: redis.Redis,
        layout: Layout | None = None,
        *,
        secret: str | None = None,
        clock: Any = None,
    ) -> None:
        import time

        self._r = client
        self.layout = layout or Layout()
        self._failure = client.register_script(_FAILURE)
        self._tallies = client.register_script(_TALLIES)
        self._secret = secret
        self._clock = clock or time.time

    @property
    def client(self) -> redis.Redis:
        """The Redis client it runs on (tools and tests read its keys through it)."""
        return self._r

    def __repr__(self) -> str:
        return f"RedisCountingStore({self._r.connection_pool!r}, prefix={self.layout.prefix!r})"

    # -- classify's side ------------------------------------------------------------------

    def failure_args(self, event: FailureEvent, c: Classification) -> tuple[list[str], list[Any]]:
        """The keys and arguments of count_failure.lua for one failure (empty: too old)."""
        at = event.occurred_at.timestamp()
        minute = countable_minute(at, self._clock())
        if minute is None:
            return [], []
        g = Group(event.provider, event.model, event.key_fingerprint, event.source.value)
        ksid, msid = g.sids()
        kmeta, mmeta = g.metas()
        against = counts_against_provider(c.reason, event.source)
        eid = str(event.event_id)
        L = self.layout
        keys = [L.failure_marker(eid), L.recovery_marker(eid)]
        args = [
            MARKER_TTL_S, SERIES_TTL_S, L.prefix, ksid, msid, g.key_fingerprint, g.provider,
            kmeta, mmeta, minute, c.reason.value, round(min(at, minute * 60 + 59.999), 3),
            1 if against else 0, 1 if c.reason is Reason.INVALID_KEY else 0, RECENT_FAILURES,
        ]  # fmt: skip
        return keys, args

    def record_failure(self, event: FailureEvent, c: Classification) -> bool:
        """Count one failure once. False when it was counted before, or is older than the
        24-hour window (nothing would ever read its buckets)."""
        keys, args = self.failure_args(event, c)
        if not keys:
            return False
        with redis_errors(CountingStoreError, self._secret):
            counted, _, mismatched = self._failure(keys=keys, args=args)
        if mismatched:
            log.warning(
                "a recovery of failure %s named another provider than %s: skipped",
                event.event_id,
                event.provider,
            )
        return bool(counted)

    def record_tallies(self, batch_id: str, groups: Sequence[TallyCount]) -> RecordResult:
        """Count a batch of tally groups once, in chunks of `_CHUNK` groups, one script call
        (and one marker) each, all sent in one round trip. Recoveries ride with their group."""
        now = self._clock()
        L = self.layout
        pipe = self._r.pipeline(transaction=False)
        for chunk_no, start in enumerate(range(0, len(groups), _CHUNK)):
            chunk = groups[start : start + _CHUNK]
            args: list[Any] = [MARKER_TTL_S, SERIES_TTL_S, L.prefix, len(chunk)]
            for t in chunk:
                g = t.group
                minutes = [
                    (m, n) for m, n in t.successes if n > 0 and countable_minute(m * 60, now)
                ]
                last = t.last_success
                if last is None and minutes:  # the safe side: the start of its last minute
                    last = max(m for m, _ in minutes) * 60.0
                args += [*g.sids(), g.key_fingerprint, g.provider, *g.metas()]
                args += ["" if last is None or not minutes else round(last, 3), len(minutes)]
                args += [x for pair in minutes for x in pair]
                args += [len(t.recovered), *t.recovered]
            self._tallies(keys=[L.tally_marker(batch_id, chunk_no)], args=args, client=pipe)
        with redis_errors(CountingStoreError, self._secret):
            results = pipe.execute()
        return RecordResult(
            counted=any(int(r[0]) for r in results),
            recoveries_applied=sum(int(r[1]) for r in results),
            recoveries_ahead=sum(int(r[2]) for r in results),
            recoveries_mismatched=sum(int(r[3]) for r in results),
        )

    # -- health's side ----------------------------------------------------------------------

    def begin_run(self, end: int, lock_ttl_s: int, ceiling: int) -> tuple[Any, str] | str:
        """Take the run lock (redis-py's Lock: released only with its own token). Returns
        (lock, counted_since) to go on; "busy" when another run holds it; "stale" when a run
        for a later tick already ran, so a late tick never overwrites newer documents. A
        stored tick after `ceiling` (now, plus the skew tolerated) is a poisoned one: ignored,
        and overwritten by this run's.
        counted_since is the Unix minute this store began counting: after a restart that lost
        its data, the minute counting began again."""
        with redis_errors(CountingStoreError, self._secret):
            lock = self._r.lock(self.layout.run_lock, timeout=lock_ttl_s, blocking=False)
            if not lock.acquire():
                return "busy"
            last = _minute(self._r.get(self.layout.run_as_of))
            if last is not None and end < last <= ceiling:
                lock.release()
                return "stale"
            pipe = self._r.pipeline(transaction=True)
            pipe.set(self.layout.run_as_of, end)
            pipe.set(self.layout.since, end, nx=True)
            pipe.get(self.layout.since)
            _, _, since = pipe.execute()
            return lock, since.decode()

    def end_run(self, lock: Any) -> None:
        # A lock that expired (a run longer than its TTL) is taken afresh by the next run.
        with (
            redis_errors(CountingStoreError, self._secret),
            contextlib.suppress(redis.exceptions.LockError),
        ):
            lock.release()

    @staticmethod
    def _work(dirty: str) -> str:
        return f"{dirty}:work"

    def take_due(self, end: int) -> tuple[dict[str, list[str]], list[str]]:
        """The key series (by fingerprint; sid "" for a key's summary alone) and providers to
        compute for tick `end`: those with new counts, and those due by now. New counts move
        to a work set, which a run that fails half-way leaves for the next one."""
        L = self.layout
        with redis_errors(CountingStoreError, self._secret):
            pipe = self._r.pipeline(transaction=True)
            for dirty in (L.dirty_keys, L.dirty_rollups):
                pipe.sunionstore(self._work(dirty), [self._work(dirty), dirty])
                pipe.delete(dirty)
                pipe.smembers(self._work(dirty))
            pipe.zrangebyscore(L.sched_keys, "-inf", end)
            pipe.zrangebyscore(L.sched_rollups, "-inf", end)
            _, _, keys, _, _, providers, due_keys, due_providers = pipe.execute()
        by_key: dict[str, list[str]] = {}
        for raw in {*keys, *due_keys}:
            fp, _, sid = raw.decode().partition("|")
            by_key.setdefault(fp, []).append(sid)
        provs = sorted({v.decode() for v in providers} | {v.decode() for v in due_providers})
        return {fp: sorted(by_key[fp]) for fp in sorted(by_key)}, provs

    def read_keys(self, due: Mapping[str, Sequence[str]]) -> dict[str, KeyRead]:
        """Each key's own hash and the series asked for (sid "" asks for none), pipelined."""
        L = self.layout
        names: list[str] = []
        for fp, sids in due.items():
            names.append(L.key(fp))
            names += [L.key_series(fp, sid) for sid in sids if sid]
        with redis_errors(CountingStoreError, self._secret):
            hashes = iter(self._pipelined("hgetall", names))
        out: dict[str, KeyRead] = {}
        for fp, sids in due.items():
            read = parse_key(next(hashes))
            for sid in sids:
                if sid:
                    read.series[sid] = parse_series(next(hashes), Kind.KEY)
            out[fp] = read
        return out

    def read_series(self, fp: str, sids: Sequence[str]) -> dict[str, Series | None]:
        """More of one key's series (all of them when its invalid verdict flips)."""
        with redis_errors(CountingStoreError, self._secret):
            hashes = self._pipelined("hgetall", [self.layout.key_series(fp, s) for s in sids])
        return {sid: parse_series(h, Kind.KEY) for sid, h in zip(sids, hashes, strict=True)}

    def read_providers(self, providers: Sequence[str]) -> dict[str, tuple[str, list[Series]]]:
        """Each provider's document digest and its model series."""
        L = self.layout
        with redis_errors(CountingStoreError, self._secret):
            members = self._pipelined("smembers", [L.provider_models(p) for p in providers])
            digests: Any = self._r.hmget(L.provider_digests, list(providers)) if providers else []
            sids = {
                p: sorted(m.decode() for m in ms) for p, ms in zip(providers, members, strict=True)
            }
            flat = [sid for p in providers for sid in sids[p]]
            hashes = dict(
                zip(flat, self._pipelined("hgetall", [L.series(s) for s in flat]), strict=True)
            )
        out: dict[str, tuple[str, list[Series]]] = {}
        for p, d in zip(providers, digests, strict=True):
            series = [s for sid in sids[p] if (s := _parse_series(hashes[sid])) is not None]
            out[p] = ((d or b"").decode(), series)
        return out

    def _pipelined(self, command: str, names: Sequence[str]) -> list[Any]:
        out: list[Any] = []
        for start in range(0, len(names), _READ_BATCH):
            pipe = self._r.pipeline(transaction=False)
            for name in names[start : start + _READ_BATCH]:
                getattr(pipe, command)(name)
            out += pipe.execute()
        return out

    def commit(self, c: Commit) -> None:
        """After the documents are written: their records, the next due ticks, stale buckets
        trimmed, TTLs renewed, and what is done taken off the work sets."""
        L = self.layout
        with redis_errors(CountingStoreError, self._secret):
            pipe = self._r.pipeline(transaction=False)
            for fp in {*c.series_states, *c.key_records, *c.invalid_flags}:
                fields = key_fields(
                    c.series_states.get(fp, {}), c.key_records.get(fp), c.invalid_flags.get(fp)
                )
                pipe.hset(L.key(fp), mapping=fields)
            for fp, sids in c.gone_series.items():
                pipe.hdel(L.key(fp), *state_fields(sids))
            for (fp, sid), record in c.key_series_records.items():
                pipe.hset(L.key_series(fp, sid), "_d", record)
            for sid, d in c.series_digests.items():
                pipe.hset(L.series(sid), "_d", d)
            if c.provider_digests:
                pipe.hset(L.provider_digests, mapping=c.provider_digests)
            for (fp, sid), st in c.key_stale.items():
                pipe.hdel(L.key_series(fp, sid), *stale_fields(st))
            for sid, st in c.series_stale.items():
                pipe.hdel(L.series(sid), *stale_fields(st))
            for sid in c.alive_series:
                pipe.expire(L.series(sid), SERIES_TTL_S)
            for p in c.alive_providers:
                pipe.expire(L.provider_models(p), SERIES_TTL_S)
            due_keys = {member(fp, sid): at for (fp, sid), at in c.due_keys.items()}
            for zset, due in ((L.sched_keys, due_keys), (L.sched_rollups, c.due_rollups)):
                later = {m: at for m, at in due.items() if at is not None}
                gone = [m for m, at in due.items() if at is None]
                if later:
                    pipe.zadd(zset, later)
                if gone:
                    pipe.zrem(zset, *gone)
            if c.done_keys:
                pipe.srem(self._work(L.dirty_keys), *[member(fp, sid) for fp, sid in c.done_keys])
            if c.done_rollups:
                pipe.srem(self._work(L.dirty_rollups), *c.done_rollups)
            pipe.execute()


def _parse_series(h: dict[bytes, bytes]) -> Series | None:
    """A model series' hash as a Series; None for one gone (expired) or without its meta."""
    return parse_series(h, Kind.MODEL)


def _minute(value: Any) -> int | None:
    """A stored Unix minute; None when absent or not an integer (nothing keywatch wrote)."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
