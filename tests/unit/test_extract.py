"""describe_exception over real SDK exceptions carrying real provider payloads.

openai and anthropic errors are raised by the real clients, talking to an httpx2 MockTransport
that answers with the provider's documented body, so the SDK's own unwrapping, `from None` and
stream handling are what is tested; other SDKs' errors are built with their public constructors.
Each payload names where it comes from.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import botocore.exceptions
import httpx
import httpx2
import openai
import pytest
from google.genai import errors as genai_errors
from langchain_core.exceptions import ModelRateLimitError, OutputParserException

from keywatch.extract import MESSAGE_CAPTURE_CHARS, ErrorInfo, describe_exception

REPO = Path(__file__).resolve().parents[2]

# --- real clients against a mock transport -----------------------------------------------


def _transport(status: int, body: object, headers: dict[str, str] | None = None) -> Any:
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    hdrs = {"content-type": "application/json", **(headers or {})}
    return httpx2.MockTransport(
        lambda _request: httpx2.Response(status, headers=hdrs, content=content)
    )


def _sse(events: str) -> Any:
    def handle(_request: Any) -> Any:
        return httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, content=events.encode()
        )

    return httpx2.MockTransport(handle)


def _openai(transport: Any, base_url: str = "https://api.openai.com/v1") -> openai.OpenAI:
    return openai.OpenAI(
        api_key="sk-test",
        base_url=base_url,
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
    )


def _openai_error(
    status: int,
    body: object,
    headers: dict[str, str] | None = None,
    base_url: str = "https://api.openai.com/v1",
) -> BaseException:
    client = _openai(_transport(status, body, headers), base_url)
    with pytest.raises(openai.OpenAIError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    return caught.value


def _openai_stream_error(events: str, base_url: str) -> BaseException:
    client = _openai(_sse(events), base_url)
    with pytest.raises(openai.OpenAIError) as caught:
        stream = client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        for _ in stream:
            pass
    return caught.value


def _anthropic(transport: Any) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key="sk-ant-test", max_retries=0, http_client=httpx2.Client(transport=transport)
    )


def _anthropic_error(status: int, body: object) -> BaseException:
    client = _anthropic(_transport(status, body))
    with pytest.raises(anthropic.AnthropicError) as caught:
        client.messages.create(
            model="claude-sonnet-4-6", max_tokens=16, messages=[{"role": "user", "content": "hi"}]
        )
    return caught.value


def _anthropic_stream_error(events: str) -> BaseException:
    client = _anthropic(_sse(events))
    with pytest.raises(anthropic.AnthropicError) as caught:
        stream = client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=16,
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
        )
        for _ in stream:
            pass
    return caught.value


def _httpx_status_error(status: int, body: object) -> httpx.HTTPStatusError:
    request = httpx.Request("POST", "https://api.example.com/v1/chat/completions")
    response = httpx.Response(status, json=body, request=request)
    with pytest.raises(httpx.HTTPStatusError) as caught:
        response.raise_for_status()
    return caught.value


def _raised_from(outer: Callable[[], BaseException], inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer() from exc
    except BaseException as wrapped:
        return wrapped


# --- payloads ----------------------------------------------------------------------------

# OpenAI: https://platform.openai.com/docs/guides/error-codes (bodies as the API sends them;
# the rate-limit wording and headers as in https://platform.openai.com/docs/guides/rate-limits)
OPENAI_INVALID_KEY = {
    "error": {
        "message": "Incorrect API key provided: sk-test. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
}
OPENAI_QUOTA = {
    "error": {
        "message": "You exceeded your current quota, please check your plan and billing details. "
        "For more information on this error, read the docs: "
        "https://platform.openai.com/docs/guides/error-codes/api-errors.",
        "type": "insufficient_quota",
        "param": None,
        "code": "insufficient_quota",
    }
}
OPENAI_RATE_LIMIT = {
    "error": {
        "message": "Rate limit reached for gpt-4o in organization org-abc on tokens per min "
        "(TPM): Limit 30000, Used 29760, Requested 1197. Please try again in 1.914s.",
        "type": "tokens",
        "param": None,
        "code": "rate_limit_exceeded",
    }
}
OPENAI_CONTEXT = {
    "error": {
        "message": "This model's maximum context length is 128000 tokens. However, your messages "
        "resulted in 130912 tokens. Please reduce the length of the messages.",
        "type": "invalid_request_error",
        "param": "messages",
        "code": "context_length_exceeded",
    }
}
# Groq is OpenAI-compatible: https://console.groq.com/docs/errors
GROQ_INVALID_KEY = {
    "error": {
        "message": "Invalid API Key",
        "type": "invalid_request_error",
        "code": "invalid_api_key",
    }
}
# Anthropic: https://docs.anthropic.com/en/api/errors
ANTHROPIC_AUTH = {
    "type": "error",
    "error": {"type": "authentication_error", "message": "invalid x-api-key"},
    "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy",
}
# The credit wording: anthropics/anthropic-sdk-python#467 and the errors page above.
ANTHROPIC_CREDIT = {
    "type": "error",
    "error": {
        "type": "invalid_request_error",
        "message": "Your credit balance is too low to access the Anthropic API. Please go to "
        "Plans & Billing to upgrade or purchase credits.",
    },
}
# 529 as quoted in anthropics/claude-code#3633.
ANTHROPIC_OVERLOADED = {
    "type": "error",
    "error": {"type": "overloaded_error", "message": "Overloaded"},
}
# Error events: https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events
ANTHROPIC_STREAM = (
    "event: message_start\n"
    'data: {"type": "message_start", "message": {"id": "msg_01", "type": "message", '
    '"role": "assistant", "content": [], "model": "claude-sonnet-4-6", "stop_reason": null, '
    '"stop_sequence": null, "usage": {"input_tokens": 10, "output_tokens": 1}}}\n\n'
    "event: error\n"
    'data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n'
)
# Gemini: the body quoted in google/timesketch#3703 and continuedev/continue#10530.
GEMINI_BAD_KEY = {
    "error": {
        "code": 400,
        "message": "API key not valid. Please pass a valid API key.",
        "status": "INVALID_ARGUMENT",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": "API key not valid. Please pass a valid API key.",
            },
        ],
    }
}
# Gemini 429: googleapis/python-genai#1875 and langchain-ai/langchain-google#1445.
GEMINI_EXHAUSTED = {
    "error": {
        "code": 429,
        "message": "You exceeded your current quota, please check your plan and billing "
        "details. For more information on this error, head to: "
        "https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: "
        "generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 15, "
        "model: gemini-2.0-flash\nPlease retry in 7.174066935s.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/"
                        "generate_content_free_tier_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                        "quotaValue": "15",
                    }
                ],
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {
                        "description": "Learn more about Gemini API quotas",
                        "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                    }
                ],
            },
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"},
        ],
    }
}
# OpenRouter: https://openrouter.ai/docs/api/reference/errors-and-debugging (402: credits;
# 502: the model is down). metadata.raw as a JSON string: reVrost/go-openrouter#21; the
# upstream here is Anthropic's overloaded_error body quoted above.
OPENROUTER_CREDITS = {
    "error": {
        "message": "Insufficient credits. This account never purchased credits. Make sure your "
        "key is on the correct account or org, and if so, purchase more at "
        "https://openrouter.ai/settings/credits",
        "code": 402,
    },
    "user_id": "user_2x",
}
OPENROUTER_UPSTREAM = {
    "error": {
        "message": "Provider returned error",
        "code": 502,
        "metadata": {
            "raw": json.dumps(ANTHROPIC_OVERLOADED),
            "provider_name": "Anthropic",
        },
    },
    "user_id": "user_2x",
}
# Plain-text raw with the upstream's status in the outer code: open-webui/computer#293.
OPENROUTER_UPSTREAM_TEXT = {
    "error": {
        "message": "Provider returned error",
        "code": 429,
        "metadata": {
            "raw": "z-ai/glm-4.5-air:free is temporarily rate-limited upstream. Please retry "
            "shortly, or add your own key to accumulate your rate limits",
            "provider_name": "Z.AI",
        },
    }
}
# Mid-stream, OpenRouter sends the error as a data event inside a 200 (streaming page of the
# OpenRouter docs, "Handling Errors During Streaming").
OPENROUTER_STREAM = (
    'data: {"id": "gen-1", "object": "chat.completion.chunk", "created": 1, "model": "m", '
    '"choices": [{"index": 0, "delta": {"content": "Hel"}, "finish_reason": null}]}\n\n'
    'data: {"id": "gen-1", "object": "chat.completion.chunk", "created": 1, "model": "m", '
    '"provider": "Anthropic", "error": {"code": 502, "message": "Provider disconnected"}, '
    '"choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]}\n\n'
)
# Bedrock: https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html and
# the ClientError shape in botocore/exceptions.py.
BEDROCK_THROTTLED = {
    "Error": {"Code": "ThrottlingException", "Message": "Too many requests, please wait."},
    "ResponseMetadata": {
        "RequestId": "0e1a2b3c-0000-4000-8000-000000000000",
        "HTTPStatusCode": 429,
        "HTTPHeaders": {"x-amzn-errortype": "ThrottlingException", "retry-after": "3"},
        "RetryAttempts": 4,
        "MaxAttemptsReached": True,
    },
}
BEDROCK_DENIED = {
    "Error": {
        "Code": "AccessDeniedException",
        "Message": "You don't have access to the model with the specified model ID.",
    },
    "ResponseMetadata": {"HTTPStatusCode": 403, "HTTPHeaders": {}},
}


def _expect(
    status: int | None, error_type: str, code: str | None, message: str | None
) -> dict[str, Any]:
    return {"status_code": status, "error_type": error_type, "error_code": code, "message": message}


PROVIDER_CASES: list[tuple[str, Callable[[], BaseException], dict[str, Any]]] = [
    (
        "openai invalid_api_key",
        lambda: _openai_error(401, OPENAI_INVALID_KEY),
        _expect(401, "AuthenticationError", "invalid_api_key", "Incorrect API key provided"),
    ),
    (
        "openai insufficient_quota",
        lambda: _openai_error(429, OPENAI_QUOTA),
        _expect(429, "RateLimitError", "insufficient_quota", "You exceeded your current quota"),
    ),
    (
        "openai rate_limit_exceeded",
        lambda: _openai_error(429, OPENAI_RATE_LIMIT, {"retry-after": "2"}),
        _expect(429, "RateLimitError", "rate_limit_exceeded", "Rate limit reached for gpt-4o"),
    ),
    (
        "openai context_length_exceeded",
        lambda: _openai_error(400, OPENAI_CONTEXT),
        _expect(400, "BadRequestError", "context_length_exceeded", "maximum context length"),
    ),
    (
        "groq invalid_api_key through the openai sdk",
        lambda: _openai_error(401, GROQ_INVALID_KEY, base_url="https://api.groq.com/openai/v1"),
        _expect(401, "AuthenticationError", "invalid_api_key", "Invalid API Key"),
    ),
    (
        "anthropic authentication_error",
        lambda: _anthropic_error(401, ANTHROPIC_AUTH),
        _expect(401, "AuthenticationError", "authentication_error", "invalid x-api-key"),
    ),
    (
        "anthropic credit balance too low",
        lambda: _anthropic_error(400, ANTHROPIC_CREDIT),
        _expect(400, "BadRequestError", "invalid_request_error", "credit balance is too low"),
    ),
    (
        "anthropic overloaded 529",
        lambda: _anthropic_error(529, ANTHROPIC_OVERLOADED),
        _expect(529, "OverloadedError", "overloaded_error", "Overloaded"),
    ),
    (
        "anthropic error event mid-stream",
        lambda: _anthropic_stream_error(ANTHROPIC_STREAM),
        _expect(None, "APIStatusError", "overloaded_error", "Overloaded"),
    ),
    (
        "gemini API_KEY_INVALID",
        lambda: genai_errors.ClientError(400, GEMINI_BAD_KEY),
        _expect(400, "ClientError", "API_KEY_INVALID", "API key not valid"),
    ),
    (
        "gemini RESOURCE_EXHAUSTED",
        lambda: genai_errors.ClientError(429, GEMINI_EXHAUSTED),
        _expect(429, "ClientError", "RESOURCE_EXHAUSTED", "You exceeded your current quota"),
    ),
    (
        "gemini body as a one-element list",
        lambda: genai_errors.ClientError(400, [GEMINI_BAD_KEY]),
        _expect(400, "ClientError", "API_KEY_INVALID", "API key not valid"),
    ),
    (
        "openrouter 402",
        lambda: _openai_error(402, OPENROUTER_CREDITS, base_url="https://openrouter.ai/api/v1"),
        _expect(402, "APIStatusError", None, "Insufficient credits"),
    ),
    (
        "openrouter 502 wrapping an upstream JSON error",
        lambda: _openai_error(502, OPENROUTER_UPSTREAM, base_url="https://openrouter.ai/api/v1"),
        _expect(502, "InternalServerError", "overloaded_error", "Overloaded"),
    ),
    (
        "openrouter 429 wrapping upstream plain text",
        lambda: _openai_error(
            429, OPENROUTER_UPSTREAM_TEXT, base_url="https://openrouter.ai/api/v1"
        ),
        _expect(429, "RateLimitError", None, "temporarily rate-limited upstream"),
    ),
    (
        "openrouter error event mid-stream",
        lambda: _openai_stream_error(OPENROUTER_STREAM, "https://openrouter.ai/api/v1"),
        _expect(502, "APIError", None, "Provider disconnected"),
    ),
    (
        "bedrock ThrottlingException",
        lambda: botocore.exceptions.ClientError(BEDROCK_THROTTLED, "InvokeModel"),
        _expect(429, "ClientError", "ThrottlingException", "Too many requests, please wait."),
    ),
    (
        "bedrock AccessDeniedException",
        lambda: botocore.exceptions.ClientError(BEDROCK_DENIED, "Converse"),
        _expect(403, "ClientError", "AccessDeniedException", "You don't have access"),
    ),
    (
        "httpx HTTPStatusError 401 with an OpenAI-shaped body",
        lambda: _httpx_status_error(401, OPENAI_INVALID_KEY),
        _expect(401, "HTTPStatusError", "invalid_api_key", "Incorrect API key provided"),
    ),
    (
        "httpx ConnectError",
        lambda: httpx.ConnectError("[Errno 111] Connection refused"),
        _expect(None, "ConnectError", None, "Connection refused"),
    ),
    (
        "httpx ReadTimeout",
        lambda: httpx.ReadTimeout("The read operation timed out"),
        _expect(None, "ReadTimeout", None, "The read operation timed out"),
    ),
    (
        "openai APITimeoutError",
        lambda: openai.APITimeoutError(request=httpx2.Request("POST", "https://api.openai.com")),
        _expect(None, "APITimeoutError", None, "Request timed out."),
    ),
    (
        "anthropic APIConnectionError",
        lambda: anthropic.APIConnectionError(
            request=httpx2.Request("POST", "https://api.anthropic.com/v1/messages")
        ),
        _expect(None, "APIConnectionError", None, "Connection error."),
    ),
]


@pytest.mark.parametrize(("make", "want"), [pytest.param(m, w, id=i) for i, m, w in PROVIDER_CASES])
def test_provider_errors(make: Callable[[], BaseException], want: dict[str, Any]) -> None:
    """Each SDK's real error yields the provider's status, class, code and human message."""
    info = describe_exception(make())
    assert info.status_code == want["status_code"]
    assert info.error_type == want["error_type"]
    assert info.error_code == want["error_code"]
    assert info.error_message is not None and want["message"] in info.error_message
    # The human message, never the SDK's "Error code: 401 - {...}" repr of the whole body.
    assert not info.error_message.startswith("Error code:")


@pytest.mark.parametrize(
    ("make", "seconds"),
    [
        pytest.param(lambda: _openai_error(429, OPENAI_RATE_LIMIT, {"retry-after": "2"}), 2.0),
        pytest.param(
            lambda: _openai_error(429, OPENAI_RATE_LIMIT, {"retry-after-ms": "1914"}), 1.914
        ),
        pytest.param(lambda: genai_errors.ClientError(429, GEMINI_EXHAUSTED), 7.0),
        pytest.param(lambda: botocore.exceptions.ClientError(BEDROCK_THROTTLED, "Converse"), 3.0),
        pytest.param(lambda: _openai_error(429, OPENAI_QUOTA), None),
    ],
    ids=["retry-after", "retry-after-ms", "google RetryInfo", "botocore header", "absent"],
)
def test_retry_after(make: Callable[[], BaseException], seconds: float | None) -> None:
    """retry_after_s comes from Retry-After, retry-after-ms or Google's RetryInfo, else None."""
    assert describe_exception(make()).retry_after_s == seconds


