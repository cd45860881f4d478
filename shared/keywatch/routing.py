"""Read health for routing (`pip install 'keywatch[routing]'`): keys ranked per model, and the
provider and model documents, from Firestore, cached.

    from keywatch.routing import HealthReader
    health = HealthReader()                                  # Firestore, KEYWATCH_* settings
    ranking = health.rank_keys("openai", "gpt-4o", [fp_a, fp_b, fp_c])
    for key in ranking.keys:                                 # best first
        ...  # key.fingerprint, key.state, key.probe, key.why

`AsyncHealthReader` is the same over Firestore's AsyncClient: it never blocks the event loop.

Ranking, for one model (README, "Key states"):
1. healthy keys, lowest 1-hour error rate first;
2. keys with no data (never seen, or nothing newer than `max_data_age_s`, 24 h);
3. probes: invalid or cooling-down keys whose back-off has passed (`probe_at`), oldest first.
A key invalid or cooling down whose probe is not due is left out, in `ranking.excluded` with
its state and when it may be tried. An empty `ranking.keys` means no key should be called now.

Reads: one batched read (`get_all`) for every document not in the cache, the key's model
document and its summary. The cache is bounded (`max_entries`, LRU) and holds each document for
`max_age_s` (30 s). If Firestore cannot be read, what is cached is served while younger than
`max_stale_s` (10 min), then the error is raised.

Every read has a total deadline, `deadline_s` (3 s), retries included: past it a router
serves what it has cached, or the error is raised (the reader's own backstop gives up 1 s after
the deadline should the SDK not). Without one, the SDK's default for BatchGetDocuments retries
for 300 s, each attempt with a 300 s timeout, so a Firestore that did not answer held each read
for five minutes. The health documents are read
from the Firestore database `database`, else Settings' `health_database`
(`KEYWATCH_HEALTH_DATABASE`; "(default)" when unset), where the health function writes them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from keywatch.core.health import KeyState, doc_id
from keywatch.fingerprint import is_fingerprint
from keywatch.settings import RouterSettings, get_settings

__all__ = [
    "AsyncHealthReader",
    "HealthReadTimeoutError",
    "HealthReader",
    "RankedKey",
    "Ranking",
    "rank",
]

NO_DATA = "no_data"

# A read past its deadline by this much is abandoned by the reader itself. gRPC's deadline
# normally ends it first (it covers the whole stream); the backstop also covers what that
# deadline does not: building the client and finding credentials on the first read.
_BACKSTOP_S = 1.0


class HealthReadTimeoutError(TimeoutError):
    """A read of the health documents ran past its deadline (and the reader's backstop)."""


@dataclass(frozen=True, slots=True)
class RankedKey:
    """One key's place in a ranking, and why: what a router logs with its choice."""

    fingerprint: str
    state: str  # healthy, no_data, cooling_down or invalid
    probe: bool  # called as a probe: its back-off has passed, one call decides
    error_rate: float | None  # over the last hour, on this model
    consecutive_failures: int
    probe_at: datetime | None  # when an invalid or cooling-down key may be tried
    why: str


@dataclass(frozen=True, slots=True)
class Ranking:
    """`keys`, best first, to call; `excluded`, not to call now. Iterates over fingerprints."""

    keys: tuple[RankedKey, ...]
    excluded: tuple[RankedKey, ...]

    @property
    def fingerprints(self) -> list[str]:
        return [k.fingerprint for k in self.keys]

    def __iter__(self) -> Iterator[str]:
        return iter(self.fingerprints)

    def __len__(self) -> int:
        return len(self.keys)


def _check(fingerprint: str) -> str:
    if not isinstance(fingerprint, str) or not is_fingerprint(fingerprint):
        # Never echo the value: it may be the key itself.
        raise ValueError(
            "rank_keys and key() take key fingerprints (kf_ and 16 hex digits), not keys: pass "
            "keywatch.key_fingerprint(key), computed with the deployment's "
            "KEYWATCH_FINGERPRINT_SECRET"
        )
    return fingerprint


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def _fresh(doc: dict[str, Any] | None, now: datetime, max_age: timedelta) -> dict[str, Any] | None:
    """None for a document whose latest failure and success are older than `max_age`: it says
    nothing about now (the health run may have stopped), so it counts as no data."""
    if doc is None:
        return None
    times = [
        t
        for f in ("last_error_at", "last_success_at", "last_invalid_at")
        if (t := _when(doc.get(f))) is not None
    ]
    if not times or now - max(times) > max_age:
        return None
    return doc


def rank(
    fingerprints: Sequence[str],
    models: dict[str, dict[str, Any] | None],
    summaries: dict[str, dict[str, Any] | None],
    now: datetime,
    max_data_age: timedelta = timedelta(hours=24),
) -> Ranking:
    """The ranking of `fingerprints` from their model documents and key summaries (by
    fingerprint): pure, the same for the sync and async readers."""
    healthy: list[tuple[float, RankedKey]] = []
    unknown: list[RankedKey] = []
    probes: list[tuple[datetime, RankedKey]] = []
    excluded: list[RankedKey] = []
    for fp in fingerprints:
        doc = _fresh(models.get(fp), now, max_data_age)
        summary = _fresh(summaries.get(fp), now, max_data_age)
        rate = ((doc or {}).get("1h") or {}).get("error_rate")
        rate = rate if isinstance(rate, int | float) else None
        consecutive = int((doc or {}).get("consecutive_failures") or 0)
        if summary is not None and summary.get("invalid") is True:
            state, probe_at = KeyState.INVALID.value, _when(summary.get("probe_at"))
        elif doc is None:
            unknown.append(RankedKey(fp, NO_DATA, False, None, 0, None, "no recent data"))
            continue
        else:
            state, probe_at = str(doc.get("state")), _when(doc.get("probe_at"))
        if state == KeyState.HEALTHY.value:
            key = RankedKey(fp, state, False, rate, consecutive, None, "healthy")
            healthy.append((rate or 0.0, key))
        elif state in (KeyState.INVALID.value, KeyState.COOLING_DOWN.value):
            due = probe_at is None or probe_at <= now
            why = f"{state}: " + (
                "back-off passed, probe" if due else f"back-off until {probe_at:%H:%M:%S}Z"
            )
            key = RankedKey(fp, state, due, rate, consecutive, probe_at, why)
            if due:
                probes.append((probe_at or now, key))
            else:
                excluded.append(key)
        else:
            unknown.append(RankedKey(fp, NO_DATA, False, None, 0, None, f"unknown state {state}"))
    ordered = (
        [k for _, k in sorted(healthy, key=lambda rk: rk[0])]
        + unknown
        + [k for _, k in sorted(probes, key=lambda pk: pk[0])]
    )
    return Ranking(tuple(ordered), tuple(excluded))


class _Cache:
    """Documents by path: fresh for `max_age`, served stale up to `max_stale` when reads
    fail, at most `max_entries` (least recently used go first). Thread-safe."""

    def __init__(
        self, max_age: float, max_stale: float, max_entries: int, clock: Callable[[], float]
    ) -> None:
        self._max_age, self._max_stale, self._max = max_age, max_stale, max_entries
        self._clock = clock
        self._docs: OrderedDict[str, tuple[float, dict[str, Any] | None]] = OrderedDict()
        self._lock = threading.Lock()

    def fresh(self, paths: Iterable[str]) -> tuple[dict[str, dict[str, Any] | None], list[str]]:
        """(cached and fresh, missing)."""
        now = self._clock()
        hits: dict[str, dict[str, Any] | None] = {}
        missing = []
        with self._lock:
            for p in paths:
                hit = self._docs.get(p)
                if hit is not None and now - hit[0] < self._max_age:
                    hits[p] = hit[1]
                    self._docs.move_to_end(p)
                else:
                    missing.append(p)
        return hits, missing

    def stale(self, paths: Iterable[str]) -> dict[str, dict[str, Any] | None] | None:
        """What is cached for every path and younger than max_stale, or None."""
        now = self._clock()
        out = {}
        with self._lock:
            for p in paths:
                hit = self._docs.get(p)
                if hit is None or now - hit[0] >= self._max_stale:
                    return None
                out[p] = hit[1]
        return out

    def put(self, docs: dict[str, dict[str, Any] | None]) -> None:
        now = self._clock()
        with self._lock:
            for p, d in docs.items():
                self._docs[p] = (now, d)
                self._docs.move_to_end(p)
            while len(self._docs) > self._max:
                self._docs.popitem(last=False)

    def __len__(self) -> int:
        return len(self._docs)


def _retry(deadline_s: float, *, is_async: bool) -> Any:
    """What the SDK's own policy for BatchGetDocuments retries (DeadlineExceeded,
    InternalServerError, ServiceUnavailable: firestore_v1's transports/base.py), within
    `deadline_s` in all, with back-offs short enough that a few fit in a few seconds."""
    from google.api_core import exceptions as gexc
    from google.api_core.retry import AsyncRetry, Retry, if_exception_type

    retryable = if_exception_type(
        gexc.DeadlineExceeded, gexc.InternalServerError, gexc.ServiceUnavailable
    )
    policy = AsyncRetry if is_async else Retry
    return policy(initial=0.1, maximum=1.0, multiplier=1.3, predicate=retryable, timeout=deadline_s)


class _Reader:
    """What the sync and async readers share: paths, the cache, ranking."""

    def __init__(
        self,
        client: Any = None,
        settings: RouterSettings | None = None,
        *,
        max_age_s: float = 30.0,
        max_stale_s: float = 600.0,
        max_entries: int = 10_000,
        max_data_age_s: float = 24 * 3600.0,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
        deadline_s: float = 3.0,
        database: str | None = None,
    ) -> None:
        """`client`: a Firestore Client (AsyncClient for the async reader); None builds one for
        `settings.project_id` and `database` on first use. `deadline_s`: the longest one read
        waits on Firestore, retries included; then the cached value is served (while younger
        than `max_stale_s`), or the error raised. `database`: the Firestore database holding
        the health documents, when the reader builds its client; None: Settings'
        `health_database` (`KEYWATCH_HEALTH_DATABASE`, "(default)" when unset)."""
        if not deadline_s > 0:
            raise ValueError(f"deadline_s must be positive, not {deadline_s!r}")
        self._settings = settings or get_settings()
        self._client = client
        self._client_lock = threading.Lock()
        self._cache = _Cache(max_age_s, max_stale_s, max_entries, clock)
        self._max_data_age = timedelta(seconds=max_data_age_s)
        self._now = now or (lambda: datetime.now(UTC))
        self._deadline_s = float(deadline_s)
        self._database = database if database is not None else self._settings.health_database

    def _client_or(self, build: Callable[[], Any]) -> Any:
        """The client, built once (two first reads at once must not build two)."""
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = build()
        return self._client

    def _provider_path(self, provider: str, model: str | None = None) -> str:
        coll = self._settings.provider_health_collection
        if model is None:
            return f"{coll}/{doc_id(provider)}"
        return f"{coll}/{doc_id(provider)}/models/{doc_id(model)}"

    def _key_path(self, fingerprint: str, model: str | None = None) -> str:
        coll = self._settings.key_health_collection
        fp = _check(fingerprint)
        return f"{coll}/{fp}" if model is None else f"{coll}/{fp}/models/{doc_id(model)}"

    def _plan(self, model: str, fingerprints: Iterable[str]) -> tuple[list[str], list[str]]:
        fps = list(dict.fromkeys(_check(fp) for fp in fingerprints))
        paths = [p for fp in fps for p in (self._key_path(fp, model), self._key_path(fp))]
        return fps, paths

    def _ranking(self, model: str, fps: list[str], docs: dict[str, Any]) -> Ranking:
        models = {fp: docs.get(self._key_path(fp, model)) for fp in fps}
        summaries = {fp: docs.get(self._key_path(fp)) for fp in fps}
        return rank(fps, models, summaries, self._now(), self._max_data_age)

    def _served_stale(self, paths: list[str], exc: Exception) -> dict[str, Any]:
        stale = self._cache.stale(paths)
        if stale is None:
            raise exc
        return stale


class HealthReader(_Reader):
    """Sync reader (Firestore's Client)."""

    def _db(self) -> Any:
        def build() -> Any:
            from google.cloud import firestore

            return firestore.Client(project=self._settings.project_id, database=self._database)

        return self._client_or(build)

    def _read(self, missing: list[str]) -> dict[str, dict[str, Any] | None]:
        db = self._db()
        read: dict[str, dict[str, Any] | None] = dict.fromkeys(missing)
        # One batched read. Both are needed: `retry` alone leaves each attempt the SDK's 300 s
        # timeout; `timeout` is counted down across attempts (api_core's TimeToDeadlineTimeout),
        # and as gRPC's deadline it bounds reading the stream too.
        retry = _retry(self._deadline_s, is_async=False)
        snaps = db.get_all([db.document(p) for p in missing], retry=retry, timeout=self._deadline_s)
        for snap in snaps:
            read[snap.reference.path] = snap.to_dict() if snap.exists else None
        return read

    def _bounded(self, missing: list[str]) -> dict[str, dict[str, Any] | None]:
        """`_read` in a thread of its own, waited on for the deadline and the backstop: a read
        the SDK does not end in time is left to finish on its own, unwaited."""
        done = threading.Event()
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["read"] = self._read(missing)
            except BaseException as exc:  # handed to the caller
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=run, name="keywatch-health-read", daemon=True).start()
        if not done.wait(self._deadline_s + _BACKSTOP_S):
            raise HealthReadTimeoutError(
                f"Firestore did not answer within the health read's {self._deadline_s:g} s deadline"
            )
        if "error" in box:
            raise box["error"]
        read: dict[str, dict[str, Any] | None] = box["read"]
        return read

    def _get(self, paths: list[str]) -> dict[str, dict[str, Any] | None]:
        hits, missing = self._cache.fresh(paths)
        if not missing:
            return hits
        try:
            read = self._bounded(missing)
        except Exception as exc:
            return self._served_stale(paths, exc)
        self._cache.put(read)
        return {**hits, **read}

    def rank_keys(self, provider: str, model: str, fingerprints: Iterable[str]) -> Ranking:
        """`fingerprints` ranked for (provider, model). Keys are scoped by fingerprint and
        model; `provider` is kept for call-site clarity."""
        del provider
        fps, paths = self._plan(model, fingerprints)
        return self._ranking(model, fps, self._get(paths) if paths else {})

    def key(self, key_fingerprint: str, model: str) -> dict[str, Any] | None:
        path = self._key_path(key_fingerprint, model)
        return self._get([path])[path]

    def provider(self, provider: str) -> dict[str, Any] | None:
        """provider_health/{provider}: windows, uptime, status (None: no data yet)."""
        path = self._provider_path(provider)
        return self._get([path])[path]

    def model(self, provider: str, model: str) -> dict[str, Any] | None:
        path = self._provider_path(provider, model)
        return self._get([path])[path]


