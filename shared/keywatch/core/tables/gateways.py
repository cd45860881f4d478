# ruff: noqa: RUF001  (the Chinese relays' messages keep their full-width punctuation verbatim)
"""Error tables of the gateways and relays that sit between a caller and the model providers.

OpenRouter (its HTTP statuses, its typed `error_type` vocabulary and its model-availability
codes), the LiteLLM proxy and SDK (the proxy's `ProxyErrorTypes`, its fixed messages and the SDK's
exception classes), Portkey, the Vercel AI Gateway (the error types of its client,
`@ai-sdk/gateway`), Cloudflare Workers AI and the Cloudflare AI Gateway, and the Chinese relays
one-api, new-api and sub2api (their relay error codes, error types and fixed messages, Chinese
kept as the relay prints it). Each table is one published source, transcribed whole, with its URL;
where a gateway publishes no table, the table is read from the gateway's own source file and says
so in its note.
"""

from __future__ import annotations

from keywatch.core.reasons import Reason as R
from keywatch.core.tables._types import By, Code, ErrorTable

# ---------------------------------------------------------------------------------------------
# OpenRouter. Read from the docs repository's markdown (OpenRouterTeam/docs,
# api_reference/errors-and-debugging.mdx, commit c26125a of 2026-08-22), which is the page served
# at the URL below. https://openrouter.ai/docs/api-reference/errors holds an older copy of the
# status list (its 403 is only 'Your chosen model requires moderation and your input was
# flagged').
# Not transcribed: the `error.metadata.limit_source` values of 402/403 budget refusals
# (openrouter_credits, openrouter_key_limit, openrouter_in_flight_budget,
# openrouter_guardrail_budget, openrouter_workspace_budget). They appear on the newest limits page,
# which could only be seen through third-party summaries and search excerpts; the docs repository
# snapshot's api_reference/limits.mdx does not have them.
# ---------------------------------------------------------------------------------------------
_OPENROUTER_PAGE = "https://openrouter.ai/docs/api/reference/errors-and-debugging"

OPENROUTER_STATUS = ErrorTable(
    provider="openrouter",
    aliases=("open_router", "open-router"),
    source=_OPENROUTER_PAGE,
    field="HTTP status",
    note="error.code in the body repeats the status. Section 'Error codes'.",
    codes=(
        Code(
            "400",
            R.BAD_REQUEST,
            400,
            "Bad Request (invalid or missing params, CORS)",
            By.WORDING,
        ),
        Code(
            "401",
            R.INVALID_KEY,
            401,
            "Invalid credentials (OAuth session expired, disabled/invalid API key)",
        ),
        Code(
            "402",
            R.QUOTA_EXHAUSTED,
            402,
            "Your account or API key has insufficient credits. Add more credits and retry the"
            " request.",
        ),
        Code(
            "403",
            R.PERMISSION_DENIED,
            403,
            "Forbidden (insufficient permissions, guardrail block, or moderation flag)",
            By.WORDING,
            note="Three causes share the status: a moderation flag or guardrail block is"
            " content_filter, a key or guardrail budget is quota_exhausted; the wording decides.",
        ),
        Code("408", R.TIMEOUT, 408, "Your request timed out"),
        Code("429", R.RATE_LIMITED, 429, "You are being rate limited", By.WINDOW),
        Code(
            "502",
            R.SERVER_ERROR,
            502,
            "Your chosen model is down or we received an invalid response from it",
        ),
        Code(
            "503",
            R.MODEL_NOT_FOUND,
            503,
            "There is no available model provider that meets your routing requirements",
            By.WORDING,
            note="The documented meaning is routing (no provider serves the model under the"
            " request's preferences), so model_not_found; the same status carries"
            " provider_overloaded and availability temporarily_unavailable, which the wording"
            " or the typed code turns into overloaded.",
        ),
    ),
)

