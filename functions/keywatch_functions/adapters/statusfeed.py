"""The providers' public status feeds over HTTPS: one bounded GET per feed, cached.

`StatusFeedClient.corroborate(provider)` answers whether the provider itself reports an
incident (keywatch.core.statusfeed judges the document; docs/status_feeds.md). What a call
promises:

- It never raises: an unreachable, slow, redirected, oversized or unreadable feed is
  `confirmed=None` with `why`.
- Bounded: one deadline (`timeout_s`) covers waiting for another thread's fetch of the same
  feed, name resolution, connect, TLS and every read; at most `max_bytes` (1 MiB) of a body is
  read. A socket timeout alone bounds each read, not their sum: every socket operation here gets
  only what is left of the deadline.
- HTTPS only (plain http only to a loopback address: the local stand-in); a redirect is followed
  only to the same scheme, host and port, at most twice.
- One request per feed per `cache_ttl_s` (60 s): providers that share a feed (gemini, google and
  vertex all read Google's incidents.json) share the fetch, and concurrent callers wait for the
  one fetch under way rather than start their own. A failure is cached too, for `failure_ttl_s`
  (15 s), so that a feed that is down is not hammered by every health run and every thread.

Standard library only (http.client, ssl), as keywatch.validate does for the same reasons.
"""

from __future__ import annotations

import http.client
import json
import math
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from keywatch import _http
from keywatch.core.statusfeed import Corroboration, FeedConfig, judge, unknown, url_problem

__all__ = ["FAILURE_TTL_S", "MAX_BODY_BYTES", "USER_AGENT", "StatusFeedClient"]

MAX_BODY_BYTES: Final = 1 << 20
FAILURE_TTL_S: Final = 15.0
USER_AGENT: Final = "keywatch-health (status feed check)"
_MAX_REDIRECTS: Final = 2
_NOTHING: Final = object()


@dataclass(frozen=True, slots=True)
class _Entry:
    """One fetch of one feed: its decoded document, or why there is none."""

    expires: float  # on the client's clock
    fetched_at: datetime
    document: Any  # _NOTHING when the fetch failed
    why: str


class _FetchError(Exception):
    """Why a feed could not be had, in words for `why`."""


