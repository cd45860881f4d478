"""FcmPushSender (firebase-admin, unchanged) against the FCM stand-in over HTTP."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import firebase_admin
import pytest

from keywatch.core.notify import Push
from keywatch_functions.adapters.fcm import FcmPushSender
from keywatch_functions.ports import DeviceToken
from keywatch_ops.devstack.fcm_standin import FcmStandIn

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:firebase_admin.*"),
]
_apps = itertools.count()
PUSH = Push(
    "title", "body", {"type": "byok_key_alert", "provider": "openai", "reason": "invalid_key"}
)


@pytest.fixture
def standin() -> Iterator[FcmStandIn]:
    with FcmStandIn() as s:
        yield s


@pytest.fixture
def sender(standin: FcmStandIn) -> Iterator[FcmPushSender]:
    name = f"kw-test-{next(_apps)}"
    yield FcmPushSender("demo-keywatch", endpoint=standin.url, app_name=name)
    firebase_admin.delete_app(firebase_admin.get_app(name))


def toks(*names: str) -> list[DeviceToken]:
    return [DeviceToken(f"users/u/fcm_tokens/{n}", n) for n in names]


def test_live_and_dead_tokens_get_per_token_results(
    standin: FcmStandIn, sender: FcmPushSender
) -> None:
    """Live tokens are delivered; UNREGISTERED, SENDER_ID_MISMATCH and a bad token are dead."""
    standin.mark_dead("mismatch", "SENDER_ID_MISMATCH")
    standin.mark_dead("garbage", "INVALID_ARGUMENT")
    results = {
        r.token.token: r for r in sender.send(toks("a", "dead-b", "mismatch", "garbage"), PUSH)
    }
    assert results["a"].ok and not results["a"].dead
    assert (results["dead-b"].error_code, results["dead-b"].dead) == ("UNREGISTERED", True)
    assert (results["mismatch"].error_code, results["mismatch"].dead) == (
        "SENDER_ID_MISMATCH",
        True,
    )
    assert (results["garbage"].error_code, results["garbage"].dead) == ("INVALID_ARGUMENT", True)
    [msg] = standin.delivered()
    assert (
        msg["notification"] == {"title": "title", "body": "body"}
        and msg["data"]["reason"] == "invalid_key"
    )


def test_quota_exceeded_is_transient_not_dead(standin: FcmStandIn, sender: FcmPushSender) -> None:
    """QUOTA_EXCEEDED fails the send but keeps the token."""
    standin.fail_next(1, "QUOTA_EXCEEDED")
    [r] = sender.send(toks("a"), PUSH)
    assert (r.ok, r.error_code, r.dead) == (False, "QUOTA_EXCEEDED", False)


def test_more_than_500_tokens_are_sent_in_chunks(
    standin: FcmStandIn, sender: FcmPushSender
) -> None:
    """send_each takes at most 500 messages: 501 tokens go out in two calls, all delivered."""
    results = sender.send(toks(*(f"t{i}" for i in range(501))), PUSH)
    assert len(results) == 501 and all(r.ok for r in results)
    assert len(standin.delivered()) == 501


def test_endpoint_override_is_loopback_only() -> None:
    """The override exists for the local stand-in; it refuses any other host."""
    with pytest.raises(ValueError, match="local stand-in"):
        FcmPushSender("demo-keywatch", endpoint="https://example.com", app_name="kw-test-remote")
    firebase_admin.delete_app(firebase_admin.get_app("kw-test-remote"))
