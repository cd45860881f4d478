"""Memorystore (Redis): the notification dedup lock and the per-user daily cap."""

from __future__ import annotations

from typing import Any

import redis

from keywatch.ports import DedupLockError


class RedisDedupLock:
    """`key` is the 24-hour "told" marker; `key:pending` guards a send in progress."""

    def __init__(self, client: redis.Redis) -> None:
        self._r = client

    @classmethod
    def from_url(cls, url: str, timeout_s: float = 2.0) -> RedisDedupLock:
        return cls(
            redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        )

    def is_done(self, key: str) -> bool:
        try:
            return bool(self._r.exists(key))
        except redis.RedisError as exc:
            raise DedupLockError(f"redis: {exc}") from exc

    def acquire_pending(self, key: str, ttl_s: int) -> bool:
        try:
            return bool(self._r.set(f"{key}:pending", 1, nx=True, ex=ttl_s))
        except redis.RedisError as exc:
            raise DedupLockError(f"redis: {exc}") from exc

    def release_pending(self, key: str) -> None:
        try:
            self._r.delete(f"{key}:pending")
        except redis.RedisError as exc:
            raise DedupLockError(f"redis: {exc}") from exc

    def commit(self, key: str, ttl_s: int) -> bool:
        """Take the dedup key (SET NX) and drop the pending marker, in one round trip."""
        try:
            pipe = self._r.pipeline(transaction=True)
            pipe.set(key, 1, nx=True, ex=ttl_s)
            pipe.delete(f"{key}:pending")
            taken, _ = pipe.execute()
            return bool(taken)
        except redis.RedisError as exc:
            raise DedupLockError(f"redis: {exc}") from exc

    def user_count(self, key: str) -> int:
        try:
            value: Any = self._r.get(key)
        except redis.RedisError as exc:
            raise DedupLockError(f"redis: {exc}") from exc
        return int(value) if value is not None else 0

    def incr_user(self, key: str, ttl_s: int) -> int:
        try:
            pipe = self._r.pipeline(transaction=True)
            pipe.incr(key)
            pipe.expire(key, ttl_s)
            count, _ = pipe.execute()
            return int(count)
        except redis.RedisError as exc:
            raise DedupLockError(f"redis: {exc}") from exc
