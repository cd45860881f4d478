"""RedisDedupLock against a real redis-server, and the fake held to the same contract."""

from __future__ import annotations

from typing import Any

import pytest
import redis

from keywatch_functions.adapters.redis_lock import RedisDedupLock
from keywatch_functions.errors import DedupLockError
from tests.fakes import FakeDedupLock

pytestmark = pytest.mark.integration
FP = "kf_" + "7" * 16


@pytest.fixture(params=["redis", "fake"])
def lock(request: pytest.FixtureRequest, redis_client: redis.Redis) -> Any:
    return RedisDedupLock(redis_client) if request.param == "redis" else FakeDedupLock()


def test_lock_contract(lock: Any, unique: str) -> None:
    """Pending is exclusive and released by its owner only; commit takes the key once and
    clears a pending marker that is its own."""
    key, cap = f"kw:test:{unique}", f"kw:cap:{unique}"
    assert not lock.is_done(key)
    assert lock.acquire(key, "t1", 30, cap, 5) == "ok"
    assert lock.acquire(key, "t2", 30, cap, 5) == "busy"
    assert lock.release(key, "t2", cap) is False  # not its marker
    assert lock.acquire(key, "t2", 30, cap, 5) == "busy"
    assert lock.release(key, "t1", cap) is True
    assert lock.user_count(cap) == 0  # the slot was given back
    assert lock.acquire(key, "t3", 30, cap, 5) == "ok"
    assert lock.commit(key, "t3", 60, FP, 1.0) is True
    assert lock.is_done(key) and lock.user_count(cap) == 1
    assert lock.acquire(key, "t4", 30, cap, 5) == "done"
    assert lock.commit(key, "t4", 60, FP, 1.0) is False


