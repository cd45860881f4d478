"""The roles the services need from the outside world, as Protocols.

Adapters are named by technology (RedisDedupLock, FirestoreTokenStore, FcmPushSender); the
service code only ever sees these roles, so tests can hand it fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from keywatch.core.classify import Classification
from keywatch.core.counting import KeyRead, RecordResult, Stale, TallyCount
from keywatch.core.daily import SliPoint
from keywatch.core.health import Series
from keywatch.core.keystatus import KeyStatus
from keywatch.core.logentry import LogEntry
from keywatch.core.notify import Push
from keywatch.core.statusfeed import Corroboration
from keywatch.events import Alert, FailureEvent, KeyRestored


class LogSink(Protocol):
    def write(self, entry: LogEntry) -> None: ...


class AlertPublisher(Protocol):
    def publish(self, alert: Alert | KeyRestored) -> None: ...


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """A (uid, provider) whose status document names this broken key (the owners index)."""

    fingerprint: str
    uid: str
    provider: str
    failed_at: float  # the latest failure noted for it (epoch s)


@dataclass(frozen=True, slots=True)
class Restored:
    cleared: int  # told markers and alert claims cleared
    owners: list[KeyOwner] = field(default_factory=list)  # statuses that may turn ok


class Counter(Protocol):
    """Counts what the health function needs. Idempotent: a redelivered event counts once."""

    def record_failure(self, event: FailureEvent, c: Classification) -> bool: ...

    def record_tallies(self, batch_id: str, groups: Sequence[TallyCount]) -> RecordResult: ...


class AlertGate(Protocol):
    """One alert per problem: classify claims (uid, provider, reason, key) for a short window
    before it publishes, so notify's invocations follow problems, not failures."""

    def claim(
        self,
        key: str,
        event_id: str,
        ttl_s: int,
        fingerprint: str,
        failed_at: float,
        incident_bucket: str = "",
    ) -> bool:
        """True if this event may alert: the key was free, or this event holds it already (a
        redelivery after a crash). Every call, claimed or not, adds the fingerprint to
        `incident_bucket` (the minute's distinct failing keys) when one is given."""
        ...

    def restored(self, successes: dict[str, float]) -> Restored:
        """Clear the told markers and claims of keys that succeeded after those failures, and
        say which users' statuses name those keys as broken since before the success."""
        ...

    def forget_owners(self, owners: Sequence[KeyOwner]) -> None:
        """Drop owners whose restoration was published, unless a later failure renewed them."""
        ...

    def release(self, key: str, event_id: str) -> None:
        """Give the claim back (the publish failed): the retry alerts."""
        ...


@dataclass(frozen=True, slots=True)
class IncidentCheck:
    """What the provider-incident guard says about one alert's (provider, reason)."""

    state: str  # "quiet": push; "opened": this alert opened an incident (log it); "held"
    distinct: int  # distinct keys failing in the 3-minute window around the failure
    baseline: float  # median distinct keys per minute over the hour before
    threshold: int  # the count that opens an incident
    opened_minute: int = 0  # the epoch minute the open incident started in

    @property
    def holds(self) -> bool:
        return self.state != "quiet"


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """A suspected provider incident the guard opened (adapters/redis_lock.py's ledger)."""

    id: str
    provider: str
    reason: str
    opened_minute: int
    distinct_keys: int
    baseline_per_minute: float
    threshold: int
    open: bool  # the guard still holds pushes for it


class IncidentSource(Protocol):
    def recent(self, now_s: float) -> list[IncidentRecord]:
        """The incidents opened in the last 7 days, open or not."""
        ...


class Corroborator(Protocol):
    """Asks a provider's own status feed whether it reports an incident
    (adapters/statusfeed.py); bounded and cached, never raises."""

    def corroborate(self, provider: str) -> Corroboration: ...


class IncidentGuard(Protocol):
    def check(
        self, provider: str, reason: str, fingerprint: str, minute: int, event_id: str
    ) -> IncidentCheck:
        """Count `fingerprint` as failing in `minute` ("" to only read) and say whether
        (provider, reason) is in a suspected incident. A redelivery of the alert that opened
        it is told `opened` again (its log entry has a fixed insertId)."""
        ...