OPENROUTER_ERROR_TYPE = ErrorTable(
    provider="openrouter",
    aliases=("open_router", "open-router"),
    source=_OPENROUTER_PAGE,
    field="error.metadata.error_type",
    note="Section 'Typed error codes'. Also at error.error_type on the Anthropic Messages skin and"
    " at the response's top-level error_type on the Responses skin; error.metadata.provider_code"
    " carries the upstream's own code (omitted on 500s). The skins' remapped native codes"
    " (invalid_prompt, server_error, billing_error, api_error, ...) are the skins' vocabularies,"
    " not OpenRouter's, and are not repeated here.",
    codes=(
        # Token and length limits
        Code(
            "context_length_exceeded",
            R.CONTEXT_LENGTH,
            400,
            "The combined input and output tokens exceed the model's context window.",
        ),
        Code(
            "max_tokens_exceeded",
            R.BAD_REQUEST,
            400,
            "Generation stopped because max_tokens (or max_completion_tokens) was reached.",
            note="The output cap the caller set was reached: fixed by the request, not the key."
            " The Responses skin turns it into a success with finish_reason length.",
        ),
        Code(
            "token_limit_exceeded",
            R.QUOTA_EXHAUSTED,
            400,
            "A token budget enforced by OpenRouter (e.g. credit-based cap) was exceeded.",
            By.WORDING,
            note="The page's example is a credit-based cap, so money is the remedy; a length"
            " wording can still make it context_length.",
        ),
        Code(
            "string_too_long",
            R.BAD_REQUEST,
            400,
            "A single string field in the request (system prompt, user message, etc.) exceeded"
            " the provider's per-field character limit.",
            note="A per-field size limit in characters, not the context window: bad_request.",
        ),
        # Authentication and authorization
        Code(
            "authentication",
            R.INVALID_KEY,
            401,
            "The API key is missing, invalid, or revoked.",
        ),
        Code(
            "permission_denied",
            R.PERMISSION_DENIED,
            403,
            "The key is valid but lacks the required permission or the request was blocked by a"
            " guardrail.",
            By.WORDING,
            note="A guardrail block (content) or a guardrail budget (money) also comes as this"
            " type; the wording decides.",
        ),
        Code(
            "payment_required",
            R.QUOTA_EXHAUSTED,
            402,
            "The account or API key has insufficient credits. Add credits and retry.",
        ),
        # Rate limiting and availability
        Code(
            "rate_limit_exceeded",
            R.RATE_LIMITED,
            429,
            "Request- or token-level rate limit hit. Respect the Retry-After header before"
            " retrying.",
            By.WINDOW,
            note="Also carries availability code capacity_exhausted (every provider at capacity),"
            " which is overloaded.",
        ),
        Code(
            "provider_overloaded",
            R.OVERLOADED,
            503,
            "The upstream provider is temporarily overloaded. Retry after a short delay.",
        ),
        Code(
            "provider_unavailable",
            R.SERVER_ERROR,
            502,
            "The upstream provider returned an invalid or empty response.",
        ),
        # Request validation
        Code(
            "invalid_request",
            R.BAD_REQUEST,
            400,
            "A request parameter is malformed or missing.",
            By.WORDING,
            note="Also the error_type of availability codes model_not_found and wrong_endpoint.",
        ),
        Code(
            "invalid_prompt",
            R.BAD_REQUEST,
            400,
            "A specific message in the messages array is invalid (e.g. unsupported role, empty"
            " content).",
        ),
        Code(
            "not_found",
            R.MODEL_NOT_FOUND,
            404,
            "The requested resource (model, file, etc.) does not exist.",
            By.WORDING,
            note="Mostly a model (availability codes no_endpoints, model_deprecated, ...); a file"
            " or other resource is bad_request by its wording.",
        ),
        Code(
            "precondition_failed",
            R.BAD_REQUEST,
            412,
            "A precondition header (e.g. If-Match) was not satisfied.",
        ),
        Code(
            "payload_too_large",
            R.BAD_REQUEST,
            413,
            "The request body exceeds the maximum allowed size.",
        ),
        Code(
            "unprocessable",
            R.BAD_REQUEST,
            422,
            "The request is syntactically valid but semantically unprocessable.",
            By.WORDING,
        ),
        # Content policy
        Code(
            "content_policy_violation",
            R.CONTENT_FILTER,
            400,
            "The input or output was flagged by a content filter (provider- or OpenRouter-level).",
        ),
        Code(
            "refusal",
            R.CONTENT_FILTER,
            400,
            "The model explicitly refused to comply with the request (e.g. safety refusal).",
            note="A safety refusal by the model itself: the remedy is the content, as for a"
            " filter.",
        ),
        # Image errors
        Code(
            "invalid_image",
            R.BAD_REQUEST,
            400,
            "An image in the request is corrupt or unreadable.",
        ),
        Code(
            "image_too_large",
            R.BAD_REQUEST,
            400,
            "An image exceeds the provider's maximum file size or pixel dimensions.",
        ),
        Code(
            "image_too_small",
            R.BAD_REQUEST,
            400,
            "An image is below the provider's minimum pixel dimensions.",
        ),
        Code(
            "unsupported_image_format",
            R.BAD_REQUEST,
            400,
            "The image format is not supported by the provider.",
        ),
        Code(
            "image_not_found",
            R.BAD_REQUEST,
            404,
            "The referenced image URL or file ID could not be resolved.",
            note="A resource named in the request, not the model: bad_request.",
        ),
        Code(
            "image_download_failed",
            R.BAD_REQUEST,
            400,
            "OpenRouter could not download the image from the provided URL (DNS failure,"
            " timeout, non-200 response, etc.).",
            note="The URL in the request is what fails, not the call to OpenRouter.",
        ),
        # Generic
        Code(
            "server",
            R.SERVER_ERROR,
            500,
            "An unexpected internal error. The upstream error message is masked on this type.",
        ),
        Code(
            "timeout",
            R.TIMEOUT,
            504,
            "The provider did not respond within the allowed time.",
        ),
        Code(
            "unmapped",
            R.SERVER_ERROR,
            500,
            "An upstream error that doesn't map to any known category.",
            By.WORDING,
            note="error.metadata.provider_code may hold the upstream's code, which decides.",
        ),
    ),
)

