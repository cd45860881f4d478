"""What KeywatchLogger adds to a LiteLLM call in the caller's thread, against what backends do
today, in one run.

The kwargs LiteLLM hands its callbacks are recorded from real calls to the local chat stand-in
(a success and a 401 whose message echoes the key); then each pair of hooks LiteLLM runs for one
attempt (log_pre_api_call, then log_success_event or log_failure_event) is timed in the calling
thread, the reporter queueing to a publisher that keeps nothing. Baseline: one `logging.error`
of the same fields through a FileHandler (bench/bench_report.py's baseline). Failures are timed
one at a time (the logger's thread idle in between, untimed), then in a burst back to back,
faster than the logger's thread reads them; the paced ones are compared with the baseline paced
the same way (other work between two calls, caches cold). What the logger's thread spends
reading one failure (`describe_exception`) is timed on its own.

Prints tables, then the figures as one JSON line.

    .venv/bin/python bench/bench_capture_litellm.py [--calls 20000]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

# LiteLLM fetches its model cost map from GitHub at import unless told not to.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
os.environ["NO_GCE_CHECK"] = "true"

import litellm
from litellm.integrations.custom_logger import CustomLogger

from keywatch.extract import describe_exception
from keywatch.litellm import KeywatchLogger
from keywatch.reporting import Reporter
from keywatch.settings import Settings
from keywatch_ops.devstack.chat_standin import ChatStandIn

# A placeholder in OpenAI's key format, as long as a real project key (not a key): the hooks
# scrub what they are handed, so the length, not the value, is what the bench times.
KEY = "sk-proj-" + ("PLACEHOLDER-not-a-key-" * 4)[:69]
MESSAGES = [{"role": "user", "content": "hi"}]


class NullPublisher:
    """A publisher that confirms at once and keeps nothing: the caller's side is what is timed."""

    def topic_path(self, project: str, topic: str) -> str:
        return f"projects/{project}/topics/{topic}"

    def publish(self, topic: str, data: bytes, **kwargs: Any) -> Future[str]:
        fut: Future[str] = Future()
        fut.set_result("1")
        return fut


class Recorder(CustomLogger):
    """Keeps the kwargs LiteLLM hands each hook."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, Any] = {}

    def log_pre_api_call(self, model: Any, messages: Any, kwargs: Any) -> None:
        self.seen["pre"] = kwargs

    def log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.seen["success"] = kwargs

    def log_failure_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.seen["failure"] = kwargs


def record_kwargs() -> dict[str, Any]:
    """The hooks' kwargs from one success and one 401 against the chat stand-in."""
    recorder = Recorder()
    litellm.callbacks = [recorder]
    out: dict[str, Any] = {}
    with ChatStandIn() as standin:
        call = {"model": "openai/gpt-4o", "messages": MESSAGES, "api_base": standin.base_url()}
        litellm.completion(**call, api_key=f"good.{KEY}")
        deadline = time.monotonic() + 10
        while "success" not in recorder.seen and time.monotonic() < deadline:
            time.sleep(0.01)  # the success hook runs in LiteLLM's logging thread pool
        out["pre_success"], out["success"] = recorder.seen["pre"], recorder.seen["success"]
        recorder.seen.clear()
        with contextlib.suppress(litellm.AuthenticationError):
            litellm.completion(**call, api_key=f"echo.{KEY}")
        out["pre_failure"], out["failure"] = recorder.seen["pre"], recorder.seen["failure"]
    litellm.callbacks = []
    return out


