"""What KeywatchSpanProcessor adds to each span in the caller's thread, against what backends
do today, in one run.

Baseline: one `logging.getLogger(...).error(...)` of the same fields through a FileHandler (as
bench_report.py). keywatch: `on_end` of finished spans from a real opentelemetry-sdk
TracerProvider, carrying what opentelemetry-instrumentation-openai-v2 sets: a failed call
(401), a successful one, and a span that is not GenAI (an HTTP client span); then the whole
span (start, attributes, end) with and without the processor, inside `request_context` and
`using_key`, which is what an app pays. The reporter publishes to the real Pub/Sub emulator
(or, with --no-emulator, to a client that accepts at once), in its own thread as in production.

Prints a table, then the figures as one JSON line.

    .venv/bin/python bench/bench_capture_otel.py [--spans 20000] [--no-emulator]
"""

from __future__ import annotations

import argparse
import contextvars
import json
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ["NO_GCE_CHECK"] = "true"
os.environ.setdefault("KEYWATCH_FINGERPRINT_SECRET", "keywatch bench fingerprint secret")

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

import keywatch
from keywatch.otel import KeywatchSpanProcessor, using_key
from keywatch.reporting import Reporter
from keywatch.settings import Settings

MESSAGE = (
    "Error code: 401 - Incorrect API key provided: sk-proj-abcd********************wxyz. You can "
    "find your API key at https://platform.openai.com/account/api-keys."
)
# What opentelemetry-instrumentation-openai-v2 2.4b0 leaves on a chat span (tests/unit/test_otel).
START = {
    "gen_ai.operation.name": "chat",
    "gen_ai.request.model": "gpt-4o-mini",
    "gen_ai.provider.name": "openai",
}
FAILED = {**START, "error.type": "<class 'openai.AuthenticationError'>"}
SUCCEEDED = {
    **START,
    "gen_ai.response.finish_reasons": ("stop",),
    "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
    "gen_ai.response.id": "chatcmpl-1",
    "gen_ai.usage.input_tokens": 12,
    "gen_ai.usage.output_tokens": 40,
}
HTTP = {
    "http.request.method": "POST",
    "url.full": "https://api.example.com/v1/orders",
    "server.address": "api.example.com",
    "server.port": 443,
    "http.response.status_code": 200,
    "network.protocol.version": "1.1",
}


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


def time_calls(call: Callable[[int], Any], n: int, warm: int = 2000) -> list[int]:
    for i in range(min(warm, n)):
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

    def call(i: int) -> None:
        logger.error(
            "LLM call failed provider=%s model=%s status=%s type=%s uid=%s request_id=%s: %s",
            "openai",
            "gpt-4o-mini",
            401,
            "AuthenticationError",
            "user-42",
            f"req-{i}",
            MESSAGE,
        )

    try:
        return percentiles(time_calls(call, n))
    finally:
        logger.removeHandler(handler)
        handler.close()


def finished(tracer: Tracer, attributes: dict[str, Any], failed: bool, n: int) -> list[Any]:
    """`n` ended spans, made before the clock starts: on_end alone is timed."""
    spans = []
    for _ in range(n):
        span = tracer.start_span("chat gpt-4o-mini", kind=SpanKind.CLIENT, attributes=attributes)
        if failed:
            span.set_status(Status(StatusCode.ERROR, MESSAGE))
        span.end()
        spans.append(span)
    return spans


class AcceptingClient:
    """A PublisherClient that accepts every message at once (--no-emulator)."""

    def topic_path(self, project: str, topic: str) -> str:
        return f"projects/{project}/topics/{topic}"

    def publish(self, topic: str, data: bytes, **kwargs: Any) -> Future[str]:
        fut: Future[str] = Future()
        fut.set_result("1")
        return fut


@contextmanager
def pubsub(emulator: bool, workdir: Path) -> Iterator[Callable[[], Reporter]]:
    if not emulator:
        yield lambda: Reporter(Settings(project_id="bench"), client_factory=AcceptingClient)
        return
    from keywatch_ops.devstack.stack import Stack

    with Stack(workdir=workdir / "stack", with_functions=False) as stack, stack.client_env():
        settings = Settings(project_id=stack.project)
        from google.cloud import pubsub_v1

        admin = pubsub_v1.PublisherClient()
        admin.create_topic(name=admin.topic_path(stack.project, settings.events_topic))
        yield lambda: Reporter(settings)


