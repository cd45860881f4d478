"""The FCM stand-in, driven through the real firebase-admin messaging client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import firebase_admin
import google.auth.credentials
import httpx
import pytest
import requests.adapters
from firebase_admin import _http_client, credentials, exceptions, messaging

from keywatch_ops.devstack.fcm_standin import ERRORS, FcmStandIn, FcmStandInClient

pytestmark = [
    pytest.mark.integration,
    # firebase-admin 7.x deprecates Message.token for Message.fid; the project still sends tokens.
    pytest.mark.filterwarnings("ignore:Message.token is deprecated:DeprecationWarning"),
]

PROJECT = "demo-keywatch"
SHARED = Path(__file__).resolve().parents[2] / "shared"
# firebase-admin retries 500/503 this many times (DEFAULT_RETRY_CONFIG status=4).
SDK_STATUS_RETRIES = 4


class _Anon(credentials.Base):  # type: ignore[misc]
    def get_credential(self) -> google.auth.credentials.Credentials:
        return google.auth.credentials.AnonymousCredentials()  # type: ignore[no-untyped-call]


@dataclass
class Fcm:
    standin: FcmStandIn
    app: firebase_admin.App

    def send(self, *messages: messaging.Message, dry_run: bool = False) -> messaging.BatchResponse:
        return messaging.send_each(list(messages), dry_run=dry_run, app=self.app)

    def send_one(self, token: str) -> messaging.SendResponse:
        return self.send(messaging.Message(token=token)).responses[0]

    def without_backoff(self) -> None:
        """Keep the SDK's retry counts but drop its sleeps (0 s, 1 s, 2 s, 4 s)."""
        retry = _http_client.DEFAULT_RETRY_CONFIG.new(backoff_factor=0)
        session = messaging._get_messaging_service(self.app)._client.session
        session.mount("http://", requests.adapters.HTTPAdapter(max_retries=retry))


@pytest.fixture
def standin() -> Iterator[FcmStandIn]:
    with FcmStandIn() as s:
        yield s


@pytest.fixture
def fcm(standin: FcmStandIn, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fcm]:
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    app = firebase_admin.initialize_app(
        _Anon(), options={"projectId": PROJECT}, name=f"fcm-standin-{uuid.uuid4().hex}"
    )
    try:
        service = messaging._get_messaging_service(app)
        service._fcm_url = f"{standin.url}/v1/projects/{PROJECT}/messages:send"
        yield Fcm(standin, app)
    finally:
        firebase_admin.delete_app(app)


def _outcomes(standin: FcmStandIn) -> list[Any]:
    return [a["outcome"] for a in standin.attempts()]


def test_send_records_notification_and_data(fcm: Fcm) -> None:
    """An accepted message is recorded as received, named like the real API's reply."""
    resp = fcm.send(
        messaging.Message(
            token="t1",
            notification=messaging.Notification(title="a", body="b"),
            data={"k": "v"},
        )
    )
    assert resp.success_count == 1
    [got] = fcm.standin.delivered()
    assert got["token"] == "t1"
    assert got["notification"] == {"title": "a", "body": "b"}
    assert got["data"] == {"k": "v"}
    assert got["name"] == resp.responses[0].message_id
    assert got["name"].startswith(f"projects/{PROJECT}/messages/")
    assert fcm.standin.attempts() == [{"token": "t1", "outcome": "delivered"}]


def test_message_names_are_unique(fcm: Fcm) -> None:
    """Each accepted message gets its own id."""
    resp = fcm.send(*(messaging.Message(token=f"t{i}") for i in range(20)))
    ids = {r.message_id for r in resp.responses}
    assert resp.success_count == 20
    assert len(ids) == 20


@pytest.mark.parametrize(
    ("error", "exc_type"),
    [
        ("UNREGISTERED", messaging.UnregisteredError),
        ("SENDER_ID_MISMATCH", messaging.SenderIdMismatchError),
        ("QUOTA_EXCEEDED", messaging.QuotaExceededError),
        ("INVALID_ARGUMENT", exceptions.InvalidArgumentError),
    ],
)
def test_dead_token_error_surfaces_as_sdk_exception(
    fcm: Fcm, error: str, exc_type: type[exceptions.FirebaseError]
) -> None:
    """A token marked dead fails with the SDK exception and HTTP status of its error code."""
    fcm.standin.mark_dead("t1", error)
    r = fcm.send_one("t1")
    assert not r.success
    assert type(r.exception) is exc_type
    assert isinstance(r.exception, exceptions.FirebaseError)
    assert r.exception.http_response.status_code == ERRORS[error].http_status
    assert str(r.exception) == ERRORS[error].message
    # None of these are retried by the SDK: one request each.
    assert fcm.standin.attempts() == [{"token": "t1", "outcome": error}]
    assert fcm.standin.delivered() == []