def percentiles(ns: list[int]) -> dict[str, float]:
    ns = sorted(ns)

    def at(q: float) -> float:
        return ns[min(len(ns) - 1, int(q * len(ns)))] / 1000

    return {
        "p50_us": at(0.5),
        "p99_us": at(0.99),
        "p999_us": at(0.999),
        "max_us": ns[-1] / 1000,
        "mean_us": statistics.fmean(ns) / 1000,
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


def bench_logging(
    n: int, workdir: Path, kwargs: dict[str, Any]
) -> tuple[dict[str, float], dict[str, float]]:
    """One logging.error of the failure's fields, as a backend without keywatch does."""
    logger = logging.getLogger("bench.baseline")
    logger.propagate = False
    handler = logging.FileHandler(workdir / "baseline.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    exc = kwargs["exception"]

    def call(i: int) -> None:
        logger.error(
            "LLM call failed provider=%s model=%s status=%s type=%s feature=%s uid=%s "
            "request_id=%s: %s",
            kwargs["custom_llm_provider"],
            kwargs["model"],
            getattr(exc, "status_code", None),
            type(exc).__name__,
            "chat",
            "user-42",
            f"req-{i}",
            str(exc),
        )

    try:
        warm = percentiles(time_calls(call, n))
        # Paced as the failure hooks are below: other work between two calls (untimed, the
        # same reading of the exception the logger's thread does), so caches start cold.
        clock = time.perf_counter_ns
        ns = []
        for i in range(n):
            t0 = clock()
            call(i)
            ns.append(clock() - t0)
            describe_exception(exc)
        return warm, percentiles(ns)
    finally:
        logger.removeHandler(handler)
        handler.close()


def bench_hooks(n: int, recorded: dict[str, Any]) -> dict[str, Any]:
    client = NullPublisher()
    reporter = Reporter(Settings(project_id="bench"), client_factory=lambda: client)
    reporter.start()  # what keywatch.init() does at start-up
    reporter.flush(30)
    hooks = KeywatchLogger(reporter=reporter)
    pre_s, success = recorded["pre_success"], recorded["success"]
    pre_f, failure = recorded["pre_failure"], recorded["failure"]

    def on_success(i: int) -> None:
        hooks.log_pre_api_call("gpt-4o", MESSAGES, pre_s)
        hooks.log_success_event(success, None, None, None)

    def on_failure(i: int) -> None:
        hooks.log_pre_api_call("gpt-4o", MESSAGES, pre_f)
        hooks.log_failure_event(failure, None, None, None)

    out: dict[str, Any] = {"success_hooks": percentiles(time_calls(on_success, n))}
    hooks.flush(60)
    # Failures one at a time, the logger's thread idle in between (untimed): what one failed
    # call costs its caller.
    clock = time.perf_counter_ns
    ns = []
    for i in range(n):
        t0 = clock()
        on_failure(i)
        ns.append(clock() - t0)
        hooks.flush(10)
    out["failure_hooks"] = percentiles(ns)
    # What the logger's thread spends on one failure: reading its exception.
    exc = failure["exception"]
    reads = min(n, 2000)
    t0 = clock()
    for _ in range(reads):
        describe_exception(exc)
    out["logger_thread_per_failure_us"] = round((clock() - t0) / reads / 1000, 1)
    # A burst: failures back to back, faster than the logger's thread reads them. The caller
    # shares the interpreter with that thread; past its bound the oldest waiting are dropped.
    before = hooks.stats()["dropped"]
    out["failure_hooks_burst"] = percentiles(time_calls(on_failure, n))
    hooks.flush(120)
    out["burst_dropped"] = hooks.stats()["dropped"] - before
    stats = reporter.stats()
    reporter.close(30)
    assert hooks.stats()["internal_errors"] == 0, hooks.stats()
    out["reporter"] = {k: stats[k] for k in ("reported", "successes", "internal_errors")}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    logging.getLogger("LiteLLM").setLevel(logging.CRITICAL)  # the 401 is expected
    workdir = Path(tempfile.mkdtemp(prefix="kw-bench-litellm-"))
    recorded = record_kwargs()
    results: dict[str, Any] = {
        "calls": args.calls,
        "litellm": importlib.metadata.version("litellm"),
    }
    warm, paced = bench_logging(args.calls, workdir, recorded["failure"])
    results["logging_error_baseline"], results["logging_error_paced"] = warm, paced
    results.update(bench_hooks(args.calls, recorded))

    head = (
        f"{'caller thread, per attempt':40}{'p50 us':>9}{'p99 us':>9}{'p99.9 us':>10}{'x base':>8}"
    )
    table = (
        ("logging_error_baseline", "logging_error_baseline"),
        ("success_hooks", "logging_error_baseline"),
        ("failure_hooks_burst", "logging_error_baseline"),
        ("logging_error_paced", "logging_error_paced"),
        ("failure_hooks", "logging_error_paced"),
    )
    print(head)
    for row, base in table:
        r = results[row]
        ratio = r["p50_us"] / results[base]["p50_us"]
        print(f"{row:40}{r['p50_us']:>9.1f}{r['p99_us']:>9.1f}{r['p999_us']:>10.1f}{ratio:>8.2f}")
    print()
    print(f"{'logger thread, per failure (us)':40}{results['logger_thread_per_failure_us']:>9.1f}")
    print(f"{'failures dropped in the burst':40}{results['burst_dropped']:>9}")
    print()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