class StatusFeedClient:
    """Reads the status feeds in `feeds` (provider -> FeedConfig; see
    keywatch.core.statusfeed.feeds_from_setting). Thread-safe; build one per instance.

    `clock` times the cache (time.monotonic; the deadline is always on the real clock);
    `ssl_context` replaces the system's trust store (a feed behind a private CA)."""

    def __init__(
        self,
        feeds: Mapping[str, FeedConfig],
        timeout_s: float = 3.0,
        cache_ttl_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        *,
        failure_ttl_s: float = FAILURE_TTL_S,
        max_bytes: int = MAX_BODY_BYTES,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        for name, value in (
            ("timeout_s", timeout_s),
            ("cache_ttl_s", cache_ttl_s),
            ("failure_ttl_s", failure_ttl_s),
        ):
            if not math.isfinite(value) or value < 0 or (name == "timeout_s" and value == 0):
                raise ValueError(f"{name} must be a finite number of seconds, not {value!r}")
        if max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        self._feeds = dict(feeds)
        self._timeout_s = float(timeout_s)
        self._ttl = float(cache_ttl_s)
        self._failure_ttl = min(float(failure_ttl_s), self._ttl)
        self._clock = clock
        self._max_bytes = max_bytes
        self._tls = ssl_context
        self._lock = threading.Lock()  # guards the two dicts below
        self._cache: dict[str, _Entry] = {}
        self._fetching: dict[str, threading.Lock] = {}

    def __repr__(self) -> str:
        return f"StatusFeedClient({sorted(self._feeds)})"

    # -- the port ---------------------------------------------------------------------------------

    def corroborate(self, provider: str) -> Corroboration:
        """What `provider`'s own status feed says now (or up to `cache_ttl_s` ago). Never
        raises; returns within about `timeout_s`."""
        feed = self._feeds.get(provider)
        if feed is None:
            return unknown("no feed configured", _now())
        try:
            entry = self._entry(feed.url)
            if entry.document is _NOTHING:
                return unknown(entry.why, entry.fetched_at, feed.url)
            return judge(
                feed.kind, entry.document, feed.components, entry.fetched_at, source_url=feed.url
            )
        except Exception as exc:  # the promise: an answer, never an exception
            return unknown(f"status feed check failed: {type(exc).__name__}", _now(), feed.url)

    # -- the cache --------------------------------------------------------------------------------

    def _cached(self, url: str) -> _Entry | None:
        with self._lock:
            entry = self._cache.get(url)
            return entry if entry is not None and self._clock() < entry.expires else None

    def _entry(self, url: str) -> _Entry:
        entry = self._cached(url)
        if entry is not None:
            return entry
        deadline = _http.Deadline(self._timeout_s)
        with self._lock:
            fetching = self._fetching.setdefault(url, threading.Lock())
        # One fetch per feed at a time: a caller that finds one under way waits for its result
        # (within its own deadline) instead of sending another request.
        if not fetching.acquire(timeout=deadline.left()):
            return _Entry(0, _now(), _NOTHING, "another check of this feed is still under way")
        try:
            entry = self._cached(url)
            if entry is None:
                entry = self._fetch(url, deadline)
                with self._lock:
                    self._cache[url] = entry
            return entry
        finally:
            fetching.release()

    def _fetch(self, url: str, deadline: _http.Deadline) -> _Entry:
        fetched_at = _now()
        try:
            body = self._get(url, deadline)
        except _FetchError as exc:
            why = str(exc)
        except TimeoutError:
            why = f"no complete answer within {self._timeout_s:g} s"
        except (OSError, http.client.HTTPException) as exc:
            why = _describe(exc)
        else:
            try:
                document = json.loads(body)
            except (ValueError, RecursionError) as exc:
                why = f"the feed is not JSON ({' '.join(str(exc).split())[:80]})"
            else:
                return _Entry(self._clock() + self._ttl, fetched_at, document, "")
        return _Entry(self._clock() + self._failure_ttl, fetched_at, _NOTHING, why)

    # -- the request (the only I/O) -------------------------------------------------------------

    def _get(self, url: str, deadline: _http.Deadline) -> bytes:
        """The body of a 200 answer to GET `url`, following same-origin redirects."""
        for _ in range(_MAX_REDIRECTS + 1):
            problem = url_problem(url)
            if problem:
                raise _FetchError(f"refused {url!r}: {problem}")
            status, location, body = self._once(url, deadline)
            if status == 200:
                return body
            if status in (301, 302, 303, 307, 308) and location:
                moved = urljoin(url, location)
                if _origin(moved) != _origin(url):
                    raise _FetchError(
                        f"HTTP {status} to {_origin(moved)}, another host: not followed (point"
                        " the feed at it)"
                    )
                url = moved
                continue
            raise _FetchError(f"HTTP {status} from the feed")
        raise _FetchError(f"more than {_MAX_REDIRECTS} redirects")

    def _once(self, url: str, deadline: _http.Deadline) -> tuple[int, str, bytes]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        sock = _http.connect(
            host,
            port,
            deadline,
            tls=self._context() if tls else None,
            server_hostname=host,
            # Plain http only to the local stand-in: a name like localhost must resolve there too.
            loopback_only=not tls,
        )
        try:
            conn = http.client.HTTPConnection(host, port)
            conn.sock = _http.DeadlineSocket(sock, deadline)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request(
                "GET",
                target,
                headers={
                    "Host": parts.netloc.rpartition("@")[2],
                    "User-Agent": USER_AGENT,
                    "Accept": "application/json",
                    "Accept-Encoding": "identity",
                    "Connection": "close",
                },
            )
            response = conn.getresponse()
            if response.status != 200:
                return response.status, response.getheader("location") or "", b""
            length = response.getheader("content-length")
            if length and length.isdigit() and int(length) > self._max_bytes:
                raise _FetchError(f"the feed sent {int(length)} bytes, over {self._limit()}")
            body = response.read(self._max_bytes + 1)
            if len(body) > self._max_bytes:
                raise _FetchError(f"the feed sent more than {self._limit()}")
            return 200, "", body
        finally:
            sock.close()

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            # Certificates and host names verified; built once, loading the CA store is slow.
            self._tls = ssl.create_default_context()
        return self._tls

    def _limit(self) -> str:
        mib = self._max_bytes / (1 << 20)
        return f"{mib:g} MiB" if mib >= 1 else f"{self._max_bytes} bytes"


def _now() -> datetime:
    return datetime.now(UTC)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname}:{port}"


def _describe(exc: BaseException) -> str:
    """A network failure in a few words."""
    common = _http.describe(exc, "the feed")
    if common is not None:
        return common
    if isinstance(exc, http.client.HTTPException):
        return f"not an HTTP answer ({type(exc).__name__})"
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}"
