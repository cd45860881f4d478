"""The classification rules, one behaviour each, on wordings the corpus does not hold verbatim."""

# ruff: noqa: RUF001 - Chinese providers write full-width commas

from __future__ import annotations

import pytest

from keywatch.core.classify import classify, explain


def reason(status: int | None, message: str, **kw: object) -> str:
    return classify(status, kw.pop("type", None), kw.pop("code", None), message, **kw).reason.value  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (401, "Your organization has been deactivated. Contact support."),
        (401, "This account is suspended for violating the terms of use."),
        (403, "Workspace was disabled by an administrator."),
        (None, "您的账户已被冻结，请联系客服"),
    ],
)
def test_a_barred_account_is_permission_denied_even_under_401(
    status: int | None, message: str
) -> None:
    """The key is recognised but its principal is barred: a new key on it would not help."""
    assert reason(status, message) == "permission_denied"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (401, "Your account has been suspended due to an unpaid invoice."),
        (403, "Organization disabled: payment past due."),
    ],
)
def test_a_suspension_for_unpaid_billing_is_quota(status: int, message: str) -> None:
    """Paying fixes it: quota_exhausted, not permission_denied."""
    assert reason(status, message) == "quota_exhausted"


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (400, "invalid_request_error", "Your credit balance is too low to access the API."),
        (403, "forbidden", "Key spending limit reached. Raise it in settings."),
        (429, "rate_limit_exceeded", "Please add more credits to continue."),
        (402, None, "Upgrade your plan to continue using this model."),
        (500, None, "Insufficient balance on the account."),
        (429, None, "余额不足，请充值后重试"),
        (
            400,
            None,
            "Gemini API free tier is not available in your country. Please enable billing.",
        ),
    ],
)
def test_money_words_decide_whatever_the_status_or_code(
    status: int, code: str | None, message: str
) -> None:
    """A remedy of billing, credits, a plan or a spend limit is quota_exhausted."""
    assert reason(status, message, code=code) == "quota_exhausted"


@pytest.mark.parametrize(
    ("message", "want"),
    [
        (
            "Rate limit reached on tokens per minute (TPM). Please try again in 2.5s.",
            "rate_limited",
        ),
        (
            "Rate limit reached on requests per day (RPD): Limit 200. Try again in 7m12s.",
            "quota_exhausted",
        ),
        # a daily window decides over a short wait: the next call hits the cap again
        (
            "Rate limit reached on requests per day (RPD). Please try again in 6s.",
            "quota_exhausted",
        ),
        (
            "Quota exceeded for metric: free_tier_requests, limit: 0. Please retry in 33s.",
            "quota_exhausted",
        ),
        ("Too many requests. Retry after 20 seconds.", "rate_limited"),
        ("Too many requests. Your quota resets in 3 hours.", "quota_exhausted"),
        ("该 API 已达今日调用次数限额", "quota_exhausted"),
        ("访问过于频繁，请稍候再试", "rate_limited"),
    ],
)
def test_quota_or_rate_limit_is_a_matter_of_time_horizon(message: str, want: str) -> None:
    """Seconds or a minute: rate_limited; a day or month, a limit of 0, or hours: quota."""
    assert reason(429, message) == want


def test_a_per_minute_window_beats_borrowed_quota_wording() -> None:
    """insufficient_quota with a per-minute window stated is a rate limit."""
    got = reason(
        429,
        "You exceeded your current quota (tokens per minute), please check your plan.",
        code="insufficient_quota",
    )
    assert got == "rate_limited"


@pytest.mark.parametrize("provider", ["dashscope", "qwen", "sambanova"])
def test_provider_codes_with_their_own_meaning(provider: str) -> None:
    """DashScope and SambaNova send `insufficient_quota` for their per-minute limits."""
    assert reason(429, "", code="insufficient_quota", provider=provider) == "rate_limited"
    assert reason(429, "", code="insufficient_quota", provider="openai") == "quota_exhausted"


@pytest.mark.parametrize(
    ("status", "message", "want"),
    [
        (502, "upstream returned 401 Unauthorized: invalid token", "server_error"),
        (503, "auth service unavailable: token validation failed", "overloaded"),
        (504, "gateway timeout while validating the api key", "timeout"),
        (400, "invalid token count in the request", "bad_request"),
        (522, "Connection timed out: the origin is overloaded or unreachable", "timeout"),
    ],
)
def test_wording_does_not_overrule_a_stronger_fact(status: int, message: str, want: str) -> None:
    """A 5xx that mentions a key or a token is the server's; a gateway timeout is a timeout."""
    assert reason(status, message) == want


