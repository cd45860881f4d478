"""FCM through firebase-admin's `send_each`, in chunks of 500, with per-token outcomes."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import firebase_admin
import google.auth.credentials
import requests.adapters
from firebase_admin import credentials, exceptions, messaging

from keywatch.core.notify import Push
from keywatch_functions.errors import PushSenderError
from keywatch_functions.ports import DeviceToken, SendResult

CHUNK = 500  # send_each's limit

# The token itself is dead: delete it. UNREGISTERED is definite; INVALID_ARGUMENT and
# SENDER_ID_MISMATCH only when FCM blames the token rather than the message.
# https://firebase.google.com/docs/cloud-messaging/manage-tokens#detect-invalid-token-responses-from-the-fcm-backend
_DEAD = {"UNREGISTERED", "SENDER_ID_MISMATCH"}


class _AnonymousCredential(credentials.Base):  # type: ignore[misc]
    """No Google credentials: for the local FCM stand-in only."""

    def get_credential(self) -> google.auth.credentials.Credentials:
        return google.auth.credentials.AnonymousCredentials()  # type: ignore[no-untyped-call]


def _error_code(exc: BaseException | None) -> str:
    if isinstance(exc, messaging.UnregisteredError):
        return "UNREGISTERED"
    if isinstance(exc, messaging.SenderIdMismatchError):
        return "SENDER_ID_MISMATCH"
    if isinstance(exc, messaging.QuotaExceededError):
        return "QUOTA_EXCEEDED"
    if isinstance(exc, messaging.ThirdPartyAuthError):
        return "THIRD_PARTY_AUTH_ERROR"
    if isinstance(exc, exceptions.FirebaseError):
        return str(exc.code)
    return "UNKNOWN"


def _is_dead(code: str, exc: BaseException | None) -> bool:
    if code in _DEAD:
        return True
    return code == "INVALID_ARGUMENT" and _blames_the_token(exc)


def _blames_the_token(exc: BaseException | None) -> bool:
    """INVALID_ARGUMENT is also a malformed message or a payload over 4 KB: the token is dead
    only when FCM's google.rpc.BadRequest detail names the field `message.token`, or its
    message says the registration token is not valid. Real FCM answers a bad token with the
    generic "Request contains an invalid argument." and the field in the detail."""
    response = getattr(exc, "http_response", None)
    try:
        details = response.json()["error"]["details"] if response is not None else []
    except (ValueError, KeyError, TypeError, AttributeError):
        details = []
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith(".BadRequest"):
            for violation in detail.get("fieldViolations") or []:
                if isinstance(violation, dict) and violation.get("field") == "message.token":
                    return True
    return "registration token" in str(exc).lower()


class FcmPushSender:
    """PushSender over firebase-admin, used unchanged.

    firebase-admin has no setting for the FCM endpoint (the maintainers declined one:
    firebase/firebase-admin-java#374, firebase-admin-go#189), and FCM has no emulator. With
    `endpoint` set (the local stand-in), the SDK's own messaging service for this app is
    pointed at it, and only a loopback address is accepted.
    """

    def __init__(
        self, project_id: str, endpoint: str = "", timeout_s: float = 10, app_name: str = "keywatch"
    ) -> None:
        try:
            self._app = firebase_admin.get_app(app_name)
        except ValueError:
            cred = _AnonymousCredential() if endpoint else credentials.ApplicationDefault()
            self._app = firebase_admin.initialize_app(
                cred, options={"projectId": project_id, "httpTimeout": timeout_s}, name=app_name
            )
        if endpoint:
            _retarget(self._app, endpoint, project_id)
        _no_sdk_retries(self._app, endpoint)

    def send(self, tokens: Sequence[DeviceToken], push: Push) -> list[SendResult]:
        results: list[SendResult] = []
        for start in range(0, len(tokens), CHUNK):
            chunk = tokens[start : start + CHUNK]
            messages = [_message(t.token, push) for t in chunk]
            try:
                batch = messaging.send_each(messages, app=self._app)
            except (exceptions.FirebaseError, ValueError) as exc:
                raise PushSenderError(f"fcm: {exc}") from exc
            for token, resp in zip(chunk, batch.responses, strict=True):
                if resp.success:
                    results.append(SendResult(token, ok=True))
                else:
                    code = _error_code(resp.exception)
                    dead = _is_dead(code, resp.exception)
                    results.append(SendResult(token, ok=False, error_code=code, dead=dead))
        return results


def _message(token: str, push: Push) -> Any:
    # firebase-admin 7.7 deprecates `token` for `fid` (a Firebase Installation ID). The apps
    # store FCM registration tokens, which only `token` addresses; moving to FIDs is a change
    # in the apps first, so the warning is silenced here and only here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)
        return messaging.Message(
            token=token,
            notification=messaging.Notification(title=push.title, body=push.body),
            data=push.data,
            android=messaging.AndroidConfig(priority="high"),
        )


def _no_sdk_retries(app: firebase_admin.App, endpoint: str) -> None:
    """One layer retries: Pub/Sub, with its backoff and dead-letter topic. firebase-admin
    retries a 500 or 503 up to 4 times inside each send (its DEFAULT_RETRY_CONFIG), which
    under Pub/Sub's attempts (5 then, 51 now) made up to five calls per device an attempt, and
    an attempt against a hanging FCM could outlast the pending marker. Here each device costs
    one request per attempt, bounded by `httpTimeout` (README, "Notifications": the retry
    budget)."""
    service = messaging._get_messaging_service(app)
    session = getattr(getattr(service, "_client", None), "session", None)
    if session is None:
        raise RuntimeError("this firebase-admin version hides its HTTP session: retries unknown")
    adapter = requests.adapters.HTTPAdapter(pool_connections=100, pool_maxsize=100, max_retries=0)
    # The SDK mounts its retrying adapter on FCM's origin (and the default one on https://);
    # the longest matching prefix wins.
    for prefix in ("https://fcm.googleapis.com", "https://", "http://"):
        session.mount(prefix, adapter)
    if endpoint:
        parts = urlsplit(endpoint)
        session.mount(f"{parts.scheme}://{parts.netloc}", adapter)


def _retarget(app: firebase_admin.App, endpoint: str, project_id: str) -> None:
    host = urlsplit(endpoint).hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError(f"the FCM endpoint override is for a local stand-in, not {host!r}")
    service = messaging._get_messaging_service(app)
    if not hasattr(service, "_fcm_url"):
        # Fail loudly rather than send to Google from a test if firebase-admin changes.
        raise RuntimeError("this firebase-admin version cannot be pointed at an FCM stand-in")
    service._fcm_url = f"{endpoint.rstrip('/')}/v1/projects/{project_id}/messages:send"
