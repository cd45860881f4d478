"""Give every failure one reason, decided by what the key's owner must do.

Providers disagree on status codes (a bad key is 401 at OpenAI, 400 at Gemini and xAI, 403 at
Bedrock; out-of-credit is 400 at Anthropic, 402 at OpenRouter and DeepSeek, 403 at xAI, 429 at
OpenAI), so the reason is read from the strongest fact first. The rules, in order, each with a
public error that shows it (tests/corpus/provider_errors.jsonl holds 525 such cases, each with
its source; `keywatch classify --explain` names the rule that decided a record):

1. **An account, not a key.** An account, organisation, workspace or project that is
   deactivated, disabled, suspended, restricted, locked or inactive is `permission_denied`,
   even under a 401: the key is recognised, its principal is barred, a new key will not help
   (OpenAI `account_deactivated`, https://github.com/nat/openplayground/issues/143; Anthropic
   "This organization has been disabled", https://github.com/anthropics/claude-code/issues/19028).
   A suspension whose stated cause is unpaid billing is `quota_exhausted` (Fireworks,
   https://github.com/FerroxLabs/wayland/issues/545).
2. **Money words decide.** A remedy of billing, credits, balance, a plan, a usage allowance or
   a spend limit (one the owner set included) is `quota_exhausted` whatever the status or code:
   Anthropic's 400 "credit balance is too low" (https://docs.claude.com/en/api/errors),
   OpenRouter's 402 and 403 key limits (https://openrouter.ai/docs/api-reference/errors), xAI's
   403 credits, Zhipu's 1113 "余额不足" (https://docs.bigmodel.cn/cn/faq/api-code), Gemini's
   "free tier is not available in your country. Please enable billing".
3. **The provider's own specific codes, innermost first** (OpenAI/Groq `code`, Anthropic
   `error.type` and `error.details.error_code`, Google ErrorInfo `reason`, botocore `Code`,
   Azure `innererror`, the upstream error OpenRouter keeps in `error.metadata.raw`, an SDK's
   class such as `NoCredentialsError`). A code one provider gives its own meaning is read first:
   DashScope's and SambaNova's 429 `insufficient_quota` are their per-minute limits
   (https://help.aliyun.com/zh/model-studio/error-code).
4. **The wording** of every message, in English and Chinese (providers reuse generic codes
   such as `invalid_request_error` or `INVALID_ARGUMENT` for very different things): the key,
   a feature the model lacks, the model, access, a wrong URL, then limits.
   - *Quota or rate limit is a matter of time horizon.* A limit is `quota_exhausted` when its
     limit is 0, its window is a day, week or month, it asks to wait over a minute, or it names
     money; `rate_limited` per second or minute or with a wait of seconds; `overloaded` when
     the provider says it has no capacity ("high traffic", Cerebras `queue_exceeded`). The
     window decides over a quoted wait: OpenAI's "requests per day (RPD) ... try again in 6s"
     is a daily cap hit again on the next call. Wording alone is not trusted: a per-minute
     window makes OpenAI's borrowed `insufficient_quota` text a rate limit.
   - *context_length or bad_request.* Input over the window is `context_length`, and so is one
     request larger than a whole tokens-per-minute limit (Groq's 413 "Request too large ... on
     tokens per minute", https://console.groq.com/docs/errors). When the message splits the
     tokens and the output asked for is at least the input ("568 in the messages, 6048 in the
     completion"), lowering max_tokens is the fix: `bad_request`, as are an output cap named
     as too high, a body over a size in bytes (Anthropic's 413, 32 MB,
     https://github.com/anthropics/anthropic-sdk-python/issues/938) and tool or role ordering.
   - *Model not found* includes retired and decommissioned models, models not loaded or not
     served by the chosen provider, and deployments or endpoints that do not exist or are not
     running (Azure `DeploymentNotFound`, Together `dedicated_endpoint_not_running`); a model
     that cannot serve a feature, or a 404 for a path ("Not Found", "Invalid URL"), is
     `bad_request`.
   - *No status at all.* An SDK that raises before any request for want of a key is
     `invalid_key` ("Missing credentials. Please pass an `api_key`" in openai's _client.py,
     "Could not resolve authentication method" in anthropic's); a finish reason of SAFETY
     raised after a 200 is `content_filter`; an error in the middle of a stream is
     `server_error` (https://github.com/openai/openai-python/issues/1160), read before network
     words that a gateway's class name ("APIConnectionError") puts in the text.
   - A gateway's timeout status (504, 522, 524) is `timeout` whatever guess its page makes.
5. Generic codes, a gateway's class names (LiteLLM's outer class is evidence, not ground
   truth: the innermost provider error decides), the exception's class, and last the status.

Two checks follow the decision. `invalid_key` needs a credential signal: a 5xx whose text
mentions "401" or a token is the server's or gateway's failure, and a 400 about a token in
another sense is `bad_request` (one gateway blip must not take every key of a provider away).

Nothing here does I/O; JSON is parsed only when a body arrives as a string or a gateway embeds
the upstream error as a JSON string. Every wording rule runs in one RE2 pass
(core/textrules.py); classify() without a body is cached per distinct failure.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from keywatch.core.errorbody import json_text, retry_delay_s, upstream_raw
from keywatch.core.reasons import PROVIDER_FAULT, RETRYABLE, USER_ACTIONABLE, Reason
from keywatch.core.textrules import Hits, TextRules, any_of
from keywatch.events import Source

__all__ = [
    "PROVIDER_FAULT",
    "RETRYABLE",
    "USER_ACTIONABLE",
    "Classification",
    "Explanation",
    "Reason",
    "classify",
    "counts_against_provider",
    "explain",
    "unknown_fingerprint",
]


@dataclass(frozen=True, slots=True)
class Classification:
    reason: Reason
    user_actionable: bool
    retryable: bool
    fingerprint: str | None = None  # set for unknown errors, to find and count new shapes


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
    "invalidtokenerror": R.INVALID_KEY,  # erniebot (Baidu AI Studio): the access token
    "wrong_api_key": R.INVALID_KEY,  # Cerebras
    "queue_exceeded": _LIMIT,  # Cerebras: its own queue is full ("high traffic")
    "dedicated_endpoint_not_running": R.MODEL_NOT_FOUND,  # Together
    "tokens_too_long": R.CONTEXT_LENGTH,  # Baidu Qianfan v2
    "characters_too_long": R.CONTEXT_LENGTH,
}

# --- 2. wording ------------------------------------------------------------------------------
# Every group below is searched in the same lower-cased text, in one pass (core/textrules.py).
# The patterns keep to the syntax RE2 and `re` share.

_MONEY = any_of(
    r"extra usage (?:is )?required|(?:purchase|buy|enable) extra usage",
    r"(?:buy|purchas|add)(?:e|ing)? (?:more )?credits|positive balance|upgrade your (?:tier|plan)",
    r"enable billing|set up billing|billing (?:is )?required",
    r"reached (?:your |the )?(?:\w+ )?usage (?:limit|cap|allowance)",
    r"upgrade (?:for|to get) (?:higher|more) (?:limits|usage|quota)",
    r"account balance|check your balance|(?:top up|recharge) (?:your )?(?:account|balance)",
    # The same remedies in Chinese (DashScope, Zhipu, Moonshot, Baidu, MiniMax, Volcengine):
    # balance (余额), recharge (充值), arrears (欠费), renew (续费, 续订), a plan (套餐), a
    # resource package (资源包), purchase (购买).
    r"余额|充值|欠费|续费|续订|套餐|资源包|购买",
    r"\bfree (?:allocated |trial |tier )?(?:quota|credits?|tier|trial)\b[^.\n]{0,40}"
    r"(?:exhausted|exceeded|used up|expired|ended|run out|reached)",
    r"on a paid basis|(?:plan|subscription|package) (?:has )?expired",
    # A cap the owner set: spend, usage or inference limits they configured.
    r"(?:reached|exceeded|hit) (?:the |your )?(?:set|configured|specified) [\w ]{0,20}limit",
    r"usage (?:limit|cap|allowance)s? (?:has been |have been )?(?:exceeded|exhausted|hit)",
    # Nothing but money fixes these, whatever the status or code around them.
    r"credit balance is too low",
    r"insufficient[_ ](?:credits?|balance|funds|account balance)",
    r"balance is (?:insufficient|not enough|too low|negative)",
    r"(?:run|ran|are|is) out of (?:credits?|balance|funds)",
    r"requires more credits|purchase (?:more )?credits|add (?:more )?credits|buy (?:more )?credits",
    r"can only afford",
    r"(?:doesn't|does not|don't|do not) have (?:any |enough )?credits",
    r"used all (?:of )?(?:your |its )?(?:available |included )?credits",
    r"credits? (?:are |have been |has been )?(?:depleted|exhausted|used up|run out)",
    r"exceeded your (?:monthly )?(?:included )?credits",
    r"(?:monthly|included|free|prepaid) credits",
    r"prepayment credits",
    r"credit limit",
    r"spend(?:ing)? (?:limit|cap)",
    r"enforced_spend_limit",
    r"billing[_ ]hard[_ ]limit",
    r"key limit exceeded",
    r"payment[_ ]required",
    r"add or update (?:a |your )?payment method",
    r"invalid_payment_instrument|valid payment instrument",
    r"billing (?:is )?(?:not active|disabled|not enabled)|billing account",
    r"requires billing to be enabled|billing to be enabled",
    r"reached your specified api usage limits",
    r"usage limits? (?:has been |have been )?reached",
    r"top up your|recharge your|please recharge",
    r"\barrear|overdue|in good standing|outstanding (?:balance|invoice)|unpaid",
    r"past due",
)
# An account, organisation or project that is barred: a new key on it would not help.
_BARRED = any_of(
    r"\b(?:access|account)\b (?:was |has been )?(?:terminated|revoked|suspended|disabled) due to",
    r"\b(?:account|organi[sz]ation|org|workspace|tenant|team|subscription)\b[^.\n]{0,80}?"
    r"(?:is |was |has been )(?:not active|inactive|locked)\b",
    # Chinese: an account (账户, 账号) locked, frozen, banned, disabled or suspended.
    r"(?:账户|账号|帐户|帐号)[^。\n]{0,20}(?:锁定|冻结|封禁|禁用|停用|暂停)",
    r"\b(?:account|organi[sz]ation|org|workspace|tenant|team|consumer|subscription|resource)\b"
    r"[^.\n]{0,80}?(?:has been |have been |is |was |are )?(?:temporarily )?"
    r"(?:deactivated|disabled|suspended|restricted|banned|terminated|frozen|blocked|closed)\b",
    r"(?:deactivated|disabled|suspended|banned|terminated|frozen) (?:account|organi[sz]ation)",
    r"account_deactivated|account_suspended|organization_deactivated|organization_suspended",
)
# A barring whose stated cause is money.
_BILLING_CAUSE = any_of(
    r"billing|payment|unpaid|arrear|overdue|invoice|balance|credits?\b|past due",
)

_KEY = any_of(
    r"(?:couldn't|could not|cannot|can't) find (?:a |the )?(?:secret|api[ _-]?key)",
    r"token seems invalid|token (?:is )?(?:invalid|not valid)\b",
    r"wrong api[ _-]?key|wrong_api_key",
    r"please log ?in\b|not logged in|must be authenticated|be authenticated to",
    r"(?:access[ _]?token|access key|secret key|credentials?) (?:is )?(?:invalid|not valid"
    r"|no longer valid|expired)",
    r"certification failed|鉴权失败|认证失败|身份验证失败",
    r"invalid_api_key",
    r"incorrect api key",
    r"invalid (?:x-)?api[ _-]?(?:key|token)",
    r"api[ _-]?key (?:is )?(?:not valid|invalid|expired|revoked|disabled|not found|deleted"
    r"|incorrect)",
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
    r"api[ _-]?key (?:header )?(?:is )?(?:missing|required|must be)",
    r"x-api-key header is required",
    r"unregistered callers",
    r"unrecognizedclient",
    r"security token included in the request is (?:invalid|expired)",
    r"signature we calculated does not match",
    r"unable to locate credentials",
    r"invalid subscription key|access denied due to invalid subscription key",
    r"unauthenticated",
    r"user not found",  # OpenRouter's answer to a deleted key
    r"authorization required",
    r"\bunauthorized\b",
    # raised by an SDK before any request: no key was configured
    r"api_key client option must be set",
    r"could not resolve authentication method",
    r"missing key inputs argument",
    r"(?:must|need to|please) (?:provide|pass|set) (?:an |your |a valid )?`?api[ _-]?key",
    # openai>=2 raises "Missing credentials. Please pass an `api_key`, ... or set the
    # `OPENAI_API_KEY` ... environment variable." before any request (src/openai/_client.py).
    r"missing credentials|no credentials (?:were |was )?(?:provided|found|supplied)",
    r"set the `?\w*api_key`?[^.\n]{0,60}environment variable",
    r"default credentials were not found|defaultcredentialserror",
    r"(?:env(?:ironment)? var(?:iable)?|environment) [^.\n]{0,40}api_key[^.\n]{0,40}"
    r"(?:not set|missing)",
)
# Wording that names the key itself (not any token): what a 400 needs to invalidate a key.
_NAMES_THE_KEY = any_of(
    r"authorization header|default credentials|credentials were not found",
    r"unable to locate credentials|missing credentials|no credentials",
    r"access[ _]?token|access key|secret key|certification failed|鉴权|认证失败",
    r"api[ _-]?key",
    r"x-api-key",
    r"security token included in the request",
    r"signature we calculated does not match",
    r"unregistered callers",
    r"authentication method",
)

# A model that exists but cannot do what was asked: the request must change, not the model.
_UNSUPPORTED = any_of(
    r"not available on this endpoint|use a compatible endpoint",
    r"no endpoints found that support|(?:does not|doesn't) support the provided",
    r"not supported for (?:the )?task|supported tasks?:",
    r"(?:does not|doesn't|do not|don't) support (?:tools?|tool (?:use|calling|choice)|function"
    r"|image|vision|audio|video|pdf|streaming|system|json|response_format|logprobs|thinking"
    r"|reasoning|structured|parallel|the (?:requested|specified)|this (?:feature|parameter))",
    r"(?:tools?|function calling|vision|images?|streaming|json mode|response_format|logprobs"
    r"|thinking|reasoning) (?:is |are )?not supported",
    r"not supported (?:for|by|with) (?:this|the) model",
    r"(?:unsupported|not supported) (?:parameter|value|feature|operation|modality|content type)",
    r"on-demand throughput isn.t supported|with on-demand throughput",
    r"operation does not work with the specified model",
)
# A 404 for the path, not the model.
_WRONG_URL = any_of(
    r"no handler found|double[- ]check (?:your|the) url",
    r"404 status code \(no body\)",
    r"^(?:404:? )?not found\.?$|unexpected endpoint",
    r"invalid url|unknown url|unrecognized request url",
    r"page not found|route not found|path not found|no route (?:matches|found|for)",
    r"cannot (?:post|get) /",
    r"(?:not found|no handler)[: ]+(?:for )?(?:post |get )?/\w",
    r"resource not found",
    r"api version|api-version",
)

_MODEL_WORDING = (
    r"not found (?:the |this )?model|model ?(?:code|id|name)\b[^\n]{0,40}?(?:does not exist"
    r"|not found|invalid)",
    # Chinese: the model does not exist (模型不存在).
    r"模型[^。\n]{0,20}?不存在",
    r"no models? (?:is |are )?loaded|model (?:is )?not loaded|load a model",
    r"nomodelmatchingquery|no model matching",
    r"not a valid model(?: id)?\b|invalid model id|(?:is )?not servable",
    r"model[^\n]{0,80}?not supported by (?:any |the |this )?provider",
    r"\bmodels?\b[^\n]{0,160}?(?:does not exist|doesn't exist|not exists?\b|not found"
    r"|has been decommissioned|has been deprecated|was deprecated|was removed|has been removed"
    r"|has been retired|was retired|is retired|is no longer (?:supported|available|served)"
    r"|reached the end of its life|as legacy|is not (?:deployed|running|available))",
    r"(?:invalid|unknown|unsupported|no such|nonexistent|non-existent) model",
    r"model identifier is invalid",
    r"no endpoints found for",
    r"deployment for this resource does not exist|deployment[^.\n]{0,80}?(?:does not exist"
    r"|not found|is not (?:ready|running)|was not found)",
    # [^\n], not [^.\n]: the name between often holds a dot ("Mixtral-8x22B-Instruct-v0.1").
    r"endpoint[^\n]{0,100}?(?:does not exist|doesn't exist|not found|is (?:paused|not running"
    r"|scaled to zero|in a failed state|not ready)|is not (?:yet )?deployed)",
    r"try pulling it first",
    r"end[ -]of[ -]life",
)
_MODEL_EXISTS = any_of(*_MODEL_WORDING)
_MODEL = any_of(r"model_not_found|model_decommissioned|deploymentnotfound", *_MODEL_WORDING)

_PERMISSION = any_of(
    r"only authori[sz]ed for use with|cannot be used for other api requests",
    r"\bno permission\b|without permission|无权限|暂无权限|没有权限",
    r"(?:not activated|not enabled|not opened?) (?:the |this )?model|activate the model",
    r"permission[_ ]denied",
    r"(?:does not|doesn't|don't|do not) have (?:the )?(?:required )?permission",
    r"not authori[sz]ed to",
    r"\bnot allowed to\b",
    r"accessdenied|access denied|access is denied"
    r"|access to (?:this )?model is (?:denied|restricted)",
    r"(?:does not|doesn't|don't|do not) have access",
    r"country, region, or territory not supported",
    r"unsupported_country",
    r"(?:user )?location is not supported",
    r"not (?:available|supported) in your (?:country|region|location)",
    r"(?:region|country) (?:is )?not supported",
    r"organization must be verified|verify organization",
    r"public access is disabled",
    r"key based authentication is disabled",
    r"has not been used in project|it is disabled\. enable it",
    r"requests to this api .{0,200}are blocked",
    r"use case details have not been submitted",
    r"is not allowed to use publisher model",
    r"request not allowed",
    r"data policy",
    r"you must be a member of an organization",
    r"gated (?:repo|model)"
    r"|(?:must|need to) (?:accept|agree to) (?:the )?(?:terms|conditions|license)",
)

# A limit (rate, quota, capacity), and how long it lasts.
_LIMIT_WORDS = any_of(
    r"\blimit (?:reached|exceeded|exhausted)|request limit",
    r"too frequent",
    # Chinese: a limit (限额, 上限, 超限), throttling (限流), too frequent (频繁),
    # concurrency (并发).
    r"限额|上限|超限|限流|频繁|并发",
    r"rate[_ -]?limit",
    r"too many (?:requests|tokens|concurrent)",
    r"throttl",
    r"resource[_ ]exhausted|resource has been exhausted",
    r"wait before trying again",
    r"exceeded your current quota",
    r"quota exceeded",
    r"concurrency limit|concurrent requests",
)
_CAPACITY = any_of(
    r"not your (?:usage |rate )?limit|(?:temporarily )?limiting requests",
    r"(?:high|heavy) (?:traffic|demand|load)|experiencing high",
    # Chinese: traffic too heavy (访问量过大), busy (繁忙), overloaded (过载, 负载).
    r"访问量过大|繁忙|过载|负载过高",
    r"no capacity available",
    r"capacity exceeded",
    r"model_capacity_exhausted",
    r"over capacity|at capacity",
    r"overloaded",
)
_TOO_LARGE = any_of(r"request too large", r"reduce your message size")
# A limit that will not clear in seconds: per day or month, zero, or a reset hours away.
_LONG_WINDOW = any_of(
    r"\b\d+[ -]?(?:hours?|hr|h)\b (?:usage |rate )?(?:limit|window|cap)",
    # Chinese: today (今日), per day (每日, 每天), week (每周), month (每月), N hours (小时).
    r"今日|当日|每日|每天|每周|每月|本月|\d+ ?\n?小时",
    r"per[ _-]?day",
    r"perday",
    r"\bdaily\b",
    r"\b[rt]pd\b",
    r"/ ?day\b",
    r"per[ _-]?month|permonth|/ ?month\b|monthly",
    r"per[ _-]?week|weekly",
    r"reset (?:after|in) \d+ ?h",
    r"free[ _-]?tier (?:limit|quota)s? (?:has been |have been )?(?:exhausted|used up|reached)",
)
# A limit of zero never clears (Gemini's free tier in a region or for a model without one).
_ZERO_LIMIT = any_of(
    r"limit: ?0\b",
    r"quota_limit_value\W{0,4}\s*value\W{0,4}0\b",
    r"(?:doesn't|does not) have a free (?:quota )?tier|no free (?:quota|tier)\b",
)
# A region or country the service is not offered in: access, whatever the thing named.
# The client never reached the server (said outright, not guessed from a class name).
_NO_CONNECTION = any_of(r"failed to connect to all addresses|tcp handshake")
_GEO = any_of(r"not (?:available|supported|offered) in your (?:country|region|location|territory)")
_SHORT_WINDOW = any_of(
    r"每分钟|每秒|并发",
    r"per[ _-]?min(?:ute)?\b",
    r"perminute",
    r"\b[rt]pm\b|\bitpm\b|\botpm\b",
    r"/ ?min(?:ute)?\b",
    r"per[ _-]?second|persecond|\brps\b|\bqps\b",
    r"concurren",
)
# A stated wait: parsed only when a limit is being decided (see _wait_s).
_WAIT = any_of(
    r"(?:retry|try again|reset|resets|available|wait)\w*(?: (?:in|after|for))?:? ~?\d",
    r"retrydelay|retry-after|retry_after",
)
# Quota wording when nothing says the window (OpenAI's insufficient_quota text, also used by
# Gemini for its per-minute limits, which then name their window).
_QUOTA_DEFAULT = any_of(r"exceeded your current quota", r"plan and billing", r"insufficient_quota")
_QUOTA_LATE = any_of(
    r"insufficient[_ ]quota",
    r"exhausted (?:the |your )?(?:\w+ )?quota",
    r"exceeded (?:the |your )?(?:current )?(?:\w+ )?quota",
    r"\bfree (?:allocated |trial |tier )?(?:quota|credits?|tier|trial)\b[^.\n]{0,40}"
    r"(?:exhausted|exceeded|used up|run out)",
    r"quota (?:exceeded|exhausted)",
    r"exceeded (?:the |your )?quota",
)

# An output cap set too high is the request's fault; input over the window is context_length.
_OUTPUT_CAP = any_of(
    r"max_(?:new_|completion_|output_)?tokens|maxoutputtokens|max output tokens|num_predict",
    r"maximum (?:allowed )?(?:number of )?output tokens|output token limit",
)
# The output cap named as what is over its limit: the request must lower it, whatever the
# context window (Groq: "max_tokens must be less than or equal to 16384, the maximum value
# for max_tokens is less than the context_window for this model").
_OUTPUT_OVER = any_of(
    r"max_(?:new_|completion_|output_)?tokens`? (?:must be (?:less|smaller|lower|at most)"
    r"|is too (?:large|high|big)|cannot exceed|exceeds? (?:the )?(?:max|limit|allowed))",
    r"maximum value for max_(?:completion_|new_|output_)?tokens",
)
_INPUT_WORDS = any_of(
    # `messages` not followed by a quote or colon: the JSON key 'message' is not the input.
    r"\bprompts?\b|\binputs?\b|\bmessages?\b[^'\":]|\bcontext\b|input tokens|in the messages",
)
_BODY_SIZE = any_of(
    r"exceeds? the maximum (?:allowed )?size|maximum (?:request |body )?size",
    r"maximum allowed number of bytes|request entity too large|payload too large",
    r"body (?:is )?too large|request body (?:size|exceeds)|\bbytes\b[^.\n]{0,40}exceed"
    r"|exceeds? [^.\n]{0,40}\b(?:mb|kb|bytes)\b",
)

_CONTEXT = any_of(
    r"maximum supported sequence length|prompt is \d+ tokens long",
    r"context (?:length|window|size) of only|(?:greater|larger|more) than the (?:model'?s? )?"
    r"context (?:length|window|size)|context (?:the )?overflows?|\bn_keep\b|\bn_ctx\b",
    r"\binputs?`? (?:must have|must be) (?:less|fewer) than \d+ tokens",
    # vLLM derives max_tokens as the window less the prompt: negative means the prompt is over.
    r"max_(?:new_)?tokens must be at least 1, got -\d",
    r"range of input length|input token length|(?:prompt|input) (?:tokens? )?too long",
    r"exceeded (?:the )?model(?:'s)? (?:token|context) limit",
    r"max(?:imum)? input (?:characters|tokens)",
    r"tokens_too_long|characters_too_long",
    # Chinese: prompt or input too long (超长, 过长, 太长).
    r"(?:prompt|input|输入|上下文)\s*(?:长度)?\s*(?:超长|过长|太长|超出|超过)",
    r"context_length_exceeded",
    r"context[_ ]window",
    r"maximum context length|context length (?:is |of )?\d|context limit|context size",
    r"prompt is too long|prompt too long|input is too long|too long for (?:the )?requested model",
    r"input (?:length|size)[^.\n]{0,40}exceed",
    r"too many (?:input )?tokens(?:[:;]| in)",
    r"input token count",
    r"maximum prompt length",
    r"maximum number of tokens allowed",
    r"tokens? \+ `?max_new_tokens`? must be",
    r"exceeds? (?:the )?(?:model'?s? )?(?:maximum )?(?:context|token limit|input limit)",
    r"request_too_large|request too large",
    r"reduce the length of the messages",
    r"string_above_max_length|string too long",
    r"\btokens?\b[^.\n]{0,60}(?:exceeds?|greater than|more than|larger than|over) (?:the )?"
    r"(?:model'?s? )?(?:maximum|max|limit)",
)

_CONTENT = any_of(
    r"finish[_ ]?reason\W{0,4}recitation\b",
    r"content (?:exists )?risk|risky content|risk control",
    # Chinese: unsafe or sensitive content (不安全, 敏感), a violation (违规), content safety
    # (内容安全).
    r"敏感|不安全|违规|内容安全|审核未通过",
    r"content_filter|content[_ ]filtering|content management policy",
    r"content[_ ]policy",
    r"responsibleaipolicyviolation",
    r"safety system|safety (?:settings|filters?|reasons|check)|blocked (?:due to|for) safety",
    r"prohibited_content|blockreason|block_reason|blockedpromptexception",
    r"finish[_ ]?reason\W{0,4}(?:safety|prohibited_content|blocklist|spii|image_safety)\b",
    r"flagged",
    r"violat\w* (?:our |the |its )?(?:usage|content|safety|acceptable use)"
    r" (?:policy|policies|guidelines)",
    r"usage guidelines",
    r"output blocked|blocked (?:input|output)",
    r"(?:prompt|response|request|input|output|content) (?:was |is |has been )?blocked",
    r"moderation",
    r"inappropriate content|sensitive (?:content|words)|data inspection failed",
)

_ORDERING = any_of(
    r"must (?:start|begin) with an? [\w ]{0,20}block",
    r"expected (?:the )?(?:last|first) role|\blast role\b",
    r"cannot be provided in the same turn",
    r"messages? must be an? (?:odd|even) number|(?:length|number) of messages must be",
    r"invalid (?:message )?role\b|message role",
    r"roles must alternate|should alternate|must alternate",
    r"tool_use[^.\n]{0,40}without[^.\n]{0,20}tool_result|tool_result[^.\n]{0,80}tool_use",
    r"must be a response to a preced\w* message with .?tool_calls",
    r"tool_call_ids? [^.\n]{0,60}(?:did not have|not found|must be followed)",
    r"(?:first|last) message must (?:be|have)",
)

_OVERLOADED = any_of(
    r"(?:high|heavy) (?:traffic|demand|load)|experiencing high",
    r"overloaded",
    r"over capacity|at capacity|capacity exceeded|no capacity available",
    r"service ?unavailable",
    r"temporarily unavailable",
    r"server is busy|servers are busy|system is busy|too busy",
    r"not ready yet|model is not ready|modelnotready|currently loading|is loading",
    r"no (?:available|allowed) providers|no instances available",
)

_SERVER = any_of(
    r"background loop has errored|engine (?:is )?dead",
    r"while running the model|unexpected eof|post predict",
    r"\bunknown error\b|系统错误|内部错误|服务(?:器)?错误|服务异常",
    r"internal server error|internal error|internalserver",
    r"server had an error",
    r"bad gateway",
    r"upstream connect error",
    r"invalid response from (?:the )?(?:upstream|provider|model)",
    r"\bcrash(?:ed|es)?\b|failed during generation|generation error",
)
# A failure after the 200: the stream broke on the provider's side. Read before network
# wording, which a gateway's class name ("APIConnectionError") can put in the text.
_MIDSTREAM = any_of(
    r"stream error: stream id|internal_error; received from peer|rst_stream",
    r"error (?:occurred )?(?:during|while|in the middle of) (?:the )?stream",
    r"stream (?:was )?(?:interrupted|terminated|ended) unexpectedly",
    r"(?:raised|returned|sent) a streaming error|streaming error",
)

_TIMEOUT = any_of(
    r"timeout",
    r"timed out",
    r"deadline[_ ](?:exceeded|expired)",
    r"took too long",
)

_NETWORK = any_of(
    r"failed to connect to all addresses|tcp handshake",
    r"self[- ]signed certificate|cannot connect to (?:the )?api",
    r"connect etimedout|connect(?:ion)? attempt timed out",
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

_BAD_REQUEST = any_of(
    r"expected [^.\n]{0,60}, but (?:found|got)",
    r"invalid '?\w+'? type|expected one of|unable to tokenize",
    r"invalid params?\b|参数错误|参数无效|参数不合法",
    r"could not parse the json body|invalid json|malformed",
    r"unrecognized request argument",
    r"is a required property|missing required|field required",
    r"extra inputs are not permitted|unknown (?:parameter|field|name)",
    r"failed to deserialize",
    r"invalid (?:value|type|request|parameter|argument)",
    r"validation error",
)

RULES = TextRules(
    {
        "money": _MONEY,
        "barred": _BARRED,
        "billing_cause": _BILLING_CAUSE,
        "key": _KEY,
        "names_key": _NAMES_THE_KEY,
        "unsupported": _UNSUPPORTED,
        "wrong_url": _WRONG_URL,
        "model": _MODEL,
        "model_exists": _MODEL_EXISTS,
        "permission": _PERMISSION,
        "limit": _LIMIT_WORDS,
        "capacity": _CAPACITY,
        "too_large": _TOO_LARGE,
        "long_window": _LONG_WINDOW,
        "zero_limit": _ZERO_LIMIT,
        "geo": _GEO,
        "no_connection": _NO_CONNECTION,
        "short_window": _SHORT_WINDOW,
        "wait": _WAIT,
        "quota_default": _QUOTA_DEFAULT,
        "quota_late": _QUOTA_LATE,
        "output_cap": _OUTPUT_CAP,
        "output_over": _OUTPUT_OVER,
        "input_words": _INPUT_WORDS,
        "body_size": _BODY_SIZE,
        "context": _CONTEXT,
        "content": _CONTENT,
        "ordering": _ORDERING,
        "overloaded": _OVERLOADED,
        "server": _SERVER,
        "midstream": _MIDSTREAM,
        "timeout": _TIMEOUT,
        "network": _NETWORK,
        "bad_request": _BAD_REQUEST,
    }
)

# After the limit decision, the first of these groups in the text decides.
_LATE_RULES: tuple[tuple[str, Reason], ...] = (
    ("quota_late", R.QUOTA_EXHAUSTED),
    # Message ordering is named precisely; a context phrase beside it is usually a gateway's
    # fallback failing after the first error (LiteLLM lists every deployment it tried).
    ("ordering", R.BAD_REQUEST),
    ("context", R.CONTEXT_LENGTH),
    ("content", R.CONTENT_FILTER),
    ("midstream", R.SERVER_ERROR),
    ("overloaded", R.OVERLOADED),
    ("timeout", R.TIMEOUT),
    ("network", R.NETWORK),
    ("server", R.SERVER_ERROR),
    ("bad_request", R.BAD_REQUEST),
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
    "asyncenginedeaderror": R.SERVER_ERROR,  # vLLM: its engine loop died
    "enginedeaderror": R.SERVER_ERROR,
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

_GATEWAY_TIMEOUTS = frozenset({504, 522, 524})

# Statuses one provider gives its own meaning.
_PROVIDER_STATUS: dict[tuple[str, int], Reason] = {
    ("groq", 498): R.OVERLOADED,  # Flex Tier Capacity Exceeded
    ("cohere", 498): R.CONTENT_FILTER,  # blocked input or output
}

# Codes one provider gives its own meaning, read before the shared table.
_PROVIDER_CODES: dict[tuple[str, str], Reason] = {
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
_PROVIDER_FAMILY = {
    "qwen": "dashscope",
    "alibaba": "dashscope",
    "aliyun": "dashscope",
    "bailian": "dashscope",
    "modelstudio": "dashscope",
    "model_studio": "dashscope",
}

_STATUS_IN_TEXT = re.compile(r"(?i)\b(?:error code|status(?: code)?|http)[:= ]+([45]\d\d)\b")
_GATEWAY_CLASS = re.compile(r"litellm\.(\w+)")
_EMBEDDED_JSON = re.compile(r"[{\[]")
_GEMINI_BLOCK_FINISH = frozenset(
    {"safety", "prohibited_content", "blocklist", "spii", "recitation", "image_safety"}
)
_DURATION = re.compile(
    # (?![a-z]), not \b: a unit runs straight into the next amount in "7m12s".
    r"(\d+(?:\.\d+)?) ?(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)"
    r"(?![a-z])"
)
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_LIMIT_REQUESTED = re.compile(r"limit:? ?(\d+)[^.\n]{0,40}?requested:? ?~?(\d+)")
_WAIT_AT = re.compile(
    r"(?:retry|try again|reset|resets|available|wait)\w*(?: (?:in|after|for))?:? ~?"
    r"((?:\d+(?:\.\d+)? ?[a-z]+ ?){1,3})"
)

# A limit clears in seconds when it asks to wait at most this long; longer is a quota.
RATE_WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class Explanation:
    """Which rule decided, for an operator checking a surprising reason."""

    classification: Classification
    rule: str  # e.g. "code", "text:money", "status"
    evidence: str  # the code, the words or the status that decided
    why: str  # the rule, in a sentence
    status: int | None
    codes: tuple[str, ...]  # innermost first
    text: str  # the wording read, lower-cased


def classify(
    status_code: int | None,
    error_type: str | None = None,
    error_code: str | None = None,
    error_message: str | None = None,
    *,
    provider: str | None = None,
    body: Mapping[str, Any] | list[Any] | str | None = None,
    retry_after_s: float | None = None,
) -> Classification:
    """The reason for one failure, from whatever the provider and SDK told us."""
    if body is None:
        return _remembered(
            status_code, error_type, error_code, error_message, provider, retry_after_s
        )
    return _decided(
        status_code, error_type, error_code, error_message, provider, retry_after_s, body
    )


def _decided(
    status_code: int | None,
    error_type: str | None,
    error_code: str | None,
    error_message: str | None,
    provider: str | None,
    retry_after_s: float | None,
    body: object = None,
) -> Classification:
    reason = _run(
        status_code, error_type, error_code, error_message, provider, body, retry_after_s
    )[0]
    return _classification(reason, status_code, error_type, error_code, error_message)


# classify() without a body, remembered: in an outage one wording arrives thousands of times a
# second, and the rules are pure, so each distinct failure is decided once. Messages are at
# most 2,000 characters (events.py): the cache holds at most about 2 million.
_remembered = lru_cache(maxsize=1024)(_decided)


def explain(
    status_code: int | None,
    error_type: str | None = None,
    error_code: str | None = None,
    error_message: str | None = None,
    *,
    provider: str | None = None,
    body: Mapping[str, Any] | list[Any] | str | None = None,
    retry_after_s: float | None = None,
) -> Explanation:
    """classify(), with the rule that decided and its evidence."""
    reason, rule, evidence, facts, status, text = _run(
        status_code, error_type, error_code, error_message, provider, body, retry_after_s
    )
    if rule.startswith("text:") and not evidence:
        evidence = RULES.phrase(rule[5:].split("+", 1)[0], text) or ""
    return Explanation(
        classification=_classification(reason, status_code, error_type, error_code, error_message),
        rule=rule,
        evidence=evidence,
        why=_WHY.get(rule) or _WHY.get(rule.split("+", 1)[0], rule),
        status=status,
        codes=tuple(c for _, c in sorted(facts.codes, key=lambda dc: -dc[0])),
        text=text,
    )


def _classification(
    reason: Reason,
    status_code: int | None,
    error_type: str | None,
    error_code: str | None,
    error_message: str | None,
) -> Classification:
    return Classification(
        reason=reason,
        user_actionable=reason in USER_ACTIONABLE,
        retryable=reason in RETRYABLE,
        fingerprint=unknown_fingerprint(status_code, error_type, error_code, error_message)
        if reason is Reason.UNKNOWN
        else None,
    )


def _run(
    status_code: int | None,
    error_type: str | None,
    error_code: str | None,
    error_message: str | None,
    provider: str | None,
    body: object,
    retry_after_s: float | None,
) -> tuple[Reason, str, str, _Evidence, int | None, str]:
    facts = _Evidence()
    if body is not None:
        _read_evidence(body, facts)
    if error_code:
        facts.code(error_code, 0)
    if error_type:
        facts.code(error_type.rsplit(".", 1)[-1], 0, as_text=False)  # a class name, not wording
    if error_message:
        facts.add_text(error_message)
        if not facts.codes or facts.codes == [(0, (error_type or "").rsplit(".", 1)[-1].lower())]:
            _read_embedded(error_message, facts)
    if retry_after_s is not None:
        facts.wait_s = retry_after_s
    status = status_code if status_code is not None else facts.status
    if status is None and error_message:
        # Only the message survived: "Error code: 429 - {...}", "Status: 429".
        match = _STATUS_IN_TEXT.search(error_message)
        status = int(match.group(1)) if match else None
    text = " ".join(facts.texts).lower()
    gateway: list[str] = []
    if "litellm." in text:
        # A gateway's class names are evidence, read after the provider's own words.
        gateway = [n.lower() for n in _GATEWAY_CLASS.findall(text)]
        text = _GATEWAY_CLASS.sub(" ", text)
    family = (provider or "").lower()
    family = _PROVIDER_FAMILY.get(family, family)
    reason, rule, evidence = _decide(facts, status, error_type, family, text, gateway)
    return reason, rule, evidence, facts, status, text


class _Evidence:
    """Codes (with their depth: deeper is closer to the provider) and wording."""

    __slots__ = ("codes", "status", "texts", "wait_s")

    def __init__(self) -> None:
        self.codes: list[tuple[int, str]] = []
        self.texts: list[str] = []
        self.status: int | None = None
        self.wait_s: float | None = None  # a wait the provider asked for, in seconds

    def add_text(self, value: str) -> None:
        if value not in self.texts:  # the body's message is often the exception's too
            self.texts.append(value)

    def code(self, value: object, depth: int, *, as_text: bool = True) -> None:
        if value.__class__ is bool:
            return
        if value.__class__ is int:
            self.status_at(value)
            return
        if not isinstance(value, str) or not value:
            return
        if value.isdigit():  # Azure's "429", LiteLLM's "400": the status again
            self.status_at(int(value))
            return
        self.codes.append((depth, value.strip().lower()))
        if as_text:
            self.add_text(value)

    def status_at(self, value: int) -> None:
        if 400 <= value <= 599:
            self.status = value  # the last read is the innermost


def _decide(
    facts: _Evidence,
    status: int | None,
    error_type: str | None,
    provider: str,
    text: str,
    gateway: list[str],
) -> tuple[Reason, str, str]:
    hits = RULES.hits(text) if text else _NO_HITS
    reason, rule, evidence = _decide_reason(
        facts, status, error_type, provider, text, hits, gateway
    )
    if reason is Reason.NETWORK and status is not None and status >= 500:
        # Envoy's 503 "upstream connect error ... Connection refused": a response came.
        return _by_status(status) or Reason.SERVER_ERROR, "5xx_not_network", str(status)
    if reason is Reason.CONTEXT_LENGTH and ("output_over" in hits or _output_larger(text)):
        # The window is overrun by the output asked for, not by the input: lower max_tokens.
        return Reason.BAD_REQUEST, "output_cap", RULES.phrase("output_over", text) or ""
    if reason is Reason.INVALID_KEY and not _credential_signal(facts, status, error_type, hits):
        # One gateway blip must not take every key of a provider away: a 5xx, or a 400 that
        # only mentions a token, is not a verdict on the key.
        if status is not None and status >= 500:
            return _by_status(status) or Reason.SERVER_ERROR, "5xx_not_key", str(status)
        if status is not None:
            return Reason.BAD_REQUEST, "token_not_key", str(status)
        return Reason.UNKNOWN, "token_not_key", ""
    return reason, rule, evidence


# How a context-length error splits its tokens between the input and the output asked for.
_TOKEN_SPLIT = (
    # OpenAI, DeepSeek, vLLM: "(568 in the messages, 6048 in the completion)"
    re.compile(r"(?P<i>\d+) in the messages,? (?P<o>\d+) in the completion"),
    # OpenRouter: "(658 of text input, 732 of tool input, 262000 in the output)"
    re.compile(
        r"(?P<i>\d+) of text input(?:, (?P<t>\d+) of tool input)?,? (?P<o>\d+) in the output"
    ),
    # TGI: "Given: 1000 `inputs` tokens and 1024 `max_new_tokens`"
    re.compile(r"given: (?P<i>\d+) `?inputs`? tokens and (?P<o>\d+) `?max_new_tokens"),
    # vLLM: "your request has 8 input tokens plus 2045 'max_tokens'"
    re.compile(r"(?P<i>\d+) input tokens plus (?P<o>\d+) '?max_tokens"),
    # Anthropic: "input length and `max_tokens` exceed context limit: 197626 + 8192 > 200000"
    re.compile(r"(?P<i>\d+) \+ (?P<o>\d+) > \d+"),
)


def _output_larger(text: str) -> bool:
    """Whether the output asked for is at least as large as the input, where the message
    says both: then lowering max_tokens is the fix, not shortening the input."""
    if "in the" not in text and "given:" not in text and " + " not in text and " plus " not in text:
        return False
    for pattern in _TOKEN_SPLIT:
        m = pattern.search(text)
        if m is not None:
            inputs = int(m["i"]) + int(m.groupdict().get("t") or 0)
            return int(m["o"]) >= inputs
    return False


def _credential_signal(
    facts: _Evidence, status: int | None, error_type: str | None, hits: Hits
) -> bool:
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
    if status is None and _STATUS_CLASS_NAMES.get(name) is Reason.INVALID_KEY:
        return True  # an SDK's AuthenticationError raised before any response
    if status in (401, 403):
        return True
    return "names_key" in hits


def _decide_reason(
    facts: _Evidence,
    status: int | None,
    error_type: str | None,
    provider: str,
    text: str,
    hits: Hits,
    gateway: list[str],
) -> tuple[Reason, str, str]:
    # 1. The principal, not the key, is barred; money is the remedy whatever the code says.
    if "barred" in hits:
        if "billing_cause" in hits or "money" in hits:
            return Reason.QUOTA_EXHAUSTED, "text:barred+billing", ""
        return Reason.PERMISSION_DENIED, "text:barred", ""
    if "money" in hits:
        return Reason.QUOTA_EXHAUSTED, "text:money", ""

    # 2. The provider's own specific codes, innermost first.
    codes = [c for _, c in sorted(facts.codes, key=lambda dc: -dc[0])]
    for code in codes:
        own = _PROVIDER_CODES.get((provider, code))
        if own is not None:
            return own, "provider_code", f"{provider} {code}"
        found = _SPECIFIC_CODES.get(code)
        if found is None:
            continue
        if found == _LIMIT:
            reason, rule = _limit_reason(text, hits, facts, Reason.RATE_LIMITED)
            return reason, f"code+{rule}", code
        assert isinstance(found, Reason)
        reason, rule = _refine(found, hits)
        return reason, f"code+{rule}" if rule else "code", code

    # 3. The wording.
    by_text = _by_text(text, hits, status, codes, facts)
    if by_text is not None:
        return by_text[0], by_text[1], ""

    # 4. Generic codes, a gateway's class names, exception classes, then the status.
    for code in codes:
        if code in _GENERIC_CODES:
            return _GENERIC_CODES[code], "generic_code", code
    for code in gateway:
        found = _SPECIFIC_CODES.get(code) or _STATUS_CLASS_NAMES.get(code)
        if isinstance(found, Reason) and found is not Reason.UNKNOWN:
            return found, "gateway_class", code
    for code in codes:
        if code in _EXCEPTION_NAMES:
            return _EXCEPTION_NAMES[code], "exception_class", code
    if status is not None:
        special = _PROVIDER_STATUS.get((provider, status))
        if special is not None:
            return special, "provider_status", f"{provider} {status}"
        by_status = _by_status(status)
        if by_status is not None:
            return by_status, "status", str(status)
    name = (error_type or "").rsplit(".", 1)[-1].lower()
    found_name = _STATUS_CLASS_NAMES.get(name)
    if found_name is not None:
        return found_name, "status_class", name
    return Reason.UNKNOWN, "none", ""


def _refine(reason: Reason, hits: Hits) -> tuple[Reason, str]:
    """A specific code, unless the wording says the key's owner must do something else."""
    if reason in (Reason.OVERLOADED, Reason.SERVER_ERROR) and "no_connection" in hits:
        # google.api_core's ServiceUnavailable for "failed to connect to all addresses": gRPC
        # never reached the server, whatever class it raised.
        return Reason.NETWORK, "no_connection"
    if reason is Reason.MODEL_NOT_FOUND:
        if "unsupported" in hits:  # the model exists; it cannot do what was asked
            return Reason.BAD_REQUEST, "unsupported"
        # OpenAI answers "Project X does not have access to model Y" with model_not_found.
        if "model_exists" not in hits and "permission" in hits:
            return Reason.PERMISSION_DENIED, "permission"
    if reason is Reason.QUOTA_EXHAUSTED and "short_window" in hits and "long_window" not in hits:
        # Bedrock's ServiceQuotaExceededException also covers per-minute token quotas, and
        # some providers reuse OpenAI's insufficient_quota for a per-minute throttle.
        return Reason.RATE_LIMITED, "short_window"
    if reason is Reason.CONTEXT_LENGTH and "body_size" in hits and "input_words" not in hits:
        return Reason.BAD_REQUEST, "body_size"  # bytes, not tokens: a body-size limit
    return reason, ""