@pytest.mark.parametrize(
    ("status", "message", "want"),
    [
        (404, "The model `gpt-3` has been deprecated and was removed.", "model_not_found"),
        (400, "The model claude-2.0 is retired. Use a newer model.", "model_not_found"),
        (404, "The API deployment for this resource does not exist.", "model_not_found"),
        (400, "The dedicated endpoint for acme/Model-v1.5 is not running.", "model_not_found"),
        (404, "Not Found", "bad_request"),
        (404, "Invalid URL (POST /v1/chat/completion)", "bad_request"),
        (400, "This model does not support tools.", "bad_request"),
        (400, "No models loaded. Please load a model first.", "model_not_found"),
    ],
)
def test_model_not_found_or_a_request_to_fix(status: int, message: str, want: str) -> None:
    """Retired models and missing or stopped deployments are model_not_found; a wrong path or
    a feature the model lacks is bad_request."""
    assert reason(status, message) == want


@pytest.mark.parametrize(
    ("status", "message", "want"),
    [
        (
            400,
            "maximum context length is 8192 tokens. However, you requested 9000 tokens"
            " (8500 in the messages, 500 in the completion).",
            "context_length",
        ),
        (
            400,
            "maximum context length is 8192 tokens. However, you requested 8300 tokens"
            " (100 in the messages, 8200 in the completion).",
            "bad_request",
        ),
        (
            400,
            "max_tokens must be less than or equal to 8192, the maximum value for max_tokens"
            " is less than the context_window for this model",
            "bad_request",
        ),
        (413, "Request exceeds the maximum size", "bad_request"),
        (
            413,
            "Request too large for model on tokens per minute (TPM): Limit 6000, Requested 9000",
            "context_length",
        ),
        (400, "Range of input length should be [1, 6000]", "context_length"),
        (400, "roles must alternate between user and assistant", "bad_request"),
    ],
)
def test_context_length_or_bad_request(status: int, message: str, want: str) -> None:
    """Input over the window (or over a whole TPM limit) is context_length; an output cap too
    high, a body too large in bytes, or message ordering is bad_request."""
    assert reason(status, message) == want


@pytest.mark.parametrize(
    ("type_", "message", "want"),
    [
        (
            "OpenAIError",
            "Missing credentials. Please pass an `api_key`, or set the"
            " `OPENAI_API_KEY` environment variable.",
            "invalid_key",
        ),
        ("NoCredentialsError", "Unable to locate credentials", "invalid_key"),
        ("StopCandidateException", "finish_reason: SAFETY", "content_filter"),
        ("APIStatusError", "An error occurred during streaming", "server_error"),
        (
            "APIConnectionError",
            "openrouter raised a streaming error - finish_reason: error",
            "server_error",
        ),
    ],
)
def test_no_status_at_all(type_: str, message: str, want: str) -> None:
    """Client-side exceptions and errors after an HTTP 200 are read from text and class."""
    assert reason(None, message, type=type_) == want


def test_the_innermost_error_decides_over_a_gateways_class() -> None:
    """LiteLLM's outer class is evidence, the provider's own error inside is the verdict."""
    message = (
        'litellm.RateLimitError: AnthropicException - {"type":"error","error":'
        '{"type":"invalid_request_error","message":"Your credit balance is too low"}}'
    )
    assert reason(None, message, type="RateLimitError") == "quota_exhausted"


def test_explain_names_the_output_cap_rule() -> None:
    """--explain says when the output asked for, not the input, overran the window."""
    x = explain(
        400,
        None,
        "context_length_exceeded",
        "maximum context length is 100 tokens. However, you requested 150 tokens"
        " (10 in the messages, 140 in the completion).",
    )
    assert (x.classification.reason.value, x.rule) == ("bad_request", "output_cap")


