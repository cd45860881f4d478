"""keywatch.validate_key's pure parts: where a key may be sent, how an answer is read, and that
the key never comes back. No socket is opened: the transport is replaced by a fake."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from keywatch import reporting
from keywatch import validate as v
from keywatch.validate import (
    ENDPOINTS,
    KeyCheck,
    KeyCheckResult,
    Remedy,
    judge_answer,
    model_listed,
    plan_request,
    result_for,
    validate_key,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "provider_errors.jsonl"
KEY = "sk-proj-Zq7Xw2Lm9Np4Rt6Vb8Yc3Hd5Jf1Kg0QZXW"

OK = (KeyCheckResult.OK, Remedy.NONE)
INVALID = (KeyCheckResult.INVALID_KEY, Remedy.REPLACE_KEY)
QUOTA = (KeyCheckResult.QUOTA_EXHAUSTED, Remedy.ADD_CREDIT)
DENIED = (KeyCheckResult.PERMISSION_DENIED, Remedy.CHECK_KEY_PERMISSIONS)
NO_MODEL = (KeyCheckResult.PERMISSION_DENIED, Remedy.CHECK_MODEL_ACCESS)
UNVERIFIED = (KeyCheckResult.COULD_NOT_VERIFY, Remedy.TRY_AGAIN_LATER)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("this check must not reach the network")

    monkeypatch.setattr(v, "_fetch", refuse)


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Replace the transport: validate_key gets (status, body) as if from the provider."""

    def set_answer(status: int, body: Any, *, truncated: bool = False) -> list[dict[str, str]]:
        sent: list[dict[str, str]] = []
        data = body if isinstance(body, bytes) else json.dumps(body).encode()

        def fake(plan: v.RequestPlan, headers: dict[str, str], deadline: Any) -> Any:
            sent.append(headers)
            return status, data, truncated

        monkeypatch.setattr(v, "_fetch", fake)
        return sent

    return set_answer


# -- the mapping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "status", "want"),
    [
        ("invalid_key", 401, INVALID),
        ("invalid_key", 400, INVALID),  # Gemini's API_KEY_INVALID, xAI's wrong key
        ("quota_exhausted", 402, QUOTA),
        ("quota_exhausted", 429, QUOTA),  # OpenAI's insufficient_quota
        ("quota_exhausted", 400, QUOTA),  # Anthropic's "credit balance is too low"
        ("permission_denied", 403, DENIED),
        ("rate_limited", 429, UNVERIFIED),
        ("invalid_key", 429, UNVERIFIED),
        ("permission_denied", 429, UNVERIFIED),
        ("invalid_key", 500, UNVERIFIED),
        ("invalid_key", 503, UNVERIFIED),
        ("quota_exhausted", 502, UNVERIFIED),
        ("invalid_key", 302, UNVERIFIED),
        ("model_not_found", 404, UNVERIFIED),
        ("bad_request", 400, UNVERIFIED),
        ("timeout", None, UNVERIFIED),
        ("network", None, UNVERIFIED),
        (None, 401, UNVERIFIED),
        ("unknown", 418, UNVERIFIED),
    ],
)
def test_only_what_the_owner_must_fix_is_blamed_on_the_key(
    reason: str | None, status: int | None, want: tuple[KeyCheckResult, Remedy]
) -> None:
    """A redirect, a 5xx or a 429 that is not out of credit is could_not_verify, whatever the
    reason; only invalid_key, quota_exhausted and permission_denied count against the key."""
    assert result_for(reason, status) == want


def _corpus_cases() -> list[Any]:
    cases = []
    for line in CORPUS.read_text().splitlines():
        row = json.loads(line)
        status, body = row["status_code"], row["body"]
        if status is None or status < 400 or body is None:
            continue
        marks = []
        if row["id"] == "openai-codex-401-missing-bearer":
            # classify(body=...) reads the generic code invalid_request_error before the status
            # and says bad_request; with the message alone it says invalid_key.
            marks.append(
                pytest.mark.xfail(strict=True, reason="classify reads this body as bad_request")
            )
        cases.append(pytest.param(row, id=row["id"], marks=marks))
    return cases


