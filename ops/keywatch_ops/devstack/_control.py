"""What the local stand-ins (FCM, the webhook receiver) share: a client that drives one over its
`/__control/` endpoints, and a request handler that dispatches GET and POST quietly."""

from __future__ import annotations

import json
import urllib.request
from http.server import BaseHTTPRequestHandler
from typing import Any


class ControlClient:
    """Drives a running stand-in over HTTP, e.g. one the local stack runs as another process."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self._url = url.rstrip("/")
        self._timeout = timeout
        # Bypass any proxy settings from the environment: the stand-in is local.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _call(self, method: str, action: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self._url}/__control/{action}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        # HTTPError (a 400 for a bad argument) propagates to the caller.
        with self._opener.open(req, timeout=self._timeout) as resp:
            return json.loads(resp.read() or b"{}")


class QuietHandler(BaseHTTPRequestHandler):
    """GET and POST go to `_dispatch(method)`; no per-request lines on stderr, which would
    drown test and dev-stack output."""

    def _dispatch(self, method: str) -> None:
        raise NotImplementedError

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, format: str, *args: Any) -> None:
        pass
