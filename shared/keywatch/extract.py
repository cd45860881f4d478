"""From an exception raised by an LLM call to the fields of a failure event, by duck typing.

The backend may not have any given SDK installed, so nothing here imports openai, anthropic,
google.genai, httpx, langchain or botocore: every fact is read with a guarded getattr, and every
shape is recognised by its attributes and its JSON. Shapes, as the installed SDKs build them:

- openai 3.x: `APIStatusError.body` is usually the inner `error` object (`_make_status_error`
  unwraps `{"error": {...}}`), `.message` is the whole "Error code: 401 - {...}" repr;
- anthropic 2.x: `APIStatusError.body` is the full `{"type": "error", "error": {...}}`; a
  mid-stream `error` event is raised as an APIStatusError carrying the stream's 200 response;
- google-genai: `APIError.code` (int), `.status`, `.message`, `.details` (the response JSON,
  with google.rpc ErrorInfo and RetryInfo under `error.details`);
- httpx/httpx2: `HTTPStatusError.response`; transport errors carry no status;
- botocore: `ClientError.response = {"Error": {"Code", "Message"}, "ResponseMetadata": {...}}`;
- OpenRouter (through the openai SDK): `error.metadata.raw` holds the upstream provider's error.

describe_exception never raises: a failure report must not fail the call site a second time.
"""

from __future__ import annotations

import email.utils
import inspect
import json
import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from keywatch.core.errorbody import retry_delay_s, upstream_raw
from keywatch.events import MAX_MESSAGE_CHARS
from keywatch.scrub import scan_chars

# A message is kept to what the scrubber reads of an event's message, plus one character so
# that scrub() still knows it was cut: the reporter cuts captured text to the same length.
MESSAGE_CAPTURE_CHARS = scan_chars(MAX_MESSAGE_CHARS) + 1
MAX_LABEL_CHARS = 200  # what FailureEvent accepts for error_type and error_code

_MAX_DEPTH = 8
_MAX_NODES = 32
_MAX_RAW_DEPTH = 3  # an upstream error inside an upstream error is already unusual
_MAX_HEADER_SCAN = 200

# Top-level packages whose exceptions describe an LLM call, even without a status or body
# (a timeout, a refused connection). Matched on the class's module name, never imported.
_SDK_PACKAGES = frozenset(
    {
        "openai",
        "anthropic",
        "google",
        "httpx",
        "httpx2",
        "httpcore",
        "botocore",
        "aiobotocore",
        "groq",
        "mistralai",
        "cohere",
        "together",
        "litellm",
        "requests",
        "urllib3",
        "aiohttp",
    }
)

# Attributes under which wrappers keep the error they wrap, besides __cause__/__context__.
_WRAPPED_ATTRS = ("original_exception", "orig", "inner_exception", "exc", "error", "cause")

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    status_code: int | None
    error_type: str
    error_code: str | None
    error_message: str | None
    retry_after_s: float | None


@dataclass(frozen=True, slots=True)
class _Payload:
    """What an error body says."""

    code: str | None = None
    message: str | None = None
    status: int | None = None  # a numeric `code` written in the body (Google, OpenRouter)
    retry_after_s: float | None = None  # google.rpc.RetryInfo
    upstream: bool = False  # read from OpenRouter's metadata.raw: its status outranks the outer

    def has_info(self) -> bool:
        return self.code is not None or self.message is not None


@dataclass(frozen=True, slots=True)
class _ExceptionFacts:
    exc: BaseException
    depth: int
    implicit: bool
    status: int | None
    payload: _Payload | None
    retry_after_s: float | None
    sdk: bool

    @property
    def score(self) -> int:
        if self.payload is not None and self.payload.has_info():
            return 3
        if self.status is not None:
            return 2
        return 1 if self.sdk else 0


def describe_exception(exc: BaseException) -> ErrorInfo:
    """The failure-event fields for `exc`, read from the innermost provider error it wraps."""
    try:
        return _describe(exc)
    except Exception:  # a hostile object must not turn a failure report into a crash
        return ErrorInfo(None, _type_name(exc), None, None, None)


