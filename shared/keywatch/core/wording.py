"""The wording rules: named groups of phrases, in English and Chinese, searched in one pass.

Every group is searched in the same lower-cased text, in one pass (core/textrules.py). The
patterns keep to the syntax RE2 and `re` share. Which group decides, and in what order, is the
rules' business (core/classify.py); here are only the words. docs/classification.md says why
each group reads as it does.
"""

from __future__ import annotations

from keywatch.core.tables import documented_groups, vocabulary_groups
from keywatch.core.textrules import TextRules, any_of

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
    # Google's ErrorInfo reasons name the balance: INSUFFICIENT_G1_CREDITS_BALANCE.
    r"insufficient_\w{0,20}(?:credits?|balance|funds)",
    r"subscription (?:quota|usage|limit)s? (?:exceeded|exhausted|reached|used up)",
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
    # A budget a gateway enforces for a key, team, user or deployment (LiteLLM proxy's
    # "Budget has been exceeded", "ExceededBudget", "crossed budget": litellm/proxy/_types.py
    # ProxyErrorTypes.budget_exceeded; Portkey and OpenRouter budgets): money or its owner.
    r"budget (?:has been |was |is )?(?:exceeded|exhausted|crossed|reached|used up)",
    r"(?:exceeded|crossed|over|reached|exhausted) (?:the |your |its |their )?(?:\w+ ){0,2}budget",
    r"exceededbudget|budget_exceeded|max_budget",
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
    # Baidu's Qianfan SDK: "no enough credential found, use any one of (access_key, ...)".
    r"(?:no|not|no enough|not enough) (?:enough |valid )?credentials? (?:were |was )?found",
    r"set the `?\w*api_key`?[^.\n]{0,60}environment variable",
    r"default credentials were not found|defaultcredentialserror",
    r"(?:env(?:ironment)? var(?:iable)?|environment) [^.\n]{0,40}api_key[^.\n]{0,40}"
    r"(?:not set|missing)",
    # The SDKs' own words when no key was configured: openai-node and anthropic-sdk-typescript
    # ("The OPENAI_API_KEY environment variable is missing or empty"), LangChain ("Did not
    # find openai_api_key, please add an environment variable").
    r"\w*api_?key`? (?:env(?:ironment)? var(?:iable)?|environment variable) (?:is )?"
    r"(?:missing|not set|empty|required|undefined)",
    r"did not find `?\w*api_?key",
    r"\w*api_?key`? (?:env(?:ironment)? var(?:iable)?|environment variable) (?:was )?"
    r"(?:not found|not defined|not provided)",
    # google-genai (Go): "You need an API key to use this client".
    r"(?:you )?need an api[ _-]?key to use",
    r"missing (?:the )?authorization header|authorization header (?:is )?(?:missing|required)",
    r"(?:authentication|auth) key (?:is )?(?:missing|required|invalid)",
    # An OAuth session that expired (ChatGPT sign-in: "Could not validate your token. Please
    # try signing in again."): signing in again, a new credential, fixes it.
    r"could not validate your (?:token|credentials)|(?:sign|log)(?:ging)? ?in again",
    # A gateway's key pool or virtual keys (gpt-load "No active API keys available", Bifrost's
    # virtual_key_not_found, LobeHub's InvalidProviderAPIKey).
    r"no (?:active|valid) (?:api[ _-]?)?keys?\b",
    r"(?:virtual|api|access|secret|provider)[ _-]?key[ _-](?:not[ _-]found|invalid|expired"
    r"|revoked|missing)\b",
    r"invalid\w{0,20}api_?key",
    # An Entra ID token for another tenant than the resource's (Azure OpenAI, Azure AI
    # Foundry: "Token tenant X does not match resource tenant"): a credential for the right
    # tenant fixes it.
    r"tenant[^.\n]{0,80}(?:does not match|doesn't match|mismatch)[^.\n]{0,40}tenant",
    r"(?:does not|doesn't) match (?:the )?resource tenant|tenant provided in token",
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
    r"token tenant|resource tenant",
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
    r"404 (?:status code )?\(no body\)",
    # Starlette and FastAPI answer an unknown route with exactly {"detail":"Not Found"}.
    r"\{\s*['\"]detail['\"]:\s*['\"]not found['\"]\s*\}",
    r"^(?:404:? )?not found\.?$|unexpected endpoint",
    r"invalid url|unknown url|unrecognized request url",
    r"page not found|route not found|path not found|no route (?:matches|found|for)",
    r"cannot (?:post|get) /",
    r"(?:not found|no handler)[: ]+(?:for )?(?:post |get )?/\w",
    r"resource not found",
    r"api version|api-version",
    # The path, not the model: Cloudflare's API code 7003 ("Could not route to /client/v4/...,
    # perhaps your object identifier is invalid?"), a client asking to check its base URL, a
    # 404 that names the URL it tried, a server's access log of a 404 for a path.
    r"could not route to /",
    # Go's net/http answers an unknown path with exactly "404 page not found" (Ollama's router).
    r"\b404 page not found\b",
    r"(?:verify|check) (?:your |the )?(?:api[ _-]?base|base[ _-]?url|endpoint url)",
    r"\b404\b[^\n]{0,60}\burl: ?https?://|https?://\S+ not found\b",
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
    # A relay whose pool has nothing that serves the model (claude-relay-service: "No
    # available Claude accounts support the requested model"; one-api's 无可用渠道).
    r"no available [^.\n]{0,40}(?:support|serve)s? (?:the |this )?(?:requested )?model",
    # one-api, new-api and their forks: no channel of the key's groups serves the model
    # ("当前分组 %s 下对于模型 %s 无可用渠道", new-api's "分组 %s 下模型 %s 无可用渠道").
    r"无可用渠道|no available channel|no[ _]valid[ _]channel",
    r"no \w+(?: \w+)? (?:found )?that supports? (?:the |this )?(?:requested )?model",
    # A local engine that cannot run the model's architecture (mlx: "Model type gemma4 not
    # supported"; llama.cpp: "unknown model architecture").
    r"model type [\w.-]+ (?:is )?not supported|unknown model architecture",
    # A local server that could not load the model asked for (LM Studio "Failed to load
    # model 'x'", LocalAI "could not load model - all backends returned error"); lack of
    # memory is read first, as the machine's capacity.
    r"(?:could not|couldn't|cannot|can't|failed to|unable to) (?:auto-)?load (?:the )?model",
    # A local server whose model files are missing (mlx "No safetensors found", vLLM
    # "Cannot find any model weights", llama.cpp "failed to load model ... gguf").
    r"(?:no|cannot find any|could not find|couldn't find) (?:model )?(?:safetensors|gguf"
    r"|weights|model files?)\b",
    r"deployment for this resource does not exist|deployment[^.\n]{0,80}?(?:does not exist"
    r"|not found|is not (?:ready|running)|was not found)",
    # [^\n], not [^.\n]: the name between often holds a dot ("Mixtral-8x22B-Instruct-v0.1").
    r"endpoint[^\n]{0,100}?(?:does not exist|doesn't exist|not found|is (?:paused|not running"
    r"|scaled to zero|in a failed state|not ready)|is not (?:yet )?deployed)",
    r"try pulling it first",
    # A local server with no model in memory (LM Studio's "Model is unloaded.").
    r"model (?:is |was |has been )?unloaded",
    r"engine (?:is )?not loaded",  # Jan's cortex: "Engine is not loaded yet"
    # Google: "models/gemini-pro is not found for API version v1beta, or is not supported".
    r"is not found for api version",
    r"end[ -]of[ -]life",
)
_MODEL_EXISTS = any_of(*_MODEL_WORDING)
_MODEL = any_of(r"model_not_found|model_decommissioned|deploymentnotfound", *_MODEL_WORDING)

