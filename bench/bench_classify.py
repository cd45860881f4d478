"""classify's throughput and latency, in one run.

1. The core on one core: decode + validate + classify + format the Cloud Logging entry, side
   by side with plain `json.loads` of the same messages (the floor of any consumer).
2. End to end: published with the official client to the Pub/Sub emulator, pushed to classify
   under functions-framework, until its structured log line is written: events/s and p50/p99.
3. classify's own capacity, for sizing its instances: Pub/Sub push requests sent straight to
   it over HTTP, 16 at a time (its request concurrency in infra/), each counted in a real
   redis-server; requests/s and the CPU time its processes spent per request.

    .venv/bin/python bench/bench_classify.py [--messages 20000] [--e2e 1000] [--http 5000]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

os.environ["NO_GCE_CHECK"] = "true"

from keywatch.adapters.cloud_logging import StructuredLogSink, structured_logger
from keywatch.core.classify import classify
from keywatch.core.logentry import failure_entry
from keywatch.devstack import workload
from keywatch.devstack.stack import Stack
from keywatch.entry import decode_ingest
from keywatch.events import FailureEvent


def messages(n: int) -> list[bytes]:
    """n realistic failure events (the demo's mix of providers and errors), each unique."""
    base = workload.build().failures
    out = []
    for i in range(n):
        e = base[i % len(base)].model_copy(update={"event_id": uuid.uuid4(), "request_id": f"r{i}"})
        out.append(e.model_dump_json().encode())
    return out


def bench_core(msgs: list[bytes]) -> dict[str, float]:
    t0 = time.perf_counter()
    for m in msgs:
        json.loads(m)
    baseline = len(msgs) / (time.perf_counter() - t0)

    sink = StructuredLogSink(structured_logger("bench-classify", stream=io.StringIO()))
    t0 = time.perf_counter()
    for m in msgs:
        e = decode_ingest(m)
        assert isinstance(e, FailureEvent)
        c = classify(
            e.status_code, e.error_type, e.error_code, e.error_message, provider=e.provider
        )
        sink.write(failure_entry(e, c))
    core = len(msgs) / (time.perf_counter() - t0)
    return {
        "json_loads_per_s": round(baseline),
        "classify_core_per_s": round(core),
        "core_cost_vs_json_loads": round(baseline / core, 1),
    }


def tail(path: Path, seen: dict[str, float], stop: threading.Event) -> None:
    """Record when each event's log line appears (polled every millisecond)."""
    pos = 0
    buf = b""
    while not stop.is_set():
        with open(path, "rb") as f:
            f.seek(pos)
            chunk = f.read()
        now = time.perf_counter()
        if chunk:
            pos += len(chunk)
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if b'"llm_failure"' in line:
                    seen.setdefault(json.loads(line)["event_id"], now)
        else:
            time.sleep(0.001)


def bench_e2e(n: int, paced_n: int = 200, rate: float = 20.0) -> dict[str, Any]:
    from google.cloud import pubsub_v1

    msgs = messages(n)
    ids = [json.loads(m)["event_id"] for m in msgs]
    with Stack(workdir=Path(tempfile.mkdtemp(prefix="kw-bench-"))) as stack, stack.client_env():
        client = pubsub_v1.PublisherClient()
        topic = client.topic_path(stack.project, stack.settings.events_topic)
        seen: dict[str, float] = {}
        stop = threading.Event()
        tailer = threading.Thread(target=tail, args=(stack.log_path("classify"), seen, stop))
        tailer.start()
        sent: dict[str, float] = {}

        def wait_logged(want: list[str]) -> None:
            deadline = time.monotonic() + 600
            while any(i not in seen for i in want) and time.monotonic() < deadline:
                time.sleep(0.05)

        # Latency below capacity: a steady trickle, each event timed from publish to log line.
        paced = messages(paced_n)
        paced_ids = [json.loads(m)["event_id"] for m in paced]
        for eid, m in zip(paced_ids, paced, strict=True):
            sent[eid] = time.perf_counter()
            client.publish(topic, m, type="failure")
            time.sleep(1 / rate)
        wait_logged(paced_ids)

        # Throughput: a burst of n at once, until the last of them is logged.
        t0 = time.perf_counter()
        futures = []
        for eid, m in zip(ids, msgs, strict=True):
            sent[eid] = time.perf_counter()
            futures.append(client.publish(topic, m, type="failure"))
        for f in futures:
            f.result(60)
        wait_logged(ids)
        took = max(seen[i] for i in ids if i in seen) - t0
        stop.set()
        tailer.join()

    def pct(xs: list[str], q: float) -> float:
        lat = sorted((seen[i] - sent[i]) * 1000 for i in xs if i in seen)
        return round(lat[min(len(lat) - 1, int(q * len(lat)))], 1)

    logged = sum(i in seen for i in ids)
    return {
        "e2e_events": n,
        "e2e_logged": logged,
        "e2e_events_per_s": round(logged / took, 1),
        "e2e_paced_rate_per_s": rate,
        "e2e_latency_p50_ms": pct(paced_ids, 0.5),
        "e2e_latency_p99_ms": pct(paced_ids, 0.99),
        "e2e_burst_latency_p50_ms": pct(ids, 0.5),
    }


def _cpu_s(pgid: int) -> float:
    """User + system CPU seconds of every process in a process group (gunicorn's master and
    worker), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def bench_http(n: int, concurrency: int = 16) -> dict[str, Any]:
    import base64
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    msgs = messages(n)
    with Stack(workdir=Path(tempfile.mkdtemp(prefix="kw-bench-"))) as stack:
        url = stack.function_url("classify")
        pgid = stack.services["classify"].proc.pid

        def post(i: int) -> int:
            body = {
                "message": {
                    "data": base64.b64encode(msgs[i]).decode(),
                    "messageId": str(i),
                    "attributes": {"type": "failure"},
                },
                "subscription": "projects/p/subscriptions/bench",
            }
            req = urllib.request.Request(
                url,
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(req, timeout=30) as resp:
                return int(resp.status)

        with ThreadPoolExecutor(concurrency) as pool:  # warm up: imports, clients, scripts
            list(pool.map(post, range(min(200, n))))
            cpu0, t0 = _cpu_s(pgid), time.perf_counter()
            codes = list(pool.map(post, range(n)))
            took, cpu = time.perf_counter() - t0, _cpu_s(pgid) - cpu0
    return {
        "http_requests": n,
        "http_ok": codes.count(200),
        "http_concurrency": concurrency,
        "http_requests_per_s": round(n / took),
        "http_cpu_ms_per_request": round(cpu / n * 1000, 2),
    }


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--messages", type=int, default=20_000)
    p.add_argument("--e2e", type=int, default=1_000)
    p.add_argument("--http", type=int, default=5_000)
    args = p.parse_args()
    results: dict[str, Any] = {"messages": args.messages}
    results.update(bench_core(messages(args.messages)))
    results.update(bench_e2e(args.e2e))
    results.update(bench_http(args.http))
    print(f"json.loads alone          {results['json_loads_per_s']:>10,} msg/s")
    print(
        f"classify core, one core   {results['classify_core_per_s']:>10,} events/s"
        f"  ({results['core_cost_vs_json_loads']}x the cost of json.loads)"
    )
    print(
        f"end to end (emulator, functions-framework): burst of {results['e2e_events']}:"
        f" {results['e2e_events_per_s']} events/s ({results['e2e_logged']} logged);"
        f" at {results['e2e_paced_rate_per_s']:.0f}/s, publish-to-log p50"
        f" {results['e2e_latency_p50_ms']} ms, p99 {results['e2e_latency_p99_ms']} ms"
    )
    print(
        f"classify over HTTP, {results['http_concurrency']} at a time, counting in redis-server:"
        f" {results['http_requests_per_s']} requests/s ({results['http_ok']} of"
        f" {results['http_requests']} ok), {results['http_cpu_ms_per_request']} ms of CPU each"
    )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