def _describe(exc: BaseException) -> ErrorInfo:
    facts = [_facts(e, depth, implicit) for e, depth, implicit in _exception_chain(exc)]
    # The richest exception wins; among equals one its wrappers chose to wrap (`from`, an
    # attribute) over one merely being handled when it was raised (a fallback call made in an
    # `except` block fails on its own terms), then the innermost, which is the provider's own.
    best = max(facts, key=lambda f: (f.score, not f.implicit, f.depth))
    payload = best.payload or _Payload()
    others = [f for f in facts if f is not best]

    status = payload.status if payload.upstream and payload.status is not None else None
    status = _first(status, best.status, payload.status, *(f.status for f in others))
    code = payload.code or _attr_code(best.exc)
    if code is not None and status is not None and code == str(status):
        code = None  # OpenRouter's numeric error.code, stringified by openai: the status again
    message = payload.message
    if message is None and best.score < 3:
        message = _plain_message(best.exc)
    retry = _first(
        best.retry_after_s,
        payload.retry_after_s,
        *(f.retry_after_s for f in others),
        *(f.payload.retry_after_s for f in others if f.payload is not None),
    )
    return ErrorInfo(
        status_code=status,
        error_type=_type_name(best.exc),
        error_code=_bounded(code, MAX_LABEL_CHARS),
        error_message=_bounded(message, MESSAGE_CAPTURE_CHARS),
        retry_after_s=retry,
    )


def _first(*values: _T | None) -> _T | None:
    for v in values:
        if v is not None:
            return v
    return None


# --- walking the chain -------------------------------------------------------------------


def _exception_chain(exc: BaseException) -> Iterator[tuple[BaseException, int, bool]]:
    """Every exception reachable from `exc`, outermost first, each once, bounded.

    Each comes with its depth and whether it was reached only through an implicit
    `__context__` (an error being handled when another was raised, maybe unrelated).
    """
    seen: set[int] = set()
    queue: list[tuple[BaseException, int, bool]] = [(exc, 0, False)]
    while queue and len(seen) < _MAX_NODES:
        current, depth, implicit = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current, depth, implicit
        if depth < _MAX_DEPTH:
            queue.extend(
                (inner, depth + 1, implicit or via_context)
                for inner, via_context in _wrapped(current)
            )


def _wrapped(exc: BaseException) -> list[tuple[BaseException, bool]]:
    found: list[tuple[object, bool]] = [(_attr(exc, "__cause__"), False)]
    # `raise ... from None` hides the context on purpose: the SDKs use it to drop the
    # transport's HTTPStatusError once they have built their own, richer error.
    if not _attr(exc, "__suppress_context__"):
        found.append((_attr(exc, "__context__"), True))
    found.extend((_attr(exc, name), False) for name in _WRAPPED_ATTRS)
    group = _attr(exc, "exceptions")  # ExceptionGroup from a task group
    if isinstance(group, tuple | list):
        found.extend((e, False) for e in group[:_MAX_NODES])
    found.append((_tenacity_last(exc), False))
    return [(e, ctx) for e, ctx in found if isinstance(e, BaseException) and e is not exc]


def _tenacity_last(exc: BaseException) -> object:
    """tenacity's RetryError keeps the last attempt as a finished Future."""
    attempt = _attr(exc, "last_attempt")
    done = _attr(attempt, "done")
    get = _attr(attempt, "exception")
    if not callable(done) or not callable(get):
        return None
    try:
        # Never wait: a Future that is not done would block the caller.
        return get() if done() is True else None
    except Exception:
        return None


# --- one exception -----------------------------------------------------------------------


def _facts(exc: BaseException, depth: int, implicit: bool) -> _ExceptionFacts:
    response = _attr(exc, "response")
    return _ExceptionFacts(
        exc=exc,
        depth=depth,
        implicit=implicit,
        status=_status(exc, response),
        payload=_payload(exc, response),
        retry_after_s=_header_retry(exc, response),
        sdk=_is_sdk(exc),
    )


def _status(exc: BaseException, response: object) -> int | None:
    candidates: list[object] = [
        _attr(exc, "status_code"),
        _attr(exc, "status"),
        _attr(exc, "code"),
        _attr(exc, "http_status"),
    ]
    if isinstance(response, Mapping):  # botocore
        candidates.append(_get(_get(response, "ResponseMetadata"), "HTTPStatusCode"))
    else:
        candidates += [_attr(response, "status_code"), _attr(response, "status")]
    for value in candidates:
        status = _as_status(value)
        if status is not None:
            return status
    return None


