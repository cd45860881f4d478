"""Give every failure one reason, decided by what the key's owner must do.

Providers disagree on status codes (a bad key is 401 at OpenAI, 400 at Gemini and xAI, 403 at
Bedrock; out-of-credit is 400 at Anthropic, 402 at OpenRouter and DeepSeek, 403 at xAI, 429 at
OpenAI), so the reason is read, in this order, from:

1. specific structured codes, innermost first (OpenAI/Groq `code`, Anthropic `error.type` and
   `error.details.error_code`, Google ErrorInfo `reason`, botocore `Code`, Azure `innererror`,
   the upstream error that OpenRouter keeps in `error.metadata.raw`);
2. the wording of the messages (providers reuse generic codes such as `invalid_request_error`
   or `INVALID_ARGUMENT` for very different things);
3. generic codes, the exception's class name, and last the status code.

A limit (429, RESOURCE_EXHAUSTED, ThrottlingException) is a rate limit when it clears in seconds,
a quota when it is daily, monthly, zero or a spend cap, and an overload when the provider says
it has no capacity. Nothing here does I/O; JSON is parsed only when a body arrives as a string
or a gateway embeds the upstream error as a JSON string.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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


R = Reason

# A limit code: rate limit, quota or overload, decided by the wording (see _limit_reason).
_LIMIT = "limit"

# --- 1. specific structured codes (lower-cased, exact) ---------------------------------------

_SPECIFIC_CODES: dict[str, Reason | str] = {
    # credentials
    "invalid_api_key": R.INVALID_KEY,
    "api_key_invalid": R.INVALID_KEY,  # Gemini ErrorInfo.reason, with a 400
    "api_key_expired": R.INVALID_KEY,
    "authentication_error": R.INVALID_KEY,  # Anthropic error.type
    "invalid_authentication": R.INVALID_KEY,
    "unauthenticated": R.INVALID_KEY,  # Google status
    "access_token_expired": R.INVALID_KEY,
    "token_invalidated": R.INVALID_KEY,
    "unrecognizedclientexception": R.INVALID_KEY,  # botocore
    "expiredtokenexception": R.INVALID_KEY,
    "expiredtoken": R.INVALID_KEY,
    "invalidsignatureexception": R.INVALID_KEY,
    "incompletesignature": R.INVALID_KEY,
    "missingauthenticationtokenexception": R.INVALID_KEY,
    "invalidclienttokenid": R.INVALID_KEY,
    "nocredentialserror": R.INVALID_KEY,
    # permissions
    "unsupported_country_region_territory": R.PERMISSION_DENIED,  # OpenAI 403
    "request_forbidden": R.PERMISSION_DENIED,
    "organization_restricted": R.PERMISSION_DENIED,  # Groq
    "no_organization": R.PERMISSION_DENIED,
    "api_key_service_blocked": R.PERMISSION_DENIED,  # Google key restrictions
    "api_key_http_referrer_blocked": R.PERMISSION_DENIED,
    "api_key_ip_address_blocked": R.PERMISSION_DENIED,
    "api_key_android_app_blocked": R.PERMISSION_DENIED,
    "api_key_ios_app_blocked": R.PERMISSION_DENIED,
    "service_disabled": R.PERMISSION_DENIED,  # the API is not enabled in the project
    "consumer_invalid": R.PERMISSION_DENIED,
    "iam_permission_denied": R.PERMISSION_DENIED,
    "authenticationtypedisabled": R.PERMISSION_DENIED,  # Azure: key auth disabled
    "permissiondenied": R.PERMISSION_DENIED,  # Azure
    # quota and credit
    "insufficient_quota": R.QUOTA_EXHAUSTED,  # OpenAI, with a 429
    "billing_error": R.QUOTA_EXHAUSTED,  # Anthropic 402
    "billing_hard_limit_reached": R.QUOTA_EXHAUSTED,
    "billing_not_active": R.QUOTA_EXHAUSTED,
    "billing_disabled": R.QUOTA_EXHAUSTED,
    "enforced_spend_limit_reached": R.QUOTA_EXHAUSTED,  # Anthropic error.details.error_code
    "payment_required": R.QUOTA_EXHAUSTED,
    "insufficient_balance": R.QUOTA_EXHAUSTED,
    "insufficient_credits": R.QUOTA_EXHAUSTED,
    "credit_limit_exceeded": R.QUOTA_EXHAUSTED,
    "servicequotaexceededexception": R.QUOTA_EXHAUSTED,  # Bedrock: ask AWS for more
    # limits whose window decides
    "rate_limit_exceeded": _LIMIT,
    "rate_limit_error": _LIMIT,
    "rate_limited": _LIMIT,
    "ratelimitexceeded": _LIMIT,
    "resource_exhausted": _LIMIT,
    "throttlingexception": _LIMIT,
    "toomanyrequestsexception": _LIMIT,
    "too_many_requests": _LIMIT,
    "tokens": _LIMIT,  # Groq error.type of a token limit
    "requests": _LIMIT,
    "ratelimit_exceeded": _LIMIT,
    # models
    "model_not_found": R.MODEL_NOT_FOUND,
    "model_not_available": R.MODEL_NOT_FOUND,
    "model_decommissioned": R.MODEL_NOT_FOUND,  # Groq
    "invalid_model": R.MODEL_NOT_FOUND,  # Perplexity, Mistral error.type
    "deploymentnotfound": R.MODEL_NOT_FOUND,  # Azure
    "model_deprecated": R.MODEL_NOT_FOUND,
    # context
    "context_length_exceeded": R.CONTEXT_LENGTH,
    "request_too_large": R.CONTEXT_LENGTH,  # Anthropic 413
    "string_above_max_length": R.CONTEXT_LENGTH,
    "token_limit_exceeded": R.CONTEXT_LENGTH,
    "contextwindowexceedederror": R.CONTEXT_LENGTH,  # litellm
    # content
    "content_filter": R.CONTENT_FILTER,  # Azure code, finish_reason
    "content_policy_violation": R.CONTENT_FILTER,
    "responsibleaipolicyviolation": R.CONTENT_FILTER,  # Azure innererror
    "contentpolicyviolationerror": R.CONTENT_FILTER,  # litellm
    "invalid_prompt": R.CONTENT_FILTER,  # OpenAI: prompt flagged by the usage policy
    "moderation_blocked": R.CONTENT_FILTER,
    # provider side
    "overloaded_error": R.OVERLOADED,  # Anthropic 529, also mid-stream
    "model_capacity_exhausted": R.OVERLOADED,  # Google ErrorInfo.reason
    "modelnotreadyexception": R.OVERLOADED,  # Bedrock
    "serviceunavailableexception": R.OVERLOADED,
    "serviceunavailable": R.OVERLOADED,
    "timeout_error": R.TIMEOUT,  # Anthropic 504
    "deadline_exceeded": R.TIMEOUT,  # Google status
    "modeltimeoutexception": R.TIMEOUT,  # Bedrock
    "request_timeout": R.TIMEOUT,
    "internalserverexception": R.SERVER_ERROR,  # Bedrock
    "modelerrorexception": R.SERVER_ERROR,
    "modelstreamerrorexception": R.SERVER_ERROR,
}

# --- 2. wording, in order: the first group that matches wins ---------------------------------

# Credit and spend: nothing but money fixes these, whatever the status or code around them.
_QUOTA_TEXT = _rx(
    r"credit balance is too low",
    r"insufficient[_ ](?:credits?|balance|funds|quota)",
    r"balance is (?:insufficient|not enough|too low)",
    r"(?:run|ran|are|is) out of (?:credits?|balance|funds|quota)",
    r"requires more credits",
    r"can only afford",
    r"(?:doesn't|does not|don't|do not) have (?:any |enough )?credits",
    r"used all (?:of )?(?:your |its )?(?:available )?credits",
    r"credits? (?:are |have been )?(?:depleted|exhausted|used up)",
    r"prepayment credits",
    r"credit limit",
    r"spend(?:ing)? (?:limit|cap)",
    r"enforced_spend_limit",
    r"billing[_ ]hard[_ ]limit",
    r"key limit exceeded",
    r"payment[_ ]required",
    r"add or update (?:a |your )?payment method",
    r"invalid_payment_instrument|valid payment instrument",
    r"billing (?:is )?(?:not active|disabled|not enabled)",
    r"requires billing to be enabled|billing to be enabled",
    r"reached your specified api usage limits",
    r"usage limits? (?:has been |have been )?reached",
    r"top up your|recharge your",
)

_KEY_TEXT = _rx(
    r"invalid_api_key",
    r"incorrect api key",
    r"invalid (?:x-)?api[ _-]?(?:key|token)",
    r"api[ _-]?key (?:is )?(?:not valid|invalid|expired|revoked|disabled|not found|deleted)",
    r"api_key_invalid",
    r"api key (?:was )?reported as leaked",
    r"(?:provided|supplied) (?:api )?key is (?:invalid|not valid)",
    r"the api key you provided is invalid",
    r"authentication[_ ](?:error|fails|failed|failure)",
    r"invalid[_ ]authentication",
    r"invalid (?:authentication )?credentials",
    r"invalid (?:bearer |access |auth )?token",
    r"(?:token|credentials?) (?:has |have )?(?:expired|been invalidated|been revoked)",
    r"no auth credentials",
    r"(?:didn't|did not) provide an api key",
    r"(?:no|missing) api[ _-]?key",
    r"api[ _-]?key (?:header )?(?:is )?(?:missing|required)",
    r"x-api-key header is required",
    r"unregistered callers",
    r"unrecognizedclient",
    r"security token included in the request is (?:invalid|expired)",
    r"signature we calculated does not match",
    r"unable to locate credentials",
    r"invalid subscription key",
    r"unauthenticated",
    r"user not found",  # OpenRouter's answer to a deleted key
    r"authorization required",
    r"\bunauthorized\b",
)

# Model existence comes before permissions: "does not exist or you do not have access to it"
# is a model problem, "Project X does not have access to model Y" a permission one.
_MODEL_WORDING = (
    r"\bmodels?\b[^\n]{0,160}?(?:does not exist|doesn't exist|not exists?\b|not found"
    r"|has been decommissioned|has been deprecated|was deprecated|was removed|has been removed"
    r"|is no longer (?:supported|available)|reached the end of its life|as legacy)",
    r"(?:invalid|unknown|unsupported|no such) model",
    r"model identifier is invalid",
    r"no endpoints found for",
    r"deployment for this resource does not exist",
    r"end[ -]of[ -]life",
)
_MODEL_EXISTS_TEXT = _rx(*_MODEL_WORDING)
_MODEL_TEXT = _rx(r"model_not_found|model_decommissioned|deploymentnotfound", *_MODEL_WORDING)

_PERMISSION_TEXT = _rx(
    r"permission[_ ]denied",
    r"(?:does not|doesn't|don't|do not) have (?:the )?(?:required )?permission",
    r"not authorized to",
    r"\bnot allowed to\b",
    r"accessdenied|access denied|access is denied",
    r"(?:does not|doesn't|don't|do not) have access",
    r"country, region, or territory not supported",
    r"unsupported_country",
    r"(?:user )?location is not supported",
    r"not (?:available|supported) in your (?:country|region|location)",
    r"(?:region|country) (?:is )?not supported",
    r"organization must be verified|verify organization",
    r"organization (?:has been |is )?(?:disabled|restricted|suspended|deactivated)",
    r"account (?:has been |is )?(?:disabled|deactivated|restricted|banned)",
    r"public access is disabled",
    r"key based authentication is disabled",
    r"has not been used in project|it is disabled\. enable it",
    r"requests to this api .{0,200}are blocked",
    r"use case details have not been submitted",
    r"is not allowed to use publisher model",
    r"request not allowed",
    r"data policy",
    r"you must be a member of an organization",
)

# Whether a limit is a rate limit: said by any of these.
_LIMIT_TEXT = _rx(
    r"rate[_ -]?limit",
    r"too many (?:requests|tokens)",
    r"throttl",
    r"resource[_ ]exhausted|resource has been exhausted",
    r"wait before trying again",
    r"exceeded your current quota",
    r"quota exceeded",
)
_CAPACITY_TEXT = _rx(
    r"no capacity available",
    r"capacity exceeded",
    r"model_capacity_exhausted",
    r"over capacity|at capacity",
    r"overloaded",
)
_TOO_LARGE_TEXT = _rx(r"request too large", r"reduce your message size")
# A limit that will not clear in seconds: per day or month, zero, or a reset hours away.
_LONG_WINDOW_TEXT = _rx(
    r"per[ _-]?day",
    r"perday",
    r"\bdaily\b",
    r"\b[rt]pd\b",
    r"/ ?day\b",
    r"limit: ?0\b",
    r"per[ _-]?month|permonth|/ ?month\b|monthly",
    r"reset (?:after|in) \d+ ?h",
)
_SHORT_WINDOW_TEXT = _rx(
    r"per[ _-]?min(?:ute)?\b",
    r"perminute",
    r"\b[rt]pm\b|\bitpm\b|\botpm\b",
    r"/ ?min(?:ute)?\b",
    r"per[ _-]?second|persecond|\brps\b",
    r"(?:retry|try again) in \d+(?:\.\d+)?m?s\b",
    r"(?:retry|try again) after \d+ ?(?:s\b|sec)",
)
# Quota wording when nothing says the window (OpenAI's insufficient_quota text, also used by
# Gemini for its per-minute limits, which then name their window).
_QUOTA_DEFAULT_TEXT = _rx(r"exceeded your current quota", r"plan and billing")
_QUOTA_LATE_TEXT = _rx(r"quota (?:exceeded|exhausted)", r"exceeded (?:the |your )?quota")

_CONTEXT_TEXT = _rx(
    r"context_length_exceeded",
    r"context[_ ]window",
    r"maximum context length|context length (?:is |of )?\d|context limit",
    r"prompt is too long|prompt too long|input is too long|too long for (?:the )?requested model",
    r"too many (?:input )?tokens(?:[:;]| in)",
    r"input token count",
    r"maximum prompt length",
    r"maximum number of tokens allowed",
    r"tokens? \+ `?max_new_tokens`? must be",
    r"exceeds? (?:the )?(?:model'?s? )?(?:maximum )?(?:context|token limit|input limit)",
    r"request_too_large|request too large|payload too large|request entity too large",
    r"exceeds the maximum allowed number of bytes",
    r"reduce the length of the messages",
    r"string_above_max_length|string too long",
)

_CONTENT_TEXT = _rx(
    r"content_filter|content[_ ]filtering|content management policy",
    r"content[_ ]policy",
    r"responsibleaipolicyviolation",
    r"safety system|safety (?:settings|filters?|reasons)|blocked (?:due to|for) safety",
    r"prohibited_content|blockreason",
    r"flagged",
    r"violat\w* (?:our |the )?(?:usage|content) (?:policy|policies|guidelines)",
    r"usage guidelines",
    r"output blocked|blocked (?:input|output)",
    r"(?:prompt|response|request|input|content) (?:was |is )?blocked",
    r"moderation",
)

_OVERLOADED_TEXT = _rx(
    r"overloaded",
    r"over capacity|at capacity|capacity exceeded|no capacity available",
    r"service ?unavailable",
    r"temporarily unavailable",
    r"server is busy|servers are busy",
    r"not ready yet|model is not ready|modelnotready",
    r"no (?:available|allowed) providers|no instances available",
)

_SERVER_TEXT = _rx(
    r"internal server error|internal error|internalserver",
    r"server had an error",
    r"bad gateway",
    r"upstream connect error",
    r"invalid response from (?:the )?(?:upstream|provider|model)",
)

_TIMEOUT_TEXT = _rx(
    r"timeout",
    r"timed out",
    r"deadline[_ ](?:exceeded|expired)",
    r"took too long",
)

_NETWORK_TEXT = _rx(
    r"connection (?:error|reset|refused|aborted|closed|lost)",
    r"connecterror|apiconnectionerror|connectionerror",
    r"name resolution|name or service not known|nodename nor servname|getaddrinfo",
    r"failed to resolve|could not resolve host|\bdns\b",
    r"remotedisconnected|server disconnected without",
    r"peer closed connection|incomplete chunked read|connection was closed",
    r"broken pipe|network is unreachable|no route to host",
    r"failed to establish a new connection|could not connect to the endpoint",
    r"certificate verify failed|ssl: |sslerror",
    r"econnreset|econnrefused|enotfound|socket hang up|fetch failed",
)

_BAD_REQUEST_TEXT = _rx(
    r"could not parse the json body|invalid json|malformed",
    r"unrecognized request argument",
    r"is a required property|missing required|field required",
    r"extra inputs are not permitted|unknown (?:parameter|field|name)",
    r"failed to deserialize",
    r"invalid (?:value|type|request|parameter|argument)",
    r"validation error",
    r"roles must alternate|should alternate",
)

# Ordered; the limit decision sits between permission and context (see _by_text).
_EARLY_RULES: tuple[tuple[Reason, re.Pattern[str]], ...] = (
    (R.QUOTA_EXHAUSTED, _QUOTA_TEXT),
    (R.INVALID_KEY, _KEY_TEXT),
    (R.MODEL_NOT_FOUND, _MODEL_TEXT),
    (R.PERMISSION_DENIED, _PERMISSION_TEXT),
)
_LATE_RULES: tuple[tuple[Reason, re.Pattern[str]], ...] = (
    (R.QUOTA_EXHAUSTED, _QUOTA_LATE_TEXT),
    (R.CONTEXT_LENGTH, _CONTEXT_TEXT),
    (R.CONTENT_FILTER, _CONTENT_TEXT),
    (R.OVERLOADED, _OVERLOADED_TEXT),
    (R.TIMEOUT, _TIMEOUT_TEXT),
    (R.NETWORK, _NETWORK_TEXT),
    (R.SERVER_ERROR, _SERVER_TEXT),
    (R.BAD_REQUEST, _BAD_REQUEST_TEXT),
)

# --- 3. generic codes, exception class names, status -----------------------------------------

_GENERIC_CODES: dict[str, Reason] = {
    "invalid_request_error": R.BAD_REQUEST,
    "invalid_argument": R.BAD_REQUEST,
    "failed_precondition": R.BAD_REQUEST,
    "out_of_range": R.BAD_REQUEST,
    "validationexception": R.BAD_REQUEST,
    "badrequest": R.BAD_REQUEST,
    "bad_request": R.BAD_REQUEST,
    "invalid_request": R.BAD_REQUEST,
    "invalid_message": R.BAD_REQUEST,
    "invalidpayload": R.BAD_REQUEST,
    "operationnotsupported": R.BAD_REQUEST,
    "conflictexception": R.BAD_REQUEST,
    "tool_use_failed": R.BAD_REQUEST,
    "client specified an invalid argument": R.BAD_REQUEST,  # xAI (gRPC wording)
    "permission_error": R.PERMISSION_DENIED,
    "permission_denied": R.PERMISSION_DENIED,
    "accessdeniedexception": R.PERMISSION_DENIED,
    "forbidden": R.PERMISSION_DENIED,
    "not_found_error": R.MODEL_NOT_FOUND,
    "not_found": R.MODEL_NOT_FOUND,
    "notfound": R.MODEL_NOT_FOUND,
    "resourcenotfoundexception": R.MODEL_NOT_FOUND,
    "api_error": R.SERVER_ERROR,
    "server_error": R.SERVER_ERROR,
    "internal": R.SERVER_ERROR,
    "internal_server_error": R.SERVER_ERROR,
    "internalservererror": R.SERVER_ERROR,
    "unknown_error": R.SERVER_ERROR,
    "unavailable": R.OVERLOADED,
    "service_unavailable": R.OVERLOADED,
    "cancelled": R.TIMEOUT,
}

_EXCEPTION_NAMES: dict[str, Reason] = {
    # raised without a status: the class is the only fact
    "apitimeouterror": R.TIMEOUT,
    "timeout": R.TIMEOUT,
    "timeouterror": R.TIMEOUT,
    "timeoutexception": R.TIMEOUT,
    "readtimeout": R.TIMEOUT,
    "writetimeout": R.TIMEOUT,
    "pooltimeout": R.TIMEOUT,
    "connecttimeout": R.TIMEOUT,
    "readtimeouterror": R.TIMEOUT,
    "connecttimeouterror": R.TIMEOUT,
    "servertimeouterror": R.TIMEOUT,
    "deadlineexceeded": R.TIMEOUT,
    "apiconnectionerror": R.NETWORK,
    "connecterror": R.NETWORK,
    "connectionerror": R.NETWORK,
    "remoteprotocolerror": R.NETWORK,
    "readerror": R.NETWORK,
    "writeerror": R.NETWORK,
    "networkerror": R.NETWORK,
    "connectionreseterror": R.NETWORK,
    "connectionrefusederror": R.NETWORK,
    "connectionabortederror": R.NETWORK,
    "brokenpipeerror": R.NETWORK,
    "endpointconnectionerror": R.NETWORK,
    "clientconnectorerror": R.NETWORK,
    "clientconnectionerror": R.NETWORK,
    "serverdisconnectederror": R.NETWORK,
    "chunkedencodingerror": R.NETWORK,
    "protocolerror": R.NETWORK,
    "sslerror": R.NETWORK,
    "gaierror": R.NETWORK,
    "serviceunavailable": R.OVERLOADED,  # google.api_core
    "internalservererror": R.SERVER_ERROR,
}

# SDK classes named after the status: used only when the status itself is missing.
_STATUS_CLASS_NAMES: dict[str, Reason] = {
    "authenticationerror": R.INVALID_KEY,
    "unauthorizederror": R.INVALID_KEY,
    "unauthenticated": R.INVALID_KEY,
    "permissiondeniederror": R.PERMISSION_DENIED,
    "forbiddenerror": R.PERMISSION_DENIED,
    "permissiondenied": R.PERMISSION_DENIED,
    "notfounderror": R.MODEL_NOT_FOUND,
    "notfound": R.MODEL_NOT_FOUND,
    "ratelimiterror": R.RATE_LIMITED,
    "toomanyrequestserror": R.RATE_LIMITED,
    "resourceexhausted": R.RATE_LIMITED,
    "badrequesterror": R.BAD_REQUEST,
    "unprocessableentityerror": R.BAD_REQUEST,
    "invalidargument": R.BAD_REQUEST,
    "overloadederror": R.OVERLOADED,
    "serviceunavailableerror": R.OVERLOADED,
    "apistatuserror": R.UNKNOWN,
}

_STATUS_RULES: dict[int, Reason] = {
    401: R.INVALID_KEY,
    402: R.QUOTA_EXHAUSTED,
    403: R.PERMISSION_DENIED,
    404: R.MODEL_NOT_FOUND,
    408: R.TIMEOUT,
    413: R.CONTEXT_LENGTH,
    429: R.RATE_LIMITED,
    502: R.SERVER_ERROR,
    503: R.OVERLOADED,
    504: R.TIMEOUT,
    522: R.TIMEOUT,  # Cloudflare: connection to the origin timed out
    524: R.TIMEOUT,  # Cloudflare: the origin did not answer in time
    529: R.OVERLOADED,  # Anthropic's overloaded_error
}

# Statuses one provider gives its own meaning.
_PROVIDER_STATUS: dict[tuple[str, int], Reason] = {
    ("groq", 498): R.OVERLOADED,  # Flex Tier Capacity Exceeded
    ("cohere", 498): R.CONTENT_FILTER,  # blocked input or output
}

_STATUS_IN_TEXT = re.compile(r"(?i)\b(?:error code|status(?: code)?|http)[:= ]+([45]\d\d)\b")
_LITELLM_CLASS = re.compile(r"litellm\.(\w+)")
_GEMINI_BLOCK_FINISH = frozenset(
    {"safety", "prohibited_content", "blocklist", "spii", "recitation", "image_safety"}
)


def classify(
    status_code: int | None,
    error_type: str | None = None,
    error_code: str | None = None,
    error_message: str | None = None,
    *,
    provider: str | None = None,
    body: Mapping[str, Any] | list[Any] | str | None = None,
) -> Classification:
    """The reason for one failure, from whatever the provider and SDK told us."""
    facts = _Facts()
    if body is not None:
        _read_body(body, facts)
    if error_code:
        facts.code(error_code, 0)
    if error_type:
        facts.code(error_type, 0, as_text=False)  # a class name, not wording
    if error_message:
        facts.texts.append(error_message)
    status = status_code if status_code is not None else facts.status
    if status is None and error_message:
        # Only the message survived: "Error code: 429 - {...}", "Status: 429".
        match = _STATUS_IN_TEXT.search(error_message)
        status = int(match.group(1)) if match else None
    reason = _decide(facts, status, error_type, (provider or "").lower())
    return Classification(
        reason=reason,
        user_actionable=reason in USER_ACTIONABLE,
        retryable=reason in RETRYABLE,
        fingerprint=unknown_fingerprint(status_code, error_type, error_code, error_message)
        if reason is Reason.UNKNOWN
        else None,
    )


class _Facts:
    """Codes (with their depth: deeper is closer to the provider) and wording."""

    __slots__ = ("codes", "status", "texts")

    def __init__(self) -> None:
        self.codes: list[tuple[int, str]] = []
        self.texts: list[str] = []
        self.status: int | None = None

    def code(self, value: object, depth: int, *, as_text: bool = True) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int):
            self.status_at(value)
            return
        if not isinstance(value, str) or not value:
            return
        if value.isdigit():  # Azure's "429", LiteLLM's "400": the status again
            self.status_at(int(value))
            return
        self.codes.append((depth, value.strip().lower()))
        if as_text:
            self.texts.append(value)

    def status_at(self, value: int) -> None:
        if 400 <= value <= 599:
            self.status = value  # the last read is the innermost


# Wording that names the key itself (not any token): what a 400 needs to invalidate a key.
_NAMES_THE_KEY = _rx(
    r"api[ _-]?key",
    r"x-api-key",
    r"security token included in the request",
    r"signature we calculated does not match",
    r"unregistered callers",
)


def _decide(facts: _Facts, status: int | None, error_type: str | None, provider: str) -> Reason:
    reason = _decide_reason(facts, status, error_type, provider)
    if reason is Reason.INVALID_KEY and not _credential_signal(facts, status, error_type):
        # One gateway blip must not take every key of a provider away: a 5xx, or a 400 that
        # only mentions a token, is not a verdict on the key.
        if status is not None and status >= 500:
            return _by_status(status) or Reason.SERVER_ERROR
        return Reason.BAD_REQUEST if status is not None else Reason.UNKNOWN
    return reason


def _credential_signal(facts: _Facts, status: int | None, error_type: str | None) -> bool:
    """An unambiguous sign that the key is wrong: never under a 5xx; else a credential code
    from the innermost structured error, an SDK's authentication error class, a 401 or 403,
    or wording that names the key."""
    if status is not None and status >= 500:
        return False
    innermost = next(
        (
            found
            for _, c in sorted(facts.codes, key=lambda dc: -dc[0])
            if (found := _SPECIFIC_CODES.get(c)) is not None
        ),
        None,
    )
    if innermost is Reason.INVALID_KEY:
        return True
    name = (error_type or "").rsplit(".", 1)[-1].lower()
    if _EXCEPTION_NAMES.get(name) is Reason.INVALID_KEY:
        return True
    if status in (401, 403):
        return True
    return bool(_NAMES_THE_KEY.search(" ".join(facts.texts).lower()))


def _decide_reason(
    facts: _Facts, status: int | None, error_type: str | None, provider: str
) -> Reason:
    codes = [c for _, c in sorted(facts.codes, key=lambda dc: -dc[0])]
    text = " ".join(facts.texts).lower()
    for name in _LITELLM_CLASS.findall(text):
        codes.append(name.lower())
    if "litellm." in text:
        # LiteLLM prefixes the provider's text with its own class names, which say little.
        text = _LITELLM_CLASS.sub(" ", text)

    for code in codes:
        found = _SPECIFIC_CODES.get(code)
        if found is None:
            continue
        if found == _LIMIT:
            return _limit_reason(text, Reason.RATE_LIMITED)
        assert isinstance(found, Reason)
        return _refine(found, text)

    by_text = _by_text(text, status, codes)
    if by_text is not None:
        return by_text

    for code in codes:
        if code in _GENERIC_CODES:
            return _GENERIC_CODES[code]
    for code in codes:
        if code in _EXCEPTION_NAMES:
            return _EXCEPTION_NAMES[code]
    if status is not None:
        special = _PROVIDER_STATUS.get((provider, status))
        if special is not None:
            return special
        by_status = _by_status(status)
        if by_status is not None:
            return by_status
    name = (error_type or "").rsplit(".", 1)[-1].lower()
    return _STATUS_CLASS_NAMES.get(name, Reason.UNKNOWN)


def _refine(reason: Reason, text: str) -> Reason:
    """A specific code, unless the wording says the key's owner must do something else."""
    # OpenAI answers "Project X does not have access to model Y" with model_not_found.
    if (
        reason is Reason.MODEL_NOT_FOUND
        and not _MODEL_EXISTS_TEXT.search(text)
        and _PERMISSION_TEXT.search(text)
    ):
        return Reason.PERMISSION_DENIED
    # Bedrock's ServiceQuotaExceededException also covers per-minute token quotas.
    if (
        reason is Reason.QUOTA_EXHAUSTED
        and not _QUOTA_TEXT.search(text)
        and _SHORT_WINDOW_TEXT.search(text)
        and not _LONG_WINDOW_TEXT.search(text)
    ):
        return Reason.RATE_LIMITED
    return reason


