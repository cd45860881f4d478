"""The days and the SLI a health run keeps beyond 24 hours (core/daily.py, service/health.py);
the runs over the real counting store (redis-server), as in test_health_runs.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch.core.daily import daily, day_start_hour, sli_points
from keywatch.core.health import Counts, Kind, Series
from keywatch_functions.errors import TransientError
from tests.integration.test_health_runs import NOW, World


@pytest.fixture
def world(counting_store: Callable[..., Any]) -> World:
    return World(counting_store)


def series(model: str, hours: dict[int, tuple[int, int, int]]) -> Series:
    """hours: Unix hour -> (successes, failures held against the provider, other failures)."""
    s = Series(Kind.MODEL, "openai", model)
    for h, (ok, held, other) in hours.items():
        s.hours[h] = Counts(ok, {"server_error": held, "invalid_key": other}, held)
    return s


def test_days_and_the_sli_split_at_utc_midnight() -> None:
    end = int(datetime(2026, 12, 6, 0, 30, tzinfo=UTC).timestamp()) // 60
    today = day_start_hour(end)
    s = series("gpt-4o", {today - 1: (100, 5, 1), today: (50, 2, 3)})
    days = daily([s], end)
    assert sorted(days) == ["2026-12-05", "2026-12-06"]
    assert (days["2026-12-05"].requests, days["2026-12-05"].provider_failures) == (106, 5)
    [p] = sli_points("openai", [s], end, at=end * 60)
    # Since midnight only; a user's invalid key is good for the provider.
    assert (p.model, p.good, p.bad, p.start) == ("*", 53, 2, today * 3600)


def test_listed_models_get_series_of_their_own() -> None:
    end = 30_000_000
    h = end // 60
    a = series("gpt-4o", {h: (10, 1, 0)})
    b = series("gpt-4o-mini", {h: (5, 0, 0)})
    points = sli_points("openai", [a, b], end, end * 60, frozenset({"openai/gpt-4o"}))
    assert [(p.model, p.good, p.bad) for p in points] == [("*", 15, 1), ("gpt-4o", 10, 1)]


class Sink:
    def __init__(self, fail: bool = False) -> None:
        self.points: list[Any] = []
        self.fail = fail

    def write(self, points: Any) -> None:
        if self.fail:
            raise TransientError("monitoring: unavailable")
        self.points += points


def test_a_health_run_writes_the_day_and_exports_the_sli_and_survives_an_export_failure(
    world: World,
) -> None:
    w = world
    w.fail(3)
    sink = Sink()
    r = w.run(sli=sink)
    assert r.sli_series == 1 and sink.points[0].bad == 0  # invalid_key: not the provider's
    day = w.docs.docs[f"provider_days/openai/days/{NOW:%Y-%m-%d}"]
    assert (day["requests"], day["failures"], day["provider_failures"]) == (3, 3, 0)
    assert day["expire_at"] > NOW + timedelta(days=90)
    w.t = NOW + timedelta(minutes=1)
    w.fail(1)
    r = w.run(w.t, sli=Sink(fail=True))
    assert r.outcome == "ran" and r.sli_error == "monitoring: unavailable"
    assert w.docs.docs[f"provider_days/openai/days/{NOW:%Y-%m-%d}"]["requests"] == 4


class Ledger:
    def __init__(self, records: list[Any]) -> None:
        self.records = records

    def recent(self, now_s: float) -> list[Any]:
        return self.records


class Feeds:
    def __init__(self, confirmed: bool | None) -> None:
        self.confirmed = confirmed
        self.calls = 0

    def corroborate(self, provider: str) -> Any:
        from types import SimpleNamespace

        self.calls += 1
        title = "Elevated error rates" if self.confirmed else None
        return SimpleNamespace(
            confirmed=self.confirmed,
            title=title,
            link="https://status.openai.com/incidents/x" if title else None,
            why="",
            checked_at=NOW,
        )


def test_an_open_incident_is_corroborated_written_and_logged_once_per_change(
    world: World,
) -> None:
    from keywatch_functions.ports import IncidentRecord

    w = world
    inc = IncidentRecord(
        "openai-invalid_key-1", "openai", "invalid_key", 29_000_000, 40, 1.5, 20, True
    )
    feeds = Feeds(True)
    r = w.run(incidents=Ledger([inc]), feeds=feeds)
    doc = w.docs.docs["incidents/openai-invalid_key-1"]
    assert (doc["open"], doc["confirmed_by_provider"], doc["provider_title"]) == (
        True,
        True,
        "Elevated error rates",
    )
    assert [c["confirmed_by_provider"] for c in r.corroborations] == [True]
    deps_kw: dict[str, Any] = {"incidents": Ledger([inc]), "feeds": feeds}
    written: dict[str, str] = {}
    w.run(incidents_written=written, **deps_kw)
    again = w.run(w.t + timedelta(minutes=1), incidents_written=written, **deps_kw)
    assert again.corroborations == [] and again.written == 0  # nothing changed: no write
    closed = IncidentRecord(inc.id, "openai", "invalid_key", inc.opened_minute, 40, 1.5, 20, False)
    calls = feeds.calls
    r = w.run(
        w.t + timedelta(minutes=2),
        incidents=Ledger([closed]),
        feeds=feeds,
        incidents_written=written,
    )
    assert w.docs.docs["incidents/openai-invalid_key-1"]["open"] is False
    assert feeds.calls == calls  # a closed incident asks no feed
    assert r.corroborations == []