def _as_status(value: object) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    # A 2xx on an exception is the status of a stream that failed midway (Anthropic and
    # OpenRouter send error events inside a 200): it says nothing about the error.
    if 100 <= value <= 599 and not 200 <= value <= 299:
        return int(value)
    return None


def _payload(exc: BaseException, response: object) -> _Payload | None:
    bodies: list[object] = [
        _attr(exc, "body"),  # openai, anthropic
        _attr(exc, "json_body"),  # openai 0.x
    ]
    details = _attr(exc, "details")
    if isinstance(details, Mapping | list):  # google-genai (anthropic's is a model object)
        bodies.append(details)
    error = _attr(exc, "error")
    if isinstance(error, Mapping):
        bodies.append(error)
    if isinstance(response, Mapping):  # botocore
        bodies.append(response)
    elif response is not None:
        bodies.append(_response_body(response))
    for body in bodies:
        payload = _error_payload(body, 0)
        if payload is not None and (payload.has_info() or payload.status is not None):
            return payload
    return None


def _response_body(response: object) -> object:
    """The decoded body of an HTTP response that has already been read; None otherwise."""
    if _attr(response, "_content") is False:  # requests: reading would hit the network
        return None
    get_json = _attr(response, "json")
    if callable(get_json) and not _is_async(get_json):
        try:
            body = get_json()
        except Exception:  # not JSON, or a stream never read (httpx ResponseNotRead)
            body = None
        else:
            if not _is_awaitable(body):
                return body
            close = _attr(body, "close")
            if callable(close):
                close()
            return None
    try:
        text = _attr(response, "text")
    except Exception:
        return None
    return text if isinstance(text, str) and text.strip() else None


def _error_payload(body: object, depth: int) -> _Payload | None:
    """The error a provider's body describes, whatever its nesting."""
    if isinstance(body, bytes | bytearray):
        body = bytes(body).decode("utf-8", "replace")
    if isinstance(body, str):
        text = body.strip()
        if not text:
            return None
        try:
            body = json.loads(text)
        except ValueError:
            return _Payload(message=text)  # an HTML error page, a plain-text upstream error
        if isinstance(body, str):
            return _Payload(message=body)
    if isinstance(body, list) and body:
        body = body[0]  # Gemini sometimes sends [{"error": {...}}]
    if not isinstance(body, Mapping):
        return None
    outer = body
    err = _get(body, "error")
    if not isinstance(err, Mapping):
        err = _get(body, "Error")  # botocore
    if isinstance(err, str):
        # {"error": "Invalid API key"}: the string is the message, the code sits beside it.
        return _Payload(code=_code_of(outer), message=err, status=_as_status(_get(outer, "code")))
    if not isinstance(err, Mapping):
        err = body
    payload = _Payload(
        code=_google_reason(err) or _code_of(err),
        message=_message_of(err),
        status=_as_status(_get(err, "code")),
        retry_after_s=_google_retry(err),
    )
    upstream = _openrouter_upstream(err, depth)
    if upstream is None:
        return payload
    return _Payload(
        code=upstream.code or payload.code,
        message=upstream.message or payload.message,
        status=upstream.status,
        retry_after_s=upstream.retry_after_s or payload.retry_after_s,
        upstream=True,
    )


def _openrouter_upstream(err: Mapping[object, object], depth: int) -> _Payload | None:
    """OpenRouter's `error.metadata.raw`: the upstream provider's own error, the one that counts.

    https://openrouter.ai/docs/api/reference/errors-and-debugging
    """
    if depth >= _MAX_RAW_DEPTH:
        return None
    raw = upstream_raw(err)
    if raw is None:
        return None
    if isinstance(raw, str):
        return _Payload(message=raw)
    upstream = _error_payload(raw, depth + 1)
    return upstream if upstream is not None and upstream.has_info() else None


def _code_of(err: Mapping[object, object]) -> str | None:
    # openai: code ("invalid_api_key") over type ("invalid_request_error"); anthropic 2.x:
    # details.error_code over type; google: status; botocore: Code.
    for value in (
        _get(_get(err, "details"), "error_code"),
        _get(err, "code"),
        _get(err, "Code"),
        _get(err, "type"),
        _get(err, "status"),
    ):
        code = _label(value)
        if code is not None:
            return code
    return None


