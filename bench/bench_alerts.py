"""notify invocations per 1,000 failures of one broken BYOK key, before and after classify's
one-alert-per-problem gate, in one run against a real redis-server; and what the gate costs.

    .venv/bin/python bench/bench_alerts.py [--failures 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

os.environ["NO_GCE_CHECK"] = "true"
os.environ.setdefault("KEYWATCH_FINGERPRINT_SECRET", "keywatch benchmarks, not a secret")

from _common import redis_server
from keywatch.core.keys import Layout
from keywatch.events import FailureEvent, Source
from keywatch.fingerprint import key_fingerprint
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.adapters.redis_lock import RedisAlertGate
from keywatch_functions.service.classify import ClassifyDeps, handle_failure


class NoLog:
    def write(self, entry: Any) -> None:
        pass


class CountingAlerts:
    """Each publish is one notify invocation (one alert message pushed to notify)."""

    def __init__(self) -> None:
        self.published = 0

    def publish(self, alert: Any) -> None:
        self.published += 1


def failures(n: int, uid: str) -> list[FailureEvent]:
    fp = key_fingerprint(f"broken-{uid}")
    return [
        FailureEvent(
            request_id=f"r{i}",
            uid=uid,
            source=Source.BYOK,
            provider="openai",
            model="gpt-4o",
            key_fingerprint=fp,
            status_code=401,
            error_code="invalid_api_key",
            error_message="Incorrect API key provided",
        )
        for i in range(n)
    ]


def run(n: int, gated: bool, r: Any, prefix: str) -> dict[str, Any]:
    alerts = CountingAlerts()
    deps = ClassifyDeps(
        NoLog(),
        alerts,
        RedisCountingStore(r, Layout(prefix)),
        RedisAlertGate(r) if gated else None,
    )
    events = failures(n, f"user-{prefix}")
    t0 = time.perf_counter()
    for e in events:
        handle_failure(e, deps)
    took = time.perf_counter() - t0
    return {
        "failures": n,
        "notify_invocations": alerts.published,
        "us_per_failure": round(took / n * 1e6, 1),
    }


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--failures", type=int, default=1_000)
    args = p.parse_args()
    with redis_server() as r:
        before = run(args.failures, False, r, "before")
        after = run(args.failures, True, r, "after")
    added = round(after["us_per_failure"] - before["us_per_failure"], 1)
    print(f"{'':34}{'notify invocations':>20}{'classify us/failure':>22}")
    rows = (("before (every failure alerts)", before), ("after (one per problem, 10 min)", after))
    for name, row in rows:
        print(f"{name:34}{row['notify_invocations']:>20}{row['us_per_failure']:>22}")
    print(f"the gate's added cost per failure: {added} us (one Redis script call)")
    print(json.dumps({"before": before, "after": after, "gate_us_per_failure": added}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