def _limit_reason(text: str, hits: Hits, facts: _Evidence, default: Reason) -> tuple[Reason, str]:
    """A limit was hit: an overload, a quota (long window, zero, money) or a rate limit."""
    if "money" in hits:
        return Reason.QUOTA_EXHAUSTED, "text:money"
    if "capacity" in hits:
        return Reason.OVERLOADED, "text:capacity"
    if "too_large" in hits or _requested_over_limit(text):
        # Groq's and OpenAI's "Request too large ... on tokens per minute": no wait makes it fit.
        return Reason.CONTEXT_LENGTH, "text:too_large"
    if "zero_limit" in hits:
        return Reason.QUOTA_EXHAUSTED, "text:zero_limit"
    # The window decides over the wait: "requests per day ... try again in 6s" is a sliding
    # daily window with one slot free now and the cap hit again on the next call.
    if "long_window" in hits:
        return Reason.QUOTA_EXHAUSTED, "text:long_window"
    wait = facts.wait_s if facts.wait_s is not None else _wait_s(text, hits)
    if wait is not None and wait > RATE_WINDOW_S:
        return Reason.QUOTA_EXHAUSTED, "wait"
    if "short_window" in hits or wait is not None:
        return Reason.RATE_LIMITED, "text:short_window" if wait is None else "wait"
    if "quota_default" in hits:
        return Reason.QUOTA_EXHAUSTED, "text:quota_default"
    return default, "limit"