def _message_of(err: Mapping[object, object]) -> str | None:
    for key in ("message", "Message", "error_description", "detail", "msg"):
        value = _get(err, key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _google_details(err: Mapping[object, object]) -> list[Mapping[object, object]]:
    details = _get(err, "details")
    if not isinstance(details, list):
        return []
    return [d for d in details[:_MAX_NODES] if isinstance(d, Mapping)]


def _google_reason(err: Mapping[object, object]) -> str | None:
    """google.rpc.ErrorInfo's reason (API_KEY_INVALID) says more than the status it refines.

    https://cloud.google.com/apis/design/errors#error_info
    """
    for detail in _google_details(err):
        kind = _get(detail, "@type")
        if isinstance(kind, str) and kind.endswith("google.rpc.ErrorInfo"):
            return _label(_get(detail, "reason"))
    return None


def _google_retry(err: Mapping[object, object]) -> float | None:
    """google.rpc.RetryInfo's retryDelay, a proto3 JSON Duration such as "7s" or "58.93s"."""
    for detail in _google_details(err):
        kind = _get(detail, "@type")
        if not (isinstance(kind, str) and kind.endswith("google.rpc.RetryInfo")):
            continue
        return retry_delay_s(detail)
    return None


def _header_retry(exc: BaseException, response: object) -> float | None:
    """Retry-After (seconds or an HTTP date) and retry-after-ms, as the openai SDK reads them."""
    if isinstance(response, Mapping):  # botocore
        headers = _get(_get(response, "ResponseMetadata"), "HTTPHeaders")
    else:
        headers = _attr(response, "headers")
    if headers is None:
        headers = _attr(exc, "headers")
    if headers is None:
        return None
    ms = _parse_number(_header(headers, "retry-after-ms"))
    if ms is not None:
        return _seconds(ms / 1000)
    value = _header(headers, "retry-after")
    seconds = _parse_number(value)
    if seconds is not None:
        return _seconds(seconds)
    if value is None:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return _seconds(max(0.0, when.timestamp() - time.time()))


def _header(headers: object, name: str) -> str | None:
    get = _attr(headers, "get")
    if callable(get):
        try:
            value = get(name)
        except Exception:
            value = None
        if isinstance(value, str):
            return value
    if isinstance(headers, Mapping):  # a plain dict is case-sensitive; headers are not
        try:
            for i, (key, value) in enumerate(headers.items()):
                if i >= _MAX_HEADER_SCAN:
                    break
                if isinstance(key, str) and key.lower() == name and isinstance(value, str):
                    return value
        except Exception:
            return None
    return None


def _parse_number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _seconds(value: float) -> float | None:
    return value if math.isfinite(value) and value >= 0 else None


def _attr_code(exc: BaseException) -> str | None:
    """The provider's code as an SDK attribute, when no body said it."""
    for name in ("error_code", "code", "type", "status"):
        code = _label(_attr(exc, name))
        if code is not None:
            return code
    return None


def _plain_message(exc: BaseException) -> str | None:
    message = _attr(exc, "message")
    if isinstance(message, str) and message.strip():
        return message
    try:
        text = str(exc)
    except Exception:
        return None
    return text if text.strip() else None


def _is_sdk(exc: BaseException) -> bool:
    # Builtin TimeoutError/ConnectionError say as much as any transport's own classes.
    if isinstance(exc, TimeoutError | ConnectionError):
        return True
    module = _attr(type(exc), "__module__")
    return isinstance(module, str) and module.split(".", 1)[0] in _SDK_PACKAGES


# --- guarded access ----------------------------------------------------------------------


def _attr(obj: object, name: str) -> object:
    if obj is None:
        return None
    try:
        return getattr(obj, name, None)
    except Exception:  # properties that raise: httpx's RequestError.request, hostile objects
        return None


def _get(obj: object, key: str) -> object:
    if not isinstance(obj, Mapping):
        return None
    try:
        return obj.get(key)
    except Exception:
        return None


def _label(value: object) -> str | None:
    """A code-like string, stripped; None when empty or not a string."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _bounded(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(exc: BaseException) -> str:
    try:
        name = type(exc).__name__
    except Exception:
        return "BaseException"
    return name[:MAX_LABEL_CHARS] if isinstance(name, str) and name else "BaseException"


def _is_async(func: object) -> bool:
    try:
        return inspect.iscoroutinefunction(func)
    except Exception:
        return False


def _is_awaitable(value: object) -> bool:
    return _attr(value, "__await__") is not None
