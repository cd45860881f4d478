"""LiteLLM capture (the `litellm` extra): a CustomLogger that reports every attempt LiteLLM makes.

    import litellm
    from keywatch.litellm import KeywatchLogger

    litellm.callbacks = [KeywatchLogger()]  # the SDK, the Router and the proxy alike

Each attempt that reaches a provider is one outcome: a failure event (status, provider code and
message read from the exception, as `keywatch.track` reads them) or one success in the tallies.
A stream is an attempt too: it succeeds when it completes and fails when it breaks mid-way.
Attempts of one logical request share a request id, so a Router retry or fallback on the same
provider that succeeds recovers the failures before it (see docs/litellm.md for what LiteLLM's
Router exposes and how the id is chosen).

Whose call it was comes from `keywatch.request_context` when the call runs inside one (captured
when LiteLLM announces the attempt, in the caller's context, because LiteLLM may run the outcome
hooks in a thread pool), else from the call's metadata:

    litellm.completion(..., metadata={"keywatch": {"uid": "u1", "byok": True, "feature": "chat"}})

The key is the call's `api_key` (or the Router deployment's): it is fingerprinted and removed from
every text exactly as `track(api_key=)` does (a `KeyScrubber`), and never kept as a plain value.
A hook never raises and never blocks: a problem inside keywatch is counted in the reporter's
`internal_errors` and swallowed; the reporter only queues.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from litellm.integrations.custom_logger import CustomLogger

from keywatch.context import RequestContext, current
from keywatch.events import Source
from keywatch.extract import describe_exception
from keywatch.reporting import Reporter, reporter
from keywatch.scrub import KeyScrubber

__all__ = ["PROVIDERS", "KeywatchLogger", "keywatch_provider", "proxy_handler_instance"]

# LiteLLM's provider names (`custom_llm_provider`, the enum LlmProviders in litellm/types/utils.py,
# https://docs.litellm.ai/docs/providers) -> keywatch's (shared/keywatch/core/tables, notify.py,
# validate.ALIASES). A name not listed is kept as LiteLLM spells it.
PROVIDERS: Final[Mapping[str, str]] = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "chatgpt": "openai",
    "azure": "azure_openai",
    "azure_text": "azure_openai",
    "azure_ai": "azure_openai",  # Azure AI Foundry: an alias of Azure OpenAI in the tables
    "anthropic": "anthropic",
    "anthropic_text": "anthropic",
    "gemini": "gemini",
    "vertex_ai": "vertex_ai",
    "vertex_ai_beta": "vertex_ai",
    "bedrock": "bedrock",
    "groq": "groq",
    "mistral": "mistral",
    "codestral": "mistral",
    "text-completion-codestral": "mistral",
    "openrouter": "openrouter",
    "deepseek": "deepseek",
    "xai": "xai",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "perplexity": "perplexity",
    "cerebras": "cerebras",
    "huggingface": "huggingface",
    "ollama": "ollama",
    "ollama_chat": "ollama",
    "vllm": "vllm",
    "hosted_vllm": "vllm",
    "lm_studio": "lmstudio",
    "replicate": "replicate",
    "cloudflare": "cloudflare",
    "dashscope": "dashscope",
    "moonshot": "moonshot",
    "volcengine": "volcengine",
    "zai": "zhipu",
    "bigmodel": "zhipu",
    "litellm_proxy": "litellm",  # a LiteLLM proxy called as a provider
}

# LiteLLM's call types -> keywatch's `operation`. Others are kept as LiteLLM names them, without
# the leading "a" of their async form.
_OPERATIONS: Final[Mapping[str, str]] = {
    "completion": "chat",
    "acompletion": "chat",
    "anthropic_messages": "chat",
    "responses": "chat",
    "aresponses": "chat",
    "text_completion": "completion",
    "atext_completion": "completion",
    "embedding": "embedding",
    "aembedding": "embedding",
    "image_generation": "image",
    "aimage_generation": "image",
}

# Calls with attempts announced and not yet finished, and requests whose attempts are numbered
# here: each bounded, oldest first out. An attempt whose outcome never comes (a call cancelled
# mid-flight) is forgotten after this many others.
_MAX_TRACKED: Final = 10_000


# Attempts of one call id waiting at once (a Router walks at most a few dozen deployments).
_MAX_ATTEMPTS: Final = 100

# Keys whose scrubber (and fingerprint) is kept for reuse; past it the cache starts again.
_MAX_KEYS: Final = 4_096

# Outcomes waiting for the logger's thread, at most; past it the oldest are dropped, counted. A
# failure holds its exception (and traceback) until the thread has read it, which it does as
# they come: the queue stays near empty unless the process is starved of CPU.
_MAX_WAITING: Final = 2_000


@dataclass(slots=True)  # not frozen: a frozen __init__ costs a setattr call per field
class _Attempt:
    """What one attempt reports, resolved when LiteLLM announced it: never the key itself."""

    provider: str
    model: str
    key: KeyScrubber | None
    source: Source
    uid: str | None
    feature: str | None
    operation: str
    request_id: str
    attempt: int


def keywatch_provider(litellm_provider: str | None) -> str:
    """keywatch's name for one of LiteLLM's `custom_llm_provider` values."""
    name = (litellm_provider or "").strip().lower()
    return PROVIDERS.get(name, name or "unknown")


_Outcome = tuple[_Attempt, BaseException | None]


class _Courier:
    """Hands outcomes to the reporter from one thread of its own, in the order they came.

    Reading an exception (`describe_exception`: its chain, its body, its headers) takes a few
    hundred microseconds, which neither the caller's thread nor its event loop should pay; the
    reporter itself only queues. One queue for successes and failures keeps the reporter
    remembering a failure before it counts the success that recovers it.
    """

    def __init__(
        self,
        deliver: Callable[[_Attempt, BaseException | None], None],
        on_error: Callable[[], None],
    ) -> None:
        self._deliver = deliver
        self._on_error = on_error
        self._lock = threading.Lock()
        self._queue: deque[_Outcome | threading.Event] = deque()
        self._wake = threading.Event()
        self._pid = 0  # the process whose thread this is: a forked child starts its own
        self._at_exit = False
        self.dropped = 0

    def put(self, attempt: _Attempt, exc: BaseException | None, start: Callable[[], None]) -> None:
        if self._pid != os.getpid():
            self._start(start)
        with self._lock:
            self._queue.append((attempt, exc))
            if len(self._queue) > _MAX_WAITING:
                self._queue.popleft()
                self.dropped += 1
        if not self._wake.is_set():
            self._wake.set()

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Wait until what was put so far has reached the reporter."""
        if self._pid != os.getpid():
            return True  # nothing was put in this process
        done = threading.Event()
        with self._lock:
            self._queue.append(done)
        self._wake.set()
        return done.wait(timeout_s)

    def waiting(self) -> int:
        return len(self._queue)

    def _start(self, start_reporter: Callable[[], None]) -> None:
        with _start_lock:
            pid = os.getpid()
            if self._pid == pid:
                return
            # First use, or a forked child: the parent's queue, lock and thread are not its own.
            self._lock, self._queue, self._wake = threading.Lock(), deque(), threading.Event()
            parent, self._pid = self._pid, pid
            threading.Thread(target=self._run, name="keywatch-litellm", daemon=True).start()
            # The reporter's exit flush is registered when it starts: started first, it runs
            # after this one (atexit is last in, first out), so what waits here reaches it.
            start_reporter()
            if not self._at_exit:
                self._at_exit = True
                atexit.register(self.flush)
            if parent:  # a multiprocessing or billiard child ends with os._exit, not atexit
                for name in ("multiprocessing.util", "billiard.util"):
                    module = sys.modules.get(name)
                    if module is not None:
                        module.Finalize(None, self.flush, exitpriority=101)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            while True:
                with self._lock:
                    if not self._queue:
                        break
                    item = self._queue.popleft()
                if isinstance(item, threading.Event):
                    item.set()
                    continue
                try:
                    self._deliver(*item)
                except Exception:
                    self._on_error()


