"""The LiteLLM logger with the real litellm package, offline: LiteLLM's own `mock_response` stands
in for the provider (no socket is opened), and the hooks are also driven directly."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

# LiteLLM fetches its model cost map from GitHub at import unless told not to (docs/litellm.md).
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
litellm = pytest.importorskip("litellm")

import keywatch  # noqa: E402
from keywatch.fingerprint import key_fingerprint  # noqa: E402
from keywatch.litellm import (  # noqa: E402
    PROVIDERS,
    KeywatchLogger,
    keywatch_provider,
    proxy_handler_instance,
)
from keywatch.reporting import Reporter  # noqa: E402
from keywatch.settings import Settings  # noqa: E402
from tests.fakes import FakePublisherClient  # noqa: E402

# LiteLLM's TypedDicts use ReadOnly, which pydantic warns about on Python < 3.13.
pytestmark = pytest.mark.filterwarnings("ignore:.*`ReadOnly` qualifier:UserWarning")

MESSAGES = [{"role": "user", "content": "hi"}]

# A distinctive key in each provider's format (the shapes of shared/keywatch/scrub.py's rules),
# random like real ones.
KEYS = {
    "openai": "sk-proj-u8jzPde0IgxLd6GncfBA_epfJBd0Kh8oOOL8dKLzdocJ2isA-jIhKtJ0RlgLKOmxgJTeK",
    "anthropic": "sk-ant-api03-dNnFRIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj-7FAc9QeWJKY40uvSwMFLZD"
    "e1f8rESQedUStPKR0CAA",
    "gemini": "AIzasTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0",
    "groq": "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",
    "xai": "xai-ZJzzzzgEOzdmenCkhvMdgaKjIg8xNbe3nNyjOq9wMxEhh2FDEEtfjgVvVqE1SkHbn88HxjSI6bWHtP3f",
    "openrouter": "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",
    "mistral": "B3m03nbqnsGpWLuqIA1id6Vw5DQL05HA",  # unprefixed, 32 characters
    "azure": "440e50454f31af3176813e02ea68ef78",  # 32 hex digits
}


@pytest.fixture
def reporter() -> Iterator[Reporter]:
    client = FakePublisherClient()
    r = Reporter(Settings(project_id="p"), client_factory=lambda: client)
    r.client = client  # type: ignore[attr-defined]
    import keywatch.reporting as mod

    saved, mod._default = mod._default, r
    yield r
    mod._default = saved
    r.close()


@pytest.fixture
def logger(reporter: Reporter) -> Iterator[KeywatchLogger]:
    """A KeywatchLogger as the only LiteLLM callback, LiteLLM's callback lists restored after."""
    names = (
        "callbacks",
        "input_callback",
        "success_callback",
        "failure_callback",
        "_async_success_callback",
        "_async_failure_callback",
    )
    saved = {name: list(getattr(litellm, name)) for name in names}
    lg = KeywatchLogger(reporter=reporter)
    litellm.callbacks = [lg]
    yield lg
    for name, value in saved.items():
        setattr(litellm, name, value)


def _settle(logger: KeywatchLogger, outcomes: int) -> None:
    """Wait for LiteLLM's hooks: a sync call's success hook runs in LiteLLM's logging thread
    pool, after the call has returned."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        stats = logger.stats()
        if stats["successes"] + stats["failures"] + stats["not_announced"] >= outcomes:
            return
        time.sleep(0.01)
    raise AssertionError(f"LiteLLM ran {logger.stats()} hooks, not {outcomes}")


def _published(reporter: Reporter) -> tuple[list[dict[str, Any]], bytes]:
    for callback in litellm.callbacks:  # the logger hands outcomes over from a thread of its own
        if isinstance(callback, KeywatchLogger):
            assert callback.flush(10)
    assert reporter.flush(10)
    client: FakePublisherClient = reporter.client  # type: ignore[attr-defined]
    raw = b"\n".join(data + repr(attrs).encode() for data, attrs in client.messages)
    return client.events(), raw


def _failures(reporter: Reporter) -> list[dict[str, Any]]:
    return [e for e in _published(reporter)[0] if e["type"] == "failure"]


def _auth_error(message: str) -> Exception:
    return litellm.AuthenticationError(message=message, llm_provider="openai", model="gpt-4o")


# -- providers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("litellm_name", "expected"),
    [
        ("openai", "openai"),
        ("azure", "azure_openai"),
        ("anthropic", "anthropic"),
        ("gemini", "gemini"),
        ("vertex_ai", "vertex_ai"),
        ("bedrock", "bedrock"),
        ("groq", "groq"),
        ("mistral", "mistral"),
        ("openrouter", "openrouter"),
        ("deepseek", "deepseek"),
        ("xai", "xai"),
        ("together_ai", "together"),
        ("fireworks_ai", "fireworks"),
        ("cohere_chat", "cohere"),
        ("hosted_vllm", "vllm"),
        ("some_new_provider", "some_new_provider"),
        (None, "unknown"),
    ],
)
def test_provider_names_are_keywatchs(litellm_name: str | None, expected: str) -> None:
    """LiteLLM's custom_llm_provider becomes keywatch's provider name; an unknown one is kept."""
    assert keywatch_provider(litellm_name) == expected


def test_provider_table_names_litellm_providers() -> None:
    """Every name in the table is one of LiteLLM's own provider names (its LlmProviders enum)."""
    from litellm.types.utils import LlmProviders

    assert set(PROVIDERS) <= {p.value for p in LlmProviders}


