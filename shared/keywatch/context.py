"""Which user a request serves, and which providers use that user's own key (BYOK).

The context travels with the request in a ContextVar: asyncio tasks copy it on creation, and the
helpers here carry it into thread pools and background jobs. A failure deep inside a LangChain
call then knows whether it was BYOK, and whose.

    with keywatch.request_context(uid=user.id, byok={"openai"}):
        ...  # every report() in here, in tasks it starts, in submit()-ed work, knows

No web framework is imported: the middleware speaks plain ASGI (Starlette and FastAPI apps
accept it with `app.add_middleware(KeywatchContextMiddleware, resolve=...)`).
"""

from __future__ import annotations

import contextvars
import functools
import itertools
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from keywatch.events import Source

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class RequestContext:
    uid: str | None = None
    byok: frozenset[str] = frozenset()  # providers (lower case) called with the user's own key
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    feature: str | None = None
    # Attempts per provider within this request, so retries are numbered without bookkeeping.
    _attempts: dict[str, itertools.count[int]] = field(default_factory=dict, compare=False)

    def source_for(self, provider: str) -> Source:
        return Source.BYOK if provider.lower() in self.byok else Source.PLATFORM

    def next_attempt(self, provider: str) -> int:
        return next(self._attempts.setdefault(provider.lower(), itertools.count(1)))


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "keywatch_request_context", default=None
)


def current() -> RequestContext | None:
    """The context of the request being served here, if any."""
    return _current.get()


@contextmanager
def request_context(
    uid: str | None = None,
    byok: Iterable[str] = (),
    request_id: str | None = None,
    feature: str | None = None,
) -> Iterator[RequestContext]:
    """Bind who this work is for, and which providers use their own keys, until the block ends."""
    ctx = RequestContext(
        uid=uid,
        byok=frozenset(p.lower() for p in byok),
        request_id=request_id or uuid.uuid4().hex,
        feature=feature,
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def submit(executor: Executor, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> Future[R]:
    """`executor.submit` that runs `fn` in the caller's context (thread pools do not copy it)."""
    ctx = contextvars.copy_context()
    return executor.submit(ctx.run, functools.partial(fn, *args, **kwargs))


def carry(fn: Callable[P, R]) -> Callable[P, R]:
    """Bind `fn` to the context it is wrapped in: for background jobs, callbacks and threads.

    background_tasks.add_task(keywatch.carry(summarize), doc_id)
    """
    ctx = contextvars.copy_context()

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return ctx.run(fn, *args, **kwargs)

    return run


Scope = Mapping[str, Any]
Resolve = Callable[[Scope], Awaitable[Mapping[str, Any] | None] | Mapping[str, Any] | None]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


class KeywatchContextMiddleware:
    """ASGI middleware: binds a RequestContext for each HTTP request and WebSocket connection.

    `resolve(scope)` returns the keyword arguments of `request_context` (uid, byok, request_id,
    feature), or None for anonymous traffic; it may be async (e.g. to look up which providers
    the user brought keys for). A WebSocket keeps one context for its whole connection.
    """

    def __init__(self, app: ASGIApp, resolve: Resolve) -> None:
        self.app = app
        self.resolve = resolve

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        got = self.resolve(scope)
        kwargs = (await got) if isinstance(got, Awaitable) else got
        headers = dict(scope.get("headers") or [])
        rid = headers.get(b"x-request-id", b"").decode("latin-1") or None
        with request_context(**{"request_id": rid, **(kwargs or {})}):
            await self.app(scope, receive, send)
