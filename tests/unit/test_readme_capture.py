"""The README's LiteLLM and OpenTelemetry snippets are real: run as written, each captures a
failure, and the key never reaches the event."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")

import keywatch.reporting as reporting
from keywatch.reporting import Reporter
from keywatch.settings import Settings
from tests.fakes import FakePublisherClient

README = Path(__file__).resolve().parents[2] / "README.md"
pytestmark = pytest.mark.filterwarnings("ignore:.*`ReadOnly` qualifier:UserWarning")


def snippet(name: str) -> str:
    found = re.search(rf"<!-- snippet: {name} -->\n```python\n(.*?)```", README.read_text(), re.S)
    assert found, f"README has no `{name}` snippet"
    return found.group(1)


@pytest.fixture
def client() -> Iterator[FakePublisherClient]:
    fake = FakePublisherClient()
    r = Reporter(Settings(project_id="p"), client_factory=lambda: fake)
    saved, reporting._default = reporting._default, r
    yield fake
    reporting._default = saved
    r.close()


def test_the_litellm_snippet_reports_a_failure(client: FakePublisherClient) -> None:
    litellm = pytest.importorskip("litellm")
    saved = list(litellm.callbacks)
    try:
        ns: dict[str, Any] = {}
        exec(compile(snippet("litellm"), str(README), "exec"), ns)
        key = "sk-proj-u8jzPde0IgxLd6GncfBA_epfJBd0Kh8oOOL8dKLzdocJ2isA-jIhKtJ0RlgLKOmxg"
        with pytest.raises(litellm.RateLimitError):
            litellm.completion(
                model="openai/gpt-4o",
                messages=[{"role": "user", "content": "hi"}],
                api_key=key,
                mock_response="litellm.RateLimitError",
            )
        [logger] = [c for c in litellm.callbacks if type(c).__name__ == "KeywatchLogger"]
        assert logger.flush(10) and reporting.reporter().flush(10)
    finally:
        litellm.callbacks = saved
    [event] = client.events()
    assert (event["provider"], event["status_code"]) == ("openai", 429)
    assert key[8:20] not in str(client.messages)


def test_the_otel_snippet_reports_a_failed_genai_span(client: FakePublisherClient) -> None:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.trace import Status, StatusCode

    ns: dict[str, Any] = {}
    exec(compile(snippet("otel"), str(README), "exec"), ns)
    tracer = ns["tracer_provider"].get_tracer("app")
    with tracer.start_as_current_span("chat gpt-4o") as span:
        span.set_attribute("gen_ai.operation.name", "chat")
        span.set_attribute("gen_ai.provider.name", "openai")
        span.set_attribute("gen_ai.request.model", "gpt-4o")
        span.set_attribute("error.type", "AuthenticationError")
        span.set_attribute("http.response.status_code", 401)
        span.set_status(Status(StatusCode.ERROR, "Error code: 401 - invalid_api_key"))
    assert reporting.reporter().flush(10)
    [event] = client.events()
    assert (event["provider"], event["model"], event["status_code"]) == ("openai", "gpt-4o", 401)