# -- outcomes of real litellm calls -------------------------------------------------------------


def test_success_is_tallied_with_the_keys_fingerprint(
    reporter: Reporter, logger: KeywatchLogger
) -> None:
    """A completed call counts one success for its provider, model and key."""
    litellm.completion(
        model="openai/gpt-4o", messages=MESSAGES, mock_response="ok", api_key=KEYS["openai"]
    )
    _settle(logger, 1)
    _, raw = _published(reporter)
    [group] = reporter.client.tally_groups()  # type: ignore[attr-defined]
    assert (group["provider"], group["model"], group["successes"]) == ("openai", "gpt-4o", 1)
    assert group["key_fingerprint"] == key_fingerprint(KEYS["openai"])
    assert KEYS["openai"].encode() not in raw


@pytest.mark.parametrize("provider", sorted(KEYS))
def test_byok_failure_carries_the_fingerprint_never_the_key(
    provider: str,
    reporter: Reporter,
    logger: KeywatchLogger,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 401 whose message echoes the key, inside a BYOK request context: the event names the
    user and the key's fingerprint; the key is in no event, no keywatch log line, no repr."""
    key = KEYS[provider]
    caplog.set_level(logging.DEBUG, logger="keywatch")
    with (
        keywatch.request_context(uid="u-401", byok={"openai"}, feature="chat"),
        pytest.raises(litellm.AuthenticationError),
    ):
        litellm.completion(
            model="openai/gpt-4o",
            messages=MESSAGES,
            api_key=key,
            mock_response=_auth_error(f"Incorrect API key provided: {key}. Check it."),
        )
    [event] = _failures(reporter)
    assert (event["source"], event["uid"], event["feature"]) == ("byok", "u-401", "chat")
    assert (event["provider"], event["status_code"]) == ("openai", 401)
    assert event["key_fingerprint"] == key_fingerprint(key)
    _, raw = _published(reporter)
    secret = key[-20:]  # the random tail, whatever the prefix
    assert key.encode() not in raw and secret.encode() not in raw
    assert "Incorrect API key provided:" in event["error_message"]
    kept = [r.getMessage() for r in caplog.records if r.name.startswith("keywatch")]
    assert not any(secret in line for line in kept)
    assert secret not in repr(logger) and secret not in repr(vars(logger))


def test_metadata_names_the_user_outside_a_context(
    reporter: Reporter, logger: KeywatchLogger
) -> None:
    """Without a request context, `metadata={"keywatch": {...}}` says whose call it was."""
    with pytest.raises(litellm.RateLimitError):
        litellm.completion(
            model="groq/llama-3.3-70b-versatile",
            messages=MESSAGES,
            api_key=KEYS["groq"],
            mock_response="litellm.RateLimitError",
            metadata={"keywatch": {"uid": "u-meta", "byok": True, "feature": "summarize"}},
        )
    [event] = _failures(reporter)
    assert (event["provider"], event["source"], event["uid"], event["feature"]) == (
        "groq",
        "byok",
        "u-meta",
        "summarize",
    )
    assert event["status_code"] == 429


def test_metadata_byok_list_names_providers(reporter: Reporter, logger: KeywatchLogger) -> None:
    """`byok` may list the providers that use the user's key: another provider is platform."""
    for provider, model in (("openai", "gpt-4o"), ("anthropic", "claude-sonnet-4-5")):
        with pytest.raises(litellm.RateLimitError):
            litellm.completion(
                model=f"{provider}/{model}",
                messages=MESSAGES,
                api_key=KEYS[provider],
                mock_response="litellm.RateLimitError",
                metadata={"keywatch": {"uid": "u1", "byok": ["anthropic"]}},
            )
    sources = {e["provider"]: e["source"] for e in _failures(reporter)}
    assert sources == {"openai": "platform", "anthropic": "byok"}


def test_router_fallback_on_the_same_provider_recovers_the_failure(
    reporter: Reporter, logger: KeywatchLogger
) -> None:
    """A 429 on one deployment, then a fallback on the same provider that succeeds: the
    failure is reported, and the success's tally names it as recovered."""
    router = litellm.Router(
        model_list=[
            {
                "model_name": "primary",
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": KEYS["openai"],
                    "mock_response": "litellm.RateLimitError",
                },
            },
            {
                "model_name": "backup",
                "litellm_params": {
                    "model": "openai/gpt-4o-mini",
                    "api_key": KEYS["mistral"],
                    "mock_response": "ok",
                },
            },
        ],
        fallbacks=[{"primary": ["backup"]}],
        num_retries=0,
    )
    assert router.completion(model="primary", messages=MESSAGES).choices[0].message.content == "ok"
    _settle(logger, 2)
    [failure] = _failures(reporter)
    assert (failure["status_code"], failure["model"], failure["attempt"]) == (429, "gpt-4o", 1)
    [group] = reporter.client.tally_groups()  # type: ignore[attr-defined]
    assert group["model"] == "gpt-4o-mini" and group["successes"] == 1
    assert group["recovered_event_ids"] == [failure["event_id"]]


