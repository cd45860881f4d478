"""The provider-incident guard against a real redis-server (HyperLogLogs, Lua, real TTLs), and
the fake held to the same contract."""

from __future__ import annotations

import time
from typing import Any

import pytest
import redis

from keywatch.core.keys import Layout
from keywatch.core.notify import INCIDENT_BUCKET_TTL_S, incident_threshold
from keywatch_functions.adapters.redis_lock import RedisAlertGate, RedisIncidentGuard
from tests.fakes import FakeAlertGate, FakeIncidentGuard

pytestmark = pytest.mark.integration
M = 29_000_000  # an epoch minute (2025)


def fp(i: int) -> str:
    return f"kf_{i:016x}"


@pytest.fixture(params=["redis", "fake"])
def guard(request: pytest.FixtureRequest, redis_client: redis.Redis) -> Any:
    if request.param == "redis":
        return RedisIncidentGuard(redis_client, min_keys=20, factor=10.0, open_ttl_s=900)
    return FakeIncidentGuard(min_keys=20, factor=10.0)


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


@pytest.mark.parametrize("baseline", [0.0, 0.5, 2.5, 7.0, 333.5])
def test_the_scripts_threshold_is_the_cores(
    redis_client: redis.Redis, unique: str, baseline: float
) -> None:
    g = RedisIncidentGuard(redis_client, min_keys=20, factor=10.0, open_ttl_s=900)
    redis_client.set(f"kw:{{inc:{unique}:invalid_key}}:b:{M}", str(baseline))
    check = g.check(unique, "invalid_key", "", M, "reader")
    assert check.threshold == incident_threshold(baseline, 20, 10.0)


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


@pytest.mark.parametrize("kind", ["redis", "fake"])
def test_classify_counts_every_failing_key_claimed_or_not(
    kind: str, redis_client: redis.Redis, unique: str
) -> None:
    """The claim adds the key to the minute's bucket even when the problem was alerted
    already: the guard counts failing keys, not alerts."""
    if kind == "redis":
        gate: Any = RedisAlertGate(redis_client)
        guard: Any = RedisIncidentGuard(redis_client, min_keys=20, factor=10.0, open_ttl_s=900)
    else:
        gate = FakeAlertGate()
        guard = FakeIncidentGuard(buckets=gate.buckets)
    bucket = Layout().incident_bucket(unique, "invalid_key", M)
    for i in range(5):
        gate.claim(f"kw:alerted:{unique}:{i}", f"e{i}", 600, fp(i), M * 60.0, bucket)
        gate.claim(f"kw:alerted:{unique}:{i}", f"again{i}", 600, fp(i), M * 60.0, bucket)
    assert guard.check(unique, "invalid_key", "", M, "reader").distinct == 5
