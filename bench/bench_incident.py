"""The provider-incident guard, in one run against a real redis-server:

1. pushes for 500 distinct users' keys failing invalid_key within a minute, without the guard
   (the baseline) and with it, through classify's and notify's services (real Redis gate,
   guard and dedup lock; device tokens and FCM are in-memory, counting pushes);
2. what the guard adds per alert: its Lua call timed from the client and inside Redis
   (INFO commandstats), next to the duplicate path's one EXISTS, for a quiet (provider,
   reason), the first alert of a minute (which computes the hour's baseline), and an open
   incident;
3. the memory it holds: its keys after the incident, and the bound for a (provider, reason)
   however many keys fail.

    .venv/bin/python bench/bench_incident.py [--users 500] [--calls 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

os.environ["NO_GCE_CHECK"] = "true"
os.environ.setdefault("KEYWATCH_FINGERPRINT_SECRET", "keywatch benchmarks, not a secret")

from _common import redis_server
from keywatch.core.keys import Layout
from keywatch.core.notify import INCIDENT_BASELINE_MINUTES, INCIDENT_WINDOW_MINUTES
from keywatch.events import FailureEvent, Source
from keywatch.fingerprint import key_fingerprint
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.adapters.redis_lock import (
    RedisAlertGate,
    RedisDedupLock,
    RedisIncidentGuard,
)
from keywatch_functions.ports import DeviceToken, SendResult
from keywatch_functions.service.classify import ClassifyDeps, handle_failure
from keywatch_functions.service.notify import NotifyDeps, Outcome, handle_alert


class NoLog:
    def write(self, entry: Any) -> None:
        pass


class Alerts:
    def __init__(self) -> None:
        self.alerts: list[Any] = []

    def publish(self, alert: Any) -> None:
        self.alerts.append(alert)


class Tokens:
    def tokens(self, uid: str) -> list[DeviceToken]:
        return [DeviceToken(f"users/{uid}/fcm_tokens/phone", f"tok-{uid}")]

    def delete(self, tokens: Any) -> None:
        pass


class Pushes:
    def __init__(self) -> None:
        self.sent = 0

    def send(self, tokens: Any, push: Any) -> list[SendResult]:
        self.sent += len(tokens)
        return [SendResult(t, ok=True) for t in tokens]


def incident(r: Any, users: int, guarded: bool) -> dict[str, Any]:
    """`users` distinct users' keys fail within a minute, then notify handles each alert."""
    run = uuid.uuid4().hex[:6]
    provider = f"incident{run}"
    classify = ClassifyDeps(
        NoLog(), Alerts(), RedisCountingStore(r, Layout(f"kw{run}")), RedisAlertGate(r)
    )
    for i in range(users):
        uid = f"u{run}-{i}"
        handle_failure(
            FailureEvent(
                request_id=f"r{i}",
                uid=uid,
                source=Source.BYOK,
                provider=provider,
                model="gpt-4o",
                key_fingerprint=key_fingerprint(f"key-{uid}"),
                status_code=401,
                error_code="invalid_api_key",
                error_message="Incorrect API key provided",
            ),
            classify,
        )
    pushes = Pushes()
    guard = RedisIncidentGuard(r, min_keys=20, factor=10.0, open_ttl_s=900)
    notify = NotifyDeps(
        RedisDedupLock(r),
        Tokens(),
        pushes,
        user_daily_cap=5,
        guard=guard if guarded else None,
        sleep=lambda s: None,  # the settle wait: the failures above all came within it
    )
    outcomes: dict[str, int] = {}
    opened = 0
    for a in classify.alerts.alerts:  # type: ignore[attr-defined]
        res = handle_alert(a, notify)
        outcomes[res.outcome.value] = outcomes.get(res.outcome.value, 0) + 1
        opened += res.incident is not None and res.incident.state == "opened"
    keys = list(r.scan_iter(match=f"kw:{{inc:{provider}:*"))
    memory = sum(r.memory_usage(k) or 0 for k in keys)
    return {
        "users": users,
        "pushes": pushes.sent,
        "outcomes": outcomes,
        "incident_entries": opened,
        "guard_keys": len(keys),
        "guard_bytes": memory,
        "held": outcomes.get(Outcome.HELD_INCIDENT.value, 0),
    }


def _server_us(r: Any, command: str) -> tuple[int, float]:
    stats = r.info("commandstats").get(f"cmdstat_{command}", {})
    return int(stats.get("calls", 0)), float(stats.get("usec", 0))