def test_retry_after_http_date() -> None:
    """A Retry-After given as an HTTP date becomes the seconds left until then."""
    exc = _openai_error(429, OPENAI_RATE_LIMIT, {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert describe_exception(exc).retry_after_s == 0.0


def test_sdk_error_wins_over_the_suppressed_transport_error() -> None:
    """openai raises `from None` over httpx2's HTTPStatusError; its own error is the one read."""
    exc = _openai_error(401, OPENAI_INVALID_KEY)
    assert exc.__suppress_context__
    assert type(exc.__context__).__name__ == "HTTPStatusError"
    assert describe_exception(exc).error_type == "AuthenticationError"


def test_wrapper_raised_from_an_sdk_error() -> None:
    """An application error raised `from` a provider error reports the provider error."""
    exc = _raised_from(
        lambda: RuntimeError("LLM call failed"), _openai_error(401, OPENAI_INVALID_KEY)
    )
    info = describe_exception(exc)
    assert (info.status_code, info.error_type, info.error_code) == (
        401,
        "AuthenticationError",
        "invalid_api_key",
    )


def test_wrapper_raised_while_handling_an_sdk_error() -> None:
    """A bare `raise` in an except block (implicit context) still reports the provider error."""
    try:
        try:
            raise _anthropic_error(529, ANTHROPIC_OVERLOADED)
        except anthropic.APIStatusError:
            raise ValueError("model unavailable")  # noqa: B904
    except ValueError as exc:
        wrapped: BaseException = exc
    info = describe_exception(wrapped)
    assert (info.status_code, info.error_code) == (529, "overloaded_error")


def test_fallback_failing_in_an_except_block_reports_its_own_error() -> None:
    """A second provider call failing while the first is handled is reported, not the first."""
    first = _openai_error(429, OPENAI_RATE_LIMIT)
    try:
        try:
            raise first
        except openai.RateLimitError:
            raise _anthropic_error(401, ANTHROPIC_AUTH)  # noqa: B904
    except anthropic.AuthenticationError as exc:
        second: BaseException = exc
    assert second.__context__ is first
    info = describe_exception(second)
    assert (info.status_code, info.error_code) == (401, "authentication_error")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda: _raised_from(
                lambda: ModelRateLimitError("rate limited"),
                genai_errors.ClientError(429, GEMINI_EXHAUSTED),
            ),
            id="ModelRateLimitError from the SDK error",
        ),
        pytest.param(
            lambda: _raised_from(
                lambda: OutputParserException("Failed to parse"),
                genai_errors.ClientError(429, GEMINI_EXHAUSTED),
            ),
            id="OutputParserException from the SDK error",
        ),
        pytest.param(
            lambda: _dual_class()(429, GEMINI_EXHAUSTED),
            id="integration class inheriting both hierarchies",
        ),
    ],
)
def test_langchain_wrappers(make: Callable[[], BaseException]) -> None:
    """LangChain's wrappers, by `from` or by double inheritance, keep the provider's facts."""
    info = describe_exception(make())
    assert (info.status_code, info.error_code, info.retry_after_s) == (
        429,
        "RESOURCE_EXHAUSTED",
        7.0,
    )


