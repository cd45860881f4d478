"""Local stand-in for the LLM providers' key-check endpoints, the ones keywatch.validate_key calls.

Each provider is served under a prefix of its own, at its real path (`/openai/v1/models`,
`/anthropic/v1/models`, `/gemini/v1beta/models`, `/openrouter/api/v1/key`, ...), reads the key
from the header that provider reads it from, and answers with that provider's documented body.
What it answers depends on the key: its kind is the part before the first "." ("bad" and
"bad.sk-test-1234" are both "bad"):

    good       the provider's success (a model list, OpenRouter's key limit, DeepSeek's balance)
    bad        the provider's invalid-key answer (Gemini 400 API_KEY_INVALID, xAI 400, others 401)
    broke      out of credit (OpenAI 429 insufficient_quota, Anthropic 400 "credit balance is too
               low", DeepSeek 402 Insufficient Balance, OpenRouter limit_remaining 0, ...)
    empty      DeepSeek only: 200 with is_available false
    limited    a plain 429 rate limit
    down       a 5xx
    forbidden  a 403 permission refusal
    slow       answers only after `slow_s` seconds
    trickle    sends its status line, then one header byte every 0.2 s
    redirect   302 to a second listener ("elsewhere"), which records whatever reaches it
    garbage    200 with an HTML page (a captive portal, a proxy's error page)
    huge       200 with a body over 1 MiB

Not every provider documents every answer: `KINDS[provider]` lists the kinds it has; any other
key is answered as "bad". The stand-in records each request (provider, path, which header held
the key, the header names) and never the key itself, and prints no key. Listens on 127.0.0.1 only.

    python -m keywatch_ops.devstack.provider_standin --port 8089
"""

from __future__ import annotations

import argparse
import json
import signal
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

__all__ = ["COMMON_KINDS", "KINDS", "PROVIDERS", "ProviderStandIn", "Seen", "main"]

LOOPBACK: Final = "127.0.0.1"
HUGE_BYTES: Final = (1 << 20) + 4096
TRICKLE_STEP_S: Final = 0.2


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any  # JSON-able, or bytes sent as they are
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Provider:
    name: str
    path: str  # the provider's own path, after the prefix
    base: str  # what its SDK calls the base URL, after the prefix
    auth: str  # the header that carries the key
    missing: Answer  # no key at all
    answers: Mapping[str, Answer]  # by key kind; "good" is the success
    also: tuple[str, ...] = ()  # other headers the provider takes the key in


@dataclass(frozen=True, slots=True)
class Seen:
    """One request, as recorded: never the key."""

    provider: str | None
    path: str  # without the query
    query: tuple[str, ...]  # the query's parameter names
    auth_header: str | None  # the header that held a key
    header_names: frozenset[str]  # lower-cased
    kind: str | None


def _masked(key: str, head: int = 3) -> str:
    # How OpenAI, DeepSeek and xAI echo a wrong key: a few characters, stars, the last four.
    return f"{key[:head]}****{key[-4:]}" if len(key) > 12 else "****"


def _json_error(status: int, error: Mapping[str, Any], **top: Any) -> Answer:
    return Answer(status, {"error": dict(error), **top})


# -- the providers' documented answers ------------------------------------------------------------
# Messages are those of shared/keywatch/core/tables (platforms.py, gateways.py) and of
# tests/corpus/provider_errors.jsonl, each with the page it was taken from. "{masked}" is filled
# with a masked echo of the key the request carried, as the provider does.


