"""The OpenTelemetry span processor, on spans from a real opentelemetry-sdk TracerProvider carrying
the attributes each GenAI instrumentation sets (docs/otel.md has the table and its sources)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer, set_span_in_context

import keywatch
from keywatch.core.classify import classify
from keywatch.otel import ATTRIBUTES_READ, KeywatchSpanProcessor, using_key
from keywatch.reporting import Reporter
from keywatch.settings import Settings
from tests.fakes import FakePublisherClient

# openai 3.x: str(AuthenticationError) is "Error code: 401 - <the body's message>".
MESSAGE_401 = (
    "Error code: 401 - Incorrect API key provided: sk-proj-abcd********************wxyz. You can "
    "find your API key at https://platform.openai.com/account/api-keys."
)
# openai 1.x: the body's repr after the status.
REPR_401 = (
    "Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-abcd*****wxyz. "
    "You can find your API key at https://platform.openai.com/account/api-keys.', 'type': "
    "'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}"
)
# https://platform.openai.com/docs/guides/error-codes (429 insufficient_quota)
QUOTA_429 = (
    "Error code: 429 - {'error': {'message': 'You exceeded your current quota, please check your "
    "plan and billing details.', 'type': 'insufficient_quota', 'param': None, 'code': "
    "'insufficient_quota'}}"
)
# https://docs.claude.com/en/api/errors (429 rate_limit_error)
ANTHROPIC_429 = (
    "Error code: 429 - {'type': 'error', 'error': {'type': 'rate_limit_error', 'message': "
    "'Number of request tokens has exceeded your per-minute rate limit'}}"
)


@dataclass
class Capture:
    tracer: Tracer
    processor: KeywatchSpanProcessor
    reporter: Reporter
    client: FakePublisherClient
    provider: TracerProvider

    def events(self, kind: str = "failure") -> list[dict[str, Any]]:
        assert self.reporter.flush(5)
        return [e for e in self.client.events() if e["type"] == kind]

    def tallies(self) -> list[dict[str, Any]]:
        assert self.reporter.flush(5)
        return self.client.tally_groups()


@pytest.fixture
def capture() -> Iterator[Capture]:
    client = FakePublisherClient()
    reporter = Reporter(Settings(project_id="p"), client_factory=lambda: client)
    processor = KeywatchSpanProcessor(reporter)
    provider = TracerProvider()
    provider.add_span_processor(processor)
    yield Capture(provider.get_tracer("test"), processor, reporter, client, provider)
    provider.shutdown()
    reporter.close()


@dataclass(frozen=True)
class Case:
    name: str  # the span's name, as the instrumentation writes it
    attributes: dict[str, Any]
    exception: dict[str, str] | None = None  # the exception event's attributes
    description: str | None = None  # the ERROR status's description
    expect: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


def end(tracer: Tracer, case: Case, parent: Any = None) -> None:
    context = set_span_in_context(parent) if parent is not None else None
    span = tracer.start_span(
        case.name, kind=SpanKind.CLIENT, attributes=case.attributes, context=context
    )
    if case.exception is not None:
        span.add_event("exception", case.exception)
    if case.description is not None or case.exception is not None:
        span.set_status(Status(StatusCode.ERROR, case.description))
    span.end()


CONVENTIONS = {
    # opentelemetry-instrumentation-openai-v2 2.4b0 (with opentelemetry-util-genai 1.1b0), as
    # captured from a real call: error.type is str() of the exception class, no exception event.
    "semconv gen_ai.provider.name (openai-v2 2.4b0)": Case(
        "chat gpt-4o-mini",
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.provider.name": "openai",
            "error.type": "<class 'openai.AuthenticationError'>",
        },
        description=MESSAGE_401,
        expect={"provider": "openai", "model": "gpt-4o-mini", "status_code": 401},
        reason="invalid_key",
    ),
    # The conventions as written: error.type the exception's fully qualified type, the exception
    # event beside it, server.address the API's host.
    "semconv with exception event": Case(
        "chat claude-sonnet-4-5",
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "anthropic",
            "gen_ai.request.model": "claude-sonnet-4-5",
            "server.address": "api.anthropic.com",
            "error.type": "anthropic.RateLimitError",
        },
        exception={
            "exception.type": "anthropic.RateLimitError",
            "exception.message": ANTHROPIC_429,
            "exception.stacktrace": "Traceback (most recent call last): ...",
        },
        description=ANTHROPIC_429,
        expect={"provider": "anthropic", "model": "claude-sonnet-4-5", "status_code": 429},
        reason="rate_limited",
    ),
    # openai-v2's legacy path (semconv v1.30: gen_ai.system; handle_span_exception sets the
    # class's qualname and str(error) as the description, records no event).
    "old gen_ai.system (semconv 1.30)": Case(
        "chat gpt-4o",
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.system": "openai",
            "gen_ai.request.model": "gpt-4o",
            "server.address": "api.openai.com",
            "error.type": "AuthenticationError",
        },
        description=REPR_401,
        expect={"provider": "openai", "model": "gpt-4o", "status_code": 401},
        reason="invalid_key",
    ),
    # OpenLLMetry's opentelemetry-instrumentation-openai 0.47-0.54: span "openai.chat",
    # llm.request.type at start, gen_ai.system from the base URL, error.type the class name,
    # record_exception, and the request's headers as an attribute (never read).
    "OpenLLMetry gen_ai.system + llm.request.type": Case(
        "openai.chat",
        {
            "llm.request.type": "chat",
            "gen_ai.system": "openai",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.openai.api_base": "https://api.openai.com/v1/",
            "llm.headers": "{'Authorization': 'Bearer sk-proj-PLANTEDkeyPLANTEDkey0123456789'}",
            "error.type": "RateLimitError",
        },
        exception={"exception.type": "openai.RateLimitError", "exception.message": QUOTA_429},
        description=QUOTA_429,
        expect={"provider": "openai", "model": "gpt-4o", "status_code": 429},
        reason="quota_exhausted",
    ),
    "OpenLLMetry legacy vendor name": Case(
        "openai.chat",
        {
            "llm.request.type": "chat",
            "gen_ai.system": "Azure",
            "gen_ai.request.model": "gpt-4o-prod",
            "error.type": "AuthenticationError",
        },
        exception={"exception.type": "openai.AuthenticationError", "exception.message": REPR_401},
        expect={"provider": "azure_openai", "model": "gpt-4o-prod", "status_code": 401},
        reason="invalid_key",
    ),
    # OpenInference's openai instrumentation: llm.model_name comes from the response, so a
    # failed call has the model only in llm.invocation_parameters; the description is
    # "<Class>: <str(exception)>".
    "OpenInference": Case(
        "ChatCompletion",
        {
            "openinference.span.kind": "LLM",
            "llm.system": "openai",
            "llm.provider": "openai",
            "llm.invocation_parameters": '{"model": "gpt-4o-mini", "temperature": 0.2}',
        },
        exception={"exception.type": "openai.AuthenticationError", "exception.message": REPR_401},
        description=f"AuthenticationError: {REPR_401}",
        expect={"provider": "openai", "model": "gpt-4o-mini", "status_code": 401},
        reason="invalid_key",
    ),
    "OpenInference, OpenAI SDK at Groq": Case(
        "ChatCompletion",
        {
            "openinference.span.kind": "LLM",
            "llm.system": "openai",
            "llm.provider": "groq",
            "llm.model_name": "llama-3.3-70b-versatile",
        },
        description="RateLimitError: Error code: 429 - rate limit reached",
        expect={"provider": "groq", "model": "llama-3.3-70b-versatile", "status_code": 429},
        reason="rate_limited",
    ),
}


@pytest.mark.parametrize("case", CONVENTIONS.values(), ids=CONVENTIONS.keys())
def test_each_convention_gives_provider_model_and_status(capture: Capture, case: Case) -> None:
    """A failed span of each convention becomes one failure event with what classify needs."""
    end(capture.tracer, case)
    [event] = capture.events()
    assert {k: event[k] for k in case.expect} == case.expect
    assert event["operation"] == "chat"
    c = classify(
        event["status_code"],
        event["error_type"],
        event["error_code"],
        event["error_message"],
        provider=event["provider"],
    )
    assert c.reason.value == case.reason


def test_error_type_is_the_class_name(capture: Capture) -> None:
    """error.type written as a class repr or a qualified name is read as the class's name."""
    end(capture.tracer, CONVENTIONS["semconv gen_ai.provider.name (openai-v2 2.4b0)"])
    end(capture.tracer, CONVENTIONS["OpenLLMetry gen_ai.system + llm.request.type"])
    assert [e["error_type"] for e in capture.events()] == ["AuthenticationError", "RateLimitError"]


