"""notify's service with the real adapters: Firestore emulator, redis-server, FCM stand-in."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import firebase_admin
import pytest

from keywatch.adapters.fcm import FcmPushSender
from keywatch.adapters.firestore import FirestoreTokenStore
from keywatch.adapters.redis_lock import RedisDedupLock
from keywatch.devstack.stack import Stack
from keywatch.service.notify import AlertInFlightError, NotifyDeps, Outcome, handle_alert
from tests.factories import alert

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
    firestore_client.document(f"{coll}/u1/fcm_tokens/phone").set({"token": "tok-phone"})
    firestore_client.document(f"{coll}/u1/fcm_tokens/old").set({"token": "dead-old"})
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
    a = alert(uid="u1", key_fingerprint=f"kf_{unique:0>16}"[:19])

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
    assert [t.token for t in deps.tokens.tokens("u1")] == ["tok-phone"]
