"""`keywatch.classify`: the pipeline's rules in the backend's process, on real SDK exceptions."""

from __future__ import annotations

import subprocess
import sys

import anthropic
import httpx
import openai
import pytest

import keywatch


def _openai_error(status: int, body: dict[str, object]) -> openai.APIStatusError:
    request = httpx.Request("POST", "https://api.openai.com/v1/chat/completions")
    response = httpx.Response(status, request=request, json={"error": body})
    client = openai.OpenAI(api_key="test", base_url="https://api.openai.com/v1")
    return client._make_status_error_from_response(response)


def test_an_sdk_exception_gets_the_pipelines_reason() -> None:
    """openai's 429 `insufficient_quota` is out of credit: act (top up), do not retry."""
    exc = _openai_error(
        429,
        {
            "message": "You exceeded your current quota, please check your plan and billing"
            " details.",
            "type": "insufficient_quota",
            "code": "insufficient_quota",
        },
    )
    got = keywatch.classify(exc, provider="openai")
    assert got.reason is keywatch.Reason.QUOTA_EXHAUSTED
    assert got.user_actionable and not got.retryable


def test_a_rate_limit_is_retryable() -> None:
    """A per-minute limit: back off and retry; nothing for the key's owner to do."""
    exc = _openai_error(
        429,
        {
            "message": "Rate limit reached for gpt-4o in organization org-x on requests per"
            " min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.",
            "type": "requests",
            "code": "rate_limit_exceeded",
        },
    )
    got = keywatch.classify(exc, provider="openai")
    assert (got.reason.value, got.retryable, got.user_actionable) == ("rate_limited", True, False)


def test_a_key_missing_before_any_request_is_invalid_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDKs raise before sending when no key is configured: the key must be fixed."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    with pytest.raises(openai.OpenAIError) as caught:
        openai.OpenAI()
    assert keywatch.classify(caught.value, provider="openai").reason.value == "invalid_key"
    client = anthropic.Anthropic()
    with pytest.raises(TypeError) as missing:
        client.messages.create(
            model="claude-haiku-4-5", max_tokens=1, messages=[{"role": "user", "content": "x"}]
        )
    assert keywatch.classify(missing.value, provider="anthropic").reason.value == "invalid_key"


def test_raw_fields_and_overrides() -> None:
    """Without an exception, the raw fields; with one, an explicit field wins."""
    got = keywatch.classify(
        provider="anthropic",
        status_code=400,
        message="Your credit balance is too low to access the Anthropic API.",
    )
    assert got.reason.value == "quota_exhausted"
    exc = _openai_error(500, {"message": "The server had an error", "type": "server_error"})
    assert keywatch.classify(exc).reason.value == "server_error"
    assert keywatch.classify(exc, status_code=503, message="overloaded").reason.value in {
        "overloaded",
        "server_error",
    }


def test_importing_keywatch_does_not_load_the_rules() -> None:
    """The rules (and RE2) load on the first classify(), not with `import keywatch`."""
    code = (
        "import keywatch, sys; a = 'keywatch.core.classify' in sys.modules;"
        " keywatch.classify(status_code=401); b = 'keywatch.core.classify' in sys.modules;"
        " print(a, b, keywatch.Reason.INVALID_KEY.value)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "invalid_key"]


def _client(status: int, body: dict[str, object]) -> openai.OpenAI:
    import httpx2

    def answer(request: object) -> httpx2.Response:
        return httpx2.Response(status, json=body)

    return openai.OpenAI(
        api_key="test",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
    )


def _readme_snippet() -> dict[str, object]:
    import re
    from pathlib import Path

    readme = Path(__file__).resolve().parents[2] / "README.md"
    [block] = [
        b
        for b in re.findall(r"```python\n(.*?)```", readme.read_text(), flags=re.S)
        if "keywatch.classify(" in b
    ]
    namespace: dict[str, object] = {}
    exec(compile(block, str(readme), "exec"), namespace)
    return namespace


OUT_OF_CREDIT = {
    "error": {
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "type": "insufficient_quota",
        "code": "insufficient_quota",
    }
}
ANSWER = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 0,
    "model": "gpt-4o-mini",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
    ],
}


def test_readme_snippet_moves_to_the_next_key() -> None:
    """The README's snippet: a key out of credit is passed over, the next one answers."""
    complete = _readme_snippet()["complete"]
    messages = [{"role": "user", "content": "hello"}]
    got = complete([_client(429, OUT_OF_CREDIT), _client(200, ANSWER)], messages)  # type: ignore[operator]
    assert got.choices[0].message.content == "hi"


def test_readme_snippet_gives_up_on_a_request_no_key_can_serve() -> None:
    """A context_length error is the request's: raised at once, the next key never asked."""
    complete = _readme_snippet()["complete"]
    too_long = {
        "error": {
            "message": "This model's maximum context length is 128000 tokens. However, your"
            " messages resulted in 130000 tokens.",
            "type": "invalid_request_error",
            "code": "context_length_exceeded",
        }
    }
    asked = []

    class Never:
        @property
        def chat(self) -> object:
            asked.append(1)
            raise AssertionError("the next key was tried")

    with pytest.raises(openai.BadRequestError):
        complete([_client(400, too_long), Never()], [{"role": "user", "content": "x"}])  # type: ignore[operator]
    assert asked == []