class AsyncHealthReader(_Reader):
    """Async reader (Firestore's AsyncClient): never blocks the event loop."""

    def _db(self) -> Any:
        def build() -> Any:
            from google.cloud import firestore

            return firestore.AsyncClient(project=self._settings.project_id, database=self._database)

        return self._client_or(build)

    async def _read(self, missing: list[str]) -> dict[str, dict[str, Any] | None]:
        db = self._db()
        read: dict[str, dict[str, Any] | None] = dict.fromkeys(missing)
        retry = _retry(self._deadline_s, is_async=True)  # as the sync reader's
        snaps = db.get_all([db.document(p) for p in missing], retry=retry, timeout=self._deadline_s)
        async for snap in snaps:
            read[snap.reference.path] = snap.to_dict() if snap.exists else None
        return read

    async def _get(self, paths: list[str]) -> dict[str, dict[str, Any] | None]:
        hits, missing = self._cache.fresh(paths)
        if not missing:
            return hits
        try:
            try:
                read = await asyncio.wait_for(self._read(missing), self._deadline_s + _BACKSTOP_S)
            except TimeoutError as exc:  # asyncio's, on 3.11: cancelled by the backstop
                raise HealthReadTimeoutError(
                    "Firestore did not answer within the health read's"
                    f" {self._deadline_s:g} s deadline"
                ) from exc
        except Exception as exc:
            return self._served_stale(paths, exc)
        self._cache.put(read)
        return {**hits, **read}

    async def rank_keys(self, provider: str, model: str, fingerprints: Iterable[str]) -> Ranking:
        del provider
        fps, paths = self._plan(model, fingerprints)
        return self._ranking(model, fps, await self._get(paths) if paths else {})

    async def key(self, key_fingerprint: str, model: str) -> dict[str, Any] | None:
        path = self._key_path(key_fingerprint, model)
        return (await self._get([path]))[path]

    async def provider(self, provider: str) -> dict[str, Any] | None:
        path = self._provider_path(provider)
        return (await self._get([path]))[path]

    async def model(self, provider: str, model: str) -> dict[str, Any] | None:
        path = self._provider_path(provider, model)
        return (await self._get([path]))[path]