def _limit_reason(text: str, default: Reason) -> Reason:
    """A limit was hit: an overload, a quota (long window, zero, money) or a rate limit."""
    if _QUOTA_TEXT.search(text):
        return Reason.QUOTA_EXHAUSTED
    if _CAPACITY_TEXT.search(text):
        return Reason.OVERLOADED
    if _TOO_LARGE_TEXT.search(text):
        # Groq's 413 "Request too large ... on tokens per minute": no wait makes it fit.
        return Reason.CONTEXT_LENGTH
    if _LONG_WINDOW_TEXT.search(text):
        return Reason.QUOTA_EXHAUSTED
    if _SHORT_WINDOW_TEXT.search(text):
        return Reason.RATE_LIMITED
    if _QUOTA_DEFAULT_TEXT.search(text):
        return Reason.QUOTA_EXHAUSTED
    return default


def _by_text(text: str, status: int | None, codes: list[str]) -> Reason | None:
    if not text:
        return None
    for reason, pattern in _EARLY_RULES:
        if pattern.search(text):
            return reason
    # A limit phrase inside a context-length message ("too many tokens: ...") is not a limit.
    limit_hint = any(_SPECIFIC_CODES.get(c) == _LIMIT for c in codes) or status == 429
    if limit_hint or (_LIMIT_TEXT.search(text) and not _CONTEXT_TEXT.search(text)):
        default = Reason.RATE_LIMITED if status in (None, 429) else _status_or_rate(status)
        return _limit_reason(text, default)
    for reason, pattern in _LATE_RULES:
        if pattern.search(text):
            return reason
    return None


