"""`keywatch slo` against a real redis-server and the Firestore emulator: counts recorded by
the counting store's own adapter, daily documents where the health run will write them, the
fast-burn page for a broken provider and nothing for a healthy one; Redis unreachable."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from keywatch.core.classify import classify
from keywatch.core.counting import Group, TallyCount
from keywatch.core.health import doc_id, unix_minute
from keywatch.core.keys import Layout
from keywatch.events import Source
from keywatch.fingerprint import key_fingerprint
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.settings import FunctionSettings, get_settings
from keywatch_ops import slo
from keywatch_ops.devstack.stack import Stack, free_port
from tests.factories import failure

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(second=20, microsecond=0)
END = unix_minute(NOW)
HISTORY = 7 * 60  # minutes of steady traffic: every window up to 6h holds some
ATTEMPTS = 100  # a minute


def seed(store: RedisCountingStore, provider: str, outage_minutes: int) -> None:
    """ATTEMPTS a minute on one model for HISTORY minutes, a 0.1% baseline of 503s (one every
    10 minutes), and 50% 503s over the last `outage_minutes`."""
    ok: list[tuple[int, int]] = []
    for ago in range(HISTORY):
        m = END - ago
        bad = ATTEMPTS // 2 if ago < outage_minutes else int(m % 10 == 0)
        ok.append((m, ATTEMPTS - bad))
        for i in range(bad):
            at = datetime.fromtimestamp(m * 60 + i % 60, UTC)
            event = failure(
                provider=provider, model="m1", source=Source.PLATFORM, occurred_at=min(at, NOW),
                status_code=503, error_type=None, error_code=None, error_message="Unavailable",
            )  # fmt: skip
            assert store.record_failure(event, classify(503))
    group = Group(provider, "m1", key_fingerprint(f"{provider}-key"), "platform")
    assert store.record_tallies(f"{provider}-tally", [TallyCount(group, tuple(ok))]).counted


def settings(backends: Stack, prefix: str, **kw: Any) -> FunctionSettings:
    return FunctionSettings(
        redis_url=f"redis://127.0.0.1:{backends.services['redis'].port}/0",
        counting_prefix=prefix,
        project_id=backends.project,
        **kw,
    )


@pytest.fixture
def seeded(
    backends: Stack, redis_client: redis.Redis, firestore_client: Any, unique: str
) -> tuple[FunctionSettings, str, str]:
    """A broken provider (50% errors for 10 minutes, its two previous days on file) and a
    healthy one (no daily documents)."""
    prefix = f"t{unique}"
    store = RedisCountingStore(redis_client, Layout(prefix), clock=lambda: NOW.timestamp())
    down, ok = f"down-{unique}", f"ok-{unique}"
    seed(store, down, outage_minutes=10)
    seed(store, ok, outage_minutes=0)
    days = firestore_client.collection("provider_days").document(doc_id(down))
    for back in (1, 2):
        d = (NOW - timedelta(days=back)).date()
        days.collection(slo.DAYS_SUBCOLLECTION).document(d.isoformat()).set(
            {"provider": down, "date": d.isoformat(), "requests": 144_000,
             "failures": 300, "provider_failures": 144}
        )  # fmt: skip
    return settings(backends, prefix), down, ok


def run_json(s: FunctionSettings, **kw: Any) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    assert slo.run(s, now=NOW.timestamp(), as_json=True, out=out, err=err, **kw) == 0
    assert err.getvalue() == ""
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_the_broken_provider_pages_and_the_healthy_one_fires_nothing(
    seeded: tuple[FunctionSettings, str, str],
) -> None:
    """From the counting store as the adapter wrote it: the outage's 10 minutes of 50% errors
    put the 1-hour window over 7.2% (14.4 x 0.5%) and the 5-minute one at 50%."""
    s, down, ok = seeded
    report = run_json(s)
    by = {p["provider"]: p for p in report["providers"]}
    assert set(by) == {down, ok}
    firing = {p: {a["name"] for a in by[p]["alerts"] if a["firing"]} for p in by}
    assert firing == {down: {"fast-burn-page"}, ok: set()}
    five, hour = by[down]["windows"]["5m"], by[down]["windows"]["1h"]
    assert (five["attempts"], five["good"]) == (500, 250)
    assert hour["attempts"] == 6000 and hour["good"] == 6000 - 500 - 5
    assert hour["burn_rate"] == pytest.approx(505 / 6000 / 0.005)
    assert [m["model"] for m in by[down]["models"]] == ["m1"]
    assert {a["name"] for a in by[down]["models"][0]["alerts"] if a["firing"]} == {"fast-burn-page"}


def test_day_windows_read_the_daily_documents_and_say_partial(
    seeded: tuple[FunctionSettings, str, str],
) -> None:
    """The broken provider has its two previous days on file: 3d is whole (today from the
    counting store), 28d is 3 of 28; the healthy one has none: today only. The budget is over
    what is covered."""
    s, down, ok = seeded
    by = {p["provider"]: p for p in run_json(s)["providers"]}
    today = min(HISTORY, END - END // 1440 * 1440 + 1) * ATTEMPTS  # seeded minutes since 00:00
    d3, d28 = by[down]["windows"]["3d"], by[down]["windows"]["28d"]
    assert d3["partial"] is None and d3["attempts"] == 2 * 144_000 + today
    assert d28["partial"] == "3 of 28 days" and d28["attempts"] == d3["attempts"]
    assert (by[ok]["windows"]["3d"]["partial"], by[ok]["windows"]["3d"]["attempts"]) == (
        "1 of 3 days",
        today,
    )
    budget = by[down]["budget"]
    failures = d28["attempts"] - d28["good"]
    assert budget["partial"] == "3 of 28 days" and budget["failures"] == failures
    assert budget["allowed_failures"] == pytest.approx(0.005 * d28["attempts"])
    assert budget["left"] == pytest.approx(1 - failures / budget["allowed_failures"])


def test_the_text_output_names_the_page_and_its_runbook(
    seeded: tuple[FunctionSettings, str, str],
) -> None:
    """What the on-call engineer reads: FIRING on the broken provider's fast-burn line, with
    its runbook anchor; no FIRING anywhere in the healthy provider's section."""
    s, down, ok = seeded
    out = io.StringIO()
    assert slo.run(s, now=NOW.timestamp(), out=out, err=io.StringIO()) == 0
    sections = {part.split("\n", 1)[0]: part for part in out.getvalue().split("\n\n")}
    fast = [line for line in sections[down].splitlines() if "fast-burn-page" in line]
    assert "FIRING" in fast[0] and "docs/slo.md#fast-burn-page" in fast[0]
    assert "FIRING" not in sections[ok]
    assert "partial: 1 of 3 days" in sections[ok]


