"""Outage burst: failures counted through the counting store (a real redis-server) against the
previous path (Firestore markers and minute buckets, on the real Firestore emulator), in one run.

Two bursts within one minute: 20,000 failures on one (provider, model, platform key) group,
and 20,000 spread over 5,000 groups. For each:
- events/s counted: one at a time on one connection (one classify request after another), and
  from 16 threads (one classify instance at its request concurrency);
- Redis server time per event (INFO commandstats), hence what one primary can take;
- Firestore writes per event and the most writes any one document takes: counting writes none,
  the health run after the burst writes each changed document once;
- memory in Redis per counted event (markers live 25 hours).
The baseline runs the previous recorder (bench/_firestore_baseline.py) on the first
--baseline-events of the same events: the emulator has no contention, so its rate is an upper
bound; Firestore sustains about one write per second per document in production.

    .venv/bin/python bench/bench_counting.py [--events 20000] [--baseline-events 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import redis

from _common import CountingDocs
from _firestore_baseline import BaselineFirestoreRecorder
from keywatch.core.classify import classify
from keywatch.core.keys import Layout
from keywatch.events import FailureEvent, Source
from keywatch.fingerprint import key_fingerprint
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.service.health import HealthDeps, run_health
from keywatch_ops.devstack.stack import Stack

C503 = classify(503)


def burst(n: int, groups: int, now: datetime) -> list[FailureEvent]:
    return [
        FailureEvent(
            occurred_at=now,
            request_id=f"r{i}",
            source=Source.PLATFORM,
            provider="openai",
            model=f"m{i % groups % 50}",
            key_fingerprint=key_fingerprint(f"key-{i % groups}"),
            status_code=503,
            error_message="upstream connect error",
        )
        for i in range(n)
    ]


def evalsha_usec(r: redis.Redis) -> tuple[int, float]:
    stats: Any = r.info("commandstats").get("cmdstat_evalsha", {})
    return int(stats.get("calls", 0)), float(stats.get("usec", 0))


def new_path(r: redis.Redis, events: list[FailureEvent], name: str) -> dict[str, Any]:
    now = events[0].occurred_at
    store = RedisCountingStore(r, Layout(f"bench{uuid.uuid4().hex[:6]}"), clock=now.timestamp)
    half = len(events) // 2
    used0 = int(r.info("memory")["used_memory"])
    calls0, usec0 = evalsha_usec(r)
    # One at a time, one connection: what one classify request after another gets.
    latencies = []
    t0 = time.perf_counter()
    for e in events[:half]:
        t = time.perf_counter()
        store.record_failure(e, C503)
        latencies.append(time.perf_counter() - t)
    sequential = half / (time.perf_counter() - t0)
    # 16 threads: one classify instance serving 16 requests at once.
    rest = events[half:]
    parts = [rest[i::16] for i in range(16)]
    threads = [
        threading.Thread(target=lambda p=p: [store.record_failure(e, C503) for e in p])
        for p in parts
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    concurrent = len(rest) / (time.perf_counter() - t0)
    calls1, usec1 = evalsha_usec(r)
    server_us = (usec1 - usec0) / max(1, calls1 - calls0)
    # Redeliveries count nothing.
    again = sum(store.record_failure(e, C503) for e in events[:1000])
    docs = CountingDocs()
    t0 = time.perf_counter()
    run = run_health(now, HealthDeps(store, docs, max_writes=10**9))
    health_s = time.perf_counter() - t0
    memory = (int(r.info("memory")["used_memory"]) - used0) / len(events)
    return {
        "scenario": name,
        "events": len(events),
        "events_per_s_one_connection": round(sequential),
        "events_per_s_16_threads": round(concurrent),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 3),
        "latency_ms_p99": round(sorted(latencies)[int(len(latencies) * 0.99)] * 1000, 3),
        "redis_us_per_event": round(server_us, 1),
        "one_primary_events_per_s": round(1e6 / server_us),
        "redelivered_counted": again,
        "firestore_writes_counting": 0,
        "firestore_writes_health_run": docs.writes,
        "firestore_writes_per_event": round(docs.writes / len(events), 4),
        "max_writes_per_document": 1,
        "health_run_s": round(health_s, 2),
        "redis_bytes_per_event": round(memory),
        "keys_computed": run.keys,
    }


def baseline(db: Any, events: list[FailureEvent], name: str) -> dict[str, Any]:
    unique = uuid.uuid4().hex[:6]
    rec = BaselineFirestoreRecorder(db, f"raw_{unique}", f"buckets_{unique}")
    t0 = time.perf_counter()
    for e in events:
        rec.record_failure(e, C503)
    rate = len(events) / (time.perf_counter() - t0)
    hottest = max(rec.per_document.values())
    return {
        "scenario": name,
        "events": len(events),
        "events_per_s_emulator": round(rate),
        "firestore_writes_per_event": rec.writes / len(events),
        "max_writes_per_document": hottest,
        "max_writes_per_document_per_s_if_in_one_minute": round(hottest / 60, 1),
    }


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=20_000)
    p.add_argument("--baseline-events", type=int, default=2_000)
    args = p.parse_args()
    now = datetime.now(UTC).replace(second=5, microsecond=0)
    scenarios = {
        "one group": burst(args.events, 1, now),
        "5,000 groups": burst(args.events, 5_000, now),
    }
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(workdir=Path(tmp), with_functions=False).start()
        try:
            with stack.client_env():
                from google.cloud import firestore

                r = redis.Redis(port=stack.services["redis"].port)
                db = firestore.Client(project=stack.project)
                results = []
                for name, events in scenarios.items():
                    new = new_path(r, events, name)
                    sample = events[: args.baseline_events]
                    old = baseline(db, sample, name)
                    # The whole burst lands the same way: scale the hottest document's writes.
                    old["max_writes_per_document"] *= len(events) // len(sample)
                    results.append({"new": new, "baseline": old})
        finally:
            stack.stop()
    print(f"{'':34}{'one group':>16}{'5,000 groups':>16}")
    rows = [
        ("events/s, one connection", "new", "events_per_s_one_connection"),
        ("events/s, 16 threads", "new", "events_per_s_16_threads"),
        ("latency p50 ms (one connection)", "new", "latency_ms_p50"),
        ("latency p99 ms (one connection)", "new", "latency_ms_p99"),
        ("Redis server us per event", "new", "redis_us_per_event"),
        ("one primary's capacity, events/s", "new", "one_primary_events_per_s"),
        ("redelivered and counted again", "new", "redelivered_counted"),
        ("Firestore writes per event", "new", "firestore_writes_per_event"),
        ("max writes to one document", "new", "max_writes_per_document"),
        ("health run after the burst, s", "new", "health_run_s"),
        ("Redis bytes per counted event", "new", "redis_bytes_per_event"),
        ("baseline events/s (emulator)", "baseline", "events_per_s_emulator"),
        ("baseline Firestore writes/event", "baseline", "firestore_writes_per_event"),
        ("baseline max writes to one doc", "baseline", "max_writes_per_document"),
    ]
    for label, side, key in rows:
        print(f"{label:34}" + "".join(f"{r[side][key]:>16}" for r in results))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