@pytest.mark.parametrize("row", _corpus_cases())
def test_each_real_error_body_gets_the_result_its_reason_calls_for(row: dict[str, Any]) -> None:
    """Every 4xx/5xx body of the corpus (real provider answers, each with its source), answered
    to a key check, gives the result the corpus's expected reason maps to."""
    name = v.ALIASES.get(row["provider"], row["provider"])
    base = None
    if name == "azure_openai":
        base = "https://resource.openai.azure.com"
    elif name not in ENDPOINTS:
        base = "https://gateway.example"
    plan = plan_request(row["provider"], base)
    got = judge_answer(plan, row["status_code"], json.dumps(row["body"]).encode())
    assert (got.result, got.remedy) == result_for(row["expected"], row["status_code"])
    if row["status_code"] >= 500 or row["status_code"] == 429:
        assert got.result is not KeyCheckResult.INVALID_KEY


# -- reading a success -----------------------------------------------------------------------


def _judge(provider: str, body: Any, model: str | None = None, status: int = 200) -> v.Verdict:
    base = "https://r.openai.azure.com" if provider == "azure" else None
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return judge_answer(plan_request(provider, base), status, data, model)


OPENROUTER_KEY = {
    "label": "sk-or-v1-116...0ce",
    "limit": 5,
    "limit_reset": None,
    "include_byok_in_limit": False,
    "usage": 0.1015644762,
    "is_free_tier": False,
}


@pytest.mark.parametrize(
    ("limit", "remaining", "want"),
    [
        (None, None, OK),  # no cap on the key
        (5, 4.8984355238, OK),
        (5, 0, QUOTA),
        (5, -0.01, QUOTA),
        (None, 0, OK),  # limit_remaining without a limit says nothing
    ],
)
def test_openrouter_limit_remaining(
    limit: float | None, remaining: float | None, want: Any
) -> None:
    """OpenRouter's GET /key: a key whose limit is set and whose limit_remaining is <= 0 is out
    of credit (https://openrouter.ai/docs/api-reference/limits)."""
    body = {"data": {**OPENROUTER_KEY, "limit": limit, "limit_remaining": remaining}}
    got = _judge("openrouter", body)
    assert (got.result, got.remedy) == want
    assert got.credit is not None
    assert got.credit["limit_remaining"] == remaining
    assert "label" not in got.credit  # a masked copy of the key


@pytest.mark.parametrize(("available", "want"), [(True, OK), (False, QUOTA)])
def test_deepseek_is_available(available: bool, want: Any) -> None:
    """DeepSeek's GET /user/balance: is_available false is out of credit; the balances come
    back in `credit` (https://api-docs.deepseek.com/api/get-user-balance)."""
    info = {
        "currency": "CNY",
        "total_balance": "110.00",
        "granted_balance": "10.00",
        "topped_up_balance": "100.00",
    }
    got = _judge("deepseek", {"is_available": available, "balance_infos": [info]})
    assert (got.result, got.remedy) == want
    assert got.credit == {"is_available": available, "balance_infos": [info]}


OPENAI_LIST = {"object": "list", "data": [{"id": "gpt-4o-mini"}, {"id": "gpt-4o"}]}
ANTHROPIC_LIST = {
    "data": [{"id": "claude-sonnet-4-20250514"}, {"id": "claude-3-5-sonnet-20241022"}],
    "has_more": False,
}
GEMINI_LIST = {"models": [{"name": "models/gemini-2.5-flash"}, {"name": "models/gemini-2.5-pro"}]}