def _status_or_rate(status: int) -> Reason:
    # A limit phrase under a 5xx (Mistral's capacity 503) is the provider's, not the key's.
    if status >= 500:
        return Reason.OVERLOADED
    return Reason.RATE_LIMITED


def _by_status(status: int) -> Reason | None:
    if status in _STATUS_RULES:
        return _STATUS_RULES[status]
    if 500 <= status <= 599:
        return Reason.SERVER_ERROR
    if 400 <= status <= 499:
        return Reason.BAD_REQUEST
    return None


# --- reading a body ----------------------------------------------------------------------------

_RAW_DEPTH_BONUS = 16  # an upstream error kept by a gateway is closer to the provider
_MAX_DEPTH = 3 * _RAW_DEPTH_BONUS  # room for two gateways, each a few levels deep

_CODE_KEYS = ("type", "code", "status", "reason", "error_code", "errorCode", "type_", "__type")
_TEXT_KEYS = ("message", "Message", "msg", "detail", "error_description", "errorMessage")
_NESTED_KEYS = (
    "details",
    "innererror",
    "errors",
    "violations",
    "provider_specific_fields",
    "Error",
)


def _read_body(body: object, facts: _Facts) -> None:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        parsed = _parse_json(body)
        if parsed is None:
            facts.texts.append(body)
            return
        body = parsed
    _walk(body, facts, 0)


