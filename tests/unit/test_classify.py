"""The classifier over real provider error payloads (each case names where its text comes from)."""

from __future__ import annotations

import pytest

from keywatch.core.classify import Reason, classify, counts_against_provider, unknown_fingerprint
from keywatch.events import Source

CASES = [
    # OpenAI: https://platform.openai.com/docs/guides/error-codes
    (
        "openai bad key",
        401,
        "AuthenticationError",
        "invalid_api_key",
        "Incorrect API key provided: sk-proj-****abcd. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        Reason.INVALID_KEY,
    ),
    (
        "openai out of quota (429)",
        429,
        "RateLimitError",
        "insufficient_quota",
        "You exceeded your current quota, please check your plan and billing details.",
        Reason.QUOTA_EXHAUSTED,
    ),
    (
        "openai rate limit",
        429,
        "RateLimitError",
        "rate_limit_exceeded",
        "Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000.",
        Reason.RATE_LIMITED,
    ),
    (
        "openai context",
        400,
        "BadRequestError",
        "context_length_exceeded",
        "This model's maximum context length is 128000 tokens.",
        Reason.CONTEXT_LENGTH,
    ),
    (
        "openai model",
        404,
        "NotFoundError",
        "model_not_found",
        "The model `gpt-5-turbo` does not exist or you do not have access to it.",
        Reason.MODEL_NOT_FOUND,
    ),
    (
        "openai timeout (no status)",
        None,
        "APITimeoutError",
        None,
        "Request timed out.",
        Reason.TIMEOUT,
    ),
    (
        "openai connection (no status)",
        None,
        "APIConnectionError",
        None,
        "Connection error.",
        Reason.NETWORK,
    ),
    # Anthropic: https://docs.anthropic.com/en/api/errors
    (
        "anthropic credit (400)",
        400,
        "BadRequestError",
        "invalid_request_error",
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing "
        "to upgrade or purchase credits.",
        Reason.QUOTA_EXHAUSTED,
    ),
    (
        "anthropic bad key",
        401,
        "AuthenticationError",
        "authentication_error",
        "invalid x-api-key",
        Reason.INVALID_KEY,
    ),
    (
        "anthropic overloaded",
        529,
        "OverloadedError",
        "overloaded_error",
        "Overloaded",
        Reason.OVERLOADED,
    ),
    (
        "anthropic permission",
        403,
        "PermissionDeniedError",
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
        Reason.PERMISSION_DENIED,
    ),
    # Gemini API: https://ai.google.dev/gemini-api/docs/troubleshooting
    (
        "gemini bad key (400)",
        400,
        "ClientError",
        "INVALID_ARGUMENT",
        "API key not valid. Please pass a valid API key. [reason: API_KEY_INVALID]",
        Reason.INVALID_KEY,
    ),
    (
        "gemini daily quota (429)",
        429,
        "ClientError",
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_"
        "requests, limit: 0, model: gemini-2.5-pro",
        Reason.QUOTA_EXHAUSTED,
    ),
    (
        "gemini per-minute (429)",
        429,
        "ClientError",
        "RESOURCE_EXHAUSTED",
        "Resource has been exhausted (e.g. check quota).",
        Reason.RATE_LIMITED,
    ),
    (
        "gemini internal",
        500,
        "ServerError",
        "INTERNAL",
        "An internal error has occurred.",
        Reason.SERVER_ERROR,
    ),
    # OpenRouter: https://openrouter.ai/docs/api-reference/errors
    (
        "openrouter credits (402)",
        402,
        "APIStatusError",
        None,
        "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
        Reason.QUOTA_EXHAUSTED,
    ),
    # Groq: https://console.groq.com/docs/errors
    (
        "groq bad key",
        401,
        "AuthenticationError",
        "invalid_api_key",
        "Invalid API Key",
        Reason.INVALID_KEY,
    ),
    # Bedrock: https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
    (
        "bedrock throttling",
        429,
        "ThrottlingException",
        None,
        "Too many requests, please wait before trying again.",
        Reason.RATE_LIMITED,
    ),
    (
        "bedrock access",
        403,
        "AccessDeniedException",
        None,
        "You don't have access to the model with the specified model ID.",
        Reason.PERMISSION_DENIED,
    ),
    (
        "bedrock bad token",
        403,
        "UnrecognizedClientException",
        None,
        "The security token included in the request is invalid.",
        Reason.INVALID_KEY,
    ),
]


