"""In-memory fakes of the ports, for unit and functional tests."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from keywatch.core.classify import Classification, counts_against_provider
from keywatch.core.counting import (
    RECENT_FAILURES,
    Group,
    KeyRead,
    RecordResult,
    TallyCount,
    countable_minute,
    member,
)
from keywatch.core.health import Counts, Kind, Series, series_id
from keywatch.core.keys import Layout
from keywatch.core.keystatus import KeyStatus
from keywatch.core.logentry import LogEntry
from keywatch.core.notify import (
    INCIDENT_BASELINE_MINUTES,
    Push,
    incident_threshold,
)
from keywatch.events import Alert, FailureEvent, KeyRestored
from keywatch_functions.errors import (
    CountingStoreError,
    DedupLockError,
    HealthStoreError,
    KeyStatusStoreError,
)
from keywatch_functions.ports import (
    Commit,
    DeviceToken,
    IncidentCheck,
    KeyOwner,
    Restored,
    SendResult,
    WebhookResult,
)


@dataclass
class FakeLogSink:
    entries: list[LogEntry] = field(default_factory=list)

    def write(self, entry: LogEntry) -> None:
        self.entries.append(entry)


@dataclass
class FakeAlertPublisher:
    alerts: list[Alert | KeyRestored] = field(default_factory=list)
    error: Exception | None = None

    def publish(self, alert: Alert | KeyRestored) -> None:
        if self.error:
            raise self.error
        self.alerts.append(alert)


class FakeCountingStore:
    """The counting store's semantics (RedisCountingStore) in dicts: counts each event once,
    recoveries in either order, the health run's lock, work sets, schedule and digests."""

    def __init__(self, now: Callable[[], float] | None = None) -> None:
        import time

        self.clock = now or time.time
        self.markers: set[str] = set()
        self.failures: dict[str, tuple[str, int] | None] = {}  # event id -> recovery target
        self.recoveries: dict[str, str] = {}  # event id -> "p <provider>" (ahead), "1", "x"
        self.failure_providers: dict[str, str] = {}
        self.keys: dict[str, dict[str, Series]] = {}  # fp -> model -> series
        self.key_fields: dict[str, dict[str, str]] = {}  # as the key's hash holds them
        self.key_facts: dict[str, dict[str, Any]] = {}  # fp -> li, ls, ti (key-wide)
        self.models: dict[str, Series] = {}  # model sid -> series
        self.by_provider: dict[str, set[str]] = {}
        self.provider_digests: dict[str, str] = {}
        self.dirty_keys: set[str] = set()
        self.dirty_providers: set[str] = set()
        self.work_keys: set[str] = set()
        self.work_providers: set[str] = set()
        self.sched_keys: dict[str, int] = {}
        self.sched_providers: dict[str, int] = {}
        self.locked = False
        self.as_of: int | None = None
        self.since: int | None = None
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise CountingStoreError("redis: connection refused")

    def _series(self, g: Group) -> tuple[Series, Series]:
        ks = self.keys.setdefault(g.key_fingerprint, {}).get(g.model)
        if ks is None:
            ks = self.keys[g.key_fingerprint][g.model] = Series(
                Kind.KEY, g.provider, g.model, g.key_fingerprint, g.source
            )
        self.key_fields.setdefault(g.key_fingerprint, {}).setdefault(f"m:{ks.sid}", "")
        msid = series_id(Kind.MODEL, g.provider, g.model)
        ms = self.models.get(msid)
        if ms is None:
            ms = self.models[msid] = Series(Kind.MODEL, g.provider, g.model)
            self.by_provider.setdefault(g.provider, set()).add(msid)
        self.dirty_keys.add(member(g.key_fingerprint, ks.sid))
        self.dirty_providers.add(g.provider)
        return ks, ms

    @staticmethod
    def _bucket(s: Series, minute: int, hour: bool) -> Counts:
        buckets, index = (s.hours, minute // 60) if hour else (s.minutes, minute)
        return buckets.setdefault(index, Counts())

    def record_failure(self, event: FailureEvent, c: Classification) -> bool:
        self._check()
        now = self.clock()
        minute = countable_minute(event.occurred_at, now)
        marker = f"f{event.event_id}"
        if minute is None or marker in self.markers:
            return False
        self.markers.add(marker)
        g = Group(event.provider, event.model, event.key_fingerprint, event.source.value)
        ks, ms = self._series(g)
        against = counts_against_provider(c.reason, event.source)
        reason = c.reason.value
        for s in (ks, ms):
            for hour in (False, True):
                b = self._bucket(s, minute, hour)
                b.failures[reason] = b.failures.get(reason, 0) + 1
                if s is ms and against:
                    b.provider_failures += 1
        at = round(min(event.occurred_at.timestamp(), minute * 60 + 59.999), 3)
        ks.last_failure[reason] = max(ks.last_failure.get(reason, 0.0), at)
        ks.recent = sorted([*ks.recent, (at, reason)])[-RECENT_FAILURES:]
        if reason == "invalid_key":
            kf = self.key_facts.setdefault(event.key_fingerprint, {})
            kf["li"] = max(kf.get("li", 0.0), at)
            kf["ti"] = sorted([*kf.get("ti", []), at])[-RECENT_FAILURES:]
        eid = str(event.event_id)
        self.failures[eid] = (ms.sid, minute) if against else None
        self.failure_providers[eid] = event.provider
        held = self.recoveries.get(eid, "")
        if held.startswith("p"):
            if held != f"p {event.provider}":
                self.recoveries[eid] = "x"  # a recovery from another provider: skipped
                return True
            self.recoveries[eid] = "1"
            self._recover(eid)
        return True

    def _recover(self, eid: str) -> None:
        target = self.failures.get(eid)
        if target is None:
            return
        msid, minute = target
        ms = self.models[msid]
        for hour in (False, True):
            self._bucket(ms, minute, hour).recovered += 1
        self.dirty_providers.add(ms.provider)

    def record_tallies(self, batch_id: str, groups: Sequence[TallyCount]) -> RecordResult:
        self._check()
        marker = f"t{batch_id}"
        if marker in self.markers:
            return RecordResult(False)
        self.markers.add(marker)
        now = self.clock()
        applied = ahead = mismatched = 0
        for t in groups:
            ks, ms = self._series(t.group)
            minutes = [(m, n) for m, n in t.successes if n > 0 and countable_minute(m * 60, now)]
            for m, n in minutes:
                for s in (ks, ms):
                    for hour in (False, True):
                        self._bucket(s, m, hour).successes += n
            if minutes:
                last = t.last_success or max(m for m, _ in minutes) * 60.0
                ks.last_success = max(ks.last_success or 0.0, last)
                kf = self.key_facts.setdefault(t.group.key_fingerprint, {})
                kf["ls"] = max(kf.get("ls", 0.0), last)
            for eid in t.recovered:
                fprovider = self.failure_providers.get(eid)
                if fprovider is not None and fprovider != t.group.provider:
                    mismatched += 1
                    continue
                if eid in self.recoveries:
                    continue
                if eid in self.failures:
                    self.recoveries[eid] = "1"
                    self._recover(eid)
                    applied += 1
                else:
                    self.recoveries[eid] = f"p {t.group.provider}"
                    ahead += 1
        return RecordResult(True, applied, ahead, mismatched)

    # -- the health run's side
    def begin_run(self, end: int, lock_ttl_s: int, ceiling: int) -> tuple[Any, str] | str:
        self._check()
        if self.locked:
            return "busy"
        if self.as_of is not None and end < self.as_of <= ceiling:
            return "stale"
        self.locked = True
        self.as_of = end
        self.since = self.since or end
        return object(), str(self.since)

    def end_run(self, lock: Any) -> None:
        self.locked = False

    def take_due(self, end: int) -> tuple[dict[str, list[str]], list[str]]:
        self._check()
        self.work_keys |= self.dirty_keys
        self.work_providers |= self.dirty_providers
        self.dirty_keys, self.dirty_providers = set(), set()
        members = self.work_keys | {k for k, at in self.sched_keys.items() if at <= end}
        provs = self.work_providers | {p for p, at in self.sched_providers.items() if at <= end}
        due: dict[str, list[str]] = {}
        for m in sorted(members):
            fp, _, sid = m.partition("|")
            due.setdefault(fp, []).append(sid)
        return due, sorted(provs)

    def _key_series(self, fp: str, sid: str) -> Series | None:
        for s in self.keys.get(fp, {}).values():
            if s.sid == sid:
                copied = copy.deepcopy(s)
                copied.digest = self.key_fields.get(fp, {}).get(f"{sid}|_d", "")
                return copied
        return None

    def read_keys(self, due: Any) -> dict[str, KeyRead]:
        self._check()
        out = {}
        for fp, sids in due.items():
            fields = self.key_fields.get(fp, {})
            kf = self.key_facts.get(fp, {})
            states = {}
            for name, value in fields.items():
                if name.startswith("m:"):
                    state, _, model = value.partition(" ")
                    states[name[2:]] = (state, model)
            out[fp] = KeyRead(
                record=fields.get("_d", ""),
                invalid=fields.get("_i", ""),
                last_invalid=kf.get("li"),
                last_success=kf.get("ls"),
                invalid_times=tuple(kf.get("ti", ())),
                states=states,
                series={sid: self._key_series(fp, sid) for sid in sids if sid},
            )
        return out

    def read_series(self, fp: str, sids: Sequence[str]) -> dict[str, Series | None]:
        self._check()
        return {sid: self._key_series(fp, sid) for sid in sids}

    def read_providers(self, providers: Sequence[str]) -> dict[str, tuple[str, list[Series]]]:
        self._check()
        return {
            p: (
                self.provider_digests.get(p, ""),
                [copy.deepcopy(self.models[sid]) for sid in sorted(self.by_provider.get(p, ()))],
            )
            for p in providers
        }

    def commit(self, c: Commit) -> None:
        self._check()
        for fp, fields in c.key_fields.items():
            self.key_fields.setdefault(fp, {}).update(fields)
        for fp, sids in c.key_gone.items():
            for sid in sids:
                self.key_fields.get(fp, {}).pop(f"m:{sid}", None)
        for (fp, sid), record in c.key_series_records.items():
            self.key_fields.setdefault(fp, {})[f"{sid}|_d"] = record
        for sid, d in c.series_digests.items():
            self.models[sid].digest = d
        self.provider_digests.update(c.provider_digests)
        for (fp, sid), names in c.key_trims.items():
            for s in self.keys.get(fp, {}).values():
                if s.sid == sid:
                    _trim(s, names, "")
        for sid, names in c.series_trims.items():
            _trim(self.models[sid], names, "")
        for sched, due in ((self.sched_keys, c.due_keys), (self.sched_providers, c.due_rollups)):
            for m, at in due.items():
                if at is None:
                    sched.pop(m, None)
                else:
                    sched[m] = at
        self.work_keys -= set(c.done_keys)
        self.work_providers -= set(c.done_rollups)


def _trim(s: Series, names: list[str], prefix: str) -> None:
    for name in names:
        if not name.startswith(prefix):
            continue
        head = name[len(prefix) :].partition(":")[0]
        if head.startswith("h"):
            s.hours.pop(int(head[1:]), None)
        else:
            s.minutes.pop(int(head), None)


@dataclass
class FakeHealthDocs:
    docs: dict[str, dict[str, object]] = field(default_factory=dict)
    writes: int = 0
    deletes: int = 0
    down: bool = False
    refuse: set[str] = field(default_factory=set)  # paths refused for good, as a 400

    def write(
        self, docs: dict[str, dict[str, Any]], deletes: Sequence[str] = ()
    ) -> list[tuple[str, str]]:
        if self.down:
            raise HealthStoreError("firestore: unavailable")
        rejected = [(p, "InvalidArgument: refused") for p in [*docs, *deletes] if p in self.refuse]
        self.docs.update({p: d for p, d in docs.items() if p not in self.refuse})
        for path in deletes:
            self.docs.pop(path, None)
        self.writes += len(docs)
        self.deletes += len(deletes)
        return rejected


@dataclass
class FakeDedupLock:
    """Same semantics as RedisDedupLock, in a dict; counts operations like round trips."""

    values: dict[str, Any] = field(default_factory=dict)
    told: dict[str, set[tuple[str, float]]] = field(default_factory=dict)  # the told index
    owners: dict[str, dict[tuple[str, str], float]] = field(default_factory=dict)
    ops: int = 0
    down: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _op(self) -> None:
        if self.down:
            raise DedupLockError("redis: connection refused")
        self.ops += 1

    def is_done(self, key: str) -> bool:
        with self._lock:
            self._op()
            return key in self.values

    def acquire(self, key: str, token: str, pending_ttl_s: int, cap_key: str, cap: int) -> str:
        with self._lock:
            self._op()
            if key in self.values:
                return "done"
            if f"{key}:pending" in self.values:
                return "busy"
            if self.values.get(cap_key, 0) >= cap:
                return "capped"
            self.values[f"{key}:pending"] = token
            self.values[cap_key] = self.values.get(cap_key, 0) + 1
            return "ok"

    def release(self, key: str, token: str, cap_key: str) -> bool:
        with self._lock:
            self._op()
            if self.values.get(f"{key}:pending") != token:
                return False
            self.values.pop(f"{key}:pending")
            if self.values.get(cap_key, 0) > 0:
                self.values[cap_key] -= 1
            return True

    def commit(
        self, key: str, token: str, ttl_s: int, fingerprint: str = "", failed_at: float = 0.0
    ) -> bool:
        with self._lock:
            self._op()
            taken = key not in self.values
            self.values.setdefault(key, 1)
            if fingerprint:
                self.told.setdefault(fingerprint, set()).add((key, failed_at))
            if self.values.get(f"{key}:pending") == token:
                self.values.pop(f"{key}:pending")
            return taken

    def user_count(self, key: str) -> int:
        with self._lock:
            self._op()
            return int(self.values.get(key, 0))

    def mark(self, key: str, ttl_s: int) -> None:
        with self._lock:
            self._op()
            self.values[key] = 1

    def note_owner(self, owner: KeyOwner) -> None:
        with self._lock:
            self._op()
            index = self.owners.setdefault(owner.fingerprint, {})
            pair = (owner.uid, owner.provider)
            index[pair] = max(index.get(pair, 0.0), owner.failed_at)


@dataclass
class FakeKeyStatusStore:
    """FirestoreKeyStatusStore in a dict, keyed (uid, provider)."""

    docs: dict[tuple[str, str], KeyStatus] = field(default_factory=dict)
    writes: int = 0
    down: bool = False

    def update(
        self, uid: str, provider: str, change: Callable[[KeyStatus | None], KeyStatus | None]
    ) -> KeyStatus | None:
        if self.down:
            raise KeyStatusStoreError("firestore: unavailable")
        current = self.docs.get((uid, provider))
        new = change(current)
        if new is not None:
            self.docs[(uid, provider)] = new
            self.writes += 1
        return current


@dataclass
class FakeWebhookSender:
    """Answers `outcome` (delivered, gone, rejected, retry) and records what it was given."""

    outcome: str = "delivered"
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def deliver(
        self, webhook_id: str, event_type: str, data: dict[str, Any], timestamp: Any = None
    ) -> WebhookResult:
        self.calls.append((webhook_id, event_type, data))
        return WebhookResult(self.outcome, {"delivered": 204, "gone": 410}.get(self.outcome))


@dataclass
class FakeTokenStore:
    by_uid: dict[str, list[str]] = field(default_factory=dict)
    reads: int = 0
    deleted: list[str] = field(default_factory=list)

    def tokens(self, uid: str) -> list[DeviceToken]:
        self.reads += 1
        return [DeviceToken(f"users/{uid}/fcm_tokens/{t}", t) for t in self.by_uid.get(uid, [])]

    def delete(self, tokens: Sequence[DeviceToken]) -> None:
        for t in tokens:
            self.deleted.append(t.token)
            for toks in self.by_uid.values():
                if t.token in toks:
                    toks.remove(t.token)


@dataclass
class FakePushSender:
    """Tokens starting with dead- are UNREGISTERED; `outage` fails every live token."""

    sent: list[tuple[str, Push]] = field(default_factory=list)
    calls: int = 0
    outage: str | None = None

    def send(self, tokens: Sequence[DeviceToken], push: Push) -> list[SendResult]:
        self.calls += 1
        out = []
        for t in tokens:
            if t.token.startswith("dead-"):
                out.append(SendResult(t, ok=False, error_code="UNREGISTERED", dead=True))
            elif self.outage:
                out.append(SendResult(t, ok=False, error_code=self.outage))
            else:
                self.sent.append((t.token, push))
                out.append(SendResult(t, ok=True))
        return out


class FakePublisherClient:
    """Stands in for google-cloud-pubsub's PublisherClient: records, or hangs, or fails."""

    def __init__(self, hang: threading.Event | None = None, fail: bool = False) -> None:
        self.messages: list[tuple[bytes, dict[str, str]]] = []
        self.hang = hang  # publish() blocks until this is set: Pub/Sub unreachable until then
        self.fail = fail

    def topic_path(self, project: str, topic: str) -> str:
        return f"projects/{project}/topics/{topic}"

    def publish(
        self, topic: str, data: bytes, retry: Any = None, timeout: float | None = None, **attrs: str
    ) -> Any:
        from concurrent.futures import Future

        if self.hang is not None:
            self.hang.wait()
        fut: Future[str] = Future()
        if self.fail:
            fut.set_exception(RuntimeError("503 unavailable"))
        else:
            self.messages.append((data, attrs))
            fut.set_result(str(len(self.messages)))
        return fut

    def events(self) -> list[dict[str, Any]]:
        import json

        return [json.loads(d) for d, _ in self.messages]

    def tally_groups(self) -> list[dict[str, Any]]:
        """The groups of every `tallies` message, each with `successes` (its total) and its
        batch's window."""
        out = []
        for e in self.events():
            if e["type"] != "tallies":
                continue
            for g in e["groups"]:
                total = sum(g.get("successes_by_minute", {}).values())
                window = {"window_start": e["window_start"], "window_end": e["window_end"]}
                out.append({**g, **window, "successes": total})
        return out


class ControlledPublisherClient(FakePublisherClient):
    """A publisher whose futures the test settles: `hold()` keeps them pending (a publish that
    hangs), `fail_held()` fails them, `mode` decides new ones ("ok", "hang", "fail")."""

    def __init__(self) -> None:
        super().__init__()
        self.mode = "ok"
        self.pending: list[tuple[Any, bytes, dict[str, str]]] = []
        self.attempts = 0
        self._lock = threading.Lock()

    def publish(
        self, topic: str, data: bytes, retry: Any = None, timeout: float | None = None, **attrs: str
    ) -> Any:
        from concurrent.futures import Future

        fut: Future[str] = Future()
        with self._lock:
            self.attempts += 1
            if self.mode == "hang":
                self.pending.append((fut, data, attrs))
                return fut
        if self.mode == "fail":
            fut.set_exception(RuntimeError("503 unavailable"))
        else:
            with self._lock:
                self.messages.append((data, attrs))
            fut.set_result("ok")
        return fut

    def fail_held(self) -> None:
        with self._lock:
            held, self.pending = self.pending, []
        for fut, _, _ in held:
            fut.set_exception(RuntimeError("504 deadline exceeded"))

    def deliver_held(self) -> None:
        """The held publishes reached Pub/Sub after all (a deadline that fired late)."""
        with self._lock:
            held, self.pending = self.pending, []
            self.messages += [(d, a) for _, d, a in held]
        for fut, _, _ in held:
            fut.set_result("ok")


@dataclass
class FakeAlertGate:
    """RedisAlertGate's semantics in dicts (TTLs not modelled). `lock` shares notify's told
    index, as the two share one Redis."""

    claims: dict[str, str] = field(default_factory=dict)
    lock: FakeDedupLock | None = None
    told: dict[str, set[tuple[str, float]]] = field(default_factory=dict)
    # The incident guard's minute buckets, shared with a FakeIncidentGuard as Redis shares them.
    buckets: dict[str, set[str]] = field(default_factory=dict)

    def claim(
        self,
        key: str,
        event_id: str,
        ttl_s: int,
        fingerprint: str = "",
        failed_at: float = 0.0,
        incident_bucket: str = "",
    ) -> bool:
        if incident_bucket:
            self.buckets.setdefault(incident_bucket, set()).add(fingerprint)
        if key not in self.claims:
            self.claims[key] = event_id
            index = self.told.setdefault(fingerprint, set())
            index.add((key, failed_at))
            index -= {e for e in index if e[1] < failed_at - 86400}  # as the Lua trims it
            return True
        return self.claims[key] == event_id

    def release(self, key: str, event_id: str) -> None:
        if self.claims.get(key) == event_id:
            del self.claims[key]

    def restored(self, successes: dict[str, float]) -> Restored:
        cleared = 0
        owners: list[KeyOwner] = []
        for fp, ok in successes.items():
            for index, store in ((self.told, self.claims), *self._notify()):
                for entry in sorted(index.get(fp, set())):
                    key, at = entry
                    if at < ok:
                        cleared += store.pop(key, None) is not None
                        index[fp].discard(entry)
            if self.lock is not None:
                for (uid, provider), at in sorted(self.lock.owners.get(fp, {}).items()):
                    if at < ok:
                        owners.append(KeyOwner(fp, uid, provider, at))
        return Restored(cleared, owners)

    def forget_owners(self, owners: Sequence[KeyOwner]) -> None:
        if self.lock is None:
            return
        for o in owners:
            index = self.lock.owners.get(o.fingerprint, {})
            if index.get((o.uid, o.provider), float("inf")) <= o.failed_at:
                del index[(o.uid, o.provider)]

    def _notify(self) -> list[tuple[dict[str, set[tuple[str, float]]], dict[str, Any]]]:
        return [(self.lock.told, self.lock.values)] if self.lock is not None else []


@dataclass
class FakeIncidentGuard:
    """RedisIncidentGuard's rules with exact sets instead of HyperLogLogs (TTLs not modelled)."""

    min_keys: int = 20
    factor: float = 10.0
    buckets: dict[str, set[str]] = field(default_factory=dict)
    open: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(
        self, provider: str, reason: str, fingerprint: str, minute: int, event_id: str
    ) -> IncidentCheck:
        layout = Layout()
        base = layout.incident(provider, reason)

        def bucket(m: int) -> set[str]:
            return self.buckets.setdefault(layout.incident_bucket(provider, reason, m), set())

        with self._lock:
            self.calls += 1
            if fingerprint:
                bucket(minute).add(fingerprint)
            distinct = len(bucket(minute - 1) | bucket(minute) | bucket(minute + 1))
            state = self.open.get(base)
            if state is not None:
                baseline = state["baseline"]
            else:
                first = minute - 1 - INCIDENT_BASELINE_MINUTES
                counts = sorted(len(bucket(k)) for k in range(first, minute - 1))
                half = INCIDENT_BASELINE_MINUTES // 2
                baseline = (counts[half - 1] + counts[half]) / 2
            threshold = incident_threshold(baseline, self.min_keys, self.factor)
            if state is not None:
                if distinct * 2 >= threshold:
                    verdict = "opened" if state["opener"] == event_id else "held"
                    return IncidentCheck(verdict, distinct, baseline, threshold, state["opened"])
                return IncidentCheck("quiet", distinct, baseline, threshold, state["opened"])
            if distinct >= threshold:
                self.open[base] = {"opened": minute, "baseline": baseline, "opener": event_id}
                return IncidentCheck("opened", distinct, baseline, threshold, minute)
            return IncidentCheck("quiet", distinct, baseline, threshold, 0)
