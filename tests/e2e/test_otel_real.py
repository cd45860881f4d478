"""Zero-code capture for real: the official OpenAI instrumentation
(opentelemetry-instrumentation-openai-v2) traces a real openai client talking HTTP to a local
OpenAI-compatible stand-in; KeywatchSpanProcessor on a real TracerProvider hands the spans to a
real Reporter publishing to the stack's Pub/Sub emulator; classify's log says what came of them.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openai
import pytest
from opentelemetry.instrumentation import openai_v2
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from opentelemetry.sdk.trace import TracerProvider

import keywatch
import keywatch.reporting as reporting
from keywatch.otel import KeywatchSpanProcessor, using_key
from keywatch_ops.devstack.stack import Stack
from tests.chat_server import ChatStandIn
from tests.e2e.conftest import eventually, log_entries

pytestmark = pytest.mark.e2e

MESSAGES = [{"role": "user", "content": "hello"}]


class Recording:
    """The real PublisherClient, with a note of each message it was handed (to know which
    tallies batch was ours); publishing itself is the client's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sent: list[dict[str, Any]] = []

    def topic_path(self, project: str, topic: str) -> str:
        return str(self.inner.topic_path(project, topic))

    def publish(self, topic: str, data: bytes, **kwargs: Any) -> Any:
        self.sent.append(json.loads(data))
        return self.inner.publish(topic, data, **kwargs)


@dataclass
class Traced:
    chat: ChatStandIn
    reporter: keywatch.Reporter
    recording: Recording
    processor: KeywatchSpanProcessor

    def client(self, kind: str) -> tuple[openai.OpenAI, str]:
        key = f"{kind}.sk-proj-{secrets.token_urlsafe(30)}"
        return openai.OpenAI(api_key=key, base_url=self.chat.base_url, max_retries=0), key


# The instrumentation's two paths: the current conventions (gen_ai.provider.name, what the
# installed opentelemetry-util-genai selects) and semconv 1.30 (gen_ai.system, what it selects
# with opentelemetry-util-genai 0.x unless OTEL_SEMCONV_STABILITY_OPT_IN opts in).
@pytest.fixture(scope="module", params=["gen_ai.provider.name", "gen_ai.system"])
def traced(stack: Stack, request: pytest.FixtureRequest) -> Iterator[Traced]:
    from google.cloud.pubsub_v1 import PublisherClient

    saved, reporting._default = reporting._default, None
    with stack.client_env():
        recording = Recording(PublisherClient())
        reporter = keywatch.init(client_factory=lambda: recording)
    processor = KeywatchSpanProcessor()  # the process's reporter, as an app would
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(processor)
    instrumentor = OpenAIInstrumentor()  # type: ignore[no-untyped-call]
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "gen_ai.system":
            patch.setattr(openai_v2, "is_experimental_mode", lambda: False)
        instrumentor.instrument(tracer_provider=tracer_provider)
    try:
        with ChatStandIn() as chat:
            yield Traced(chat, reporter, recording, processor)
    finally:
        instrumentor.uninstrument()
        tracer_provider.shutdown()
        reporter.close()
        reporting._default = saved


def failure_entry(stack: Stack, request_id: str) -> dict[str, Any]:
    [entry] = eventually(
        lambda: log_entries(stack, "classify", request_id=request_id), what="classify's entry"
    )
    return entry


def test_byok_invalid_key_is_attributed_to_the_users_key(stack: Stack, traced: Traced) -> None:
    """A 401 from a user's own key, inside request_context and using_key: classify logs it as
    that user's invalid BYOK key, with the key's fingerprint and the key's echo scrubbed."""
    client, key = traced.client("bad")
    rid = f"otel-{uuid.uuid4().hex}"
    with (
        keywatch.request_context(uid="otel-user", byok={"openai"}, request_id=rid),
        using_key(key, "openai"),
        pytest.raises(openai.AuthenticationError),
    ):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)  # type: ignore[arg-type]
    assert traced.processor.force_flush(30_000)
    entry = failure_entry(stack, rid)
    assert (entry["source"], entry["reason"], entry["status"]) == ("byok", "invalid_key", 401)
    assert (entry["provider"], entry["model"], entry["uid"]) == (
        "openai",
        "gpt-4o-mini",
        "otel-user",
    )
    assert entry["key_fingerprint"] == keywatch.key_fingerprint(key)
    assert entry["error_type"] == "AuthenticationError"
    secret_part = key.partition(".sk-proj-")[2]
    assert secret_part[:4] not in (entry["error_message"] or "")


def test_platform_rate_limit_is_classified(stack: Stack, traced: Traced) -> None:
    """A 429 rate_limit_exceeded on the platform's key is logged as rate_limited."""
    client, _ = traced.client("limited")
    rid = f"otel-{uuid.uuid4().hex}"
    with keywatch.request_context(request_id=rid), pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)  # type: ignore[arg-type]
    assert traced.processor.force_flush(30_000)
    entry = failure_entry(stack, rid)
    assert (entry["source"], entry["reason"], entry["status"]) == ("platform", "rate_limited", 429)


def test_byok_failure_without_the_key_reaches_no_user(stack: Stack, traced: Traced) -> None:
    """Without the key, a BYOK failure is logged and counted for the provider, never for a
    user: no uid, the shared unknown-key fingerprint."""
    client, _ = traced.client("bad")
    rid = f"otel-{uuid.uuid4().hex}"
    with (
        keywatch.request_context(uid="otel-nokey", byok={"openai"}, request_id=rid),
        pytest.raises(openai.AuthenticationError),
    ):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)  # type: ignore[arg-type]
    assert traced.processor.force_flush(30_000)
    entry = failure_entry(stack, rid)
    assert (entry["source"], entry["reason"], entry["uid"]) == ("byok", "invalid_key", None)
    assert entry["key_fingerprint"] == keywatch.key_fingerprint("")


def test_success_is_tallied_for_the_users_key(stack: Stack, traced: Traced) -> None:
    """A successful call is counted in a tally for the user's key, and classify counts it."""
    client, key = traced.client("good")
    with keywatch.request_context(uid="otel-user", byok={"openai"}), using_key(key, "openai"):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)  # type: ignore[arg-type]
    assert traced.processor.force_flush(30_000)
    fp = keywatch.key_fingerprint(key)
    [(batch_id, group)] = [
        (m["batch_id"], g)
        for m in traced.recording.sent
        if m.get("type") == "tallies"
        for g in m["groups"]
        if g["key_fingerprint"] == fp
    ]
    assert (group["provider"], group["model"], group["source"]) == ("openai", "gpt-4o-mini", "byok")
    assert sum(group["successes_by_minute"].values()) == 1
    [entry] = eventually(
        lambda: log_entries(stack, "classify", event="tally", batch_id=batch_id),
        what="classify's tally entry",
    )
    assert entry["counted"] is True and entry["successes"] >= 1