@pytest.mark.parametrize(
    ("provider", "body", "model", "want"),
    [
        ("openai", OPENAI_LIST, None, OK),
        ("openai", OPENAI_LIST, "gpt-4o-mini", OK),
        ("openai", OPENAI_LIST, "gpt-5-pro", NO_MODEL),
        ("anthropic", ANTHROPIC_LIST, "claude-sonnet-4-0", OK),  # an alias of a snapshot
        ("anthropic", ANTHROPIC_LIST, "claude-3-5-sonnet-latest", OK),
        ("anthropic", ANTHROPIC_LIST, "claude-opus-4-0", NO_MODEL),
        ("anthropic", {**ANTHROPIC_LIST, "has_more": True}, "claude-opus-4-0", OK),  # not all
        ("gemini", GEMINI_LIST, "gemini-2.5-pro", OK),
        ("gemini", GEMINI_LIST, "models/gemini-2.5-flash", OK),
        ("gemini", GEMINI_LIST, "gemini-1.0-ultra", NO_MODEL),
        ("gemini", {**GEMINI_LIST, "nextPageToken": "abc"}, "gemini-1.0-ultra", OK),
        ("cohere", {"models": [{"name": "command-a-03-2025"}]}, "command-a-03-2025", OK),
        ("cohere", {"models": [], "next_page_token": "x"}, "command-a-03-2025", OK),
        ("together", [{"id": "meta-llama/Llama-3.3-70B-Instruct-Turbo"}], "nope", NO_MODEL),
        ("fireworks", {"data": [{"id": "a"}]}, "accounts/me/deployedModels/x", OK),  # not settled
        ("azure", {"data": [{"id": "gpt-4o-2024-08-06"}]}, "my-deployment", OK),  # not settled
        ("openai", {"error": "not a list"}, None, UNVERIFIED),
        ("openai", b"<html>Sign in to the network</html>", None, UNVERIFIED),
        ("openrouter", {"models": []}, None, UNVERIFIED),
        ("deepseek", {"balance_infos": []}, None, UNVERIFIED),
    ],
)
def test_a_success_is_read_for_what_it_says(
    provider: str, body: Any, model: str | None, want: Any
) -> None:
    """A model absent from a complete list of the key's models is check_model_access; a list in
    pages, or one that is not of the key's models, does not decide; a 200 that is not the
    provider's JSON (a captive portal) is could_not_verify."""
    got = _judge(provider, body, model)
    assert (got.result, got.remedy) == want
    if want == NO_MODEL:
        assert got.reason == "model_not_found"


def test_an_answer_cut_at_the_limit_is_not_read() -> None:
    """More than 1 MiB: could_not_verify, not a half-read list."""
    plan = plan_request("openai")
    got = judge_answer(plan, 200, b'{"data": [', truncated=True)
    assert (got.result, got.remedy) == UNVERIFIED


@pytest.mark.parametrize(
    ("model", "listed", "want"),
    [
        ("gpt-4o", ["gpt-4o"], True),
        ("GPT-4o", ["gpt-4o"], True),
        ("models/gemini-2.5-pro", ["models/gemini-2.5-pro"], True),
        ("gemini-2.5-pro", ["models/gemini-2.5-pro"], True),
        ("claude-sonnet-4-0", ["claude-sonnet-4-20250514"], True),
        ("claude-3-5-haiku-latest", ["claude-3-5-haiku-20241022"], True),
        ("gpt-4o-2024-08-06", ["gpt-4o"], True),  # generous: a snapshot of a listed model
        ("gpt-4", ["gpt-4o"], False),
        ("o3", ["o3-mini"], False),
    ],
)
def test_model_listed(model: str, listed: list[str], want: bool) -> None:
    """Exact names, "models/" prefixes aside, and aliases of dated snapshots count as listed."""
    assert model_listed(model, listed) is want


