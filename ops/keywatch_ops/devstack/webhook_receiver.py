"""A local Standard Webhooks endpoint: what the app's backend runs to receive keywatch's
webhooks, for the tests and the dev stack.

It verifies every POST with the `standardwebhooks` package (never by hand), deduplicates by
`webhook-id` as the spec asks of a consumer, and records what it received. It can be told to
answer a status, or to hang, to act out a failing endpoint, through Python methods or over HTTP
under ``/__control/`` from another process (as the FCM stand-in, fcm_standin.py).

Run as a process by the local stack: ``python -m keywatch_ops.devstack.webhook_receiver --port P
--secret-env KEYWATCH_WEBHOOK_SECRET --record FILE``. The secret is read from the environment
variable named, never from the command line (which any local user can read).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import signal
import ssl
import sys
import threading
import time
from collections import deque
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any, Final, NamedTuple, cast

from standardwebhooks import Webhook, WebhookVerificationError

from keywatch_ops.devstack._control import ControlClient, QuietHandler

__all__ = ["WebhookReceiver", "WebhookReceiverClient", "main"]

LOOPBACK: Final = "127.0.0.1"
MAX_BODY: Final = 1 << 20  # bytes; keywatch's events are well under 1 KiB
_SECRET_PREFIX: Final = "whsec_"


class Answer(NamedTuple):
    """What the request gets: status, JSON body, extra headers, seconds to wait first."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    delay: float


class _Script:
    """A scripted status for the next `times` deliveries and/or `seconds` (None: no limit)."""

    def __init__(self, status: int, times: int | None, until: float | None) -> None:
        self.status, self.times, self.until = status, times, until

    def take(self) -> int | None:
        if self.until is not None and time.monotonic() >= self.until:
            return None
        if self.times is not None:
            if self.times <= 0:
                return None
            self.times -= 1
        return self.status


def _webhook(secret: str) -> Webhook:
    """The library's verifier, or a ValueError that does not repeat the secret."""
    secret = secret.strip()
    if not secret.startswith(_SECRET_PREFIX):
        raise ValueError(f"the webhook secret must start with {_SECRET_PREFIX!r}")
    try:
        return Webhook(secret)
    except Exception:
        raise ValueError("the webhook secret is not a Standard Webhooks secret") from None


def _count(value: Any, name: str, *, positive: bool = True) -> None:
    if value is None:
        return
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name!r} must be a number >= 0 or null")
    if positive and value == 0:
        raise ValueError(f"{name!r} must be > 0")


