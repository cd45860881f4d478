"""Local stand-in for the providers' public status feeds (docs/status_feeds.md).

Serves recorded documents (tests/corpus/statusfeeds/) at the feeds' own paths under a prefix per
provider: `/openai/api/v2/summary.json`, `/anthropic/api/v2/summary.json`,
`/groq/api/v2/summary.json`, `/google/incidents.json` (`path_for`). Each path can be switched,
from Python or over HTTP under `/__control/`, to:

    document   200 with the recorded bytes (the default once a path is served)
    malformed  200 with a JSON document cut off half way (a proxy that dropped the connection)
    hang       answers only after `seconds` (or when the stand-in stops): past any client timeout
    status     that HTTP status with a short HTML page (503: an overloaded front end)
    redirect   302 to a given location
    trickle    the status line and headers, then one body byte every 0.2 s
    huge       200 with a JSON body over 1 MiB

An unknown path is a 404. Every request is recorded (its path), so tests can count fetches.
Listens on 127.0.0.1 only.

    python -m keywatch_ops.devstack.statusfeed_standin --port 8091 \
        --route /openai/api/v2/summary.json=tests/corpus/statusfeeds/openai_summary_incident.json
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from dataclasses import dataclass, replace
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Final, cast

from keywatch.core.statusfeed import DEFAULT_FEEDS, FeedConfig
from keywatch_ops.devstack._control import ControlClient, QuietHandler

__all__ = [
    "MODES",
    "StatusFeedStandIn",
    "StatusFeedStandInClient",
    "main",
    "path_for",
]

LOOPBACK: Final = "127.0.0.1"
MODES: Final = ("document", "malformed", "hang", "status", "redirect", "trickle", "huge")
HUGE_BYTES: Final = (1 << 20) + 4096
TRICKLE_STEP_S: Final = 0.2
_MALFORMED: Final = (
    b'{"page":{"id":"kctbh9vrtdwd","name":"Example","url":"https://status.example.com"},'
    b'"status":{"indicator":"none","description":"All Systems Oper'
)
_UNAVAILABLE: Final = (
    "<html><head><title>503 Service Unavailable</title></head><body><center>"
    "<h1>503 Service Unavailable</h1></center></body></html>"
)


def path_for(feed: FeedConfig) -> str:
    """Where the stand-in serves `feed`: Google's one incidents.json for every google_cloud
    feed, a Statuspage summary under the provider's name otherwise."""
    if feed.kind == "google_cloud":
        return "/google/incidents.json"
    return f"/{feed.provider}/api/v2/summary.json"


@dataclass(frozen=True, slots=True)
class _Route:
    mode: str = "document"
    body: bytes = b""  # the recorded document
    status: int = 503  # for "status"
    seconds: float = 30.0  # for "hang"
    location: str = ""  # for "redirect"


