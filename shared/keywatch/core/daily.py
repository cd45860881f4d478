"""What the health run keeps beyond 24 hours, for the SLOs and the status page: each provider's
daily totals, and its availability SLI as a Cloud Monitoring cumulative series.

Both come from the hour buckets a health run already reads (core/health.py keeps 24 of them),
so they cost no extra read:
- a day's document, `provider_days/{provider}/days/{YYYY-MM-DD}`: requests, failures and the
  failures held against the provider. Today's and yesterday's are written by every run that
  computes the provider (yesterday's hours stay in the 24-hour span until this hour tomorrow, so
  its last write has the whole day); 90 days cost 90 small documents per provider;
- the SLI: good (attempts not held against the provider) and bad, counted since the start of
  the UTC day, written as CUMULATIVE points whose start time is that midnight. A day's counts
  only grow (late events add, nothing subtracts), so the series is a valid cumulative one, and
  a run that fails to write is made good by the next, which writes the totals again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from keywatch.core.health import Rollup, Series

SLI_METRIC = "custom.googleapis.com/keywatch/provider_attempts"
PROVIDER_WIDE = "*"  # the `model` label of a provider's own series


def day_of_hour(hour: int) -> str:
    return datetime.fromtimestamp(hour * 3600, UTC).strftime("%Y-%m-%d")


def day_start_hour(end: int) -> int:
    """The Unix hour of the UTC midnight starting the day of Unix minute `end`."""
    return (end // 60) // 24 * 24


def daily(models: list[Series], end: int) -> dict[str, Rollup]:
    """Today's and yesterday's totals over a provider's model series (today so far)."""
    today = day_start_hour(end)
    out: dict[str, Rollup] = {}
    for s in models:
        for h, c in s.hours.items():
            if today - 24 <= h < today + 24 and h <= end // 60:
                out.setdefault(day_of_hour(h), Rollup()).add(c)
    return out


# Firestore's TTL policy deletes a day's document this long after its day (infra/firestore.tf):
# the status page shows 90 days.
DAY_DOC_TTL = timedelta(days=100)


def day_document(provider: str, date: str, r: Rollup, end: int) -> dict[str, object]:
    day = datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=UTC)
    return {
        "provider": provider,
        "date": date,
        "requests": r.requests,
        "failures": r.failures,
        "provider_failures": r.provider_failures,
        "uptime": r.uptime,
        "as_of": datetime.fromtimestamp(end * 60, UTC),
        "expire_at": day + DAY_DOC_TTL,
    }


@dataclass(frozen=True, slots=True)
class SliPoint:
    """One provider's (or one of its models') attempts since `start`, good and bad."""

    provider: str
    model: str  # PROVIDER_WIDE for the provider as a whole
    good: int
    bad: int
    start: int  # epoch s: the UTC midnight the counts start from
    end: int  # epoch s


def sli_points(
    provider: str, models: list[Series], end: int, at: int, listed: frozenset[str] = frozenset()
) -> list[SliPoint]:
    """The provider's SLI since midnight, and each listed model's ("provider/model"), as of
    `at` (epoch s, the run's clock; a cumulative point ends after it starts)."""
    start_hour = day_start_hour(end)
    total = Rollup()
    points = []
    for s in models:
        r = Rollup()
        for h, c in s.hours.items():
            if start_hour <= h <= end // 60:
                r.add(c)
        total.merge(r)
        if f"{provider}/{s.model}" in listed and r.requests:
            points.append(_point(provider, s.model, r, start_hour, at))
    if total.requests:
        points.insert(0, _point(provider, PROVIDER_WIDE, total, start_hour, at))
    return points


def _point(provider: str, model: str, r: Rollup, start_hour: int, at: int) -> SliPoint:
    bad = r.provider_failures
    start = start_hour * 3600
    return SliPoint(provider, model, r.requests - bad, bad, start, max(at, start + 1))
