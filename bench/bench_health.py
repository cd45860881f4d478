"""The health run over 1,000,000 failure events and their tallies, counted in a real
redis-server, side by side with the code of a baseline commit (default 7d725cc, before the
schedule per series and the write margins) in one invocation.

The events span 20 providers x 50 models x 500 keys per provider, in the last hour, each with
the tallied successes of its group and minute. They are counted through the counting store's
own scripts (pipelined), then, from the same counted state each time (a copy kept in another
Redis database and copied back, so every layout is restored alike):
- the first run at the production write budget (KEYWATCH_HEALTH_MAX_WRITES, 20,000);
- every document computed in one run (no budget: a new deployment's or a restarted
  Memorystore's first run);
- after it, the same tick again; a run one minute later with no new events; and a run one
  minute later after a minute of normal traffic (1/60 of the events, in that minute).
Each: wall time untraced, then peak memory (tracemalloc, allocations made by the run) in a
second, traced run from the same state. Firestore is not called: writes are counted.

    .venv/bin/python bench/bench_health.py [--events 1000000] [--baseline 7d725cc]

The baseline runs this same file inside `git archive <commit>` of the tree (bench/_baseline.py):
it uses only what both trees have (RedisCountingStore, run_health, HealthDeps).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CountingDocs, redis_server
from keywatch.core.classify import Classification, Reason
from keywatch.core.counting import Group, TallyCount
from keywatch.core.health import unix_minute

try:
    from keywatch.core.keys import Layout
except ImportError:  # a baseline tree from before keys.py (7d725cc) has it here
    from keywatch.core.counting import Layout  # type: ignore[attr-defined,no-redef]
from keywatch.events import FailureEvent, Source
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.service.health import HealthDeps, RunResult, run_health

REASONS = [r for r in Reason if r is not Reason.UNKNOWN]
SNAPSHOT_DB = 1  # the counted state, copied back before each scenario
AFTER_DB = 2  # the state after every document was computed at the tick


def count(
    store: RedisCountingStore, events: int, minutes: list[int], seed: int, prefix: str = "b"
) -> int:
    """Count `events` failures over `minutes` and their groups' tallies; returns the groups."""
    rng = random.Random(seed)
    tallies: dict[Group, dict[int, int]] = {}
    pipe = store._r.pipeline(transaction=False)
    for _ in range(events):
        p = rng.randrange(20)
        g = Group(f"p{p}", f"m{rng.randrange(50)}", f"kf_{p:04x}{rng.randrange(500):012x}", "byok")
        minute = rng.choice(minutes)
        e = FailureEvent(
            event_id=uuid.UUID(int=rng.getrandbits(128)),
            occurred_at=datetime.fromtimestamp(minute * 60 + 30, UTC),
            request_id="r",
            source=Source.BYOK,
            provider=g.provider,
            model=g.model,
            key_fingerprint=g.key_fingerprint,
        )
        keys, args = store.failure_args(e, Classification(rng.choice(REASONS), False, False))
        store._failure(keys=keys, args=args, client=pipe)
        per_minute = tallies.setdefault(g, {})
        per_minute[minute] = per_minute.get(minute, 0) + rng.randrange(1, 20)
        if len(pipe) >= 2_000:
            pipe.execute()
    pipe.execute()
    groups = [TallyCount(g, tuple(sorted(m.items()))) for g, m in tallies.items()]
    for i in range(0, len(groups), 1_000):
        store.record_tallies(f"{prefix}-{seed}-{i}", groups[i : i + 1_000])
    return len(groups)


def drop_markers(r: redis.Redis, prefix: str) -> None:
    """Idempotency markers (one per event, 25 hours) are never read by a health run: dropped,
    so that copying the state is quick."""
    for pattern in (f"{prefix}:f:*", f"{prefix}:t:*", f"{prefix}:r:*"):
        batch = []
        for k in r.scan_iter(pattern, count=10_000):
            batch.append(k)
            if len(batch) >= 10_000:
                r.unlink(*batch)
                batch = []
        if batch:
            r.unlink(*batch)


def copy_db(r: redis.Redis, source: int, target: int) -> None:
    """Every key of database `source` into database `target` (emptied first), TTLs kept."""
    src = redis.Redis(host=_host(r), port=_port(r), db=source)
    dst = redis.Redis(host=_host(r), port=_port(r), db=target)
    dst.flushdb()
    pipe = src.pipeline(transaction=False)
    for k in src.scan_iter(count=10_000):
        pipe.copy(k, k, destination_db=target, replace=True)
        if len(pipe) >= 5_000:
            pipe.execute()
    pipe.execute()


def _host(r: redis.Redis) -> str:
    return str(r.connection_pool.connection_kwargs.get("host", "localhost"))


def _port(r: redis.Redis) -> int:
    return int(r.connection_pool.connection_kwargs["port"])


