"""The key status loop's stores against the real servers: the owners index in redis-server
(and the fake held to the same contract), the status documents in the Firestore emulator."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from keywatch.core.keystatus import KeyState, after_failure, after_restore
from keywatch_functions.adapters.firestore import FirestoreKeyStatusStore
from keywatch_functions.adapters.redis_lock import RedisAlertGate, RedisDedupLock
from keywatch_functions.ports import KeyOwner
from tests.fakes import FakeAlertGate, FakeDedupLock

pytestmark = pytest.mark.integration
T = 1_800_000_000.0


@pytest.fixture(params=["redis", "fake"])
def pair(request: pytest.FixtureRequest, redis_client: redis.Redis) -> tuple[Any, Any]:
    if request.param == "redis":
        return RedisDedupLock(redis_client), RedisAlertGate(redis_client)
    lock = FakeDedupLock()
    return lock, FakeAlertGate(lock=lock)


def test_a_success_finds_the_owners_of_a_broken_key_until_they_are_forgotten(
    pair: tuple[Any, Any], unique: str
) -> None:
    """notify notes (uid, provider) under the key; a success after the failure finds it (one
    before does not); forgetting it with the failure time it was read with removes it, but a
    failure noted since keeps it (a late restoration must not hide a newer problem)."""
    lock, gate = pair
    fp = "kf_" + unique.replace("-", "0").ljust(16, "0")[:16]
    lock.note_owner(KeyOwner(fp, "u:1/x", "openai", T))
    lock.note_owner(KeyOwner(fp, "u2", "openai", T + 5))
    lock.note_owner(KeyOwner(fp, "u:1/x", "openai", T - 100))  # a late alert: never moves back
    assert gate.restored({fp: T - 1}).owners == []
    found = gate.restored({fp: T + 1}).owners
    assert found == [KeyOwner(fp, "u:1/x", "openai", T)]
    lock.note_owner(KeyOwner(fp, "u2", "openai", T + 10))
    both = gate.restored({fp: T + 60}).owners
    assert sorted((o.uid, o.failed_at) for o in both) == [("u2", T + 10), ("u:1/x", T)]
    stale = KeyOwner(fp, "u2", "openai", T + 5)  # read before the newer failure
    gate.forget_owners([found[0], stale])
    assert [o.uid for o in gate.restored({fp: T + 60}).owners] == ["u2"]
    gate.forget_owners([KeyOwner(fp, "u2", "openai", T + 10)])
    assert gate.restored({fp: T + 60}).owners == []


def test_status_documents_change_in_transactions(firestore_client: Any, unique: str) -> None:
    """Written at users/{uid}/keywatch_keys/{provider}; the change sees what is stored, and
    two concurrent changes both land (Firestore retries the loser of the transaction)."""
    store = FirestoreKeyStatusStore(firestore_client, f"users_{unique}", "keywatch_keys")
    t0 = datetime(2026, 12, 6, 12, tzinfo=UTC)
    fp = "kf_" + "a" * 16

    def fail(at: datetime) -> Any:
        return lambda cur: after_failure(
            cur,
            provider="openai",
            model="gpt-4o",
            fingerprint=fp,
            reason="quota_exhausted",
            failed_at=at,
            incident=False,
            now=at,
        )

    assert store.update("u1", "openai", fail(t0)) is None
    snap = firestore_client.document(f"users_{unique}/u1/keywatch_keys/openai").get().to_dict()
    assert snap["state"] == "broken" and snap["remedy"] == "add_credit"
    assert snap["key_fingerprint"] == fp and snap["since"] == t0
    threads = [
        threading.Thread(
            target=store.update, args=("u1", "openai", fail(t0 + timedelta(minutes=i)))
        )
        for i in (1, 2, 3)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    before = store.update(
        "u1",
        "openai",
        lambda cur: (
            after_restore(
                cur,
                provider="openai",
                model="gpt-4o",
                fingerprint=fp,
                restored_at=t0 + timedelta(minutes=5),
                validated=False,
                now=t0,
            ).status
        ),
    )
    assert before is not None and before.last_failure_at == t0 + timedelta(minutes=3)
    snap = firestore_client.document(f"users_{unique}/u1/keywatch_keys/openai").get().to_dict()
    assert snap["state"] == KeyState.OK.value and snap["restored_at"] == t0 + timedelta(minutes=5)