# A server's access log of a 404 for a malformed path ("GET /v1//models HTTP/1.1" 404): the
# path, read before any model named in it.
_BAD_PATH = any_of(
    r"\"(?:get|post|put|delete) /\S*//\S* http/[\d.]+\" 404\b",
    # A 404 with no body, or a web server's HTML page for it (nginx's "<title>404 Not
    # Found</title>"): no API answered at that path.
    r"\b404,? \(?no body\)?",
    r"<title>404 not found</title>",
    r"invalid url \((?:get|post|put|delete) /",
)

# A key, team or user whose allow-list does not include the model (LiteLLM proxy's
# key_model_access_denied and team_model_access_denied: "Invalid model for team X. Valid models
# for team are [...]"): the model exists, this credential may not call it.
_SCOPE = any_of(
    r"valid models for (?:this |the )?(?:team|key|user|organi[sz]ation|project|end user)",
    r"(?:team|key|user|token)\b[^.\n]{0,40}not allowed to (?:access|call|use) (?:this )?model",
    r"key_model_access_denied|team_model_access_denied",
    # Google IAM: "Permission 'aiplatform.endpoints.predict' denied on resource '...' (or it
    # may not exist)": the credential lacks a role; the hedge is not a missing model.
    r"permission '?[\w.]+'? denied on resource",
)
_PERMISSION = any_of(
    # A relay group open only to some clients (sub2api: "this group only allows Claude Code
    # clients"): the key is recognised, this client may not use it.
    r"only allows? [^.\n]{0,40}\bclients?\b",
    r"\baccess (?:is )?forbidden\b",
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
    # "request reached organization max RPM: 3" (Moonshot), "reached max request"
    r"reached (?:\w+ ){0,2}max(?:imum)? (?:rpm|tpm|rpd|tpd|requests?|concurrency|tokens?)\b",
    r"(?:hit|reached) (?:your |the )?(?:\w+ )?limit\b",
    r"too frequent",
    r"(?:are|is) (?:currently |temporarily )limited\b",
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
# A machine without the memory to load or run the model, or an engine that died: the server's
# failure, not the request's or the model's name (Ollama: "model requires more system memory
# (7.3 GiB) than is available (6.0 GiB)").
_MEMORY = any_of(
    r"requires more (?:system |gpu |v)?memory|(?:not enough|insufficient) (?:system |gpu |v)?"
    r"memory|out of memory|\boom\b|cuda error: out of memory",
    # A model process that died while loading or running (LM Studio "Error loading model.
    # (Exit code: ...)", a segfault): the engine failed, not the model's name.
    r"\(?exit (?:code|status):? ?-?\d|segmentation fault|core dumped"
    r"|process (?:exited|terminated) unexpectedly",
    # LocalAI's backends over gRPC: "rpc error: code = Unavailable desc = error reading from
    # server: EOF" (the backend process is gone).
    r"error reading from server: eof|rpc error: code = unavailable",
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
    # An hour is past the minute a rate limit clears in (SiliconFlow's "RPH limit reached").
    r"\b[rt]ph\b|per[ _-]?hour\b|/ ?hour\b|\bhourly\b",
    r"per[ _-]?week|weekly",
    r"reset (?:after|in) \d+ ?h",
    # A reset at a clock time or on a date is hours or days away (Claude's plan limits:
    # "You've hit your limit · resets 1:30am", "Limits will reset at 9:30 AM").
    r"resets?:? (?:at |on )?\d{1,2}(?::\d\d)? ?(?:am|pm)\b",
    r"resets?:? (?:at |on )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d",
    r"will reset at|resets? (?:at|on) (?:midnight|\d{4}-\d\d-\d\d)",
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
# A proxy between the caller and the provider refused or failed: the caller's network, not the
# key (RFC 9110 15.5.8 "407 Proxy Authentication Required"; requests' ProxyError; curl's
# "Received HTTP code 407 from proxy after CONNECT"; reqwest's "proxy authorization required").
_PROXY = any_of(
    r"proxy[- ]auth\w*|proxy authori[sz]ation|proxy authentication",
    r"407 (?:from )?proxy|from proxy after connect|tunnel connection failed",
    r"(?:unable|cannot|can't|failed) to connect to (?:the )?proxy|proxyerror",
)
_NO_CONNECTION = any_of(
    r"failed to connect to all addresses|tcp handshake",
    r"无法连接到所有地址",  # gRPC's words as google-api-core's translations print them
)
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
    # A relay's prepaid quota below the request's cost (one-api, new-api: "user quota is not
    # enough", "preConsumedQuota ... is not enough").
    r"quota\b[^.\n]{0,60}(?:is not enough|not sufficient|insufficient)",
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
    # Cohere: "max tokens must be less than or equal to 4096, the maximum output"
    r"max(?:imum)? (?:new |output |completion )?tokens must be (?:less|smaller|lower|at most)",
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
    r"context (?:length|window|size) of only",
    r"(?:greater|larger|more|longer) than the (?:model'?s? )?context (?:length|window|size)",
    r"context (?:the )?overflows?|\bn_keep\b|\bn_ctx\b",
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
    # The servers' own names for the window (vLLM max_model_len, SiliconFlow and TGI
    # max_seq_len / max_input_length): "length of prompt_tokens (68957) must be less than
    # max_seq_len (65536)".
    r"prompt_tokens[^.\n]{0,60}(?:must be less|exceeds?|greater than)",
    r"\bmax_(?:seq|model|input)_len(?:gth)?\b",
    r"context[_ ]window",
    r"maximum context length|context length (?:is |of )?\d|context limit|context size",
    r"prompt is too long|prompt too long|input is too long|too long for (?:the )?requested model",
    # llama.cpp and its forks: "Input prompt is too big compared to KV size".
    r"(?:prompt|input)s? (?:\w+ )?(?:is )?too (?:big|large) (?:compared to|for) (?:the )?"
    r"(?:kv|context|n_ctx)",
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
    # Gemini's block reasons as wrappers print them: "blocked for reason: SAFETY".
    r"block(?:ed)?\b[^.\n]{0,30}\breason\W{0,3}(?:safety|prohibited_content|blocklist|spii)\b",
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
    # Cloudflare AI Gateway's 2005 "Failed to get response from provider".
    r"failed to get (?:a )?response from (?:the )?(?:provider|upstream)",
    r"\bcrash(?:ed|es)?\b|failed during generation|generation error",
    # Ollama's llm/server.go: its runner did not start or stopped answering.
    r"no suitable llama servers? found|llm server not responding",
)
# A failure after the 200: the stream broke on the provider's side. Read before network
# wording, which a gateway's class name ("APIConnectionError") can put in the text.
_MIDSTREAM = any_of(
    r"stream error: stream id|internal_error; received from peer|rst_stream",
    r"error (?:occurred )?(?:during|while|in the middle of) (?:the )?stream",
    r"stream (?:was )?(?:interrupted|terminated|ended) unexpectedly",
    r"(?:raised|returned|sent) a streaming error|streaming error",
    # Codex and the relays that speak its protocol: "stream disconnected before completion",
    # "stream closed before response.completed".
    r"stream (?:disconnected|closed|ended) before (?:completion|response\.completed"
    r"|the response (?:was )?completed)",
    r"stream ended without (?:a )?(?:terminal event|completed response)",
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
    # errno names with their bounds: "ResourceNotFoundException" holds "enotfound".
    r"\beconnreset\b|\beconnrefused\b|\benotfound\b|socket hang up|fetch failed",
    # A client that says it could not connect, in its own words (continue: "Unable to connect
    # to local Ollama instance"), and the same in Chinese (无法连接, 连接失败, 网络异常,
    # 无法访问, 请检查服务是否可以正常访问).
    r"(?:unable|failed|cannot|can't|could not|couldn't) (?:to )?connect to\b",
    r"无法连接|连接失败|连接被拒绝|连接超时|网络异常|网络不可用|无法访问|是否可以正常访问|请检查网络",
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
    r"json: cannot unmarshal",  # Go's encoding/json: a field of the wrong type
    r"invalid (?:value|type|request|parameter|argument)",
    r"validation error",
)

_WORDING = {
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
    "scope": _SCOPE,
    "bad_path": _BAD_PATH,
    "memory": _MEMORY,
    "limit": _LIMIT_WORDS,
    "capacity": _CAPACITY,
    "too_large": _TOO_LARGE,
    "long_window": _LONG_WINDOW,
    "zero_limit": _ZERO_LIMIT,
    "geo": _GEO,
    "no_connection": _NO_CONNECTION,
    "proxy": _PROXY,
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
# What the runtimes print when no response came (core/tables/transport.py), and the messages
# the published tables document (core/tables), one group per reason: each family its own RE2 set.
_VOCABULARY = vocabulary_groups()
_DOCUMENTED = documented_groups()
RULES = TextRules(
    {**_WORDING, **_VOCABULARY, **_DOCUMENTED},
    shards=(tuple(_WORDING), tuple(_VOCABULARY), tuple(_DOCUMENTED)),
)
