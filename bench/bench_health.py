"""The health run over 1,000,000 failure events and their tallies, counted in a real
redis-server, side by side with recomputing everything (what a stateless run does every tick).

The events span 20 providers x 50 models x 500 keys per provider, in the last hour, each with
the tallied successes of its group and minute. They are counted through the counting store's
own scripts (pipelined), then:
- the first run at the production write budget (KEYWATCH_HEALTH_MAX_WRITES, 20,000);
- the same with no budget: every document computed and written in one run (the baseline: a run
  that recomputes everything, as the previous design did every minute);
- a second run for the same tick, and a run one minute later, with no new events.
Wall time untraced; peak memory (tracemalloc, allocations made by the run) in a second, traced
run from the same state. Firestore is not called: writes are counted.

    .venv/bin/python bench/bench_health.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import redis

from _common import CountingDocs, redis_server
from keywatch.core.classify import Classification, Reason
from keywatch.core.counting import Group, Layout, TallyCount
from keywatch.core.health import unix_minute
from keywatch.events import FailureEvent, Source
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.service.health import HealthDeps, RunResult, run_health

REASONS = [r for r in Reason if r is not Reason.UNKNOWN]


def load(store: RedisCountingStore, r: redis.Redis, events: int, end: int, seed: int = 1) -> int:
    """Count `events` failures and their groups' tallies; returns the tally groups."""
    rng = random.Random(seed)
    tallies: dict[Group, dict[int, int]] = {}
    pipe = r.pipeline(transaction=False)
    for _ in range(events):
        p = rng.randrange(20)
        g = Group(f"p{p}", f"m{rng.randrange(50)}", f"kf_{p:04x}{rng.randrange(500):012x}", "byok")
        minute = end - rng.randrange(60)
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
        store.record_tallies(f"bench-{i}", groups[i : i + 1_000])
    return len(groups)


def reset(store: RedisCountingStore, r: redis.Redis) -> None:
    """Back to the state before any run: every key and provider due, no document written."""
    L = store.layout
    fps = [k.decode().split(":", 2)[2] for k in r.scan_iter(f"{L.prefix}:k:*", count=10_000)]
    pipe = r.pipeline(transaction=False)
    for fp in fps:
        pipe.hkeys(L.key(fp))
    fields = pipe.execute()
    for fp, names in zip(fps, fields, strict=True):
        bookkeeping = (b"|_d", b"|_c", b"|_n", b"|_s")
        digests = [n for n in names if n in (b"_d", b"_i") or n.endswith(bookkeeping)]
        if digests:
            pipe.hdel(L.key(fp), *digests)
    for k in r.scan_iter(f"{L.prefix}:s:*", count=10_000):
        pipe.hdel(k, "_d")
    pipe.delete(L.provider_digests, L.sched_keys, L.sched_rollups, L.run_as_of)
    pipe.delete(f"{L.dirty_keys}:work", f"{L.dirty_rollups}:work")
    pipe.sadd(L.dirty_keys, *fps)
    providers = [k.decode().split(":", 2)[2] for k in r.scan_iter(f"{L.prefix}:pm:*")]
    pipe.sadd(L.dirty_rollups, *providers)
    pipe.execute()


def measured(
    run: Callable[[], RunResult], again: Callable[[], Callable[[], RunResult]]
) -> dict[str, Any]:
    """Wall time of `run`; then peak memory of the same run from the same state, traced."""
    t0 = time.perf_counter()
    result = run()
    took = time.perf_counter() - t0
    traced = again()
    tracemalloc.start()
    traced()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "wall_s": round(took, 2),
        "peak_mib": round(peak / 2**20, 1),
        "written": result.written,
        "keys": result.keys,
        "series": result.series,
        "left_due": result.left_due,
    }


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--budget", type=int, default=20_000)
    args = p.parse_args()
    now = datetime.now(UTC).replace(second=10, microsecond=0)
    end = unix_minute(now)
    with redis_server() as r:
        store = RedisCountingStore(r, Layout("kw"), clock=now.timestamp)
        t0 = time.perf_counter()
        groups = load(store, r, args.events, end)
        load_s = time.perf_counter() - t0
        used = int(r.info("memory")["used_memory"])
        results: dict[str, Any] = {
            "events": args.events,
            "tally_groups": groups,
            "load_s": round(load_s, 1),
            "redis_mib": round(used / 2**20),
        }

        def run(budget: int, at: datetime = now) -> Callable[[], RunResult]:
            return lambda: run_health(at, HealthDeps(store, CountingDocs(), max_writes=budget))

        def fresh(budget: int) -> Callable[[], RunResult]:
            reset(store, r)
            return run(budget)

        reset(store, r)
        results["first_run_budgeted"] = measured(run(args.budget), lambda: fresh(args.budget))
        reset(store, r)
        results["all_at_once_baseline"] = measured(run(10**9), lambda: fresh(10**9))
        # The traced baseline left every document written: now the runs with no new events.
        t0 = time.perf_counter()
        same = run(10**9)()
        results["same_tick_again"] = {
            "wall_s": round(time.perf_counter() - t0, 3),
            "written": same.written,
        }
        t0 = time.perf_counter()
        nxt = run(10**9, now + timedelta(minutes=1))()
        results["next_minute"] = {
            "wall_s": round(time.perf_counter() - t0, 2),
            "written": nxt.written,
            "keys": nxt.keys,
            "series": nxt.series,
            "unchanged": nxt.unchanged,
        }
    b, a = results["first_run_budgeted"], results["all_at_once_baseline"]
    print(
        f"{args.events:,} events -> {groups:,} tally groups, counted in {load_s:.0f} s;"
        f" Redis holds {results['redis_mib']} MiB"
    )
    print(f"{'':44}{'wall s':>8}{'peak MiB':>10}{'written':>10}{'left due':>10}")
    print(
        f"{'first run, budget ' + format(args.budget, ','):44}{b['wall_s']:>8}"
        f"{b['peak_mib']:>10}{b['written']:>10}{b['left_due']:>10}"
    )
    print(
        f"{'everything in one run (baseline)':44}{a['wall_s']:>8}{a['peak_mib']:>10}"
        f"{a['written']:>10}{a['left_due']:>10}"
    )
    s, n = results["same_tick_again"], results["next_minute"]
    print(f"{'the same tick again':44}{s['wall_s']:>8}{'':>10}{s['written']:>10}")
    print(f"{'one minute later, no new events':44}{n['wall_s']:>8}{'':>10}{n['written']:>10}")
    print(
        f"series computed: first run {b['series']:,}, all at once {a['series']:,},"
        f" a minute later {n['series']:,} (of {groups:,})"
    )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
