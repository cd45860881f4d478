"""Local stand-in for the providers' chat APIs: what an LLM call (through LiteLLM or an SDK) hits.

provider_standin.py serves the key-check endpoints (GET, one answer per key) that
keywatch.validate_key calls; this one serves the calls themselves (POST, JSON or a stream):

    POST [/<prefix>]/v1/chat/completions   OpenAI's chat completions, and every OpenAI-compatible
                                           API (Groq, Mistral, DeepSeek, Together, OpenRouter...)
    POST [/<prefix>]/v1/messages           Anthropic's Messages API

An optional first path segment (`/groq/v1/chat/completions`) is recorded as the provider, so one
server can stand in for several. `"stream": true` answers with server-sent events: OpenAI's
`data:` chunks ending in `data: [DONE]`, Anthropic's named events (message_start ...
message_stop). The key comes from `Authorization: Bearer`, `x-api-key` or `api-key`; what is
answered depends on its kind, the part before the first "." ("bad" and "bad.sk-test-1234" are
both "bad"):

    good       a completion (a stream when asked for one)
    bad        the provider's invalid-key answer: 401, the key echoed masked as OpenAI does
    echo       401 with the whole key in the message (the worst a gateway does)
    broke      out of credit: OpenAI's 429 insufficient_quota, Anthropic's 400 "credit balance"
    limited    a 429 rate limit (no retry-after header: the caller's retries do not sleep)
    down       OpenAI's 503, Anthropic's 529 overloaded_error
    flaky      429 rate limit for the first request with that key, then as "good"
    midstream  a stream that sends two chunks, then the provider's error event (OpenAI:
               `data: {"error": ...}`; Anthropic: `event: error`, overloaded_error)
    cut        a stream that sends two chunks, then drops the connection mid-body
    slow       answers as "good" after `slow_s` seconds

A key of no known kind (a real key pasted by mistake) is answered as "bad". Each request is
recorded (prefix, API, path, model, stream, kind, the header that held the key) and never the
key itself; nothing is printed. Listens on 127.0.0.1 only.

    python -m keywatch_ops.devstack.chat_standin --port 8092
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, Final, Literal

__all__ = ["KINDS", "ChatSeen", "ChatStandIn", "main"]

LOOPBACK: Final = "127.0.0.1"
KINDS: Final = (
    "good",
    "bad",
    "echo",
    "broke",
    "limited",
    "down",
    "flaky",
    "midstream",
    "cut",
    "slow",
)
REPLY: Final = "Hello from the chat stand-in."
_CHUNKS_BEFORE_FAILING: Final = 2

Api = Literal["openai", "anthropic"]


@dataclass(frozen=True, slots=True)
class ChatSeen:
    """One request, as recorded: never the key."""

    prefix: str | None  # the first path segment before /v1, if any (e.g. "groq")
    api: Api | None
    path: str
    model: str | None
    stream: bool
    kind: str | None  # None: no key at all
    auth_header: str | None


def _masked(key: str) -> str:
    # How OpenAI echoes a wrong key: "Incorrect API key provided: sk-ab****wxyz".
    return f"{key[:3]}****{key[-4:]}" if len(key) > 12 else "****"


# -- the providers' documented answers ---------------------------------------------------------


def _openai_error(kind: str, key: str) -> tuple[int, dict[str, Any]]:
    # https://platform.openai.com/docs/guides/error-codes (the API error table).
    if kind == "echo":
        message = f"Incorrect API key provided: {key}."
        return 401, _oai(message, "invalid_request_error", "invalid_api_key")
    if kind == "broke":
        message = (
            "You exceeded your current quota, please check your plan and billing details. For "
            "more information on this error, read the docs: "
            "https://platform.openai.com/docs/guides/error-codes/api-errors."
        )
        return 429, _oai(message, "insufficient_quota", "insufficient_quota")
    if kind in ("limited", "flaky"):
        message = (
            "Rate limit reached for gpt-4o-mini in organization org-standin on requests per "
            "min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit "
            "https://platform.openai.com/account/rate-limits to learn more."
        )
        return 429, _oai(message, "requests", "rate_limit_exceeded")
    if kind == "down":
        return 503, _oai(
            "The engine is currently overloaded, please try again later.", "server_error", None
        )
    message = (
        f"Incorrect API key provided: {_masked(key)}. You can find your API key at "
        "https://platform.openai.com/account/api-keys."
    )
    return 401, _oai(message, "invalid_request_error", "invalid_api_key")


def _oai(message: str, error_type: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


def _anthropic_error(kind: str, key: str) -> tuple[int, dict[str, Any]]:
    # https://docs.claude.com/en/api/errors: {"type": "error", "error": {"type", "message"}}.
    if kind == "echo":
        return 401, _ant("authentication_error", f"invalid x-api-key: {key}")
    if kind == "broke":
        return 400, _ant(
            "invalid_request_error",
            "Your credit balance is too low to access the Anthropic API. Please go to Plans & "
            "Billing to upgrade or purchase credits.",
        )
    if kind in ("limited", "flaky"):
        return 429, _ant(
            "rate_limit_error",
            "This request would exceed the rate limit for your organization of 50 requests "
            "per minute.",
        )
    if kind == "down":
        return 529, _ant("overloaded_error", "Overloaded")
    return 401, _ant("authentication_error", "invalid x-api-key")


def _ant(error_type: str, message: str) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": "req_standin",
    }


def _openai_completion(model: str, n: int) -> dict[str, Any]:
    # https://platform.openai.com/docs/api-reference/chat/object
    return {
        "id": f"chatcmpl-standin{n}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": REPLY, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 7, "total_tokens": 16},
    }


def _openai_chunks(model: str, n: int) -> Iterator[dict[str, Any]]:
    # https://platform.openai.com/docs/api-reference/chat-streaming/streaming
    base: dict[str, Any] = {
        "id": f"chatcmpl-standin{n}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }
    words = REPLY.split(" ")
    for i, word in enumerate(words):
        delta: dict[str, Any] = {"content": word if i == 0 else " " + word}
        if i == 0:
            delta["role"] = "assistant"
        yield {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}


def _anthropic_message(model: str, n: int) -> dict[str, Any]:
    # https://docs.claude.com/en/api/messages
    return {
        "id": f"msg_standin{n}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": REPLY}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 9, "output_tokens": 7},
    }


def _anthropic_events(model: str, n: int) -> Iterator[tuple[str, dict[str, Any]]]:
    # https://docs.claude.com/en/docs/build-with-claude/streaming (the event flow)
    message = {**_anthropic_message(model, n), "content": [], "stop_reason": None}
    message["usage"] = {"input_tokens": 9, "output_tokens": 1}
    yield "message_start", {"type": "message_start", "message": message}
    block = {"type": "text", "text": ""}
    yield "content_block_start", {"type": "content_block_start", "index": 0, "content_block": block}
    for i, word in enumerate(REPLY.split(" ")):
        delta = {"type": "text_delta", "text": word if i == 0 else " " + word}
        yield "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
    yield "content_block_stop", {"type": "content_block_stop", "index": 0}
    yield (
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 7},
        },
    )
    yield "message_stop", {"type": "message_stop"}


# -- the server ------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    standin: ChatStandIn

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that gave up (a timeout, a cancelled stream) is expected here


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # chunked streams, so that a dropped one is an error

    def log_message(self, format: str, *args: Any) -> None:  # quiet: no request lines
        return

    def do_POST(self) -> None:
        self.server.standin._handle(self)

    def do_GET(self) -> None:
        _send_json(self, 404, {"error": {"message": "the chat stand-in answers POST only"}})


class ChatStandIn:
    """The providers' chat endpoints on 127.0.0.1."""

    def __init__(self, host: str = LOOPBACK, port: int = 0, *, slow_s: float = 5.0) -> None:
        if host != LOOPBACK:
            raise ValueError(f"the chat stand-in listens on {LOOPBACK} only, not {host!r}")
        self._host, self._port, self.slow_s = host, port, slow_s
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._seen: list[ChatSeen] = []
        # How often each flaky key was seen, by the key's digest: the key itself is not kept.
        self._flaky: dict[str, int] = {}
        self._ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("chat stand-in already started")
        self._stopping.clear()
        server = _Server((self._host, self._port), _Handler)
        server.standin = self
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="chat-standin",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread

    def stop(self) -> None:
        self._stopping.set()  # wakes "slow" answers
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> ChatStandIn:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses and records ------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("chat stand-in not started")
        return f"http://{self._host}:{self._server.server_address[1]}"

    def base_url(self, prefix: str | None = None, api: Api = "openai") -> str:
        """What a client takes as its base URL: `.../v1` for OpenAI-compatible SDKs and
        LiteLLM's `api_base`; the root (without `/v1`) for Anthropic's."""
        root = f"{self.url}/{prefix}" if prefix else self.url
        return f"{root}/v1" if api == "openai" else root

    @property
    def requests(self) -> list[ChatSeen]:
        with self._lock:
            return list(self._seen)

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
            self._flaky.clear()

    # -- answering ------------------------------------------------------------------------------

    def _handle(self, handler: _Handler) -> None:
        path = handler.path.split("?", 1)[0]
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        api: Api | None = (
            "openai"
            if path.endswith("/v1/chat/completions")
            else "anthropic"
            if path.endswith("/v1/messages")
            else None
        )
        parts = path.strip("/").split("/")
        prefix = parts[0] if parts and parts[0] != "v1" and len(parts) > 1 else None
        key, auth_header = _key(handler)
        kind = None if key is None else _kind(key)
        model = body.get("model") if isinstance(body, Mapping) else None
        stream = bool(body.get("stream")) if isinstance(body, Mapping) else False
        seen = ChatSeen(
            prefix, api, path, model if isinstance(model, str) else None, stream, kind, auth_header
        )
        with self._lock:
            self._seen.append(seen)
            if kind == "flaky" and key is not None:
                # Failing once per key: counted by the key's digest, never the key.
                digest = hashlib.sha256(key.encode()).hexdigest()
                times = self._flaky[digest] = self._flaky.get(digest, 0) + 1
                kind = "flaky" if times == 1 else "good"
        if api is None:
            return _send_json(handler, 404, {"error": {"message": "no such route here"}})
        if not isinstance(body, Mapping) or not isinstance(model, str):
            if api == "anthropic":
                return _send_json(handler, 400, _ant("invalid_request_error", "model: required"))
            return _send_json(
                handler, 400, _oai("model is required", "invalid_request_error", None)
            )
        if key is None or kind is None:
            if api == "anthropic":
                return _send_json(
                    handler, 401, _ant("authentication_error", "x-api-key header is required")
                )
            message = "You didn't provide an API key."
            return _send_json(handler, 401, _oai(message, "invalid_request_error", None))
        if kind == "slow":
            self._stopping.wait(self.slow_s)
            kind = "good"
        if kind not in ("good", "midstream", "cut"):
            status, error = (_anthropic_error if api == "anthropic" else _openai_error)(kind, key)
            return _send_json(handler, status, error)
        n = next(self._ids)
        if not stream:
            answer = (
                _anthropic_message(model, n) if api == "anthropic" else _openai_completion(model, n)
            )
            return _send_json(handler, 200, answer)
        events = _anthropic_sse(model, n) if api == "anthropic" else _openai_sse(model, n)
        return _stream(handler, events, kind, api)


