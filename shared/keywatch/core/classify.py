"""Give every failure one reason, decided by what the key's owner must do.

Providers disagree on status codes (a bad key is 401 at OpenAI, 403 at some gateways, 400 at
Gemini; out-of-credit is 400 at Anthropic, 402 at OpenRouter, 429 at OpenAI), so the text of
the error code and message is read first, and the status code only decides what text could not.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from keywatch.events import Source


class Reason(StrEnum):
    INVALID_KEY = "invalid_key"
    PERMISSION_DENIED = "permission_denied"
    QUOTA_EXHAUSTED = "quota_exhausted"
    RATE_LIMITED = "rate_limited"
    MODEL_NOT_FOUND = "model_not_found"
    CONTEXT_LENGTH = "context_length"
    CONTENT_FILTER = "content_filter"
    BAD_REQUEST = "bad_request"
    OVERLOADED = "overloaded"
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    NETWORK = "network"
    UNKNOWN = "unknown"


# The key's owner must act (fix, replace or top up the key).
USER_ACTIONABLE = frozenset({Reason.INVALID_KEY, Reason.PERMISSION_DENIED, Reason.QUOTA_EXHAUSTED})
RETRYABLE = frozenset(
    {Reason.RATE_LIMITED, Reason.OVERLOADED, Reason.SERVER_ERROR, Reason.TIMEOUT, Reason.NETWORK}
)
# The provider's fault: these count against its health when no retry recovered them.
PROVIDER_FAULT = frozenset(
    {Reason.OVERLOADED, Reason.SERVER_ERROR, Reason.TIMEOUT, Reason.NETWORK, Reason.UNKNOWN}
)


@dataclass(frozen=True, slots=True)
class Classification:
    reason: Reason
    user_actionable: bool
    retryable: bool
    fingerprint: str | None = None  # set for unknown errors, to find and count new shapes


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Ordered: the first rule whose text matches wins. Quota comes before rate limits because
# OpenAI's insufficient_quota and Gemini's daily limits arrive as 429s too.
_TEXT_RULES: tuple[tuple[Reason, re.Pattern[str]], ...] = (
    (
        Reason.QUOTA_EXHAUSTED,
        _rx(
            r"insufficient_quota",
            r"exceeded your current quota",
            r"credit balance is too low",
            r"insufficient (?:credits|balance|funds)",
            r"payment required",
            r"billing",
            r"out of credits",
            r"quota exceeded for .*per ?day",
            r"limit: 0\b",
        ),
    ),
    (
        Reason.INVALID_KEY,
        _rx(
            r"invalid_api_key",
            r"incorrect api key",
            r"invalid (?:x-)?api[ -_]?key",
            r"api_key_invalid",
            r"api key not valid",
            r"api key (?:is )?(?:invalid|expired|revoked)",
            r"authentication_error",
            r"invalid_authentication",
            r"no auth credentials",
            r"unrecognizedclient",
            r"security token included in the request is invalid",
            r"unauthenticated",
        ),
    ),
    (
        Reason.PERMISSION_DENIED,
        _rx(
            r"permission_denied",
            r"permission denied",
            r"accessdenied",
            r"does not have access",
            r"not authorized to",
            r"country, region, or territory not supported",
        ),
    ),
    (
        Reason.CONTEXT_LENGTH,
        _rx(
            r"context_length_exceeded",
            r"maximum context length",
            r"prompt is too long",
            r"input is too long",
            r"too many (?:input )?tokens",
            r"exceeds the (?:maximum|context)",
        ),
    ),
    (
        Reason.CONTENT_FILTER,
        _rx(r"content_filter", r"content management policy", r"safety", r"flagged"),
    ),
    (
        Reason.MODEL_NOT_FOUND,
        _rx(
            r"model_not_found",
            r"model .*(?:does not exist|not found)",
            r"no endpoints found",
            r"unknown model",
        ),
    ),
    (
        Reason.RATE_LIMITED,
        _rx(
            r"rate_limit",
            r"rate limit",
            r"too many requests",
            r"throttling",
            r"resource_exhausted",
        ),
    ),
    (Reason.OVERLOADED, _rx(r"overloaded", r"over capacity", r"serviceunavailable")),
    (Reason.TIMEOUT, _rx(r"timeout", r"timed out", r"deadline exceeded")),
    (
        Reason.NETWORK,
        _rx(
            r"connection (?:error|reset|refused|aborted)",
            r"connecterror",
            r"apiconnectionerror",
            r"name resolution",
            r"remotedisconnected",
        ),
    ),
)

_STATUS_RULES: dict[int, Reason] = {
    401: Reason.INVALID_KEY,
    402: Reason.QUOTA_EXHAUSTED,
    403: Reason.PERMISSION_DENIED,
    404: Reason.MODEL_NOT_FOUND,
    408: Reason.TIMEOUT,
    413: Reason.CONTEXT_LENGTH,
    429: Reason.RATE_LIMITED,
    503: Reason.OVERLOADED,
    504: Reason.TIMEOUT,
    529: Reason.OVERLOADED,  # Anthropic's overloaded_error
}


def classify(
    status_code: int | None,
    error_type: str | None = None,
    error_code: str | None = None,
    error_message: str | None = None,
) -> Classification:
    """The reason for one failure, from whatever the provider and SDK told us."""
    text = " ".join(p for p in (error_code, error_type, error_message) if p).lower()
    reason = _by_text(text) or _by_status(status_code) or Reason.UNKNOWN
    return Classification(
        reason=reason,
        user_actionable=reason in USER_ACTIONABLE,
        retryable=reason in RETRYABLE,
        fingerprint=unknown_fingerprint(status_code, error_type, error_code, error_message)
        if reason is Reason.UNKNOWN
        else None,
    )


def _by_text(text: str) -> Reason | None:
    if not text:
        return None
    for reason, pattern in _TEXT_RULES:
        if pattern.search(text):
            return reason
    return None


def _by_status(status: int | None) -> Reason | None:
    if status is None:
        return None
    if status in _STATUS_RULES:
        return _STATUS_RULES[status]
    if 500 <= status <= 599:
        return Reason.SERVER_ERROR
    if 400 <= status <= 499:
        return Reason.BAD_REQUEST
    return None


_VOLATILE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # uuids
    r"|\b(?:req|msg|chatcmpl|gen)[-_][0-9a-z]+"  # provider request ids
    r"|'[^']*'|\"[^\"]*\""  # quoted values
    r"|\d+(?:\.\d+)?"  # numbers
)


def unknown_fingerprint(
    status_code: int | None, error_type: str | None, error_code: str | None, message: str | None
) -> str:
    """A stable id for an error shape: the same wording with other ids and numbers maps alike."""
    normal = _VOLATILE.sub("#", (message or "").lower())
    normal = " ".join(normal.split())[:300]
    basis = f"{status_code}|{error_type or ''}|{error_code or ''}|{normal}"
    return "uf_" + hashlib.sha256(basis.encode()).hexdigest()[:12]


def counts_against_provider(reason: Reason, source: Source) -> bool:
    """Whether a failure, unless recovered, says the provider is unhealthy.

    A user's own broken key is the user's business; the platform's own broken key means the
    provider cannot be used by us, so it counts.
    """
    if reason in PROVIDER_FAULT:
        return True
    return source is Source.PLATFORM and reason in USER_ACTIONABLE
