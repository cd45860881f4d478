"""BYOK context propagation, and capture with track / tracked."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import openai
import pytest

import keywatch
from keywatch.context import KeywatchContextMiddleware, carry, current, request_context, submit
from keywatch.reporting import Reporter
from keywatch.settings import Settings
from tests.fakes import FakePublisherClient


@pytest.fixture
def published() -> Any:
    client = FakePublisherClient()
    r = Reporter(Settings(project_id="p"), client_factory=lambda: client)

    def events() -> list[dict[str, Any]]:
        assert r.flush(5)
        return client.events()

    events.reporter = r  # type: ignore[attr-defined]
    events.client = client  # type: ignore[attr-defined]
    yield events
    r.close()


def openai_auth_error() -> openai.AuthenticationError:
    # https://platform.openai.com/docs/guides/error-codes (401 invalid_api_key)
    body = {
        "error": {
            "message": "Incorrect API key provided: sk-proj-****abcd.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
    }
    request = httpx.Request("POST", "https://api.openai.com/v1/chat/completions")
    response = httpx.Response(401, json=body, request=request)
    return openai.AuthenticationError("Error code: 401", response=response, body=body["error"])


def test_context_follows_tasks_threads_and_jobs() -> None:
    """asyncio tasks copy the context; submit() and carry() take it into threads and jobs."""
    seen: list[str | None] = []

    def who() -> None:
        ctx = current()
        seen.append(ctx.uid if ctx else None)

    async def main() -> None:
        with request_context(uid="u1", byok={"openai"}):
            await asyncio.create_task(asyncio.to_thread(who))
            with ThreadPoolExecutor(1) as pool:
                submit(pool, who).result()
                job = carry(who)
                pool.submit(who).result()  # a plain submit does not carry it
            job()

    asyncio.run(main())
    who()
    assert seen == ["u1", "u1", None, "u1", None]


def test_middleware_binds_http_and_websocket() -> None:
    """The ASGI middleware binds the resolved user for HTTP and for a whole WebSocket."""
    seen: list[tuple[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        ctx = current()
        seen.append((scope["type"], ctx and (ctx.uid, ctx.byok, ctx.request_id)))

    async def resolve(scope: Any) -> dict[str, Any] | None:
        return {"uid": "u9", "byok": ["Anthropic"]} if scope["type"] != "lifespan" else None

    mw = KeywatchContextMiddleware(app, resolve)
    headers = [(b"x-request-id", b"rid-1")]
    asyncio.run(mw({"type": "http", "headers": headers}, None, None))
    asyncio.run(mw({"type": "websocket", "headers": []}, None, None))
    asyncio.run(mw({"type": "lifespan"}, None, None))
    assert seen[0] == ("http", ("u9", frozenset({"anthropic"}), "rid-1"))
    assert seen[1][0] == "websocket" and seen[1][1][0] == "u9"
    assert seen[2] == ("lifespan", None)


def test_track_reports_sdk_exception_and_reraises(published: Any) -> None:
    """An openai AuthenticationError becomes a BYOK invalid-key failure, and is re-raised."""
    r = published.reporter
    with (
        request_context(uid="u1", byok={"openai"}),
        pytest.raises(openai.AuthenticationError),
        keywatch.track("openai", "gpt-4o", api_key="user-key", feature="chat", reporter=r),
    ):
        raise openai_auth_error()
    [e] = published()
    assert (e["source"], e["uid"], e["status_code"], e["error_code"]) == (
        "byok",
        "u1",
        401,
        "invalid_api_key",
    )
    assert e["error_type"] == "AuthenticationError" and e["attempt"] == 1


def test_track_counts_success_and_numbers_attempts(published: Any) -> None:
    """Retries in one request are attempts 1, 2, ...; the final success is tallied."""
    r = published.reporter
    with request_context(uid="u1"):
        for _ in range(2):
            with pytest.raises(TimeoutError), keywatch.track("groq", "llama", reporter=r):
                raise TimeoutError("Request timed out.")
        with keywatch.track("groq", "llama", reporter=r):
            pass
    events = published()
    assert [e["attempt"] for e in events if e["type"] == "failure"] == [1, 2]
    [tally] = published.client.tally_groups()
    assert tally["successes"] == 1 and len(tally["recovered_event_ids"]) == 2


def test_stream_error_after_the_with_block_is_reported(published: Any) -> None:
    """A stream iterated later (as a web framework does) still reports its mid-stream error."""
    r = published.reporter

    def chunks() -> Any:
        yield "a"
        raise openai.APIError(
            "overloaded",
            httpx.Request("POST", "https://x"),
            body={"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        )

    with keywatch.track("anthropic", "claude", reporter=r) as t:
        stream = t.stream(chunks())
    with pytest.raises(openai.APIError):
        list(stream)
    [e] = published()
    assert e["type"] == "failure" and e["error_message"]


def test_tracked_decorates_all_four_kinds(published: Any) -> None:
    """Plain, async, generator and async-generator functions are all captured."""
    r = published.reporter
    opts = {"reporter": r}

    @keywatch.tracked("openai", "m", **opts)
    def plain() -> int:
        return 1

    @keywatch.tracked("openai", "m", **opts)
    async def coro() -> int:
        raise ConnectionError("Connection error.")

    @keywatch.tracked("openai", "m", **opts)
    def gen() -> Any:
        yield 1

    @keywatch.tracked("openai", "m", **opts)
    async def agen() -> Any:
        yield 1

    async def run_async() -> None:
        with pytest.raises(ConnectionError):
            await coro()
        assert [x async for x in agen()] == [1]

    assert plain() == 1 and list(gen()) == [1]
    asyncio.run(run_async())
    events = published()
    assert [e["error_type"] for e in events if e["type"] == "failure"] == ["ConnectionError"]
    assert sum(g["successes"] for g in published.client.tally_groups()) == 3


def test_cancellation_is_not_a_failure(published: Any) -> None:
    """A cancelled task or a consumer closing a stream early reports no failure."""
    r = published.reporter

    async def slow() -> None:
        async with keywatch.track("openai", "m", reporter=r):
            await asyncio.sleep(10)

    async def main() -> None:
        task = asyncio.create_task(slow())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    gen = keywatch.track("openai", "m", reporter=r).stream(iter(range(10)))
    next(gen)
    gen.close()
    assert [e for e in published() if e["type"] == "failure"] == []
