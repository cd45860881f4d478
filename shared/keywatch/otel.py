"""OpenTelemetry capture (the `otel` extra): finished GenAI spans become failure events and
success tallies, with no code at the call sites.

    from keywatch.otel import KeywatchSpanProcessor, using_key

    tracer_provider.add_span_processor(KeywatchSpanProcessor())  # the app's own provider

    with keywatch.request_context(uid=user.id, byok={"openai"}), using_key(user_key, "openai"):
        client.chat.completions.create(...)  # traced by any GenAI instrumentation

A span says which provider and model were called and how the call ended (status, error type,
exception event); it never says which key was used. The key comes from `using_key` (or a
`keywatch.key_fingerprint` span attribute); without one, a failure counts for the provider's
health and the operator's log, never for a key's health or a push (docs/otel.md).

What is read is an allow-list of attribute names (the tables below, with their sources): never a
header, a prompt, a completion or a stack trace. Cost per span in the caller's thread: a set
check of the span's attribute names; for a GenAI span, a dozen dictionary reads, a look at the
last few events and one `Reporter.report()` / `success()`, which only queue. No exporter, no
thread: the reporter publishes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final
from urllib.parse import urlsplit

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.trace import StatusCode

from keywatch.context import RequestContext, current
from keywatch.events import Source
from keywatch.reporting import Reporter
from keywatch.reporting import reporter as process_reporter
from keywatch.scrub import KeyScrubber
from keywatch.validate import ENDPOINTS

__all__ = [
    "ATTRIBUTES_READ",
    "KeywatchSpanProcessor",
    "using_key",
]

# --- what a span says, by convention ----------------------------------------------------------
#
# OpenTelemetry GenAI semantic conventions, https://opentelemetry.io/docs/specs/semconv/gen-ai/
# (registry: https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/);
# `gen_ai.system` is the name before `gen_ai.provider.name` replaced it.
# OpenLLMetry: traceloop/openllmetry, opentelemetry-semantic-conventions-ai `SpanAttributes`
# (`llm.request.type`, `gen_ai.system`) and `GenAISystem`.
# OpenInference: Arize-ai/openinference, openinference-semantic-conventions `SpanAttributes`
# (`llm.provider`, `llm.system`, `llm.model_name`, `openinference.span.kind`).

# Who served the call, strongest first: the semconv names, then OpenInference's (`llm.provider`
# is the API's host owner, `llm.system` the SDK's family).
PROVIDER_ATTRIBUTES: Final = ("gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system")
# The model the app asked for first: failures and successes then land in the same series.
MODEL_ATTRIBUTES: Final = (
    "gen_ai.request.model",
    "llm.request.model_name",
    "gen_ai.response.model",
    "llm.model_name",
    "llm.response.model_name",
    "embedding.model_name",
)
# OpenInference's openai instrumentation sets llm.model_name from the response only: on a failed
# call the model is in the request's parameters (a JSON string), read for its "model" alone.
INVOCATION_PARAMETERS: Final = "llm.invocation_parameters"
OPERATION_ATTRIBUTES: Final = (
    "gen_ai.operation.name",
    "llm.request.type",
    "openinference.span.kind",
)
STATUS_ATTRIBUTES: Final = ("http.response.status_code", "http.status_code")
ERROR_TYPE: Final = "error.type"
SERVER_ADDRESS: Final = "server.address"
# Set by the app on its own spans (or by a processor of its own) when the context cannot say.
KEY_FINGERPRINT: Final = "keywatch.key_fingerprint"
UID: Final = "keywatch.uid"
SOURCE: Final = "keywatch.source"
FEATURE: Final = "keywatch.feature"

ATTRIBUTES_READ: Final = frozenset(
    (
        *PROVIDER_ATTRIBUTES,
        *MODEL_ATTRIBUTES,
        INVOCATION_PARAMETERS,
        *OPERATION_ATTRIBUTES,
        *STATUS_ATTRIBUTES,
        ERROR_TYPE,
        SERVER_ADDRESS,
        KEY_FINGERPRINT,
        UID,
        SOURCE,
        FEATURE,
    )
)
# A span without any of these is not a GenAI span: one set check, and it is left alone.
_MARKERS: Final = frozenset((*PROVIDER_ATTRIBUTES, *OPERATION_ATTRIBUTES))
# From the `exception` event (https://opentelemetry.io/docs/specs/semconv/exceptions/), or the
# GenAI one with the same attributes (gen-ai-exceptions.md), if recorded on the span: never
# `exception.stacktrace`.
_EXCEPTION_EVENTS = frozenset({"exception", "gen_ai.client.operation.exception"})
_EVENTS_SCANNED = 16  # from the end: a streamed call may carry an event per chunk before it

# The operations that are one call to a model, by convention; agent, tool, workflow and
# retrieval spans wrap model calls (or none) and are not counted themselves.
OPERATIONS: Final[Mapping[str, str]] = {
    # gen_ai.operation.name
    "chat": "chat",
    "generate_content": "chat",
    "text_completion": "completion",
    "embeddings": "embedding",
    # OpenLLMetry's llm.request.type (LLMRequestTypeValues)
    "completion": "completion",
    "embedding": "embedding",
    "rerank": "rerank",
    # openinference.span.kind (OpenInferenceSpanKindValues)
    "LLM": "chat",
    "EMBEDDING": "embedding",
    "RERANKER": "rerank",
}

# Each convention's provider values (lower-cased) -> keywatch's provider names (validate_key's
# and classify's tables). A value not listed is kept, lower-cased.
PROVIDERS: Final[Mapping[str, str]] = {
    # gen_ai.provider.name well-known values (GenAiProviderNameValues)
    "openai": "openai",
    "anthropic": "anthropic",
    "gcp.gemini": "gemini",
    "gcp.vertex_ai": "vertex_ai",
    # The Google Gen AI SDK when it cannot tell the Gemini API from Vertex AI: server.address can.
    "gcp.gen_ai": "gemini",
    "azure.ai.openai": "azure_openai",
    "azure.ai.inference": "azure_openai",
    "aws.bedrock": "bedrock",
    "ibm.watsonx.ai": "watsonx",
    "x_ai": "xai",
    "mistral_ai": "mistral",
    "cohere": "cohere",
    "deepseek": "deepseek",
    "groq": "groq",
    "perplexity": "perplexity",
    # gen_ai.system values gen_ai.provider.name dropped (GenAiSystemValues)
    "vertex_ai": "vertex_ai",
    "gemini": "gemini",
    "az.ai.openai": "azure_openai",
    "az.ai.inference": "azure_openai",
    "xai": "xai",
    # OpenLLMetry's gen_ai.system vendors, before semantic-conventions-ai 0.5 (e.g. the openai
    # instrumentation's _get_vendor_from_url: "Azure", "AWS", "Google", "OpenRouter")
    "azure": "azure_openai",
    "aws": "bedrock",
    "bedrock": "bedrock",
    "google": "gemini",
    "openrouter": "openrouter",
    "mistralai": "mistral",
    "togetherai": "together",
    "together_ai": "together",
    "hugging_face": "huggingface",
    "watsonx": "watsonx",
    # OpenInference's llm.provider / llm.system (OpenInferenceLLMProviderValues, ...SystemValues)
    "vertexai": "vertex_ai",
}
# gen_ai.system values that name a framework, not who served the call (OpenLLMetry GenAISystem
# and its framework instrumentations): the model call inside has a span of its own.
FRAMEWORKS: Final = frozenset({"langchain", "crewai", "llamaindex", "agno", "openai_agents"})

# The host that received the key decides whose key it was: an OpenAI SDK pointed at OpenRouter
# reports gen_ai.provider.name "openai". Hosts as validate_key calls them.
HOSTS: Final[Mapping[str, str]] = {
    host: e.provider
    for e in ENDPOINTS.values()
    if e.base_url and (host := urlsplit(e.base_url).hostname)
}
HOST_SUFFIXES: Final = (
    (".openai.azure.com", "azure_openai"),
    ("aiplatform.googleapis.com", "vertex_ai"),
)

# openai/anthropic SDKs: "Error code: 401 - ..."; other wrappers: "status 429", "HTTP 503"; the
# Google Gen AI SDK: "429 RESOURCE_EXHAUSTED. {...}". Only the start of the text is read.
_STATUS_IN_TEXT = re.compile(r"(?i)\b(?:error code|status(?: code)?|http)[:= ]+([45]\d\d)\b")
_LEADING_STATUS = re.compile(r"\s*([45]\d\d) [A-Z][A-Z_]{3,}\b")
_STATUS_SCAN = 512
_MODEL_IN_PARAMETERS = re.compile(r'"model"\s*:\s*"([^"\\]{1,200})"')
_PARAMETERS_SCAN = 2048
_CLASS_REPR = re.compile(r"<class '([\w.]+)'>")  # openai-v2 2.4b0 writes error.type this way
# The statuses Stainless-generated SDKs (openai, anthropic, groq, ...) raise each class for
# (openai-python `_exceptions.py`, `_client._make_status_error`): read only when no text says.
_STATUS_BY_CLASS: Final[Mapping[str, int]] = {
    "BadRequestError": 400,
    "AuthenticationError": 401,
    "PermissionDeniedError": 403,
    "NotFoundError": 404,
    "ConflictError": 409,
    "UnprocessableEntityError": 422,
    "RateLimitError": 429,
}

# --- whose key ----------------------------------------------------------------------------

_ANY = "*"
# provider (keywatch's name, or _ANY) -> the key, as a scrubber, or its fingerprint
_keys: ContextVar[Mapping[str, KeyScrubber | str] | None] = ContextVar(
    "keywatch_otel_keys", default=None
)


@contextmanager
def using_key(
    api_key: str | None = None,
    provider: str | None = None,
    *,
    key_fingerprint: str | None = None,
) -> Iterator[None]:
    """Attribute the GenAI spans started in this block (of `provider`, or of any provider) to
    this key. Only a scrubber holding the key stays in the process, to remove it from error
    text; the events carry its fingerprint. Nested blocks add to the outer ones."""
    value: KeyScrubber | str
    if api_key:
        value = KeyScrubber(api_key)
    elif key_fingerprint:
        value = key_fingerprint
    else:
        raise ValueError("using_key needs api_key or key_fingerprint")
    name = _provider_name(provider) if provider else _ANY
    token = _keys.set({**(_keys.get() or {}), name: value})
    try:
        yield
    finally:
        _keys.reset(token)


_Who = tuple[RequestContext | None, Mapping[str, KeyScrubber | str] | None]


class KeywatchSpanProcessor(SpanProcessor):
    """Reports each finished GenAI model call: an error as a failure event, else a success.

    `reporter` defaults to the process's (`keywatch.reporter()`). `max_open_spans` bounds the
    spans remembered between start and end (see `on_start`).
    """

    def __init__(self, reporter: Reporter | None = None, *, max_open_spans: int = 10_000) -> None:
        self._reporter = reporter
        self._used: Reporter | None = reporter
        self._max_open = max_open_spans
        # span id -> (request context, keys) as they were when the span started: span.end()
        # may run elsewhere (a stream consumed by another task or thread).
        self._open: dict[int, _Who] = {}
        # ids of spans with a model call inside that was reported: when such a span is a model
        # call itself (a LangChain LLM span around the SDK's), the inner call was the one.
        self._reported_inside: dict[int, None] = {}
        self._lock = threading.Lock()
        self._shut_down = False
        self.counts = {
            "failures": 0,
            "successes": 0,
            "not_model_calls": 0,  # GenAI spans that are not one model call (agent, tool, ...)
            "no_provider": 0,
            "nested": 0,  # model-call spans around another model-call span: counted inside
            "internal_errors": 0,
        }

    # -- SpanProcessor ----------------------------------------------------------------------

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Remember whose request a GenAI span serves, when a keywatch context is open here."""
        try:
            ctx = current()
            keys = _keys.get()
            if (ctx is None and keys is None) or self._shut_down:
                return
            attrs = span.attributes
            if not attrs or _MARKERS.isdisjoint(attrs):
                return
            span_context = span.get_span_context()
            self._open[span_context.span_id] = (ctx, keys)
            if len(self._open) > self._max_open:
                self._trim(self._open)
        except Exception:
            self.counts["internal_errors"] += 1

    def on_end(self, span: ReadableSpan) -> None:
        try:
            if self._shut_down:
                return
            span_context = span.context
            sid = span_context.span_id if span_context is not None else 0
            who = self._open.pop(sid, None) if self._open else None
            attrs = span.attributes
            if not attrs or _MARKERS.isdisjoint(attrs):
                if self._reported_inside:
                    self._reported_inside.pop(sid, None)
                return
            self._end_genai(span, sid, attrs, who)
        except Exception:
            self.counts["internal_errors"] += 1

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Publish what this processor reported (the reporter's flush); True if done in time."""
        if self._used is None:
            return True
        return self._used.flush(timeout_millis / 1000)

    def shutdown(self) -> None:
        """Stop capturing and flush. The reporter stays open: it is the process's, and closes
        itself at exit (its own flush then); while Pub/Sub is down there is no waiting here."""
        self._shut_down = True
        if self._used is not None and not self._used.pubsub_down:
            self._used.flush(10.0)
        self._open.clear()
        self._reported_inside.clear()

    def stats(self) -> dict[str, int]:
        return {**self.counts, "open_spans": len(self._open)}

    # -- one GenAI span ---------------------------------------------------------------------

    def _end_genai(
        self, span: ReadableSpan, sid: int, attrs: Mapping[str, Any], who: _Who | None
    ) -> None:
        # The allow-listed attributes, copied once: no other value is looked at, and each
        # lookup below is a plain dict's (a miss on the span's mapping raises KeyError inside).
        get = {k: attrs[k] for k in attrs if k in ATTRIBUTES_READ}.get
        operation = _operation(get)
        inside = sid in self._reported_inside
        if inside:
            self._reported_inside.pop(sid, None)
        if operation is None:
            self.counts["not_model_calls"] += 1
            return
        provider = _provider(get)
        if provider is None:
            self.counts["no_provider"] += 1
            return
        if inside:  # a model call inside it was reported: that one was the call
            self.counts["nested"] += 1
            return
        parent = span.parent
        if parent is not None and not parent.is_remote:
            self._reported_inside[parent.span_id] = None
            if len(self._reported_inside) > self._max_open:
                self._trim(self._reported_inside)

        ctx, keys = who if who is not None else (current(), _keys.get())
        key: KeyScrubber | str | None = None
        fingerprint = get(KEY_FINGERPRINT)
        if isinstance(fingerprint, str) and fingerprint:
            key = fingerprint
        elif keys:
            key = keys.get(provider) or keys.get(_ANY)
        source = _source(get(SOURCE), ctx, provider)
        uid = get(UID)
        if not isinstance(uid, str):
            uid = ctx.uid if ctx is not None else None
        if key is None and source is Source.BYOK:
            # A user's failure without the key: a push could name no key, and no success on
            # that key could ever clear it. The provider's health and the log still count it.
            uid = None
        rep = self._reporter or process_reporter()
        self._used = rep
        api_key = key if isinstance(key, KeyScrubber) else None
        fp = key if isinstance(key, str) else None
        model = _model(get)
        request_id = ctx.request_id if ctx is not None else None

        if span.status.status_code is not StatusCode.ERROR and get(ERROR_TYPE) is None:
            rep.success(
                provider,
                model,
                api_key=api_key,
                key_fingerprint=fp,
                source=source,
                request_id=request_id,
            )
            self.counts["successes"] += 1
            return

        feature = get(FEATURE)
        if not isinstance(feature, str):
            feature = ctx.feature if ctx is not None else None
        error = _error(span, get)
        # Every field is given: "" stops report() filling it from the context current here,
        # which may not be the one the call was made in.
        rep.report(
            provider,
            model,
            api_key=api_key,
            key_fingerprint=fp,
            source=source,
            uid=uid or "",
            feature=feature or "",
            operation=operation,
            request_id=request_id or "",
            attempt=ctx.next_attempt(provider) if ctx is not None else None,
            status_code=error[0],
            error_type=error[1],
            error_code=error[2],
            error_message=error[3],
        )
        self.counts["failures"] += 1

    def _trim(self, d: dict[int, Any]) -> None:
        """Forget the oldest entries past the bound (spans that never ended)."""
        with self._lock:
            while len(d) > self._max_open:
                try:
                    del d[next(iter(d))]
                except (StopIteration, KeyError, RuntimeError):
                    break


# --- reading the attributes -----------------------------------------------------------------

_Get = Any  # Mapping.get of the span's attributes


def _text(value: object) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _operation(get: _Get) -> str | None:
    for name in OPERATION_ATTRIBUTES:
        value = get(name)
        if isinstance(value, str):
            return OPERATIONS.get(value) or OPERATIONS.get(value.lower())
    return None


def _provider_name(value: str) -> str:
    name = value.strip().lower()
    return PROVIDERS.get(name, name)


def _provider(get: _Get) -> str | None:
    named = None
    for attr in PROVIDER_ATTRIBUTES:
        value = _text(get(attr))
        if value is not None:
            named = _provider_name(value)
            break
    if named in FRAMEWORKS:
        return None
    host = get(SERVER_ADDRESS)
    if isinstance(host, str) and host:
        host = host.lower()
        by_host = HOSTS.get(host)
        if by_host is None:
            by_host = next((p for suffix, p in HOST_SUFFIXES if host.endswith(suffix)), None)
        if by_host is not None:
            return by_host
    return named


def _model(get: _Get) -> str:
    for attr in MODEL_ATTRIBUTES:
        value = _text(get(attr))
        if value is not None:
            return value
    params = get(INVOCATION_PARAMETERS)
    if isinstance(params, str):
        match = _MODEL_IN_PARAMETERS.search(params, 0, _PARAMETERS_SCAN)
        if match is not None:
            return match.group(1)
    return "unknown"


def _source(value: object, ctx: RequestContext | None, provider: str) -> Source:
    if isinstance(value, str):
        try:
            return Source(value.strip().lower())
        except ValueError:
            pass
    return ctx.source_for(provider) if ctx is not None else Source.PLATFORM


def _status(value: object) -> int | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return value
    return None


# error.type and exception.type values repeat (a handful of classes and codes): each is read
# once, and the cache is emptied when it holds more than this many.
_CLASS_NAMES: dict[str, str | None] = {}
_MAX_CLASS_NAMES = 1024


def _class_name(value: str) -> str | None:
    """`openai.AuthenticationError`, `<class 'openai.AuthenticationError'>` -> the class name;
    None for what is not a class name (a code, "_OTHER", a status)."""
    try:
        return _CLASS_NAMES[value]
    except KeyError:
        pass
    name = _read_class_name(value)
    if len(_CLASS_NAMES) >= _MAX_CLASS_NAMES:
        _CLASS_NAMES.clear()
    _CLASS_NAMES[value] = name
    return name


def _read_class_name(value: str) -> str | None:
    match = _CLASS_REPR.fullmatch(value)
    if match is not None:
        value = match.group(1)
    name = value.rsplit(".", 1)[-1]
    # A class is CapWords; an upper-case code ("RESOURCE_EXHAUSTED") is a code.
    if name[:1].isupper() and name.isidentifier() and not name.isupper():
        return name
    return None


def _error(span: ReadableSpan, get: _Get) -> tuple[int | None, str | None, str | None, str | None]:
    """(status, error type, error code, message) from the attributes, the last exception event
    and the status description."""
    exc_type = exc_message = None
    events = span.events
    for event in reversed(events[-_EVENTS_SCANNED:]):
        if event.name in _EXCEPTION_EVENTS and event.attributes:
            exc_type = _text(event.attributes.get("exception.type"))
            exc_message = _text(event.attributes.get("exception.message"))
            break
    attr_type = _text(get(ERROR_TYPE))
    status = None
    for name in STATUS_ATTRIBUTES:
        status = _status(get(name))
        if status is not None:
            break
    error_type = error_code = None
    if exc_type is not None:
        error_type = _class_name(exc_type) or exc_type
    if attr_type is not None:
        # semconv: error.type is the provider's or the client library's error code, an exception
        # class, or the status code itself; "_OTHER" says nothing.
        as_class = _class_name(attr_type)
        if attr_type.isdigit():
            status = status or _status(attr_type)
        elif as_class is not None:
            error_type = error_type or as_class
        elif attr_type != "_OTHER":
            error_code = attr_type  # "rate_limit_exceeded", "invalid_api_key", "timeout"
    message = exc_message or _text(span.status.description)
    if status is None and message is not None:
        match = _LEADING_STATUS.match(message, 0, _STATUS_SCAN) or _STATUS_IN_TEXT.search(
            message, 0, _STATUS_SCAN
        )
        if match is not None:
            status = int(match.group(1))
    if status is None and error_type is not None:
        status = _STATUS_BY_CLASS.get(error_type)
    return status, error_type, error_code, message
