"""Local stand-in for the Firebase Cloud Messaging HTTP v1 send API.

There is no FCM emulator, so tests and the dev stack point firebase-admin at
this server instead. It speaks the real request and error shapes, keeps every
message it accepts, and can be told to fail sends, either through Python
methods or over HTTP under ``/__control/`` from another process.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import re
import signal
import sys
import threading
import time
import uuid
from collections import deque
from http.server import ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, Final, NamedTuple, cast

from keywatch_ops.devstack._control import ControlClient, QuietHandler

__all__ = ["ERRORS", "FcmError", "FcmStandIn", "FcmStandInClient", "main"]

LOOPBACK: Final = "127.0.0.1"
DEAD_PREFIX: Final = "dead-"
_FCM_ERROR_TYPE: Final = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_BAD_REQUEST_TYPE: Final = "type.googleapis.com/google.rpc.BadRequest"
_SEND_PATH: Final = re.compile(r"^/v1/projects/(?P<project>[^/]+)/messages:send$")
# firebase-admin 7.x also addresses devices by Firebase installation ID ("fid").
_TARGETS: Final = ("token", "fid", "topic", "condition")


class FcmError(NamedTuple):
    """How FCM reports one errorCode: HTTP status, google status, message."""

    http_status: int
    status: str
    message: str


# Statuses and messages as the real API returns them, so firebase-admin maps
# each to the same exception type it would in production.
ERRORS: Final[dict[str, FcmError]] = {
    "UNREGISTERED": FcmError(404, "NOT_FOUND", "Requested entity was not found."),
    "INVALID_ARGUMENT": FcmError(
        400,
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
    ),
    "SENDER_ID_MISMATCH": FcmError(403, "PERMISSION_DENIED", "SenderId mismatch"),
    "QUOTA_EXCEEDED": FcmError(429, "RESOURCE_EXHAUSTED", "Message rate exceeded for this device."),
    "UNAVAILABLE": FcmError(503, "UNAVAILABLE", "The service is currently unavailable."),
    "INTERNAL": FcmError(500, "INTERNAL", "Internal error encountered."),
    "THIRD_PARTY_AUTH_ERROR": FcmError(
        401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service"
    ),
}


def _check_error(error: str) -> str:
    if error not in ERRORS:
        raise ValueError(f"unknown FCM error code {error!r}; expected one of {sorted(ERRORS)}")
    return error


# No Retry-After header is sent (real FCM may send one): urllib3 would then retry
# 429s too and sleep for it, so the SDK's attempt count would stop matching.
def _error_body(error: str, message: str | None = None) -> tuple[int, dict[str, Any]]:
    spec = ERRORS[error]
    details: list[dict[str, Any]] = [{"@type": _FCM_ERROR_TYPE, "errorCode": error}]
    if error == "INVALID_ARGUMENT":
        # As FCM does: a google.rpc.BadRequest names the field it rejects, `message.token` when
        # it is the registration token (the only case in which the token is dead).
        details.append(
            {
                "@type": _BAD_REQUEST_TYPE,
                "fieldViolations": [
                    {
                        "field": "message" if message else "message.token",
                        "description": message or spec.message,
                    }
                ],
            }
        )
    body = {
        "error": {
            "code": spec.http_status,
            "message": message or spec.message,
            "status": spec.status,
            "details": details,
        }
    }
    return spec.http_status, body


class FcmStandIn:
    """FCM v1 ``messages:send`` served on 127.0.0.1, with test controls."""

    def __init__(self, host: str = LOOPBACK, port: int = 0) -> None:
        # Refuse other interfaces: this server accepts anything, unauthenticated.
        if host != LOOPBACK:
            raise ValueError(f"the FCM stand-in listens on {LOOPBACK} only, not {host!r}")
        self._host = host
        self._port = port
        self._lock = threading.Lock()
        self._dead: dict[str, str] = {}
        self._failures: deque[str] = deque()
        self._down_until: tuple[float, str] | None = None  # an outage: (until, its error)
        self._delays: deque[float] = deque()  # seconds to wait before answering the next sends
        self._latency = 0.0  # seconds to wait before answering every other send
        self._answers: deque[tuple[int, Any]] = deque()  # scripted (status, body) answers
        self._delivered: list[dict[str, Any]] = []
        self._attempts: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        # Per-instance suffix keeps names unique across restarts of the stand-in.
        self._instance = uuid.uuid4().hex[:16]
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        """Bind and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FCM stand-in already started")
        server = _Server((self._host, self._port), _Handler)
        server.standin = self
        self._server = server
        self._thread = threading.Thread(
            # A short poll keeps stop() from waiting out the default 0.5 s.
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fcm-standin",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT``."""
        if self._server is None:
            raise RuntimeError("FCM stand-in is not running")
        return f"http://{self._host}:{self._server.server_address[1]}"

    def __enter__(self) -> FcmStandIn:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- controls ------------------------------------------------------------

    def mark_dead(self, token: str, error: str = "UNREGISTERED") -> None:
        """Make every later send to ``token`` fail with ``error``."""
        _check_error(error)
        with self._lock:
            self._dead[token] = error

    def fail_next(self, n: int, error: str = "UNAVAILABLE") -> None:
        """Fail the next ``n`` well-formed sends, whatever their target."""
        _check_error(error)
        if n < 0:
            raise ValueError("n must be >= 0")
        with self._lock:
            self._failures.extend([error] * n)

    def fail_for(self, seconds: float, error: str = "UNAVAILABLE") -> None:
        """Fail every well-formed send for the next ``seconds``: an FCM outage."""
        _check_error(error)
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        with self._lock:
            self._down_until = (time.monotonic() + seconds, error)

    def delay(self, seconds: float, n: int | None = None) -> None:
        """Answer the next ``n`` sends (every send when ``n`` is None) after ``seconds``: slow
        FCM, or a hanging one when ``seconds`` is past the client's timeout. The send is
        still carried out, as a real server would after the client gave up."""
        if seconds < 0 or (n is not None and n < 0):
            raise ValueError("seconds and n must be >= 0")
        with self._lock:
            if n is None:
                self._latency = seconds
            else:
                self._delays.extend([seconds] * n)

    def answer_next(self, status: int, body: Any, n: int = 1) -> None:
        """Answer the next ``n`` sends with exactly this status and body (JSON, or a str sent
        as text/html), e.g. an error response copied from FCM's documentation."""
        if n < 0:
            raise ValueError("n must be >= 0")
        with self._lock:
            self._answers.extend([(status, body)] * n)

    def _take_delay(self) -> float:
        with self._lock:
            return self._delays.popleft() if self._delays else self._latency

    def delivered(self) -> list[dict[str, Any]]:
        """Accepted messages, as received plus their ``name``."""
        with self._lock:
            return copy.deepcopy(self._delivered)

    def attempts(self) -> list[dict[str, Any]]:
        """Every send attempt: ``{"token": ..., "outcome": "delivered" | ERRORCODE}``.

        ``token`` is the token or fid addressed (None for topics and conditions);
        dry runs (``validate_only``) record the outcome ``"validated"``.
        """
        with self._lock:
            return [dict(a) for a in self._attempts]

    def reset(self) -> None:
        """Forget dead tokens, pending failures and everything recorded."""
        with self._lock:
            self._dead.clear()
            self._failures.clear()
            self._down_until = None
            self._delays.clear()
            self._answers.clear()
            self._latency = 0.0
            self._delivered.clear()
            self._attempts.clear()

    # -- request handling ----------------------------------------------------

    def _send(self, project: str, body: Any) -> tuple[int, dict[str, Any]]:
        message = body.get("message") if isinstance(body, dict) else None
        # A device is addressed by token or fid; both are recorded as "token".
        raw_token = None
        if isinstance(message, dict):
            raw_token = message.get("token", message.get("fid"))
        token = raw_token if isinstance(raw_token, str) else None
        with self._lock:
            if not isinstance(message, dict):
                return self._reject(
                    None, "INVALID_ARGUMENT", "Request contains an invalid argument."
                )
            if raw_token is not None and token is None:
                return self._reject(None, "INVALID_ARGUMENT")
            if len([t for t in _TARGETS if message.get(t)]) != 1:
                return self._reject(
                    token,
                    "INVALID_ARGUMENT",
                    "Exactly one of token, fid, topic or condition must be specified.",
                )
            if self._answers:
                status, answer = self._answers.popleft()
                self._attempts.append({"token": token, "outcome": f"answered {status}"})
                return status, answer
            if self._failures:
                return self._reject(token, self._failures.popleft())
            if self._down_until is not None:
                until, error = self._down_until
                if time.monotonic() < until:
                    return self._reject(token, error)
                self._down_until = None
            if token is not None:
                dead = self._dead.get(token)
                if dead is None and token.startswith(DEAD_PREFIX):
                    dead = "UNREGISTERED"
                if dead is not None:
                    return self._reject(token, dead)
            if body.get("validate_only") is True or body.get("validateOnly") is True:
                # The real API answers dry runs with this fixed name; nothing is sent.
                self._attempts.append({"token": token, "outcome": "validated"})
                return 200, {"name": f"projects/{project}/messages/fake_message_id"}
            name = f"projects/{project}/messages/0:{next(self._ids)}%{self._instance}"
            self._delivered.append({**message, "name": name})
            self._attempts.append({"token": token, "outcome": "delivered"})
            return 200, {"name": name}

    def _reject(
        self, token: str | None, error: str, message: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        # Caller holds the lock.
        self._attempts.append({"token": token, "outcome": error})
        return _error_body(error, message)

    def _control(self, method: str, action: str, body: Any) -> tuple[int, dict[str, Any]]:
        if method == "GET" and action == "messages":
            return 200, {"delivered": self.delivered(), "attempts": self.attempts()}
        if method != "POST":
            return _not_found()
        args = body if isinstance(body, dict) else {}
        try:
            if action == "dead":
                token = args.get("token")
                if not isinstance(token, str):
                    raise ValueError("'token' must be a string")
                self.mark_dead(token, str(args.get("error", "UNREGISTERED")))
            elif action == "fail":
                count = args.get("count")
                if not isinstance(count, int) or isinstance(count, bool):
                    raise ValueError("'count' must be an integer")
                self.fail_next(count, str(args.get("error", "UNAVAILABLE")))
            elif action == "delay":
                seconds, count = args.get("seconds"), args.get("count")
                if not isinstance(seconds, int | float) or isinstance(seconds, bool):
                    raise ValueError("'seconds' must be a number")
                if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
                    raise ValueError("'count' must be an integer or null")
                self.delay(float(seconds), count)
            elif action == "answer":
                status = args.get("status")
                if not isinstance(status, int) or isinstance(status, bool):
                    raise ValueError("'status' must be an integer")
                self.answer_next(status, args.get("body"), int(args.get("count", 1)))
            elif action == "reset":
                self.reset()
            else:
                return _not_found()
        except ValueError as exc:
            return 400, {"error": str(exc)}
        return 200, {}

    def handle(self, method: str, path: str, raw: bytes) -> tuple[int, Any]:
        """Answer one HTTP request; returns status and JSON body."""
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                if path.startswith("/__control/"):
                    return 400, {"error": "body is not JSON"}
                return _error_body("INVALID_ARGUMENT", "Invalid JSON payload received.")
        if path.startswith("/__control/"):
            return self._control(method, path.removeprefix("/__control/"), body)
        match = _SEND_PATH.match(path)
        if match is None or method != "POST":
            return _not_found()
        wait = self._take_delay()
        if wait:
            time.sleep(wait)
        return self._send(match["project"], body)


def _not_found() -> tuple[int, dict[str, Any]]:
    return 404, {
        "error": {
            "code": 404,
            "message": "The requested URL was not found on this server.",
            "status": "NOT_FOUND",
        }
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # send_each opens up to one connection per message at once; the default
    # backlog of 5 drops SYNs and costs a 1 s retransmit.
    request_queue_size = 128
    standin: FcmStandIn


class _Handler(QuietHandler):
    # HTTP/1.0 closes each connection, so no keep-alive handler outlives stop().
    protocol_version = "HTTP/1.0"

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        path = self.path.split("?", 1)[0]
        status, body = cast(_Server, self.server).standin.handle(method, path, raw)
        text = isinstance(body, str)
        payload = body.encode() if text else json.dumps(body).encode()
        try:
            self.send_response(status)
            kind = "text/html" if text else "application/json"
            self.send_header("Content-Type", f"{kind}; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the client gave up waiting (a delayed answer): nothing to tell it


class FcmStandInClient(ControlClient):
    """Drives a running stand-in over HTTP, e.g. from another process."""

    def mark_dead(self, token: str, error: str = "UNREGISTERED") -> None:
        """Make every later send to ``token`` fail with ``error``."""
        self._call("POST", "dead", {"token": token, "error": error})

    def fail_next(self, n: int, error: str = "UNAVAILABLE") -> None:
        """Fail the next ``n`` sends with ``error``."""
        self._call("POST", "fail", {"count": n, "error": error})

    def delay(self, seconds: float, n: int | None = None) -> None:
        """Answer the next ``n`` sends (every send when None) after ``seconds``."""
        self._call("POST", "delay", {"seconds": seconds, "count": n})

    def answer_next(self, status: int, body: Any, n: int = 1) -> None:
        """Answer the next ``n`` sends with exactly this status and body."""
        self._call("POST", "answer", {"status": status, "body": body, "count": n})

    def messages(self) -> dict[str, list[dict[str, Any]]]:
        """Both records: ``{"delivered": [...], "attempts": [...]}``."""
        return cast(dict[str, list[dict[str, Any]]], self._call("GET", "messages"))

    def delivered(self) -> list[dict[str, Any]]:
        """Accepted messages, as received plus their ``name``."""
        return self.messages()["delivered"]

    def attempts(self) -> list[dict[str, Any]]:
        """Every send attempt with its outcome."""
        return self.messages()["attempts"]

    def reset(self) -> None:
        """Forget dead tokens, pending failures and everything recorded."""
        self._call("POST", "reset", {})


def main(argv: list[str] | None = None) -> int:
    """Run the stand-in in the foreground until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    args = parser.parse_args(argv)

    stopping = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with FcmStandIn(port=args.port) as standin:
        print(f"fcm stand-in listening on {standin.url}", flush=True)
        # Timed waits let the main thread run the signal handler promptly.
        while not stopping.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
