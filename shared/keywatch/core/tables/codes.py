"""The codes keywatch reads across providers, kept by hand: specific codes, generic codes,
exception class names and statuses.

Each provider's own published table is transcribed whole in the modules beside this one
(platforms, gateways, china, hosts, transport); this module holds the shared vocabulary that
no single table owns: the codes many providers and SDKs use alike, and what each means for the
key's owner. core/classify.py reads them in the order docs/classification.md gives.
"""

from __future__ import annotations

from keywatch.core.reasons import Reason

R = Reason

# A limit code: rate limit, quota or overload, decided by the wording (see core/classify.py).
LIMIT = "limit"

# --- specific structured codes (lower-cased, exact) -------------------------------------------

SPECIFIC_CODES: dict[str, Reason | str] = {
    # credentials
    "invalid_api_key": R.INVALID_KEY,
    "api_key_invalid": R.INVALID_KEY,  # Gemini ErrorInfo.reason, with a 400
    "api_key_expired": R.INVALID_KEY,
    "authentication_error": R.INVALID_KEY,  # Anthropic error.type
    "invalid_authentication": R.INVALID_KEY,
    "unauthenticated": R.INVALID_KEY,  # Google status
    "access_token_expired": R.INVALID_KEY,
    "token_expired": R.INVALID_KEY,  # OpenAI's OAuth sign-in (ChatGPT accounts)
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
    "rate_limit_exceeded": LIMIT,
    "rate_limit_error": LIMIT,
    "rate_limited": LIMIT,
    "ratelimitexceeded": LIMIT,
    "resource_exhausted": LIMIT,
    "throttlingexception": LIMIT,
    "toomanyrequestsexception": LIMIT,
    "too_many_requests": LIMIT,
    "tokens": LIMIT,  # Groq error.type of a token limit
    "requests": LIMIT,
    "ratelimit_exceeded": LIMIT,
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
    "invalidtokenerror": R.INVALID_KEY,  # erniebot (Baidu AI Studio): the access token
    "wrong_api_key": R.INVALID_KEY,  # Cerebras
    "queue_exceeded": LIMIT,  # Cerebras: its own queue is full ("high traffic")
    "dedicated_endpoint_not_running": R.MODEL_NOT_FOUND,  # Together
    "tokens_too_long": R.CONTEXT_LENGTH,  # Baidu Qianfan v2
    "characters_too_long": R.CONTEXT_LENGTH,
}

# --- generic codes, exception class names, status --------------------------------------------

GENERIC_CODES: dict[str, Reason] = {
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

EXCEPTION_NAMES: dict[str, Reason] = {
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
    "asyncenginedeaderror": R.SERVER_ERROR,  # vLLM: its engine loop died
    "enginedeaderror": R.SERVER_ERROR,
    "serviceunavailable": R.OVERLOADED,  # google.api_core
    "internalservererror": R.SERVER_ERROR,
}

# SDK classes named after the status: used only when the status itself is missing.
STATUS_CLASS_NAMES: dict[str, Reason] = {
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

STATUS_RULES: dict[int, Reason] = {
    401: R.INVALID_KEY,
    402: R.QUOTA_EXHAUSTED,
    403: R.PERMISSION_DENIED,
    404: R.MODEL_NOT_FOUND,
    407: R.NETWORK,  # Proxy Authentication Required: the caller's proxy, not the provider
    408: R.TIMEOUT,
    413: R.BAD_REQUEST,  # Payload Too Large: bytes (a token limit says so in its words)
    429: R.RATE_LIMITED,
    502: R.SERVER_ERROR,
    503: R.OVERLOADED,
    504: R.TIMEOUT,
    522: R.TIMEOUT,  # Cloudflare: connection to the origin timed out
    524: R.TIMEOUT,  # Cloudflare: the origin did not answer in time
    424: R.SERVER_ERROR,  # TGI: the generation failed on a shard (Failed Dependency)
    529: R.OVERLOADED,  # Anthropic's overloaded_error
}

GATEWAY_TIMEOUTS = frozenset({504, 522, 524})

# Statuses one provider gives its own meaning.
PROVIDER_STATUS: dict[tuple[str, int], Reason] = {
    ("groq", 498): R.OVERLOADED,  # Flex Tier Capacity Exceeded
    ("cohere", 498): R.CONTENT_FILTER,  # blocked input or output
}

# Codes one provider gives its own meaning, read before the shared table.
PROVIDER_CODES: dict[tuple[str, str], Reason] = {
    # DashScope's OpenAI-compatible mode answers its per-minute token limit (TPM) with 429
    # `insufficient_quota` and OpenAI's billing text; it clears within the minute
    # (https://help.aliyun.com/zh/model-studio/error-code, 429 insufficient_quota).
    ("dashscope", "insufficient_quota"): R.RATE_LIMITED,
    # SambaNova's 429 `insufficient_quota` is its tier's rate limit: its error-code table
    # says "Rate limit exceeded" (as mirrored in api-evangelist/sambanova-systems,
    # errors/sambanova-systems-error-codes.yml).
    ("sambanova", "insufficient_quota"): R.RATE_LIMITED,
}
# Names a provider goes by, to the one its rules are keyed on.
PROVIDER_FAMILY = {
    "qwen": "dashscope",
    "alibaba": "dashscope",
    "aliyun": "dashscope",
    "bailian": "dashscope",
    "modelstudio": "dashscope",
    "model_studio": "dashscope",
}
