"""notify's settle wait is bounded: never longer than settle_s or its budget, never negative,
and an alert stamped in the future is taken as occurring now (in-memory fakes)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from keywatch.events import Alert
from keywatch_functions.service.notify import NotifyDeps, Outcome, handle_alert
from tests.factories import alert
from tests.fakes import FakeDedupLock, FakeIncidentGuard, FakePushSender, FakeTokenStore

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def deps(
    sleep: Callable[[float], None], settle_s: float = 15.0, budget_s: float | None = None
) -> NotifyDeps:
    return NotifyDeps(
        lock=FakeDedupLock(),
        tokens=FakeTokenStore({"u1": ["t1"]}),
        sender=FakePushSender(),
        guard=FakeIncidentGuard(),
        settle_s=settle_s,
        settle_budget_s=budget_s,
        sleep=sleep,
    )


@pytest.mark.parametrize("ahead", [timedelta(seconds=1), timedelta(seconds=120), timedelta(days=1)])
def test_an_alert_from_a_clock_ahead_waits_at_most_the_settle_time(ahead: timedelta) -> None:
    """An alert stamped 120 s (or a day) in the future waits settle_s, as if it occurred now."""
    waits: list[float] = []
    result = handle_alert(alert(occurred_at=NOW + ahead), deps(waits.append), now=NOW)
    assert result.outcome is Outcome.SENT
    assert waits == [15.0]


def test_an_alert_stamped_in_year_9999_does_not_raise() -> None:
    """Year 9999 (past the contract's range, built without it) waits settle_s through the real
    time.sleep instead of overflowing it."""
    far: Alert = alert().model_copy(
        update={"occurred_at": datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)}
    )
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        time.sleep(s)

    assert handle_alert(far, deps(sleep, settle_s=0.01), now=NOW).outcome is Outcome.SENT
    assert waits == [0.01]


def test_the_settle_wait_never_exceeds_notify_budget() -> None:
    """A budget shorter than settle_s caps the wait, for a young alert and a future one."""
    waits: list[float] = []
    young = alert(occurred_at=NOW - timedelta(seconds=2))
    handle_alert(young, deps(waits.append, budget_s=5.0), now=NOW)
    handle_alert(alert(occurred_at=NOW + timedelta(seconds=120)), deps(waits.append, 15, 5), NOW)
    assert waits == [5.0, 5.0]


def test_an_alert_older_than_the_settle_time_does_not_wait() -> None:
    """Old enough already: no wait, whatever the budget."""
    waits: list[float] = []
    old = alert(occurred_at=NOW - timedelta(seconds=40))
    assert handle_alert(old, deps(waits.append, budget_s=5.0), now=NOW).outcome is Outcome.SENT
    assert waits == []