def test_the_cap_is_checked_and_taken_in_one_step(lock: Any, unique: str) -> None:
    """20 threads racing for a cap of 5 on 20 different keys: exactly 5 get through."""
    import threading

    cap = f"kw:cap:{unique}"
    results: list[str] = []
    barrier = threading.Barrier(20)

    def go(i: int) -> None:
        barrier.wait()
        results.append(lock.acquire(f"kw:test:{unique}:{i}", f"t{i}", 30, cap, 5))

    threads = [threading.Thread(target=go, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count("ok") == 5 and results.count("capped") == 15
    assert lock.user_count(cap) == 5


def test_a_holder_that_outlived_its_marker_cannot_release_the_next_one(
    redis_client: redis.Redis, unique: str
) -> None:
    """With real TTLs: the first holder's marker expires, a second delivery takes it, the
    first (still running) releases: the second's marker stands, and a third delivery waits."""
    import time

    lock = RedisDedupLock(redis_client)
    key, cap = f"kw:own:{unique}", f"kw:cap:{unique}"
    assert lock.acquire(key, "first", 1, cap, 5) == "ok"
    time.sleep(1.2)  # the marker's TTL passes while the first sender is still at work
    assert redis_client.get(f"{key}:pending") is None
    assert lock.acquire(key, "second", 30, cap, 5) == "ok"
    assert lock.release(key, "first", cap) is False
    assert redis_client.get(f"{key}:pending") == b"second"
    assert lock.acquire(key, "third", 30, cap, 5) == "busy"
    assert lock.commit(key, "first", 60, FP, 1.0) is True  # the first did push: told, once
    assert redis_client.get(f"{key}:pending") == b"second"  # still the second's
    assert lock.commit(key, "second", 60, FP, 1.0) is False


def test_keys_expire(redis_client: redis.Redis, unique: str) -> None:
    """The told key, the pending marker and the cap counter carry their TTLs in Redis."""
    lock = RedisDedupLock(redis_client)
    key, cap = f"kw:ttl:{unique}", f"kw:cap:{unique}"
    lock.acquire(key, "t", 30, cap, 5)
    assert 0 < redis_client.ttl(f"{key}:pending") <= 30
    assert 47 * 3600 < redis_client.ttl(cap) <= 48 * 3600
    lock.commit(key, "t", 86400, FP, 1.0)
    assert 86000 < redis_client.ttl(key) <= 86400


@pytest.fixture(params=["redis", "fake"])
def gate(request: pytest.FixtureRequest, redis_client: redis.Redis) -> Any:
    from keywatch_functions.adapters.redis_lock import RedisAlertGate
    from tests.fakes import FakeAlertGate

    return RedisAlertGate(redis_client) if request.param == "redis" else FakeAlertGate()


def test_alert_gate_contract(gate: Any, unique: str) -> None:
    """The first event claims; another is refused; the holder may claim again; a release by
    its holder frees it, by another does not."""
    key = f"kw:alerted:{unique}"
    assert gate.claim(key, "e1", 60, FP, 1.0)
    assert not gate.claim(key, "e2", 60, FP, 1.0)
    assert gate.claim(key, "e1", 60, FP, 1.0)  # a redelivery of the claiming event
    gate.release(key, "e2")
    assert not gate.claim(key, "e2", 60, FP, 1.0)
    gate.release(key, "e1")
    assert gate.claim(key, "e2", 60, FP, 1.0)


def test_the_alert_window_expires(redis_client: redis.Redis, unique: str) -> None:
    """With a real TTL: after the window, the same problem alerts again."""
    import time

    from keywatch_functions.adapters.redis_lock import RedisAlertGate

    gate = RedisAlertGate(redis_client)
    key = f"kw:alerted:{unique}"
    assert gate.claim(key, "e1", 1, FP, 1.0)
    assert not gate.claim(key, "e2", 1, FP, 1.0)
    time.sleep(1.2)
    assert gate.claim(key, "e2", 1, FP, 1.0)


def test_redis_down_raises_dedup_lock_error() -> None:
    """A refused connection surfaces as DedupLockError, a transient error."""
    from keywatch_ops.devstack.stack import free_port

    lock = RedisDedupLock.from_url(f"redis://127.0.0.1:{free_port()}/0", timeout_s=0.5)
    with pytest.raises(DedupLockError):
        lock.is_done("kw:any")


def test_a_success_after_the_failure_clears_the_told_marker_and_the_claim(
    redis_client: redis.Redis, unique: str
) -> None:
    """notify's told marker and classify's claim, both from a failure at T: a success before
    T clears nothing, one after T clears both, so the key breaking again is told again."""
    from keywatch_functions.adapters.redis_lock import RedisAlertGate

    lock, gate = RedisDedupLock(redis_client), RedisAlertGate(redis_client)
    fp = "kf_" + unique.ljust(16, "0")[:16].replace("-", "0")
    told, claim, cap = f"kw:notified:{unique}", f"kw:alerted:{unique}", f"kw:cap:{unique}"
    t = 1_800_000_000.0
    assert gate.claim(claim, "e1", 600, fp, t)
    assert lock.acquire(told, "tok", 30, cap, 5) == "ok"
    assert lock.commit(told, "tok", 86400, fp, t)
    assert gate.restored({fp: t - 10}).cleared == 0  # a success from before the failure
    assert lock.is_done(told) and not gate.claim(claim, "e2", 600, fp, t + 1)
    assert gate.restored({fp: t + 10}).cleared == 2
    assert not lock.is_done(told) and gate.claim(claim, "e3", 600, fp, t + 20)
    assert gate.restored({}).cleared == 0


def test_the_told_index_of_a_key_broken_for_weeks_stays_a_days_worth(
    redis_client: redis.Redis, unique: str
) -> None:
    """One claim every 10 minutes for 30 days of failures: the index keeps the last 24 h."""
    from keywatch.core.keys import Layout
    from keywatch_functions.adapters.redis_lock import RedisAlertGate

    told_index = Layout().told_index

    gate = RedisAlertGate(redis_client)
    fp = "kf_" + "5" * 16
    t0 = 1_800_000_000.0
    for i in range(30 * 144):
        assert gate.claim(f"kw:alerted:{unique}:{i}", "e", 60, fp, t0 + i * 600)
    assert redis_client.zcard(told_index(fp)) <= 145
    redis_client.delete(told_index(fp))