async def _asettle(logger: KeywatchLogger, outcomes: int) -> None:
    """Keep the event loop running until LiteLLM's async hooks ran: they are tasks of its
    logging worker, which an ending asyncio.run() would leave unstarted."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        stats = logger.stats()
        if stats["successes"] + stats["failures"] + stats["not_announced"] >= outcomes:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"LiteLLM ran {logger.stats()} hooks, not {outcomes}")


async def _async_fallback(router: Any, logger: KeywatchLogger) -> Any:
    reply = await router.acompletion(model="primary", messages=MESSAGES)
    await _asettle(logger, 2)
    return reply


def test_router_fallback_to_another_provider_recovers_nothing(
    reporter: Reporter, logger: KeywatchLogger
) -> None:
    """Recovery is per provider: Anthropic serving what OpenAI refused leaves OpenAI's
    failure standing (async Router, async hooks)."""
    router = litellm.Router(
        model_list=[
            {
                "model_name": "primary",
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": KEYS["openai"],
                    "mock_response": "litellm.RateLimitError",
                },
            },
            {
                "model_name": "claude",
                "litellm_params": {
                    "model": "anthropic/claude-sonnet-4-5",
                    "api_key": KEYS["anthropic"],
                    "mock_response": "ok",
                },
            },
        ],
        fallbacks=[{"primary": ["claude"]}],
        num_retries=0,
    )
    asyncio.run(_async_fallback(router, logger))
    [failure] = _failures(reporter)
    assert failure["provider"] == "openai"
    [group] = reporter.client.tally_groups()  # type: ignore[attr-defined]
    assert group["provider"] == "anthropic" and not group.get("recovered_event_ids")


def test_a_call_id_shared_by_the_routers_attempts_reports_each(
    reporter: Reporter, logger: KeywatchLogger
) -> None:
    """A caller's own litellm_call_id is given to every attempt of a Router call: each
    attempt is still reported once, and the trace id the caller chose ties them."""
    router = litellm.Router(
        model_list=[
            {
                "model_name": "primary",
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": KEYS["openai"],
                    "mock_response": "litellm.RateLimitError",
                },
            },
            {
                "model_name": "backup",
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": KEYS["azure"],
                    "mock_response": "ok",
                },
            },
        ],
        fallbacks=[{"primary": ["backup"]}],
        num_retries=0,
    )
    router.completion(
        model="primary", messages=MESSAGES, litellm_call_id="mine-1", litellm_trace_id="trace-1"
    )
    _settle(logger, 2)
    [failure] = _failures(reporter)
    assert failure["request_id"] == "trace-1"
    [group] = reporter.client.tally_groups()  # type: ignore[attr-defined]
    assert group["recovered_event_ids"] == [failure["event_id"]]


def test_inside_a_context_the_contexts_request_id_ties_attempts(
    reporter: Reporter, logger: KeywatchLogger
) -> None:
    """In a request context its request id is used, as track() does, and attempts count up."""
    with keywatch.request_context(uid="u2", request_id="req-ctx"):
        for _ in range(2):
            with pytest.raises(litellm.RateLimitError):
                litellm.completion(
                    model="openai/gpt-4o",
                    messages=MESSAGES,
                    api_key=KEYS["openai"],
                    mock_response="litellm.RateLimitError",
                )
    got = sorted((e["request_id"], e["attempt"]) for e in _failures(reporter))
    assert got == [("req-ctx", 1), ("req-ctx", 2)]


# -- the hooks themselves ------------------------------------------------------------------------


def _call_kwargs(call_id: str, **extra: Any) -> dict[str, Any]:
    """What LiteLLM hands a hook (model_call_details), reduced to what the logger reads."""
    return {
        "litellm_call_id": call_id,
        "model": "gpt-4o",
        "custom_llm_provider": "openai",
        "call_type": "acompletion",
        "api_key": KEYS["openai"],
        "litellm_params": {
            "api_key": KEYS["openai"],
            "litellm_call_id": call_id,
            "litellm_trace_id": "trace-" + call_id,
            "metadata": {},
        },
        **extra,
    }


def test_the_context_is_taken_when_the_attempt_is_announced(
    reporter: Reporter, logger: KeywatchLogger
) -> None:
    """LiteLLM may run the outcome hook in a thread pool, outside the caller's context: the
    context in force at the pre-call hook is the one reported."""
    kwargs = _call_kwargs("c1")
    with keywatch.request_context(uid="u-thread", byok={"openai"}):
        logger.log_pre_api_call("gpt-4o", MESSAGES, kwargs)
    failed = {**kwargs, "exception": _auth_error("Incorrect API key provided")}
    empty = contextvars.Context()
    worker = threading.Thread(
        target=empty.run, args=(logger.log_failure_event, failed, None, None, None)
    )
    worker.start()
    worker.join()
    [event] = _failures(reporter)
    assert (event["uid"], event["source"], event["status_code"]) == ("u-thread", "byok", 401)


def test_outcomes_never_announced_are_left_out(reporter: Reporter, logger: KeywatchLogger) -> None:
    """A failure LiteLLM raised before any provider saw the call (no pre-call hook: missing
    credentials, bad parameters) or a cache hit is not the provider's: not reported, counted."""
    kwargs = _call_kwargs(
        "c2", exception=litellm.InternalServerError("Missing credentials", "openai", "gpt-4o")
    )
    logger.log_failure_event(kwargs, None, None, None)
    logger.log_success_event(_call_kwargs("c3"), None, None, None)
    events, _ = _published(reporter)
    assert events == [] and logger.stats()["not_announced"] == 2


