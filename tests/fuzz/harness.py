"""The functions' real entry points against a real redis-server and Firestore emulator, one
fresh namespace per example, and the places a planted key could end up, read back.

`Pipeline` is built once per session (clients, the captured log); `Pipeline.fresh()` gives each
Hypothesis example its own counting prefix and Firestore collections, with redis emptied (it
is this tier's own server), so that an example, and its replay while shrinking, sees only
what it wrote.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis

from keywatch.core.keys import Layout
from keywatch_functions.adapters.cloud_logging import StructuredLogSink, structured_logger
from keywatch_functions.adapters.firestore import FirestoreHealthDocs
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.adapters.redis_lock import RedisAlertGate
from keywatch_functions.classify import classify
from keywatch_functions.health import health
from keywatch_functions.service.classify import ClassifyDeps
from keywatch_functions.service.health import HealthDeps
from keywatch_functions.settings import FunctionSettings
from tests.fakes import FakeAlertPublisher
from tests.fuzz.strategies import Plant, cloud_event

_ids = itertools.count()


@dataclass
class Leak:
    plant: Plant
    where: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.plant.kind} key {self.plant.text!r} in {self.where}: ...{self.excerpt}..."


_BREAKS = re.compile(r"\s+|\\[nrt]")


def find_leaks(where: str, text: str, plants: tuple[Plant, ...] | list[Plant]) -> list[Leak]:
    """Each plant whose key, or any run of 12 characters of its secret part, is in `text`:
    as written, NFKC-normalised (full-width letters), without line breaks and spaces (a key
    split over lines), and case-folded (a name lower-cased on its way in)."""
    if not plants or not text:
        return []
    forms = {text, unicodedata.normalize("NFKC", text)}
    forms |= {_BREAKS.sub("", f) for f in list(forms)}
    forms |= {f.lower() for f in list(forms)}
    leaks = []
    for p in plants:
        runs = p.runs() | {r.lower() for r in p.runs()}
        for form in forms:
            hit = p.text if p.text in form else next((r for r in runs if r in form), None)
            if hit is not None:
                at = form.index(hit)
                leaks.append(Leak(p, where, form[max(0, at - 60) : at + len(hit) + 20]))
                break
    return leaks


def _strings(value: Any) -> list[str]:
    """Every string in a JSON-like value, dictionary keys included."""
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            stack += [str(k) for k in v]
            stack += list(v.values())
        elif isinstance(v, list | tuple):
            stack += list(v)
        elif v is not None:
            out.append(str(v))
    return out


@dataclass
class Example:
    """One example's namespace and the functions' dependencies bound to it."""

    pipeline: Pipeline
    prefix: str
    settings: FunctionSettings
    classify_deps: ClassifyDeps
    health_deps: HealthDeps
    alerts: FakeAlertPublisher
    messages: itertools.count = field(default_factory=lambda: itertools.count(1))

    def classify(
        self, data: bytes | str, publish_time: str | None, broken: str | None = None
    ) -> None:
        """The classify function's entry point, as functions-framework calls it."""
        event = cloud_event(data, publish_time, str(next(self.messages)), broken=broken)
        classify(event, self.classify_deps)

    def health(self, publish_time: str | None) -> dict[str, Any]:
        """The health function's entry point on a tick; returns its `health_run` log entry."""
        before = len(self.pipeline.log_entries())
        health(
            cloud_event(b'{"scheduled_for": "now"}', publish_time, str(next(self.messages))),
            self.health_deps,
        )
        runs = [e for e in self.pipeline.log_entries()[before:] if e.get("event") == "health_run"]
        assert len(runs) == 1, (
            f"health logged {len(runs)} runs: {self.pipeline.log.getvalue()[-2000:]}"
        )
        return runs[0]

    def document(self, path: str) -> dict[str, Any] | None:
        snap = self.pipeline.firestore.document(path).get()
        return snap.to_dict() if snap.exists else None

    def leaks(self, plants: tuple[Plant, ...] | list[Plant]) -> list[Leak]:
        """Every planted key found in the log lines, redis (key names and values), the
        Firestore documents (ids and contents) and the alerts published."""
        if not plants:
            return []
        p = self.pipeline
        found = find_leaks("log lines", p.log.getvalue(), plants)
        for entry in p.log_entries():
            found += find_leaks("a log entry", "\n".join(_strings(entry)), plants)
        found += find_leaks("redis", p.redis_dump(), plants)
        found += find_leaks("firestore", p.firestore_dump(), plants)
        found += find_leaks(
            "alerts", "\n".join(a.model_dump_json() for a in self.alerts.alerts), plants
        )
        return found