def _dual_class() -> type[genai_errors.ClientError]:
    # langchain_core.exceptions.ModelError: "Provider integrations raise subclasses that also
    # inherit from the provider SDK's own exception type".
    class ChatGoogleRateLimitError(ModelRateLimitError, genai_errors.ClientError):
        pass

    return ChatGoogleRateLimitError


def test_tenacity_style_retry_error() -> None:
    """A retry wrapper keeping the last attempt as a finished Future reports that attempt."""
    from concurrent.futures import Future

    attempt: Future[None] = Future()
    attempt.set_exception(genai_errors.ClientError(400, GEMINI_BAD_KEY))

    class RetryError(Exception):
        def __init__(self, last_attempt: Future[None]) -> None:
            super().__init__(f"RetryError[{last_attempt}]")
            self.last_attempt = last_attempt

    assert describe_exception(RetryError(attempt)).error_code == "API_KEY_INVALID"


def test_exception_group() -> None:
    """A task group's ExceptionGroup reports the provider error inside it."""
    group = ExceptionGroup(
        "unhandled errors in a TaskGroup", [_openai_error(401, OPENAI_INVALID_KEY)]
    )
    assert describe_exception(group).error_code == "invalid_api_key"


class _Hostile(Exception):
    """Every attribute read raises, str() too."""

    def __getattribute__(self, name: str) -> Any:
        if name in {"__class__", "__dict__"}:
            return object.__getattribute__(self, name)
        raise RuntimeError(f"no {name} for you")

    def __str__(self) -> str:
        raise RuntimeError("no str either")


