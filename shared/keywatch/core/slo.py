"""Provider SLOs and multiwindow, multi-burn-rate alerts: pure arithmetic, no I/O.

The SLI, per provider (and per (provider, model)): of all call attempts (`total`, retries
included), the ones not held against the provider (`good`), by the rules of provider health:
a failure counts against the provider when `core.classify.counts_against_provider` says so
and no retry on the same provider recovered it (`core.health.Rollup.provider_failures`).
Rate limits, client errors and a user's own broken key are good attempts here, as they are
healthy ones for provider health.

The SLO: DEFAULT_TARGET of attempts good over a rolling PERIOD (28 days).

Alerts follow "Alerting on SLOs" in Google's SRE Workbook, chapter 5, section 6,
"Multiwindow, Multi-Burn-Rate Alerts" (https://sre.google/workbook/alerting-on-slos/): each
alert pairs a long window with a short one (1/12 of it) and fires only while the burn rate
over BOTH exceeds its threshold, as a Cloud Monitoring alert policy does with two
`select_slo_burn_rate` conditions (`COMPARISON_GT`) joined by `combiner = "AND"`. The long
window makes the alert significant (a given share of the budget is gone); the short one
makes it reset soon after the burning stops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from keywatch.core.health import Rollup, Series

WORKBOOK_URL = "https://sre.google/workbook/alerting-on-slos/"
DEFAULT_TARGET = 0.995
PERIOD = timedelta(days=28)
# The Workbook derives its table for a 30-day SLO period.
WORKBOOK_PERIOD = timedelta(days=30)

Severity = Literal["page", "ticket"]


@dataclass(frozen=True, slots=True)
class BurnAlert:
    """One row of the Workbook's table: fire when the burn rate over both windows exceeds
    `burn_rate`. `budget_consumed` is the share of a WORKBOOK_PERIOD budget spent over the long
    window at exactly that burn rate (burn_rate x long_window / 30 days); `name` is the
    runbook's anchor in docs/slo.md."""

    severity: Severity
    long_window: timedelta
    short_window: timedelta
    burn_rate: float
    budget_consumed: float
    name: str

    def consumed_over(self, period: timedelta = PERIOD) -> float:
        """The share of a `period` budget spent over the long window at the threshold."""
        return self.burn_rate * (self.long_window / period)

    def detection_time(self, error_ratio: float, target: float) -> timedelta | None:
        """How long after errors start at `error_ratio` (from none, steady traffic) the alert
        fires: the Workbook's ((1 - SLO) / error ratio) x window x burn rate, for the long
        window (the short one gets there sooner). None when it never fires at that ratio."""
        _check_target(target)
        if error_ratio <= 0 or error_ratio <= self.burn_rate * (1 - target):
            return None
        return self.long_window * ((1 - target) / error_ratio * self.burn_rate)


# The Workbook's table (section 6, "Recommended parameters for a 99.9% SLO alerting
# configuration"): severity, long window, short window, burn rate, error budget consumed.
#
# keywatch's period is 28 days, not the Workbook's 30. A burn rate does not depend on the
# period (the error ratio over a window divided by the ratio the target allows), so the
# thresholds are kept as published; only the share of the budget each alert stands for
# grows by 30/28: 2.14% instead of 2%, 5.36% instead of 5%, 10.7% instead of 10%
# (`BurnAlert.consumed_over`). Nor do the thresholds depend on the target: at 99.5%, the
# fast-burn page needs an error ratio above 14.4 x 0.5% = 7.2% over the hour.
WORKBOOK: tuple[BurnAlert, ...] = (
    BurnAlert("page", timedelta(hours=1), timedelta(minutes=5), 14.4, 0.02, "fast-burn-page"),
    BurnAlert("page", timedelta(hours=6), timedelta(minutes=30), 6.0, 0.05, "slow-burn-page"),
    BurnAlert("ticket", timedelta(days=3), timedelta(hours=6), 1.0, 0.10, "ticket"),
)


def _check_target(target: float) -> None:
    if not 0.0 < target < 1.0:
        raise ValueError(f"an SLO target is a fraction between 0 and 1 (0.995), not {target!r}")