@pytest.mark.parametrize(
    ("error", "exc_type"),
    [
        ("UNAVAILABLE", exceptions.UnavailableError),
        ("INTERNAL", exceptions.InternalError),
    ],
)
def test_retried_error_surfaces_after_sdk_retries(
    fcm: Fcm, error: str, exc_type: type[exceptions.FirebaseError]
) -> None:
    """503/500 reach the caller only after the SDK's own 4 retries, as their SDK exception."""
    fcm.without_backoff()
    fcm.standin.fail_next(SDK_STATUS_RETRIES + 1, error)
    r = fcm.send_one("t1")
    assert type(r.exception) is exc_type
    assert isinstance(r.exception, exceptions.FirebaseError)
    assert r.exception.http_response.status_code == ERRORS[error].http_status
    assert _outcomes(fcm.standin) == [error] * (SDK_STATUS_RETRIES + 1)
    assert fcm.send_one("t1").success


def test_transient_unavailable_is_hidden_by_sdk_retry(fcm: Fcm) -> None:
    """With the SDK's real retry config, one 503 is retried at once and the send succeeds."""
    fcm.standin.fail_next(1, "UNAVAILABLE")
    started = time.monotonic()
    r = fcm.send_one("t1")
    assert r.success
    assert time.monotonic() - started < 1.0  # urllib3 sleeps 0 s before the first retry
    assert _outcomes(fcm.standin) == ["UNAVAILABLE", "delivered"]
    assert len(fcm.standin.delivered()) == 1


def test_dead_prefix_tokens_are_unregistered_without_setup(fcm: Fcm) -> None:
    """Tokens starting with 'dead-' are UNREGISTERED with no control call."""
    r = fcm.send_one("dead-abc")
    assert isinstance(r.exception, messaging.UnregisteredError)
    assert fcm.standin.attempts() == [{"token": "dead-abc", "outcome": "UNREGISTERED"}]


def test_mark_dead_overrides_dead_prefix_default(fcm: Fcm) -> None:
    """An explicit mark_dead code wins over the 'dead-' default."""
    fcm.standin.mark_dead("dead-x", "SENDER_ID_MISMATCH")
    assert isinstance(fcm.send_one("dead-x").exception, messaging.SenderIdMismatchError)


def test_mixed_batch_gives_per_token_results(fcm: Fcm) -> None:
    """In one concurrent send_each, each token gets its own result, in request order."""
    fcm.standin.mark_dead("gone", "UNREGISTERED")
    fcm.standin.mark_dead("other-project", "SENDER_ID_MISMATCH")
    fcm.standin.mark_dead("garbage", "INVALID_ARGUMENT")
    tokens = ["live-1", "gone", "live-2", "dead-seeded", "other-project", "garbage", "live-3"]
    resp = fcm.send(*(messaging.Message(token=t, data={"i": str(i)}) for i, t in enumerate(tokens)))

    kinds = [type(r.exception) if r.exception else None for r in resp.responses]
    assert kinds == [
        None,
        messaging.UnregisteredError,
        None,
        messaging.UnregisteredError,
        messaging.SenderIdMismatchError,
        exceptions.InvalidArgumentError,
        None,
    ]
    assert (resp.success_count, resp.failure_count) == (3, 4)
    assert sorted(m["token"] for m in fcm.standin.delivered()) == ["live-1", "live-2", "live-3"]
    assert len(fcm.standin.attempts()) == len(tokens)


def test_fail_next_fails_exactly_n_sends(fcm: Fcm) -> None:
    """fail_next(n) fails the next n sends whatever the token, then sends succeed again."""
    fcm.standin.fail_next(2, "QUOTA_EXCEEDED")
    results = [fcm.send_one(f"t{i}") for i in range(4)]
    assert [type(r.exception) if r.exception else None for r in results] == [
        messaging.QuotaExceededError,
        messaging.QuotaExceededError,
        None,
        None,
    ]
    assert fcm.standin.attempts() == [
        {"token": "t0", "outcome": "QUOTA_EXCEEDED"},
        {"token": "t1", "outcome": "QUOTA_EXCEEDED"},
        {"token": "t2", "outcome": "delivered"},
        {"token": "t3", "outcome": "delivered"},
    ]
    assert [m["token"] for m in fcm.standin.delivered()] == ["t2", "t3"]