class _HostileResponse(Exception):
    @property
    def status_code(self) -> int:
        raise RuntimeError("boom")

    @property
    def response(self) -> Any:
        raise ValueError("boom")

    @property
    def body(self) -> Any:
        raise KeyError("boom")


def test_attributes_that_raise() -> None:
    """An exception whose attributes raise on access still yields an ErrorInfo."""
    assert describe_exception(_Hostile()) == ErrorInfo(None, "_Hostile", None, None, None)
    info = describe_exception(_HostileResponse("still here"))
    assert (info.error_type, info.error_message) == ("_HostileResponse", "still here")


def test_cycles_are_safe() -> None:
    """A cause chain that loops back on itself terminates."""
    a, b = RuntimeError("a"), RuntimeError("b")
    a.__cause__, b.__cause__ = b, a
    assert describe_exception(a).error_type == "RuntimeError"


def test_unread_streaming_response() -> None:
    """An HTTPStatusError over a stream never read is described without reading it."""
    request = httpx.Request("POST", "https://api.example.com")
    response = httpx.Response(429, stream=httpx.ByteStream(b"{}"), request=request)
    exc = httpx.HTTPStatusError("429", request=request, response=response)
    info = describe_exception(exc)
    assert (info.status_code, info.error_type, info.error_code) == (429, "HTTPStatusError", None)


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        pytest.param(type("E", (Exception,), {"status_code": 503})(), 503, id="status_code"),
        pytest.param(type("E", (Exception,), {"status": 404})(), 404, id="status"),
        pytest.param(type("E", (Exception,), {"code": 401})(), 401, id="code"),
        pytest.param(type("E", (Exception,), {"http_status": 429})(), 429, id="http_status"),
        pytest.param(type("E", (Exception,), {"code": 1007})(), None, id="websocket close code"),
        pytest.param(type("E", (Exception,), {"code": True})(), None, id="bool"),
        pytest.param(type("E", (Exception,), {"code": "invalid_api_key"})(), None, id="string"),
    ],
)
def test_status_from_unknown_exceptions(exc: BaseException, status: int | None) -> None:
    """Unknown exceptions give a status from any usual attribute, if it is an HTTP status."""
    assert describe_exception(exc).status_code == status


def test_plain_exception() -> None:
    """Anything else falls back to its class name and str()."""
    info = describe_exception(KeyError("model"))
    assert info == ErrorInfo(None, "KeyError", None, "'model'", None)


def test_message_is_bounded() -> None:
    """error_message never exceeds what the reporter captures, whatever the provider sent."""
    body = {"error": {"message": "x" * 50_000, "type": "server_error", "code": None}}
    info = describe_exception(_openai_error(500, body))
    assert info.error_message is not None and len(info.error_message) == MESSAGE_CAPTURE_CHARS
    assert info.error_code == "server_error"


def test_import_pulls_in_no_sdk() -> None:
    """Importing keywatch.extract imports none of the SDKs the backend may lack."""
    code = (
        "import keywatch.extract, sys; print([m for m in ('openai', 'anthropic', 'google.genai',"
        " 'httpx', 'httpx2', 'langchain_core', 'botocore') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "shared"), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert out.stdout.strip() == "[]"
