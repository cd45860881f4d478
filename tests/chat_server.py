"""A loopback OpenAI-compatible chat endpoint for tests: `POST /v1/chat/completions` and
`POST /v1/embeddings`, answered by the kind of the key in `Authorization: Bearer <key>` (the
part before the first "."), as provider_standin does for key checks:

    bad        401 invalid_api_key, OpenAI's documented body, echoing the key masked as OpenAI does
    limited    429 rate_limit_exceeded, OpenAI's documented body
    (other)    200, a chat completion (or an embedding list)

Bodies from https://platform.openai.com/docs/guides/error-codes. Records each request's path
and key kind, never the key. Listens on 127.0.0.1 only.

    with ChatStandIn() as chat:
        client = openai.OpenAI(api_key="bad.sk-...", base_url=chat.base_url, max_retries=0)
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

LOOPBACK = "127.0.0.1"


def _masked(key: str) -> str:
    # OpenAI echoes a wrong key's first and last characters: "sk-proj-abcd****wxyz".
    return f"{key[:12]}{'*' * 20}{key[-4:]}" if len(key) > 16 else "****"


def answer(path: str, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    kind, _, rest = key.partition(".")
    model = str(body.get("model") or "gpt-4o-mini")
    if kind == "bad":
        return 401, {
            "error": {
                "message": f"Incorrect API key provided: {_masked(rest or key)}. You can find "
                "your API key at https://platform.openai.com/account/api-keys.",
                "type": "invalid_request_error",
                "param": None,
                "code": "invalid_api_key",
            }
        }
    if kind == "limited":
        return 429, {
            "error": {
                "message": f"Rate limit reached for {model} in organization org-standin on "
                "requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. "
                "Visit https://platform.openai.com/account/rate-limits to learn more.",
                "type": "requests",
                "param": None,
                "code": "rate_limit_exceeded",
            }
        }
    if path.endswith("/embeddings"):
        return 200, {
            "object": "list",
            "data": [{"object": "embedding", "index": 0, "embedding": [0.0, 0.1]}],
            "model": model,
            "usage": {"prompt_tokens": 1, "total_tokens": 1},
        }
    return 200, {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": f"{model}-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "ok"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class ChatStandIn:
    def __init__(self, port: int = 0) -> None:
        self.seen: list[tuple[str, str]] = []  # (path, key kind)
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                auth = self.headers.get("authorization") or ""
                key = auth.removeprefix("Bearer ").strip()
                stand_in.seen.append((self.path, key.partition(".")[0]))
                status, payload = answer(self.path, key, body if isinstance(body, dict) else {})
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.send_header("x-request-id", f"req_standin_{len(stand_in.seen)}")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the request line holds no key, but tests need no noise

        self._server = ThreadingHTTPServer((LOOPBACK, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}/v1"

    def __enter__(self) -> ChatStandIn:
        self._thread.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