def test_fail_next_counts_across_a_concurrent_batch(fcm: Fcm) -> None:
    """fail_next(n) fails exactly n of a concurrent batch."""
    fcm.standin.fail_next(3, "QUOTA_EXCEEDED")
    resp = fcm.send(*(messaging.Message(token=f"t{i}") for i in range(10)))
    assert (resp.success_count, resp.failure_count) == (7, 3)
    assert _outcomes(fcm.standin).count("QUOTA_EXCEEDED") == 3
    assert len(fcm.standin.delivered()) == 7


def test_reset_forgets_dead_tokens_failures_and_records(fcm: Fcm) -> None:
    """reset() clears marks, pending failures and both records."""
    fcm.standin.mark_dead("t1")
    fcm.standin.fail_next(5, "QUOTA_EXCEEDED")
    fcm.send_one("t2")
    fcm.standin.reset()
    assert fcm.standin.attempts() == []
    assert fcm.send_one("t1").success
    assert len(fcm.standin.delivered()) == 1


def test_dry_run_is_validated_not_delivered(fcm: Fcm) -> None:
    """validate_only answers like the real API's dry run and delivers nothing."""
    resp = fcm.send(messaging.Message(token="t1"), dry_run=True)
    assert resp.responses[0].message_id == f"projects/{PROJECT}/messages/fake_message_id"
    assert fcm.standin.delivered() == []
    assert fcm.standin.attempts() == [{"token": "t1", "outcome": "validated"}]
    assert isinstance(
        fcm.send(messaging.Message(token="dead-1"), dry_run=True).responses[0].exception,
        messaging.UnregisteredError,
    )


def test_fid_and_topic_targets_are_accepted(fcm: Fcm) -> None:
    """Messages to an installation ID (fid) or a topic are delivered like token messages."""
    resp = fcm.send(messaging.Message(fid="fid-1"), messaging.Message(topic="news"))
    assert resp.success_count == 2
    targets = {(m.get("fid"), m.get("topic")) for m in fcm.standin.delivered()}
    assert targets == {("fid-1", None), (None, "news")}
    dead = fcm.send(messaging.Message(fid="dead-f")).responses[0]
    assert isinstance(dead.exception, messaging.UnregisteredError)


def test_third_party_auth_error_aborts_whole_batch_with_anonymous_credentials(fcm: Fcm) -> None:
    """A 401 makes google-auth try to refresh AnonymousCredentials, so send_each raises."""
    fcm.standin.mark_dead("t1", "THIRD_PARTY_AUTH_ERROR")
    with pytest.raises(exceptions.UnknownError, match="cannot be refreshed"):
        fcm.send(messaging.Message(token="t1"), messaging.Message(token="t2"))
    # The other message was still delivered; only its result is lost.
    assert sorted(_outcomes(fcm.standin)) == ["THIRD_PARTY_AUTH_ERROR", "delivered"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Request contains an invalid argument."),
        ({"message": {"data": {"k": "v"}}}, "Exactly one of token, fid, topic or condition"),
        (
            {"message": {"token": "a", "topic": "b"}},
            "Exactly one of token, fid, topic or condition",
        ),
    ],
)
def test_malformed_send_is_invalid_argument(
    standin: FcmStandIn, body: dict[str, Any], message: str
) -> None:
    """A missing message or a message without exactly one target is a 400 INVALID_ARGUMENT."""
    r = httpx.post(f"{standin.url}/v1/projects/{PROJECT}/messages:send", json=body)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == 400
    assert err["status"] == "INVALID_ARGUMENT"
    assert err["message"].startswith(message)
    assert err["details"][0] == {
        "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
        "errorCode": "INVALID_ARGUMENT",
    }
    # The BadRequest detail blames the message, not a token ("message.token"): no token is dead.
    [violation] = err["details"][1]["fieldViolations"]
    assert violation["field"] == "message"
    assert standin.delivered() == []


