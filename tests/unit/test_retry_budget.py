"""The alerts route's retry budget is designed: attempts x backoff outlast an FCM outage until
the alert is stale, in production and in the local stack's scaled topology."""

from __future__ import annotations

from pathlib import Path

import pytest

from keywatch_functions.settings import FunctionSettings
from keywatch_ops.devstack.stack import Stack
from keywatch_ops.topology import (
    BUDGET_MARGIN,
    MAX_ATTEMPTS,
    attempts_to_cover,
    retry_budget_s,
    routes,
)


def _alerts(rs: tuple) -> object:
    return next(r for r in rs if r.function == "notify")


def test_the_budget_is_the_waits_between_attempts() -> None:
    """Five attempts at 10 to 600 s wait 10 + 20 + 40 + 80 s: an outage of 150 s, no more
    (the old plan, which lost every push of a longer FCM outage)."""
    assert retry_budget_s(10, 600, 5) == 150
    assert retry_budget_s(10, 600, 8) == 10 + 20 + 40 + 80 + 160 + 320 + 600


def test_production_alerts_outlast_an_outage_until_they_are_stale() -> None:
    """51 attempts at 10 to 600 s span 6 h and a quarter; other routes keep 5."""
    s = FunctionSettings()
    alerts = _alerts(routes(s))
    budget = retry_budget_s(
        alerts.min_backoff_s, alerts.max_backoff_s, alerts.max_delivery_attempts
    )
    assert alerts.max_delivery_attempts == 51 <= MAX_ATTEMPTS
    assert budget >= s.alert_max_age_s * BUDGET_MARGIN
    assert budget - 600 < s.alert_max_age_s * BUDGET_MARGIN  # the fewest that do
    assert {r.max_delivery_attempts for r in routes(s) if r.function != "notify"} == {5}


def test_the_local_stack_runs_the_same_plan_scaled() -> None:
    """At 1 to 10 s of backoff (a sixtieth), the alerts route covers a sixtieth of 6 h."""
    stack = Stack(workdir=Path("/nonexistent"))
    stack.settings = FunctionSettings()
    alerts = _alerts(stack.routes)
    attempts = stack.attempts(alerts)
    budget = retry_budget_s(stack.retry_min_backoff_s, stack.retry_max_backoff_s, attempts)
    assert attempts <= MAX_ATTEMPTS
    assert budget >= stack.settings.alert_max_age_s * stack.time_scale * BUDGET_MARGIN
    assert budget > retry_budget_s(1, 10, 5)  # longer than the old local plan's 15 s
    classify = next(r for r in stack.routes if r.function == "classify")
    assert stack.attempts(classify) == 5


def test_a_topology_that_cannot_cover_the_alert_age_is_refused() -> None:
    """An alert age Pub/Sub's 100 attempts cannot outlast fails at once, saying why."""
    with pytest.raises(ValueError, match="alert_max_age_s"):
        routes(FunctionSettings(alert_max_age_s=24 * 3600))
    with pytest.raises(ValueError, match="100 attempts"):
        attempts_to_cover(3600, 1, 1)
