"""Firestore writes of the health run under a day of realistic traffic, the committed code
(the baseline, commit 7d725cc by default) beside the working tree, in one invocation.

Traffic (bench/_traffic.py, seeded): 1,000 BYOK keys over 8 providers x 10 models, keys and
models Zipf-distributed (s = 1.1), ~150 requests a minute on a diurnal curve (night at 25% of
the peak), 1-5% background errors per key, 0.5% of keys revoked (invalid_key from then on), and
one provider failing 95% of its requests for an hour (hour 14 by default). Simulated minute by
minute on a simulated clock: each minute's failures are counted one by one
(RedisCountingStore.record_failure), its successes as one tally batch (record_tallies, one
group per (provider, model, key) and minute, 1,000 groups a call), then the health run for the
next minute's tick (5 s past it) writes into an in-memory document store that keeps each
path's latest content. A real redis-server (bench/_common.py); Firestore is not called.

HealthDeps as production builds it (write budget 20,000), but its clock is the simulated one.
When HealthDeps has a `margins` field (code that holds back some writes, core/writes.py), a
reference pipeline runs in the same process on the same events (its own Layout prefix "ref")
with margins=EVERY_CHANGE, every change written at once, and the run reports "missed state
changes": after each tick, each document path whose content holds any field a router or the
status page acts on (`state`, `status`, `probe_at`, `invalid`: key model, key summary and
provider documents; keywatch.routing.rank reads no other) is
compared between the two stores on those fields; every tick+path where they differ counts
(a path present in one store only counts unless the present document is benign: healthy or
unknown, no probe, not invalid). Also the reference's own changes of those fields, in total,
so that 0 missed means something, and the longest a difference lasted.

Figures: events (failures + successful requests), Firestore writes (documents written +
deleted), writes per event, writes a day (extrapolated from the simulated span: a short span
from midnight, which creates every document, overstates it), the most writes of one run, the
writes of the outage hour, the wall time of all health runs and the slowest run (counting
excluded), and the cost a day at Firestore's multi-region list price, $0.18 per 100,000
document writes and $0.02 per 100,000 deletes (nam5 and eur3, the project's default location;
a single region such as us-central1 is half that, https://cloud.google.com/firestore/pricing).

The driver runs itself twice through bench/_baseline.py: inside the commit's tree (this file
and bench/_traffic.py copied into its bench/, so both run the same driver) and in the working
tree, each with its own tree first on PYTHONPATH, then prints the two side by side and a JSON
line.

Defaults are smaller than _traffic.py's (5,000 keys, 300 a minute), yet a 24-hour run takes
~5 minutes a tree on 2 shared cores, not 3: the baseline's runs cost ~150-200 ms each whatever
the key count (the hot keys and the providers' model series are read and parsed every minute).
Measured for the baseline: 5,000 keys at 300 a minute over 7 minutes (stopped), 1,000 at 150
4.9 minutes, both beside another benchmark. A tree whose HealthDeps has margins also
runs the reference pipeline: twice the health time.

    .venv/bin/python bench/bench_health_traffic.py [--hours 24] [--keys 1000] [--rate 150]
        [--seed 1] [--no-baseline] [--commit 7d725cc]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import shutil
import signal
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROUTER_FIELDS = ("state", "status", "probe_at", "invalid")
BENIGN = (None, "healthy", "unknown")
# https://cloud.google.com/firestore/pricing, multi-region (nam5, eur3), per 100,000 documents.
USD_PER_100K_WRITES = 0.18
USD_PER_100K_DELETES = 0.02
TALLY_GROUPS_PER_CALL = 1_000


class DictDocs:
    """HealthDocs keeping each path's latest content; counts writes and deletes, and records
    the paths each tick touched."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.writes = 0
        self.deletes = 0
        self.touched: set[str] = set()
        self.by_kind: dict[str, int] = {}  # writes and deletes by kind of document

    @staticmethod
    def kind(path: str) -> str:
        parts = path.split("/")
        if parts[0] == "provider_days":
            return "provider days"
        if parts[0] == "key_health":
            return "key models" if len(parts) > 2 else "key summaries"
        if parts[0] == "provider_health":
            return "provider models" if len(parts) > 2 else "providers"
        return parts[0]

    def write(
        self, docs: dict[str, dict[str, Any]], deletes: Iterable[str] = ()
    ) -> list[tuple[str, str]]:
        """As HealthDocs.write: the documents refused for good (none here)."""
        deletes = list(deletes)
        self.docs.update(docs)
        self.touched.update(docs)
        for path in deletes:
            self.docs.pop(path, None)
            self.touched.add(path)
        self.writes += len(docs)
        self.deletes += len(deletes)
        for path in [*docs, *deletes]:
            k = self.kind(path)
            self.by_kind[k] = self.by_kind.get(k, 0) + 1
        return []