class DedupLock(Protocol):
    def is_done(self, key: str) -> bool: ...

    def acquire(self, key: str, token: str, pending_ttl_s: int, cap_key: str, cap: int) -> str:
        """`done`, `busy`, `capped` or `ok` (the marker and a cap slot held), atomically."""
        ...

    def release(self, key: str, token: str, cap_key: str) -> bool: ...

    def commit(
        self, key: str, token: str, ttl_s: int, fingerprint: str, failed_at: float
    ) -> bool: ...

    def user_count(self, key: str) -> int: ...

    def mark(self, key: str, ttl_s: int) -> None:
        """Set a flag (the webhook endpoint's 410 Gone) for `ttl_s`."""
        ...

    def note_owner(self, owner: KeyOwner) -> None:
        """Index (uid, provider) under the key's fingerprint, so that a success of that key,
        which carries no uid, finds the status to clear (AlertGate.restored)."""
        ...


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


class KeyStatusStore(Protocol):
    """The app's view of its user's keys: users/{uid}/keywatch_keys/{provider}."""

    def update(
        self, uid: str, provider: str, change: Callable[[KeyStatus | None], KeyStatus | None]
    ) -> KeyStatus | None:
        """Read the status and write `change(status)` when it is not None, atomically (the
        change may run more than once: it must be pure). Returns the status read."""
        ...


@dataclass(frozen=True, slots=True)
class WebhookResult:
    outcome: str  # delivered | gone | rejected | retry
    status: int | None = None
    why: str = ""


class WebhookSender(Protocol):
    def deliver(
        self,
        webhook_id: str,
        event_type: str,
        data: dict[str, Any],
        timestamp: datetime | None = None,
    ) -> WebhookResult: ...


class CountSource(Protocol):
    """The health run's view of the counting store (see RedisCountingStore)."""

    def begin_run(self, end: int, lock_ttl_s: int, ceiling: int) -> tuple[Any, str] | str: ...

    def end_run(self, lock: Any) -> None: ...

    def take_due(self, end: int) -> tuple[dict[str, list[str]], list[str]]: ...

    def read_keys(self, due: Mapping[str, Sequence[str]]) -> dict[str, KeyRead]: ...

    def read_series(self, fp: str, sids: Sequence[str]) -> dict[str, Series | None]: ...

    def read_providers(self, providers: Sequence[str]) -> dict[str, tuple[str, list[Series]]]: ...

    def commit(self, c: Commit) -> None: ...


@dataclass(slots=True)
class Commit:
    """What a health run tells the counting store after writing a chunk of documents. A key
    series is (fingerprint, sid); sid "" stands for the key's summary alone."""

    # Per key: the state and model of each series' document that changed (what the key's
    # other documents show of it), the series with no data left, its summary's record, and
    # the invalid flag its documents were computed with (KeyRead reads them back).
    series_states: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    gone_series: dict[str, list[str]] = field(default_factory=dict)
    key_records: dict[str, str] = field(default_factory=dict)
    invalid_flags: dict[str, str] = field(default_factory=dict)
    # Records (core.writes.Written) of the documents written: key series', model series'
    # (by sid) and providers'.
    key_series_records: dict[tuple[str, str], str] = field(default_factory=dict)
    series_digests: dict[str, str] = field(default_factory=dict)
    provider_digests: dict[str, str] = field(default_factory=dict)
    # Buckets no window reads any more, by key series and by model series.
    key_stale: dict[tuple[str, str], Stale] = field(default_factory=dict)
    series_stale: dict[str, Stale] = field(default_factory=dict)
    # Model series and providers with data still in a window: kept alive (a key's data is
    # kept alive by every count).
    alive_series: list[str] = field(default_factory=list)
    alive_providers: list[str] = field(default_factory=list)
    # The tick each key series and provider is next due; None: nothing left to compute.
    due_keys: dict[tuple[str, str], int | None] = field(default_factory=dict)
    due_rollups: dict[str, int | None] = field(default_factory=dict)
    # What this chunk computed, off the work sets.
    done_keys: list[tuple[str, str]] = field(default_factory=list)
    done_rollups: list[str] = field(default_factory=list)


class SliSink(Protocol):
    """Where the providers' availability SLI goes (Cloud Monitoring custom metrics)."""

    def write(self, points: Sequence[SliPoint]) -> None: ...


class HealthDocs(Protocol):
    """Where routers read health: Firestore documents keyed by their full path."""

    def write(
        self, docs: dict[str, dict[str, Any]], deletes: Sequence[str] = ()
    ) -> list[tuple[str, str]]:
        """Returns the documents refused for good, with why; raises HealthStoreError when the
        store is unavailable."""
        ...