_start_lock = threading.Lock()


def _after_fork_in_child() -> None:
    global _start_lock
    _start_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class KeywatchLogger(CustomLogger):
    """Reports LiteLLM's attempts: a failure event for each failed one, a success for the rest.

    `feature` labels calls whose context or metadata names none; `reporter` defaults to the
    process's (`keywatch.init`).
    """

    def __init__(
        self,
        *,
        feature: str | None = None,
        reporter: Reporter | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._feature = feature
        self._reporter = reporter
        self._lock = threading.Lock()
        # litellm_call_id -> attempts announced and not yet finished, oldest first.
        self._pending: OrderedDict[str, list[_Attempt]] = OrderedDict()
        self._counts = {"successes": 0, "failures": 0, "not_announced": 0, "internal_errors": 0}
        # (request id, provider) -> attempts seen, for requests outside a request_context.
        self._attempts: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._courier = _Courier(self._deliver, self._internal_error)
        self._scrubbers: dict[int, KeyScrubber] = {}  # hash(key) -> its scrubber

    # -- LiteLLM's hooks: each one guarded -------------------------------------------------

    def log_pre_api_call(self, model: Any, messages: Any, kwargs: Any) -> None:
        try:
            self._announce(kwargs)
        except Exception:
            self._internal_error()

    def log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        try:
            self._finish(kwargs, None)
        except Exception:
            self._internal_error()

    def log_failure_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        try:
            self._finish(kwargs, _exception(kwargs, response_obj))
        except Exception:
            self._internal_error()

    async def async_log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        try:
            self._finish(kwargs, None)
        except Exception:
            self._internal_error()

    async def async_log_failure_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        try:
            self._finish(kwargs, _exception(kwargs, response_obj))
        except Exception:
            self._internal_error()

    # log_stream_event / async_log_stream_event (one per chunk) are left to CustomLogger: a
    # stream's outcome is its success event, once assembled, or its failure event.

    # -- the work ----------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        """Outcomes seen: passed on to the reporter, left out (see `_finish`), still waiting for
        the logger's thread, dropped past its bound; keywatch's own errors."""
        return {
            **self._counts,
            "waiting": self._courier.waiting(),
            "dropped": self._courier.dropped,
        }

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Wait until every outcome seen so far is with the reporter (whose own `flush`
        publishes). Done at exit too."""
        return self._courier.flush(timeout_s)

    def _announce(self, kwargs: Any) -> None:
        """An attempt is about to reach the provider: resolve it now, in the caller's context."""
        kwargs = _mapping(kwargs)
        params = _mapping(kwargs.get("litellm_params"))
        call_id = _text(kwargs.get("litellm_call_id")) or _text(params.get("litellm_call_id"))
        if call_id is None:
            return
        attempt = self._resolve(kwargs, params, call_id, current())
        with self._lock:
            waiting = self._pending.pop(call_id, None)
            if waiting is None:
                self._pending[call_id] = [attempt]
                if len(self._pending) > _MAX_TRACKED:
                    self._pending.popitem(last=False)
            else:  # a call id the caller passed is shared by every attempt
                waiting.append(attempt)
                if len(waiting) > _MAX_ATTEMPTS:
                    del waiting[0]
                self._pending[call_id] = waiting

    def _finish(self, kwargs: Any, exc: BaseException | None) -> None:
        """Report the oldest announced attempt of this call. An outcome with no attempt waiting
        is left out: LiteLLM refused the call before any provider saw it (missing credentials,
        bad parameters), answered it from its cache, or ran a second hook for an outcome
        already reported; none of them says anything about the provider or the key."""
        call_id = _call_id(kwargs)
        attempt = None
        if call_id is not None:  # one lock, a dict lookup: LiteLLM's thread waits for no more
            with self._lock:
                waiting = self._pending.get(call_id)
                if waiting:
                    attempt = waiting.pop(0)
                    if not waiting:
                        del self._pending[call_id]
        if attempt is None:
            self._counts["not_announced"] += 1
            return
        self._courier.put(attempt, exc, self._start_reporter)
        self._counts["failures" if exc is not None else "successes"] += 1  # after: see flush()

    def _start_reporter(self) -> None:
        (self._reporter or reporter()).start()

    def _deliver(self, attempt: _Attempt, exc: BaseException | None) -> None:
        """In the logger's thread: one outcome to the reporter."""
        rep = self._reporter or reporter()
        if exc is None:
            rep.success(
                attempt.provider,
                attempt.model,
                api_key=attempt.key,
                source=attempt.source,
                request_id=attempt.request_id,
            )
            return
        info = describe_exception(exc)
        rep.report(
            attempt.provider,
            attempt.model,
            api_key=attempt.key,
            source=attempt.source,
            uid=attempt.uid,
            feature=attempt.feature,
            operation=attempt.operation,
            request_id=attempt.request_id,
            attempt=attempt.attempt,
            status_code=info.status_code,
            error_type=info.error_type,
            error_code=info.error_code,
            error_message=info.error_message,
        )

    def _resolve(
        self,
        kwargs: Mapping[str, Any],
        params: Mapping[str, Any],
        call_id: str,
        ctx: RequestContext | None,
    ) -> _Attempt:
        """The attempt's fields: the call's metadata first, then the request context."""
        mine = _mapping(_metadata(params).get("keywatch"))
        provider = keywatch_provider(
            _text(kwargs.get("custom_llm_provider")) or _text(params.get("custom_llm_provider"))
        )
        model = _text(kwargs.get("model")) or _text(params.get("model")) or "unknown"
        # The call's key, or the Router deployment's (merged into the call), else the one LiteLLM
        # resolved from the environment and is about to send.
        key = _text(params.get("api_key")) or _text(kwargs.get("api_key"))
        call_type = _text(kwargs.get("call_type")) or ""
        if mine:
            uid = _text(mine.get("uid")) or (ctx.uid if ctx else None)
            feature = _text(mine.get("feature")) or (ctx.feature if ctx else None)
            request_id = _text(mine.get("request_id"))
            source = _source(mine.get("byok"), provider, ctx)
        else:
            uid = ctx.uid if ctx else None
            feature = ctx.feature if ctx else None
            request_id = None
            source = ctx.source_for(provider) if ctx else Source.PLATFORM
        if request_id is None and ctx is not None:
            request_id = ctx.request_id
            number = ctx.next_attempt(provider)
        else:
            # One Router call: LiteLLM's trace id, the same for each of its retries and
            # fallbacks; a plain SDK call without one is a request of its own.
            request_id = (
                request_id
                or _text(params.get("litellm_trace_id"))
                or _text(kwargs.get("litellm_trace_id"))
                or call_id
            )
            number = self._next_attempt(request_id, provider)
        return _Attempt(
            provider,
            model,
            self._scrubber(key) if key else None,
            source,
            uid,
            feature or self._feature,
            _OPERATIONS.get(call_type) or call_type.removeprefix("a") or "chat",
            request_id,
            number,
        )

    def _scrubber(self, key: str) -> KeyScrubber | None:
        """The key's KeyScrubber, made once per key (an HMAC each time otherwise). Looked up by
        the key's hash, so that no key is held here but inside its scrubber."""
        slot = hash(key)
        scrubber = self._scrubbers.get(slot)
        if scrubber is None or scrubber.key != key.strip():
            if not key.strip():
                return None
            if len(self._scrubbers) >= _MAX_KEYS:
                self._scrubbers.clear()
            scrubber = self._scrubbers[slot] = KeyScrubber(key)
        return scrubber

    def _next_attempt(self, request_id: str, provider: str) -> int:
        slot = (request_id, provider)
        with self._lock:
            n = self._attempts.pop(slot, 0) + 1
            self._attempts[slot] = n
            while len(self._attempts) > _MAX_TRACKED:
                self._attempts.popitem(last=False)
        return n

    def _internal_error(self) -> None:
        self._counts["internal_errors"] += 1
        try:  # the reporter's stats() carry it too, with the reporter's own
            (self._reporter or reporter())._counts["internal_errors"] += 1
        except Exception:
            return


def _source(byok: Any, provider: str, ctx: RequestContext | None) -> Source:
    """metadata `byok`: True / False, or the providers called with the user's own key."""
    if isinstance(byok, bool):
        return Source.BYOK if byok else Source.PLATFORM
    if isinstance(byok, str):
        byok = [byok]
    if isinstance(byok, list | tuple | set | frozenset):
        return Source.BYOK if provider in {str(p).lower() for p in byok} else Source.PLATFORM
    return ctx.source_for(provider) if ctx else Source.PLATFORM


def _exception(kwargs: Any, response_obj: Any) -> BaseException:
    exc = kwargs.get("exception") if isinstance(kwargs, Mapping) else None
    if isinstance(exc, BaseException):
        return exc
    if isinstance(response_obj, BaseException):
        return response_obj
    return RuntimeError("LiteLLM reported a failure without its exception")


def _call_id(kwargs: Any) -> str | None:
    kwargs = _mapping(kwargs)
    return _text(kwargs.get("litellm_call_id")) or _text(
        _mapping(kwargs.get("litellm_params")).get("litellm_call_id")
    )


def _metadata(params: Mapping[str, Any]) -> Mapping[str, Any]:
    # The Router and the proxy write `metadata` for chat calls, `litellm_metadata` for
    # /v1/messages and /v1/responses; the caller's own `keywatch` entry survives in both.
    meta = _mapping(params.get("metadata"))
    if "keywatch" in meta:
        return meta
    other = _mapping(params.get("litellm_metadata"))
    return other if "keywatch" in other else meta


_EMPTY: Final[Mapping[str, Any]] = {}


def _mapping(value: Any) -> Mapping[str, Any]:
    if value.__class__ is dict:  # what LiteLLM passes: skips the ABC check, a hot path
        return value
    if value is None:
        return _EMPTY
    return value if isinstance(value, Mapping) else _EMPTY


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# The LiteLLM proxy loads callbacks by dotted path (config.yaml, litellm_settings.callbacks):
#     callbacks: ["keywatch.litellm.proxy_handler_instance"]
# Nothing is built here but the logger: the reporter is the process's, made on first use from
# the KEYWATCH_* settings.
proxy_handler_instance: Final = KeywatchLogger()
