"""status_page: the operator's status page, an HTTP function.

GET `/` is the page (HTML, no JavaScript), GET `/status.json` the same data as JSON; any other
path is 404, any other method on those two 405. Each request builds the page from the health
database's documents, read at most once per CACHE_S per instance (a burst of requests, or
several people looking, cost one read); a read Firestore does not answer within READ_DEADLINE_S
answers 503, plain text, and nothing is cached.

Private by default: Cloud Functions gen2 lets only principals with the invoker role call it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import flask

from keywatch.core.health import Thresholds
from keywatch.core.opsevents import Event, ops_event
from keywatch.core.statuspage import (
    CSP,
    DAYS_SHOWN,
    INCIDENT_DAYS,
    StatusDocs,
    build_status,
    render_html,
    render_json,
)
from keywatch_functions import bootstrap, log
from keywatch_functions.errors import StatusReadError
from keywatch_functions.settings import FunctionSettings
from keywatch_functions.status_reader import StatusReader

CACHE_S = 30.0
# Well inside the function's request timeout and a person's patience; the read is a handful of
# small queries (adapters/status_docs.py).
READ_DEADLINE_S = 5.0
HTML_PATH, JSON_PATH = "/", "/status.json"
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Private figures: a shared cache must not keep them; a browser may for the cache's span.
    "Cache-Control": f"private, max-age={int(CACHE_S)}",
}


class DocsCache:
    """The documents last read, fresh for `ttl_s`. One refresh at a time: requests arriving
    during a read wait for it rather than each reading Firestore."""

    def __init__(self, ttl_s: float = CACHE_S, clock: Callable[[], float] = time.monotonic):
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._docs: StatusDocs | None = None
        self._read_at = 0.0

    def get(self, load: Callable[[], StatusDocs]) -> StatusDocs:
        with self._lock:
            if self._docs is None or self._clock() - self._read_at >= self._ttl_s:
                self._docs = load()  # raises: nothing cached, the next request tries again
                self._read_at = self._clock()
            return self._docs


@dataclass(frozen=True, slots=True)
class StatusDeps:
    reader: StatusReader
    thresholds: Thresholds = field(default_factory=Thresholds)
    cache: DocsCache = field(default_factory=DocsCache)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


def build_status_deps(settings: FunctionSettings) -> StatusDeps:
    from keywatch_functions.adapters.status_docs import FirestoreStatusDocs

    return StatusDeps(
        reader=FirestoreStatusDocs(
            # With FIRESTORE_EMULATOR_HOST set the client uses anonymous credentials.
            bootstrap._firestore(settings, settings.health_database),
            provider_collection=settings.provider_health_collection,
            days_collection=settings.provider_days_collection,
            # FunctionSettings names no incidents collection yet; it will win once it does.
            incidents_collection=getattr(settings, "incidents_collection", "incidents"),
            deadline_s=READ_DEADLINE_S,
        ),
        thresholds=Thresholds(
            settings.health_min_requests, settings.health_degraded_rate, settings.health_down_rate
        ),
    )


def status_deps() -> StatusDeps:
    return bootstrap._once("status_page", build_status_deps)


def _plain(status: int, text: str, **headers: str) -> flask.Response:
    return flask.Response(
        text + "\n",
        status=status,
        mimetype="text/plain",
        headers={**_SECURITY_HEADERS, "Cache-Control": "no-store", **headers},
    )


def status_page(request: flask.Request, deps: StatusDeps | None = None) -> flask.Response:
    if request.path not in (HTML_PATH, JSON_PATH):
        return _plain(404, "Not found: the status page is / and its data /status.json.")
    if request.method not in ("GET", "HEAD"):
        return _plain(405, "Method not allowed: GET or HEAD.", Allow="GET, HEAD")
    d = deps or status_deps()
    now = d.now()

    def load() -> StatusDocs:
        return d.reader.read(
            (now - timedelta(days=DAYS_SHOWN - 1)).date(), now - timedelta(days=INCIDENT_DAYS)
        )

    try:
        docs = d.cache.get(load)
    except StatusReadError as exc:
        log.logger().warning(
            "status page: %s",
            exc,
            extra=ops_event(Event.STATUS_PAGE_UNAVAILABLE, "status_page", error=str(exc)[:500]),
        )
        return _plain(
            503,
            "The status page cannot read the health database right now. Try again shortly.",
            **{"Retry-After": str(int(CACHE_S))},
        )
    data = build_status(docs, now, d.thresholds)
    if request.path == JSON_PATH:
        body: Any = json.dumps(render_json(data), ensure_ascii=False, separators=(",", ":"))
        return flask.Response(body, mimetype="application/json", headers=_SECURITY_HEADERS)
    return flask.Response(
        render_html(data),
        mimetype="text/html",
        headers={**_SECURITY_HEADERS, "Content-Security-Policy": CSP},
    )
