"""Tallies: 200 backend processes x 500 groups each, flushing once, before and after, in one run.

Before (the previous contract): one `tally` message per (process, key, model) per flush, each
counted with 2 Firestore writes (a marker and a bucket increment). After: each process's real
Reporter flushes its groups as `tallies` batches split below 64 KiB; classify counts each
batch through the counting store (a real redis-server) in chunks of 50 groups per script call;
Firestore is written only by the next health run, once per changed document.

The groups are drawn from 50,000 (key, model) pairs, so processes share keys as pods of one
backend do. Reported: messages, bytes, Redis calls, Firestore writes, and time on each side.

    .venv/bin/python bench/bench_tallies.py [--processes 200] [--groups 500]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes import FakeAlertPublisher, FakeLogSink, FakePublisherClient

from _common import CountingDocs, redis_server
from keywatch.core.keys import Layout
from keywatch.events import Source, SuccessTally, TallyBatch
from keywatch.reporting import Reporter
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.decode import MAX_MESSAGE_BYTES, decode_ingest
from keywatch_functions.service.classify import ClassifyDeps, handle_tallies
from keywatch_functions.service.health import HealthDeps, run_health
from keywatch_functions.settings import FunctionSettings


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--processes", type=int, default=200)
    p.add_argument("--groups", type=int, default=500)
    p.add_argument("--pairs", type=int, default=50_000)
    args = p.parse_args()
    rng = random.Random(5)
    pairs = [(f"key-{i % (args.pairs // 5)}", f"model-{i % 5}") for i in range(args.pairs)]
    now = datetime.now(UTC)

    # After: each process's own Reporter, flushing once.
    messages: list[bytes] = []
    flush_s = 0.0
    drawn: list[list[tuple[str, str]]] = []
    for _ in range(args.processes):
        client = FakePublisherClient()
        reporter = Reporter(FunctionSettings(project_id="bench"), client_factory=lambda c=client: c)
        groups = rng.sample(pairs, args.groups)
        drawn.append(groups)
        for key, model in groups:
            for _ in range(rng.randrange(1, 5)):
                reporter.success("openai", model, api_key=key, source="byok")
        t0 = time.perf_counter()
        assert reporter.flush(30)
        flush_s += time.perf_counter() - t0
        reporter.close()
        messages += [d for d, attrs in client.messages if attrs["type"] == "tallies"]
    assert all(len(m) < MAX_MESSAGE_BYTES for m in messages)

    # Before: one message per (process, group), as the previous reporter sent them.
    before_bytes = 0
    for groups in drawn:
        for key, model in groups:
            from keywatch.fingerprint import key_fingerprint

            t = SuccessTally(
                window_start=now, window_end=now, source=Source.BYOK, provider="openai",
                model=model, key_fingerprint=key_fingerprint(key), successes=3,
            )  # fmt: skip
            before_bytes += len(t.model_dump_json())
    before_messages = args.processes * args.groups

    with redis_server() as r:
        store = RedisCountingStore(r, Layout("kw"))
        deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), store)
        calls0 = int(r.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0))
        t0 = time.perf_counter()
        counted = 0
        for data in messages:
            batch = decode_ingest(data)
            assert isinstance(batch, TallyBatch)
            counted += handle_tallies(batch, deps).successes
        classify_s = time.perf_counter() - t0
        stats: Any = r.info("commandstats").get("cmdstat_evalsha", {})
        calls = int(stats.get("calls", 0)) - calls0
        redis_us = float(stats.get("usec_per_call", 0))
        docs = CountingDocs()
        t0 = time.perf_counter()
        run = run_health(datetime.now(UTC), HealthDeps(store, docs, max_writes=10**9))
        health_s = time.perf_counter() - t0
    tallies = args.processes * args.groups
    results = {
        "processes": args.processes,
        "groups_per_process": args.groups,
        "before": {
            "messages": before_messages,
            "bytes": before_bytes,
            "firestore_writes_counting": 2 * before_messages,
            "firestore_writes_per_tally": 2.0,
        },
        "after": {
            "messages": len(messages),
            "bytes": sum(len(m) for m in messages),
            "largest_message_bytes": max(len(m) for m in messages),
            "reporter_flush_ms_per_process": round(flush_s / args.processes * 1000, 1),
            "redis_script_calls": calls,
            "redis_us_per_call": round(redis_us, 1),
            "classify_s": round(classify_s, 2),
            "successes_counted": counted,
            "firestore_writes_counting": 0,
            "health_run_writes": docs.writes,
            "firestore_writes_per_tally": round(docs.writes / tallies, 3),
            "health_run_s": round(health_s, 2),
            "keys_computed": run.keys,
        },
    }
    b, a = results["before"], results["after"]
    print(
        f"{args.processes} processes x {args.groups} groups, one flush each ({tallies:,} tallies)"
    )
    print(f"{'':36}{'before':>12}{'after':>12}")
    print(f"{'Pub/Sub messages':36}{b['messages']:>12,}{a['messages']:>12,}")
    print(f"{'bytes published':36}{b['bytes']:>12,}{a['bytes']:>12,}")
    print(f"{'Firestore writes to count them':36}{b['firestore_writes_counting']:>12,}{0:>12}")
    print(f"{'Firestore writes (next health run)':36}{'-':>12}{a['health_run_writes']:>12,}")
    print(f"{'Firestore writes per tally':36}{2.0:>12}{a['firestore_writes_per_tally']:>12}")
    print(f"{'Redis script calls':36}{'-':>12}{a['redis_script_calls']:>12,}")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