def burn_rate(good: int, total: int, target: float) -> float | None:
    """The error ratio over a window divided by the one the target allows (1 - target): 1
    spends the budget exactly over the period, 14.4 spends a 30-day budget in 50 hours. None
    with no attempts."""
    _check_target(target)
    if total <= 0:
        return None
    return (total - good) / total / (1.0 - target)


def budget_left(good: int, total: int, target: float) -> float | None:
    """The share of the period's error budget not yet spent: 1 - bad / ((1 - target) x total).
    Negative once overspent; None with no attempts (no budget to speak of)."""
    _check_target(target)
    if total <= 0:
        return None
    return 1.0 - (total - good) / ((1.0 - target) * total)


def sli(r: Rollup) -> tuple[int, int]:
    """(good, total) of a window: attempts, less those held against the provider."""
    return r.requests - r.provider_failures, r.requests


@dataclass(frozen=True, slots=True)
class WindowBurn:
    window: timedelta
    good: int
    total: int
    burn_rate: float | None


@dataclass(frozen=True, slots=True)
class AlertState:
    alert: BurnAlert
    long: WindowBurn
    short: WindowBurn

    @property
    def firing(self) -> bool:
        return _exceeds(self.long, self.alert) and _exceeds(self.short, self.alert)


def _exceeds(w: WindowBurn, a: BurnAlert) -> bool:
    return w.burn_rate is not None and w.burn_rate > a.burn_rate


def evaluate(
    counts: Callable[[timedelta], tuple[int, int]],
    target: float = DEFAULT_TARGET,
    alerts: Iterable[BurnAlert] = WORKBOOK,
) -> list[AlertState]:
    """Each alert's state now, from `counts(window) -> (good, total)` over the trailing
    window (asked once per distinct window)."""
    _check_target(target)
    seen: dict[timedelta, WindowBurn] = {}

    def burn(window: timedelta) -> WindowBurn:
        if window not in seen:
            good, total = counts(window)
            seen[window] = WindowBurn(window, good, total, burn_rate(good, total, target))
        return seen[window]

    return [AlertState(a, burn(a.long_window), burn(a.short_window)) for a in alerts]


# -- the windows of the counting store and of the daily documents ---------------------------

# Read from the counting store's buckets (core.health: minute buckets are kept an hour, hour
# buckets a day). An hour window is its last N hour buckets, as health's 24h: the current
# hour so far and the N - 1 whole hours before it.
MINUTE_WINDOWS: dict[str, timedelta] = {
    "5m": timedelta(minutes=5),
    "30m": timedelta(minutes=30),
    "1h": timedelta(hours=1),
}
HOUR_WINDOWS: dict[str, timedelta] = {"6h": timedelta(hours=6), "24h": timedelta(hours=24)}
# Read from one document per provider and UTC day, today's part from the hour buckets: the
# last N dates, today so far included.
DAY_WINDOWS: dict[str, timedelta] = {"3d": timedelta(days=3), "28d": PERIOD}


def recent_windows(series: Iterable[Series], end: int) -> dict[str, Rollup]:
    """The MINUTE_WINDOWS and HOUR_WINDOWS of the sum of `series`, ending at Unix minute `end`,
    and "today": the hour buckets of `end`'s UTC date. A bucket ahead of `end` is left out."""
    spans = {name: int(w / timedelta(minutes=1)) for name, w in MINUTE_WINDOWS.items()}
    hour_spans = {name: int(w / timedelta(hours=1)) for name, w in HOUR_WINDOWS.items()}
    out = {name: Rollup() for name in [*spans, *hour_spans, "today"]}
    end_hour = end // 60
    day_start = end_hour - end_hour % 24
    for s in series:
        for m, c in s.minutes.items():
            for name, n in spans.items():
                if 0 <= end - m < n:
                    out[name].add(c)
        for h, c in s.hours.items():
            for name, n in hour_spans.items():
                if 0 <= end_hour - h < n:
                    out[name].add(c)
            if day_start <= h <= end_hour:
                out["today"].add(c)
    return out