def _openai_answers(models: list[str]) -> dict[str, Answer]:
    # https://platform.openai.com/docs/guides/error-codes (the API error table), and
    # https://platform.openai.com/docs/api-reference/models/list for the list's shape.
    err = "https://platform.openai.com/account/api-keys"
    return {
        "good": Answer(
            200,
            {
                "object": "list",
                "data": [
                    {"id": m, "object": "model", "created": 1715367049, "owned_by": "system"}
                    for m in models
                ],
            },
        ),
        "bad": _json_error(
            401,
            {
                "message": f"Incorrect API key provided: {{masked}}. You can find your API key "
                f"at {err}.",
                "type": "invalid_request_error",
                "param": None,
                "code": "invalid_api_key",
            },
        ),
        "broke": _json_error(
            429,
            {
                "message": "You exceeded your current quota, please check your plan and billing "
                "details. For more information on this error, read the docs: "
                "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                "type": "insufficient_quota",
                "param": None,
                "code": "insufficient_quota",
            },
        ),
        "limited": Answer(
            429,
            {
                "error": {
                    "message": "Rate limit reached for gpt-4o-mini in organization org-standin "
                    "on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again "
                    "in 20s. Visit https://platform.openai.com/account/rate-limits to learn "
                    "more.",
                    "type": "requests",
                    "param": None,
                    "code": "rate_limit_exceeded",
                }
            },
            (("retry-after", "20"),),
        ),
        "down": _json_error(
            503,
            {
                "message": "The engine is currently overloaded, please try again later.",
                "type": "server_error",
                "param": None,
                "code": None,
            },
        ),
        # The table's only 403 row: "Country, region, or territory not supported".
        "forbidden": _json_error(
            403,
            {
                "code": "unsupported_country_region_territory",
                "message": "Country, region, or territory not supported",
                "param": None,
                "type": "request_forbidden",
            },
        ),
    }


_OPENAI_MISSING = _json_error(
    401,
    {
        "message": "You didn't provide an API key. You need to provide your API key in an "
        "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    },
)


def _anthropic(error_type: str, message: str, status: int) -> Answer:
    # https://docs.claude.com/en/api/errors: {"type": "error", "error": {"type", "message"}}.
    return Answer(
        status,
        {
            "type": "error",
            "error": {"type": error_type, "message": message},
            "request_id": "req_standin",
        },
    )


def _google(status: int, code: str, message: str, reason: str | None = None) -> Answer:
    # google.rpc.Status as the Gemini API sends it, with an ErrorInfo detail where it has one:
    # https://ai.google.dev/gemini-api/docs/troubleshooting and
    # https://github.com/googleapis/googleapis/blob/master/google/api/error_reason.proto
    error: dict[str, Any] = {"code": status, "message": message, "status": code}
    if reason:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            }
        ]
    return Answer(status, {"error": error})


def _openrouter_key(limit: float | None, remaining: float | None) -> Answer:
    # https://openrouter.ai/docs/api-reference/limits: GET /api/v1/key. `label` is a masked copy
    # of the key, as OpenRouter sends it.
    usage = 0.0 if limit is None or remaining is None else limit - remaining
    return Answer(
        200,
        {
            "data": {
                "label": "{masked}",
                "limit": limit,
                "limit_reset": None,
                "limit_remaining": remaining,
                "include_byok_in_limit": False,
                "usage": usage,
                "usage_daily": 0.0,
                "usage_weekly": 0.0,
                "usage_monthly": usage,
                "is_free_tier": False,
            }
        },
    )


def _openrouter_error(status: int, message: str, **metadata: Any) -> Answer:
    # https://openrouter.ai/docs/api/reference/errors-and-debugging: {"error": {code, message}}.
    error: dict[str, Any] = {"code": status, "message": message}
    if metadata:
        error["metadata"] = metadata
    return Answer(status, {"error": error})


def _deepseek_balance(available: bool, total: str) -> Answer:
    # https://api-docs.deepseek.com/api/get-user-balance
    return Answer(
        200,
        {
            "is_available": available,
            "balance_infos": [
                {
                    "currency": "USD",
                    "total_balance": total,
                    "granted_balance": "0.00",
                    "topped_up_balance": total,
                }
            ],
        },
    )


def _deepseek_error(status: int, message: str, error_type: str) -> Answer:
    # https://api-docs.deepseek.com/quick_start/error_codes; the envelope is OpenAI's.
    return _json_error(
        status,
        {"message": message, "type": error_type, "param": None, "code": "invalid_request_error"},
    )