def test_a_second_hook_for_one_outcome_is_not_counted_twice(
    reporter: Reporter, logger: KeywatchLogger
) -> None:
    """Sync and async hooks for the same attempt (LiteLLM runs both for some callback mixes)
    count it once."""

    kwargs = _call_kwargs("c4")
    logger.log_pre_api_call("gpt-4o", MESSAGES, kwargs)
    asyncio.run(logger.async_log_success_event(kwargs, None, None, None))
    logger.log_success_event(kwargs, None, None, None)
    _published(reporter)
    [group] = reporter.client.tally_groups()  # type: ignore[attr-defined]
    assert group["successes"] == 1


def test_a_problem_inside_keywatch_is_counted_and_swallowed(
    reporter: Reporter, logger: KeywatchLogger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every hook, and the logger's thread, swallow keywatch's own exceptions, counted in the
    logger's and the reporter's internal_errors; the LiteLLM call itself is untouched."""
    import keywatch.litellm as module

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("keywatch bug")

    monkeypatch.setattr(module, "describe_exception", broken)  # fails in the outcome hook
    with pytest.raises(litellm.RateLimitError):
        litellm.completion(
            model="openai/gpt-4o",
            messages=MESSAGES,
            api_key=KEYS["openai"],
            mock_response="litellm.RateLimitError",
        )
    monkeypatch.setattr(module, "current", broken)  # fails in the pre-call hook
    reply = litellm.completion(
        model="openai/gpt-4o", messages=MESSAGES, api_key=KEYS["openai"], mock_response="ok"
    )
    assert reply.choices[0].message.content == "ok"
    assert logger.flush(10)  # the failure is read in the logger's thread
    assert logger.stats()["internal_errors"] == 2
    assert reporter.stats()["internal_errors"] == 2


def test_the_proxy_instance_is_a_logger() -> None:
    """`keywatch.litellm.proxy_handler_instance` is what the proxy's config.yaml names."""
    from litellm.integrations.custom_logger import CustomLogger

    assert isinstance(proxy_handler_instance, CustomLogger)


def test_importing_keywatch_does_not_import_litellm() -> None:
    """LiteLLM is loaded by keywatch.litellm only, never by `import keywatch`."""
    code = "import keywatch, sys; print('litellm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