class StatusFeedStandIn:
    """The feeds on 127.0.0.1, each path switchable between its document and a failure."""

    def __init__(self, host: str = LOOPBACK, port: int = 0) -> None:
        if host != LOOPBACK:
            raise ValueError(f"the status feed stand-in listens on {LOOPBACK} only, not {host!r}")
        self._host, self._port = host, port
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._routes: dict[str, _Route] = {}
        self._requests: list[str] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("status feed stand-in already started")
        self._stopping.clear()
        server = _Server((self._host, self._port), _Handler)
        server.standin = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="statusfeed-standin",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()  # wakes "hang" and "trickle" answers
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> StatusFeedStandIn:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT``."""
        if self._server is None:
            raise RuntimeError("status feed stand-in is not running")
        return f"http://{self._host}:{self._server.server_address[1]}"

    def feeds(self, feeds: dict[str, FeedConfig] | None = None) -> dict[str, FeedConfig]:
        """`feeds` (DEFAULT_FEEDS when None) pointed at this stand-in, components unchanged."""
        source = DEFAULT_FEEDS if feeds is None else feeds
        return {p: replace(f, url=self.url + path_for(f)) for p, f in source.items()}

    # -- controls -----------------------------------------------------------------------------

    def serve(self, path: str, document: bytes | str | Any, status: int = 200) -> None:
        """Answer `path` with `document` (bytes as they are, str as UTF-8, else as JSON), and
        switch it back to "document" mode. A status other than 200 sends it with that status."""
        if isinstance(document, bytes):
            body = document
        elif isinstance(document, str):
            body = document.encode()
        else:
            body = json.dumps(document).encode()
        route = _Route("document", body) if status == 200 else _Route("status", body, status)
        self._set(path, route)

    def serve_file(self, path: str, file: str | Path) -> None:
        """Answer `path` with a recorded document's bytes."""
        self.serve(path, Path(file).read_bytes())

    def set_mode(
        self,
        path: str,
        mode: str,
        *,
        status: int = 503,
        seconds: float = 30.0,
        location: str = "",
    ) -> None:
        """Switch `path` to one of MODES, keeping its recorded document for "document" (and
        for after a "hang")."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {list(MODES)}")
        if not 100 <= status <= 599:
            raise ValueError("status must be an HTTP status code")
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        if mode == "redirect" and not location:
            raise ValueError("a redirect needs a location")
        with self._lock:
            body = self._routes.get(path, _Route()).body
            self._routes[path] = _Route(mode, body, status, seconds, location)

    def malformed(self, path: str) -> None:
        self.set_mode(path, "malformed")

    def hang(self, path: str, seconds: float = 30.0) -> None:
        self.set_mode(path, "hang", seconds=seconds)

    def fail(self, path: str, status: int = 503) -> None:
        self.set_mode(path, "status", status=status)

    def _set(self, path: str, route: _Route) -> None:
        if not path.startswith("/") or path.startswith("/__control/"):
            raise ValueError(f"a feed path starts with / and is not under /__control/: {path!r}")
        with self._lock:
            self._routes[path] = route

    def requests(self, path: str | None = None) -> list[str]:
        """The paths requested so far (only `path`'s when given), oldest first."""
        with self._lock:
            return [p for p in self._requests if path is None or p == path]

    def reset(self) -> None:
        """Forget every route and every recorded request."""
        with self._lock:
            self._routes.clear()
            self._requests.clear()

    # -- answering ----------------------------------------------------------------------------

    def _route(self, path: str) -> _Route | None:
        with self._lock:
            self._requests.append(path)
            return self._routes.get(path)

    def _control(self, method: str, action: str, body: Any) -> tuple[int, Any]:
        if method == "GET" and action == "requests":
            return 200, {"requests": self.requests()}
        if method != "POST":
            return 404, {"error": "no such control"}
        args = body if isinstance(body, dict) else {}
        try:
            if action == "serve":
                path = args.get("path")
                if not isinstance(path, str):
                    raise ValueError("'path' must be a string")
                self.serve(path, args.get("document"), int(args.get("status", 200)))
            elif action == "mode":
                path, mode = args.get("path"), args.get("mode")
                if not isinstance(path, str) or not isinstance(mode, str):
                    raise ValueError("'path' and 'mode' must be strings")
                self.set_mode(
                    path,
                    mode,
                    status=int(args.get("status", 503)),
                    seconds=float(args.get("seconds", 30.0)),
                    location=str(args.get("location", "")),
                )
            elif action == "reset":
                self.reset()
            else:
                return 404, {"error": "no such control"}
        except (TypeError, ValueError) as exc:
            return 400, {"error": str(exc)}
        return 200, {}

    def _answer(self, handler: _Handler, route: _Route) -> None:
        mode = route.mode
        if mode == "hang":
            if self._stopping.wait(route.seconds):
                return  # stopping: drop the connection unanswered
            return _send(handler, 200, route.body or b"{}")
        if mode == "malformed":
            return _send(handler, 200, _MALFORMED)
        if mode == "status":
            page = route.body or _UNAVAILABLE.encode()
            return _send(handler, route.status, page, "text/html; charset=UTF-8")
        if mode == "redirect":
            return _send(handler, 302, b"", headers={"Location": route.location})
        if mode == "huge":
            item = b'{"name":"padding","status":"operational"},'
            body = b'{"components":[' + item * (HUGE_BYTES // len(item)) + b"{}]}"
            return _send(handler, 200, body)
        if mode == "trickle":
            return self._trickle(handler, route.body or b"{}")
        return _send(handler, 200, route.body)

    def _trickle(self, handler: _Handler, body: bytes) -> None:
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.flush()
            for i in range(len(body)):
                if self._stopping.wait(TRICKLE_STEP_S):
                    return
                handler.wfile.write(body[i : i + 1])
                handler.wfile.flush()
        except OSError:
            return  # the client gave up: nothing to tell it


def _send(
    handler: _Handler,
    status: int,
    body: bytes,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> None:
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
    except OSError:
        pass  # the client gave up waiting (a hang past its deadline)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    standin: StatusFeedStandIn

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that gave up is expected here


class _Handler(QuietHandler):
    # HTTP/1.0 closes each connection, so no keep-alive handler outlives stop().
    protocol_version = "HTTP/1.0"

    def _dispatch(self, method: str) -> None:
        standin = cast(_Server, self.server).standin
        path = self.path.split("?", 1)[0]
        if path.startswith("/__control/"):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                status, answer = 400, {"error": "body is not JSON"}
            else:
                status, answer = standin._control(method, path.removeprefix("/__control/"), body)
            return _send(self, status, json.dumps(answer).encode())
        if method != "GET":
            return _send(self, 405, b'{"error":"GET only"}')
        route = standin._route(path)
        if route is None:
            return _send(self, 404, b'{"error":"no feed at this path"}')
        standin._answer(self, route)


class StatusFeedStandInClient(ControlClient):
    """Drives a running stand-in over HTTP, e.g. the local stack's, from another process."""

    def serve(self, path: str, document: Any, status: int = 200) -> None:
        """Answer `path` with `document` (JSON) and that status."""
        self._call("POST", "serve", {"path": path, "document": document, "status": status})

    def set_mode(
        self, path: str, mode: str, *, status: int = 503, seconds: float = 30.0, location: str = ""
    ) -> None:
        self._call(
            "POST",
            "mode",
            {
                "path": path,
                "mode": mode,
                "status": status,
                "seconds": seconds,
                "location": location,
            },
        )

    def requests(self) -> list[str]:
        return cast(list[str], self._call("GET", "requests")["requests"])

    def reset(self) -> None:
        self._call("POST", "reset", {})


def main(argv: list[str] | None = None) -> int:
    """Run the stand-in in the foreground until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--route",
        action="append",
        default=[],
        metavar="PATH=FILE",
        help="serve FILE at PATH (repeatable)",
    )
    args = parser.parse_args(argv)
    routes = []
    for spec in args.route:
        path, sep, file = spec.partition("=")
        if not sep or not path.startswith("/"):
            parser.error(f"--route takes /PATH=FILE, not {spec!r}")
        routes.append((path, file))

    stopping = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with StatusFeedStandIn(port=args.port) as standin:
        for path, file in routes:
            standin.serve_file(path, file)
        print(f"status feed stand-in listening on {standin.url}", flush=True)
        while not stopping.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