# -- where the key may go --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "url", "header"),
    [
        ("openai", "https://api.openai.com/v1/models", "authorization"),
        ("anthropic", "https://api.anthropic.com/v1/models?limit=1000", "x-api-key"),
        (
            "gemini",
            "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000",
            "x-goog-api-key",
        ),
        (
            "google",
            "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000",
            "x-goog-api-key",
        ),
        ("openrouter", "https://openrouter.ai/api/v1/key", "authorization"),
        ("groq", "https://api.groq.com/openai/v1/models", "authorization"),
        ("mistral", "https://api.mistral.ai/v1/models", "authorization"),
        ("xai", "https://api.x.ai/v1/models", "authorization"),
        ("together", "https://api.together.xyz/v1/models", "authorization"),
        ("fireworks", "https://api.fireworks.ai/inference/v1/models", "authorization"),
        ("cohere", "https://api.cohere.com/v1/models?page_size=1000", "authorization"),
        ("deepseek", "https://api.deepseek.com/user/balance", "authorization"),
    ],
)
def test_each_provider_is_asked_at_its_documented_endpoint(
    provider: str, url: str, header: str
) -> None:
    """The cheapest authenticated call of each provider, the key in its header, never in the
    URL (Gemini included: x-goog-api-key, not ?key=)."""
    plan = plan_request(provider)
    assert plan.url == url
    headers = v._headers(plan, KEY)
    assert KEY in headers[header]
    assert KEY not in plan.url
    if header == "authorization":
        assert headers[header] == f"Bearer {KEY}"
    if provider == "anthropic":
        assert headers["anthropic-version"] == "2023-06-01"


@pytest.mark.parametrize(
    ("base", "url"),
    [
        (
            "https://res.openai.azure.com",
            "https://res.openai.azure.com/openai/models?api-version=2024-10-21",
        ),
        (
            "https://res.openai.azure.com/",
            "https://res.openai.azure.com/openai/models?api-version=2024-10-21",
        ),
        (
            "https://res.openai.azure.com/openai",
            "https://res.openai.azure.com/openai/models?api-version=2024-10-21",
        ),
        ("https://res.openai.azure.com/openai/v1", "https://res.openai.azure.com/openai/v1/models"),
    ],
)
def test_azure_takes_the_resource_endpoint(base: str, url: str) -> None:
    """Azure OpenAI: GET {endpoint}/openai/models?api-version=2024-10-21 with `api-key`."""
    for name in ("azure", "azure_openai"):
        plan = plan_request(name, base)
        assert plan.url == url
        assert plan.provider == "azure_openai"
        assert v._headers(plan, KEY)["api-key"] == KEY


@pytest.mark.parametrize(
    "base",
    [
        "http://127.0.0.1:8089/v1",
        "http://[::1]:8089/v1",
        "http://localhost:8089/v1",
        "https://gateway.example/v1/",
        "https://10.0.0.7:8443/v1",
    ],
)
def test_allowed_base_urls(base: str) -> None:
    """https anywhere; plain http only to loopback (the local stand-ins)."""
    plan = plan_request("my-gateway", base)
    assert plan.url.endswith("/v1/models")
    assert plan.endpoint.auth is v.Auth.BEARER


@pytest.mark.parametrize(
    ("base", "words"),
    [
        ("http://api.openai.com/v1", "https"),
        ("http://10.0.0.7/v1", "loopback"),
        ("http://127.0.0.1.nip.io/v1", "loopback"),
        ("ftp://127.0.0.1/v1", "https"),
        ("api.openai.com/v1", "https"),
        (f"https://user:{KEY}@gateway.example/v1", "credentials"),
        (f"https://{KEY}@gateway.example/v1", "credentials"),
        (f"https://gateway.example/v1?key={KEY}", "query"),
        ("https://gateway.example/v1#frag", "fragment"),
        ("https://gateway.example:99999/v1", "port"),
        ("https://gateway.example/v1 x", "spaces"),
        ("https://gateway.example/v1\r\nX-Injected: 1", "spaces"),
        ("https:///v1", "absolute"),
    ],
)
def test_refused_base_urls(base: str, words: str) -> None:
    """A base_url that is not https (but to loopback), or carries credentials, a query or a
    fragment, is refused before anything is sent, in a message that does not repeat it."""
    with pytest.raises(ValueError, match=words) as caught:
        plan_request("openai", base)
    assert KEY not in str(caught.value)
    assert base not in str(caught.value)


