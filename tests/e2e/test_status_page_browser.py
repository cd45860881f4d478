"""The status page in a real headless Chromium: the `status_page` function under
functions-framework, reading the local stack's Firestore emulator, checked against the
documents it shows (and its JSON), with and without JavaScript, with a screenshot.

Chromium is Debian's (scripts/ensure-chromium.sh), driven by Playwright's Python package with
`executable_path` (Playwright's own browser download is never used), with the flags that keep
it off the network (/work/.library/env/machines/python.md: without them, its background
connections are refused many at a time) and every host name unresolvable but loopback's.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from google.cloud import firestore

from keywatch.core.daily import day_document
from keywatch.core.health import (
    Counts,
    Kind,
    Rollup,
    Series,
    Thresholds,
    doc_id,
    provider_documents,
    provider_path,
    stamped,
    summarize,
    unix_minute,
)
from keywatch.core.statuspage import DAYS_SHOWN, PALETTE, percent
from keywatch_ops.devstack.stack import REPO_ROOT, Stack, free_port

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
# --headless comes from headless=True and --user-data-dir from launch_persistent_context's
# first argument (Playwright refuses it among the args): a new empty directory per launch.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # loopback only
]
THRESHOLDS = Thresholds()  # the stack's: Settings' defaults
PROVIDERS, DAYS, INCIDENTS = "provider_health", "provider_days", "incidents"


# -- the function, started as the stack starts its own -------------------------------------------


@dataclass
class Function:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def start_status_function(stack: Stack, workdir: Path, **env_over: str) -> Function:
    """`status_page` under functions-framework, as stack.py's `_start_function` starts the
    others (its own process group, SIGTERM if this process dies), on a free loopback port."""
    port = free_port()
    log = workdir / f"status_page-{port}.log"
    env = {**os.environ, **stack.env, "PYTHONUNBUFFERED": "1", **env_over}
    cmd = [
        sys.executable, "-m", "functions_framework",
        "--target", "status_page",
        "--source", str(REPO_ROOT / "functions" / "main.py"),
        "--signature-type", "http",
        "--host", "127.0.0.1",
        "--port", str(port),
    ]  # fmt: skip
    setpriv = shutil.which("setpriv")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [setpriv, "--pdeathsig", "TERM", "--", *cmd] if setpriv else cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=str(workdir),
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"status_page exited with {proc.returncode}: {log.read_text()}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return Function(proc, port, log)
        time.sleep(0.05)
    stop(Function(proc, port, log))
    raise AssertionError(f"status_page did not listen within 60 s: {log.read_text()}")


def stop(fn: Function) -> None:
    if fn.proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(fn.proc.pid, signal.SIGTERM)
        try:
            fn.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(fn.proc.pid, signal.SIGKILL)
            fn.proc.wait(timeout=5)


def get(url: str, timeout_s: float = 30) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


# -- the scenario ---------------------------------------------------------------------------------


@dataclass
class Scenario:
    down: str  # a provider down now, with an open incident its own feed confirms
    healthy: str  # a provider healthy now (a "/" in its name), with a recent closed incident
    down_model: str
    evil_model: str  # the healthy provider's model, named with a script
    open_incident: str
    closed_incident: str
    old_incident: str  # closed, opened 8 days ago: not shown
    down_gaps: frozenset[int]  # days ago without a document
    healthy_gaps: frozenset[int]
    healthy_since: int  # the healthy provider's first day, in days ago


def model_series(
    provider: str, model: str, minutes: dict[int, tuple[int, int]], end: int
) -> Series:
    """A model's series as classify counts it: {minutes ago: (successes, server errors)}."""
    s = Series(Kind.MODEL, provider, model)
    for ago, (ok, failed) in minutes.items():
        m = end - ago
        for buckets, index in ((s.minutes, m), (s.hours, m // 60)):
            c = buckets.setdefault(index, Counts())
            c.successes += ok
            c.failures["server_error"] = c.failures.get("server_error", 0) + failed
            c.provider_failures += failed
    return s


def day_rollup(requests: int, provider_failures: int) -> Rollup:
    r = Rollup()
    r.requests, r.failures, r.provider_failures = requests, provider_failures + 3, provider_failures
    return r


def seed(db: firestore.Client, now: datetime) -> Scenario:
    """Documents as the health run writes them (its own functions build them)."""
    run = uuid.uuid4().hex[:8]
    sc = Scenario(
        down=f"statusdown{run}",
        healthy=f"acme/statusok{run}",
        down_model=f"gpt-{run}",
        evil_model=f"<script>window.__pwned=1</script><img src=x onerror=alert(1)>{run}",
        open_incident=f"inc-open-{run}",
        closed_incident=f"inc-closed-{run}",
        old_incident=f"inc-old-{run}",
        down_gaps=frozenset({2, 11, 12, 45}),
        healthy_gaps=frozenset({7}),
        healthy_since=59,
    )
    end = unix_minute(now)
    batch = db.batch()
    for provider, model, minutes in (
        # down: 75% of the last 5 minutes failed; the hour before was fine
        (sc.down, sc.down_model, {0: (10, 30), 1: (10, 30), 2: (10, 30), 30: (900, 5)}),
        # healthy: 1 failure in 101 a minute
        (sc.healthy, sc.evil_model, {0: (100, 1), 1: (100, 1), 20: (400, 0)}),
    ):
        per_model, total = provider_documents(
            provider, [summarize(model_series(provider, model, minutes, end), end)], THRESHOLDS
        )
        [(_, planned)] = per_model
        assert planned is not None and total is not None
        batch.set(db.document(provider_path(provider, model, PROVIDERS)), stamped(planned[1], end))
        batch.set(db.document(provider_path(provider, None, PROVIDERS)), stamped(total[1], end))
    today = now.date()
    for provider, gaps, since, figures in (
        (sc.down, sc.down_gaps, DAYS_SHOWN - 1, {0: (5000, 3000), 20: (10_000, 800)}),
        (sc.healthy, sc.healthy_gaps, sc.healthy_since, {5: (5, 0), 9: (2000, 150)}),
    ):
        for ago in range(since + 1):
            if ago in gaps:
                continue
            day = (today - timedelta(days=ago)).isoformat()
            requests, failed = figures.get(ago, (10_000 + ago, ago % 4))
            path = f"{DAYS}/{doc_id(provider)}/days/{day}"
            batch.set(
                db.document(path), day_document(provider, day, day_rollup(requests, failed), end)
            )
    incidents = {
        sc.open_incident: {
            "provider": sc.down,
            "reason": "server_error",
            "opened_at": now - timedelta(minutes=20),
            "open": True,
            "distinct_keys": 42,
            "threshold": 20,
            "confirmed_by_provider": True,
            "provider_title": "Elevated error rates on <b>Chat</b>",
            "provider_link": f"https://status.example.com/incidents/{run}",
            "checked_at": now - timedelta(minutes=1),
        },
        sc.closed_incident: {
            "provider": sc.healthy,
            "reason": "rate_limited",
            "opened_at": now - timedelta(days=2),
            "open": False,
            "distinct_keys": 25,
            "threshold": 20,
            "confirmed_by_provider": False,
            "provider_title": None,
            "provider_link": None,
            "checked_at": now - timedelta(days=2),
        },
        sc.old_incident: {
            "provider": sc.down,
            "reason": "timeout",
            "opened_at": now - timedelta(days=8),
            "open": False,
            "distinct_keys": 30,
            "threshold": 20,
            "confirmed_by_provider": None,
            "provider_title": None,
            "provider_link": None,
            "checked_at": None,
        },
    }
    for iid, doc in incidents.items():
        batch.set(db.document(f"{INCIDENTS}/{iid}"), doc)
    batch.commit()
    return sc


# -- reading the page -----------------------------------------------------------------------------

# What a person sees, read in one call: the rendered text (innerText), the text alternatives
# and the colours as computed. Playwright evaluates it in its own world, so it works with the
# page's JavaScript disabled too.
SNAPSHOT_JS = """() => {
  const t = e => e ? e.innerText.trim() : null;
  const rows = [...document.querySelectorAll('#current-table tbody tr[data-provider]')].map(r => ({
    provider: r.dataset.provider, model: r.dataset.model ?? null, name: t(r.querySelector('th')),
    status: t(r.querySelector('td[data-field=status]')),
    colour: getComputedStyle(r.querySelector('td[data-field=status]')).color,
    cells: Object.fromEntries([...r.querySelectorAll('td[data-window]')].map(
      c => [c.dataset.window + ' ' + c.dataset.field, t(c)])),
  }));
  const bars = Object.fromEntries([...document.querySelectorAll('section.history')].map(s => [
    s.dataset.provider, {
      heading: t(s.querySelector('h3')), overall: t(s.querySelector('.overall')),
      days: [...s.querySelectorAll('.day')].map(d => ({
        date: d.dataset.date, label: d.getAttribute('aria-label'), title: d.title,
        role: d.getAttribute('role'), fill: getComputedStyle(d).backgroundColor,
        border: getComputedStyle(d).borderTopColor,
        width: d.getBoundingClientRect().width, height: d.getBoundingClientRect().height}))}]));
  const incidents = [...document.querySelectorAll('li.incident')].map(i => ({
    id: i.dataset.incident, heading: t(i.querySelector('h3')),
    keys: t(i.querySelector('[data-field=distinct_keys]')),
    confirmation: t(i.querySelector('[data-field=confirmation]')),
    links: [...i.querySelectorAll('a')].map(a => a.href)}));
  return {
    rows, bars, incidents, summary: t(document.querySelector('#summary')),
    updated: document.querySelector('#updated-at time')?.getAttribute('datetime') ?? null,
    legend: [...document.querySelectorAll('.legend li')].map(t),
    scripts: document.querySelectorAll('script').length,
  };
}"""


def rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def expected_state(requests: int, provider_failures: int) -> str:
    """A day's state by the thresholds, worked out here rather than by the page's code."""
    if requests == 0:
        return "no_data"
    if requests < THRESHOLDS.min_requests:
        return "unknown"
    rate = provider_failures / requests
    return (
        "down"
        if rate >= THRESHOLDS.down_rate
        else "degraded"
        if rate >= THRESHOLDS.degraded_rate
        else "healthy"
    )


@dataclass
class Browsed:
    snapshot: dict[str, Any]
    console: list[str]
    errors: list[str]
    requests: list[str]
    failed: list[str]
    bad_status: list[str]


def browse(
    playwright: Any, url: str, profile: Path, *, javascript: bool, shot: Path | None
) -> Browsed:
    ctx = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_FLAGS,
        java_script_enabled=javascript,
        viewport={"width": 1280, "height": 900},
    )
    try:
        page = ctx.new_page()
        seen = Browsed({}, [], [], [], [], [])
        page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        page.on("request", lambda r: seen.requests.append(r.url))
        page.on("requestfailed", lambda r: seen.failed.append(f"{r.url}: {r.failure}"))
        page.on(
            "response",
            lambda r: seen.bad_status.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200
        assert page.title() == "keywatch: LLM provider status"
        for landmark in ("header", "main", "nav", "#current-table", "#incidents", "#uptime"):
            assert page.locator(landmark).first.is_visible(), landmark
        seen.snapshot = page.evaluate(SNAPSHOT_JS)
        if javascript:
            assert page.evaluate("typeof window.__pwned") == "undefined"
        if shot is not None:
            page.screenshot(path=str(shot), full_page=True)
        return seen
    finally:
        ctx.close()


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run scripts/ensure-chromium.sh (Debian's chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: pip install the dev extra (playwright)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def scenario(stack: Stack) -> Scenario:
    return seed(firestore.Client(project=stack.project), datetime.now(UTC))


@pytest.fixture(scope="module")
def status_fn(
    stack: Stack, scenario: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Function]:
    """Started after the documents are written: its first read (cached 30 s) holds them."""
    fn = start_status_function(stack, tmp_path_factory.mktemp("status_page"))
    try:
        yield fn
    finally:
        stop(fn)


# -- tests ----------------------------------------------------------------------------------------


def test_the_page_in_chromium_shows_what_firestore_holds(
    stack: Stack,
    status_fn: Function,
    scenario: Scenario,
    playwright: Any,
    tmp_path: Path,
) -> None:
    """States, 5-minute and hour figures, 90 daily bars with their gaps, and the incidents
    with the provider feed's word, as Chromium renders them, equal the Firestore documents;
    no console error, nothing fetched but the page; the same without JavaScript."""
    sc = scenario
    db = firestore.Client(project=stack.project)
    shot = tmp_path / "status_page.png"
    seen = browse(playwright, status_fn.url, tmp_path / "profile-js", javascript=True, shot=shot)
    artifacts = os.environ.get("KEYWATCH_TEST_ARTIFACTS")
    print(f"\nstatus page screenshot: {shot}")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        copy = Path(artifacts) / "status_page.png"
        shutil.copyfile(shot, copy)
        print(f"status page screenshot: {copy}")

    # Clean: no console message of level error, no uncaught error, nothing but the page loaded.
    assert [m for m in seen.console if m.startswith(("error", "warning"))] == []
    assert seen.errors == [] and seen.failed == [] and seen.bad_status == []
    assert seen.requests == [status_fn.url], seen.requests
    snap = seen.snapshot
    assert snap["scripts"] == 0

    # Current state: each row against its document, read back.
    rows = {(r["provider"], r["model"]): r for r in snap["rows"]}
    for provider, model in (
        (sc.down, None),
        (sc.down, sc.down_model),
        (sc.healthy, None),
        (sc.healthy, sc.evil_model),
    ):
        doc = db.document(provider_path(provider, model, PROVIDERS)).get().to_dict()
        assert doc is not None
        row = rows[(provider, model)]
        assert row["status"] == PALETTE[doc["status"]].label
        assert row["colour"] == rgb(PALETTE[doc["status"]].colour)
        assert (model or provider) in row["name"]  # shown as text, markup and all
        for w in ("5m", "1h"):
            win = doc[w]
            assert row["cells"] == row["cells"] | {
                f"{w} requests": f"{win['requests']:,}",
                f"{w} failures": f"{win['failures']:,}",
                f"{w} provider_failures": f"{win['provider_failures']:,}",
                f"{w} uptime": percent(win["requests"], win["provider_failures"]),
            }
    assert rows[(sc.down, None)]["status"] == "Down"
    assert rows[(sc.healthy, None)]["status"] == "Healthy"
    assert rows[(sc.down, None)]["cells"]["5m uptime"] == "25.00%"

    # "Last updated": the newest as_of of every provider document in the database.
    newest = max((d.to_dict() or {})["as_of"] for d in db.collection(PROVIDERS).stream())
    assert snap["updated"] == newest.astimezone(UTC).isoformat().replace("+00:00", "Z")

    # 90 daily bars per provider, each with its text alternative, the gaps as "no data".
    today = datetime.now(UTC).date()
    for provider, gaps, since in (
        (sc.down, sc.down_gaps, DAYS_SHOWN - 1),
        (sc.healthy, sc.healthy_gaps, sc.healthy_since),
    ):
        bar = snap["bars"][provider]
        assert provider in bar["heading"]
        assert len(bar["days"]) == DAYS_SHOWN
        first = today - timedelta(days=DAYS_SHOWN - 1)
        assert [d["date"] for d in bar["days"]] == [
            (first + timedelta(days=i)).isoformat() for i in range(DAYS_SHOWN)
        ]
        stored = {
            s.id: s.to_dict() for s in db.collection(f"{DAYS}/{doc_id(provider)}/days").stream()
        }
        no_data = 0
        for d in bar["days"]:
            assert d["role"] == "img" and d["title"] == d["label"]
            assert d["width"] > 0 and d["height"] > 0
            doc = stored.get(d["date"])
            if doc is None:
                no_data += 1
                assert d["label"] == f"{d['date']}: no data"
                assert d["border"] == rgb(PALETTE["no_data"].colour)
                continue
            state = expected_state(doc["requests"], doc["provider_failures"])
            assert d["label"] == (
                f"{d['date']}: {PALETTE[state].label}, "
                f"{percent(doc['requests'], doc['provider_failures'])} uptime "
                f"({doc['requests']:,} requests,"
                f" {doc['provider_failures']:,} failed by the provider)"
            )
            assert d["fill"] == rgb(PALETTE[state].colour)
        missing = {(today - timedelta(days=g)).isoformat() for g in gaps}
        assert no_data == len(gaps) + (DAYS_SHOWN - 1 - since)
        assert all(
            next(x for x in bar["days"] if x["date"] == m)["label"].endswith("no data")
            for m in missing
        )
    down_days = {d["date"]: d["label"] for d in snap["bars"][sc.down]["days"]}
    assert ": Down, 40.00% uptime" in down_days[today.isoformat()]
    assert ": Degraded, 92.00% uptime" in down_days[(today - timedelta(days=20)).isoformat()]
    healthy_days = {d["date"]: d["label"] for d in snap["bars"][sc.healthy]["days"]}
    assert ": Unknown, 100.00% uptime" in healthy_days[(today - timedelta(days=5)).isoformat()]
    assert {"Healthy", "Degraded", "Down", "Unknown", "No data"} == {
        item.split(":")[0] for item in snap["legend"]
    }

    # Incidents: the open one with the provider's confirmation, the recent closed one, not
    # the one opened 8 days ago.
    incidents = {i["id"]: i for i in snap["incidents"]}
    assert sc.old_incident not in incidents
    open_doc = db.document(f"{INCIDENTS}/{sc.open_incident}").get().to_dict()
    assert open_doc is not None
    shown = incidents[sc.open_incident]
    assert shown["heading"] == f"Open {sc.down}: server_error"
    assert shown["keys"] == f"{open_doc['distinct_keys']} (threshold {open_doc['threshold']})"
    assert shown["confirmation"] == f"Confirmed by the provider: {open_doc['provider_title']}"
    assert shown["links"] == [open_doc["provider_link"]]
    closed = incidents[sc.closed_incident]
    assert closed["heading"] == f"Closed {sc.healthy}: rate_limited"
    assert closed["confirmation"] == "Not reported by the provider" and closed["links"] == []
    ids = [i["id"] for i in snap["incidents"]]
    assert ids.index(sc.open_incident) < ids.index(sc.closed_incident)  # open first

    # /status.json says the same.
    status, headers, body = get(status_fn.url + "status.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    providers = {p["provider"]: p for p in data["providers"]}
    for provider in (sc.down, sc.healthy):
        p = providers[provider]
        doc = db.document(provider_path(provider, None, PROVIDERS)).get().to_dict()
        assert doc is not None and p["status"] == doc["status"]
        for w in ("5m", "1h"):
            assert {
                k: p["windows"][w][k]
                for k in ("requests", "failures", "provider_failures", "status")
            } == {k: doc[w][k] for k in ("requests", "failures", "provider_failures", "status")}
            assert p["windows"][w]["uptime"] == pytest.approx(doc[w]["uptime"])
        stored = {
            s.id: s.to_dict() for s in db.collection(f"{DAYS}/{doc_id(provider)}/days").stream()
        }
        for d in p["days"]:
            day_doc = stored.get(d["date"])
            if day_doc is None:
                assert (d["status"], d["requests"], d["uptime"]) == ("no_data", 0, None)
            else:
                assert d["status"] == expected_state(
                    day_doc["requests"], day_doc["provider_failures"]
                )
                assert (d["requests"], d["failures"], d["provider_failures"]) == (
                    day_doc["requests"],
                    day_doc["failures"],
                    day_doc["provider_failures"],
                )
        assert [m["model"] for m in p["models"]] == [
            sc.down_model if provider == sc.down else sc.evil_model
        ]
    j_incidents = {i["id"]: i for i in data["incidents"]}
    assert j_incidents[sc.open_incident]["confirmed_by_provider"] is True
    assert j_incidents[sc.closed_incident]["confirmed_by_provider"] is False
    assert sc.old_incident not in j_incidents

    # Without JavaScript: the same page, the same figures.
    plain = browse(
        playwright, status_fn.url, tmp_path / "profile-nojs", javascript=False, shot=None
    )
    assert plain.errors == [] and plain.failed == [] and plain.bad_status == []
    assert plain.snapshot == snap


def test_other_paths_are_404_and_a_firestore_outage_is_503(
    stack: Stack, status_fn: Function, tmp_path: Path
) -> None:
    """Any path but / and /status.json is 404; with Firestore unreachable the page answers
    503 in plain text within its read deadline, rather than hanging."""
    for path in ("nope", "status.json/x", "index.html"):
        status, headers, _ = get(status_fn.url + path)
        assert status == 404 and headers["Content-Type"].startswith("text/plain"), path
    # functions-framework answers these two itself, before the function.
    assert get(status_fn.url + "favicon.ico")[0] == get(status_fn.url + "robots.txt")[0] == 404
    with socket.socket() as s:  # a port nobody listens on: bound, never listening
        s.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{s.getsockname()[1]}"
        fn = start_status_function(stack, tmp_path, FIRESTORE_EMULATOR_HOST=dead)
        try:
            t0 = time.monotonic()
            status, headers, body = get(fn.url, timeout_s=60)
            took = time.monotonic() - t0
        finally:
            stop(fn)
    assert status == 503, body
    assert headers["Content-Type"].startswith("text/plain")
    assert b"cannot read the health database" in body
    assert took < 20, f"503 took {took:.1f} s"
