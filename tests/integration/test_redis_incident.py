"""The provider-incident guard against a real redis-server (HyperLogLogs, Lua, real TTLs): the
rule lives only in lua/incident_guard.lua, so it is tested only here."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
import redis

from keywatch.core.keys import Layout
from keywatch.core.notify import INCIDENT_BUCKET_TTL_S
from keywatch_functions.adapters.redis_lock import RedisAlertGate, RedisIncidentGuard
from keywatch_functions.service.classify import ClassifyDeps, handle_failure
from tests.factories import failure
from tests.fakes import FakeAlertPublisher, FakeCounter, FakeLogSink

pytestmark = pytest.mark.integration
M = 29_000_000  # an epoch minute (2025)


def fp(i: int) -> str:
    return f"kf_{i:016x}"


@pytest.fixture
def guard(redis_client: redis.Redis) -> RedisIncidentGuard:
    return RedisIncidentGuard(redis_client, min_keys=20, factor=10.0, open_ttl_s=900)


def test_a_single_key_on_a_quiet_day_is_quiet(guard: Any, unique: str) -> None:
    check = guard.check(unique, "invalid_key", fp(1), M, "e1")
    assert (check.state, check.distinct, check.baseline, check.threshold) == ("quiet", 1, 0.0, 20)


def test_500_keys_in_a_minute_open_one_incident_and_hold_the_rest(guard: Any, unique: str) -> None:
    states = [
        guard.check(unique, "invalid_key", fp(i), M + (i % 2), f"e{i}").state for i in range(500)
    ]
    first = states.index("opened")  # at 20 keys (a HyperLogLog may be off by one or two)
    assert 17 <= first <= 22
    assert states[:first] == ["quiet"] * first  # below min_keys: the settle wait covers these
    assert states.count("opened") == 1
    assert states[first + 1 :] == ["held"] * (499 - first)
    last = guard.check(unique, "invalid_key", "", M, "reader")
    assert abs(last.distinct - 500) <= 15  # HyperLogLog: 0.81% standard error
    assert last.opened_minute in (M, M + 1)


def test_an_incident_on_one_provider_or_reason_holds_nothing_for_another(
    guard: Any, unique: str
) -> None:
    for i in range(30):
        guard.check(f"{unique}-a", "invalid_key", fp(i), M, f"a{i}")
    assert guard.check(f"{unique}-a", "invalid_key", fp(99), M, "a99").state == "held"
    assert guard.check(f"{unique}-b", "invalid_key", fp(99), M, "b99").state == "quiet"
    assert guard.check(f"{unique}-a", "quota_exhausted", fp(99), M, "q99").state == "quiet"


def test_the_threshold_follows_the_hour_before(guard: Any, unique: str) -> None:
    """5 distinct keys a minute for the hour before: 150 in 3 minutes open an incident
    (10 x 3 x 5), 100 do not."""
    p, n = unique, 0
    for minute in range(M - 61, M - 1):
        for _ in range(5):
            n += 1
            guard.check(p, "invalid_key", fp(n), minute, f"s{n}")
    states = [guard.check(p, "invalid_key", fp(10_000 + i), M, f"x{i}").state for i in range(100)]
    assert set(states) == {"quiet"}
    check = guard.check(p, "invalid_key", "", M, "reader")
    assert (check.baseline, check.threshold) == (5.0, 150)
    states = [guard.check(p, "invalid_key", fp(20_000 + i), M, f"y{i}").state for i in range(60)]
    assert "opened" in states  # the count crosses 150 at about the 50th (HyperLogLog: +-2%)


@pytest.mark.parametrize(
    ("baseline", "threshold"),
    [(0.0, 20), (0.5, 20), (0.75, 23), (2.5, 75), (7.0, 210), (333.5, 10_005)],
)
def test_the_threshold_is_min_keys_or_factor_times_the_windows_baseline(
    guard: Any, redis_client: redis.Redis, unique: str, baseline: float, threshold: int
) -> None:
    """max(min_keys, ceil(factor x 3 minutes x baseline)): 20 and 10 here."""
    redis_client.set(Layout().incident_baseline(unique, "invalid_key", M), str(baseline))
    check = guard.check(unique, "invalid_key", "", M, "reader")
    assert (check.baseline, check.threshold) == (baseline, threshold)


def test_an_open_incident_holds_until_half_its_threshold(guard: Any, unique: str) -> None:
    for i in range(25):
        guard.check(unique, "invalid_key", fp(i), M, f"e{i}")
    assert guard.check(unique, "invalid_key", "", M, "reader").state == "held"
    later = M + 10  # the window of M+9..M+11 is empty
    states = [
        guard.check(unique, "invalid_key", fp(100 + i), later, f"l{i}").state for i in range(12)
    ]
    # fewer than 10 (half of 20) failing: told as usual; then held again
    assert states[:8] == ["quiet"] * 8 and states[-1] == "held"


def test_the_opening_alert_redelivered_is_told_opened_again(guard: Any, unique: str) -> None:
    states = [guard.check(unique, "invalid_key", fp(i), M, f"e{i}").state for i in range(25)]
    opener = f"e{states.index('opened')}"
    assert guard.check(unique, "invalid_key", fp(19), M, opener).state == "opened"
    assert guard.check(unique, "invalid_key", fp(30), M, "late").state == "held"


def test_a_read_only_check_counts_nothing(guard: Any, unique: str) -> None:
    for _ in range(3):
        assert guard.check(unique, "invalid_key", "", M, "r").distinct == 0


def test_real_ttls_buckets_live_past_the_baseline_hour_and_an_incident_closes(
    redis_client: redis.Redis, unique: str
) -> None:
    g = RedisIncidentGuard(redis_client, min_keys=3, factor=10.0, open_ttl_s=1)
    for i in range(3):
        g.check(unique, "invalid_key", fp(i), M, f"e{i}")
    base = f"kw:{{inc:{unique}:invalid_key}}"
    assert INCIDENT_BUCKET_TTL_S - 5 <= redis_client.ttl(f"{base}:m:{M}") <= INCIDENT_BUCKET_TTL_S
    assert INCIDENT_BUCKET_TTL_S > 62 * 60  # a minute is still there when it is baseline
    assert redis_client.exists(f"{base}:open")
    time.sleep(1.3)
    assert not redis_client.exists(f"{base}:open")  # no held alert refreshed it
    # A new rise after it closed is a new incident, with its own entry.
    assert g.check(unique, "invalid_key", fp(3), M, "e3").state == "opened"


def test_classify_counts_every_failing_key_claimed_or_not(
    guard: Any, redis_client: redis.Redis, unique: str
) -> None:
    """classify's claim adds the key to its failure's minute even when the problem was alerted
    already: the guard counts failing keys, not alerts. Five keys alerted at M-5 fail again at
    M, inside the alert window: no alert, and the window around M counts all five."""
    c = ClassifyDeps(
        FakeLogSink(),
        FakeAlertPublisher(),
        FakeCounter(),
        RedisAlertGate(redis_client),
        alert_window_s=600,
    )
    for minute in (M - 5, M):
        at = datetime.fromtimestamp(minute * 60, UTC)
        for i in range(5):
            handle_failure(
                failure(uid=f"u{i}", provider=unique, key_fingerprint=fp(i), occurred_at=at), c
            )
    assert len(c.alerts.alerts) == 5  # type: ignore[attr-defined]
    assert guard.check(unique, "invalid_key", "", M, "reader").distinct == 5
