"""report() against what backends do today, in one run.

Baseline: `logging.getLogger(...).error(...)` of the same fields through a FileHandler.
keywatch: `Reporter.report()` to the real Pub/Sub emulator, then with Pub/Sub unreachable.
Then throughput to the emulator. Prints a table, then the figures as one JSON line.

    .venv/bin/python bench/bench_report.py [--calls 50000]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ["NO_GCE_CHECK"] = "true"

from keywatch.devstack.stack import Stack, free_port
from keywatch.reporting import Reporter
from keywatch.settings import Settings

FIELDS = {
    "provider": "openai",
    "model": "gpt-4o",
    "status_code": 401,
    "error_type": "AuthenticationError",
    "error_code": "invalid_api_key",
    "error_message": "Incorrect API key provided: sk-proj-****abcd. You can find your API key "
    "at https://platform.openai.com/account/api-keys.",
    "feature": "chat",
    "uid": "user-42",
}


def percentiles(ns: list[int]) -> dict[str, float]:
    ns = sorted(ns)
    at = lambda q: ns[min(len(ns) - 1, int(q * len(ns)))] / 1000  # noqa: E731
    return {
        "p50_us": at(0.5),
        "p99_us": at(0.99),
        "p999_us": at(0.999),
        "max_us": ns[-1] / 1000,
        "mean_us": statistics.fmean(ns) / 1000,
        "calls_over_1ms": sum(x > 1_000_000 for x in ns),
    }


def time_calls(call: Any, n: int) -> list[int]:
    for i in range(min(2000, n)):  # warm up
        call(i)
    out = []
    clock = time.perf_counter_ns
    for i in range(n):
        t0 = clock()
        call(i)
        out.append(clock() - t0)
    return out


def bench_logging(n: int, workdir: Path) -> dict[str, float]:
    logger = logging.getLogger("bench.baseline")
    logger.propagate = False
    handler = logging.FileHandler(workdir / "baseline.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    f = FIELDS

    def call(i: int) -> None:
        logger.error(
            "LLM call failed provider=%s model=%s status=%s type=%s code=%s feature=%s uid=%s "
            "request_id=%s: %s",
            f["provider"],
            f["model"],
            f["status_code"],
            f["error_type"],
            f["error_code"],
            f["feature"],
            f["uid"],
            f"req-{i}",
            f["error_message"],
        )

    try:
        return percentiles(time_calls(call, n))
    finally:
        logger.removeHandler(handler)
        handler.close()


def bench_report(n: int, settings: Settings, **kw: Any) -> tuple[dict[str, float], Reporter]:
    r = Reporter(settings, **kw)
    r.start()  # what keywatch.init() does at start-up: the client is built off the hot path
    r.flush(30)
    api_key = "the user's key"

    def call(i: int) -> None:
        r.report(api_key=api_key, request_id=f"req-{i}", **FIELDS)  # type: ignore[arg-type]

    return percentiles(time_calls(call, n)), r


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--calls", type=int, default=50_000)
    args = p.parse_args()
    n = args.calls
    workdir = Path(tempfile.mkdtemp(prefix="kw-bench-"))
    results: dict[str, Any] = {"calls": n}

    results["logging_file_handler"] = bench_logging(n, workdir)

    with Stack(workdir=workdir / "stack", with_functions=False) as stack, stack.client_env():
        settings = Settings(project_id=stack.project)
        from google.cloud import pubsub_v1

        admin = pubsub_v1.PublisherClient()
        admin.create_topic(name=admin.topic_path(stack.project, settings.events_topic))
        stats, r = bench_report(n, settings)
        r.flush(120)
        results["report_to_emulator"] = stats
        r.close()

        # Throughput: events reported and confirmed published by the emulator, per second.
        r = Reporter(settings, max_queue=n * 2)
        r.start()
        r.flush(30)
        t0 = time.perf_counter()
        for i in range(n):
            r.report(request_id=f"t-{i}", **FIELDS)  # type: ignore[arg-type]
        r.flush(300)
        took = time.perf_counter() - t0
        results["throughput_events_per_s"] = round(r.stats()["published"] / took)
        results["throughput_published"] = r.stats()["published"]
        r.close()

    # Pub/Sub unreachable: nothing listens at the emulator address.
    os.environ["PUBSUB_EMULATOR_HOST"] = f"127.0.0.1:{free_port()}"
    # Phase 1, "just went down": the first publishes are still retrying inside the client.
    stats, r = bench_report(n, Settings(project_id="demo-keywatch"), publish_timeout_s=5)
    results["report_pubsub_unreachable"] = stats
    # Phase 2, "down for a while": those publishes have failed and the breaker is open.
    deadline = time.monotonic() + 60
    while not r.pubsub_down and time.monotonic() < deadline:
        time.sleep(0.2)
    results["breaker_opened"] = r.pubsub_down
    api_key = "the user's key"
    results["report_pubsub_down_breaker_open"] = percentiles(
        time_calls(lambda i: r.report(api_key=api_key, request_id=f"d-{i}", **FIELDS), n)  # type: ignore[arg-type]
    )
    # The same, after gc.freeze() at start-up (what the README recommends): full collections
    # then no longer scan the objects imported at start-up, and stop landing in report().
    import gc

    gc.freeze()
    results["report_pubsub_down_after_gc_freeze"] = percentiles(
        time_calls(lambda i: r.report(api_key=api_key, request_id=f"f-{i}", **FIELDS), n)  # type: ignore[arg-type]
    )
    gc.unfreeze()
    results["unreachable_stats"] = r.stats()
    r.close(5)

    base = results["logging_file_handler"]["p50_us"]
    print(f"{'':36}{'p50 us':>9}{'p99 us':>9}{'p99.9 us':>10}{'max us':>10}{'>1ms':>6}")
    for name in (
        "logging_file_handler",
        "report_to_emulator",
        "report_pubsub_unreachable",
        "report_pubsub_down_breaker_open",
        "report_pubsub_down_after_gc_freeze",
    ):
        s = results[name]
        print(
            f"{name:36}{s['p50_us']:>9.2f}{s['p99_us']:>9.2f}{s['p999_us']:>10.2f}"
            f"{s['max_us']:>10.1f}{s['calls_over_1ms']:>6}"
        )
    results["report_p50_vs_logging"] = round(results["report_to_emulator"]["p50_us"] / base, 2)
    print(
        f"report() p50 / logging p50 = {results['report_p50_vs_logging']}x;"
        f" throughput to the emulator {results['throughput_events_per_s']} events/s"
    )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
