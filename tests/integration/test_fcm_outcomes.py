"""FcmPushSender's per-device outcomes for FCM's documented v1 error responses, and its retry
budget against a failing, slow or hanging FCM. firebase-admin runs unchanged; the stand-in
answers with the bodies below, byte for byte.

Sources of the bodies:
- error codes and their HTTP statuses: https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode
- which ones mean the token is dead:
  https://firebase.google.com/docs/cloud-messaging/manage-tokens#detect-invalid-token-responses-from-the-fcm-backend
- full responses captured from FCM: bloomberg/pushiko, docs/fcm_responses.md (an invalid token
  is "Request contains an invalid argument." with a google.rpc.BadRequest naming
  `message.token`; a payload too large has no details; a 502 is an HTML page)
- the FcmError detail as firebase-admin's own tests build it (tests/test_messaging.py,
  firebase/firebase-admin-python)
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

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
PUSH = Push("t", "b", {"type": "byok_key_alert"})
FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


def _error(code: int, status: str, message: str, *details: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        body["details"] = list(details)
    return {"error": body}


def _fcm(code: str) -> dict[str, Any]:
    return {"@type": FCM_ERROR, "errorCode": code}


def _field(field: str, description: str) -> dict[str, Any]:
    return {"@type": BAD_REQUEST, "fieldViolations": [{"field": field, "description": description}]}


BAD_GATEWAY = "<!DOCTYPE html><html lang=en><title>Error 502 (Server Error)!!1</title></html>"

# (name, HTTP status, body, expected error code, expected dead)
DOCUMENTED = [
    (
        "unregistered",
        404,
        _error(404, "NOT_FOUND", "Requested entity was not found.", _fcm("UNREGISTERED")),
        "UNREGISTERED",
        True,
    ),
    (
        "invalid token, generic message",
        400,
        _error(
            400,
            "INVALID_ARGUMENT",
            "Request contains an invalid argument.",
            _fcm("INVALID_ARGUMENT"),
            _field("message.token", "Invalid registration token"),
        ),
        "INVALID_ARGUMENT",
        True,
    ),
    (
        "invalid token, specific message",
        400,
        _error(
            400,
            "INVALID_ARGUMENT",
            "The registration token is not a valid FCM registration token",
            _fcm("INVALID_ARGUMENT"),
            _field("message.token", "The registration token is not a valid FCM registration token"),
        ),
        "INVALID_ARGUMENT",
        True,
    ),
    (
        "missing recipient",
        400,
        _error(
            400,
            "INVALID_ARGUMENT",
            "Recipient of the message is not set.",
            _field("message", "Recipient of the message is not set."),
            _fcm("INVALID_ARGUMENT"),
        ),
        "INVALID_ARGUMENT",
        False,
    ),
    (
        "payload too large",
        400,
        _error(400, "INVALID_ARGUMENT", "Request contains an invalid argument."),
        "INVALID_ARGUMENT",
        False,
    ),
    (
        "sender id mismatch",
        403,
        _error(403, "PERMISSION_DENIED", "SenderId mismatch", _fcm("SENDER_ID_MISMATCH")),
        "SENDER_ID_MISMATCH",
        True,
    ),
    (
        "quota exceeded",
        429,
        _error(429, "RESOURCE_EXHAUSTED", "Message rate exceeded.", _fcm("QUOTA_EXCEEDED")),
        "QUOTA_EXCEEDED",
        False,
    ),
    (
        "unavailable",
        503,
        _error(503, "UNAVAILABLE", "The service is currently unavailable.", _fcm("UNAVAILABLE")),
        "UNAVAILABLE",
        False,
    ),
    (
        "internal",
        500,
        _error(500, "INTERNAL", "Internal error encountered.", _fcm("INTERNAL")),
        "INTERNAL",
        False,
    ),
    ("bad gateway page", 502, BAD_GATEWAY, "UNKNOWN", False),
]


@pytest.fixture
def standin() -> Iterator[FcmStandIn]:
    with FcmStandIn() as s:
        yield s


def _sender(standin: FcmStandIn, timeout_s: float = 10) -> FcmPushSender:
    return FcmPushSender(
        "demo-keywatch", endpoint=standin.url, timeout_s=timeout_s, app_name=f"kw-o-{next(_apps)}"
    )


@pytest.fixture
def sender(standin: FcmStandIn) -> Iterator[FcmPushSender]:
    s = _sender(standin)
    yield s
    firebase_admin.delete_app(s._app)


@pytest.mark.parametrize(
    ("status", "body", "code", "dead"),
    [case[1:] for case in DOCUMENTED],
    ids=[case[0] for case in DOCUMENTED],
)
def test_documented_error_responses_give_the_right_outcome(
    standin: FcmStandIn, sender: FcmPushSender, status: int, body: Any, code: str, dead: bool
) -> None:
    standin.answer_next(status, body)
    [result] = sender.send([DeviceToken("users/u/fcm_tokens/d", "tok")], PUSH)
    assert not result.ok
    assert result.error_code == code
    assert result.dead is dead
    # One request per device per attempt: the SDK's own retries are off, Pub/Sub retries.
    assert len(standin.attempts()) == 1


def test_5xx_is_sent_once_per_attempt_not_five_times(
    standin: FcmStandIn, sender: FcmPushSender
) -> None:
    """firebase-admin alone retries 500 and 503 four times inside a send; here the second
    attempt is Pub/Sub's, after its backoff."""
    standin.fail_next(3, "UNAVAILABLE")
    devices = [DeviceToken(f"users/u/fcm_tokens/{i}", f"tok{i}") for i in range(3)]
    results = sender.send(devices, PUSH)
    assert [r.error_code for r in results] == ["UNAVAILABLE"] * 3
    assert len(standin.attempts()) == 3  # the SDK's default would make up to 15