def view(doc: dict[str, Any] | None) -> tuple[Any, ...] | None:
    """What a router reads of a document; None when absent or a document no router reads."""
    if doc is None or not any(f in doc for f in ROUTER_FIELDS):
        return None
    return tuple(doc.get(f) for f in ROUTER_FIELDS)


def benign(v: tuple[Any, ...]) -> bool:
    state, status, probe_at, invalid = v
    return state in BENIGN and status in BENIGN and probe_at is None and not invalid


def differs(a: tuple[Any, ...] | None, b: tuple[Any, ...] | None) -> bool:
    if a is None and b is None:
        return False
    if a is None or b is None:
        return not benign(a if a is not None else b)  # type: ignore[arg-type]
    return a != b


@dataclasses.dataclass
class Pipeline:
    name: str
    store: Any
    docs: DictDocs
    deps: Any
    runs: list[float] = dataclasses.field(default_factory=list)
    per_run_writes: list[int] = dataclasses.field(default_factory=list)
    outage_writes: int = 0
    left_due: int = 0
    not_ran: int = 0
    why: dict[str, int] = dataclasses.field(default_factory=dict)

    def figures(self, events: int, minutes: int) -> dict[str, Any]:
        fw = self.docs.writes + self.docs.deletes
        per_day = 1440 / minutes
        usd = (
            self.docs.writes * USD_PER_100K_WRITES + self.docs.deletes * USD_PER_100K_DELETES
        ) / 100_000
        return {
            "written": self.docs.writes,
            "deleted": self.docs.deletes,
            "firestore_writes": fw,
            "writes_per_event": round(fw / events, 4) if events else None,
            "writes_per_day": round(fw * per_day),
            "usd_per_day": round(usd * per_day, 2),
            "max_writes_one_run": max(self.per_run_writes, default=0),
            "outage_hour_writes": self.outage_writes,
            "documents_at_end": len(self.docs.docs),
            "writes_by_kind": dict(sorted(self.docs.by_kind.items())),
            "writes_by_why": dict(sorted(self.why.items())),
            "health_s": round(sum(self.runs), 2),
            "slowest_run_s": round(max(self.runs, default=0.0), 3),
            "median_run_ms": round(statistics.median(self.runs) * 1000, 1) if self.runs else 0,
            "left_due": self.left_due,
            "runs_not_ran": self.not_ran,
        }