def _mistral(status: int, message: str, error_type: str, code: str | None = None) -> Answer:
    # https://docs.mistral.ai/resources/error-glossary: {"object": "error", "message", "type",
    # "param", "code"}.
    return Answer(
        status,
        {"object": "error", "message": message, "type": error_type, "param": None, "code": code},
    )


def _xai(status: int, code: str, error: str) -> Answer:
    # https://docs.x.ai/docs/key-information/debugging: {"code": <gRPC status text>, "error"}.
    return Answer(status, {"code": code, "error": error})


def _together(status: int, message: str, error_type: str, code: str | None = None) -> Answer:
    # https://docs.together.ai/docs/error-codes; the envelope is OpenAI's, with an id.
    return Answer(
        status,
        {
            "id": "standin",
            "error": {"message": message, "type": error_type, "param": None, "code": code},
        },
    )


def _fireworks(status: int, message: str, error_type: str = "invalid_request_error") -> Answer:
    # https://docs.fireworks.ai/guides/inference-error-codes
    return Answer(status, {"error": {"object": "error", "type": error_type, "message": message}})


def _azure(status: int, message: str, code: str | None = None) -> Answer:
    # https://learn.microsoft.com/azure/foundry/openai/how-to/troubleshoot-errors
    return _json_error(status, {"code": code or str(status), "message": message})