def _wait_s(text: str, hits: Hits) -> float | None:
    """The wait a limit message asks for ("try again in 7m12.5s", "retry after 20 seconds")."""
    if "wait" not in hits:
        return None
    m = _WAIT_AT.search(text)
    if m is None:
        return None
    total = 0.0
    found = False
    for amount, unit in _DURATION.findall(m.group(1)):
        total += float(amount) * _UNIT_S.get(unit[:2] if unit.startswith("ms") else unit[0], 1.0)
        found = True
    return total if found else None


def _requested_over_limit(text: str) -> bool:
    """One request larger than the whole limit ("Limit 30000, Requested 50000")."""
    m = _LIMIT_REQUESTED.search(text)
    return m is not None and int(m.group(2)) > int(m.group(1))


def _by_text(
    text: str, hits: Hits, status: int | None, codes: list[str], facts: _Evidence
) -> tuple[Reason, str] | None:
    if not text:
        return None
    if "key" in hits:
        return Reason.INVALID_KEY, "text:key"
    if "unsupported" in hits:
        return Reason.BAD_REQUEST, "text:unsupported"
    # Model existence comes before permissions: "does not exist or you do not have access to
    # it" is a model problem, "Project X does not have access to model Y" a permission one.
    if "geo" in hits:
        # "This model is not available in your region": the model exists, the caller's
        # location has no access to it.
        return Reason.PERMISSION_DENIED, "text:geo"
    if "model" in hits:
        return Reason.MODEL_NOT_FOUND, "text:model"
    # A safety block is named precisely; xAI sends it as a 403 with gRPC's generic "caller
    # does not have permission" beside it.
    if "content" in hits and "permission" in hits:
        return Reason.CONTENT_FILTER, "text:content"
    if "permission" in hits:
        return Reason.PERMISSION_DENIED, "text:permission"
    if status in _GATEWAY_TIMEOUTS:
        # A gateway's timeout status is what happened; its page may still guess at why
        # ("the origin is overloaded, firewalling Cloudflare, or unreachable").
        return Reason.TIMEOUT, "status"
    # LM Studio answers a wrong path with a 200 and an error body.
    if "wrong_url" in hits and status in (None, 200, 404, 400, 405):
        return Reason.BAD_REQUEST, "text:wrong_url"
    # A limit phrase inside a context-length message ("too many tokens: ...") is not a limit.
    limit_hint = any(_SPECIFIC_CODES.get(c) == _LIMIT for c in codes) or status == 429
    if limit_hint or ("limit" in hits and "context" not in hits):
        default = Reason.RATE_LIMITED if status in (None, 429) else _status_or_rate(status)
        reason, rule = _limit_reason(text, hits, facts, default)
        if reason is Reason.RATE_LIMITED and status is not None and status >= 500:
            # "503 Too many connections, please wait": the provider's capacity, not the key's.
            return Reason.OVERLOADED, "5xx_limit"
        return reason, rule
    if "output_cap" in hits and "context" not in hits:
        return Reason.BAD_REQUEST, "text:output_cap"
    if "body_size" in hits and "input_words" not in hits:
        return Reason.BAD_REQUEST, "text:body_size"
    for group, reason in _LATE_RULES:
        if group in hits:
            return reason, f"text:{group}"
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