def test_a_code_in_error_type_beside_the_exception_is_kept(capture: Capture) -> None:
    """error.type holding a provider code (OpenLLMetry on an error inside a 200) is the code."""
    end(
        capture.tracer,
        Case(
            "openai.chat",
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "gpt-4o",
                "error.type": "rate_limit_exceeded",
            },
            exception={"exception.type": "openai.RateLimitError", "exception.message": "slow"},
        ),
    )
    [event] = capture.events()
    assert (event["error_type"], event["error_code"]) == ("RateLimitError", "rate_limit_exceeded")


def test_a_provider_code_in_error_type_is_the_error_code(capture: Capture) -> None:
    """error.type holding the provider's code (semconv: it SHOULD) is read as the code."""
    span = capture.tracer.start_span(
        "chat gpt-4o",
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o",
            "error.type": "invalid_api_key",
        },
    )
    span.set_status(Status(StatusCode.ERROR, "Incorrect API key provided"))
    span.end()
    [event] = capture.events()
    assert (event["error_type"], event["error_code"]) == (None, "invalid_api_key")
    c = classify(None, None, event["error_code"], event["error_message"], provider="openai")
    assert c.reason.value == "invalid_key"


@pytest.mark.parametrize(
    ("attributes", "description", "status"),
    [
        ({"http.response.status_code": 503}, "upstream failed", 503),
        ({"error.type": "429"}, None, 429),  # semconv: error.type may be the status itself
        ({}, "429 RESOURCE_EXHAUSTED. {'error': {'code': 429}}", 429),  # google-genai APIError
        ({"error.type": "openai.RateLimitError"}, "no status in here", 429),  # by class
        ({"error.type": "TimeoutError"}, "Request timed out.", None),
    ],
)
def test_status_from_attribute_text_or_class(
    capture: Capture, attributes: dict[str, Any], description: str | None, status: int | None
) -> None:
    """The status comes from http.response.status_code, error.type, the text, or the class."""
    base = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
    }
    span = capture.tracer.start_span("chat gpt-4o", attributes={**base, **attributes})
    span.set_status(Status(StatusCode.ERROR, description))
    span.end()
    [event] = capture.events()
    assert event["status_code"] == status


