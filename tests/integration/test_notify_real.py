"""notify's service with the real adapters: Firestore emulator, redis-server, FCM stand-in."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import firebase_admin
import pytest

from keywatch.core.keys import Layout
from keywatch.events import Alert
from keywatch_functions.adapters.fcm import FcmPushSender
from keywatch_functions.adapters.firestore import FirestoreTokenStore
from keywatch_functions.adapters.redis_lock import RedisDedupLock
from keywatch_functions.errors import (
    AlertInFlightError,
    DedupLockError,
    PushSenderError,
    TokenStoreError,
)
from keywatch_functions.service.notify import NotifyDeps, Outcome, handle_alert
from keywatch_ops.devstack.stack import Stack, free_port
from tests.factories import alert, told_key

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:firebase_admin.*"),
]
_apps = itertools.count()


@pytest.fixture
def deps(
    backends: Stack, firestore_client: Any, redis_client: Any, unique: str
) -> Iterator[NotifyDeps]:
    assert backends.fcm is not None
    backends.fcm.reset()
    coll = f"users_{unique}"
    # One uid per test: the daily cap and the dedup keys live in one shared Redis.
    firestore_client.document(f"{coll}/u-{unique}/fcm_tokens/phone").set({"token": "tok-phone"})
    firestore_client.document(f"{coll}/u-{unique}/fcm_tokens/old").set({"token": "dead-old"})
    name = f"kw-notify-{next(_apps)}"
    yield NotifyDeps(
        lock=RedisDedupLock(redis_client),
        tokens=FirestoreTokenStore(firestore_client, collection=coll),
        sender=FcmPushSender(backends.project, endpoint=backends.fcm.url, app_name=name),
    )
    firebase_admin.delete_app(firebase_admin.get_app(name))


@pytest.mark.parametrize("round_", range(5))  # the race it pins showed about one run in three
def test_fifty_concurrent_deliveries_one_push(
    round_: int, backends: Stack, deps: NotifyDeps, unique: str
) -> None:
    """50 concurrent deliveries of one alert: one push to the device; the dead token pruned."""
    a = alert(uid=f"u-{unique}", key_fingerprint=f"kf_{unique:0>16}"[:19])

    def deliver(_: int) -> Outcome | None:
        try:
            return handle_alert(a, deps).outcome
        except AlertInFlightError:
            return None  # not acknowledged: Pub/Sub redelivers it

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(deliver, range(50)))
    assert outcomes.count(Outcome.SENT) == 1
    redelivered = [deliver(0) for o in outcomes if o is None]
    assert set(redelivered) <= {Outcome.DUPLICATE}
    assert backends.fcm is not None
    assert [m["token"] for m in backends.fcm.delivered()] == ["tok-phone"]
    assert [t.token for t in deps.tokens.tokens(f"u-{unique}")] == ["tok-phone"]


def _alert(unique: str, **kw: object) -> Alert:
    return alert(**{"uid": f"u-{unique}", "key_fingerprint": f"kf_{unique:0>16}"[:19], **kw})


def test_redelivery_gives_one_push(backends: Stack, deps: NotifyDeps, unique: str) -> None:
    """The same alert delivered three times: one push, then duplicates."""
    a = _alert(unique)
    outcomes = [handle_alert(a, deps).outcome for _ in range(3)]
    assert outcomes == [Outcome.SENT, Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert backends.fcm is not None and len(backends.fcm.delivered()) == 1


@pytest.mark.parametrize("code", ["QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL"])
def test_fcm_outage_raises_without_muting_then_recovery_pushes_once(
    code: str, backends: Stack, deps: NotifyDeps, redis_client: Any, unique: str
) -> None:
    """Every device failing transiently: raise (Pub/Sub retries), no dedup key is taken, and
    the retry after FCM recovers pushes once. (firebase-admin retries 500/503 itself first.)"""
    assert backends.fcm is not None
    backends.fcm.fail_next(100, code)
    a = _alert(unique)
    with pytest.raises(PushSenderError, match=code):
        handle_alert(a, deps)
    assert not redis_client.exists(told_key(a)) and not redis_client.exists(
        Layout.pending(told_key(a))
    )
    # Every send failed transiently, the dead device's too: both tokens are kept.
    assert sorted(t.token for t in deps.tokens.tokens(f"u-{unique}")) == ["dead-old", "tok-phone"]
    backends.fcm.reset()
    assert handle_alert(a, deps).outcome is Outcome.SENT
    assert handle_alert(a, deps).outcome is Outcome.DUPLICATE
    assert len(backends.fcm.delivered()) == 1
    # Now FCM could say the old device is gone: it is pruned.
    assert [t.token for t in deps.tokens.tokens(f"u-{unique}")] == ["tok-phone"]


def test_redis_down_sends_nothing(backends: Stack, deps: NotifyDeps, unique: str) -> None:
    """No Redis, no send: raising beats risking a storm."""
    down = NotifyDeps(
        lock=RedisDedupLock.from_url(f"redis://127.0.0.1:{free_port()}/0", timeout_s=0.5),
        tokens=deps.tokens,
        sender=deps.sender,
    )
    with pytest.raises(DedupLockError):
        handle_alert(_alert(unique), down)
    assert backends.fcm is not None and backends.fcm.attempts() == []


def test_firestore_down_raises_and_releases_the_marker(
    backends: Stack,
    deps: NotifyDeps,
    redis_client: Any,
    unique: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tokens unreadable: raise for a retry, send nothing, and leave no marker behind."""
    from google.cloud import firestore

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{free_port()}")
    down = NotifyDeps(
        lock=deps.lock,
        tokens=FirestoreTokenStore(firestore.Client(project="demo-keywatch"), timeout_s=1),
        sender=deps.sender,
    )
    a = _alert(unique)
    with pytest.raises(TokenStoreError):
        handle_alert(a, down)
    assert backends.fcm is not None and backends.fcm.attempts() == []
    assert not redis_client.exists(Layout.pending(told_key(a)))


def test_no_tokens_acknowledges_without_a_told_key(
    backends: Stack, deps: NotifyDeps, redis_client: Any, unique: str
) -> None:
    """A user with no devices: acknowledged and logged by the caller, nothing taken in Redis."""
    a = _alert(unique, uid=f"nobody-{unique}")
    assert handle_alert(a, deps).outcome is Outcome.NO_TOKENS
    assert not redis_client.exists(told_key(a))


def test_new_key_is_told_again_and_the_cap_holds(
    backends: Stack, deps: NotifyDeps, unique: str
) -> None:
    """A replaced key that also fails is a new push; past the daily cap, no more pushes."""
    capped = NotifyDeps(deps.lock, deps.tokens, deps.sender, user_daily_cap=2)
    uid = f"cap-{unique}"
    deps.tokens._db.document(f"{deps.tokens._collection}/{uid}/fcm_tokens/p").set(  # type: ignore[attr-defined]
        {"token": f"tok-{uid}"}
    )
    outcomes = [
        handle_alert(alert(uid=uid, key_fingerprint=f"kf_{i:016x}"), capped).outcome
        for i in range(3)
    ]
    assert outcomes == [Outcome.SENT, Outcome.SENT, Outcome.CAPPED]
