"""In-memory fakes of the ports, for unit and functional tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from keywatch.core.classify import Classification
from keywatch.core.counting import (
    KeyRead,
    RecordResult,
    TallyCount,
)
from keywatch.core.health import Series
from keywatch.core.keystatus import KeyStatus
from keywatch.core.logentry import LogEntry
from keywatch.core.notify import Push
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


@dataclass
class FakeCounter:
    """Counts as classify sees it: each failure and each tally batch once, by its id. What
    the counts add up to is the real store's (RedisCountingStore, tested on redis-server)."""

    failures: dict[str, tuple[FailureEvent, Classification]] = field(default_factory=dict)
    tallies: dict[str, list[TallyCount]] = field(default_factory=dict)
    down: bool = False

    def record_failure(self, event: FailureEvent, c: Classification) -> bool:
        self._check()
        if str(event.event_id) in self.failures:
            return False
        self.failures[str(event.event_id)] = (event, c)
        return True

    def record_tallies(self, batch_id: str, groups: Sequence[TallyCount]) -> RecordResult:
        self._check()
        if batch_id in self.tallies:
            return RecordResult(False)
        self.tallies[batch_id] = list(groups)
        return RecordResult(True)

    def _check(self) -> None:
        if self.down:
            raise CountingStoreError("redis: connection refused")


@dataclass
class IdleCountSource:
    """A counting store with nothing counted: a health run over it computes nothing."""

    def begin_run(self, end: int, lock_ttl_s: int, ceiling: int) -> tuple[Any, str] | str:
        return object(), str(end)

    def end_run(self, lock: Any) -> None:
        pass

    def take_due(self, end: int) -> tuple[dict[str, list[str]], list[str]]:
        return {}, []

    def read_keys(self, due: Any) -> dict[str, KeyRead]:
        return {}

    def read_series(self, fp: str, sids: Sequence[str]) -> dict[str, Series | None]:
        return {}

    def read_providers(self, providers: Sequence[str]) -> dict[str, tuple[str, list[Series]]]:
        return {}

    def commit(self, c: Commit) -> None:
        pass


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
    """Claims and the told index in dicts (TTLs, the index's 24-hour trim and the incident
    bucket are the script's, tested on redis-server). `lock` shares notify's told index, as
    the two share one Redis."""

    claims: dict[str, str] = field(default_factory=dict)
    lock: FakeDedupLock | None = None
    told: dict[str, set[tuple[str, float]]] = field(default_factory=dict)

    def claim(
        self,
        key: str,
        event_id: str,
        ttl_s: int,
        fingerprint: str = "",
        failed_at: float = 0.0,
        incident_bucket: str = "",
    ) -> bool:
        if key not in self.claims:
            self.claims[key] = event_id
            index = self.told.setdefault(fingerprint, set())
            index.add((key, failed_at))
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
    """Scripted: the test names the (provider, reason) pairs in an incident. The first alert of
    one is told "opened" (its redelivery too), the rest "held", any other pair "quiet". The
    rule that opens one is lua/incident_guard.lua's, tested against redis-server."""

    incidents: set[tuple[str, str]] = field(default_factory=set)
    distinct: int = 25  # what an incident's checks report
    baseline: float = 0.0
    threshold: int = 20
    # Each check: (provider, reason, fingerprint, minute, event_id).
    calls: list[tuple[str, str, str, int, str]] = field(default_factory=list)
    openers: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, provider: str = "openai", reason: str = "invalid_key") -> None:
        self.incidents.add((provider, reason))

    def check(
        self, provider: str, reason: str, fingerprint: str, minute: int, event_id: str
    ) -> IncidentCheck:
        with self._lock:
            self.calls.append((provider, reason, fingerprint, minute, event_id))
            pair = (provider, reason)
            if pair not in self.incidents:
                return IncidentCheck("quiet", 0, self.baseline, self.threshold)
            opener, opened = self.openers.setdefault(pair, (event_id, minute))
            state = "opened" if opener == event_id else "held"
            return IncidentCheck(state, self.distinct, self.baseline, self.threshold, opened)
