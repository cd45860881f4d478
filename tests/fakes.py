"""In-memory fakes of the ports, for unit and functional tests."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keywatch.core.classify import Classification
from keywatch.core.health import Bucket, shard_of
from keywatch.core.logentry import LogEntry
from keywatch.core.notify import Push
from keywatch.events import Alert, FailureEvent, SuccessTally
from keywatch.ports import DedupLockError, DeviceToken, SendResult


@dataclass
class FakeLogSink:
    entries: list[LogEntry] = field(default_factory=list)

    def write(self, entry: LogEntry) -> None:
        self.entries.append(entry)


@dataclass
class FakeAlertPublisher:
    alerts: list[Alert] = field(default_factory=list)
    error: Exception | None = None

    def publish(self, alert: Alert) -> None:
        if self.error:
            raise self.error
        self.alerts.append(alert)


@dataclass
class FakeHealthRecorder:
    seen: set[str] = field(default_factory=set)
    failures: list[tuple[FailureEvent, Classification]] = field(default_factory=list)
    tallies: list[SuccessTally] = field(default_factory=list)

    def record_failure(self, event: FailureEvent, c: Classification) -> bool:
        if f"f{event.event_id}" in self.seen:
            return False
        self.seen.add(f"f{event.event_id}")
        self.failures.append((event, c))
        return True

    def record_tally(self, tally: SuccessTally) -> bool:
        if f"t{tally.tally_id}" in self.seen:
            return False
        self.seen.add(f"t{tally.tally_id}")
        self.tallies.append(tally)
        return True


@dataclass
class FakeDedupLock:
    """Same semantics as RedisDedupLock, in a dict; counts operations like round trips."""

    values: dict[str, int] = field(default_factory=dict)
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

    def acquire_pending(self, key: str, ttl_s: int) -> bool:
        with self._lock:
            self._op()
            if f"{key}:pending" in self.values:
                return False
            self.values[f"{key}:pending"] = 1
            return True

    def release_pending(self, key: str) -> None:
        with self._lock:
            self._op()
            self.values.pop(f"{key}:pending", None)

    def commit(self, key: str, ttl_s: int) -> bool:
        with self._lock:
            self._op()
            taken = key not in self.values
            self.values.setdefault(key, 1)
            self.values.pop(f"{key}:pending", None)
            return taken

    def user_count(self, key: str) -> int:
        with self._lock:
            self._op()
            return self.values.get(key, 0)

    def incr_user(self, key: str, ttl_s: int) -> int:
        with self._lock:
            self._op()
            self.values[key] = self.values.get(key, 0) + 1
            return self.values[key]


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


@dataclass
class FakeHealthStore:
    buckets: list[Bucket] = field(default_factory=list)
    written: dict[str, dict[str, object]] = field(default_factory=dict)

    def buckets_since(self, since: datetime, shard: int | None = None) -> Iterable[Bucket]:
        return [
            b
            for b in self.buckets
            if b.minute >= since and (shard is None or shard_of(b.key_fingerprint) == shard)
        ]

    def write_health(self, docs: dict[str, dict[str, object]]) -> int:
        self.written.update(docs)
        return len(docs)


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