def test_a_slow_fcm_under_the_timeout_delivers(standin: FcmStandIn) -> None:
    s = _sender(standin, timeout_s=3)
    try:
        standin.delay(0.5, n=1)
        [r] = s.send([DeviceToken("users/u/fcm_tokens/d", "tok")], PUSH)
        assert r.ok
    finally:
        firebase_admin.delete_app(s._app)


def test_a_hanging_fcm_fails_the_send_within_one_timeout(standin: FcmStandIn) -> None:
    """One attempt against a hanging FCM ends at the HTTP timeout, not after SDK retries:
    the attempt stays inside the function timeout and the pending marker (README,
    "Notifications": the retry budget)."""
    s = _sender(standin, timeout_s=1)
    try:
        standin.delay(5)
        t0 = time.monotonic()
        devices = [DeviceToken(f"users/u/fcm_tokens/{i}", f"tok{i}") for i in range(3)]
        results = s.send(devices, PUSH)
        took = time.monotonic() - t0
        assert [r.ok for r in results] == [False] * 3
        assert not any(r.dead for r in results)  # a timeout says nothing about the token
        assert took < 3, took  # about 1 s: the devices are sent in parallel, once each
    finally:
        standin.delay(0)
        firebase_admin.delete_app(s._app)


def test_a_401_with_the_stand_ins_anonymous_credentials_fails_the_batch_transiently(
    standin: FcmStandIn, sender: FcmPushSender
) -> None:
    """THIRD_PARTY_AUTH_ERROR is a 401: google-auth's session then refreshes its credentials,
    which anonymous ones cannot, so the whole send raises (transient: Pub/Sub retries; no
    token is called dead). With real credentials it is a per-device, not-dead failure."""
    from keywatch_functions.errors import PushSenderError

    body = {
        "error": {
            "code": 401,
            "message": "Auth error from APNS or Web Push Service",
            "status": "UNAUTHENTICATED",
            "details": [_fcm("THIRD_PARTY_AUTH_ERROR")],
        }
    }
    standin.answer_next(401, body)
    with pytest.raises(PushSenderError):
        sender.send([DeviceToken("users/u/fcm_tokens/d", "tok")], PUSH)