def test_success_counts_a_tally(capture: Capture) -> None:
    """A GenAI span that ended without error is one success for its provider and model."""
    span = capture.tracer.start_span(
        "chat gpt-4o-mini",
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        },
    )
    span.end()
    [tally] = capture.tallies()
    assert (tally["provider"], tally["model"], tally["successes"]) == ("openai", "gpt-4o-mini", 1)
    assert capture.events() == []


def test_other_spans_are_ignored(capture: Capture) -> None:
    """HTTP spans and GenAI spans that are not one model call (agents, tools) report nothing."""
    with capture.tracer.start_as_current_span(
        "POST", attributes={"http.request.method": "POST", "http.response.status_code": 500}
    ) as http:
        http.set_status(Status(StatusCode.ERROR))
    for operation in ("invoke_agent", "execute_tool"):
        span = capture.tracer.start_span(
            operation,
            attributes={"gen_ai.operation.name": operation, "gen_ai.provider.name": "openai"},
        )
        span.set_status(Status(StatusCode.ERROR, "Error code: 401"))
        span.end()
    span = capture.tracer.start_span(
        "workflow", attributes={"llm.request.type": "chat", "gen_ai.system": "langchain"}
    )
    span.end()
    assert capture.events() == [] and capture.tallies() == []
    stats = capture.processor.stats()
    assert (stats["not_model_calls"], stats["no_provider"]) == (2, 1)