def simulate(args: argparse.Namespace) -> dict[str, Any]:
    """One tree's run (imports its code here, after PYTHONPATH has chosen the tree)."""
    import keywatch_functions
    from _common import redis_server
    from _traffic import SOURCE, Traffic, generate
    from keywatch.core.classify import RETRYABLE, USER_ACTIONABLE, Classification, Reason
    from keywatch.core.counting import Group, TallyCount

    try:
        from keywatch.core.keys import Layout
    except ImportError:  # a baseline tree from before keys.py (7d725cc) has it here
        from keywatch.core.counting import Layout  # type: ignore[attr-defined,no-redef]
    from keywatch.events import FailureEvent, Source
    from keywatch_functions.adapters.redis_counting import RedisCountingStore
    from keywatch_functions.service.health import HealthDeps, run_health

    minutes = round(args.hours * 60)
    traffic = Traffic(
        keys=args.keys,
        rate=args.rate,
        seed=args.seed,
        minutes=minutes,
        outage_start=args.outage_hour * 60,
    )
    fields = {f.name: f for f in dataclasses.fields(HealthDeps)}
    heartbeat = "margins" in fields
    now = [traffic.start * 60.0]

    def clock() -> float:
        return now[0]

    kw: dict[str, Any] = {"max_writes": args.budget}
    if "clock" in fields:
        kw["clock"] = clock
    rng = random.Random(args.seed + 1)
    classifications = {
        r.value: Classification(r, r in USER_ACTIONABLE, r in RETRYABLE) for r in Reason
    }
    out_from = traffic.start + traffic.outage_start
    out_to = out_from + traffic.outage_minutes
    failures = successes = groups = 0
    count_s = 0.0
    missed = {"tick_paths": 0, "paths": 0, "reference_changes": 0, "longest_min": 0}
    mismatched: dict[str, int] = {}  # path -> the tick its difference began
    ever: set[str] = set()
    shown: list[str] = []
    ref_views: dict[str, tuple[Any, ...]] = {}
    t_all = time.perf_counter()
    with redis_server() as r:
        pipes = [Pipeline("new", None, DictDocs(), None)]
        if heartbeat:
            pipes.append(Pipeline("reference", None, DictDocs(), None))
        for p in pipes:
            prefix = "kw" if p.name == "new" else "ref"
            p.store = RedisCountingStore(r, Layout(prefix), clock=clock)
            extra: dict[str, Any] = {}
            if p.name == "reference":
                from keywatch.core.writes import EVERY_CHANGE

                extra["margins"] = EVERY_CHANGE
            p.deps = HealthDeps(p.store, p.docs, **kw, **extra)
        for m in generate(traffic):
            # Everything of minute m has arrived by its end; the tick runs 5 s into m + 1.
            now[0] = (m.minute + 1) * 60.0 + 1
            t0 = time.perf_counter()
            events = [
                (
                    FailureEvent(
                        event_id=uuid.UUID(int=rng.getrandbits(128)),
                        occurred_at=datetime.fromtimestamp(at, UTC),
                        request_id="r",
                        source=Source(SOURCE),
                        provider=provider,
                        model=model,
                        key_fingerprint=fp,
                    ),
                    classifications[reason],
                )
                for provider, model, fp, reason, at in m.failures
            ]
            tallies = [
                TallyCount(Group(*g, SOURCE), ((m.minute, n),), last_success=m.last_success.get(g))
                for g, n in m.successes.items()
            ]
            for p in pipes:
                for e, c in events:
                    p.store.record_failure(e, c)
                for start in range(0, len(tallies), TALLY_GROUPS_PER_CALL):
                    chunk = tallies[start : start + TALLY_GROUPS_PER_CALL]
                    p.store.record_tallies(f"t{m.minute}-{start}", chunk)
            count_s += time.perf_counter() - t0
            failures += len(m.failures)
            successes += sum(m.successes.values())
            groups += len(tallies)
            now[0] = (m.minute + 1) * 60.0 + 5
            tick = datetime.fromtimestamp(now[0], UTC)
            for p in pipes:
                p.docs.touched.clear()
                before = p.docs.writes + p.docs.deletes
                t0 = time.perf_counter()
                res = run_health(tick, p.deps)
                p.runs.append(time.perf_counter() - t0)
                wrote = p.docs.writes + p.docs.deletes - before
                p.per_run_writes.append(wrote)
                if out_from <= m.minute < out_to:
                    p.outage_writes += wrote
                p.left_due += res.left_due
                for k, n in getattr(res, "why", {}).items():
                    p.why[k] = p.why.get(k, 0) + n
                p.not_ran += res.outcome != "ran"
            if (m.minute + 1 - traffic.start) % 360 == 0:
                print(
                    f"hour {(m.minute + 1 - traffic.start) // 60}: health runs"
                    f" {', '.join(f'{p.name} {sum(p.runs):.0f} s' for p in pipes)},"
                    f" {time.perf_counter() - t_all:.0f} s in all",
                    file=sys.stderr,
                    flush=True,
                )
            if heartbeat:
                new, ref = pipes[0].docs, pipes[1].docs
                for path in new.touched | ref.touched:
                    b = view(ref.docs.get(path))
                    if b != ref_views.get(path):
                        missed["reference_changes"] += 1
                        if b is None:
                            ref_views.pop(path, None)
                        else:
                            ref_views[path] = b
                    if differs(view(new.docs.get(path)), b):
                        if path not in mismatched and len(shown) < args.show_missed:
                            shown.append(path)
                            print(
                                f"missed at minute {m.minute - traffic.start}: {path}:"
                                f" {view(new.docs.get(path))} != {b}",
                                file=sys.stderr,
                            )
                        mismatched.setdefault(path, m.minute)
                    elif path in mismatched:
                        began = mismatched.pop(path)
                        missed["longest_min"] = max(missed["longest_min"], m.minute - began)
                missed["tick_paths"] += len(mismatched)
                ever.update(mismatched)
        end = traffic.start + minutes
        for began in mismatched.values():
            missed["longest_min"] = max(missed["longest_min"], end - began)
        missed["paths"] = len(ever)
    events_n = failures + successes
    out: dict[str, Any] = {
        "code": str(Path(keywatch_functions.__file__).parent.parent),
        "heartbeat_field": heartbeat,
        "heartbeat_default": (
            repr(HealthDeps.__dataclass_fields__["margins"].default_factory())  # type: ignore[misc]
            if heartbeat
            else None
        ),
        "hours": args.hours,
        "keys": args.keys,
        "rate": args.rate,
        "seed": args.seed,
        "events": events_n,
        "failures": failures,
        "successes": successes,
        "tally_groups": groups,
        "count_s": round(count_s, 1),
        "wall_s": round(time.perf_counter() - t_all, 1),
        "new": pipes[0].figures(events_n, minutes),
        "reference": pipes[1].figures(events_n, minutes) if heartbeat else None,
        "missed": missed if heartbeat else None,
    }
    return out