def test_error_body_has_google_shape(standin: FcmStandIn) -> None:
    """Errors carry Google's JSON error shape with the FcmError detail."""
    r = httpx.post(
        f"{standin.url}/v1/projects/{PROJECT}/messages:send",
        json={"message": {"token": "dead-1"}},
    )
    assert r.status_code == 404
    assert r.json() == {
        "error": {
            "code": 404,
            "message": "Requested entity was not found.",
            "status": "NOT_FOUND",
            "details": [
                {
                    "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                    "errorCode": "UNREGISTERED",
                }
            ],
        }
    }


def test_http_control_client_drives_the_standin(fcm: Fcm) -> None:
    """FcmStandInClient marks tokens dead, queues failures, reads records and resets over HTTP."""
    client = FcmStandInClient(fcm.standin.url)
    client.mark_dead("t1", "SENDER_ID_MISMATCH")
    client.fail_next(1, "QUOTA_EXCEEDED")
    assert isinstance(fcm.send_one("t2").exception, messaging.QuotaExceededError)
    assert isinstance(fcm.send_one("t1").exception, messaging.SenderIdMismatchError)
    assert (
        fcm.send(messaging.Message(token="t2", notification=messaging.Notification(title="hi")))
        .responses[0]
        .success
    )

    assert client.attempts() == [
        {"token": "t2", "outcome": "QUOTA_EXCEEDED"},
        {"token": "t1", "outcome": "SENDER_ID_MISMATCH"},
        {"token": "t2", "outcome": "delivered"},
    ]
    [got] = client.delivered()
    assert got["notification"] == {"title": "hi"}
    assert client.delivered() == fcm.standin.delivered()

    client.reset()
    assert client.attempts() == []
    assert fcm.send_one("t1").success


def test_http_control_delays_and_scripts_answers(standin: FcmStandIn) -> None:
    """Another process (the e2e tier) can make FCM slow or hang, and answer a send with any
    documented body."""
    import time

    client = FcmStandInClient(standin.url)
    url = f"{standin.url}/v1/projects/{PROJECT}/messages:send"
    client.delay(0.4, 1)
    t0 = time.monotonic()
    assert httpx.post(url, json={"message": {"token": "a"}}).status_code == 200
    assert time.monotonic() - t0 >= 0.4
    client.answer_next(502, "<html>bad gateway</html>")
    r = httpx.post(url, json={"message": {"token": "a"}})
    assert (r.status_code, r.text) == (502, "<html>bad gateway</html>")
    client.delay(2)  # every send now: past a 0.5 s client timeout, the client gives up
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(url, json={"message": {"token": "late"}}, timeout=0.5)
    client.reset()  # also ends the delay
    assert httpx.post(url, json={"message": {"token": "b"}}, timeout=1).status_code == 200
    # reset forgot the rest (the late send may still land when its delay ends)
    assert [a for a in client.attempts() if a["token"] != "late"] == [
        {"token": "b", "outcome": "delivered"}
    ]


def test_http_control_rejects_unknown_error_code(standin: FcmStandIn) -> None:
    """An unknown error code is refused with 400, here and in Python."""
    with pytest.raises(urllib.error.HTTPError) as info:
        FcmStandInClient(standin.url).fail_next(1, "NOPE")
    assert info.value.code == 400
    with pytest.raises(ValueError, match="unknown FCM error code"):
        standin.mark_dead("t", "NOPE")


def test_listens_on_loopback_only() -> None:
    """The stand-in binds 127.0.0.1 and refuses any other host."""
    with FcmStandIn() as s:
        assert s.url.startswith("http://127.0.0.1:")
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        FcmStandIn(host="0.0.0.0")


def test_module_runs_in_foreground_until_sigterm() -> None:
    """`python -m keywatch_ops.devstack.fcm_standin` prints its URL, serves, and exits 0 on
    SIGTERM."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SHARED), os.environ.get("PYTHONPATH")])),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "keywatch_ops.devstack.fcm_standin", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        prefix = "fcm stand-in listening on "
        assert line.startswith(prefix), line
        url = line.removeprefix(prefix)
        r = httpx.post(
            f"{url}/v1/projects/{PROJECT}/messages:send", json={"message": {"token": "x"}}
        )
        assert r.status_code == 200
        assert [m["token"] for m in FcmStandInClient(url).delivered()] == ["x"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None
        assert proc.stderr.read() == ""  # no per-request log lines
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