def test_an_unknown_provider_needs_a_base_url(no_network: None) -> None:
    """No endpoint is guessed for a name keywatch does not know: ValueError, nothing sent."""
    with pytest.raises(ValueError, match=r"unknown provider 'acme'.*base_url"):
        validate_key("acme", KEY)
    with pytest.raises(ValueError, match="needs base_url"):
        validate_key("azure", KEY)
    with pytest.raises(ValueError, match="provider must be a name"):
        validate_key("", KEY)


def test_a_key_passed_as_the_provider_is_not_echoed(no_network: None) -> None:
    """Arguments swapped by mistake: the error message does not carry the key."""
    with pytest.raises(ValueError) as caught:
        validate_key(KEY.lower(), KEY.lower())
    assert KEY.lower() not in str(caught.value)
    assert KEY.lower()[-8:] not in str(caught.value)


@pytest.mark.parametrize("timeout_s", [0, -1, float("inf"), float("nan")])
def test_the_deadline_must_be_positive(timeout_s: float, no_network: None) -> None:
    """A check without a finite deadline is refused."""
    with pytest.raises(ValueError, match="timeout_s"):
        validate_key("openai", KEY, timeout_s=timeout_s)


@pytest.mark.parametrize(
    "key", ["", "   ", "sk-abc def", "sk-abc\r\nX-Injected: yes", "sk-abcé", "sk-\x00abc"]
)
def test_a_key_no_provider_issues_is_not_sent(key: str, no_network: None) -> None:
    """Empty, spaces inside, control or non-ASCII characters: invalid_key without a request
    (http.client would refuse the header and quote its value in the error)."""
    check = validate_key("openai", key)
    assert (check.result, check.remedy) == INVALID
    assert check.http_status is None
    if key.strip():
        assert key.strip() not in repr(check)


# -- secrecy and reporting -------------------------------------------------------------------


def _all_text(check: KeyCheck) -> str:
    return repr(check) + " ".join(str(getattr(check, f.name)) for f in fields(check))


def test_an_echoed_key_is_scrubbed_from_the_detail(answer: Any) -> None:
    """Providers echo keys, whole or masked (OpenAI "sk-pr****QZXW", DeepSeek "****QZXW"):
    neither the key, nor any run of it, nor its visible last characters reach the check."""
    answer(
        401,
        {
            "error": {
                "message": f"Incorrect API key provided: {KEY[:5]}****{KEY[-4:]}, or ****"
                f"{KEY[-4:]} (full: {KEY}).",
                "type": "invalid_request_error",
                "code": "invalid_api_key",
            }
        },
    )
    check = validate_key("openai", KEY, model=f"gpt-4o {KEY}")
    assert (check.result, check.remedy) == INVALID
    text = _all_text(check)
    assert KEY not in text
    assert KEY[-4:] not in text
    assert KEY[8:16] not in text
    assert check.key_fingerprint.startswith("kf_")
    assert "Incorrect API key provided" in check.detail


def test_a_check_is_a_frozen_record_without_the_key(answer: Any) -> None:
    """KeyCheck has no key field, an aware UTC time and `ok`."""
    sent = answer(200, OPENAI_LIST)
    check = validate_key("openai", KEY, model="gpt-4o", report=False)
    assert check.ok and (check.result, check.remedy) == OK
    assert check.http_status == 200 and check.reason is None
    assert check.checked_at.utcoffset() == timedelta(0)
    assert check.latency_ms >= 0
    assert "key" not in {f.name for f in fields(check)}
    assert KEY not in _all_text(check)
    assert sent == [
        {
            "Accept": "application/json",
            "User-Agent": "keywatch-validate-key",
            "authorization": f"Bearer {KEY}",
        }
    ]
    with pytest.raises(AttributeError):
        check.result = KeyCheckResult.INVALID_KEY  # type: ignore[misc]