def timed(
    run: Callable[[], RunResult], again: Callable[[], Callable[[], RunResult]] | None
) -> dict[str, Any]:
    """Wall time of `run`; then, if `again` restores the state, peak memory of the same run."""
    t0 = time.perf_counter()
    result = run()
    took = time.perf_counter() - t0
    out: dict[str, Any] = {
        "wall_s": round(took, 3),
        "written": result.written + result.deleted,
        "keys": result.keys,
        "series": result.series,
        "left_due": result.left_due,
        "waiting": getattr(result, "waiting", None),
    }
    if again is not None:
        traced = again()
        tracemalloc.start()
        traced()
        out["peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return out


def measure(events: int, budget: int) -> dict[str, Any]:
    now = datetime.now(UTC).replace(second=10, microsecond=0)
    end = unix_minute(now)
    clock = {"t": now.timestamp()}
    with redis_server() as r:
        store = RedisCountingStore(r, Layout("kw"), clock=lambda: clock["t"])
        t0 = time.perf_counter()
        groups = count(store, events, [end - i for i in range(60)], seed=1)
        load_s = time.perf_counter() - t0
        drop_markers(r, "kw")
        copy_db(r, 0, SNAPSHOT_DB)
        out: dict[str, Any] = {
            "events": events,
            "tally_groups": groups,
            "load_s": round(load_s, 1),
            "redis_mib": round(int(r.info("memory")["used_memory"]) / 2**20),
        }

        def run(at: datetime, limit: int) -> Callable[[], RunResult]:
            return lambda: run_health(at, HealthDeps(store, CountingDocs(), max_writes=limit))

        def from_db(db: int, at: datetime, limit: int) -> Callable[[], Callable[[], RunResult]]:
            def restore() -> Callable[[], RunResult]:
                copy_db(r, db, 0)
                return run(at, limit)

            return restore

        later = now + timedelta(minutes=1)
        from_db(SNAPSHOT_DB, now, budget)()
        out["first_run_budgeted"] = timed(run(now, budget), from_db(SNAPSHOT_DB, now, budget))
        from_db(SNAPSHOT_DB, now, 10**9)()
        out["all_at_once"] = timed(run(now, 10**9), from_db(SNAPSHOT_DB, now, 10**9))
        # The traced run left every document computed at the tick: the runs that follow.
        copy_db(r, 0, AFTER_DB)
        out["same_tick_again"] = timed(run(now, 10**9), None)
        from_db(AFTER_DB, later, 10**9)()
        out["next_minute_idle"] = timed(run(later, 10**9), from_db(AFTER_DB, later, 10**9))
        # A minute of normal traffic: the hour's events / 60, in the minute after the tick.
        copy_db(r, AFTER_DB, 0)
        clock["t"] = later.timestamp() + 45
        count(store, events // 60, [end + 1], seed=2, prefix="m")
        drop_markers(r, "kw")
        copy_db(r, 0, SNAPSHOT_DB)
        out["next_minute_traffic"] = timed(run(later, 10**9), from_db(SNAPSHOT_DB, later, 10**9))
        out["traffic_events"] = events // 60
    return out


ROWS = [
    ("first_run_budgeted", "first run, write budget"),
    ("all_at_once", "every document in one run"),
    ("same_tick_again", "the same tick again"),
    ("next_minute_idle", "a minute later, no new events"),
    ("next_minute_traffic", "a minute later, a minute of traffic"),
]


def table(results: dict[str, dict[str, Any]]) -> None:
    names = list(results)
    head = f"{'':38}" + "".join(f"{n + ' s':>12}{'MiB':>7}{'written':>10}" for n in names)
    print(head)
    for key, label in ROWS:
        line = f"{label:38}"
        for n in names:
            row = results[n].get(key, {})
            peak = row.get("peak_mib", "")
            line += f"{row.get('wall_s', ''):>12}{peak:>7}{row.get('written', ''):>10}"
        print(line)
    for n in names:
        r = results[n]
        idle, busy = r["next_minute_idle"], r["next_minute_traffic"]
        print(
            f"{n}: series computed, all at once {r['all_at_once']['series']:,}; a minute later"
            f" {idle['series']:,} idle, {busy['series']:,} after {r['traffic_events']:,} events"
            f" (keys read {idle['keys']:,} and {busy['keys']:,})"
        )


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--budget", type=int, default=20_000)
    p.add_argument("--baseline", default="7d725cc", help="the commit to compare with")
    p.add_argument("--no-baseline", action="store_true")
    p.add_argument("--inside", action="store_true", help="measure this tree only (JSON)")
    args = p.parse_args()
    if args.inside:
        print(json.dumps(measure(args.events, args.budget)))
        return 0
    from _baseline import ROOT, baseline_tree, run_in

    flags = ["--inside", "--events", str(args.events), "--budget", str(args.budget)]
    results: dict[str, dict[str, Any]] = {}
    tree = None if args.no_baseline else baseline_tree(args.baseline)
    if tree is not None:
        shutil.copy(Path(__file__), tree / "bench" / "bench_health.py")
        print(f"baseline {args.baseline} ...", flush=True)
        results[args.baseline] = run_in(tree, "bench/bench_health.py", flags)
    print("this tree ...", flush=True)
    results["now"] = run_in(ROOT, "bench/bench_health.py", flags)
    first = next(iter(results.values()))
    print(
        f"{args.events:,} events -> {first['tally_groups']:,} tally groups, counted in"
        f" {first['load_s']} s; Redis holds {first['redis_mib']} MiB (markers dropped)"
    )
    table(results)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
