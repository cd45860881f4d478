"""Report failed LLM calls, and tallies of successful ones, to Pub/Sub without slowing the caller.

`report()` only appends a small record to a bounded in-memory queue and returns: no I/O, no
validation, no hashing, never an exception. One background thread removes the caller's key,
scrubs, clamps, validates and publishes through google-cloud-pubsub's batching publisher.

What it guarantees under an outage:
- A record stays the reporter's until Pub/Sub confirms its publish. A publish that fails goes
  back to the front of the queue with its event id, so a retry is deduplicated downstream.
- The queue is bounded by count (10,000) and by bytes (16 MiB, records and those in flight
  together); text is cut at capture time. Overflow drops the oldest, counted, logged at most
  once a minute.
- After three failed publishes in a row a circuit breaker stops feeding the client; one probe
  every 5 s tests Pub/Sub, and everything waiting drains once one succeeds.
- Successes are counted per (provider, model, key fingerprint, source) and per minute, and
  published as `tallies` batches every 60 s and at exit. While Pub/Sub is down they keep
  merging in memory (bounded by groups); a batch whose publish failed is sent again as it was,
  with its batch id, so classify counts it once.
- A forked child (gunicorn `--preload`, multiprocessing, Celery prefork) starts empty, with its
  own thread and client on its first report.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from random import getrandbits
from typing import Any

from pydantic import ValidationError

from keywatch._breaker import Breaker
from keywatch._tallies import Tallies, event_uuid
from keywatch.context import RequestContext, current
from keywatch.core.opsevents import Event, ops_event
from keywatch.events import (
    CONTROL_CHARS,
    MAX_MESSAGE_CHARS,
    FailureEvent,
    KeyValidated,
    Source,
    SuccessTally,
    TallyBatch,
)
from keywatch.extract import MESSAGE_CAPTURE_CHARS
from keywatch.fingerprint import is_fingerprint, key_fingerprint
from keywatch.scrub import KeyScrubber, nfkc, remove_key, scan_chars, scrub, scrub_message
from keywatch.settings import ReporterSettings, get_settings

log = logging.getLogger("keywatch")

_TEXT_LIMIT = 200  # provider, model, feature, ids ...
# Text is cut at capture to what scrub() reads, plus one character so that scrub still knows it
# was cut (and drops a key split at the cut): memory per record is bounded from the start.
_CAPTURE_CHARS = MESSAGE_CAPTURE_CHARS
_TEXT_CAPTURE = scan_chars(_TEXT_LIMIT) + 1
_MAX_NAMES = 4096  # distinct (model, key) names remembered by success()
# The bytes a record holds besides its error message: the tuple, its numbers, its short strings
# (measured with tracemalloc on CPython 3.12: about 900 for a typical record).
_RECORD_BYTES = 1_024


# A queued report: a flat tuple of atoms (str, int, float, bool, None). CPython's collector
# untracks such tuples, so a full queue adds nothing to garbage-collection pauses in the caller's
# process. The event id is a 128-bit random int here, made a UUID in the reporter's thread. The
# caller's key (`key`) stays in this process: the thread removes it from the text and sends
# only its fingerprint. `size` is the record's estimated bytes.
_Raw = tuple[Any, ...]
_FIELDS = (
    "at", "id", "provider", "model", "key", "key_fingerprint", "source", "uid", "feature",
    "operation", "request_id", "attempt", "status_code", "error_type", "error_code",
    "error_message", "region", "will_retry", "size",
)  # fmt: skip
_SIZE = len(_FIELDS) - 1


class Reporter:
    """One per process (see `keywatch.init`). Thread-safe; `report()` is safe in async code."""

    def __init__(
        self,
        settings: ReporterSettings | None = None,
        *,
        max_queue: int = 10_000,
        max_queue_bytes: int | None = 16 * 1024 * 1024,
        max_tally_groups: int = 20_000,
        tally_interval_s: float = 60.0,
        publish_timeout_s: float = 60.0,
        max_in_flight: int = 1_000,
        client_factory: Callable[[], Any] | None = None,
    ) -> None:
        self._settings = settings or get_settings()
        self._max_queue = max_queue
        self._max_bytes = max_queue_bytes if max_queue_bytes is not None else sys.maxsize
        self._max_tally_groups = max_tally_groups
        self._tally_interval = tally_interval_s
        self._publish_timeout = publish_timeout_s
        self._max_in_flight = max_in_flight
        self._client_factory = client_factory
        self.probe_interval_s = 5.0
        self._atexit_registered = False
        self._started_in = 0  # the process that last started the thread
        self._reset()
        _instances.add(self)

    def _reset(self) -> None:
        """Everything a process owns on its own: set at creation, and again in a forked child,
        whose copy of the parent's queue, thread, locks and client is not its to use."""
        self._queue: deque[_Raw] = deque()
        self._bytes = 0  # queued and in flight: owned until Pub/Sub confirms
        self._qlock = threading.Lock()  # guards the queue and its byte count
        self._lock = threading.Lock()  # guards the thread's start
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._imported = threading.Event()  # the thread's imports are done (see _before_fork)
        self._thread: threading.Thread | None = None
        # (model as given, key fingerprint) -> the model name a tally carries: scrubbing a name
        # is done once per name and key, not once per success.
        self._names: dict[tuple[object, str], str] = {}
        self._tallies_due = False
        self._counts = {
            "reported": 0,
            "published": 0,
            "dropped_overflow": 0,
            "dropped_invalid": 0,
            "publish_failures": 0,  # attempts that failed; each record went back to the queue
            "lost_at_exit": 0,
            "clamped": 0,
            "successes": 0,
            "tallies_published": 0,
            "successes_dropped": 0,
            "tally_groups_dropped": 0,  # in batches that waited too long for Pub/Sub
            "internal_errors": 0,
        }
        self._tallies = Tallies(self._counts, self._max_tally_groups)
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
        self._breaker = Breaker()

    @property
    def _consecutive_failures(self) -> int:
        # bench/bench_report.py's PreviousReporter reads and sets it.
        return self._breaker.failures

    @_consecutive_failures.setter
    def _consecutive_failures(self, n: int) -> None:
        self._breaker.failures = n

    # -- the caller's side: cheap, never raises --------------------------------------------

    def report(
        self,
        provider: str,
        model: str,
        *,
        api_key: str | KeyScrubber | None = None,
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
            key = api_key
            if isinstance(key, KeyScrubber):
                key_fingerprint = key.fingerprint
                key = key.key
            size = _RECORD_BYTES
            if error_message is not None:
                if not isinstance(error_message, str):  # an exception, a response: its text
                    error_message = str(error_message)
                if len(error_message) > _CAPTURE_CHARS:
                    error_message = error_message[:_CAPTURE_CHARS]
                size += sys.getsizeof(error_message)
            texts = (provider, model, uid, feature, operation, request_id, error_type,
                     error_code, region)  # fmt: skip
            for value in texts:
                if value.__class__ is str:
                    size += len(value)
            if size > _RECORD_BYTES + _CAPTURE_CHARS * 2:  # huge names or ids (rare): cut too
                cut: list[Any] = [v[:_TEXT_CAPTURE] if isinstance(v, str) else v for v in texts]
                provider, model, uid, feature, operation, request_id = cut[:6]
                error_type, error_code, region = cut[6:]
                size = _RECORD_BYTES + sum(len(v) for v in cut if isinstance(v, str))
                size += sys.getsizeof(error_message) if error_message is not None else 0
            event_id = getrandbits(128)
            raw = (
                time.time(), event_id, provider, model, key, key_fingerprint,
                source if source is None or isinstance(source, str) else source.value,
                uid, feature, operation, request_id, attempt, status_code, error_type,
                error_code, error_message, region, will_retry, size,
            )  # fmt: skip
            if request_id:
                self._tallies.remember_failure(request_id, str(provider).lower(), event_id)
            with self._qlock:
                self._queue.append(raw)
                self._bytes += size
                if len(self._queue) > self._max_queue or self._bytes > self._max_bytes:
                    self._shed()
            self._counts["reported"] += 1
            if self._thread is None:
                self.start()
            # Setting the event takes a lock, checking does not; while Pub/Sub is down the
            # thread probes on its own clock and is not woken for each report.
            if not self._wake.is_set() and not self._breaker.open:
                self._wake.set()
        except Exception:
            self._counts["internal_errors"] += 1

    def _shed(self) -> None:
        """Drop the oldest records until the queue is within its bounds (under `_qlock`). The
        newest is kept even when in-flight records alone fill the byte budget."""
        queue = self._queue
        while len(queue) > 1 and (len(queue) > self._max_queue or self._bytes > self._max_bytes):
            self._bytes -= queue.popleft()[_SIZE]
            self._counts["dropped_overflow"] += 1

    def success(
        self,
        provider: str,
        model: str,
        *,
        api_key: str | KeyScrubber | None = None,
        key_fingerprint: str | None = None,
        source: Source | str | None = None,
        request_id: str | None = None,
    ) -> None:
        """Count one successful call; a success on a retry recovers the request's failures."""
        try:
            ctx = current()
            prov = str(provider).lower()
            src = _source(source, ctx, prov)
            fp = _fingerprint_of(api_key, key_fingerprint)
            group = (prov, self._tally_name(model, api_key, key_fingerprint, fp), fp, src.value)
            rid = request_id or (ctx.request_id if ctx else None)
            if not self._tallies.count(group, rid):
                return  # no room for a new group
            self._counts["successes"] += 1
            if self._thread is None:
                self.start()
        except Exception:
            self._counts["internal_errors"] += 1

    def _tally_name(
        self,
        model: object,
        api_key: str | KeyScrubber | None,
        key_fingerprint: str | None,
        fp: str,
    ) -> str:
        """The model name a tally carries (see _clean_name), remembered per name and key."""
        name = self._names.get((model, fp)) if model.__class__ is str else None
        if name is None:
            name = _clean_name(model, api_key, key_fingerprint)
            if len(self._names) >= _MAX_NAMES:
                self._names.clear()
            if model.__class__ is str:
                self._names[(model, fp)] = name
        return name

    def key_validated(
        self,
        provider: str,
        *,
        uid: str,
        api_key: str | KeyScrubber | None = None,
        key_fingerprint: str | None = None,
        model: str = "validate_key",
        timeout_s: float = 10.0,
    ) -> bool:
        """The key (uid, provider) uses now passed validate_key: publish it at once, so that the
        app's status turns ok while the user is still on the settings screen. Only the key's
        fingerprint leaves the process. True when Pub/Sub confirmed it; never raises."""
        try:
            event = KeyValidated(
                uid=uid,
                provider=str(provider).lower(),
                model=_clean_name(model, api_key, key_fingerprint),
                key_fingerprint=_fingerprint_of(api_key, key_fingerprint),
            )
            client = self._ensure_client()
            future = client.publish(
                self._topic,
                event.model_dump_json().encode(),
                timeout=timeout_s,
                type=event.type.value,
                schema_version=str(event.schema_version),
                provider=event.provider,
            )
            future.result(timeout=timeout_s)
            self._counts["published"] += 1
            return True
        except Exception:
            self._counts["publish_failures"] += 1
            log.warning("keywatch could not publish a validated key", extra=self._extra())
            return False

    def stats(self) -> dict[str, int]:
        """What happened to what was reported: published, dropped (and why), still queued."""
        return {
            **self._counts,
            "queued": len(self._queue),
            "queued_bytes": self._bytes,
            "in_flight": len(self._in_flight),
            "tally_batches_pending": len(self._tallies.retry),
        }

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Publish everything queued and the current tallies; True if it all went out in time."""
        if self._thread is None:
            return True
        done = threading.Event()
        self._flush_requests.append(done)
        self._wake.set()
        return (
            done.wait(timeout_s)
            and not self._queue
            and not self._tallies.retry
            and not self.pubsub_down
        )

    def close(self, timeout_s: float = 10.0) -> None:
        """Flush and stop the background thread (registered with atexit on first use)."""
        if self._thread is None or self._stopping.is_set():
            return
        self.flush(timeout_s)
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout_s)
        # Still queued at exit (Pub/Sub down, or slower than the timeout) is lost.
        with self._qlock:
            self._counts["lost_at_exit"] += len(self._queue)
        groups = self._tallies.unsent_groups()
        lost = self._counts["dropped_overflow"] + self._counts["lost_at_exit"]
        if lost or groups:
            log.warning(
                "keywatch closed with %d failure reports and %d tally groups lost",
                lost,
                groups,
                extra=self._extra(),
            )

    # -- the background thread --------------------------------------------------------------

    def start(self) -> None:
        """Start the background thread, which imports the Pub/Sub client off the hot path
        (`init()` does this at start-up). Returns at once."""
        with self._lock:
            if self._thread is not None:
                return
            # Imported here, in the caller's thread: it registers an exit hook with threading,
            # which fails if the interpreter is already shutting down when the reporter's thread
            # gets to it (a worker stopped during its first seconds).
            import concurrent.futures.thread  # noqa: F401

            self._thread = threading.Thread(target=self._run, name="keywatch-reporter", daemon=True)
            self._thread.start()
            if not self._atexit_registered:
                self._atexit_registered = True
                atexit.register(self.close)
            # A multiprocessing (or Celery's billiard) child ends with os._exit, which skips
            # atexit: its own exit finalizers flush instead.
            for name in ("multiprocessing.util", "billiard.util"):
                module = sys.modules.get(name)
                if module is not None and os.getpid() != self._started_in:
                    module.Finalize(None, self.close, exitpriority=100)
            self._started_in = os.getpid()

    def _run(self) -> None:
        try:
            if self._client_factory is None:
                # The slow part of the first publish, done now; the client itself is made on
                # first use, so a process that forks before reporting holds no channel.
                import google.cloud.pubsub_v1  # noqa: F401
        except Exception:
            self._counts["internal_errors"] += 1
            log.exception("keywatch could not import the Pub/Sub client", extra=self._extra())
        finally:
            self._imported.set()
        next_tally = time.monotonic() + self._tally_interval
        while True:
            # Sleep until there is work or a deadline (tallies, the next probe): a thread that
            # woke on a fixed clock would take the GIL from the application for nothing.
            wake_at = next_tally
            if self.pubsub_down and (self._queue or self._tallies.retry):
                wake_at = min(wake_at, self._breaker.next_probe)
            self._wake.wait(timeout=max(0.01, wake_at - time.monotonic()))
            self._wake.clear()
            try:
                self._drain()
                flushes = []
                while self._flush_requests:
                    flushes.append(self._flush_requests.popleft())
                due = time.monotonic() >= next_tally
                if flushes or due or self._tallies_due or self._stopping.is_set():
                    self._tallies_due = False
                    self._publish_tallies()
                    if due or flushes:
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
        return self._breaker.open

    def _drain(self) -> None:
        queue = self._queue
        if self.pubsub_down:
            self._send_probe()
            return
        while queue and not self.pubsub_down:
            with self._qlock:
                if not queue:
                    return
                raw = queue.popleft()
            self._send(raw)
            # Let the application's threads in between events: without this, a caller of
            # report() could wait a whole GIL switch interval (5 ms) behind this thread.
            time.sleep(0)

    def _send(self, raw: _Raw) -> Any:
        event = self._build(raw)
        if event is None:
            self._release(raw)
            return None
        return self._publish(event, raw)

    def _release(self, raw: _Raw) -> None:
        with self._qlock:
            self._bytes -= raw[_SIZE]

    def _requeue(self, raw: _Raw) -> None:
        """A failed publish: the record goes back in front, keeping its event id."""
        with self._qlock:
            self._queue.appendleft(raw)
            if len(self._queue) > self._max_queue or self._bytes > self._max_bytes:
                self._shed()

    def _build(self, f: _Raw) -> FailureEvent | None:
        raw = dict(zip(_FIELDS, f, strict=True))
        clamped = False
        # The caller's key: given as a key, or as a "fingerprint" that is not one (the key
        # itself, passed by mistake). Removed from every text field before anything else.
        key: str | None = raw["key"] if isinstance(raw["key"], str) and raw["key"] else None
        fp = raw["key_fingerprint"]
        if key is None and isinstance(fp, str) and fp and not is_fingerprint(fp):
            key = fp
        fingerprint = key_fingerprint(key) if key else fp or key_fingerprint("")

        def text(value: Any, limit: int = _TEXT_LIMIT) -> str | None:
            nonlocal clamped
            if value is None:
                return None
            s = nfkc(value if isinstance(value, str) else str(value))
            s = CONTROL_CHARS.sub(" ", s)  # names and ids are one line (events.py)
            if key:
                s = remove_key(s, key)
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
        if message is not None and key:
            message = remove_key(message, key)
        event_id = event_uuid(raw["id"])
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
            "key_fingerprint": fingerprint,
            "region": text(raw["region"]),
            "status_code": integer(raw["status_code"], 100, 599),
            "error_type": text(raw["error_type"]),
            "error_code": text(raw["error_code"]),
            "error_message": scrub_message(message, MAX_MESSAGE_CHARS),
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

    def _publish(self, event: FailureEvent | SuccessTally | TallyBatch, raw: _Raw | None) -> Any:
        """Hand one message to the client. A failure's record (`raw`) stays owned until the
        publish is confirmed; a tallies batch is kept whole for another try."""
        attrs = {"type": event.type.value, "schema_version": str(event.schema_version)}
        if not isinstance(event, TallyBatch):
            attrs.update(source=event.source.value, provider=event.provider)
        try:
            client = self._ensure_client()
            future = client.publish(
                self._topic,
                event.model_dump_json().encode(),
                retry=self._retry,
                timeout=self._publish_timeout,
                **attrs,
            )
        except Exception:
            self._failed_publish(event, raw)
            return None
        self._in_flight.add(future)
        future.add_done_callback(lambda fut: self._done(fut, event, raw))
        return future

    def _send_probe(self) -> None:
        """While Pub/Sub is down: one message at a time, every `probe_interval_s`, tests it:
        the oldest queued failure, or else the oldest tallies batch waiting."""
        breaker = self._breaker
        if not breaker.may_probe():
            return
        with self._qlock:
            raw = self._queue.popleft() if self._queue else None
        if raw is not None:
            breaker.send_probe(lambda: self._send(raw), self.probe_interval_s)
        elif self._tallies.retry:
            batch = self._tallies.retry.popleft()
            breaker.send_probe(lambda: self._publish(batch, None), self.probe_interval_s)

    def _done(self, future: Any, event: Any, raw: _Raw | None) -> None:
        self._in_flight.discard(future)
        try:
            failed = future.exception() is not None
        except Exception:  # cancelled
            failed = True
        if failed:
            self._failed_publish(event, raw)
            return
        if raw is not None:
            self._release(raw)
            self._counts["published"] += 1
        else:
            self._counts["tallies_published"] += 1
        if self._breaker.succeeded():
            self._tallies_due = True  # what waited goes out now, not at the next interval
            self._wake.set()  # Pub/Sub is back: drain what waited

    def _failed_publish(self, event: Any, raw: _Raw | None) -> None:
        self._counts["publish_failures"] += 1
        self._breaker.failed()
        if raw is not None:
            self._requeue(raw)
        elif isinstance(event, TallyBatch):
            self._keep_tallies(event)

    def _keep_tallies(self, batch: TallyBatch) -> None:
        """A tallies batch to send again, as it was; the oldest go first past the group bound."""
        self._tallies.keep(batch)

    def _wait_in_flight(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        for fut in list(self._in_flight):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:  # failures are handled by the callback
                fut.result(timeout=remaining)
            except Exception:
                continue

    def _publish_tallies(self) -> None:
        """One `tallies` message per flush, or a few when its groups exceed what one message
        carries (Tallies.batches). While Pub/Sub is down the counts keep merging, and go out
        once it is back."""
        if self.pubsub_down:
            return
        retry = self._tallies.retry
        while retry and not self.pubsub_down:
            self._publish(retry.popleft(), None)
        for batch in self._tallies.batches():
            self._publish(batch, None)

    def _log_drops(self) -> None:
        counts = self._counts
        lost = counts["dropped_overflow"] + counts["tally_groups_dropped"]
        lost += counts["successes_dropped"]
        now = time.monotonic()
        if lost > self._logged_drops and now - self._last_drop_log >= 60:
            log.warning(
                "keywatch dropped %d failure reports, successes and tally groups so far (over its "
                "bounds while Pub/Sub was unreachable; stats() has each count)",
                lost,
                extra=self._extra(),
            )
            self._logged_drops = lost
            self._last_drop_log = now

    def _extra(self) -> dict[str, Any]:
        return ops_event(Event.KEYWATCH_REPORTER, **self.stats())


# Every reporter, so that a forked child can reset them (weak: a test's reporters may go).
_instances: weakref.WeakSet[Reporter] = weakref.WeakSet()


def _before_fork() -> None:
    """A fork while the reporter's thread is importing would leave the child a module lock
    that no thread of its own holds, and its first import of that module would hang forever
    (seen with gunicorn --preload). The fork waits for those imports: a second or so, once."""
    for r in list(_instances):
        if r._thread is not None and r._thread.is_alive():
            r._imported.wait(30)


def _after_fork_in_child() -> None:
    global _default_lock
    _default_lock = threading.Lock()
    for r in list(_instances):
        r._reset()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


def _clean_name(model: object, api_key: str | KeyScrubber | None, fingerprint: str | None) -> str:
    """A model name as a tally carries it: one line, the caller's key (and its fragments) and
    anything key-shaped removed, as from a failure's fields."""
    name = CONTROL_CHARS.sub(" ", nfkc(str(model)))[:_TEXT_CAPTURE]
    key = api_key.key if isinstance(api_key, KeyScrubber) else api_key
    if not key and fingerprint and not is_fingerprint(fingerprint):
        key = fingerprint  # the key itself, passed as a fingerprint by mistake
    if key:
        name = remove_key(name, key)
    return scrub(name, _TEXT_LIMIT) or "unknown"


def _fingerprint_of(api_key: str | KeyScrubber | None, fingerprint: str | None) -> str:
    if isinstance(api_key, KeyScrubber):
        return api_key.fingerprint
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


def init(settings: ReporterSettings | None = None, **kwargs: Any) -> Reporter:
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


def key_validated(provider: str, **kwargs: Any) -> bool:
    return reporter().key_validated(provider, **kwargs)


def success(provider: str, model: str, **kwargs: Any) -> None:
    """Count one successful call through the process's reporter (see Reporter.success)."""
    (_default or init()).success(provider, model, **kwargs)
