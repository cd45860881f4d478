"""RedisDedupLock against a real redis-server, and the fake held to the same contract."""

from __future__ import annotations

from typing import Any

import pytest
import redis

from keywatch.adapters.redis_lock import RedisDedupLock
from keywatch.ports import DedupLockError
from tests.fakes import FakeDedupLock

pytestmark = pytest.mark.integration


@pytest.fixture(params=["redis", "fake"])
def lock(request: pytest.FixtureRequest, redis_client: redis.Redis) -> Any:
    return RedisDedupLock(redis_client) if request.param == "redis" else FakeDedupLock()


def test_lock_contract(lock: Any, unique: str) -> None:
    """Pending is exclusive and released; commit takes the key once and clears pending."""
    key = f"kw:test:{unique}"
    assert not lock.is_done(key)
    assert lock.acquire_pending(key, 30)
    assert not lock.acquire_pending(key, 30)
    lock.release_pending(key)
    assert lock.acquire_pending(key, 30)
    assert lock.commit(key, 60) is True
    assert lock.is_done(key)
    assert lock.acquire_pending(key, 30)  # commit cleared the pending marker
    assert lock.commit(key, 60) is False


def test_user_counter(lock: Any, unique: str) -> None:
    """The per-user daily counter starts at zero and counts up."""
    key = f"kw:cap:{unique}"
    assert lock.user_count(key) == 0
    assert [lock.incr_user(key, 60) for _ in range(3)] == [1, 2, 3]
    assert lock.user_count(key) == 3


def test_keys_expire(redis_client: redis.Redis, unique: str) -> None:
    """The dedup key and the pending marker carry their TTLs in Redis."""
    lock = RedisDedupLock(redis_client)
    key = f"kw:ttl:{unique}"
    lock.acquire_pending(key, 30)
    assert 0 < redis_client.ttl(f"{key}:pending") <= 30
    lock.commit(key, 86400)
    assert 86000 < redis_client.ttl(key) <= 86400


def test_redis_down_raises_dedup_lock_error() -> None:
    """A refused connection surfaces as DedupLockError, a transient error."""
    from keywatch.devstack.stack import free_port

    lock = RedisDedupLock.from_url(f"redis://127.0.0.1:{free_port()}/0", timeout_s=0.5)
    with pytest.raises(DedupLockError):
        lock.is_done("kw:any")