def _parse_json(raw: str) -> object:
    stripped = raw.strip()
    if stripped[:1] not in ("{", "["):
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None


def _walk(node: object, facts: _Facts, depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node[:8]:
            _walk(item, facts, depth + 1)
        return
    if not isinstance(node, Mapping):
        return
    for key in _CODE_KEYS:
        value = node.get(key)
        if key == "type" and value == "error":  # Anthropic's envelope
            continue
        if key == "__type" and isinstance(value, str):  # AWS JSON: "prefix#ThrottlingException"
            value = re.split(r"[#:]", value)[-1] if "#" in value else value.split(":")[0]
        if isinstance(value, str) and len(value) > 200:
            continue
        facts.code(value, depth)
    for key in _TEXT_KEYS:
        value = node.get(key)
        if isinstance(value, str):
            facts.texts.append(value)
        elif isinstance(value, Mapping | list):  # Mistral's 422, FastAPI's detail list
            _walk(value, facts, depth + 1)
            facts.texts.append(str(value))
    for key in ("quotaId", "quotaMetric", "retryDelay", "description", "domain"):
        value = node.get(key)
        if isinstance(value, str):
            facts.texts.append(value)
    error = node.get("error")
    if isinstance(error, str):  # xAI {"code": ..., "error": "..."}, plain {"error": "..."}
        facts.texts.append(error)
    elif error is not None:
        _walk(error, facts, depth + 1)
    for key in _NESTED_KEYS:
        value = node.get(key)
        if isinstance(value, Mapping | list):
            _walk(value, facts, depth + 1)
    if "ResponseMetadata" in node:  # botocore ClientError.response
        meta = node.get("ResponseMetadata")
        if isinstance(meta, Mapping):
            facts.code(meta.get("HTTPStatusCode"), depth)
    for key, value in node.items():  # Bedrock stream events: {"throttlingException": {...}}
        if isinstance(key, str) and key.endswith("Exception") and isinstance(value, Mapping):
            facts.code(key, depth + 1)
            _walk(value, facts, depth + 1)
    _read_gateway(node, facts, depth)
    _read_blocks(node, facts, depth)


def _read_gateway(node: Mapping[str, Any], facts: _Facts, depth: int) -> None:
    """OpenRouter keeps the upstream error in metadata.raw, sometimes as a JSON string."""
    metadata = node.get("metadata")
    if not isinstance(metadata, Mapping):
        return
    if "flagged_input" in metadata or "reasons" in metadata:  # moderation
        facts.code("moderation_blocked", depth + 1)
    raw = metadata.get("raw")
    inner = depth + _RAW_DEPTH_BONUS
    if isinstance(raw, Mapping):
        data = raw.get("data")  # {"__kind": "OK", "data": "<json>"}
        if isinstance(data, str):
            raw = data
        else:
            _walk(raw, facts, inner)
            return
    if isinstance(raw, str):
        parsed = _parse_json(raw)
        if parsed is None:
            facts.texts.append(raw)
        else:
            _walk(parsed, facts, inner)


def _read_blocks(node: Mapping[str, Any], facts: _Facts, depth: int) -> None:
    """A 200 whose content was withheld: Gemini blockReason/finishReason, OpenAI finish_reason."""
    feedback = node.get("promptFeedback")
    if isinstance(feedback, Mapping) and feedback.get("blockReason"):
        facts.code("content_filter", depth + 1)
        facts.texts.append(str(feedback.get("blockReason")))
    for key in ("candidates", "choices"):
        items = node.get(key)
        if not isinstance(items, list):
            continue
        for item in items[:4]:
            if not isinstance(item, Mapping):
                continue
            finish = item.get("finishReason") or item.get("finish_reason")
            if not isinstance(finish, str):
                continue
            finish = finish.lower()
            if finish in _GEMINI_BLOCK_FINISH or finish == "content_filter":
                facts.code("content_filter", depth + 1)


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