def _kind(key: str) -> str:
    first = key.split(".", 1)[0]
    return first if first in KINDS else "bad"


def _key(handler: _Handler) -> tuple[str | None, str | None]:
    value = handler.headers.get("authorization")
    if value:
        scheme, _, token = value.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip(), "authorization"
    for header in ("x-api-key", "api-key"):
        value = handler.headers.get(header)
        if value:
            return value.strip(), header
    return None, None


def _openai_sse(model: str, n: int) -> Iterator[bytes]:
    for chunk in _openai_chunks(model, n):
        yield f"data: {json.dumps(chunk)}\n\n".encode()
    yield b"data: [DONE]\n\n"


def _anthropic_sse(model: str, n: int) -> Iterator[bytes]:
    for event, data in _anthropic_events(model, n):
        yield f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def _stream_error(api: Api) -> bytes:
    if api == "anthropic":
        # https://docs.claude.com/en/docs/build-with-claude/streaming#error-events
        data = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        return f"event: error\ndata: {json.dumps(data)}\n\n".encode()
    # An error object in place of a chunk, which the openai SDK raises as an APIError.
    error = _oai("The server had an error while processing your request.", "server_error", None)
    return f"data: {json.dumps(error)}\n\n".encode()


def _stream(handler: _Handler, events: Iterator[bytes], kind: str, api: Api) -> None:
    out = handler.wfile
    try:
        handler.send_response(200)
        handler.send_header("content-type", "text/event-stream; charset=utf-8")
        handler.send_header("cache-control", "no-cache")
        handler.send_header("transfer-encoding", "chunked")
        handler.end_headers()
        for i, data in enumerate(events):
            if kind != "good" and i == _CHUNKS_BEFORE_FAILING:
                if kind == "cut":  # no terminating chunk: the client sees an incomplete body
                    out.flush()
                    handler.close_connection = True
                    return
                out.write(_chunk(_stream_error(api)))
                break
            out.write(_chunk(data))
            out.flush()
        out.write(b"0\r\n\r\n")
        out.flush()
    except OSError:
        handler.close_connection = True  # the client went away (a cancelled stream)


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _send_json(handler: _Handler, status: int, body: Any) -> None:
    data = json.dumps(body).encode()
    try:
        handler.send_response(status)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except OSError:
        handler.close_connection = True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--slow-s", type=float, default=5.0)
    args = parser.parse_args(argv)
    standin = ChatStandIn(port=args.port, slow_s=args.slow_s)
    standin.start()
    print(f"chat stand-in on {standin.url}")
    print(f"  OpenAI-compatible base_url {standin.base_url()}  (any /<prefix>/v1 too)")
    print(f"  Anthropic base_url         {standin.base_url(api='anthropic')}")
    print(f"  key kinds: {', '.join(KINDS)}")
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stop.wait(0.5):
        pass
    standin.stop()


if __name__ == "__main__":
    main()