class Pipeline:
    """The session's clients, and the functions' log captured in memory."""

    def __init__(self, project: str, redis_port: int) -> None:
        from google.cloud import firestore

        self.project = project
        self.redis = redis.Redis(port=redis_port, socket_timeout=5)
        self.redis_url = f"redis://127.0.0.1:{redis_port}/0"
        self.firestore = firestore.Client(project=project)
        self.log = io.StringIO()
        self.logger = structured_logger(f"keywatch-fuzz-{next(_ids)}", stream=self.log)
        self._seen_collections: set[str] = set()
        self.run = uuid.uuid4().hex[:6]

    def log_entries(self) -> list[dict[str, Any]]:
        out = []
        for line in self.log.getvalue().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"unparsed": line})
        return out

    def fresh(self) -> Example:
        """A namespace of its own: a counting prefix, two collections, redis emptied, the log
        and the alerts cleared."""
        n = next(_ids)
        prefix = f"fz{self.run}{n}"
        settings = FunctionSettings(
            project_id=self.project,
            redis_url=self.redis_url,
            counting_prefix=prefix,
            provider_health_collection=f"ph_{prefix}",
            key_health_collection=f"kh_{prefix}",
        )
        self.redis.flushdb()
        self.log.seek(0)
        self.log.truncate()
        counts = RedisCountingStore(self.redis, Layout(prefix))
        alerts = FakeAlertPublisher()
        classify_deps = ClassifyDeps(
            log=StructuredLogSink(self.logger),
            alerts=alerts,
            counter=counts,
            gate=RedisAlertGate(self.redis),
            alert_window_s=settings.alert_window_s,
        )
        health_deps = HealthDeps(
            counts=counts,
            docs=FirestoreHealthDocs(self.firestore, timeout_s=settings.firestore_timeout_s),
            provider_collection=settings.provider_health_collection,
            key_collection=settings.key_health_collection,
        )
        return Example(self, prefix, settings, classify_deps, health_deps, alerts)

    def redis_dump(self) -> str:
        """Every key of the server (this tier's own) with its value, whatever its type."""
        r = self.redis
        out: list[str] = []

        def text(b: Any) -> str:
            return b.decode("utf-8", "replace") if isinstance(b, bytes) else str(b)

        for key in r.scan_iter(count=1000):
            kind = text(r.type(key))
            out.append(text(key))
            if kind == "string":
                out.append(text(r.get(key)))
            elif kind == "hash":
                out += [text(x) for kv in r.hgetall(key).items() for x in kv]
            elif kind == "set":
                out += [text(x) for x in r.smembers(key)]
            elif kind == "zset":
                out += [text(x) for x, _ in r.zrange(key, 0, -1, withscores=True)]
            elif kind == "list":
                out += [text(x) for x in r.lrange(key, 0, -1)]
        return "\n".join(out)

    def firestore_dump(self) -> str:
        """Every document under the collections created since the last dump (each example
        writes its own), with its path and content; missing parents of subcollections too."""
        out: list[str] = []
        roots = [c for c in self.firestore.collections() if c.id not in self._seen_collections]
        stack = list(roots)
        while stack:
            coll = stack.pop()
            for ref in coll.list_documents():
                out.append(ref.path)
                snap = ref.get()
                if snap.exists:
                    out += _strings(snap.to_dict())
                stack += list(ref.collections())
        self._seen_collections |= {c.id for c in roots}
        return "\n".join(out)


def minute_start(ts: float) -> datetime:
    return datetime.fromtimestamp(int(ts) // 60 * 60, UTC)


def capture_keywatch_logger(buf: io.StringIO) -> logging.Handler:
    """The adapters' own warnings (logging.getLogger("keywatch")) into the captured log too."""
    handler = logging.StreamHandler(buf)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logging.getLogger("keywatch").addHandler(handler)
    return handler