class _NoHits:
    def __contains__(self, group: str) -> bool:
        return False


_NO_HITS: Any = _NoHits()

_WHY = {
    "text:barred": "the account, organisation or project is barred: a new key on it would not help",
    "text:barred+billing": "the account is barred for unpaid billing: paying fixes it",
    "text:money": "the wording names money (credits, balance, billing, a spend limit)"
    " as the remedy",
    "code": "the provider's own specific error code",
    "code+unsupported": "a model-not-found code, but the model exists and cannot serve the feature",
    "code+permission": "a model-not-found code whose wording says access, not existence",
    "code+short_window": "a quota code whose window is seconds or a minute: a rate limit",
    "code+body_size": "a size code about bytes, not tokens: the body is over the size limit",
    "code+text:money": "a limit code whose remedy is money",
    "code+text:capacity": "a limit code that says the provider has no capacity",
    "code+text:too_large": "a limit code for one request larger than the whole limit",
    "code+text:long_window": "a limit code over a day or a month",
    "code+text:zero_limit": "a limit code with a limit of 0: it never clears by waiting",
    "code+wait": "a limit code; the wait it asks for decides (over 60 s: a quota)",
    "code+text:short_window": "a limit code over seconds or a minute",
    "code+text:quota_default": "a limit code whose wording says quota, with no window stated",
    "code+limit": "a limit code with no window stated",
    "text:key": "the wording says the key is wrong, missing or expired",
    "text:unsupported": "the model exists but does not support what was asked",
    "text:model": "the wording says the model or deployment does not exist or is retired",
    "text:permission": "the wording says access is denied",
    "text:geo": "the wording says the service is not offered where the caller is",
    "code+no_connection": "an unavailable class, but the wording says the client never connected",
    "text:wrong_url": "the wording says the URL or path is wrong",
    "text:capacity": "a limit that says the provider has no capacity",
    "text:too_large": "one request larger than the whole per-minute limit",
    "text:long_window": "a limit over a day or a month",
    "text:zero_limit": "a limit of 0: it never clears by waiting",
    "wait": "a limit; the wait it asks for decides (over 60 s: a quota)",
    "text:short_window": "a limit over seconds or a minute",
    "text:quota_default": "a limit whose wording says quota, with no window stated",
    "limit": "a limit with no window stated",
    "text:output_cap": "an output cap (max_tokens) set too high, not the input",
    "output_cap": "the window is overrun by the output asked for (max_tokens), not the input",
    "text:body_size": "the body is over a size limit in bytes",
    "generic_code": "a generic code, read after the wording",
    "gateway_class": "a gateway's class name, read after the provider's own code and words",
    "exception_class": "the exception's class, raised without a status",
    "provider_status": "a status this provider gives its own meaning",
    "provider_code": "a code this provider gives its own meaning (its documentation)",
    "status": "the HTTP status alone",
    "status_class": "an SDK class named after a status",
    "5xx_not_key": "credential wording under a 5xx is the server's or gateway's failure",
    "5xx_limit": "a limit under a 5xx is the provider's capacity, not the key's",
    "5xx_not_network": "connection wording under a 5xx: the server answered, so it is its failure",
    "token_not_key": "a token mentioned in a sense other than the key",
    "none": "nothing known decided: unknown",
}
for _group, _reason in _LATE_RULES:
    _WHY.setdefault(f"text:{_group}", f"the wording says {_reason.value}")


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
_EXTRA_TEXT_KEYS = ("quotaId", "quotaMetric", "description", "domain")