_PROVIDERS: Final[tuple[_Provider, ...]] = (
    _Provider(
        "openai",
        "/v1/models",
        "/v1",
        "authorization",
        _OPENAI_MISSING,
        _openai_answers(["gpt-4o-mini", "gpt-4o", "o3-mini"]),
    ),
    # A generic OpenAI-compatible API (vLLM, LiteLLM, a gateway): OpenAI's answers.
    _Provider(
        "compat",
        "/v1/models",
        "/v1",
        "authorization",
        _OPENAI_MISSING,
        _openai_answers(["meta-llama/Llama-3.1-8B-Instruct"]),
    ),
    _Provider(
        "anthropic",
        "/v1/models",
        "",
        "x-api-key",
        _anthropic("authentication_error", "x-api-key header is required", 401),
        {
            # https://docs.claude.com/en/api/models-list
            "good": Answer(
                200,
                {
                    "data": [
                        {
                            "type": "model",
                            "id": "claude-sonnet-4-20250514",
                            "display_name": "Claude Sonnet 4",
                            "created_at": "2025-05-22T00:00:00Z",
                        },
                        {
                            "type": "model",
                            "id": "claude-3-5-haiku-20241022",
                            "display_name": "Claude Haiku 3.5",
                            "created_at": "2024-10-22T00:00:00Z",
                        },
                    ],
                    "has_more": False,
                    "first_id": "claude-sonnet-4-20250514",
                    "last_id": "claude-3-5-haiku-20241022",
                },
            ),
            "bad": _anthropic("authentication_error", "invalid x-api-key", 401),
            # Quoted in tests/corpus (anthropic-credit-too-low): a 400 invalid_request_error
            # whose wording is the billing state.
            "broke": _anthropic(
                "invalid_request_error",
                "Your credit balance is too low to access the Anthropic API. Please go to Plans "
                "& Billing to upgrade or purchase credits.",
                400,
            ),
            "limited": Answer(
                429,
                _anthropic(
                    "rate_limit_error",
                    "Number of requests has exceeded your per-minute rate limit "
                    "(https://docs.anthropic.com/en/api/rate-limits); see the response headers "
                    "for current usage. Please try again later.",
                    429,
                ).body,
                (("retry-after", "10"),),
            ),
            "down": _anthropic("api_error", "Internal server error", 500),
            "forbidden": _anthropic(
                "permission_error",
                "Your API key does not have permission to use the specified resource.",
                403,
            ),
        },
        # The API reference documents x-api-key; the anthropic SDK (2.x) sends an API key as
        # Authorization: Bearer, which the API must therefore take too.
        also=("authorization",),
    ),
    _Provider(
        "gemini",
        "/v1beta/models",
        "",
        "x-goog-api-key",
        # A call with no key at all (tests/corpus gemini-no-key).
        _google(
            403,
            "PERMISSION_DENIED",
            "Method doesn't allow unregistered callers (callers without established identity). "
            "Please use API Key or other form of API consumer identity to call this API.",
        ),
        {
            # https://ai.google.dev/api/models#method:-models.list
            "good": Answer(
                200,
                {
                    "models": [
                        {
                            "name": f"models/{m}",
                            "version": "001",
                            "displayName": m,
                            "supportedGenerationMethods": ["generateContent", "countTokens"],
                        }
                        for m in ("gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-004")
                    ]
                },
            ),
            "bad": _google(
                400,
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.",
                "API_KEY_INVALID",
            ),
            # The troubleshooting table's FAILED_PRECONDITION row: the remedy is billing.
            "broke": _google(
                400,
                "FAILED_PRECONDITION",
                "Gemini API free tier is not available in your country. Please enable billing "
                "on your project in Google AI Studio.",
            ),
            "limited": _google(
                429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."
            ),
            "down": _google(503, "UNAVAILABLE", "The service is currently unavailable."),
            "forbidden": _google(
                403,
                "PERMISSION_DENIED",
                "Requests to this API generativelanguage.googleapis.com method "
                "google.ai.generativelanguage.v1beta.ModelService.ListModels are blocked.",
                "API_KEY_SERVICE_BLOCKED",
            ),
        },
    ),
    _Provider(
        "openrouter",
        "/api/v1/key",
        "/api/v1",
        "authorization",
        _openrouter_error(401, "No auth credentials found"),
        {
            "good": _openrouter_key(10.0, 7.5),
            "broke": _openrouter_key(10.0, 0.0),
            # The status table's 401 "Invalid credentials (... disabled/invalid API key)", in
            # the wording OpenRouter sends for a key it does not know (tests/corpus).
            "bad": _openrouter_error(401, "User not found."),
            # https://openrouter.ai/docs/api-reference/limits, "Handling 429 errors".
            "limited": _openrouter_error(
                429, "Rate limit exceeded", error_type="rate_limit_exceeded"
            ),
            "down": _openrouter_error(500, "Internal Server Error"),
            "forbidden": _openrouter_error(403, "Forbidden: insufficient permissions"),
        },
    ),
    _Provider(
        "groq",
        "/openai/v1/models",
        "/openai/v1",
        "authorization",
        _OPENAI_MISSING,
        {
            # https://console.groq.com/docs/api-reference#models-list
            "good": Answer(
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": "llama-3.3-70b-versatile",
                            "object": "model",
                            "created": 1733447754,
                            "owned_by": "Meta",
                            "active": True,
                            "context_window": 131072,
                        }
                    ],
                },
            ),
            # https://console.groq.com/docs/errors
            "bad": _json_error(
                401,
                {
                    "message": "Invalid API Key",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                },
            ),
            "limited": _json_error(
                429,
                {
                    "message": "Rate limit reached for model `llama-3.3-70b-versatile` in "
                    "organization `org_standin` on requests per minute (RPM): Limit 30, Used 30, "
                    "Requested 1. Please try again in 2s. Visit "
                    "https://console.groq.com/docs/rate-limits for more information.",
                    "type": "requests",
                    "code": "rate_limit_exceeded",
                },
            ),
            "down": _json_error(
                503, {"message": "Service Unavailable", "type": "internal_server_error"}
            ),
            "forbidden": _json_error(
                403,
                {
                    "message": "Forbidden: The request is not allowed due to permission "
                    "restrictions.",
                    "type": "invalid_request_error",
                    "code": "permission_denied",
                },
            ),
        },
    ),
    _Provider(
        "mistral",
        "/v1/models",
        "/v1",
        "authorization",
        Answer(401, {"message": "No API key found in request"}),
        {
            # https://docs.mistral.ai/api/#tag/models/operation/list_models_v1_models_get
            "good": Answer(
                200,
                {
                    "object": "list",
                    "data": [
                        {"id": m, "object": "model", "created": 1727049600, "owned_by": "mistralai"}
                        for m in ("mistral-large-latest", "mistral-small-latest")
                    ],
                },
            ),
            # A 401 as Mistral's gateway sends it (tests/corpus mistral-unauthorized).
            "bad": Answer(401, {"message": "Unauthorized", "request_id": "standin"}),
            "broke": _mistral(
                402,
                "Payment required: A billing condition on your Organization blocks the request.",
                "invalid_request_error",
            ),
            "limited": _mistral(429, "Requests rate limit exceeded", "rate_limited", "1300"),
            "down": _mistral(
                503,
                "Service unavailable: The service is temporarily overloaded or under maintenance.",
                "service_unavailable",
            ),
            "forbidden": _mistral(
                403,
                "Forbidden: Your account does not have permission to access the requested "
                "resource.",
                "invalid_request_error",
            ),
        },
    ),
    _Provider(
        "xai",
        "/v1/models",
        "/v1",
        "authorization",
        _xai(
            401,
            "Unauthenticated",
            "No authorization header or an invalid authorization token is provided.",
        ),
        {
            # https://docs.x.ai/docs/api-reference#list-models
            "good": Answer(
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": "grok-4",
                            "object": "model",
                            "created": 1752019200,
                            "owned_by": "xai",
                        }
                    ],
                },
            ),
            # xAI answers a wrong key with 400 (tests/corpus xai-incorrect-key).
            "bad": _xai(
                400,
                "Client specified an invalid argument",
                "Incorrect API key provided: {masked2}. You can obtain an API key from "
                "https://console.x.ai.",
            ),
            "broke": _xai(
                403,
                "The caller does not have permission to execute the specified operation",
                "Your newly created teams doesn't have any credits yet. You can purchase credits "
                "on https://console.x.ai/team/00000000-0000-0000-0000-000000000000.",
            ),
            "limited": _xai(429, "Some resource has been exhausted", "Too many requests"),
            "down": _xai(
                503,
                "The service is currently unavailable",
                "Service temporarily unavailable. The model is overloaded.",
            ),
            "forbidden": _xai(
                403,
                "The caller does not have permission to execute the specified operation",
                "Your API key/team doesn't have permission to perform the action.",
            ),
        },
    ),
    _Provider(
        "together",
        "/v1/models",
        "/v1",
        "authorization",
        _together(401, "Authentication Error: Missing or Invalid API Key", "invalid_request_error"),
        {
            # https://docs.together.ai/reference/models-1: a bare array.
            "good": Answer(
                200,
                [
                    {
                        "id": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
                        "object": "model",
                        "created": 1733443200,
                        "type": "chat",
                        "display_name": "Llama 3.3 70B Instruct Turbo",
                        "organization": "Meta",
                        "context_length": 131072,
                    }
                ],
            ),
            "bad": _together(
                401,
                "Invalid API key provided. You can find your API key at "
                "https://api.together.xyz/settings/api-keys.",
                "invalid_request_error",
                "invalid_api_key",
            ),
            "broke": _together(
                402,
                "Credit limit exceeded. Please navigate to https://api.together.xyz/settings/"
                "billing to add credit or upgrade your plan.",
                "credit_limit",
            ),
            "limited": _together(
                429,
                "Request was rejected due to request rate limiting. Your rate limits are 600 RPM "
                "(10 QPS) and 180000 TPM (3000 TPS). See details: "
                "https://docs.together.ai/docs/rate-limits",
                "credit_limit",
            ),
            "down": _together(
                503,
                "Engine Overloaded: Our servers are seeing high amounts of traffic",
                "server_error",
            ),
            # No "forbidden": Together's documented 403 is a context-length error.
        },
    ),
    _Provider(
        "fireworks",
        "/inference/v1/models",
        "/inference/v1",
        "authorization",
        _fireworks(401, "Unauthorized: Invalid API key or insufficient permissions."),
        {
            "good": Answer(
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": "accounts/fireworks/models/llama-v3p1-8b-instruct",
                            "object": "model",
                            "owned_by": "fireworks",
                            "created": 1721692800,
                        }
                    ],
                },
            ),
            "bad": _fireworks(401, "The API key you provided is invalid."),
            "broke": _fireworks(
                402,
                "Payment Required: Account is not on a paid plan or has exceeded usage limits.",
            ),
            "limited": _fireworks(429, "Request rate limit exceeded, please try again later"),
            "down": _fireworks(503, "Service Unavailable", "internal_server_error"),
            "forbidden": _fireworks(403, "Forbidden: Authentication issues."),
        },
    ),
    _Provider(
        "cohere",
        "/v1/models",
        "/v1",
        "authorization",
        Answer(401, {"message": "no api key supplied"}),
        {
            # https://docs.cohere.com/reference/list-models
            "good": Answer(
                200,
                {
                    "models": [
                        {
                            "name": "command-a-03-2025",
                            "endpoints": ["generate", "chat", "summarize"],
                            "finetuned": False,
                            "context_length": 256000,
                        },
                        {
                            "name": "embed-v4.0",
                            "endpoints": ["embed"],
                            "finetuned": False,
                            "context_length": 128000,
                        },
                    ]
                },
            ),
            # https://docs.cohere.com/reference/errors: {"message": ...}
            "bad": Answer(401, {"message": "invalid api token"}),
            "broke": Answer(
                402,
                {
                    "message": "Please add or update your payment method at "
                    "https://dashboard.cohere.com/billing?tab=payment to continue"
                },
            ),
            "limited": Answer(
                429,
                {
                    "message": "You are past the per minute request limit, please wait and try "
                    "again later."
                },
            ),
            "down": Answer(500, {"message": "Internal Server Error"}),
        },
    ),
    _Provider(
        "deepseek",
        "/user/balance",
        "",
        "authorization",
        _deepseek_error(401, "Authentication Fails (no such user)", "authentication_error"),
        {
            "good": _deepseek_balance(True, "12.50"),
            "empty": _deepseek_balance(False, "0.00"),
            "bad": _deepseek_error(
                401,
                "Authentication Fails, Your api key: {masked0} is invalid",
                "authentication_error",
            ),
            "broke": _deepseek_error(402, "Insufficient Balance", "unknown_error"),
            "limited": _deepseek_error(429, "Rate Limit Reached", "rate_limit_error"),
            "down": _deepseek_error(503, "Server Overloaded", "server_error"),
        },
    ),
    _Provider(
        "azure",
        "/openai/models",
        "",
        "api-key",
        _azure(
            401,
            "Access denied due to missing subscription key. Make sure to include subscription "
            "key when making requests to an API.",
        ),
        {
            # https://learn.microsoft.com/en-us/rest/api/azureopenai/models/list
            "good": Answer(
                200,
                {
                    "data": [
                        {
                            "id": "gpt-4o-2024-08-06",
                            "object": "model",
                            "status": "succeeded",
                            "lifecycle_status": "generally-available",
                            "capabilities": {"chat_completion": True, "inference": True},
                            "created_at": 1722902400,
                        }
                    ],
                    "object": "list",
                },
            ),
            "bad": _azure(
                401,
                "Access denied due to invalid subscription key or wrong API endpoint. Make sure "
                "to provide a valid key for an active subscription and use a correct regional "
                "API endpoint for your resource.",
            ),
            "limited": _azure(429, "Rate limit is exceeded. Try again in 2 seconds."),
            "down": _json_error(
                500,
                {
                    "message": "The server had an error processing your request. Sorry about "
                    "that! You can retry your request, or contact us through an Azure support "
                    "request at: https://go.microsoft.com/fwlink/?linkid=2213926 if you keep "
                    "seeing this error.",
                    "type": "server_error",
                    "param": None,
                    "code": None,
                },
            ),
            "forbidden": _azure(403, "Access denied due to Virtual Network/Firewall rules."),
        },
    ),
)