@pytest.mark.parametrize(
    ("status", "message", "want"),
    [
        # a limit under a 5xx is the provider's capacity
        (503, "Too many connections, please wait before trying again.", "overloaded"),
        # the server answered: connection words in a 5xx are not a network failure
        (
            503,
            "upstream connect error or disconnect/reset before headers. Connection refused",
            "overloaded",
        ),
        (502, "connection reset by peer", "server_error"),
        # a safety block beside gRPC's generic permission text
        (
            403,
            "The caller does not have permission. Content violates usage guidelines.",
            "content_filter",
        ),
        (
            403,
            "Your resource has been temporarily blocked for policy reasons.",
            "permission_denied",
        ),
        (400, "acme/model-x:free is not a valid model ID", "model_not_found"),
        (404, "No endpoints found that support tool use.", "bad_request"),
        (
            400,
            "Your request has 8 input tokens plus 2045 'max_tokens'. Please reduce one.",
            "bad_request",
        ),
        (429, "Extra usage is required for long context requests.", "quota_exhausted"),
    ],
)
def test_a_status_fact_beats_generic_words_and_a_provider_phrase_beats_a_code(
    status: int, message: str, want: str
) -> None:
    """Shapes a held-out set showed: the status's fact beats generic words, and each
    provider's precise phrase beats a generic code."""
    assert reason(status, message) == want


def test_missing_default_credentials_under_a_gateway_class() -> None:
    """Google's ADC missing, re-wrapped by LiteLLM as a connection error: the key is missing."""
    message = "litellm.APIConnectionError: Your default credentials were not found."
    assert reason(None, message, type="APIConnectionError") == "invalid_key"


@pytest.mark.parametrize(
    ("status", "message", "want"),
    [
        (None, "This model is not available in your region.", "permission_denied"),
        (None, "request failed, reason: connect ETIMEDOUT 10.0.0.1:443", "network"),
        (500, "an error was encountered while running the model: unexpected EOF", "server_error"),
        (None, "stream error: stream ID 7; INTERNAL_ERROR; received from peer", "server_error"),
        (None, "You have exhausted your daily quota on this model.", "quota_exhausted"),
        (429, "Gemini X Preview doesn't have a free quota tier. Retry in 33s.", "quota_exhausted"),
        (429, "Server is temporarily limiting requests (not your usage limit)", "overloaded"),
        (
            400,
            "The model foo-image is an image model and is therefore not available on this"
            " endpoint. Please use a compatible endpoint.",
            "bad_request",
        ),
        (
            400,
            "The provided prompt is 4309 tokens long, but the maximum supported sequence"
            " length is just 4096!",
            "context_length",
        ),
        (400, "Expected `thinking` or `redacted_thinking`, but found `text`.", "bad_request"),
    ],
)
def test_caller_network_stream_daily_quota_and_throttling_shapes_get_their_reason(
    status: int | None, message: str, want: str
) -> None:
    """Shapes the second held-out set showed: where the caller is, connection and stream
    failures, quotas with no free tier or per day, the provider's own throttling."""
    assert reason(status, message) == want


@pytest.mark.parametrize(
    ("status", "type_", "message", "want"),
    [
        (
            None,
            None,
            "Your access was terminated due to violation of our policies.",
            "permission_denied",
        ),
        (
            429,
            None,
            "Rate limit reached on tokens per minute (TPM): Limit 7000, Used 0,"
            " Requested ~12903. Please try again in 50.5s.",
            "context_length",
        ),
        (
            None,
            "ServiceUnavailable",
            "503 failed to connect to all addresses; TCP handshake shutdown",
            "network",
        ),
        (None, "AsyncEngineDeadError", "Background loop has errored already.", "server_error"),
        (
            400,
            None,
            "This credential is only authorized for use with Claude Code.",
            "permission_denied",
        ),
        (None, "StopCandidateException", "finish_reason: RECITATION", "content_filter"),
        (None, None, "Insufficient quota. Please check your billing details.", "quota_exhausted"),
        (404, None, "No handler found on route. Please double check your URL.", "bad_request"),
        (404, None, 'We couldn\'t find a secret with the name "XAI_API_KEY".', "invalid_key"),
        (
            None,
            None,
            "Cannot connect to API: self-signed certificate in certificate chain",
            "network",
        ),
    ],
)
def test_an_ordinary_days_mix_of_wordings_gets_its_reasons(
    status: int | None, type_: str | None, message: str, want: str
) -> None:
    """Shapes the third held-out set (an ordinary day's mix) showed."""
    assert reason(status, message, type=type_) == want