@dataclass(frozen=True, slots=True)
class DayWindow:
    good: int
    total: int
    days_covered: int  # of `days`: today (always, from the counting store) and the documents
    days: int

    @property
    def partial(self) -> bool:
        return self.days_covered < self.days


def day_window(
    today: tuple[int, int], earlier: Mapping[date, tuple[int, int]], end: int, days: int
) -> DayWindow:
    """A window of the last `days` UTC dates up to `end`'s: today's (good, total) so far, and
    each earlier date's from `earlier` (a date missing there leaves the window partial)."""
    first = datetime.fromtimestamp(end * 60, UTC).date()
    good, total = today
    covered = 1
    for back in range(1, days):
        d = earlier.get(first - timedelta(days=back))
        if d is not None:
            good, total, covered = good + d[0], total + d[1], covered + 1
    return DayWindow(good, total, covered, days)


def day_dates(end: int, days: int) -> list[date]:
    """The dates before `end`'s UTC date that a `days`-day window reads from documents."""
    first = datetime.fromtimestamp(end * 60, UTC).date()
    return [first - timedelta(days=back) for back in range(1, days)]


# -- a simulator, for tests and docs --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Episode:
    """An alert firing from minute `start` (an index into the simulated minutes) until
    `end`, the first minute it no longer fired (None: still firing at the last minute)."""

    alert: BurnAlert
    start: int
    end: int | None


@dataclass(frozen=True, slots=True)
class Simulation:
    episodes: tuple[Episode, ...]

    def first(self, name: str) -> int | None:
        """The first minute the alert `name` fired at, None if it never did."""
        return min((e.start for e in self.episodes if e.alert.name == name), default=None)

    @property
    def fired(self) -> set[str]:
        return {e.alert.name for e in self.episodes}


def simulate(
    minutes: Sequence[tuple[int, int]],
    target: float = DEFAULT_TARGET,
    alerts: Sequence[BurnAlert] = WORKBOOK,
    start: int = 0,
) -> Simulation:
    """Evaluate the alerts at each minute from `start` over per-minute (good, total) counts,
    each window being the trailing minutes up to and including that one (the minutes before
    `start` are history: a window reaching before minute 0 holds only what there is)."""
    good_sum, total_sum = [0], [0]
    for good, total in minutes:
        good_sum.append(good_sum[-1] + good)
        total_sum.append(total_sum[-1] + total)
    for a in alerts:
        for w in (a.long_window, a.short_window):
            if w % timedelta(minutes=1):
                raise ValueError(f"{a.name}: a window of whole minutes, not {w}")
    open_at: dict[str, int] = {}
    episodes: list[Episode] = []
    for i in range(start, len(minutes)):

        def counts(window: timedelta, i: int = i) -> tuple[int, int]:
            lo = max(0, i + 1 - int(window / timedelta(minutes=1)))
            return good_sum[i + 1] - good_sum[lo], total_sum[i + 1] - total_sum[lo]

        for state in evaluate(counts, target, alerts):
            name = state.alert.name
            if state.firing and name not in open_at:
                open_at[name] = i
            elif not state.firing and name in open_at:
                episodes.append(Episode(state.alert, open_at.pop(name), i))
    by_name = {a.name: a for a in alerts}
    episodes += [Episode(by_name[name], at, None) for name, at in open_at.items()]
    return Simulation(tuple(sorted(episodes, key=lambda e: (e.start, e.alert.name))))


__all__ = [
    "DAY_WINDOWS",
    "DEFAULT_TARGET",
    "HOUR_WINDOWS",
    "MINUTE_WINDOWS",
    "PERIOD",
    "WORKBOOK",
    "WORKBOOK_PERIOD",
    "WORKBOOK_URL",
    "AlertState",
    "BurnAlert",
    "DayWindow",
    "Episode",
    "Simulation",
    "WindowBurn",
    "budget_left",
    "burn_rate",
    "day_dates",
    "day_window",
    "evaluate",
    "recent_windows",
    "simulate",
    "sli",
]