class WebhookReceiver:
    """A Standard Webhooks endpoint served on 127.0.0.1 (any path but ``/__control/``)."""

    def __init__(
        self,
        secret: str,
        host: str = LOOPBACK,
        port: int = 0,
        *,
        record: str | Path | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        # Refuse other interfaces: the control endpoints are unauthenticated.
        if host != LOOPBACK:
            raise ValueError(f"the webhook receiver listens on {LOOPBACK} only, not {host!r}")
        self._webhook = _webhook(secret)
        self._host, self._port = host, port
        self._record_path = Path(record) if record is not None else None
        self._record_file: IO[str] | None = None
        self._ssl = ssl_context
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._script: _Script | None = None
        self._hangs: deque[float] = deque()  # seconds to wait before answering the next requests
        self._hang_every = 0.0  # seconds to wait before answering every other request
        self._processed: set[str] = set()  # ids acknowledged with a 2xx: processed once
        self._deliveries: list[dict[str, Any]] = []
        self._url = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        """Bind and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("webhook receiver already started")
        server = _Server((self._host, self._port), _Handler)
        server.receiver = self
        server.tls = self._ssl
        scheme = "https" if self._ssl is not None else "http"
        self._url = f"{scheme}://{self._host}:{server.server_address[1]}"
        if self._record_path is not None:
            self._record_file = open(self._record_path, "a", encoding="utf-8")  # noqa: SIM115
        self._stopping.clear()
        self._server = server
        self._thread = threading.Thread(
            # A short poll keeps stop() from waiting out the default 0.5 s.
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="webhook-receiver",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving (cutting hangs short) and release the port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        with self._lock:
            if self._record_file is not None:
                self._record_file.close()
                self._record_file = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT``; POST deliveries to any path under it."""
        if self._server is None:
            raise RuntimeError("webhook receiver is not running")
        return self._url

    def __enter__(self) -> WebhookReceiver:
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

    def answer(
        self, status: int | None, times: int | None = None, seconds: float | None = None
    ) -> None:
        """Answer verified deliveries with `status` for the next `times` of them and/or the next
        `seconds` (whichever ends first; neither: until told otherwise). None goes back to
        normal. It replaces any earlier script. A 3xx carries a Location back to this server,
        which a sender must not follow. Unverified requests are answered 401 regardless."""
        if status is not None and (
            not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599
        ):
            raise ValueError("'status' must be an HTTP status, 100 to 599")
        _count(times, "times")
        _count(seconds, "seconds")
        with self._lock:
            if status is None:
                self._script = None
            else:
                until = None if seconds is None else time.monotonic() + seconds
                self._script = _Script(status, None if times is None else int(times), until)

    def hang(self, seconds: float, times: int | None = 1) -> None:
        """Answer the next `times` requests (every request when None) only after `seconds`: a
        slow endpoint, or a hanging one past the sender's timeout. The delivery is still
        recorded (and processed) at once, as a real endpoint would whose answer got lost."""
        _count(seconds, "seconds", positive=False)
        _count(times, "times")
        with self._lock:
            if times is None:
                self._hang_every = float(seconds)
            else:
                self._hangs.extend([float(seconds)] * int(times))

    def deliveries(self) -> list[dict[str, Any]]:
        """Every request received: ``id``, ``type``, ``data`` (None unless verified),
        ``verified``, ``duplicate``, ``status`` answered, ``error`` (why it failed to verify),
        ``path``, ``received_at``."""
        with self._lock:
            return copy.deepcopy(self._deliveries)

    def reset(self) -> None:
        """Forget scripts, hangs, processed ids and everything recorded."""
        with self._lock:
            self._script = None
            self._hangs.clear()
            self._hang_every = 0.0
            self._processed.clear()
            self._deliveries.clear()

    # -- request handling ----------------------------------------------------

    def _deliver(self, path: str, headers: dict[str, str], raw: bytes) -> Answer:
        lowered = {k.lower(): v for k, v in headers.items()}
        webhook_id = lowered.get("webhook-id", "")[:255]
        entry: dict[str, Any] = {
            "id": webhook_id,
            "type": None,
            "data": None,
            "verified": False,
            "duplicate": False,
            "status": 401,
            "error": None,
            "path": path,
            "received_at": datetime.now(UTC).isoformat(timespec="microseconds"),
        }
        payload: Any = None
        try:
            payload = self._webhook.verify(raw, headers)
        except WebhookVerificationError as exc:
            entry["error"] = str(exc)
        except ValueError:  # verified, but not JSON
            entry.update(verified=True, status=400, error="the body is not JSON")
        else:
            entry["verified"] = True
            if isinstance(payload, dict):
                entry["type"], entry["data"] = payload.get("type"), payload.get("data")
        with self._lock:
            delay = self._hangs.popleft() if self._hangs else self._hang_every
            if entry["verified"] and entry["status"] != 400:
                scripted = self._script.take() if self._script is not None else None
                entry["duplicate"] = webhook_id in self._processed
                entry["status"] = 200 if scripted is None else scripted
                if 200 <= entry["status"] < 300:
                    self._processed.add(webhook_id)
            self._deliveries.append(entry)
            if self._record_file is not None:
                self._record_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
                self._record_file.flush()
        status = int(entry["status"])
        extra: dict[str, str] = {}
        if 300 <= status < 400:
            extra["Location"] = f"{self._url}/moved"
        if status == 401:
            body: dict[str, Any] = {"error": entry["error"]}
        elif status < 300:
            body = {"ok": True, "duplicate": entry["duplicate"]}
        else:
            body = {"error": entry["error"] or f"scripted {status}"}
        return Answer(status, body, extra, delay)

    def _control(self, method: str, action: str, body: Any) -> Answer:
        if method == "GET" and action == "deliveries":
            return Answer(200, {"deliveries": self.deliveries()}, {}, 0.0)
        if method != "POST":
            return Answer(404, {"error": "not found"}, {}, 0.0)
        args = body if isinstance(body, dict) else {}
        try:
            if action == "answer":
                self.answer(args.get("status"), args.get("times"), args.get("seconds"))
            elif action == "hang":
                self.hang(args.get("seconds", 0), args.get("times", 1))
            elif action == "reset":
                self.reset()
            else:
                return Answer(404, {"error": "not found"}, {}, 0.0)
        except ValueError as exc:
            return Answer(400, {"error": str(exc)}, {}, 0.0)
        return Answer(200, {}, {}, 0.0)

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Answer:
        """Answer one HTTP request."""
        if path.startswith("/__control/"):
            body: Any = None
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    return Answer(400, {"error": "body is not JSON"}, {}, 0.0)
            return self._control(method, path.removeprefix("/__control/"), body)
        if method != "POST":
            return Answer(405, {"error": "POST only"}, {"Allow": "POST"}, 0.0)
        return self._deliver(path, headers, raw)

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64
    receiver: WebhookReceiver
    tls: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        # TLS is set up here, in the request's own thread: wrapping the listening socket would
        # do every handshake in the accept loop, where one silent client stalls them all.
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(5)
        try:
            tls = self.tls.wrap_socket(request, server_side=True)
        except OSError:
            return  # the client did not trust us, or went away: nothing to serve
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()


class _Handler(QuietHandler):
    # HTTP/1.0 closes each connection, so no keep-alive handler outlives stop().
    protocol_version = "HTTP/1.0"

    def _dispatch(self, method: str) -> None:
        receiver = cast(_Server, self.server).receiver
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._reply(Answer(413, {"error": f"at most {MAX_BODY} bytes"}, {}, 0.0))
            return
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        answer = receiver.handle(method, path, dict(self.headers.items()), raw)
        receiver._wait(answer.delay)
        self._reply(answer)

    def _reply(self, answer: Answer) -> None:
        payload = json.dumps(answer.body).encode()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the sender gave up waiting (a hang): nothing to tell it


class WebhookReceiverClient(ControlClient):
    """Drives a running receiver over HTTP, e.g. one the local stack runs as a process."""

    def answer(
        self, status: int | None, times: int | None = None, seconds: float | None = None
    ) -> None:
        """As WebhookReceiver.answer."""
        self._call("POST", "answer", {"status": status, "times": times, "seconds": seconds})

    def hang(self, seconds: float, times: int | None = 1) -> None:
        """As WebhookReceiver.hang."""
        self._call("POST", "hang", {"seconds": seconds, "times": times})

    def deliveries(self) -> list[dict[str, Any]]:
        """As WebhookReceiver.deliveries."""
        return cast(list[dict[str, Any]], self._call("GET", "deliveries")["deliveries"])

    def reset(self) -> None:
        """As WebhookReceiver.reset."""
        self._call("POST", "reset", {})


def main(argv: list[str] | None = None) -> int:
    """Run the receiver in the foreground until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--secret-env",
        default="KEYWATCH_WEBHOOK_SECRET",
        metavar="NAME",
        help="the environment variable holding the whsec_ secret (default: %(default)s)",
    )
    parser.add_argument(
        "--record", type=Path, metavar="FILE", help="append one JSON line per delivery to FILE"
    )
    args = parser.parse_args(argv)
    secret = os.environ.get(args.secret_env, "")
    if not secret:
        parser.error(f"the environment variable {args.secret_env} is not set")
    try:
        receiver = WebhookReceiver(secret, port=args.port, record=args.record)
    except ValueError as exc:
        parser.error(f"{args.secret_env}: {exc}")

    stopping = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with receiver:
        print(f"webhook receiver listening on {receiver.url}", flush=True)
        # Timed waits let the main thread run the signal handler promptly.
        while not stopping.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