def test_one_provider_only(seeded: tuple[FunctionSettings, str, str]) -> None:
    """--provider reads that provider and no other."""
    s, down, _ = seeded
    assert [p["provider"] for p in run_json(s, provider=down)["providers"]] == [down]


def test_through_the_argument_parser(
    seeded: tuple[FunctionSettings, str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`keywatch slo --provider P --target 0.99 --json` as cli.py wires it, settings from the
    environment (what `keywatch dev up` prints to export)."""
    s, down, _ = seeded
    parser = argparse.ArgumentParser(prog="keywatch")
    slo.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["slo", "--provider", down, "--target", "0.99", "--json"])
    monkeypatch.setenv("KEYWATCH_REDIS_URL", s.redis_url)
    monkeypatch.setenv("KEYWATCH_COUNTING_PREFIX", s.counting_prefix)
    get_settings.cache_clear()
    try:
        assert slo.main(args) == 0
    finally:
        get_settings.cache_clear()
    report = json.loads(capsys.readouterr().out)
    assert report["target"] == 0.99
    [p] = report["providers"]
    # At 99%, 1h's 8.4% errors are a burn rate of 8.4, under 14.4: no page.
    assert p["provider"] == down and not any(a["firing"] for a in p["alerts"])


@pytest.mark.parametrize("bad", ["99.5", "1", "0", "x"])
def test_a_target_that_is_not_a_fraction_is_refused(bad: str) -> None:
    parser = argparse.ArgumentParser(prog="keywatch")
    slo.add_parser(parser.add_subparsers(dest="command", required=True))
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["slo", "--target", bad])
    assert exc.value.code == 2


def test_redis_unreachable_is_one_clear_line(backends: Stack) -> None:
    """Exit 2 and one line naming the store and the cause; no traceback, no password."""
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    out, err = io.StringIO(), io.StringIO()
    assert slo.run(FunctionSettings(redis_url=url), out=out, err=err) == 2
    assert out.getvalue() == ""
    [line] = err.getvalue().splitlines()
    assert line.startswith("keywatch slo: cannot read the counting store at redis://127.0.0.1:")
    assert "KEYWATCH_REDIS_URL" in line and "hunter2" not in line