@pytest.mark.parametrize(
    ("status", "etype", "code", "message", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_reason_from_real_payloads(
    status: int | None, etype: str, code: str | None, message: str, expected: Reason
) -> None:
    """Each provider's own wording decides the reason, whatever the status code."""
    assert classify(status, etype, code, message).reason is expected


def test_flags_follow_reason() -> None:
    """The key's owner must act on credential and credit problems; rate limits are retryable."""
    bad_key = classify(401, None, "invalid_api_key", None)
    assert bad_key.user_actionable and not bad_key.retryable
    rate = classify(429, None, "rate_limit_exceeded", None)
    assert rate.retryable and not rate.user_actionable


def test_status_alone_decides_when_there_is_no_text() -> None:
    """A bare status still gets a reason: 5xx server error, other 4xx bad request."""
    assert classify(502).reason is Reason.SERVER_ERROR
    assert classify(422).reason is Reason.BAD_REQUEST
    assert classify(None).reason is Reason.UNKNOWN


def test_unknown_gets_a_stable_fingerprint() -> None:
    """The same unknown wording with other ids and numbers maps to one fingerprint."""
    a = classify(None, "WeirdError", None, "thing 123 failed for 'req_abc'")
    b = classify(None, "WeirdError", None, "thing 456 failed for 'req_xyz'")
    assert a.reason is Reason.UNKNOWN and a.fingerprint == b.fingerprint
    assert a.fingerprint != unknown_fingerprint(None, "WeirdError", None, "other shape")
    assert classify(401).fingerprint is None


def test_what_counts_against_a_provider() -> None:
    """Provider faults count; a user's broken key, rate limits and client errors do not."""
    assert counts_against_provider(Reason.OVERLOADED, Source.BYOK)
    assert not counts_against_provider(Reason.INVALID_KEY, Source.BYOK)
    assert counts_against_provider(Reason.INVALID_KEY, Source.PLATFORM)
    assert not counts_against_provider(Reason.RATE_LIMITED, Source.PLATFORM)
    assert not counts_against_provider(Reason.CONTEXT_LENGTH, Source.PLATFORM)


# -- invalid_key needs an unambiguous credential signal ----------------------------------------

NOT_A_KEY_VERDICT = [
    pytest.param(
        502,
        "Bad gateway: upstream returned 401 Unauthorized: invalid authentication",
        None,
        Reason.SERVER_ERROR,
        id="proxy-502-mentioning-401",
    ),
    pytest.param(
        500,
        "Internal error: the service's session token has expired, please retry",
        None,
        Reason.SERVER_ERROR,
        id="provider-500-own-token",
    ),
    pytest.param(
        503,
        "authentication service unavailable: invalid credentials cache",
        {"error": {"code": "invalid_api_key", "message": "upstream auth unavailable"}},
        Reason.OVERLOADED,
        id="503-even-with-a-credential-code",
    ),
    pytest.param(
        400,
        "Invalid token in tool_calls[0].function.arguments: expected ',' at line 1",
        None,
        Reason.BAD_REQUEST,
        id="400-malformed-token-in-tool-json",
    ),
]


@pytest.mark.parametrize(("status", "message", "body", "expected"), NOT_A_KEY_VERDICT)
def test_a_5xx_or_a_400_about_some_token_never_invalidates_a_key(
    status: int, message: str, body: dict[str, object] | None, expected: Reason
) -> None:
    assert classify(status, error_message=message, body=body).reason is expected


GEMINI_KEY_INVALID = {"reason": "API_KEY_INVALID"}


@pytest.mark.parametrize(
    ("status", "message", "body"),
    [
        (401, "Incorrect API key provided: sk-proj-****abcd.", None),
        (401, "Unauthorized", None),  # the status is the signal
        (403, "The security token included in the request is invalid.", None),
        (400, "API key not valid. Please pass a valid API key.", None),  # Gemini
        (
            400,
            "Request failed",
            {
                "error": {
                    "code": 400,
                    "status": "INVALID_ARGUMENT",
                    "details": [{"reason": "API_KEY_INVALID"}],
                }
            },
        ),
        (None, "Incorrect API key provided", None),
    ],
)
def test_a_credential_code_a_401_or_403_or_wording_that_names_the_key_still_does(
    status: int | None, message: str, body: dict[str, object] | None
) -> None:
    assert classify(status, error_message=message, body=body).reason is Reason.INVALID_KEY


def test_repeated_wording_is_decided_once() -> None:
    """The same failure fields again (an outage's thousandth copy) come from the cache, with
    the same answer as the first."""
    from keywatch.core.classify import _remembered

    _remembered.cache_clear()
    first = classify(429, "RateLimitError", "rate_limit_exceeded", "Rate limit reached for RPM")
    again = classify(429, "RateLimitError", "rate_limit_exceeded", "Rate limit reached for RPM")
    assert again is first
    assert _remembered.cache_info().hits == 1