def requests(n: int, key: str) -> list[contextvars.Context]:
    """One request per span, as in an app: its own request_context (uid, BYOK) and using_key."""
    out = []
    for i in range(n):
        with keywatch.request_context(uid=f"user-{i}", byok={"openai"}), using_key(key, "openai"):
            out.append(contextvars.copy_context())
    return out


def bench_processor(n: int, make_reporter: Callable[[], Reporter]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    plain = TracerProvider().get_tracer("bench")  # makes the spans; no processor of ours
    key = "sk-proj-PLACEHOLDER-not-a-key-000000000000"  # a placeholder, not a key
    reporter = make_reporter()
    reporter.start()  # what keywatch.init() does at start-up
    reporter.flush(30)
    processor = KeywatchSpanProcessor(reporter)

    for name, attributes, failed in (
        ("on_end_failed_span", FAILED, True),
        ("on_end_successful_span", SUCCEEDED, False),
        ("on_end_other_span", HTTP, False),
    ):
        spans = finished(plain, attributes, failed, n)
        contexts = requests(n, key)

        def end(i: int, spans: list[Any] = spans, contexts: list[Any] = contexts) -> None:
            contexts[i].run(processor.on_end, spans[i])

        results[name] = percentiles(time_calls(end, n))
        reporter.flush(120)

    # The whole span as the app pays for it, with and without the processor.
    bare = TracerProvider().get_tracer("bench")
    with_kw = TracerProvider()
    with_kw.add_span_processor(processor)
    watched = with_kw.get_tracer("bench")

    def lifecycle(tracer: Tracer, failed: bool, contexts: list[Any]) -> Callable[[int], None]:
        def span(i: int) -> None:
            s = tracer.start_span("chat gpt-4o-mini", kind=SpanKind.CLIENT, attributes=START)
            if failed:
                s.set_attribute("error.type", "<class 'openai.AuthenticationError'>")
                s.set_status(Status(StatusCode.ERROR, MESSAGE))
            else:
                s.set_attribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
            s.end()

        def call(i: int) -> None:
            contexts[i].run(span, i)

        return call

    for failed in (True, False):
        outcome = "failed" if failed else "successful"
        for label, tracer in (("without", bare), ("with", watched)):
            call = lifecycle(tracer, failed, requests(n, key))
            results[f"span_{outcome}_{label}_keywatch"] = percentiles(time_calls(call, n))
            reporter.flush(120)
    results["reporter_stats"] = reporter.stats()
    results["processor_stats"] = processor.stats()
    reporter.close()
    return results


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--spans", type=int, default=20_000)
    p.add_argument("--no-emulator", action="store_true")
    args = p.parse_args()
    n = args.spans
    workdir = Path(tempfile.mkdtemp(prefix="kw-bench-otel-"))
    results: dict[str, Any] = {"spans": n, "pubsub": "accepting client"}
    results["logging_file_handler"] = bench_logging(n, workdir)
    with pubsub(not args.no_emulator, workdir) as make_reporter:
        if not args.no_emulator:
            results["pubsub"] = "emulator"
        results.update(bench_processor(n, make_reporter))

    base = results["logging_file_handler"]["p50_us"]
    print(f"Pub/Sub: {results['pubsub']}; {n} spans each")
    print(f"{'':40}{'p50 us':>9}{'p99 us':>9}{'mean us':>9}{'x log p50':>11}")
    rows = [
        "logging_file_handler",
        "on_end_failed_span",
        "on_end_successful_span",
        "on_end_other_span",
        "span_failed_without_keywatch",
        "span_failed_with_keywatch",
        "span_successful_without_keywatch",
        "span_successful_with_keywatch",
    ]
    for name in rows:
        r = results[name]
        ratio = r["p50_us"] / base
        print(f"{name:40}{r['p50_us']:9.2f}{r['p99_us']:9.2f}{r['mean_us']:9.2f}{ratio:11.2f}")
    for outcome in ("failed", "successful"):
        added = (
            results[f"span_{outcome}_with_keywatch"]["p50_us"]
            - results[f"span_{outcome}_without_keywatch"]["p50_us"]
        )
        results[f"added_p50_us_{outcome}_span"] = round(added, 2)
        print(
            f"added by keywatch to a {outcome} span, p50: {added:.2f} us ({added / base:.2f}x log)"
        )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