PROVIDERS: Final[tuple[str, ...]] = tuple(p.name for p in _PROVIDERS)
_BY_NAME: Final = {p.name: p for p in _PROVIDERS}
# Answered alike by every provider.
COMMON_KINDS: Final = ("slow", "trickle", "redirect", "garbage", "huge")
KINDS: Final[Mapping[str, tuple[str, ...]]] = {
    p.name: (*p.answers, *COMMON_KINDS) for p in _PROVIDERS
}


def _fill(value: Any, key: str) -> Any:
    if isinstance(value, str):
        return (
            value.replace("{masked}", _masked(key))
            .replace("{masked2}", _masked(key, 2))
            .replace("{masked0}", _masked(key, 0))
        )
    if isinstance(value, Mapping):
        return {k: _fill(v, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, key) for v in value]
    return value


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    standin: ProviderStandIn
    elsewhere: bool = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a deadline, a refused certificate) is expected here.
        return


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: no request lines
        return

    def do_GET(self) -> None:
        self.server.standin._handle(self)


class ProviderStandIn:
    """The providers' key-check endpoints on 127.0.0.1, plus a second listener that a
    "redirect" key is sent to."""

    def __init__(
        self,
        host: str = LOOPBACK,
        port: int = 0,
        *,
        slow_s: float = 5.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """`tls`: a server-side context to serve HTTPS with (the redirect target stays HTTP)."""
        if host != LOOPBACK:
            raise ValueError(f"the provider stand-in listens on {LOOPBACK} only, not {host!r}")
        self._host, self._port, self.slow_s, self._tls = host, port, slow_s, tls
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._seen: list[Seen] = []
        self._seen_elsewhere: list[Seen] = []
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._servers:
            raise RuntimeError("provider stand-in already started")
        self._stopping.clear()
        for port, elsewhere in ((self._port, False), (0, True)):
            server = _Server((self._host, port), _Handler)
            server.standin, server.elsewhere = self, elsewhere
            if self._tls is not None and not elsewhere:
                # The handshake runs in the request's thread, on its first read: a client
                # that refuses the certificate never gets as far as sending a request.
                server.socket = self._tls.wrap_socket(
                    server.socket, server_side=True, do_handshake_on_connect=False
                )
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="provider-standin",
                daemon=True,
            )
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()  # wakes "slow" and "trickle" answers
        servers, threads = self._servers, self._threads
        self._servers, self._threads = [], []
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join(timeout=5)

    def __enter__(self) -> ProviderStandIn:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses and records ------------------------------------------------------------------

    @property
    def url(self) -> str:
        if not self._servers:
            raise RuntimeError("provider stand-in not started")
        scheme = "https" if self._tls is not None else "http"
        return f"{scheme}://{self._host}:{self._servers[0].server_address[1]}"

    @property
    def elsewhere_url(self) -> str:
        """The second listener: where "redirect" keys are sent."""
        if not self._servers:
            raise RuntimeError("provider stand-in not started")
        return f"http://{self._host}:{self._servers[1].server_address[1]}"

    def base_url(self, provider: str) -> str:
        """What the provider's SDK (or keywatch.validate_key) takes as base_url here."""
        return f"{self.url}/{provider}{_BY_NAME[provider].base}"

    @property
    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    @property
    def elsewhere_requests(self) -> list[Seen]:
        with self._lock:
            return list(self._seen_elsewhere)

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
            self._seen_elsewhere.clear()

    # -- answering ------------------------------------------------------------------------------

    def _handle(self, handler: _Handler) -> None:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        names = frozenset(k.lower() for k in handler.headers)
        prefix, _, rest = parts.path.lstrip("/").partition("/")
        provider = _BY_NAME.get(prefix)
        key, auth_header = (None, None) if provider is None else _key(provider, handler, query)
        kind = None
        if key and provider is not None:
            # Only a known kind is kept: a key without one (a real key pasted by mistake) is
            # answered as "bad" and recorded as "other", never as itself.
            first = key.split(".", 1)[0]
            kind = first if first in KINDS[provider.name] else "other"
        seen = Seen(
            provider.name if provider else None,
            parts.path,
            tuple(sorted(query)),
            auth_header,
            names,
            kind,
        )
        with self._lock:
            (self._seen_elsewhere if handler.server.elsewhere else self._seen).append(seen)
        if handler.server.elsewhere:
            # Whatever reaches here was sent by a client that followed a redirect.
            return _send(handler, Answer(200, {"followed": True}))
        if provider is None or "/" + rest != provider.path:
            return _send(handler, Answer(404, {"error": {"message": "no such route here"}}))
        if provider.name == "azure" and "api-version" not in query:
            return _send(handler, _azure(404, "Resource not found", "404"))
        if key is None:
            return _send(handler, provider.missing)
        if kind == "slow":
            self._stopping.wait(self.slow_s)
            return _send(handler, provider.answers["good"], key)
        if kind == "trickle":
            return self._trickle(handler)
        if kind == "redirect":
            location = self.elsewhere_url + handler.path
            return _send(handler, Answer(302, b"", (("location", location),)))
        if kind == "garbage":
            page = b"<html><body><h1>Sign in to the network</h1></body></html>"
            return _send(handler, Answer(200, page, (("content-type", "text/html"),)))
        if kind == "huge":
            body = b'{"data": [' + b'{"id": "x"},' * (HUGE_BYTES // 12) + b'{"id": "y"}]}'
            return _send(handler, Answer(200, body))
        answer = provider.answers.get(kind or "") or provider.answers["bad"]
        return _send(handler, answer, key)

    def _trickle(self, handler: _Handler) -> None:
        out = handler.wfile
        try:
            out.write(b"HTTP/1.1 200 OK\r\n")
            out.flush()
            while not self._stopping.wait(TRICKLE_STEP_S):
                out.write(b"X")
                out.flush()
        except OSError:
            return  # the client gave up, as it should


def _key(
    provider: _Provider, handler: _Handler, query: Mapping[str, list[str]]
) -> tuple[str | None, str | None]:
    for header in (provider.auth, *provider.also):
        value = handler.headers.get(header)
        if value is not None and header == "authorization":
            scheme, _, token = value.partition(" ")
            value = token.strip() if scheme.lower() == "bearer" else None
        if value:
            return value, header
    if provider.name == "gemini" and query.get("key"):
        return query["key"][0], "query:key"  # what Gemini also accepts; recorded, not endorsed
    return None, None


def _send(handler: _Handler, answer: Answer, key: str = "") -> None:
    body = answer.body
    if isinstance(body, bytes):
        data = body
        content_type = "application/json"
    else:
        data = json.dumps(_fill(body, key) if key else body).encode()
        content_type = "application/json"
    headers = dict(answer.headers)
    headers.setdefault("content-type", content_type)
    try:
        handler.send_response(answer.status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except OSError:
        return  # the client went away (a check past its deadline)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--slow-s", type=float, default=5.0)
    args = parser.parse_args(argv)
    standin = ProviderStandIn(port=args.port, slow_s=args.slow_s)
    standin.start()
    print(f"provider stand-in on {standin.url} (redirects go to {standin.elsewhere_url})")
    for name in PROVIDERS:
        print(f"  {name:<11} base_url {standin.base_url(name)}  kinds: {', '.join(KINDS[name])}")
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stop.wait(0.5):
        pass
    standin.stop()


if __name__ == "__main__":
    main()
