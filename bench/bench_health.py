"""A health run over 1,000,000 failure events and their tallies, in one run.

The events span 20 providers x 50 models x 500 keys per provider, in the last hour. They are
folded into per-minute buckets the way classify's Firestore increments fold them; the health
run then reads the buckets shard by shard, as it does from Firestore, and builds its documents.
Beside it, the baseline: the same run loading every bucket at once (the pre-shard design).
Reported: wall time, peak memory of the run (tracemalloc, allocations made by the run), bucket
documents read, and Firestore writes per run.

    .venv/bin/python bench/bench_health.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from keywatch.core.classify import PROVIDER_FAULT, Reason
from keywatch.core.health import (
    SHARDS,
    Bucket,
    KeyThresholds,
    Thresholds,
    health_documents,
    key_documents,
    minute_of,
    shard_of,
)
from keywatch.service.health import HealthDeps, run_health

REASONS = [r.value for r in Reason if r is not Reason.UNKNOWN]
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


class CompactStore:
    """Buckets kept as tuples per shard; Bucket objects built per query, as Firestore does."""

    def __init__(self) -> None:
        self.shards: list[list[tuple[Any, ...]]] = [[] for _ in range(SHARDS)]
        self.reads = 0
        self.writes = 0

    def buckets_since(self, since: datetime, shard: int | None = None) -> Iterable[Bucket]:
        rows = self.shards[shard] if shard is not None else [r for s in self.shards for r in s]
        self.reads += len(rows)
        return [
            Bucket(
                minute,
                p,
                m,
                fp,
                "byok",
                successes=ok,
                failures=Counter(fails),
                provider_failures=pf,
                last_failure=dict.fromkeys(fails, minute.timestamp() + 30),
                last_success=minute.timestamp() + 30 if ok else None,
            )
            for (minute, p, m, fp, ok, fails, pf) in rows
            if minute >= since
        ]

    def write_health(self, docs: dict[str, dict[str, object]]) -> int:
        self.writes += len(docs)
        return len(docs)


def generate(events: int, seed: int = 1) -> tuple[CompactStore, int]:
    rng = random.Random(seed)
    buckets: dict[tuple[Any, ...], list[Any]] = {}
    end = minute_of(NOW)
    for _ in range(events):
        p = rng.randrange(20)
        key = (
            end - timedelta(minutes=rng.randrange(60)),
            f"p{p}",
            f"m{rng.randrange(50)}",
            f"kf_{p:04x}{rng.randrange(500):012x}",
        )
        b = buckets.setdefault(key, [0, Counter(), 0])
        reason = rng.choice(REASONS)
        b[1][reason] += 1
        b[2] += Reason(reason) in PROVIDER_FAULT
        b[0] += rng.randrange(1, 20)  # the tallied successes of the same group and minute
    store = CompactStore()
    for (minute, p, m, fp), (ok, fails, pf) in buckets.items():
        store.shards[shard_of(fp)].append((minute, p, m, fp, ok, dict(fails), pf))
    return store, len(buckets)


def measure(fn: Any) -> tuple[Any, float, float]:
    """Wall time untraced; then peak memory of a second, traced run (tracemalloc slows it)."""
    t0 = time.perf_counter()
    out = fn()
    took = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, took, peak / 2**20


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=1_000_000)
    args = p.parse_args()
    store, n_buckets = generate(args.events)
    results: dict[str, Any] = {"events": args.events, "bucket_documents": n_buckets}

    written, took, peak = measure(lambda: run_health(NOW, HealthDeps(store)))
    results["sharded"] = {
        "wall_s": round(took, 1),
        "peak_mib": round(peak, 1),
        "bucket_reads": store.reads,
        "firestore_writes": written,
    }

    def everything_at_once() -> int:
        buckets = list(store.buckets_since(minute_of(NOW) - timedelta(hours=24)))
        docs = health_documents(buckets, NOW, Thresholds())
        docs.update(key_documents(buckets, NOW, KeyThresholds()))
        return len(docs)

    written, took, peak = measure(everything_at_once)
    results["all_at_once_baseline"] = {
        "wall_s": round(took, 1),
        "peak_mib": round(peak, 1),
        "firestore_writes": written,
    }
    s, b = results["sharded"], results["all_at_once_baseline"]
    print(f"{args.events:,} events -> {n_buckets:,} bucket documents (minute x model x key)")
    print(f"{'':26}{'wall s':>8}{'peak MiB':>10}{'writes':>10}")
    print(f"{'sharded run':26}{s['wall_s']:>8}{s['peak_mib']:>10}{s['firestore_writes']:>10}")
    print(
        f"{'all at once (baseline)':26}{b['wall_s']:>8}{b['peak_mib']:>10}"
        f"{b['firestore_writes']:>10}"
    )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