ROWS: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
    ("events (failures + successes)", lambda d: f"{d['events']:,}"),
    ("  of which failures", lambda d: f"{d['failures']:,}"),
    ("Firestore writes (written + deleted)", lambda d: f"{d['new']['firestore_writes']:,}"),
    ("  written / deleted", lambda d: f"{d['new']['written']:,} / {d['new']['deleted']:,}"),
    ("writes per event", lambda d: d["new"]["writes_per_event"]),
    ("writes per day (extrapolated)", lambda d: f"{d['new']['writes_per_day']:,}"),
    ("$ per day (multi-region list price)", lambda d: f"{d['new']['usd_per_day']:.2f}"),
    ("most writes in one run", lambda d: f"{d['new']['max_writes_one_run']:,}"),
    ("writes in the outage hour", lambda d: f"{d['new']['outage_hour_writes']:,}"),
    ("documents at the end", lambda d: f"{d['new']['documents_at_end']:,}"),
    ("health runs, wall s (all)", lambda d: d["new"]["health_s"]),
    ("slowest run, s", lambda d: d["new"]["slowest_run_s"]),
    ("median run, ms", lambda d: d["new"]["median_run_ms"]),
    ("left due (sum over runs)", lambda d: d["new"]["left_due"]),
    ("reference writes (every change)", lambda d: _ref(d, "firestore_writes")),
    ("missed state changes (tick x path)", lambda d: _missed(d, "tick_paths")),
    ("  paths ever differing", lambda d: _missed(d, "paths")),
    ("  longest difference, min", lambda d: _missed(d, "longest_min")),
    ("reference state changes", lambda d: _missed(d, "reference_changes")),
    ("run wall s (counting + health)", lambda d: d["wall_s"]),
]


def _ref(d: dict[str, Any], k: str) -> Any:
    return "-" if d.get("reference") is None else f"{d['reference'][k]:,}"


def _missed(d: dict[str, Any], k: str) -> Any:
    return "-" if d.get("missed") is None else f"{d['missed'][k]:,}"