OPENROUTER_AVAILABILITY = ErrorTable(
    provider="openrouter",
    aliases=("open_router", "open-router"),
    source=_OPENROUTER_PAGE,
    field="error.availability.code",
    note="Section 'Model availability errors', table 'Availability codes'. The object is additive:"
    " error_type and the status keep their values.",
    codes=(
        Code(
            "model_not_found",
            R.MODEL_NOT_FOUND,
            400,
            "The model id is unknown or invalid.",
        ),
        Code(
            "wrong_endpoint",
            R.BAD_REQUEST,
            400,
            "The model exists but was called on the wrong endpoint (e.g. an embedding model on"
            " /chat/completions).",
            note="A wrong path for the model: bad_request, the model exists.",
        ),
        Code(
            "no_endpoints",
            R.MODEL_NOT_FOUND,
            404,
            "The model exists but has zero routable endpoints (none configured, all"
            " disabled/hidden, or all removed by your provider preferences).",
        ),
        Code(
            "model_deprecated",
            R.MODEL_NOT_FOUND,
            404,
            "The model was deprecated or removed (sunset models, ended stealth alphas).",
        ),
        Code(
            "model_unavailable_upstream",
            R.MODEL_NOT_FOUND,
            404,
            "Every endpoint for the model returns 404 upstream — the provider removed it.",
        ),
        Code(
            "capacity_exhausted",
            R.OVERLOADED,
            429,
            "All providers for the model are at capacity (all attempts returned 429).",
            note="Comes with error_type rate_limit_exceeded and status 429, but the page says the"
            " providers are at capacity, not that the caller sent too much: overloaded.",
        ),
        Code(
            "temporarily_unavailable",
            R.OVERLOADED,
            503,
            "All attempts failed with transient upstream 5xx responses or timeouts.",
        ),
        Code(
            "region_restricted",
            R.PERMISSION_DENIED,
            403,
            "The model is geo-gated and not available in your region.",
        ),
        Code(
            "privacy_restricted",
            R.PERMISSION_DENIED,
            404,
            "Your data-policy preferences (ZDR, training opt-out, free-model publication)"
            " eliminated every endpoint.",
            note="Fixed in the account's privacy settings, not in the request: permission_denied"
            " (model not enabled for this account) rather than model_not_found.",
        ),
        Code(
            "constraint_filtered",
            R.BAD_REQUEST,
            404,
            "A routing constraint — max price, context length, require_parameters,"
            " quantization, data region — eliminated every endpoint.",
            note="The constraints are request parameters (provider routing preferences), so the"
            " request is what to change.",
        ),
        Code(
            "free_variant_ended",
            R.MODEL_NOT_FOUND,
            404,
            "The :free variant's promotion ended; only paid endpoints remain.",
            note="The :free slug is retired; the paid slug is another model id. Not a quota: the"
            " account's money does not bring the free slug back.",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# LiteLLM. The proxy publishes no table of its error.type values; they are the enum
# ProxyErrorTypes in litellm/proxy/_types.py (read at commit 00025c8). The docs pages
# https://docs.litellm.ai/docs/proxy/error_reference and .../proxy/budget_exceeded_errors could
# only be read in search excerpts (budget_exceeded answers 422 by default, configurable with
# litellm_settings.budget_exceeded_status_code; older releases answered 400 or 429).
# ---------------------------------------------------------------------------------------------
_LITELLM_TYPES = "https://github.com/BerriAI/litellm/blob/main/litellm/proxy/_types.py"

LITELLM_PROXY_ERROR_TYPES = ErrorTable(
    provider="litellm",
    aliases=("litellm_proxy", "litellm-proxy"),
    source=_LITELLM_TYPES,
    field="error.type",
    note="Enum ProxyErrorTypes, every member, with its docstring as the message. Statuses vary"
    " by release and setting and the enum gives none. Provider errors passed through carry the"
    " provider's type (invalid_request_error, throttling_error, ...) instead.",
    codes=(
        Code(
            "budget_exceeded",
            R.QUOTA_EXHAUSTED,
            message="Object was over budget",
            note="Key, team, user, end user, organisation, tag or global proxy budget"
            " ('Budget has been exceeded!', 'ExceededBudget: ... over budget'): money or an admin"
            " raising max_budget is the remedy, whatever the status.",
        ),
        Code("no_db_connection", R.SERVER_ERROR, message="No database connection"),
        Code(
            "token_not_found_in_db",
            R.INVALID_KEY,
            message="Requested token was not found in the database",
        ),
        Code(
            "key_model_access_denied",
            R.PERMISSION_DENIED,
            message="Key does not have access to the model",
        ),
        Code(
            "team_model_access_denied",
            R.PERMISSION_DENIED,
            message="Team does not have access to the model",
        ),
        Code(
            "user_model_access_denied",
            R.PERMISSION_DENIED,
            message="User does not have access to the model",
        ),
        Code(
            "org_model_access_denied",
            R.PERMISSION_DENIED,
            message="Organization does not have access to the model",
        ),
        Code(
            "project_model_access_denied",
            R.PERMISSION_DENIED,
            message="Project does not have access to the model",
        ),
        Code("expired_key", R.INVALID_KEY, message="Key has expired"),
        Code(
            "auth_error",
            R.INVALID_KEY,
            message="General authentication error",
            by=By.WORDING,
            note="Generic: the proxy also raises blocked keys, IP and route restrictions and, in"
            " some releases, end-user budgets ('ExceededBudget: End User=...') with this type;"
            " the wording decides.",
        ),
        Code("internal_server_error", R.SERVER_ERROR, message="Internal server error"),
        Code("bad_request_error", R.BAD_REQUEST, message="Bad request error", by=By.WORDING),
        Code("not_found_error", R.MODEL_NOT_FOUND, message="Not found error", by=By.WORDING),
        Code("validation_error", R.BAD_REQUEST, message="Validation error"),
        Code("cache_ping_error", R.SERVER_ERROR, message="Cache ping error"),
        Code(
            "team_member_permission_error",
            R.PERMISSION_DENIED,
            message="Team member permission error",
        ),
        Code(
            "key_vector_store_access_denied",
            R.PERMISSION_DENIED,
            message="Key does not have access to the vector store",
        ),
        Code(
            "team_vector_store_access_denied",
            R.PERMISSION_DENIED,
            message="Team does not have access to the vector store",
        ),
        Code(
            "org_vector_store_access_denied",
            R.PERMISSION_DENIED,
            message="Organization does not have access to the vector store",
        ),
        Code(
            "team_member_already_in_team",
            R.BAD_REQUEST,
            message="Team member is already in team",
            note="A management-API answer, never an LLM call's.",
        ),
        Code(
            "tool_access_denied",
            R.PERMISSION_DENIED,
            message="Tool is not in the allowed tools list for this key/team",
            note="The key is recognised but its allowlist bars the tool: permission_denied,"
            " though dropping the tool from the request also clears it.",
        ),
    ),
)

LITELLM_COMMON_PROXY_ERRORS = ErrorTable(
    provider="litellm",
    aliases=("litellm_proxy", "litellm-proxy"),
    source=_LITELLM_TYPES,
    field="error.message",
    note="Enum CommonProxyErrors: the proxy's fixed messages, matched as literals in the text.",
    codes=(
        Code(
            "DB not connected. See https://docs.litellm.ai/docs/proxy/virtual_keys",
            R.SERVER_ERROR,
            message="db_not_connected_error",
        ),
        Code(
            "No models configured on proxy",
            R.MODEL_NOT_FOUND,
            message="no_llm_router",
            note="The proxy serves no model at all: nothing the caller names exists there.",
        ),
        Code(
            "Admin-only endpoint. Not allowed to access this.",
            R.PERMISSION_DENIED,
            message="not_allowed_access",
        ),
        Code(
            "You must be a LiteLLM Enterprise user to use this feature.",
            R.PERMISSION_DENIED,
            message="not_premium_user (message starts so, then names LITELLM_LICENSE)",
            note="A licence the proxy's operator lacks, not the caller's money: the feature is"
            " not enabled for this deployment.",
        ),
        Code(
            "Crossed TPM / RPM / Max Parallel Request Limit",
            R.RATE_LIMITED,
            message="max_parallel_request_limit_reached",
            by=By.WINDOW,
        ),
        Code(
            "Missing litellm-enterprise package.",
            R.SERVER_ERROR,
            message="missing_enterprise_package (message starts so)",
            note="The proxy's installation lacks a package: its operator's fault.",
        ),
        Code(
            "This uses the enterprise folder - only available on the Docker image.",
            R.SERVER_ERROR,
            message="missing_enterprise_package_docker",
        ),
    ),
)

LITELLM_BUDGET_EXCEEDED_ERROR = ErrorTable(
    provider="litellm",
    aliases=("litellm_proxy", "litellm-proxy"),
    source="https://github.com/BerriAI/litellm/blob/main/litellm/exceptions.py",
    field="error.message",
    note="class BudgetExceededError: its default message, raised for key, team, user and global"
    " proxy budgets (error.type budget_exceeded).",
    codes=(
        Code(
            "Budget has been exceeded!",
            R.QUOTA_EXHAUSTED,
            message="Budget has been exceeded! Current cost: {current_cost}, Max budget:"
            " {max_budget}",
        ),
    ),
)

LITELLM_AUTH_CHECKS = ErrorTable(
    provider="litellm",
    aliases=("litellm_proxy", "litellm-proxy"),
    source="https://github.com/BerriAI/litellm/blob/main/litellm/proxy/auth/auth_checks.py",
    field="error.message",
    note="Only the end-user budget message was read from this file (through a code search, not"
    " the whole file). The same prefix with User= is documented at"
    " https://docs.litellm.ai/docs/proxy/users ('ExceededBudget: User=<user_id> over budget.').",
    codes=(
        Code(
            "ExceededBudget: End User=",
            R.QUOTA_EXHAUSTED,
            message="ExceededBudget: End User={user_id} over budget. Spend={spend},"
            " Budget={budget}",
        ),
        Code(
            "ExceededBudget: User=",
            R.QUOTA_EXHAUSTED,
            message="ExceededBudget: User=<user_id> over budget. Spend=3.7e-05, Budget=0.0",
        ),
    ),
)

LITELLM_USER_API_KEY_AUTH = ErrorTable(
    provider="litellm",
    aliases=("litellm_proxy", "litellm-proxy"),
    source="https://github.com/BerriAI/litellm/blob/main/litellm/proxy/auth/user_api_key_auth.py",
    field="error.message",
    note="Read through a code search (error.type expired_key), not the whole file.",
    codes=(
        Code(
            "Authentication Error - Expired Key",
            R.INVALID_KEY,
            message="Authentication Error - Expired Key. Key Expiry time {expiry_time} and"
            " current time {current_time}",
        ),
    ),
)

LITELLM_PARALLEL_REQUEST_LIMITER = ErrorTable(
    provider="litellm",
    aliases=("litellm_proxy", "litellm-proxy"),
    source="https://github.com/BerriAI/litellm/blob/main/litellm/proxy/hooks/parallel_request_limiter.py",
    field="error.message",
    note="Read through a code search, not the whole file. Status 429 with a retry-after header;"
    " the details name the key, team or user and its tpm/rpm limit.",
    codes=(
        Code(
            "Max parallel request limit reached",
            R.RATE_LIMITED,
            429,
            "Max parallel request limit reached {additional_details}",
            By.WINDOW,
        ),
    ),
)

LITELLM_EXCEPTIONS = ErrorTable(
    provider="litellm",
    aliases=("litellm_proxy", "litellm-proxy"),
    source="https://docs.litellm.ai/docs/exception_mapping",
    field="exception class",
    note="Table 'LiteLLM Exceptions', read from the docs source (docs/my-website/docs/"
    "exception_mapping.md). The class name also opens the message ('litellm.RateLimitError:');"
    " it is the gateway's reading of the provider's error, evidence after the provider's own"
    " code and wording.",
    codes=(
        Code("BadRequestError", R.BAD_REQUEST, 400, by=By.WORDING),
        Code(
            "UnsupportedParamsError",
            R.BAD_REQUEST,
            400,
            "Raised when unsupported params are passed",
        ),
        Code(
            "ContextWindowExceededError",
            R.CONTEXT_LENGTH,
            400,
            "Special error type for context window exceeded error messages - enables context"
            " window fallbacks",
        ),
        Code(
            "ContentPolicyViolationError",
            R.CONTENT_FILTER,
            400,
            "Special error type for content policy violation error messages - enables content"
            " policy fallbacks",
        ),
        Code(
            "ImageFetchError",
            R.BAD_REQUEST,
            400,
            "Raised when there are errors fetching or processing images",
        ),
        Code(
            "InvalidRequestError",
            R.BAD_REQUEST,
            400,
            "Deprecated error, use BadRequestError instead",
            By.WORDING,
        ),
        Code("AuthenticationError", R.INVALID_KEY, 401),
        Code("PermissionDeniedError", R.PERMISSION_DENIED, 403, by=By.WORDING),
        Code(
            "NotFoundError",
            R.MODEL_NOT_FOUND,
            404,
            "raise when invalid models passed, example gpt-8",
            By.WORDING,
        ),
        Code("Timeout", R.TIMEOUT, 408, "Raised when a timeout occurs"),
        Code(
            "UnprocessableEntityError",
            R.BAD_REQUEST,
            422,
            by=By.WORDING,
            note="Newer proxies answer budget refusals with 422 by default; the wording decides.",
        ),
        Code("RateLimitError", R.RATE_LIMITED, 429, by=By.WINDOW),
        Code(
            "APIConnectionError",
            R.SERVER_ERROR,
            500,
            "If any unmapped error is returned, we return this error",
            By.WORDING,
            note="Despite its name the documented base case for anything unmapped, so not"
            " network by itself; a connection wording makes it network.",
        ),
        Code("APIError", R.SERVER_ERROR, 500, "Generic 500-status code error", By.WORDING),
        Code(
            "ServiceUnavailableError",
            R.OVERLOADED,
            503,
            "If provider returns a service unavailable error, this error is raised",
        ),
        Code(
            "InternalServerError",
            R.SERVER_ERROR,
            None,
            ">=500: If any unmapped 500-status code error is returned, this error is raised",
            By.WORDING,
        ),
        Code(
            "APIResponseValidationError",
            R.BAD_REQUEST,
            None,
            "If Rules are used, and request/response fails a rule, this error is raised",
            note="The caller's own rules rejected the exchange: the request is what to change.",
        ),
        Code(
            "BudgetExceededError",
            R.QUOTA_EXHAUSTED,
            None,
            "Raised for proxy, when budget is exceeded",
        ),
        Code(
            "JSONSchemaValidationError",
            R.BAD_REQUEST,
            None,
            "Raised when response does not match expected json schema - used if"
            " response_schema param passed in with enforce_validation=True",
            note="The caller asked for validation against its schema; the prompt or schema is"
            " what to change, the provider did not fail.",
        ),
        Code(
            "MockException",
            R.UNKNOWN,
            None,
            "Internal exception, raised by mock_completion class. Do not use directly",
        ),
        Code(
            "OpenAIError",
            R.UNKNOWN,
            None,
            "Deprecated internal exception, inherits from openai.OpenAIError.",
            By.WORDING,
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Portkey. Only the inference API's table is transcribed; the Admin API's AB01..AB09 codes
# (https://portkey.ai/docs/api-reference/admin-api/error) answer management calls, never an LLM
# call. Provider errors pass through Portkey unchanged.
# ---------------------------------------------------------------------------------------------
PORTKEY_STATUS = ErrorTable(
    provider="portkey",
    aliases=("portkey_ai", "portkey-ai"),
    source="https://portkey.ai/docs/api-reference/inference-api/error-codes",
    field="HTTP status",
    note="Table 'Common Errors'. Errors from Portkey itself are prefixed 'Portkey Error'"
    " (https://portkey.ai/docs/support/common-errors-and-resolutions).",
    codes=(
        Code("408", R.TIMEOUT, 408, "Request timed out"),
        Code("412", R.QUOTA_EXHAUSTED, 412, "Budget exhausted"),
        Code("429", R.RATE_LIMITED, 429, "Request rate limited", By.WINDOW),
        Code("446", R.CONTENT_FILTER, 446, "Guardrail checks failed (request denied)"),
        Code(
            "246",
            R.CONTENT_FILTER,
            246,
            "Guardrail checks failed (request successful)",
            note="A success status: the request went through and the guardrail only reports."
            " Listed because the table lists it; it is not a failure.",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Vercel AI Gateway. No published error table was found on vercel.com/docs/ai-gateway (searched
# the docs corpus for its error types, insufficient funds, 402/403); the types are read from the
# gateway's client, @ai-sdk/gateway (vercel/ai, packages/gateway/src/errors/*.ts). No
# insufficient-funds type exists there: an unknown error.type falls to GatewayInternalServerError.
# ---------------------------------------------------------------------------------------------
VERCEL_GATEWAY_TYPES = ErrorTable(
    provider="vercel",
    aliases=("vercel_ai_gateway", "vercel-ai-gateway", "vercel-gateway"),
    source="https://github.com/vercel/ai/tree/main/packages/gateway/src/errors",
    field="error.type",
    note="The `type` of each Gateway*Error class, with its default status and message. The"
    " server's types mapped in create-gateway-error.ts are authentication_error,"
    " invalid_request_error, rate_limit_exceeded, model_not_found and internal_server_error;"
    " timeout_error and response_error are raised by the client itself.",
    codes=(
        Code(
            "authentication_error",
            R.INVALID_KEY,
            401,
            "Authentication failed (AI Gateway authentication failed: Invalid API key. / Invalid"
            " OIDC token. / No authentication provided.)",
        ),
        Code("invalid_request_error", R.BAD_REQUEST, None, by=By.WORDING),
        Code("rate_limit_exceeded", R.RATE_LIMITED, 429, "Rate limit exceeded", By.WINDOW),
        Code("model_not_found", R.MODEL_NOT_FOUND, 404, "Model not found"),
        Code("internal_server_error", R.SERVER_ERROR, None, by=By.WORDING),
        Code(
            "forbidden",
            R.PERMISSION_DENIED,
            403,
            "Forbidden - the request was rejected by policy (e.g. a routing rule), not an"
            " authentication failure.",
        ),
        Code(
            "failed_dependency",
            R.BAD_REQUEST,
            424,
            "The request could not be fulfilled because a dependency it relied on was not"
            " available on the credentials or provider used to serve it.",
            note="The class says the caller must change the request and that it is not"
            " retryable: bad_request.",
        ),
        Code(
            "not_found",
            R.BAD_REQUEST,
            404,
            "Not found - the requested Gateway resource does not exist or is not visible to the"
            " caller (e.g. an unknown async batch/video job id).",
            note="Distinct from model_not_found: a resource id in the request.",
        ),
        Code(
            "timeout_error",
            R.TIMEOUT,
            408,
            "Client request timed out before receiving a response.",
        ),
        Code(
            "response_error",
            R.SERVER_ERROR,
            502,
            "Invalid response from Gateway",
            note="The client could not parse the gateway's answer.",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Cloudflare Workers AI and AI Gateway.
# The AI Gateway publishes no error-code table (searched developers.cloudflare.com/ai-gateway and
# the cloudflare/cloudflare-docs sources under src/content/docs/ai-gateway/); its codes appear
# one page at a time. 2001 "Please configure AI Gateway in the Cloudflare dashboard" is seen in
# users' code only, not in the docs, so it is not transcribed.
# ---------------------------------------------------------------------------------------------
CLOUDFLARE_WORKERS_AI = ErrorTable(
    provider="cloudflare",
    aliases=(
        "workers_ai",
        "workers-ai",
        "workersai",
        "cloudflare_workers_ai",
        "cloudflare_ai_gateway",
        "cf",
    ),
    source="https://developers.cloudflare.com/workers-ai/platform/errors/",
    field="errors[].code (internalCode)",
    note="Every row of the page's table (Name, Internal Code, HTTP Code, Description).",
    codes=(
        Code("5007", R.MODEL_NOT_FOUND, 400, "No such model ${model} or task"),
        Code("5004", R.BAD_REQUEST, 400, "Invalid data type for base64 input: ${type}"),
        Code(
            "3039",
            R.BAD_REQUEST,
            400,
            "Finetune is missing required files (model.safetensors and config.json)",
        ),
        Code("3003", R.BAD_REQUEST, 400, "Request is missing headers or body: {what}"),
        Code(
            "5018",
            R.PERMISSION_DENIED,
            403,
            "The account is not allowed to access this model",
        ),
        Code(
            "5016",
            R.PERMISSION_DENIED,
            403,
            "User has not agreed to Llama3.2 model terms",
            note="Gated model terms not accepted.",
        ),
        Code("3023", R.PERMISSION_DENIED, 403, "Service unavailable for account"),
        Code(
            "3041",
            R.PERMISSION_DENIED,
            403,
            "The account is not allowed to access this model",
        ),
        Code("5019", R.BAD_REQUEST, 405, "Request trying to use deprecated SDK version"),
        Code("5005", R.BAD_REQUEST, 405, "The model ${this.model} does not support LoRa inference"),
        Code("3042", R.MODEL_NOT_FOUND, 404, "The model name is invalid"),
        Code("3006", R.BAD_REQUEST, 413, "Request is too large"),
        Code("3007", R.TIMEOUT, 408, "Request timeout"),
        Code(
            "3008",
            R.TIMEOUT,
            408,
            "Request was aborted",
            note="Same status as 3007 and no response came; the page does not say who aborted.",
        ),
        Code(
            "3036",
            R.QUOTA_EXHAUSTED,
            429,
            "You have used up your daily free allocation of 10,000 neurons. Please upgrade to"
            " Cloudflare's Workers Paid plan if you would like to continue usage.",
        ),
        Code(
            "3040",
            R.OVERLOADED,
            429,
            "No more data centers to forward the request to",
            note="Named 'Out of capacity': Cloudflare's capacity, not the caller's rate.",
        ),
    ),
)

CLOUDFLARE_AI_GATEWAY_GUARDRAILS = ErrorTable(
    provider="cloudflare",
    aliases=(
        "workers_ai",
        "workers-ai",
        "workersai",
        "cloudflare_workers_ai",
        "cloudflare_ai_gateway",
        "cf",
    ),
    source="https://developers.cloudflare.com/ai-gateway/features/guardrails/set-up-guardrail/",
    field="error[].code",
    note="Section 'Error handling and blocked requests'.",
    codes=(
        Code("2016", R.CONTENT_FILTER, message="Prompt blocked due to security configurations"),
        Code("2017", R.CONTENT_FILTER, message="Response blocked due to security configurations"),
    ),
)

CLOUDFLARE_AI_GATEWAY_CREDENTIALS = ErrorTable(
    provider="cloudflare",
    aliases=(
        "workers_ai",
        "workers-ai",
        "workersai",
        "cloudflare_workers_ai",
        "cloudflare_ai_gateway",
        "cf",
    ),
    source="https://developers.cloudflare.com/changelog/post/2026-10-05-provider-credential-errors/",
    field="error[].code",
    note="Changelog 'Standardize provider credential error responses in AI Gateway' (POST"
    " /ai/run). With Unified Billing a rejected credential is a 503 instead, the gateway's own"
    " credential, never the caller's.",
    codes=(
        Code(
            "2009",
            R.INVALID_KEY,
            401,
            "The AI provider rejected the provider credentials (BYOK or request key).",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# new-api (QuantumNous/new-api). types/error.go, read at commit 01f6839: ErrorType and ErrorCode,
# transcribed whole. The status comes with each call site, not with the constant, so none is
# given. Errors from the upstream keep the upstream's own code (WithOpenAIError) and get type
# upstream_error when they had none.
# ---------------------------------------------------------------------------------------------
_NEW_API_ERRORS = "https://github.com/QuantumNous/new-api/blob/main/types/error.go"

NEW_API_ERROR_CODES = ErrorTable(
    provider="new-api",
    aliases=("newapi", "new_api"),
    source=_NEW_API_ERRORS,
    field="error.code",
    note="const ErrorCode, every member, in the file's order and groups. Codes starting"
    " 'channel:' are the relay's channel (its upstream key and settings), not the caller's key.",
    codes=(
        Code("invalid_request", R.BAD_REQUEST, by=By.WORDING),
        Code("sensitive_words_detected", R.CONTENT_FILTER),
        Code(
            "violation_fee.grok.csam",
            R.CONTENT_FILTER,
            note="A fee charged for a Grok CSAM violation: a moderation block.",
        ),
        # new api error
        Code(
            "count_token_failed",
            R.SERVER_ERROR,
            note="The relay could not count the request's tokens: its own failure.",
        ),
        Code(
            "model_price_error",
            R.MODEL_NOT_FOUND,
            note="No price is configured for the model at this relay, so the relay will not"
            " serve it: model_not_found at this relay (its admin must set a price).",
        ),
        Code("invalid_api_type", R.BAD_REQUEST),
        Code("json_marshal_failed", R.SERVER_ERROR),
        Code(
            "do_request_failed",
            R.NETWORK,
            by=By.WORDING,
            note="Sending the request upstream failed; a timeout wording makes it timeout.",
        ),
        Code(
            "get_channel_failed",
            R.MODEL_NOT_FOUND,
            by=By.WORDING,
            note="No channel could be chosen for the model (the 'no available channel' case).",
        ),
        Code("gen_relay_info_failed", R.SERVER_ERROR),
        # channel error
        Code(
            "channel:no_available_key",
            R.OVERLOADED,
            note="Every key of the relay's channel is disabled or used up: the relay's upstream"
            " has no capacity for this call; nothing the caller's key can fix.",
        ),
        Code("channel:param_override_invalid", R.SERVER_ERROR),
        Code("channel:header_override_invalid", R.SERVER_ERROR),
        Code("channel:model_mapped_error", R.SERVER_ERROR),
        Code("channel:aws_client_error", R.SERVER_ERROR, by=By.WORDING),
        Code(
            "channel:invalid_key",
            R.SERVER_ERROR,
            note="The channel's upstream key, which the relay's operator holds, is invalid; the"
            " caller's key to the relay is fine. Debatable: for an operator watching the relay's"
            " own channels it is invalid_key.",
        ),
        Code("channel:response_time_exceeded", R.TIMEOUT),
        # client request error
        Code("read_request_body_failed", R.BAD_REQUEST),
        Code("convert_request_failed", R.BAD_REQUEST, by=By.WORDING),
        Code("access_denied", R.PERMISSION_DENIED),
        # request error
        Code("bad_request_body", R.BAD_REQUEST),
        # response error
        Code("read_response_body_failed", R.SERVER_ERROR, by=By.WORDING),
        Code(
            "bad_response_status_code",
            R.SERVER_ERROR,
            by=By.WORDING,
            note="The upstream answered an error status; its status and wording decide.",
        ),
        Code("bad_response", R.SERVER_ERROR),
        Code("bad_response_body", R.SERVER_ERROR),
        Code("empty_response", R.SERVER_ERROR),
        Code("aws_invoke_error", R.SERVER_ERROR, by=By.WORDING),
        Code("model_not_found", R.MODEL_NOT_FOUND),
        Code("prompt_blocked", R.CONTENT_FILTER),
        # sql error
        Code("query_data_error", R.SERVER_ERROR),
        Code("update_data_error", R.SERVER_ERROR),
        # quota error
        Code("insufficient_user_quota", R.QUOTA_EXHAUSTED),
        Code("pre_consume_token_quota_failed", R.QUOTA_EXHAUSTED),
        Code("entitlement_required", R.QUOTA_EXHAUSTED, note="A plan the model requires."),
        Code("entitlement_inactive", R.QUOTA_EXHAUSTED, note="The plan is not active."),
        Code("entitlement_daily_limit_exceeded", R.QUOTA_EXHAUSTED),
        Code("entitlement_total_limit_exceeded", R.QUOTA_EXHAUSTED),
        Code("token_concurrency_limit_reached", R.RATE_LIMITED),
        Code(
            "token_concurrency_unavailable",
            R.SERVER_ERROR,
            by=By.WORDING,
            note="Only the constant was read: the name suggests the concurrency limiter could"
            " not be consulted (the relay's failure) rather than a limit reached.",
        ),
    ),
)

NEW_API_ERROR_TYPES = ErrorTable(
    provider="new-api",
    aliases=("newapi", "new_api"),
    source=_NEW_API_ERRORS,
    field="error.type",
    note="const ErrorType, every member. These say where the error came from, not what it is;"
    " the code, the wording and the status decide.",
    codes=(
        Code("new_api_error", R.UNKNOWN, by=By.WORDING),
        Code("openai_error", R.UNKNOWN, by=By.WORDING),
        Code("claude_error", R.UNKNOWN, by=By.WORDING),
        Code("midjourney_error", R.UNKNOWN, by=By.WORDING),
        Code("gemini_error", R.UNKNOWN, by=By.WORDING),
        Code("rerank_error", R.UNKNOWN, by=By.WORDING),
        Code(
            "upstream_error",
            R.UNKNOWN,
            by=By.WORDING,
            note="Given to an upstream error that had no type of its own.",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# one-api (songquanpeng/one-api), read at commit 8df4a26 (2025-02-21). one-api publishes no
# error table; its codes are the `code` argument of openai.ErrorWrapper (type one_api_error)
# across relay/, every distinct one with its status, plus the few errors built by hand.
# ---------------------------------------------------------------------------------------------
_ONE_API = "https://github.com/songquanpeng/one-api"

ONE_API_ERROR_CODES = ErrorTable(
    provider="one-api",
    aliases=("oneapi", "one_api"),
    source=_ONE_API,
    field="error.code",
    note="Collected from relay/adaptor/*, relay/controller/*, controller/relay.go and"
    " controller/model.go; error.type is one_api_error unless said.",
    codes=(
        Code("ali_async_task_failed", R.SERVER_ERROR, 500),
        Code("ali_async_task_wait_failed", R.SERVER_ERROR, 500),
        Code("chat_task_failed", R.SERVER_ERROR, 500),
        Code("close_request_body_failed", R.SERVER_ERROR, 500),
        Code("close_response_body_failed", R.SERVER_ERROR, 500),
        Code(
            "convert_image_request_failed",
            R.BAD_REQUEST,
            500,
            by=By.WORDING,
            note="The adaptor could not convert the caller's request for the upstream.",
        ),
        Code("convert_request_failed", R.BAD_REQUEST, 500, by=By.WORDING),
        Code("copy_response_body_failed", R.SERVER_ERROR, 500),
        Code("decrease_user_quota_failed", R.SERVER_ERROR, 500),
        Code(
            "do_request_failed",
            R.NETWORK,
            500,
            by=By.WORDING,
            note="The request to the upstream could not be sent or got no answer.",
        ),
        Code("get_image_cost_ratio_failed", R.SERVER_ERROR, 500),
        Code("get_text_from_body_err", R.SERVER_ERROR, 500),
        Code("get_user_quota_failed", R.SERVER_ERROR, 500),
        Code("image_task_failed", R.SERVER_ERROR, 500),
        Code(
            "insufficient_user_quota",
            R.QUOTA_EXHAUSTED,
            403,
            "user quota is not enough",
        ),
        Code(
            "invalid_auth",
            R.INVALID_KEY,
            400,
            "invalid auth",
            note="The xunfei channel's credential is not in its expected form: a wrong key,"
            " though the channel's rather than the caller's.",
        ),
        Code("invalid_image_request", R.BAD_REQUEST, 400),
        Code("invalid_json", R.BAD_REQUEST, 400),
        Code("invalid_text_request", R.BAD_REQUEST, 400),
        Code("marshal_image_request_failed", R.SERVER_ERROR, 500),
        Code("marshal_response_body_failed", R.SERVER_ERROR, 500),
        Code("n_not_within_range", R.BAD_REQUEST, 400),
        Code("new_request_body_failed", R.SERVER_ERROR, 500),
        Code("new_request_failed", R.SERVER_ERROR, 500),
        Code(
            "not_implemented",
            R.BAD_REQUEST,
            500,
            "not implemented",
            note="An operation the replicate adaptor does not support: the request's feature.",
        ),
        Code("pre_consume_token_quota_failed", R.QUOTA_EXHAUSTED, 403, by=By.WORDING),
        Code("prompt_missing", R.BAD_REQUEST, 400),
        Code(
            "prompt_too_long",
            R.CONTEXT_LENGTH,
            400,
            "prompt is too long",
            note="An image prompt over the image API's length limit: an input cap that is not"
            " the model's window, which keywatch reads as context_length (shorten the input).",
        ),
        Code("read_response_body_failed", R.SERVER_ERROR, 500),
        Code("request_is_nil", R.BAD_REQUEST, 400),
        Code("size_not_supported", R.BAD_REQUEST, 400),
        Code(
            "text_too_long",
            R.CONTEXT_LENGTH,
            400,
            "input is too long (over 4096 characters)",
            note="A speech input over 4096 characters: an input cap, read as context_length.",
        ),
        Code("unexpected_response_format", R.SERVER_ERROR, 500),
        Code("unmarshal_response_body_failed", R.SERVER_ERROR, 500),
        Code("write_response_body_failed", R.SERVER_ERROR, 500),
        Code("xunfei_empty_response_detected", R.SERVER_ERROR, 500),
        Code("xunfei_request_failed", R.SERVER_ERROR, 500),
        Code("api_not_implemented", R.BAD_REQUEST, 501, "API not implemented"),
        Code(
            "model_not_found",
            R.MODEL_NOT_FOUND,
            200,
            "The model '%s' does not exist",
            note="GET /v1/models/{model}; error.type invalid_request_error, sent with status 200.",
        ),
    ),
)

ONE_API_MESSAGES = ErrorTable(
    provider="one-api",
    aliases=("oneapi", "one_api"),
    source=_ONE_API,
    field="error.message",
    note="Fixed messages (error.type one_api_error), from middleware/auth.go, model/token.go,"
    " middleware/distributor.go and controller/relay.go. new-api (a fork) keeps the same"
    " distributor and token messages. The relay appends its request id to each.",
    codes=(
        Code("未提供令牌", R.INVALID_KEY, 401, "未提供令牌"),
        Code("无效的令牌", R.INVALID_KEY, 401, "无效的令牌"),
        Code(
            "令牌验证失败",
            R.SERVER_ERROR,
            401,
            "令牌验证失败",
            note="The token lookup itself failed (not 'not found', which is 无效的令牌): the"
            " relay's cache or database, not a wrong key.",
        ),
        Code("额度已用尽", R.QUOTA_EXHAUSTED, 401, "令牌 %s（#%d）额度已用尽"),
        Code("该令牌已过期", R.INVALID_KEY, 401, "该令牌已过期"),
        Code("该令牌状态不可用", R.INVALID_KEY, 401, "该令牌状态不可用"),
        Code(
            "该令牌只能在指定网段使用",
            R.PERMISSION_DENIED,
            403,
            "该令牌只能在指定网段使用：%s，当前 ip：%s",
        ),
        Code("用户已被封禁", R.PERMISSION_DENIED, 403, "用户已被封禁"),
        Code("该令牌无权使用模型", R.PERMISSION_DENIED, 403, "该令牌无权使用模型：%s"),
        Code("普通用户不支持指定渠道", R.PERMISSION_DENIED, 403, "普通用户不支持指定渠道"),
        Code("无效的渠道 Id", R.BAD_REQUEST, 400, "无效的渠道 Id"),
        Code("该渠道已被禁用", R.PERMISSION_DENIED, 403, "该渠道已被禁用"),
        Code(
            "无可用渠道",
            R.MODEL_NOT_FOUND,
            503,
            "当前分组 %s 下对于模型 %s 无可用渠道",
            note="No channel of the caller's group serves the model. 503, but the remedy is"
            " another model or group, not a wait.",
        ),
        Code("数据库一致性已被破坏，请联系管理员", R.SERVER_ERROR, 503),
        Code(
            "当前分组上游负载已饱和，请稍后再试",
            R.OVERLOADED,
            429,
            note="Replaces the message of a 429 once every retry failed: the relay's upstream"
            " is saturated.",
        ),
        Code("令牌额度不足", R.QUOTA_EXHAUSTED, 403, "令牌额度不足"),
        Code("用户额度不足", R.QUOTA_EXHAUSTED, 403, "用户额度不足"),
    ),
)

# ---------------------------------------------------------------------------------------------
# sub2api (Wei-Shaw/sub2api), read at commit d3e73f1 (2025-12-27). No published table; the
# codes are in backend/internal/server/middleware/api_key_auth.go (error.code, AbortWithError)
# and the gateway handlers (error.type, Anthropic-shaped). Not found in this snapshot: the
# Chinese messages 上游负载已饱和 and 日限额已用完 (searched every .go file for 饱和 and 限额);
# they may belong to a later release or a fork.
# ---------------------------------------------------------------------------------------------
SUB2API_AUTH_CODES = ErrorTable(
    provider="sub2api",
    aliases=("sub2-api",),
    source="https://github.com/Wei-Shaw/sub2api/blob/main/backend/internal/server/middleware/api_key_auth.go",
    field="error.code",
    note="Every AbortWithError of the API-key middleware; api_key_auth_google.go answers the same"
    " cases in Google's error shape without the code.",
    codes=(
        Code(
            "API_KEY_REQUIRED",
            R.INVALID_KEY,
            401,
            "API key is required in Authorization header (Bearer scheme), x-api-key header,"
            " x-goog-api-key header, or key/api_key query parameter",
        ),
        Code("INVALID_API_KEY", R.INVALID_KEY, 401, "Invalid API key"),
        Code("INTERNAL_ERROR", R.SERVER_ERROR, 500, "Failed to validate API key"),
        Code("API_KEY_DISABLED", R.INVALID_KEY, 401, "API key is disabled"),
        Code("USER_NOT_FOUND", R.INVALID_KEY, 401, "User associated with API key not found"),
        Code("USER_INACTIVE", R.PERMISSION_DENIED, 401, "User account is not active"),
        Code(
            "SUBSCRIPTION_NOT_FOUND",
            R.QUOTA_EXHAUSTED,
            403,
            "No active subscription found for this group",
            note="A subscription the group requires: a plan fixes it.",
        ),
        Code(
            "SUBSCRIPTION_INVALID",
            R.QUOTA_EXHAUSTED,
            403,
            "subscription is invalid or expired",
        ),
        Code(
            "USAGE_LIMIT_EXCEEDED",
            R.QUOTA_EXHAUSTED,
            429,
            "daily usage limit exceeded / weekly usage limit exceeded / monthly usage limit"
            " exceeded",
            By.WINDOW,
            note="The message is the subscription's DAILY/WEEKLY/MONTHLY_LIMIT_EXCEEDED error:"
            " every window is a day or longer.",
        ),
        Code("INSUFFICIENT_BALANCE", R.QUOTA_EXHAUSTED, 403, "Insufficient account balance"),
    ),
)

SUB2API_GATEWAY_TYPES = ErrorTable(
    provider="sub2api",
    aliases=("sub2-api",),
    source="https://github.com/Wei-Shaw/sub2api/blob/main/backend/internal/handler/gateway_handler.go",
    field="error.type",
    note="The types and fixed messages of the gateway handler (openai_gateway_handler.go answers"
    " the same). mapUpstreamError turns the last upstream status, once failover is exhausted,"
    " into these: an upstream 401/403 becomes a 502 upstream_error, the pool's account and not"
    " the caller's key.",
    codes=(
        Code("authentication_error", R.INVALID_KEY, 401, "Invalid API key"),
        Code(
            "api_error",
            R.SERVER_ERROR,
            None,
            "User context not found / Failed to get user info / No available accounts: ...",
            By.WORDING,
            note="'No available accounts' (503) means the pool has no account that can serve"
            " the call now: overloaded by its wording.",
        ),
        Code("invalid_request_error", R.BAD_REQUEST, 400, "Failed to parse request body"),
        Code(
            "rate_limit_error",
            R.RATE_LIMITED,
            429,
            "Too many pending requests, please retry later / Concurrency limit exceeded for %s,"
            " please retry later / Upstream rate limit exceeded, please retry later",
            By.WINDOW,
        ),
        Code(
            "billing_error",
            R.QUOTA_EXHAUSTED,
            403,
            "insufficient balance / subscription is invalid or expired / daily (weekly,"
            " monthly) usage limit exceeded",
        ),
        Code("subscription_error", R.QUOTA_EXHAUSTED, 403, "No active subscription"),
        Code(
            "upstream_error",
            R.SERVER_ERROR,
            502,
            "Upstream authentication failed, please contact administrator / Upstream access"
            " forbidden, please contact administrator / Upstream service temporarily unavailable"
            " / Upstream request failed",
            By.WORDING,
            note="A 5xx for the caller even when the pool's upstream account was refused.",
        ),
        Code(
            "overloaded_error",
            R.OVERLOADED,
            503,
            "Upstream service overloaded, please retry later",
        ),
    ),
)

TABLES: tuple[ErrorTable, ...] = (
    OPENROUTER_STATUS,
    OPENROUTER_ERROR_TYPE,
    OPENROUTER_AVAILABILITY,
    LITELLM_PROXY_ERROR_TYPES,
    LITELLM_COMMON_PROXY_ERRORS,
    LITELLM_BUDGET_EXCEEDED_ERROR,
    LITELLM_AUTH_CHECKS,
    LITELLM_USER_API_KEY_AUTH,
    LITELLM_PARALLEL_REQUEST_LIMITER,
    LITELLM_EXCEPTIONS,
    PORTKEY_STATUS,
    VERCEL_GATEWAY_TYPES,
    CLOUDFLARE_WORKERS_AI,
    CLOUDFLARE_AI_GATEWAY_GUARDRAILS,
    CLOUDFLARE_AI_GATEWAY_CREDENTIALS,
    NEW_API_ERROR_CODES,
    NEW_API_ERROR_TYPES,
    ONE_API_ERROR_CODES,
    ONE_API_MESSAGES,
    SUB2API_AUTH_CODES,
    SUB2API_GATEWAY_TYPES,
)
