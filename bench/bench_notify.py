"""notify's two paths, in one run.

1. The duplicate path, counted with the real adapters (redis-server, the Firestore emulator,
   firebase-admin to the FCM stand-in, the incident guard on): Redis round trips, Firestore
   reads and FCM calls per delivery of an alert already pushed, side by side with the fresh
   path; and its latency.
2. Fresh alerts through the whole local stack (Pub/Sub push to notify under
   functions-framework), spread over 50 providers so that no incident opens: pushes delivered
   per second, with the local stack's 2 s settle wait and without it.

    .venv/bin/python bench/bench_notify.py [--duplicates 2000] [--fresh 300]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis

os.environ["NO_GCE_CHECK"] = "true"

from keywatch.events import Alert, Source
from keywatch.fingerprint import key_fingerprint
from keywatch_functions.adapters.fcm import FcmPushSender
from keywatch_functions.adapters.firestore import FirestoreTokenStore
from keywatch_functions.adapters.redis_lock import RedisDedupLock, RedisIncidentGuard
from keywatch_functions.service.notify import NotifyDeps, Outcome, handle_alert
from keywatch_ops.devstack.stack import Stack


class CountingRedis(redis.Redis):
    """Counts round trips: each command, and each pipeline execution as one."""

    round_trips = 0

    def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        CountingRedis.round_trips += 1
        return super().execute_command(*args, **kwargs)

    def pipeline(self, *args: Any, **kwargs: Any) -> Any:
        pipe = super().pipeline(*args, **kwargs)
        execute = pipe.execute

        def counted(*a: Any, **k: Any) -> Any:
            CountingRedis.round_trips += 1
            return execute(*a, **k)

        pipe.execute = counted
        return pipe


class CountingTokenStore(FirestoreTokenStore):
    reads = 0

    def tokens(self, uid: str) -> Any:
        CountingTokenStore.reads += 1
        return super().tokens(uid)


def alert(uid: str, key: str, age_s: float = 0, provider: str = "openai") -> Alert:
    return Alert(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC) - timedelta(seconds=age_s),
        uid=uid,  # type: ignore[arg-type]
        source=Source.BYOK,
        provider=provider,
        model="gpt-4o",
        key_fingerprint=key_fingerprint(key),
        reason="invalid_key",
    )


def counted(stack: Stack, n: int) -> dict[str, Any]:
    from google.cloud import firestore

    db = firestore.Client(project=stack.project)
    db.document("users/bench-user/fcm_tokens/phone").set({"token": "tok-bench"})
    assert stack.fcm is not None
    client = CountingRedis(port=stack.services["redis"].port)
    deps = NotifyDeps(
        lock=RedisDedupLock(client),
        tokens=CountingTokenStore(db),
        sender=FcmPushSender(stack.project, endpoint=stack.fcm.url, app_name="bench"),
        guard=RedisIncidentGuard(client, min_keys=20, factor=10.0, open_ttl_s=900),
        settle_s=15,
    )

    def cost(a: Alert) -> tuple[Outcome, int, int, int, float]:
        r0, f0, c0 = CountingRedis.round_trips, CountingTokenStore.reads, len(stack.fcm.attempts())  # type: ignore[union-attr]
        t0 = time.perf_counter()
        outcome = handle_alert(a, deps).outcome
        took = time.perf_counter() - t0
        return (
            outcome,
            CountingRedis.round_trips - r0,
            CountingTokenStore.reads - f0,
            len(stack.fcm.attempts()) - c0,
            took,
        )  # type: ignore[union-attr]

    # Older than the settle time: checked by the guard once, no wait.
    fresh = [cost(alert("bench-user", f"fresh-{i}", age_s=20)) for i in range(3)]
    a = alert("bench-user", "dup", age_s=20)
    assert cost(a)[0] is Outcome.SENT
    dups = [cost(a) for _ in range(n)]
    assert {d[0] for d in dups} == {Outcome.DUPLICATE}
    lat = sorted(d[4] * 1e6 for d in dups)
    return {
        "fresh_path": {
            # The last of three: the first also loads the Lua scripts (NOSCRIPT, then EVAL).
            "redis_round_trips_first": fresh[0][1],
            "redis_round_trips": fresh[-1][1],
            "firestore_reads": fresh[0][2],
            "fcm_calls": fresh[0][3],
            "ms": round(fresh[-1][4] * 1000, 2),
        },
        "duplicate_path": {
            "deliveries": n,
            "redis_round_trips_per_delivery": sum(d[1] for d in dups) / n,
            "firestore_reads_total": sum(d[2] for d in dups),
            "fcm_calls_total": sum(d[3] for d in dups),
            "p50_us": round(lat[n // 2], 1),
            "p99_us": round(lat[int(n * 0.99)], 1),
        },
    }


def fresh_through_stack(stack: Stack, n: int) -> dict[str, Any]:
    """n fresh alerts, 6 per provider (below the guard's 20 keys): none is held."""
    from google.cloud import firestore, pubsub_v1

    db = firestore.Client(project=stack.project)
    batch = db.batch()
    for i in range(n):
        batch.set(db.document(f"users/fresh-{i}/fcm_tokens/phone"), {"token": f"tok-fresh-{i}"})
        if i % 400 == 399:
            batch.commit()
            batch = db.batch()
    batch.commit()
    assert stack.fcm is not None
    stack.fcm.reset()
    client = pubsub_v1.PublisherClient()
    topic = client.topic_path(stack.project, stack.settings.alerts_topic)
    t0 = time.perf_counter()
    futures = [
        client.publish(
            topic,
            alert(f"fresh-{i}", f"k{i}", provider=f"p{i % 50}").model_dump_json().encode(),
            source="byok",
            reason="invalid_key",
        )
        for i in range(n)
    ]
    for f in futures:
        f.result(60)
    deadline = time.monotonic() + 600
    while len(stack.fcm.delivered()) < n and time.monotonic() < deadline:
        time.sleep(0.02)
    took = time.perf_counter() - t0
    return {
        "fresh_alerts": n,
        "pushes_delivered": len(stack.fcm.delivered()),
        "pushes_per_s": round(len(stack.fcm.delivered()) / took, 1),
    }


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--duplicates", type=int, default=2000)
    p.add_argument("--fresh", type=int, default=300)
    args = p.parse_args()
    with Stack(workdir=Path(tempfile.mkdtemp(prefix="kw-bench-"))) as stack, stack.client_env():
        results = counted(stack, args.duplicates)
        results.update(fresh_through_stack(stack, args.fresh))
    no_wait = {"KEYWATCH_INCIDENT_SETTLE_S": "0"}
    workdir = Path(tempfile.mkdtemp(prefix="kw-bench-"))
    with Stack(workdir=workdir, extra_env=no_wait) as stack, stack.client_env():
        results["without_settle"] = fresh_through_stack(stack, args.fresh)
    f, d = results["fresh_path"], results["duplicate_path"]
    print(f"{'':16}{'redis round trips':>18}{'firestore reads':>16}{'fcm calls':>10}")
    print(
        f"{'fresh alert':16}{f['redis_round_trips']:>18}{f['firestore_reads']:>16}"
        f"{f['fcm_calls']:>10}"
    )
    print(
        f"{'duplicate':16}{d['redis_round_trips_per_delivery']:>18}"
        f"{d['firestore_reads_total']:>16}{d['fcm_calls_total']:>10}   (per delivery; totals over"
        f" {d['deliveries']}: reads and calls)"
    )
    print(
        f"duplicate path latency p50 {d['p50_us']} us, p99 {d['p99_us']} us;"
        f" fresh alerts through the stack: {results['pushes_per_s']} pushes/s"
        f" ({results['pushes_delivered']}/{results['fresh_alerts']}) with the 2 s settle wait,"
        f" {results['without_settle']['pushes_per_s']} pushes/s without it"
    )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