class _Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.fail = fail

    def success(self, provider: str, model: str, **kwargs: Any) -> None:
        if self.fail:
            raise RuntimeError("reporter broken")
        self.calls.append((provider, model, kwargs))


def test_an_ok_key_is_reported_through_a_started_reporter(
    answer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key found ok counts as a success of that key (source byok), so the pipeline marks it
    ok again; under the canonical provider name."""
    recorder = _Recorder()
    monkeypatch.setattr(reporting, "_default", recorder)
    answer(200, GEMINI_LIST)
    validate_key("google", KEY)
    validate_key("google", KEY, model="gemini-2.5-pro")
    validate_key("google", KEY, report=False)
    assert recorder.calls == [
        ("gemini", "validate_key", {"api_key": KEY, "source": "byok"}),
        ("gemini", "gemini-2.5-pro", {"api_key": KEY, "source": "byok"}),
    ]


def test_a_failed_check_is_not_reported(answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an ok key is reported: a failure of the check is not a failure of an LLM call."""
    recorder = _Recorder()
    monkeypatch.setattr(reporting, "_default", recorder)
    answer(401, {"error": {"message": "Invalid API Key", "code": "invalid_api_key"}})
    assert validate_key("groq", KEY).result is KeyCheckResult.INVALID_KEY
    assert recorder.calls == []


def test_no_reporter_is_started_by_a_check(answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without keywatch.init(), a check starts no reporter (no thread, no Pub/Sub client)."""
    monkeypatch.setattr(reporting, "_default", None)
    answer(200, OPENAI_LIST)
    assert validate_key("openai", KEY).ok
    assert reporting._default is None


def test_a_broken_reporter_does_not_break_the_check(
    answer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reporting is best effort: the check still returns ok."""
    monkeypatch.setattr(reporting, "_default", _Recorder(fail=True))
    answer(200, OPENAI_LIST)
    assert validate_key("openai", KEY).ok


def test_transport_failures_are_could_not_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    """Timeouts, refused connections, DNS and TLS failures and broken HTTP are the network's,
    never the key's; the sentence names the host, not the key."""
    import http.client
    import socket
    import ssl

    for exc, reason in [
        (TimeoutError("timed out"), "timeout"),
        (ConnectionRefusedError(111, "Connection refused"), "network"),
        (socket.gaierror(-2, "Name or service not known"), "network"),
        (ssl.SSLCertVerificationError(1, "certificate verify failed"), "network"),
        (http.client.RemoteDisconnected("closed"), "network"),
    ]:

        def fail(*args: Any, _exc: BaseException = exc) -> Any:
            raise _exc

        monkeypatch.setattr(v, "_fetch", fail)
        check = validate_key("anthropic", KEY, timeout_s=2)
        assert (check.result, check.remedy) == UNVERIFIED, exc
        assert check.reason == reason
        assert check.http_status is None
        assert "api.anthropic.com" in check.detail
        assert KEY not in _all_text(check)


def test_plain_http_goes_only_to_a_loopback_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """http://localhost is allowed only while localhost resolves to loopback: a tampered hosts
    file pointing it elsewhere gets no connection (and so no key)."""
    import socket

    monkeypatch.setattr(
        v, "_resolve", lambda *a: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 80))]
    )

    def no_socket(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no socket may be opened")

    monkeypatch.setattr(socket, "socket", no_socket)
    check = validate_key("my-gateway", KEY, base_url="http://localhost/v1")
    assert (check.result, check.remedy) == UNVERIFIED
    assert "localhost" in check.detail