def test_a_framework_span_around_the_sdk_span_counts_once(capture: Capture) -> None:
    """OpenInference's LangChain LLM span around the openai SDK's: the inner call is the one."""
    outer = capture.tracer.start_span(
        "ChatOpenAI",
        attributes={
            "openinference.span.kind": "LLM",
            "llm.provider": "openai",
            "llm.model_name": "gpt-4o",
        },
    )
    for _ in range(2):  # LangChain retried: two SDK calls inside
        end(capture.tracer, CONVENTIONS["OpenInference"], parent=outer)
    outer.set_status(Status(StatusCode.ERROR, f"AuthenticationError: {REPR_401}"))
    outer.end()
    assert len(capture.events()) == 2
    assert capture.processor.stats()["nested"] == 1


def test_byok_failure_is_attributed_to_the_key_from_using_key(capture: Capture) -> None:
    """Inside request_context and using_key: BYOK, the user, the key's fingerprint; the key's
    echo is removed from the message."""
    key = "sk-proj-Abc123Def456Ghi789Jkl012Mno345Pqr678"
    case = CONVENTIONS["semconv gen_ai.provider.name (openai-v2 2.4b0)"]
    echo = Case(case.name, case.attributes, description=f"Error code: 401 - bad key {key[:20]}")
    with (
        keywatch.request_context(uid="u-otel", byok={"openai"}, feature="chat"),
        using_key(key, "openai"),
    ):
        end(capture.tracer, echo)
    [event] = capture.events()
    assert (event["source"], event["uid"], event["feature"]) == ("byok", "u-otel", "chat")
    assert event["key_fingerprint"] == keywatch.key_fingerprint(key)
    assert key[8:20] not in event["error_message"]


def test_byok_failure_without_the_key_counts_for_the_provider_only(capture: Capture) -> None:
    """No key known: still BYOK (the provider's health is not blamed), but no uid, so no push,
    and the shared unknown-key fingerprint."""
    with keywatch.request_context(uid="u-otel", byok={"openai"}):
        end(capture.tracer, CONVENTIONS["semconv gen_ai.provider.name (openai-v2 2.4b0)"])
    [event] = capture.events()
    assert (event["source"], event.get("uid")) == ("byok", None)
    assert event["key_fingerprint"] == keywatch.key_fingerprint("")


def test_using_key_is_per_provider(capture: Capture) -> None:
    """A key given for one provider is not another provider's."""
    with (
        keywatch.request_context(uid="u", byok={"openai", "anthropic"}),
        using_key("sk-proj-openaiKEYopenaiKEY0123456789", "openai"),
    ):
        end(capture.tracer, CONVENTIONS["semconv with exception event"])  # anthropic
    [event] = capture.events()
    assert event["key_fingerprint"] == keywatch.key_fingerprint("")


def test_span_attributes_attribute_the_key(capture: Capture) -> None:
    """keywatch.key_fingerprint, keywatch.uid and keywatch.source set on the span are enough."""
    fp = keywatch.key_fingerprint("sk-ant-someone")
    case = CONVENTIONS["semconv with exception event"]
    attributes = {
        **case.attributes,
        "keywatch.key_fingerprint": fp,
        "keywatch.uid": "u-attr",
        "keywatch.source": "byok",
    }
    end(capture.tracer, Case(case.name, attributes, case.exception, case.description))
    [event] = capture.events()
    assert (event["key_fingerprint"], event["uid"], event["source"]) == (fp, "u-attr", "byok")


def test_on_end_runs_in_the_callers_context(capture: Capture) -> None:
    """span.end() calls on_end synchronously where it is called: a context entered after the
    span started is seen."""
    case = CONVENTIONS["semconv gen_ai.provider.name (openai-v2 2.4b0)"]
    span = capture.tracer.start_span(case.name, attributes=case.attributes)
    span.set_status(Status(StatusCode.ERROR, case.description))
    with keywatch.request_context(uid="u-end", byok={"openai"}), using_key("sk-proj-endKEY0123456"):
        span.end()
    [event] = capture.events()
    assert (event["uid"], event["source"]) == ("u-end", "byok")


def test_a_span_ended_elsewhere_keeps_its_start_context(capture: Capture) -> None:
    """A span started in a request and ended in another thread (a stream consumed elsewhere) is
    attributed as it started."""
    key = "sk-proj-startKEYstartKEY0123456789"
    case = CONVENTIONS["semconv gen_ai.provider.name (openai-v2 2.4b0)"]
    with keywatch.request_context(uid="u-start", byok={"openai"}), using_key(key, "openai"):
        span = capture.tracer.start_span(case.name, attributes=case.attributes)
    span.set_status(Status(StatusCode.ERROR, case.description))
    thread = threading.Thread(target=span.end)
    thread.start()
    thread.join()
    [event] = capture.events()
    assert (event["uid"], event["key_fingerprint"]) == ("u-start", keywatch.key_fingerprint(key))
    assert capture.processor.stats()["open_spans"] == 0


