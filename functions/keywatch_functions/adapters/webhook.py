"""Alerts to the app's own backend as Standard Webhooks: one signed POST per call.

Standard Webhooks 1.0.0 (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
the body is the recommended envelope `{"type", "timestamp", "data"}` as compact JSON, signed with
the `standardwebhooks` package over `{webhook-id}.{webhook-timestamp}.{body}`. The id stays the
same on every attempt at one message (the receiver's idempotency key); the timestamp and the
signature are the attempt's own, so a retry hours later is not refused as a replay.

One attempt per call and no retries here: one layer retries, Pub/Sub, as for FCM
(adapters/fcm.py), and the caller passes the same webhook-id to each redelivery.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import http.client
import json
import math
import re
import ssl
from datetime import UTC, datetime
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from standardwebhooks import Webhook

from keywatch import _http
from keywatch_functions.ports import WebhookResult

__all__ = ["USER_AGENT", "WebhookResult", "WebhookSender", "classify_status"]

Outcome = Literal["delivered", "gone", "rejected", "retry"]

SECRET_SETTING: Final = "KEYWATCH_WEBHOOK_SECRET"
URL_SETTING: Final = "KEYWATCH_WEBHOOK_URL"
USER_AGENT: Final = "keywatch-notify"
_SECRET_PREFIX: Final = "whsec_"
# The spec's symmetric secret: "Random. At least 24 bytes (192 bits, 512 maximum)", i.e. 24 to 64
# bytes, base64 after `whsec_` ("Signature scheme", the table).
_SECRET_BYTES: Final = range(24, 65)
_MAX_SECRETS: Final = 2  # the current one and, while rotating, the previous one
# The spec: the id and the timestamp must not contain `.` (they are `.`-joined to the body to
# be signed). Ours are generated, never user input: letters, digits, `_` and `-`.
_WEBHOOK_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,255}")
# The spec's event types: full-stop delimited identifiers of `[a-zA-Z0-9_]` ("Event types").
_EVENT_TYPE: Final = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*")
_URL_UNSAFE: Final = re.compile(r"[\x00-\x20\x7f]")
_SNIPPET_CHARS: Final = 200  # of the endpoint's answer, in `why`
_SNIPPET_BYTES: Final = 4 * _SNIPPET_CHARS  # read no more than this of it


# What an answer means ("Delivery success and failure" in the spec, which counts everything but
# 2xx as a failure and names these). Specific codes first, then the classes; the first match
# decides (classify_status).
_BY_CODE: Final[dict[int, tuple[Outcome, str]]] = {
    # "410 Gone: ... no longer interested in receiving webhooks from this source. Sender should
    # disable the webhook endpoint."
    410: ("gone", "the endpoint asks to be disabled"),
    # "429 Too Many Requests: ... a rate-limit has been met": try again later.
    429: ("retry", "rate limited"),
    # The server gave up waiting for the request (RFC 9110 15.5.9): as our own timeout.
    408: ("retry", "the endpoint timed out reading the request"),
}
_BY_CLASS: Final[tuple[tuple[range, Outcome, str], ...]] = (
    (range(200, 300), "delivered", "delivered"),
    # "3xx: Failure. Following redirects causes unnecessary load ... update the webhook URL
    # instead." Never followed; a redirect will not go away by itself, so not retried either.
    (range(300, 400), "rejected", "redirect not followed: update the webhook URL"),
    # The endpoint refuses this request (bad signature, unknown type, ...): it would refuse
    # every retry of it too.
    (range(400, 500), "rejected", "refused by the endpoint"),
    # The endpoint is failing or overloaded (the spec's 502 and 504 among them).
    (range(500, 600), "retry", "the endpoint failed"),
)


def classify_status(status: int) -> tuple[Outcome, str]:
    """The outcome of an HTTP answer, and a few words saying why."""
    if status in _BY_CODE:
        return _BY_CODE[status]
    for codes, outcome, why in _BY_CLASS:
        if status in codes:
            return outcome, why
    return "rejected", "not an HTTP status this sender understands"


def _check_secrets(value: str) -> tuple[Webhook, ...]:
    """The signing secrets in KEYWATCH_WEBHOOK_SECRET: one, or two during a rotation, separated
    by a space, each webhook then carrying a signature by each (the spec's zero-downtime
    rotation: "the webhook is signed both using the current key, and using an old key").
    A ValueError never repeats a secret."""
    # Surrounding whitespace is dropped: `echo ... | gcloud secrets versions add` stores a newline.
    secrets = value.split() if isinstance(value, str) else []
    if not 1 <= len(secrets) <= _MAX_SECRETS:
        raise ValueError(
            f"{SECRET_SETTING} must hold one Standard Webhooks secret, or two separated by a"
            f" space while rotating (it holds {len(secrets)})"
        )
    for n, secret in enumerate(secrets, 1):
        problem = _secret_problem(secret)
        if problem:
            which = f"'s secret number {n}" if len(secrets) > 1 else ""
            raise ValueError(
                f"{SECRET_SETTING}{which} is not a Standard Webhooks secret ({problem}): expected"
                f" {_SECRET_PREFIX} followed by the base64 of 24 to 64 random bytes"
                f" (`echo {_SECRET_PREFIX}$(openssl rand -base64 32)`)"
            )
    return tuple(Webhook(secret) for secret in secrets)


def _secret_problem(secret: str) -> str:
    if not secret.startswith(_SECRET_PREFIX):
        return f"it does not start with {_SECRET_PREFIX!r}"
    encoded = secret.removeprefix(_SECRET_PREFIX)
    try:
        # validate=True: the library's own decoding skips characters outside the alphabet, so a
        # mangled secret would quietly become another key.
        raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        return "what follows it is not base64"
    if len(raw) not in _SECRET_BYTES:
        return f"it decodes to {len(raw)} bytes"
    return ""


def _rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _snippet(raw: bytes) -> str:
    """At most _SNIPPET_CHARS of an answer, on one line of printable characters."""
    text = raw.decode("utf-8", "replace")
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= _SNIPPET_CHARS else text[: _SNIPPET_CHARS - 1] + "…"


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _describe(exc: BaseException) -> str:
    """A network failure in a few words (none of which can be the secret: it never reaches the
    network layer)."""
    common = _http.describe(exc, "the endpoint")
    if common is not None:
        return common
    return f"{type(exc).__name__}: {_snippet(str(exc).encode())}"


class WebhookSender:
    """WebhookSender (ports) over http.client: HTTPS to the app's endpoint, one attempt per call,
    never a redirect followed, the whole attempt (name lookup, connection, TLS, request and
    answer) within `timeout_s`.

    `secret` is KEYWATCH_WEBHOOK_SECRET: a `whsec_` secret, or two separated by a space while
    rotating (every webhook is then signed with both). Plain http is accepted only to a loopback
    address and only with `allow_loopback_http`: the local stack's receiver
    (keywatch_ops.devstack.webhook_receiver). `ssl_context` replaces the system's trust store,
    for an endpoint behind a private CA (and the tests)."""

    def __init__(
        self,
        url: str,
        secret: str,
        timeout_s: float = 10.0,
        *,
        allow_loopback_http: bool = False,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._webhooks = _check_secrets(secret)
        if not (math.isfinite(timeout_s) and timeout_s > 0):
            raise ValueError("the webhook timeout must be a positive number of seconds")
        self._timeout_s = float(timeout_s)
        if _URL_UNSAFE.search(url):
            raise ValueError(f"{URL_SETTING} contains spaces or control characters")
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"{URL_SETTING} has an invalid port") from None
        if not host:
            raise ValueError(f"{URL_SETTING} must be an absolute https:// URL")
        if parts.username is not None or parts.password is not None:
            raise ValueError(f"{URL_SETTING} must not carry credentials: the signature is the auth")
        if scheme == "https":
            self._tls: ssl.SSLContext | None = ssl_context or ssl.create_default_context()
        elif scheme == "http" and allow_loopback_http and _http.is_loopback(host):
            self._tls = None
        else:
            raise ValueError(
                f"{URL_SETTING} must be https://, not {scheme or '(none)'}://{host} (plain http"
                " only to a loopback address, with allow_loopback_http: the local stack)"
            )
        self._scheme, self._host = scheme, host
        self._port = port or (443 if self._tls else 80)
        self._target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def __repr__(self) -> str:
        return f"WebhookSender({self._scheme}://{self._host})"

    def deliver(
        self,
        webhook_id: str,
        event_type: str,
        data: dict[str, Any],
        timestamp: datetime | None = None,
    ) -> WebhookResult:
        """POST one event. `webhook_id` must be the same for every attempt at this message;
        `timestamp` is when the event happened (the envelope's, the same on every attempt: now
        when None). The webhook-timestamp header is the attempt's own time."""
        if not _WEBHOOK_ID.fullmatch(webhook_id):
            raise ValueError("webhook_id: 1 to 255 letters, digits, '_' or '-'")
        if not _EVENT_TYPE.fullmatch(event_type):
            raise ValueError("event_type: '.'-separated names of letters, digits and '_'")
        envelope = {
            "type": event_type,
            "timestamp": _rfc3339(timestamp or datetime.now(UTC)),
            "data": data,
        }
        # Compact, and ASCII: a consumer that handles the body as text in another encoding
        # still verifies the very bytes that were signed.
        body = json.dumps(envelope, separators=(",", ":"), allow_nan=False).encode()
        attempt_at = datetime.now(UTC)
        headers = {
            "webhook-id": webhook_id,
            "webhook-timestamp": str(math.floor(attempt_at.timestamp())),
            # Space-separated, one per secret; a receiver accepts any that it can verify.
            "webhook-signature": " ".join(
                webhook.sign(webhook_id, attempt_at, body) for webhook in self._webhooks
            ),
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "connection": "close",
        }
        return self._post(body, headers)

    def _post(self, body: bytes, headers: dict[str, str]) -> WebhookResult:
        deadline = _http.Deadline(self._timeout_s)
        try:
            # Connected, and TLS up, within the deadline; http.client will not connect.
            sock = _http.connect(
                self._host, self._port, deadline, tls=self._tls, server_hostname=self._host
            )
            try:
                return self._exchange(_http.DeadlineSocket(sock, deadline), body, headers)
            finally:
                sock.close()
        except TimeoutError:
            return WebhookResult("retry", None, f"timed out after {self._timeout_s:g} s")
        # UnicodeError: a host name that IDNA cannot encode (an empty or too long label).
        except (OSError, UnicodeError, http.client.HTTPException) as exc:
            return WebhookResult("retry", None, _describe(exc))

    def _exchange(
        self, sock: _http.DeadlineSocket, body: bytes, headers: dict[str, str]
    ) -> WebhookResult:
        conn: http.client.HTTPConnection
        if self._tls is not None:
            # Not a plain HTTPConnection: its Host header would name port 443.
            conn = http.client.HTTPSConnection(self._host, self._port, context=self._tls)
        else:
            conn = http.client.HTTPConnection(self._host, self._port)
        conn.sock = sock
        try:
            conn.request("POST", self._target, body=body, headers=headers)
            response = conn.getresponse()
            answer = _snippet(response.read(_SNIPPET_BYTES))
            status = response.status
            outcome, why = classify_status(status)
            details = [f"HTTP {status}: {why}"]
            if outcome == "rejected" and 300 <= status < 400:
                moved = urlsplit(response.getheader("location") or "")
                if moved.hostname:
                    details.append(f"it points to {moved.scheme}://{moved.hostname}")
            if outcome == "retry":
                wait = _retry_after(response.getheader("retry-after"))
                if wait is not None:
                    details.append(f"Retry-After {wait:g} s")
            if answer and outcome != "delivered":
                details.append(f"answer: {answer}")
            return WebhookResult(outcome, status, "; ".join(details))
        finally:
            conn.close()