def timed(r: Any, n: int, call: Any, command: str) -> dict[str, float]:
    c0, u0 = _server_us(r, command)
    lat = []
    for i in range(n):
        t0 = time.perf_counter()
        call(i)
        lat.append((time.perf_counter() - t0) * 1e6)
    c1, u1 = _server_us(r, command)
    lat.sort()
    return {
        "p50_us": round(lat[n // 2], 1),
        "p99_us": round(lat[int(n * 0.99)], 1),
        "server_us_per_call": round((u1 - u0) / max(1, c1 - c0), 1),
    }


def costs(r: Any, n: int) -> dict[str, Any]:
    guard = RedisIncidentGuard(r, min_keys=20, factor=10.0, open_ttl_s=900)
    minute = int(datetime.now(UTC).timestamp() // 60)
    r.set("kw:notified:bench", "1")
    out: dict[str, Any] = {}
    out["duplicate_path_exists"] = timed(r, n, lambda i: r.exists("kw:notified:bench"), "exists")
    guard.check("quiet", "invalid_key", "kf_" + "0" * 16, minute, "warm")  # loads the script
    # A quiet (provider, reason): a few keys a minute; the baseline is cached for the minute.
    out["guard_quiet"] = timed(
        r,
        n,
        lambda i: guard.check("quiet", "invalid_key", f"kf_{i % 5:016x}", minute, f"q{i}"),
        "evalsha",
    )
    # The first alert of each minute computes the hour's median: 60 PFCOUNTs, once a minute.
    for m in range(minute - 70, minute):
        for k in range(8):
            r.pfadd(f"kw:{{inc:hour:invalid_key}}:m:{m}", f"kf_{m % 97:08x}{k:08x}")
    out["guard_first_of_a_minute"] = timed(
        r,
        200,
        lambda i: guard.check("hour", "invalid_key", f"kf_{i:016x}", minute + 1000 + i, f"h{i}"),
        "evalsha",
    )
    # An open incident: thousands of keys in the window (dense HyperLogLogs).
    for i in range(3000):
        guard.check("open", "invalid_key", f"kf_{i:016x}", minute + (i % 3) - 1, f"o{i}")
    out["guard_open_incident"] = timed(
        r,
        n,
        lambda i: guard.check("open", "invalid_key", f"kf_{10_000 + i:016x}", minute, f"x{i}"),
        "evalsha",
    )
    return out


def bound(r: Any) -> dict[str, Any]:
    """The most one (provider, reason) can hold: every minute bucket dense (100,000 keys)."""
    r.pfadd("kw:{inc:bound:x}:m:1", *[f"kf_{i:016x}" for i in range(100_000)])
    dense = r.memory_usage("kw:{inc:bound:x}:m:1") or 0
    buckets = INCIDENT_BASELINE_MINUTES + 2 * INCIDENT_WINDOW_MINUTES
    return {
        "dense_bucket_bytes": dense,
        "buckets_at_most": buckets,
        "bytes_at_most": dense * buckets,
    }


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--users", type=int, default=500)
    p.add_argument("--calls", type=int, default=5000)
    args = p.parse_args()
    with redis_server() as r:
        before = incident(r, args.users, guarded=False)
        after = incident(r, args.users, guarded=True)
        cost = costs(r, args.calls)
        most = bound(r)
    print(f"{args.users} users' keys failing invalid_key within a minute")
    print(f"{'':26}{'pushes':>8}{'held':>8}{'incident entries':>18}")
    for name, row in (("without the guard", before), ("with the guard", after)):
        print(f"{name:26}{row['pushes']:>8}{row['held']:>8}{row['incident_entries']:>18}")
    print(
        f"guard keys after it: {after['guard_keys']}, {after['guard_bytes']:,} bytes; at most"
        f" {most['bytes_at_most']:,} bytes per (provider, reason) ({most['buckets_at_most']}"
        f" dense minute buckets of {most['dense_bucket_bytes']:,})"
    )
    print(f"{'per alert':34}{'p50 us':>8}{'p99 us':>8}{'in redis us':>13}")
    names = (
        ("duplicate path (one EXISTS)", "duplicate_path_exists"),
        ("guard, quiet", "guard_quiet"),
        ("guard, first alert of a minute", "guard_first_of_a_minute"),
        ("guard, open incident (dense)", "guard_open_incident"),
    )
    for label, key in names:
        c = cost[key]
        print(f"{label:34}{c['p50_us']:>8}{c['p99_us']:>8}{c['server_us_per_call']:>13}")
    print(json.dumps({"before": before, "after": after, "costs": cost, "bound": most}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