def test_no_header_or_stacktrace_is_read(capture: Capture) -> None:
    """Attributes outside the allow-list (headers, prompts) and stack traces never reach Pub/Sub."""
    planted = "sk-proj-PLANTEDkeyPLANTEDkey0123456789"
    assert not any("header" in a or "prompt" in a for a in ATTRIBUTES_READ)
    span = capture.tracer.start_span(
        "chat gpt-4o",
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.headers": f"{{'Authorization': 'Bearer {planted}'}}",
            "gen_ai.prompt.0.content": planted,
        },
    )
    span.add_event(
        "exception",
        {
            "exception.type": "openai.AuthenticationError",
            "exception.message": "Error code: 401 - bad key",
            "exception.stacktrace": f"headers={{'Authorization': 'Bearer {planted}'}}",
        },
    )
    span.set_status(Status(StatusCode.ERROR))
    span.end()
    assert capture.events()
    assert all(planted[8:20].encode() not in data for data, _ in capture.client.messages)


def test_a_real_exception_recorded_on_a_span(capture: Capture) -> None:
    """An openai exception recorded with the SDK's record_exception reads as track() reads it."""
    body = {"message": "Incorrect API key provided.", "code": "invalid_api_key"}
    response = httpx2.Response(
        401,
        json={"error": body},
        request=httpx2.Request("POST", "https://api.openai.com/v1/chat/completions"),
    )
    exc = openai.AuthenticationError(f"Error code: 401 - {body}", response=response, body=body)
    with (
        pytest.raises(openai.AuthenticationError),
        capture.tracer.start_as_current_span(
            "openai.chat",
            attributes={
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "gpt-4o",
            },
        ),
    ):
        raise exc
    [event] = capture.events()
    assert (event["status_code"], event["error_type"]) == (401, "AuthenticationError")


def test_odd_attribute_values_do_not_break_capture(capture: Capture) -> None:
    """Values of unexpected types are skipped, never raised on."""
    span = capture.tracer.start_span(
        "chat",
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": 42,
            "http.response.status_code": True,
            "error.type": "",
        },
    )
    span.set_status(Status(StatusCode.ERROR))
    span.end()
    [event] = capture.events()
    assert (event["model"], event["status_code"]) == ("unknown", None)
    assert capture.processor.stats()["internal_errors"] == 0


def test_host_decides_whose_key(capture: Capture) -> None:
    """The OpenAI SDK pointed at OpenRouter: the key was OpenRouter's."""
    span = capture.tracer.start_span(
        "chat openai/gpt-4o",
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "openai/gpt-4o",
            "server.address": "openrouter.ai",
        },
    )
    span.end()
    [tally] = capture.tallies()
    assert tally["provider"] == "openrouter"


def test_force_flush_publishes_and_shutdown_stops(capture: Capture) -> None:
    """force_flush is the reporter's flush; after shutdown spans are left alone."""
    end(capture.tracer, CONVENTIONS["OpenInference"])
    assert capture.provider.force_flush(5_000)
    assert len([e for e in capture.client.events() if e["type"] == "failure"]) == 1
    capture.processor.shutdown()
    end(capture.tracer, CONVENTIONS["OpenInference"])
    assert len(capture.events()) == 1


def test_force_flush_before_any_report_is_true() -> None:
    """A processor that reported nothing has nothing to flush and creates no reporter."""
    assert KeywatchSpanProcessor().force_flush(1)


def test_using_key_needs_a_key() -> None:
    """using_key without a key or a fingerprint is a mistake, said at once."""
    with pytest.raises(ValueError), using_key():
        pass


def test_import_keywatch_leaves_opentelemetry_out() -> None:
    """`import keywatch` loads no OpenTelemetry: only keywatch.otel does."""
    code = "import keywatch, sys; print(any(m.startswith('opentelemetry') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
