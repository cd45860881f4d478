"""Report failed LLM calls, and tallies of successful ones, to Pub/Sub without slowing the caller.

`report()` only appends a small record to a bounded in-memory queue and returns: no I/O, no
validation, no lock on the common path, never an exception. One background thread scrubs,
clamps, validates and publishes through google-cloud-pubsub's batching publisher. When Pub/Sub
is slow or unreachable the publisher's flow control blocks that thread (never the caller), the
queue fills, and the oldest records are dropped and counted: memory stays bounded.

Successes are counted in process per (provider, model, key fingerprint, source) and per minute,
and published as one `tallies` batch per flush (every 60 s and at shutdown), split by bytes
below what classify accepts: the denominators health needs. A success on a retry to the same
provider marks the earlier failed attempts of that request as recovered.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from datetime import UTC, datetime
from random import getrandbits
from typing import Any

from pydantic import ValidationError

from keywatch.context import RequestContext, current
from keywatch.events import (
    MAX_MESSAGE_CHARS,
    FailureEvent,
    Source,
    SuccessTally,
    TallyBatch,
    TallyGroup,
)
from keywatch.fingerprint import is_fingerprint, key_fingerprint
from keywatch.scrub import scrub
from keywatch.settings import Settings, get_settings

log = logging.getLogger("keywatch")

_TEXT_LIMIT = 200  # provider, model, feature, ids ...
_MAX_RECOVERY_REQUESTS = 10_000  # requests remembered for recovery marking (LRU)
# A tallies message stays below classify's 64 KiB limit (entry.MAX_MESSAGE_BYTES), with room
# for the envelope; a group's recovered ids are split across parts of this many at most.
_TALLY_BYTES = 60_000
_RECOVERED_PER_PART = 1_000
_BREAKER_FAILURES = 3  # publishes failed in a row before Pub/Sub is taken to be down

Group = tuple[str, str, str, str]  # provider, model, key fingerprint, source


# A queued report: a flat tuple of atoms (str, int, float, bool, None). CPython's collector
# untracks such tuples, so a full queue adds nothing to garbage-collection pauses in the caller's
# process. The event id is a 128-bit random int here, made a UUID in the reporter's thread.
_Raw = tuple[Any, ...]
_FIELDS = (
    "at", "id", "provider", "model", "key_fingerprint", "source", "uid", "feature", "operation",
    "request_id", "attempt", "status_code", "error_type", "error_code", "error_message",
    "region", "will_retry",
)  # fmt: skip


def _event_uuid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n, version=4)


class Reporter:
    """One per process (see `keywatch.init`). Thread-safe; `report()` is safe in async code."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        max_queue: int = 10_000,
        tally_interval_s: float = 60.0,
        publish_timeout_s: float = 60.0,
        max_in_flight: int = 1_000,
        client_factory: Callable[[], Any] | None = None,
    ) -> None:
        self._settings = settings or get_settings()
        self._max_queue = max_queue
        self._tally_interval = tally_interval_s
        self._publish_timeout = publish_timeout_s
        self._max_in_flight = max_in_flight
        self._client_factory = client_factory
        self._queue: deque[_Raw] = deque()
        self._lock = threading.Lock()  # guards success counts, recovery map, thread start
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._successes: dict[Group, dict[int, int]] = {}  # group -> Unix minute -> count
        self._last_success: dict[Group, float] = {}
        self._recovered: dict[Group, list[int]] = {}
        # (request id, provider) -> event ids, as tuples of ints: the collector untracks those,
        # where 10,000 lists would be promoted and make full collections (tens of ms, in
        # whichever caller's thread triggers one) more frequent.
        self._failed: OrderedDict[tuple[str, str], tuple[int, ...]] = OrderedDict()
        self._window_start = datetime.now(UTC)
        self._counts = {
            "reported": 0,
            "published": 0,
            "dropped_overflow": 0,
            "dropped_invalid": 0,
            "publish_errors": 0,
            "probe_failures": 0,
            "clamped": 0,
            "successes": 0,
            "tallies_published": 0,
            "internal_errors": 0,
        }
        self._logged_drops = 0
        self._last_drop_log = 0.0
        self._client: Any = None
        self._retry: Any = None
        self._topic = ""
        self._flush_requests: deque[threading.Event] = deque()
        self._in_flight: set[Any] = set()  # publish futures not yet done
        # Circuit breaker: after a few publishes fail in a row Pub/Sub is taken to be down;
        # reports then wait in the queue while one probe at a time tests it, so neither the
        # client's retry threads nor this one compete with the application for the GIL.
        self._consecutive_failures = 0
        self._probe: Any = None
        self._next_probe = 0.0
        self.probe_interval_s = 5.0

    # -- the caller's side: cheap, never raises --------------------------------------------

    def report(
        self,
        provider: str,
        model: str,
        *,
        api_key: str | None = None,
        key_fingerprint: str | None = None,
        source: Source | str | None = None,
        uid: str | None = None,
        feature: str | None = None,
        operation: str = "chat",
        request_id: str | None = None,
        attempt: int | None = None,
        status_code: int | None = None,
        error_type: str | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
        region: str | None = None,
        will_retry: bool | None = None,
    ) -> None:
        """Report one failed attempt. Returns at once; never raises; the key stays here."""
        try:
            ctx = current()
            if ctx is not None:  # resolved now: the queue holds no references to objects
                if source is None:
                    source = "byok" if str(provider).lower() in ctx.byok else "platform"
                uid = uid if uid is not None else ctx.uid
                feature = feature if feature is not None else ctx.feature
                if request_id is None:
                    request_id = ctx.request_id
                    attempt = attempt if attempt is not None else ctx.next_attempt(str(provider))
            event_id = getrandbits(128)
            raw = (
                time.time(), event_id, provider, model,
                # Fingerprinted here, so the key itself is never queued, let alone sent.
                _fingerprint_of(api_key, key_fingerprint),
                source if source is None or isinstance(source, str) else source.value,
                uid, feature, operation, request_id, attempt, status_code, error_type,
                error_code, error_message, region, will_retry,
            )  # fmt: skip
            if request_id:
                self._remember_failure(request_id, str(provider).lower(), event_id)
            queue = self._queue
            if len(queue) >= self._max_queue:
                try:
                    queue.popleft()
                    self._counts["dropped_overflow"] += 1
                except IndexError:
                    pass
            queue.append(raw)
            self._counts["reported"] += 1
            if self._thread is None:
                self.start()
            # Setting the event takes a lock, checking does not; while Pub/Sub is down the
            # thread probes on its own clock and is not woken for each report.
            if not self._wake.is_set() and self._consecutive_failures < _BREAKER_FAILURES:
                self._wake.set()
        except Exception:
            self._counts["internal_errors"] += 1

    def success(
        self,
        provider: str,
        model: str,
        *,
        api_key: str | None = None,
        key_fingerprint: str | None = None,
        source: Source | str | None = None,
        request_id: str | None = None,
    ) -> None:
        """Count one successful call; a success on a retry recovers the request's failures."""
        try:
            ctx = current()
            prov = str(provider).lower()
            src = _source(source, ctx, prov)
            group = (prov, str(model), _fingerprint_of(api_key, key_fingerprint), src.value)
            rid = request_id or (ctx.request_id if ctx else None)
            now = time.time()
            minute = int(now // 60)
            with self._lock:
                per_minute = self._successes.get(group)
                if per_minute is None:
                    per_minute = self._successes[group] = {}
                per_minute[minute] = per_minute.get(minute, 0) + 1
                self._last_success[group] = now
                if rid:
                    recovered = self._failed.pop((rid, prov), None)
                    if recovered:
                        self._recovered.setdefault(group, []).extend(recovered)
            self._counts["successes"] += 1
            if self._thread is None:
                self.start()
        except Exception:
            self._counts["internal_errors"] += 1

    def stats(self) -> dict[str, int]:
        """What happened to what was reported: published, dropped (and why), still queued."""
        return {**self._counts, "queued": len(self._queue)}

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Publish everything queued and the current tallies; True if it all went out in time."""
        if self._thread is None:
            return True
        done = threading.Event()
        self._flush_requests.append(done)
        self._wake.set()
        return done.wait(timeout_s) and not self._queue and not self.pubsub_down

    def close(self, timeout_s: float = 10.0) -> None:
        """Flush and stop the background thread (registered with atexit on first use)."""
        if self._thread is None or self._stopping.is_set():
            return
        self.flush(timeout_s)
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout_s)
        # Still queued at exit (Pub/Sub down, or slower than the timeout) is lost too.
        lost = self._counts["dropped_overflow"] + self._counts["publish_errors"] + len(self._queue)
        if lost:
            log.warning("keywatch closed with %d failure reports lost", lost, extra=self._extra())

    # -- the background thread --------------------------------------------------------------

    def start(self) -> None:
        """Start the background thread and build the Pub/Sub client there, now rather than on
        the first report (`init()` does this at start-up). Returns at once."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="keywatch-reporter", daemon=True)
            self._thread.start()
            atexit.register(self.close)

    def _remember_failure(self, request_id: str, provider: str, event_id: int) -> None:
        with self._lock:
            key = (request_id, provider)
            self._failed[key] = (*self._failed.get(key, ()), event_id)
            self._failed.move_to_end(key)
            if len(self._failed) > _MAX_RECOVERY_REQUESTS:
                self._failed.popitem(last=False)

    def _run(self) -> None:
        try:
            self._ensure_client()
        except Exception:
            self._counts["internal_errors"] += 1
            log.exception("keywatch could not create its Pub/Sub client", extra=self._extra())
        next_tally = time.monotonic() + self._tally_interval
        while True:
            # Sleep until there is work or a deadline (tallies, the next probe): a thread that
            # woke on a fixed clock would take the GIL from the application for nothing.
            wake_at = next_tally
            if self.pubsub_down and self._queue:
                wake_at = min(wake_at, self._next_probe)
            self._wake.wait(timeout=max(0.01, wake_at - time.monotonic()))
            self._wake.clear()
            try:
                self._drain()
                flushes = []
                while self._flush_requests:
                    flushes.append(self._flush_requests.popleft())
                if flushes or time.monotonic() >= next_tally or self._stopping.is_set():
                    self._publish_tallies()
                    next_tally = time.monotonic() + self._tally_interval
                if flushes:
                    self._wait_in_flight()
                    for done in flushes:
                        done.set()
                self._log_drops()
            except Exception:
                self._counts["internal_errors"] += 1
                log.exception("keywatch reporter thread error", extra=self._extra())
            if self._stopping.is_set() and (not self._queue or self.pubsub_down):
                self._wait_in_flight()
                return

    def _ensure_client(self) -> Any:
        if self._client is None:
            self._retry = _publish_retry(self._publish_timeout)
            if self._client_factory is not None:
                self._client = self._client_factory()
            else:
                self._client = _default_client(self._max_in_flight)
            self._topic = self._client.topic_path(
                self._settings.project_id, self._settings.events_topic
            )
        return self._client

    @property
    def pubsub_down(self) -> bool:
        return self._consecutive_failures >= _BREAKER_FAILURES

    def _drain(self) -> None:
        queue = self._queue
        if self.pubsub_down:
            self._send_probe()
            return
        while queue and not self.pubsub_down:
            try:
                failure = queue.popleft()
            except IndexError:
                return
            event = self._build(failure)
            if event is not None:
                self._publish(event)
            # Let the application's threads in between events: without this, a caller of
            # report() could wait a whole GIL switch interval (5 ms) behind this thread.
            time.sleep(0)

    def _build(self, f: _Raw) -> FailureEvent | None:
        raw = dict(zip(_FIELDS, f, strict=True))
        clamped = False

        def text(value: Any, limit: int = _TEXT_LIMIT) -> str | None:
            nonlocal clamped
            if value is None:
                return None
            s = value if isinstance(value, str) else str(value)
            s = scrub(s, limit) or ""  # ids and names can hold a key too
            if len(s) >= limit or s != value:
                clamped = True
            return s or None

        def integer(value: Any, low: int, high: int) -> int | None:
            nonlocal clamped
            if value is None:
                return None
            try:
                n = int(value)
            except (TypeError, ValueError):
                clamped = True
                return None
            if not low <= n <= high:
                clamped = True
                return None
            return n

        provider = (text(raw["provider"]) or "unknown").lower()
        message = None if raw["error_message"] is None else str(raw["error_message"])
        if message is not None and len(message) > MAX_MESSAGE_CHARS:
            clamped = True
        event_id = _event_uuid(raw["id"])
        data = {
            "event_id": event_id,
            "occurred_at": datetime.fromtimestamp(raw["at"], UTC),
            "request_id": text(raw["request_id"]) or event_id.hex,
            "attempt": integer(raw["attempt"], 1, 1000) or 1,
            "uid": text(raw["uid"]),
            "source": _source(raw["source"], None, provider),
            "provider": provider,
            "model": text(raw["model"]) or "unknown",
            "feature": text(raw["feature"]) or "unknown",
            "operation": text(raw["operation"]) or "chat",
            "key_fingerprint": raw["key_fingerprint"],
            "region": text(raw["region"]),
            "status_code": integer(raw["status_code"], 100, 599),
            "error_type": text(raw["error_type"]),
            "error_code": text(raw["error_code"]),
            "error_message": scrub(message, MAX_MESSAGE_CHARS),
            "will_retry": raw["will_retry"] if isinstance(raw["will_retry"], bool) else None,
        }
        try:
            event = FailureEvent.model_validate(data)
        except ValidationError as exc:
            self._counts["dropped_invalid"] += 1
            fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
            log.error(
                "keywatch dropped an invalid failure report (%s)", fields, extra=self._extra()
            )
            return None
        if clamped:
            self._counts["clamped"] += 1
        return event

    def _publish(
        self, event: FailureEvent | SuccessTally | TallyBatch, requeue: _Raw | None = None
    ) -> Any:
        client = self._ensure_client()
        attrs = {"type": event.type.value, "schema_version": str(event.schema_version)}
        if not isinstance(event, TallyBatch):
            attrs.update(source=event.source.value, provider=event.provider)
        try:
            future = client.publish(
                self._topic,
                event.model_dump_json().encode(),
                retry=self._retry,
                timeout=self._publish_timeout,
                **attrs,
            )
        except Exception:
            self._counts["publish_errors"] += 1
            self._consecutive_failures += 1
            return None
        counter = "published" if isinstance(event, FailureEvent) else "tallies_published"
        self._in_flight.add(future)
        future.add_done_callback(lambda fut: self._done(fut, counter, requeue))
        return future

    def _send_probe(self) -> None:
        if (self._probe is not None and not self._probe.done()) or not self._queue:
            return
        if time.monotonic() < self._next_probe:
            return
        self._next_probe = time.monotonic() + self.probe_interval_s
        raw = self._queue.popleft()
        event = self._build(raw)
        if event is not None:
            self._probe = self._publish(event, requeue=raw)

    def _done(self, future: Any, counter: str, requeue: _Raw | None) -> None:
        self._in_flight.discard(future)
        if future.exception() is None:
            self._counts[counter] += 1
            if self._consecutive_failures:
                self._consecutive_failures = 0
                self._wake.set()  # Pub/Sub is back: drain what waited
        elif requeue is not None:
            # A failed probe keeps its place (and event id): it is sent again, not lost.
            self._queue.appendleft(requeue)
            self._counts["probe_failures"] += 1
            self._consecutive_failures += 1
        else:
            self._counts["publish_errors"] += 1
            self._consecutive_failures += 1

    def _wait_in_flight(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        for fut in list(self._in_flight):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            with contextlib.suppress(Exception):  # failures are counted by the callback
                fut.result(timeout=remaining)

    def _publish_tallies(self) -> None:
        """One `tallies` message per flush, or a few when its groups exceed _TALLY_BYTES."""
        with self._lock:
            successes, self._successes = self._successes, {}
            last_success, self._last_success = self._last_success, {}
            recovered, self._recovered = self._recovered, {}
            start, self._window_start = self._window_start, datetime.now(UTC)
        end = self._window_start
        parts: list[tuple[int, dict[str, Any]]] = []
        for group in sorted(successes.keys() | recovered.keys()):
            for part in self._group_parts(group, successes, last_success, recovered):
                parts.append((len(json.dumps(part)) + 1, part))
        batch: list[dict[str, Any]] = []
        size = 0
        for n, part in parts:
            if batch and size + n > _TALLY_BYTES:
                self._publish(TallyBatch(window_start=start, window_end=end, groups=batch))
                batch, size = [], 0
            batch.append(part)
            size += n
        if batch:
            self._publish(TallyBatch(window_start=start, window_end=end, groups=batch))

    def _group_parts(
        self,
        group: Group,
        successes: dict[Group, dict[int, int]],
        last_success: dict[Group, float],
        recovered: dict[Group, list[int]],
    ) -> list[dict[str, Any]]:
        """A group as contract dicts: the successes in the first, recovered ids split across
        parts. Invalid groups (a model name over 200 characters...) are dropped and counted."""
        provider, model, fingerprint, source = group
        ids = [_event_uuid(n) for n in recovered.get(group, [])]
        step = _RECOVERED_PER_PART
        out = []
        for i, chunk_start in enumerate(range(0, max(len(ids), 1), step)):
            first = i == 0
            try:
                g = TallyGroup(
                    source=Source(source),
                    provider=provider,
                    model=model,
                    key_fingerprint=fingerprint,
                    successes_by_minute=successes.get(group, {}) if first else {},
                    last_success_at=datetime.fromtimestamp(last_success[group], UTC)
                    if first and group in last_success
                    else None,
                    recovered_event_ids=ids[chunk_start : chunk_start + step],
                )
            except ValidationError:
                self._counts["dropped_invalid"] += 1
                return []
            out.append(g.model_dump(mode="json", exclude_defaults=True))
        return out

    def _log_drops(self) -> None:
        lost = self._counts["dropped_overflow"] + self._counts["publish_errors"]
        now = time.monotonic()
        if lost > self._logged_drops and now - self._last_drop_log >= 60:
            log.warning(
                "keywatch lost %d failure reports so far (queue full or Pub/Sub unreachable)",
                lost,
                extra=self._extra(),
            )
            self._logged_drops = lost
            self._last_drop_log = now

    def _extra(self) -> dict[str, Any]:
        return {"json_fields": {"event": "keywatch_reporter", **self.stats()}}


def _fingerprint_of(api_key: str | None, fingerprint: str | None) -> str:
    if api_key:
        return key_fingerprint(api_key)
    if fingerprint and is_fingerprint(fingerprint):
        return fingerprint
    if fingerprint:
        # Not a fingerprint: possibly the key itself, passed by mistake. Never send it.
        return key_fingerprint(fingerprint)
    return key_fingerprint("")  # no key known: one shared "unknown key" fingerprint


def _source(source: Source | str | None, ctx: RequestContext | None, provider: str) -> Source:
    if source is not None:
        try:
            return Source(str(source).lower())
        except ValueError:
            pass
    return ctx.source_for(provider) if ctx else Source.PLATFORM


def _publish_retry(timeout_s: float) -> Any:
    """Pub/Sub's own retryable codes for Publish, bounded overall: the client's default retries
    for up to 10 minutes, holding the message (and memory) all that time."""
    if timeout_s <= 0:
        return None
    from google.api_core import exceptions as gexc
    from google.api_core import retry as gretry

    return gretry.Retry(
        predicate=gretry.if_exception_type(
            gexc.Aborted,
            gexc.Cancelled,
            gexc.DeadlineExceeded,
            gexc.InternalServerError,
            gexc.ResourceExhausted,
            gexc.ServiceUnavailable,
            gexc.Unknown,
        ),
        initial=0.1,
        maximum=min(60.0, timeout_s),
        multiplier=1.3,
        timeout=timeout_s,
    )


def _default_client(max_in_flight: int) -> Any:
    from google.cloud.pubsub_v1 import PublisherClient
    from google.cloud.pubsub_v1.types import (
        BatchSettings,
        LimitExceededBehavior,
        PublisherOptions,
        PublishFlowControl,
    )

    return PublisherClient(
        batch_settings=BatchSettings(max_messages=500, max_bytes=1_000_000, max_latency=0.05),
        publisher_options=PublisherOptions(
            flow_control=PublishFlowControl(
                message_limit=max_in_flight,
                byte_limit=max_in_flight * 4096,
                limit_exceeded_behavior=LimitExceededBehavior.BLOCK,
            )
        ),
    )


_default: Reporter | None = None
_default_lock = threading.Lock()


def init(settings: Settings | None = None, **kwargs: Any) -> Reporter:
    """Create the process's reporter (call once at start-up; later calls return the same)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Reporter(settings, **kwargs)
            _default.start()
        return _default


def reporter() -> Reporter:
    """The process's reporter, created from KEYWATCH_* settings on first use."""
    return _default or init()


def report(provider: str, model: str, **kwargs: Any) -> None:
    """Report one failed attempt through the process's reporter (see Reporter.report)."""
    (_default or init()).report(provider, model, **kwargs)


def success(provider: str, model: str, **kwargs: Any) -> None:
    """Count one successful call through the process's reporter (see Reporter.success)."""
    (_default or init()).success(provider, model, **kwargs)
