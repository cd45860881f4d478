"""The reporter under real forks, publishing to the real Pub/Sub emulator: gunicorn --preload,
multiprocessing with fork, Celery's prefork pool (billiard), and a process that exits at once.

Every event each child reports arrives. A child starts with an empty queue and its own thread
and client; the parent's queue is the parent's to send.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from keywatch.reporting import Reporter
from keywatch.settings import Settings
from keywatch_ops.devstack.stack import Stack, free_port

pytestmark = pytest.mark.integration

APPS = Path(__file__).parent / "forkapps"
VENV_BIN = Path(sys.executable).parent


def arrived(subscription: str, mark: str, expected: int, timeout_s: float = 30) -> set[str]:
    """The request ids starting with `mark` that reached the subscription (deduplicated)."""
    import json

    from google.cloud import pubsub_v1

    sub = pubsub_v1.SubscriberClient()
    got: set[str] = set()
    deadline = time.monotonic() + timeout_s
    while len(got) < expected and time.monotonic() < deadline:
        resp = sub.pull(subscription=subscription, max_messages=500, timeout=5)
        for m in resp.received_messages:
            rid = json.loads(m.message.data).get("request_id", "")
            if rid.startswith(mark):
                got.add(rid)
        if resp.received_messages:
            sub.acknowledge(
                subscription=subscription, ack_ids=[m.ack_id for m in resp.received_messages]
            )
    return got


def child_env(topic: str, mark: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "KEYWATCH_EVENTS_TOPIC": topic, "KW_TEST_MARK": mark, **extra}


@pytest.mark.parametrize("report_in_master", [False, True], ids=["init-only", "master-reported"])
def test_gunicorn_preload_workers_report(
    events_topic: tuple[str, str], unique: str, report_in_master: bool
) -> None:
    """`keywatch.init()` at import under `gunicorn --preload -w 2`: 40 requests, 40 events."""
    topic, subscription = events_topic
    port = free_port()
    env = child_env(topic, unique, KW_REPORT_AT_IMPORT="1" if report_in_master else "0")
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--preload", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "20", "--chdir", str(APPS), "wsgi:app"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        pids = set()
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        for _ in range(39):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
                pids.add(int(resp.read()))
    finally:
        proc.send_signal(signal.SIGTERM)  # graceful: each worker flushes at exit
        out, _ = proc.communicate(timeout=60)
    assert proc.pid not in pids  # served by forked workers
    expected = 40 + (1 if report_in_master else 0)
    got = arrived(subscription, unique, expected)
    assert len(got) == expected, out.decode()[-3000:]
    assert b"Traceback" not in out, out.decode()[-3000:]


def _child(r: Reporter, mark: str, n: int) -> None:
    for i in range(5):
        r.report("openai", "gpt-4o", request_id=f"{mark}-{n}-{i}", status_code=401)


def test_multiprocessing_fork_children_report(
    backends: Stack, events_topic: tuple[str, str], unique: str
) -> None:
    """A reporter that already published from the parent, inherited by 4 forked children."""
    topic, subscription = events_topic
    r = Reporter(Settings(project_id=backends.project, events_topic=topic))
    r.report("openai", "gpt-4o", request_id=f"{unique}-parent", status_code=401)
    assert r.flush(30)  # the parent holds a live client and thread
    ctx = multiprocessing.get_context("fork")
    children = [ctx.Process(target=_child, args=(r, unique, n)) for n in range(4)]
    for c in children:
        c.start()
    for c in children:
        c.join(60)
    assert [c.exitcode for c in children] == [0, 0, 0, 0]
    r.close()
    assert len(arrived(subscription, unique, 21)) == 21
    assert r.stats()["published"] == 1  # the children's events are theirs, not the parent's


_POOL_REPORTER: Reporter | None = None


def _pool_task(args: tuple[str, int]) -> int:
    mark, n = args
    assert _POOL_REPORTER is not None
    _POOL_REPORTER.report("openai", "gpt-4o", request_id=f"{mark}-{n}", status_code=401)
    return os.getpid()


@pytest.mark.parametrize("pool", ["multiprocessing", "billiard"])
def test_prefork_pool_workers_report(
    backends: Stack, events_topic: tuple[str, str], unique: str, pool: str
) -> None:
    """A prefork pool (Celery's is billiard's): workers forked from a parent that reported."""
    global _POOL_REPORTER
    topic, subscription = events_topic
    _POOL_REPORTER = Reporter(Settings(project_id=backends.project, events_topic=topic))
    _POOL_REPORTER.report("openai", "gpt-4o", request_id=f"{unique}-parent", status_code=401)
    assert _POOL_REPORTER.flush(30)
    mod: Any = multiprocessing.get_context("fork")
    if pool == "billiard":
        import billiard

        mod = billiard
    p = mod.Pool(2)
    try:
        pids = set(p.map(_pool_task, [(unique, n) for n in range(20)], chunksize=1))
    finally:
        p.close()
        p.join()
    assert os.getpid() not in pids
    _POOL_REPORTER.close()
    assert len(arrived(subscription, unique, 21)) == 21


def test_a_process_that_exits_right_after_init_still_sends(
    events_topic: tuple[str, str], unique: str
) -> None:
    """Exit while the reporter's thread is still importing the Pub/Sub client: the report is
    flushed at exit, with no 'can't register atexit after shutdown'."""
    topic, subscription = events_topic
    code = (
        "import keywatch, os\n"
        "keywatch.init()\n"
        "keywatch.report('openai', 'gpt-4o', request_id=os.environ['KW_TEST_MARK'] + '-0')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=child_env(topic, unique), capture_output=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    assert len(arrived(subscription, unique, 1)) == 1
