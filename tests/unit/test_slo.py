"""Provider SLOs: the Workbook's alert table, burn rates and budget arithmetic, the windows of
the counting store and the daily documents, and simulated incidents minute by minute.

The table is the SRE Workbook's, chapter 5 "Alerting on SLOs", section 6 "Multiwindow,
Multi-Burn-Rate Alerts" (https://sre.google/workbook/alerting-on-slos/).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from keywatch.core.classify import counts_against_provider
from keywatch.core.health import Counts, Kind, Series, unix_minute
from keywatch.core.reasons import Reason
from keywatch.core.slo import (
    PERIOD,
    WORKBOOK,
    WORKBOOK_PERIOD,
    BurnAlert,
    budget_left,
    burn_rate,
    day_dates,
    day_window,
    evaluate,
    recent_windows,
    simulate,
    sli,
)
from keywatch.events import Source

TARGET = 0.995
ATTEMPTS = 100  # a minute, steady
DAY = 24 * 60  # minutes
HISTORY = 3 * DAY  # enough for every window, the ticket's 3 days included
H = timedelta(hours=1)
M = timedelta(minutes=1)


def minute(ok: int, failed: dict[tuple[Reason, Source], int] | None = None) -> tuple[int, int]:
    """One minute's (good, total): successes and failures by (reason, source), a failure held
    against the provider as provider health holds it (core.classify.counts_against_provider)."""
    failed = failed or {}
    total = ok + sum(failed.values())
    held = sum(n for (r, src), n in failed.items() if counts_against_provider(r, src))
    return total - held, total


def steady(n: int, offset: int = 0) -> list[tuple[int, int]]:
    """`n` minutes of ATTEMPTS each, a 0.1% baseline of provider errors: one every 10 minutes."""
    out = []
    for i in range(offset, offset + n):
        bad = 1 if i % 10 == 0 else 0
        out.append(minute(ATTEMPTS - bad, {(Reason.SERVER_ERROR, Source.PLATFORM): bad}))
    return out


def outage(n: int, ratio: float) -> list[tuple[int, int]]:
    bad = round(ATTEMPTS * ratio)
    return [minute(ATTEMPTS - bad, {(Reason.SERVER_ERROR, Source.PLATFORM): bad})] * n


# -- the table -------------------------------------------------------------------------------


def test_the_alerts_are_the_workbooks_table() -> None:
    """Severity, long window, short window, burn rate, budget consumed: the Workbook's three
    rows, as published for a 30-day period."""
    rows = [
        (a.severity, a.long_window, a.short_window, a.burn_rate, a.budget_consumed)
        for a in WORKBOOK
    ]
    assert rows == [
        ("page", timedelta(hours=1), timedelta(minutes=5), 14.4, 0.02),
        ("page", timedelta(hours=6), timedelta(minutes=30), 6.0, 0.05),
        ("ticket", timedelta(days=3), timedelta(hours=6), 1.0, 0.10),
    ]
    assert [a.name for a in WORKBOOK] == ["fast-burn-page", "slow-burn-page", "ticket"]


@pytest.mark.parametrize("alert", WORKBOOK, ids=lambda a: a.name)
def test_each_row_is_consistent_with_its_derivation(alert: BurnAlert) -> None:
    """Budget consumed = burn rate x long window / 30 days; the short window is 1/12 of the
    long one (the Workbook's suggestion)."""
    assert alert.consumed_over(WORKBOOK_PERIOD) == pytest.approx(alert.budget_consumed)
    assert alert.short_window * 12 == alert.long_window


def test_over_28_days_the_same_thresholds_stand_for_slightly_more_budget() -> None:
    """The burn rates are kept; each alert stands for 30/28 of the Workbook's share."""
    assert PERIOD.days == 28
    shares = [round(a.consumed_over(PERIOD), 4) for a in WORKBOOK]
    assert shares == [0.0214, 0.0536, 0.1071]


def test_detection_time_is_the_workbooks_formula() -> None:
    """((1 - SLO) / error ratio) x long window x burn rate; never below the threshold ratio."""
    fast = WORKBOOK[0]
    assert fast.detection_time(1.0, TARGET) == timedelta(minutes=4.32)
    assert fast.detection_time(0.5, TARGET) == timedelta(minutes=8.64)
    assert fast.detection_time(0.072, TARGET) is None  # exactly the threshold: "exceeds" only
    assert WORKBOOK[2].detection_time(0.01, TARGET) == timedelta(hours=36)


# -- burn rate and budget --------------------------------------------------------------------


def test_burn_rate_is_the_error_ratio_over_the_allowed_one() -> None:
    """1 spends the budget exactly over the period; None with no attempts."""
    assert burn_rate(995, 1000, TARGET) == pytest.approx(1.0)
    assert burn_rate(928, 1000, TARGET) == pytest.approx(14.4)
    assert burn_rate(1000, 1000, TARGET) == 0.0
    assert burn_rate(0, 1000, TARGET) == pytest.approx(200.0)
    assert burn_rate(0, 0, TARGET) is None


@pytest.mark.parametrize("target", [0.0, 1.0, 99.5, -0.1])
def test_a_target_outside_zero_one_is_refused(target: float) -> None:
    """A percentage typed as 99.5 is a mistake, not a target."""
    with pytest.raises(ValueError, match=r"between 0 and 1"):
        burn_rate(1, 1, target)


@pytest.mark.parametrize(
    ("bad", "left"),
    [(0, 1.0), (125, 0.75), (500, 0.0), (1000, -1.0)],
)
def test_budget_left_arithmetic(bad: int, left: float) -> None:
    """100,000 attempts at 99.5% allow 500 failures: 125 spent leave 75%, 1,000 overspend."""
    assert budget_left(100_000 - bad, 100_000, TARGET) == pytest.approx(left)


def test_budget_left_without_attempts_is_unknown() -> None:
    assert budget_left(0, 0, TARGET) is None


# -- evaluation ------------------------------------------------------------------------------


def _fixed(burns: dict[timedelta, float]) -> dict[timedelta, tuple[int, int]]:
    """Windows of 100,000 attempts at the given burn rates (at 99.5%)."""
    return {w: (100_000 - round(b * 500), 100_000) for w, b in burns.items()}


def test_an_alert_fires_only_when_both_windows_exceed_its_threshold() -> None:
    """Long over and short under (the burning stopped): no; both over: yes; exactly at the
    threshold: no (COMPARISON_GT)."""
    fast = WORKBOOK[:1]
    cases = [
        ({H: 20.0, 5 * M: 2.0}, False),
        ({H: 2.0, 5 * M: 20.0}, False),
        ({H: 20.0, 5 * M: 20.0}, True),
        ({H: 14.4, 5 * M: 20.0}, False),
    ]
    for burns, firing in cases:
        table = _fixed(burns)
        [state] = evaluate(table.__getitem__, TARGET, fast)
        assert state.firing is firing, burns


def test_no_traffic_fires_nothing() -> None:
    assert not any(s.firing for s in evaluate(lambda w: (0, 0), TARGET))


def test_each_window_is_read_once() -> None:
    """The 6h window is the slow page's long one and the ticket's short one."""
    asked: list[timedelta] = []

    def counts(w: timedelta) -> tuple[int, int]:
        asked.append(w)
        return 1000, 1000

    evaluate(counts, TARGET)
    assert sorted(asked) == sorted(set(asked)) and len(asked) == 5


# -- simulated incidents (100 attempts a minute, a 0.1% baseline) ----------------------------


def test_steady_traffic_at_the_baseline_fires_nothing() -> None:
    """A 0.1% error ratio is a burn rate of 0.2."""
    assert simulate(steady(HISTORY + DAY), TARGET, start=HISTORY).fired == set()


def test_a_provider_outage_pages_fast_burn_while_it_lasts_and_resets_after() -> None:
    """50% failures for 10 minutes: the 1-hour window exceeds 7.2% errors at the outage's 9th
    minute (the Workbook's detection time: 8.64 minutes at 99.5%); only the fast-burn page
    fires, and it resets once the 5-minute window no longer holds the outage."""
    start = HISTORY
    sim = simulate(steady(HISTORY) + outage(10, 0.5) + steady(60), TARGET, start=start)
    assert sim.fired == {"fast-burn-page"}
    [episode] = sim.episodes
    assert episode.start - start == 8  # the 9th minute, inside the 10 the outage lasts
    assert episode.end is not None and episode.end - (start + 10) <= 5


def test_a_total_outage_pages_within_five_minutes() -> None:
    """100% failures: detection in 4.32 minutes, the 5th minute of the outage."""
    sim = simulate(steady(HISTORY) + outage(10, 1.0) + steady(60), TARGET, start=HISTORY)
    first = sim.first("fast-burn-page")
    assert first is not None and first - HISTORY < 5


def test_a_429_storm_fires_nothing() -> None:
    """Rate-limited attempts are not held against the provider (counts_against_provider, on
    either source): two hours with 60% of attempts rate limited are good attempts."""
    assert not counts_against_provider(Reason.RATE_LIMITED, Source.PLATFORM)
    assert not counts_against_provider(Reason.RATE_LIMITED, Source.BYOK)
    limited = {(Reason.RATE_LIMITED, Source.PLATFORM): 30, (Reason.RATE_LIMITED, Source.BYOK): 30}
    storm = [minute(40, limited)] * 120
    assert simulate(steady(HISTORY) + storm + steady(60), TARGET, start=HISTORY).fired == set()


def test_one_users_broken_key_fires_nothing() -> None:
    """A BYOK key failing with invalid_key on every call for a day, a fifth of all attempts,
    is its user's business, not the provider's."""
    assert not counts_against_provider(Reason.INVALID_KEY, Source.BYOK)
    broken = [minute(80, {(Reason.INVALID_KEY, Source.BYOK): 20})] * DAY
    assert simulate(steady(HISTORY) + broken, TARGET, start=HISTORY).fired == set()


def test_the_platforms_own_broken_key_is_held_against_the_provider() -> None:
    """By contrast, the platform's own key rejected (a user-actionable reason on source
    platform) means we cannot use the provider: it counts, and a total one pages."""
    assert counts_against_provider(Reason.INVALID_KEY, Source.PLATFORM)
    broken = [minute(0, {(Reason.INVALID_KEY, Source.PLATFORM): ATTEMPTS})] * 10
    assert "fast-burn-page" in simulate(steady(HISTORY) + broken, TARGET, start=HISTORY).fired


def test_a_slow_leak_opens_the_ticket_and_never_pages() -> None:
    """1% errors (twice the budget's burn) after three clean days: a day of it spends 8% of a
    30-day budget and opens nothing; the 3-day window crosses 0.5% after 32 hours of it
    (0.9% more on 0.1% over 4,320 minutes), when the ticket opens. No page at any time."""
    leak = [minute(99, {(Reason.TIMEOUT, Source.BYOK): 1})] * (2 * DAY)
    sim = simulate(steady(HISTORY) + leak, TARGET, start=HISTORY)
    assert sim.fired == {"ticket"}
    first = sim.first("ticket")
    assert first is not None
    assert DAY < first - HISTORY <= 32 * 60 + 1


# -- the counting store's windows and the daily documents -----------------------------------

END = unix_minute(datetime(2026, 11, 22, 12, 30, 15, tzinfo=UTC))


def _series(*buckets: tuple[int, int, int, int]) -> Series:
    """A model series from (minutes ago, successes, provider failures, recovered), each into
    its minute and its hour bucket, as the counting store does."""
    s = Series(Kind.MODEL, "openai", "m")
    for ago, ok, held, recovered in buckets:
        m = END - ago
        for buckets_of, index in ((s.minutes, m), (s.hours, m // 60)):
            c = buckets_of.setdefault(index, Counts())
            c.successes += ok
            c.failures["server_error"] = c.failures.get("server_error", 0) + held
            c.provider_failures += held
            c.recovered += recovered
    return s


def test_recent_windows_edges() -> None:
    """5m, 30m, 1h by minute (0 <= end - m < N); 6h and 24h by their last N hour buckets;
    "today" the hour buckets since 00:00 UTC. A recovered failure is a good attempt."""
    s = _series(
        (0, 10, 0, 0),  # 12:30
        (4, 10, 2, 1),  # 12:26: one of two recovered by a retry
        (5, 10, 0, 0),  # 12:25: out of 5m
        (59, 10, 0, 0),  # 11:31: the last minute of 1h
        (60 + 30, 10, 5, 0),  # 11:00: hour bucket only (minutes trimmed after an hour)
        (12 * 60 + 31, 10, 0, 0),  # 23:59 yesterday: 24h, not today
        (24 * 60 + 31, 10, 0, 0),  # out of 24h
    )
    for m in [m for m in s.minutes if END - m >= 60]:
        del s.minutes[m]
    w = recent_windows([s], END)
    totals = {name: sli(r) for name, r in w.items()}
    assert totals["5m"] == (21, 22)
    assert totals["30m"] == (31, 32)
    assert totals["1h"] == (41, 42)
    assert totals["6h"] == (51, 57)
    assert totals["24h"] == (61, 67)
    assert totals["today"] == (51, 57)


def test_recent_windows_sum_the_models_of_a_provider() -> None:
    a, b = _series((0, 10, 1, 0)), _series((1, 5, 5, 0))
    assert sli(recent_windows([a, b], END)["5m"]) == (15, 21)


def test_a_day_window_is_today_and_the_documents_before_it() -> None:
    """The last N UTC dates, today so far from the counting store; a missing document leaves
    it partial, a document for today or older than the window is not read."""
    today = datetime.fromtimestamp(END * 60, UTC).date()
    assert day_dates(END, 3) == [today - timedelta(days=1), today - timedelta(days=2)]
    docs = {
        today: (1, 1),  # today's own document: the hour buckets count instead
        today - timedelta(days=1): (990, 1000),
        today - timedelta(days=2): (980, 1000),
        today - timedelta(days=3): (0, 1000),  # outside 3d
    }
    w = day_window((95, 100), docs, END, 3)
    assert (w.good, w.total, w.days_covered, w.partial) == (2065, 2100, 3, False)
    w28 = day_window((95, 100), docs, END, 28)
    assert (w28.total, w28.days_covered, w28.partial) == (3100, 4, True)
    assert day_window((0, 0), {}, END, 3).days_covered == 1


def test_day_dates_cross_month_ends() -> None:
    end = unix_minute(datetime(2026, 3, 1, 0, 5, tzinfo=UTC))
    assert day_dates(end, 3) == [date(2026, 2, 28), date(2026, 2, 27)]


# -- docs/slo.md -------------------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "slo.md"


def _duration(td: timedelta | None) -> str:
    if td is None:
        return "never"
    s = td.total_seconds()
    return f"{s / 60:.1f} min" if s < 3600 else f"{s / 3600:.1f} h"


def _span(td: timedelta) -> str:
    s = td.total_seconds()
    return f"{s / 60:g} min" if s < 3600 else f"{s / 3600:g} h" if s < 86400 else f"{s / 86400:g} d"


@pytest.mark.parametrize("alert", WORKBOOK, ids=lambda a: a.name)
def test_the_docs_alert_table_is_computed(alert: BurnAlert) -> None:
    """Each row of docs/slo.md's table: thresholds, budget shares and detection times as the
    code computes them at 99.5%."""
    a = alert
    cells = [
        f"[{a.name}](#{a.name})", a.severity, _span(a.long_window), _span(a.short_window),
        f"{a.burn_rate:g}", f"{a.burn_rate * (1 - TARGET):.1%}", f"{a.budget_consumed:.0%}",
        f"{a.consumed_over(PERIOD):.2%}",
        *(_duration(a.detection_time(r, TARGET)) for r in (1.0, 0.5, 0.1, 0.02, 0.01)),
        _span(a.short_window),
    ]  # fmt: skip
    assert "| " + " | ".join(cells) + " |" in DOC.read_text()


def test_the_docs_snippet_runs() -> None:
    """The simulation in docs/slo.md is real code, and its asserts hold."""
    text = DOC.read_text()
    snippets = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert snippets
    for code in snippets:
        exec(compile(code, str(DOC), "exec"), {})


def test_the_runbook_anchors_exist() -> None:
    """Each alert's `name` is a heading's anchor in docs/slo.md (the alert policies and
    `keywatch slo` link to them)."""
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in DOC.read_text().splitlines()
        if line.startswith("#")
    }
    assert {a.name for a in WORKBOOK} <= anchors