def _read_evidence(body: object, facts: _Evidence) -> None:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        parsed = json_text(body)
        if parsed is None:
            facts.add_text(body)
            return
        body = parsed
    _collect(body, facts, 0)


def _read_embedded(message: str, facts: _Evidence) -> None:
    """An error re-wrapped as text ("AnthropicError - {...}", openai's "Error code: 400 -
    {'error': {...}}"): the structure inside is the provider's own, read as the innermost."""
    start = message.find("{")
    end = message.rfind("}")
    if start < 0 or end <= start or end - start > 20_000:
        return
    chunk = message[start : end + 1]
    try:
        parsed: object = json.loads(chunk)
    except ValueError:
        try:
            parsed = ast.literal_eval(chunk)  # a Python repr of the body: literals only
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return
    _collect(parsed, facts, _RAW_DEPTH_BONUS)


def _collect(node: object, facts: _Evidence, depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if node.__class__ is list:
        for item in node[:8]:
            _collect(item, facts, depth + 1)
        return
    if node.__class__ is not dict and not isinstance(node, Mapping):
        return
    get = node.get
    for key in _CODE_KEYS:
        value = get(key)
        if value is None:
            continue
        if key == "type" and value == "error":  # Anthropic's envelope
            continue
        if key == "__type" and isinstance(value, str):  # AWS JSON: "prefix#ThrottlingException"
            value = re.split(r"[#:]", value)[-1] if "#" in value else value.split(":")[0]
        if isinstance(value, str) and len(value) > 200:
            continue
        facts.code(value, depth)
    for key in _TEXT_KEYS:
        value = get(key)
        if value is None:
            continue
        if isinstance(value, str):
            facts.add_text(value)
        elif isinstance(value, Mapping | list):  # Mistral's 422, FastAPI's detail list
            _collect(value, facts, depth + 1)
            facts.add_text(str(value))
    for key in _EXTRA_TEXT_KEYS:
        value = get(key)
        if isinstance(value, str):
            facts.add_text(value)
    if "retryDelay" in node:  # google.rpc.RetryInfo
        delay = retry_delay_s(node)
        if delay is not None:
            facts.wait_s = delay
    error = get("error")
    if isinstance(error, str):  # xAI {"code": ..., "error": "..."}, plain {"error": "..."}
        facts.add_text(error)
    elif error is not None:
        _collect(error, facts, depth + 1)
    for key in _NESTED_KEYS:
        value = get(key)
        if value is not None and isinstance(value, Mapping | list):
            _collect(value, facts, depth + 1)
    if "ResponseMetadata" in node:  # botocore ClientError.response
        meta = get("ResponseMetadata")
        if isinstance(meta, Mapping):
            facts.code(meta.get("HTTPStatusCode"), depth)
    for key, value in node.items():
        # Bedrock stream events: {"throttlingException": {...}}
        if key.__class__ is str and key.endswith("Exception") and isinstance(value, Mapping):
            facts.code(key, depth + 1)
            _collect(value, facts, depth + 1)
    if "metadata" in node:
        _read_gateway(node, facts, depth)
    if "promptFeedback" in node or "candidates" in node or "choices" in node:
        _read_blocks(node, facts, depth)


def _read_gateway(node: Mapping[str, Any], facts: _Evidence, depth: int) -> None:
    """OpenRouter keeps the upstream error in metadata.raw, sometimes as a JSON string."""
    metadata = node.get("metadata")
    if not isinstance(metadata, Mapping):
        return
    if "flagged_input" in metadata or "reasons" in metadata:  # moderation
        facts.code("moderation_blocked", depth + 1)
    raw = upstream_raw(node)
    if isinstance(raw, str):
        facts.add_text(raw)
    elif raw is not None:
        _collect(raw, facts, depth + _RAW_DEPTH_BONUS)


def _read_blocks(node: Mapping[str, Any], facts: _Evidence, depth: int) -> None:
    """A 200 whose content was withheld: Gemini blockReason/finishReason, OpenAI finish_reason."""
    feedback = node.get("promptFeedback")
    if isinstance(feedback, Mapping) and feedback.get("blockReason"):
        facts.code("content_filter", depth + 1)
        facts.add_text(str(feedback.get("blockReason")))
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
