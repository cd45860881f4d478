"""Capture LLM call outcomes from any SDK: a context manager, a decorator, a stream wrapper.

    with keywatch.track("openai", "gpt-4o", api_key=key, feature="chat"):
        client.chat.completions.create(...)

    async with keywatch.track("anthropic", "claude-sonnet-4-5", api_key=key) as t:
        async for event in t.astream(await client.messages.create(..., stream=True)):
            ...

An exception becomes a failure event (status, provider code and message read by duck typing,
see `keywatch.extract`) and is re-raised unchanged; a clean exit counts a success. No SDK is
imported. Cancellation (asyncio, Ctrl-C, a consumer closing a stream early) is not a failure.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

from keywatch.context import current
from keywatch.events import Source
from keywatch.extract import describe_exception
from keywatch.fingerprint import is_fingerprint
from keywatch.reporting import Reporter, reporter
from keywatch.scrub import KeyScrubber

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

_NOT_FAILURES = (asyncio.CancelledError, KeyboardInterrupt, SystemExit, GeneratorExit)


class track:
    """One attempt of one LLM call."""

    def __init__(
        self,
        provider: str,
        model: str,
        *,
        api_key: str | KeyScrubber | None = None,
        key_fingerprint: str | None = None,
        feature: str | None = None,
        operation: str = "chat",
        source: Source | str | None = None,
        uid: str | None = None,
        request_id: str | None = None,
        attempt: int | None = None,
        region: str | None = None,
        reporter: Reporter | None = None,
    ) -> None:
        self.provider = provider.lower()
        self.model = model
        # The tracker keeps a scrubber, never the key as an attribute: the report removes the
        # key (and fragments of it) from the error's text and sends only its fingerprint.
        self._key = _scrubber(api_key, key_fingerprint)
        self.key_fingerprint = self._key.fingerprint if self._key else key_fingerprint
        self.feature = feature
        self.operation = operation
        self.source = source
        self.uid = uid
        ctx = current()
        self.request_id = request_id or (ctx.request_id if ctx else None)
        self.attempt = attempt or (ctx.next_attempt(self.provider) if ctx else 1)
        self.region = region
        self._reporter = reporter
        self._done = False
        self._deferred = False  # a wrapped stream reports when it ends, not the with block

    # -- outcomes -----------------------------------------------------------------------

    def succeeded(self) -> None:
        if self._done:
            return
        self._done = True
        (self._reporter or reporter()).success(
            self.provider,
            self.model,
            api_key=self._key,
            key_fingerprint=self.key_fingerprint,
            source=self.source,
            request_id=self.request_id,
        )

    def failed(self, exc: BaseException) -> None:
        if self._done or isinstance(exc, _NOT_FAILURES):
            return
        self._done = True
        info = describe_exception(exc)
        (self._reporter or reporter()).report(
            self.provider,
            self.model,
            api_key=self._key,
            key_fingerprint=self.key_fingerprint,
            source=self.source,
            uid=self.uid,
            feature=self.feature,
            operation=self.operation,
            request_id=self.request_id,
            attempt=self.attempt,
            status_code=info.status_code,
            error_type=info.error_type,
            error_code=info.error_code,
            error_message=info.error_message,
            region=self.region,
        )

    # -- context managers -----------------------------------------------------------------

    def __enter__(self) -> track:
        return self

    def __exit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None:
            self.failed(exc)
        elif not self._deferred:
            self.succeeded()

    async def __aenter__(self) -> track:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(et, exc, tb)

    # -- streams --------------------------------------------------------------------------

    def stream(self, chunks: Iterable[T]) -> Iterator[T]:
        """Pass a stream through; an error mid-stream is a failure, reaching its end a success.

        Works after the `with` block has exited, as when a web framework iterates the stream.
        """
        self._deferred = True
        return self._stream(chunks)

    def _stream(self, chunks: Iterable[T]) -> Iterator[T]:
        try:
            yield from chunks
        except BaseException as exc:
            self.failed(exc)
            raise
        self.succeeded()

    def astream(self, chunks: AsyncIterable[T]) -> AsyncIterator[T]:
        """The async form of `stream`."""
        self._deferred = True
        return self._astream(chunks)

    async def _astream(self, chunks: AsyncIterable[T]) -> AsyncIterator[T]:
        try:
            async for chunk in chunks:
                yield chunk
        except BaseException as exc:
            self.failed(exc)
            raise
        self.succeeded()


def _scrubber(api_key: str | KeyScrubber | None, fingerprint: str | None) -> KeyScrubber | None:
    if isinstance(api_key, KeyScrubber):
        return api_key
    if api_key:
        return KeyScrubber(api_key)
    if fingerprint and not is_fingerprint(fingerprint):
        return KeyScrubber(fingerprint)  # the key itself, passed by mistake
    return None


def tracked(provider: str, model: str, **options: Any) -> Callable[[F], F]:
    """Decorate a function that makes one LLM call: sync, async, generator or async generator."""

    def decorate(fn: F) -> F:
        if inspect.isasyncgenfunction(fn):

            @functools.wraps(fn)
            async def agen(*args: Any, **kwargs: Any) -> Any:
                t = track(provider, model, **options)
                async for item in t.astream(fn(*args, **kwargs)):
                    yield item

            return agen  # type: ignore[return-value]
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def gen(*args: Any, **kwargs: Any) -> Any:
                yield from track(provider, model, **options).stream(fn(*args, **kwargs))

            return gen  # type: ignore[return-value]
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def coro(*args: Any, **kwargs: Any) -> Any:
                async with track(provider, model, **options):
                    return await fn(*args, **kwargs)

            return coro  # type: ignore[return-value]

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            with track(provider, model, **options):
                return fn(*args, **kwargs)

        return call  # type: ignore[return-value]

    return decorate
