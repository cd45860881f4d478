"""The roles the services need from the outside world, as Protocols.

Adapters are named by technology (RedisDedupLock, FirestoreTokenStore, FcmPushSender); the
service code only ever sees these roles, so tests can hand it fakes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from keywatch.core.classify import Classification
from keywatch.core.health import Bucket
from keywatch.core.logentry import LogEntry
from keywatch.core.notify import Push
from keywatch.events import Alert, FailureEvent, SuccessTally


class KeywatchError(Exception):
    """Base of keywatch's own errors."""


class TransientError(KeywatchError):
    """A dependency is down or slow: raise it so Pub/Sub redelivers the message."""


class AlertPublisherError(TransientError):
    pass


class DedupLockError(TransientError):
    pass


class TokenStoreError(TransientError):
    pass


class PushSenderError(TransientError):
    pass


class HealthStoreError(TransientError):
    pass


class LogSink(Protocol):
    def write(self, entry: LogEntry) -> None: ...


class AlertPublisher(Protocol):
    def publish(self, alert: Alert) -> None: ...


class HealthRecorder(Protocol):
    """Records what the health function needs. Idempotent: a redelivered event counts once."""

    def record_failure(self, event: FailureEvent, c: Classification) -> bool: ...

    def record_tally(self, tally: SuccessTally) -> bool: ...


class DedupLock(Protocol):
    def is_done(self, key: str) -> bool: ...

    def acquire_pending(self, key: str, ttl_s: int) -> bool: ...

    def release_pending(self, key: str) -> None: ...

    def commit(self, key: str, ttl_s: int) -> bool: ...

    def user_count(self, key: str) -> int: ...

    def incr_user(self, key: str, ttl_s: int) -> int: ...


@dataclass(frozen=True, slots=True)
class DeviceToken:
    ref: str  # where it is stored, so it can be deleted
    token: str


class TokenStore(Protocol):
    def tokens(self, uid: str) -> list[DeviceToken]: ...

    def delete(self, tokens: Sequence[DeviceToken]) -> None: ...


@dataclass(frozen=True, slots=True)
class SendResult:
    token: DeviceToken
    ok: bool
    error_code: str | None = None  # FCM error code: UNREGISTERED, UNAVAILABLE, ...
    dead: bool = False  # the token itself will never work again: delete it


class PushSender(Protocol):
    def send(self, tokens: Sequence[DeviceToken], push: Push) -> list[SendResult]: ...


class HealthStore(Protocol):
    def buckets_since(self, since: datetime, shard: int | None = None) -> Iterable[Bucket]: ...

    def write_health(self, docs: dict[str, dict[str, object]]) -> int: ...
