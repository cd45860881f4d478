"""report() against what backends do today, in one run.

1. Latency. Baseline: `logging.getLogger(...).error(...)` of the same fields through a
   FileHandler. keywatch: `Reporter.report()` to the real Pub/Sub emulator, then with Pub/Sub
   unreachable. Then throughput to the emulator.
2. An outage at its onset, against the emulator behind a fault proxy: publishes hang, then
   fail, then Pub/Sub returns. keywatch and the previous release's handling of a failed publish
   (`PreviousReporter`: dropped, tallies sent into the outage) run side by side through the same
   outage; events and successes reported against what arrived.
3. Memory after 10,000 reports with 500 KB bodies while Pub/Sub hangs: keywatch's byte budget
   against a count-only bound holding whole bodies (the previous release).
4. The cost per call of removing a known key and of the random-token rule, against report().

Prints tables, then the figures as one JSON line.

    .venv/bin/python bench/bench_report.py [--calls 50000] [--hang-s 30 --fail-s 45]
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

import keywatch.reporting as reporting
import keywatch.scrub as scrub_module
from keywatch.reporting import Reporter
from keywatch.settings import Settings
from keywatch_ops.devstack.faults import FaultProxy
from keywatch_ops.devstack.stack import Stack, free_port

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


class PreviousReporter(Reporter):
    """The previous release's outage handling, for the baseline: a failed publish was counted
    and dropped (only the breaker's probe was kept), and tallies were sent into the outage."""

    _probe_ids: set[int]

    def _send_probe(self) -> None:
        if not hasattr(self, "_probe_ids"):
            self._probe_ids = set()
        if self._queue:
            self._probe_ids.add(self._queue[0][1])
        super()._send_probe()

    def _failed_publish(self, event: Any, raw: Any) -> None:
        if raw is not None and raw[1] in getattr(self, "_probe_ids", ()):
            self._probe_ids.discard(raw[1])
            super()._failed_publish(event, raw)  # the probe kept its place
            return
        self._counts["publish_failures"] += 1
        self._consecutive_failures += 1
        if raw is not None:
            self._release(raw)
        self._counts["lost_at_exit"] += 1 if raw is not None else 0

    def _publish_tallies(self) -> None:
        down, self._consecutive_failures = self._consecutive_failures, 0
        try:
            super()._publish_tallies()
        finally:
            self._consecutive_failures = max(self._consecutive_failures, down)

    def _keep_tallies(self, batch: Any) -> None:
        self._counts["tally_groups_dropped"] += len(batch.groups)


def arrived(project: str, subscription: str) -> tuple[set[str], int, int]:
    """(unique failure event ids, failure messages, successes) that reached `subscription`."""
    from google.cloud import pubsub_v1

    sub = pubsub_v1.SubscriberClient()
    ids: set[str] = set()
    messages = successes = 0
    quiet = 0
    while quiet < 3:
        resp = sub.pull(subscription=subscription, max_messages=1000, timeout=5)
        quiet = 0 if resp.received_messages else quiet + 1
        for m in resp.received_messages:
            e = json.loads(m.message.data)
            if e["type"] == "failure":
                ids.add(e["event_id"])
                messages += 1
            elif e["type"] == "tallies":
                for g in e["groups"]:
                    successes += sum(g.get("successes_by_minute", {}).values())
        if resp.received_messages:
            sub.acknowledge(
                subscription=subscription, ack_ids=[m.ack_id for m in resp.received_messages]
            )
    return ids, messages, successes


def bench_outage(
    stack: Stack, events: int, hang_s: float, fail_s: float, timeout_s: float
) -> dict[str, Any]:
    """Both reporters through one outage: `hang_s` of publishes that hang, then `fail_s` of
    refused connections, then Pub/Sub back. `events` failures and as many successes each,
    reported evenly over the first 80% of the outage."""
    from google.cloud import pubsub_v1

    direct = os.environ["PUBSUB_EMULATOR_HOST"]
    pub, sub = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    names = {"keywatch": "outage-keywatch", "previous": "outage-previous"}
    subs = {}
    for who, topic in names.items():
        path = pub.topic_path(stack.project, topic)
        pub.create_topic(name=path)
        subs[who] = sub.subscription_path(stack.project, f"{topic}-pull")
        sub.create_subscription(name=subs[who], topic=path)
    out: dict[str, Any] = {"hang_s": hang_s, "fail_s": fail_s, "publish_timeout_s": timeout_s}
    with FaultProxy(stack.services["pubsub"].port) as proxy:
        os.environ["PUBSUB_EMULATOR_HOST"] = proxy.address
        reporters = {
            who: cls(
                Settings(project_id=stack.project, events_topic=names[who]),
                publish_timeout_s=timeout_s,
            )
            for who, cls in (("keywatch", Reporter), ("previous", PreviousReporter))
        }
        for r in reporters.values():
            r.report("openai", "gpt-4o", request_id="warm", status_code=401)
            r.flush(30)
        t0 = time.monotonic()
        proxy.set_mode("hang")
        spread = 0.8 * (hang_s + fail_s)
        refused = False
        for i in range(events):
            at = t0 + spread * i / events
            while time.monotonic() < at:
                if not refused and time.monotonic() - t0 >= hang_s:
                    proxy.set_mode("refuse")
                    refused = True
                time.sleep(0.005)
            for r in reporters.values():
                r.report("openai", "gpt-4o", request_id=f"o-{i}", status_code=401)
                r.success("openai", "gpt-4o", api_key="k")
        while time.monotonic() - t0 < hang_s + fail_s:
            if not refused and time.monotonic() - t0 >= hang_s:
                proxy.set_mode("refuse")
                refused = True
            time.sleep(0.05)
        proxy.set_mode("pass")
        recovered = time.monotonic()
        for r in reporters.values():
            while r.stats()["queued"] and time.monotonic() - recovered < 120:
                r.flush(5)
        drained = time.monotonic() - recovered
        os.environ["PUBSUB_EMULATOR_HOST"] = direct
        for who, r in reporters.items():
            r.flush(30)
            r.close(30)
            ids, messages, successes = arrived(stack.project, subs[who])
            ids.discard("warm")
            st = r.stats()
            out[who] = {
                "failures_reported": events,
                "failures_arrived": len(ids) - 1,  # the warm-up event
                "failure_messages": messages - 1,
                "successes_reported": events,
                "successes_arrived": successes,
                "publish_failures": st["publish_failures"],
                "dropped_overflow": st["dropped_overflow"],
            }
        out["drain_after_recovery_s"] = round(drained, 1)
    return out


def bench_memory(reports: int, body_bytes: int) -> dict[str, Any]:
    """Bytes held after `reports` reports with distinct `body_bytes` bodies while every publish
    hangs (tracemalloc): the byte budget against a count-only bound."""
    import threading
    import tracemalloc

    class HangingClient:
        """Every publish blocks until `hang` is set: Pub/Sub unreachable."""

        def __init__(self, hang: threading.Event) -> None:
            self.hang = hang

        def topic_path(self, project: str, topic: str) -> str:
            return f"projects/{project}/topics/{topic}"

        def publish(self, topic: str, data: bytes, **kw: Any) -> Any:
            from concurrent.futures import Future

            self.hang.wait()
            fut: Future[str] = Future()
            fut.set_result("1")
            return fut

    big = "x" * body_bytes
    out: dict[str, Any] = {"reports": reports, "body_bytes": body_bytes}
    for who in ("keywatch", "count_only"):
        hang = threading.Event()
        client = HangingClient(hang)
        saved = reporting._CAPTURE_CHARS
        kw: dict[str, Any] = {}
        if who == "count_only":
            reporting._CAPTURE_CHARS = sys.maxsize  # whole bodies, as the previous release
            kw["max_queue_bytes"] = None
        r = Reporter(Settings(project_id="bench"), client_factory=lambda c=client: c, **kw)
        r.report("openai", "gpt-4o", error_message="stuck")  # the thread now hangs publishing
        time.sleep(0.2)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for i in range(reports):
            r.report("openai", "gpt-4o", request_id=f"m{i}", error_message=f"<html>{i}" + big)
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        reporting._CAPTURE_CHARS = saved
        out[who] = {
            "held_mib": round(held / 2**20, 1),
            "queued": r.stats()["queued"],
            "dropped_overflow": r.stats()["dropped_overflow"],
        }
        hang.set()
        r.close(5)
        del r, client
    out["budget_mib"] = 16
    return out


def bench_secret_costs(report_p50_us: float) -> dict[str, Any]:
    """Per call: removing a known key, and scrub() with and without the random-token rule, on
    the benchmark's error text, against report()'s p50."""
    import timeit

    key = "Qm7" + "vT4x" * 8
    msg = str(FIELDS["error_message"])
    echoed = f"Authentication failed for {key}: {msg}"

    def per_call_us(fn: Any, n: int = 20_000) -> float:
        return round(min(timeit.repeat(fn, number=n, repeat=5)) / n * 1e6, 2)

    out = {
        "report_p50_us": report_p50_us,
        "remove_key_absent_us": per_call_us(lambda: scrub_module.remove_key(msg, key)),
        "remove_key_echoed_us": per_call_us(lambda: scrub_module.remove_key(echoed, key)),
        "scrub_us": per_call_us(lambda: scrub_module.scrub(msg)),
        "scrub_echoed_us": per_call_us(lambda: scrub_module.scrub(echoed)),
    }
    saved = scrub_module._CONTEXT_TRIGGERS
    scrub_module._CONTEXT_TRIGGERS = ()  # the random-token rule off
    try:
        out["scrub_without_token_rule_us"] = per_call_us(lambda: scrub_module.scrub(msg))
        out["scrub_echoed_without_token_rule_us"] = per_call_us(lambda: scrub_module.scrub(echoed))
    finally:
        scrub_module._CONTEXT_TRIGGERS = saved
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--calls", type=int, default=50_000)
    p.add_argument("--outage-events", type=int, default=2_000)
    p.add_argument("--hang-s", type=float, default=30.0)
    p.add_argument("--fail-s", type=float, default=45.0)
    p.add_argument("--publish-timeout-s", type=float, default=60.0)
    p.add_argument("--memory-reports", type=int, default=10_000)
    p.add_argument("--body-bytes", type=int, default=500_000)
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

        results["outage"] = bench_outage(
            stack, args.outage_events, args.hang_s, args.fail_s, args.publish_timeout_s
        )

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

    results["memory"] = bench_memory(args.memory_reports, args.body_bytes)
    results["secret_costs"] = bench_secret_costs(results["report_to_emulator"]["p50_us"])

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
    o = results["outage"]
    print(
        f"\noutage: {o['hang_s']:.0f} s hanging, then {o['fail_s']:.0f} s refused, publish "
        f"timeout {o['publish_timeout_s']:.0f} s; drained {o['drain_after_recovery_s']} s after"
    )
    print(f"{'':12}{'failures':>10}{'arrived':>9}{'lost':>6}{'successes':>11}{'arrived':>9}")
    for who in ("previous", "keywatch"):
        w = o[who]
        lost = w["failures_reported"] - w["failures_arrived"]
        print(
            f"{who:12}{w['failures_reported']:>10}{w['failures_arrived']:>9}{lost:>6}"
            f"{w['successes_reported']:>11}{w['successes_arrived']:>9}"
        )
    m = results["memory"]
    print(
        f"\nmemory after {m['reports']:,} reports of {m['body_bytes']:,} bytes, Pub/Sub hanging:"
        f" keywatch {m['keywatch']['held_mib']} MiB (budget {m['budget_mib']} MiB, "
        f"{m['keywatch']['queued']:,} queued), count-only {m['count_only']['held_mib']} MiB"
    )
    c = results["secret_costs"]
    print(
        f"\nper call: report() p50 {c['report_p50_us']} us; remove_key {c['remove_key_absent_us']}"
        f" us (absent) / {c['remove_key_echoed_us']} us (echoed); scrub {c['scrub_us']} us, "
        f"{c['scrub_without_token_rule_us']} us without the token rule; echoed "
        f"{c['scrub_echoed_us']} / {c['scrub_echoed_without_token_rule_us']} us"
    )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