def report(one: dict[str, Any]) -> None:
    """The figures of one tree's run (printed by the run itself)."""
    n = one["new"]
    print(
        f"{one['hours']} h, {one['keys']:,} keys, {one['rate']}/min: {one['events']:,} events"
        f" ({one['failures']:,} failures), {one['tally_groups']:,} tally groups;"
        f" counted in {one['count_s']} s"
    )
    print(
        f"writes {n['firestore_writes']:,} ({n['writes_per_event']} per event,"
        f" {n['writes_per_day']:,} a day, ${n['usd_per_day']:.2f} a day);"
        f" health runs {n['health_s']} s, slowest {n['slowest_run_s']} s"
    )
    print("writes by kind: " + ", ".join(f"{k} {v:,}" for k, v in n["writes_by_kind"].items()))
    if n["writes_by_why"]:
        print("writes by why: " + ", ".join(f"{k} {v:,}" for k, v in n["writes_by_why"].items()))
    if one["missed"] is not None:
        ms, ref = one["missed"], one["reference"]
        print(
            f"reference (every change): writes {ref['firestore_writes']:,};"
            f" missed state changes {ms['tick_paths']:,} tick x path over {ms['paths']:,} paths"
            f" (longest {ms['longest_min']} min), of {ms['reference_changes']:,} reference changes"
        )


def table(runs: dict[str, dict[str, Any]]) -> None:
    names = list(runs)
    print(f"\n{'':40}" + "".join(f"{n:>22}" for n in names))
    for label, get in ROWS:
        cells = []
        for n in names:
            d = runs[n]
            if "error" in d:
                cells.append("error")
                continue
            try:
                cells.append(str(get(d)))
            except (KeyError, TypeError):
                cells.append("-")
        print(f"{label:40}" + "".join(f"{c:>22}" for c in cells))
    print(
        f"{'elapsed s (whole process)':40}" + "".join(f"{runs[n]['elapsed_s']:>22}" for n in names)
    )
    for n in names:
        where = runs[n].get("code") or runs[n].get("error", "").splitlines()[0]
        print(f"{n}: {where}")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--hours", type=float, default=24)
    p.add_argument("--keys", type=int, default=1_000)
    p.add_argument("--rate", type=float, default=150.0, help="mean requests a minute")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--outage-hour", type=int, default=14)
    p.add_argument("--budget", type=int, default=20_000, help="HealthDeps.max_writes")
    p.add_argument("--commit", default="7d725cc", help="the baseline's commit")
    p.add_argument("--no-baseline", action="store_true")
    p.add_argument("--show-missed", type=int, default=0, help="print the first N misses")
    p.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    # Stopped (SIGTERM): exit cleanly, so redis-server stops and the extracted tree goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.inner:
        one = simulate(args)
        report(one)
        print(json.dumps(one, default=str))
        return 0

    from _baseline import ROOT, baseline_tree, run_in

    inner = ["--inner", "--hours", str(args.hours), "--keys", str(args.keys)]
    inner += ["--rate", str(args.rate), "--seed", str(args.seed)]
    inner += ["--outage-hour", str(args.outage_hour), "--budget", str(args.budget)]
    inner += ["--show-missed", str(args.show_missed)]
    script = f"bench/{Path(__file__).name}"
    trees: list[tuple[str, Path]] = []
    if not args.no_baseline:
        tree = baseline_tree(args.commit)
        if tree is not None:
            for name in (Path(__file__).name, "_traffic.py", "_baseline.py"):
                shutil.copy2(HERE / name, tree / "bench" / name)
            trees.append((f"baseline {args.commit}", tree))
    trees.append(("working tree", ROOT))
    runs: dict[str, dict[str, Any]] = {}
    for name, tree in trees:
        print(f"{name} ({tree}):", flush=True)
        t0 = time.perf_counter()
        try:
            runs[name] = run_in(tree, script, inner)
        except (RuntimeError, ValueError) as exc:
            print(f"  {name} failed: {exc}", file=sys.stderr)
            runs[name] = {"error": str(exc)}
        runs[name]["elapsed_s"] = round(time.perf_counter() - t0, 1)
    table(runs)
    print(json.dumps(runs, default=str))
    return 0 if all("error" not in r for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
