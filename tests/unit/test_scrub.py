"""Key scrubbing over real provider error texts.

Every key in this file is assembled at run time from pieces (prefix + seeded random body), so the
file holds no key-shaped literal for the commit hook to find.
"""

from __future__ import annotations

import base64
import json
import random
import string
import traceback
from collections.abc import Callable

import pytest

from keywatch.scrub import looks_secret, scrub, scrub_mapping

ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"
UPPER_DIGITS = string.ascii_uppercase + string.digits
TRUNCATED = "...[truncated]"


def body(n: int, alphabet: str = ALNUM, seed: str = "") -> str:
    """A deterministic random key body (str seeds are hashed with SHA-512, not `hash()`)."""
    rng = random.Random(f"{n}/{alphabet}/{seed}")
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def jwt(seed: str = "") -> str:
    return ".".join(
        (
            b64url({"alg": "RS256", "typ": "JWT"}),
            b64url({"sub": body(12, seed=seed), "aud": "https://cognitiveservices.azure.com"}),
            body(86, B64URL, seed),
        )
    )


# Secret bodies; the full key is hint + body. Shapes from each provider's docs and console.
OPENAI_PROJ = body(156, B64URL, "proj")
OPENAI_LEGACY = body(48)
OPENAI_SVC = body(156, B64URL, "svc")
ANTHROPIC = body(93, B64URL, "ant") + "AA"
ANTHROPIC_ADMIN = body(93, B64URL, "admin") + "AA"
GOOGLE = body(35, B64URL, "aiza")
GOOGLE_OAUTH = "a0AfB_by" + body(150, B64URL, "ya29")
XAI = body(80)
GROQ = body(52)
OPENROUTER = body(64, HEX)
PPLX = body(48, seed="pplx")
FIREWORKS = body(24)
TOGETHER = body(43, B64URL, "tgp")
TOGETHER_HEX = body(64, HEX, "together")
HF = body(34, seed="hf")
MISTRAL = body(32, seed="mistral")
COHERE = body(40, seed="cohere")
DEEPSEEK = body(32, HEX, "deepseek")
AWS_ID = body(16, UPPER_DIGITS)
AWS_SECRET = body(40, B64, "aws")
AWS_SESSION = body(300, B64, "session")
AWS_SIGNATURE = body(64, HEX, "sig")
AZURE = body(32, HEX, "azure")
AZURE_JWT = jwt("azure")
SAS_SIG = body(43, B64, "sas")
FB_TOKEN = body(180, seed="fb")
PASSWORD = body(20, seed="pw")
BASIC = base64.b64encode(f"api:{PASSWORD}".encode()).decode()

ORG = "org-" + body(24, seed="org")
REQUEST_ID = "req_011CSHoEeqs5C35K2UUqR7Fy"
CHATCMPL = "chatcmpl-" + body(29, seed="chatcmpl")
UUID = "3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b"

# (text, secrets that must be absent, substrings that must remain)
LEAKS = [
    pytest.param(
        "Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-"
        + OPENAI_PROJ
        + ". You can find your API key at https://platform.openai.com/account/api-keys.', "
        "'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}",
        [OPENAI_PROJ],
        ["sk-proj-[REDACTED]", "https://platform.openai.com/account/api-keys", "invalid_api_key"],
        id="openai-sdk-401-project-key",
    ),
    pytest.param(
        "Incorrect API key provided: sk-" + OPENAI_LEGACY + ". You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        [OPENAI_LEGACY],
        ["sk-[REDACTED]"],
        id="openai-legacy-key",
    ),
    pytest.param(
        # OpenAI's own mask keeps the last four; the whole echo goes anyway.
        "Incorrect API key provided: sk-svcacct-" + "*" * 40 + OPENAI_SVC[-4:] + ".",
        [OPENAI_SVC[-4:], "****"],
        ["sk-svcacct-[REDACTED]."],
        id="openai-masked-echo",
    ),
    pytest.param(
        "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': "
        "'authentication_error', 'message': 'invalid x-api-key'}, 'request_id': '"
        + REQUEST_ID
        + "'}\nRequest headers: {'x-api-key': 'sk-ant-api03-"
        + ANTHROPIC
        + "', 'anthropic-version': '2023-06-01'}",
        [ANTHROPIC],
        ["'sk-ant-[REDACTED]'", REQUEST_ID, "invalid x-api-key"],
        id="anthropic-401-with-headers",
    ),
    pytest.param(
        'curl https://api.anthropic.com/v1/organizations/users --header "x-api-key: sk-ant-admin01-'
        + ANTHROPIC_ADMIN
        + '" --header "anthropic-version: 2023-06-01"',
        [ANTHROPIC_ADMIN],
        ["x-api-key: sk-ant-[REDACTED]"],
        id="anthropic-admin-key-curl",
    ),
    pytest.param(
        # httpx.HTTPStatusError's str(): the request URL carries Gemini's ?key=.
        "Client error '400 Bad Request' for url 'https://generativelanguage.googleapis.com/v1beta/"
        "models/gemini-1.5-flash:generateContent?key=AIza"
        + GOOGLE
        + "'\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/400",
        [GOOGLE],
        ["gemini-1.5-flash:generateContent?key=[REDACTED]'", "Status/400"],
        id="gemini-httpx-url-key",
    ),
    pytest.param(
        "400 INVALID_ARGUMENT. {'error': {'code': 400, 'message': 'API key not valid. Please pass "
        "a valid API key.', 'status': 'INVALID_ARGUMENT', 'details': [{'@type': "
        "'type.googleapis.com/google.rpc.ErrorInfo', 'reason': 'API_KEY_INVALID'}]}} "
        "headers={'x-goog-api-key': 'AIza" + GOOGLE + "'}",
        [GOOGLE],
        ["'x-goog-api-key': 'AIza[REDACTED]'", "API key not valid.", "API_KEY_INVALID"],
        id="gemini-header-key",
    ),
    pytest.param(
        "google.auth.exceptions.RefreshError: ('invalid_grant: Bad Request', {'error': "
        "'invalid_grant'}) while sending Authorization: Bearer ya29." + GOOGLE_OAUTH,
        [GOOGLE_OAUTH, GOOGLE_OAUTH[8:40]],
        ["Bearer ya29.[REDACTED]"],
        id="google-oauth-access-token",
    ),
    pytest.param(
        "Traceback (most recent call last):\n"
        '  File "/srv/app/llm/groq.py", line 57, in complete\n'
        '    r = requests.post(URL, headers={"Authorization": "Bearer gsk_'
        + GROQ
        + '", "Content-Type": "application/json"}, json=payload, timeout=30)\n'
        "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: "
        "https://api.groq.com/openai/v1/chat/completions",
        [GROQ],
        ['"Bearer gsk_[REDACTED]"', "https://api.groq.com/openai/v1/chat/completions"],
        id="traceback-authorization-header-groq",
    ),
    pytest.param(
        "Error code: 400 - {'code': 'Client specified an invalid argument', 'error': 'Incorrect "
        "API key provided'} headers: {'authorization': 'Bearer xai-" + XAI + "'}",
        [XAI],
        ["'Bearer xai-[REDACTED]'"],
        id="xai-header",
    ),
    pytest.param(
        '{"error":{"message":"User not found.","code":401}} Authorization: Bearer sk-or-v1-'
        + OPENROUTER,
        [OPENROUTER],
        ["Bearer sk-or-v1-[REDACTED]", "User not found."],
        id="openrouter-bearer",
    ),
    pytest.param(
        "Environment: PERPLEXITY_API_KEY=pplx-"
        + PPLX
        + " FIREWORKS_API_KEY=fw_"
        + FIREWORKS
        + " TOGETHER_API_KEY=tgp_v1_"
        + TOGETHER
        + " HF_TOKEN=hf_"
        + HF,
        [PPLX, FIREWORKS, TOGETHER, HF],
        ["pplx-[REDACTED]", "fw_[REDACTED]", "tgp_v1_[REDACTED]", "hf_[REDACTED]"],
        id="env-dump-prefixed-keys",
    ),
    pytest.param(
        'together.error.AuthenticationError: Error code: 401 - {"message": "Invalid API key '
        'provided. You can find your API key at https://api.together.xyz/settings/api-keys.", '
        '"type_": "invalid_request_error"} (client created with api_key=\'' + TOGETHER_HEX + "')",
        [TOGETHER_HEX],
        ["api_key='[REDACTED]'", "https://api.together.xyz/settings/api-keys"],
        id="together-hex-key",
    ),
    pytest.param(
        'mistralai.models.sdkerror.SDKError: API error occurred: Status 401\n{\n  "message":'
        '"Unauthorized",\n  "request_id":"' + UUID.replace("-", "") + '"\n}\n'
        "Authorization: Bearer " + MISTRAL,
        [MISTRAL],
        ["Authorization: Bearer [REDACTED]", UUID.replace("-", "")],
        id="mistral-bearer",
    ),
    pytest.param(
        "cohere.errors.unauthorized_error.UnauthorizedError: status_code: 401, body: "
        "{'message': 'invalid api token'}\n"
        '    co = cohere.ClientV2(api_key="' + COHERE + '")',
        [COHERE],
        ['api_key="[REDACTED]"', "invalid api token"],
        id="cohere-api-key-kwarg",
    ),
    pytest.param(
        "openai.AuthenticationError: Error code: 401 (base_url=https://api.deepseek.com) "
        "{'Authorization': 'Bearer sk-" + DEEPSEEK + "'}",
        [DEEPSEEK],
        ["'Bearer sk-[REDACTED]'", "https://api.deepseek.com"],
        id="deepseek-bearer",
    ),
    pytest.param(
        "An error occurred (IncompleteSignatureException) when calling the InvokeModel operation:"
        " Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 "
        "Credential=AKIA"
        + AWS_ID
        + "/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature="
        + AWS_SIGNATURE,
        [AWS_ID, AWS_SIGNATURE],
        ["Credential=AKIA[REDACTED]/20250101/us-east-1/bedrock", "IncompleteSignatureException"],
        id="botocore-signature-message",
    ),
    pytest.param(
        "    client = boto3.client('bedrock-runtime', aws_access_key_id='ASIA"
        + AWS_ID
        + "', aws_secret_access_key='"
        + AWS_SECRET
        + "', aws_session_token='"
        + AWS_SESSION
        + "')\nbotocore.exceptions.ClientError: An error occurred (UnrecognizedClientException) "
        "when calling the InvokeModel operation: The security token included in the request is "
        "invalid.",
        [AWS_ID, AWS_SECRET, AWS_SESSION[:40]],
        ["'ASIA[REDACTED]'", "aws_secret_access_key='[REDACTED]'", "security token included"],
        id="botocore-traceback-credentials",
    ),
    pytest.param(
        "Error code: 401 - {'error': {'code': '401', 'message': 'Access denied due to invalid "
        "subscription key or wrong API endpoint. Make sure to provide a valid key for an active "
        "subscription and use a correct regional API endpoint for your resource.'}}\n"
        "POST https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
        "?api-version=2024-10-21 headers={'api-key': '" + AZURE + "'}",
        [AZURE],
        ["'api-key': '[REDACTED]'", "?api-version=2024-10-21", "invalid subscription key"],
        id="azure-openai-401-api-key-header",
    ),
    pytest.param(
        "Error code: 401 - {'statusCode': 401, 'message': 'Unauthorized. Access token is missing,"
        " invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.'}"
        " Authorization: Bearer " + AZURE_JWT,
        [AZURE_JWT.split(".")[1], AZURE_JWT.split(".")[2]],
        ["Bearer eyJ[REDACTED]", "Access token is missing"],
        id="azure-entra-jwt",
    ),
    pytest.param(
        "redis.exceptions.AuthenticationError: invalid username-password pair for "
        "redis://default:" + PASSWORD + "@redis-123.c1.us-east-1.ec2.cloud.redislabs.com:6379",
        [PASSWORD],
        ["redis://[REDACTED]@redis-123.c1"],
        id="url-userinfo",
    ),
    pytest.param(
        "ResourceNotFound for https://acct.blob.core.windows.net/c/f.json?sv=2022-11-02"
        "&se=2025-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=" + SAS_SIG + "%3D&x=1",
        [SAS_SIG],
        ["&sig=[REDACTED]&x=1", "?sv=2022-11-02"],
        id="azure-sas-sig",
    ),
    pytest.param(
        "GET https://graph.facebook.com/v19.0/me?fields=id&access_token=" + FB_TOKEN + " 400",
        [FB_TOKEN],
        ["&access_token=[REDACTED] 400"],
        id="url-access-token",
    ),
    pytest.param(
        "proxy said 407: Proxy-Authorization: Basic " + BASIC + "\r\nHost: api.openai.com",
        [BASIC],
        ["Proxy-Authorization: Basic [REDACTED]\r\n"],
        id="basic-auth",
    ),
    pytest.param(
        "[default]\naws_access_key_id = AKIA" + AWS_ID + "\naws_secret_access_key = " + AWS_SECRET,
        [AWS_ID, AWS_SECRET],
        ["aws_access_key_id = AKIA[REDACTED]", "aws_secret_access_key = [REDACTED]"],
        id="aws-credentials-file",
    ),
    pytest.param(
        "psycopg.OperationalError: connection failed: password=" + PASSWORD[:8] + " user=app",
        [PASSWORD[:8]],
        ["password=[REDACTED] user=app"],
        id="short-password",
    ),
]

# Text that must come out exactly as it went in.
CLEAN = [
    pytest.param(
        "Rate limit reached for gpt-4o-mini-2024-07-18 in organization "
        + ORG
        + " on tokens per min (TPM): Limit 200000, Used 199000, Requested 1500. Please try again "
        "in 450ms. Visit https://platform.openai.com/account/rate-limits to learn more.",
        id="openai-rate-limit-with-org",
    ),
    pytest.param(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in"
        " 130412 tokens. Please reduce the length of the messages. (max_tokens: 4096)",
        id="openai-context-length",
    ),
    pytest.param(
        "You exceeded your current quota, please check your plan and billing details.",
        id="openai-quota",
    ),
    pytest.param(
        "{'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid "
        "x-api-key'}, 'request_id': '" + REQUEST_ID + "'}",
        id="anthropic-401",
    ),
    pytest.param(
        "{'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}, "
        "'request_id': '" + REQUEST_ID + "'}",
        id="anthropic-overloaded",
    ),
    pytest.param(
        "{'error': {'code': 400, 'message': 'API key not valid. Please pass a valid API key.', "
        "'status': 'INVALID_ARGUMENT', 'details': [{'reason': 'API_KEY_INVALID'}]}}",
        id="gemini-invalid-key",
    ),
    pytest.param(
        "Error code: 401 - {'error': {'message': 'Authentication Fails, Your api key: ****"
        + DEEPSEEK[-4:]
        + " is invalid', 'type': 'authentication_error', 'code': 'invalid_request_error'}}",
        id="deepseek-provider-masked",
    ),
    pytest.param(
        "Incorrect API key provided: xa***" + XAI[-2:] + ". You can obtain an API key from "
        "https://console.x.ai.",
        id="xai-provider-masked",
    ),
    pytest.param(
        "An error occurred (UnrecognizedClientException) when calling the InvokeModel operation:"
        " The security token included in the request is invalid.",
        id="botocore-bad-token",
    ),
    pytest.param(
        "An error occurred (InvalidSignatureException): The request signature we calculated does "
        "not match the signature you provided. Check your AWS Secret Access Key and signing "
        "method. Authorization header requires 'Credential' parameter.",
        id="botocore-bad-signature",
    ),
    pytest.param(
        "Access denied due to invalid subscription key or wrong API endpoint. POST "
        "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
        "?api-version=2024-10-21",
        id="azure-401-and-url",
    ),
    pytest.param(
        "response " + CHATCMPL + " model claude-3-5-sonnet-20241022 / gemini-1.5-flash-002 / "
        "llama-3.1-70b-versatile / gpt-4o-mini-2024-07-18 / mistral-large-latest",
        id="ids-and-model-names",
    ),
    pytest.param("x-request-id: " + UUID + ", Idempotency-Key: " + UUID, id="uuid"),
    pytest.param("cache key 9f2c4e1a7b3d5f60 for model gpt-4o", id="short-hash-after-key"),
    pytest.param(
        "Bearer token is missing or malformed; Basic authentication is not supported; the Basic "
        "plan has no access. Token limit exceeded.",
        id="auth-words",
    ),
    pytest.param(
        "task-1234567890123456789012 failed in asia-northeast1 (risk-assessment, scikit-learn "
        "sk-learn); see https://api.openai.com/v1/chat/completions",
        id="lookalike-words",
    ),
    pytest.param(
        "key=kf_0123456789abcdef reason=invalid_key uid=" + body(28, seed="uid"),
        id="keywatch-fingerprint",
    ),
    pytest.param(
        "idempotency key req_011CSHoEeqs5C35K2UUqR7Fy, token msg_01XFDUDYJgAACzvnptvVoYEL",
        id="public-ids-after-keywords",
    ),
]


def _windows(secret: str, n: int = 8) -> list[str]:
    return [secret[i : i + n] for i in range(max(1, len(secret) - n + 1))]


def assert_no_secret(out: str, secret: str) -> None:
    assert secret not in out
    for w in _windows(secret):
        assert w not in out, f"fragment {w!r} of a secret survived"


@pytest.mark.parametrize(("text", "secrets", "kept"), LEAKS)
def test_keys_in_real_errors_are_redacted(text: str, secrets: list[str], kept: list[str]) -> None:
    """Keys echoed in provider errors are replaced by their hint; the rest of the text stays."""
    out = scrub(text)
    assert out is not None
    for secret in secrets:
        assert_no_secret(out, secret)
    for part in kept:
        assert part in out
    assert not looks_secret(out)


@pytest.mark.parametrize("text", CLEAN)
def test_no_false_positives(text: str) -> None:
    """Ordinary error text, request ids, model names, UUIDs, org ids and masks are untouched."""
    assert scrub(text) == text
    assert not looks_secret(text)


@pytest.mark.parametrize(("text", "secrets", "kept"), LEAKS)
def test_looks_secret_sees_raw_keys(text: str, secrets: list[str], kept: list[str]) -> None:
    """`looks_secret` flags every leaking text before scrubbing."""
    assert looks_secret(text)


@pytest.mark.parametrize(("text", "secrets", "kept"), LEAKS)
def test_idempotent(text: str, secrets: list[str], kept: list[str]) -> None:
    """Scrubbing scrubbed text changes nothing, truncated or not."""
    for limit in (2000, 120, 60):
        once = scrub(text, limit)
        assert scrub(once, limit) == once


def test_none_stays_none() -> None:
    """A missing field stays missing rather than becoming text."""
    assert scrub(None) is None


def test_short_text_is_unchanged_and_long_text_truncated() -> None:
    """Output never exceeds `limit`; when cut, it ends with the marker."""
    assert scrub("short", 10) == "short"
    out = scrub("word " * 1000, 100)
    assert out is not None
    assert len(out) <= 100 and out.endswith(TRUNCATED)
    assert scrub("x" * 2000) == "x" * 2000


def test_truncation_never_exposes_part_of_a_key() -> None:
    """A key straddling the limit is redacted before the cut, so no fragment of it survives."""
    secret = body(156, B64URL, "straddle")
    for pad in range(1900, 2000, 7):
        out = scrub("x" * pad + " sk-proj-" + secret + " tail", 2000)
        assert out is not None and len(out) <= 2000
        assert_no_secret(out, secret)


def test_huge_input_is_bounded_and_scrubbed() -> None:
    """A megabyte of text is cut to `limit` and keys anywhere in it are gone."""
    secret = body(48, seed="huge")
    text = "sk-" + secret + " " + "lorem ipsum " * 90_000 + "sk-" + secret
    out = scrub(text)
    assert out is not None
    assert len(out) <= 2000 and out.endswith(TRUNCATED)
    assert out.startswith("sk-[REDACTED] lorem")
    assert_no_secret(out, secret)


def test_tiny_and_negative_limits() -> None:
    """A limit smaller than the marker still holds; a negative one is a caller bug."""
    out = scrub("abc def ghi jkl mno", 5)
    assert out is not None and len(out) <= 5
    assert scrub("", 0) == ""
    with pytest.raises(ValueError):
        scrub("text", -1)


def test_scrub_mapping_openai_error_body() -> None:
    """Nested OpenAI error JSON: strings scrubbed, other values and shape kept."""
    raw: dict[str, object] = {
        "error": {
            "message": "Incorrect API key provided: sk-proj-" + OPENAI_PROJ + ".",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        },
        "status": 401,
        "retryable": False,
    }
    out = scrub_mapping(raw)
    assert out == {
        "error": {
            "message": "Incorrect API key provided: sk-proj-[REDACTED].",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        },
        "status": 401,
        "retryable": False,
    }
    assert_no_secret(json.dumps(out), OPENAI_PROJ)


def test_scrub_mapping_anthropic_error_body_with_lists() -> None:
    """Anthropic's error shape plus header lists: lists, tuples and bytes are walked too."""
    raw: dict[str, object] = {
        "type": "error",
        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
        "request_id": REQUEST_ID,
        "headers": [("x-api-key", "sk-ant-api03-" + ANTHROPIC), ("retry-after", 3)],
        "raw": ("sk-ant-admin01-" + ANTHROPIC_ADMIN).encode(),
        "trace": [{"url": "https://api.example.com/v1?api_key=" + MISTRAL}],
    }
    out = scrub_mapping(raw, limit=50)
    dumped = json.dumps(out)
    for secret in (ANTHROPIC, ANTHROPIC_ADMIN, MISTRAL):
        assert_no_secret(dumped, secret)
    assert out["request_id"] == REQUEST_ID
    assert out["error"] == {"type": "authentication_error", "message": "invalid x-api-key"}
    assert out["headers"] == [["x-api-key", "sk-ant-[REDACTED]"], ["retry-after", 3]]
    assert out["raw"] == "sk-ant-[REDACTED]"
    trace = out["trace"]
    assert isinstance(trace, list)
    assert trace[0]["url"].endswith("?api_key=[REDACTED]")
    assert not looks_secret(dumped)


def test_scrub_mapping_truncates_each_string() -> None:
    """`limit` applies to every string value, not to the whole body."""
    out = scrub_mapping({"a": "y " * 100, "b": {"c": ["z " * 100]}}, limit=20)
    assert isinstance(out["a"], str) and len(out["a"]) <= 20
    assert out["b"] == {"c": [scrub("z " * 100, 20)]}


def test_httpx_status_error_str() -> None:
    """The real httpx HTTPStatusError message, which prints the request URL, loses the key."""
    httpx = pytest.importorskip("httpx")
    url = (
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent"
        "?key=AIza" + GOOGLE + "&alt=sse"
    )
    request = httpx.Request("POST", url)
    response = httpx.Response(400, request=request)
    with pytest.raises(httpx.HTTPStatusError) as info:
        response.raise_for_status()
    out = scrub(str(info.value))
    assert out is not None
    assert_no_secret(out, GOOGLE)
    assert "generateContent?key=[REDACTED]&alt=sse" in out


def test_real_traceback_with_headers() -> None:
    """A formatted traceback whose exception prints request headers loses the bearer token."""
    headers = {"Authorization": "Bearer " + MISTRAL, "Content-Type": "application/json"}
    try:
        raise RuntimeError(f"401 Unauthorized for POST /v1/chat/completions headers={headers}")
    except RuntimeError as exc:
        text = "".join(traceback.format_exception(exc))
    out = scrub(text, 10_000)
    assert out is not None
    assert_no_secret(out, MISTRAL)
    assert "'Authorization': 'Bearer [REDACTED]'" in out
    assert "Traceback (most recent call last)" in out


# Key families for the randomized test: (name, make(rng) -> (text to embed, secret part)).
def _family(
    prefix: str, n: int, alphabet: str = ALNUM, context: str = "", end: str = "", tail: str = ""
) -> Callable[[random.Random], tuple[str, str]]:
    def make(rng: random.Random) -> tuple[str, str]:
        secret = "".join(rng.choice(alphabet) for _ in range(n)) + end
        return context + prefix + secret + tail, secret

    return make


FAMILIES = {
    "openai-legacy": _family("sk-", 48),
    "openai-proj": _family("sk-proj-", 156, B64URL),
    "openai-svcacct": _family("sk-svcacct-", 156, B64URL),
    "openai-admin": _family("sk-admin-", 156, B64URL),
    "anthropic": _family("sk-ant-api03-", 93, B64URL, end="AA"),
    "anthropic-admin": _family("sk-ant-admin01-", 93, B64URL, end="AA"),
    "google": _family("AIza", 35, B64URL),
    "google-oauth": _family("ya29.", 160, B64URL + "."),
    "xai": _family("xai-", 80),
    "groq": _family("gsk_", 52),
    "openrouter": _family("sk-or-v1-", 64, HEX),
    "perplexity": _family("pplx-", 48),
    "fireworks": _family("fw_", 24),
    "together": _family("tgp_v1_", 43, B64URL),
    "together-hex": _family("", 64, HEX, context="api_key="),
    "huggingface": _family("hf_", 34),
    "deepseek": _family("sk-", 32, HEX),
    "mistral": _family("", 32, context="Authorization: Bearer "),
    "cohere": _family("", 40, context='"api_key": "'),
    "azure": _family("", 32, HEX, context="api-key: "),
    "aws-id": _family("AKIA", 16, UPPER_DIGITS),
    "aws-session-id": _family("ASIA", 16, UPPER_DIGITS),
    "aws-secret": _family("", 40, B64, context="aws_secret_access_key="),
    "basic": _family("", 40, B64, context="Authorization: Basic "),
    "url-key": _family("", 39, B64URL, context="https://x.googleapis.com/v1/m?key="),
    "url-userinfo": _family("", 24, ALNUM + "-_.~", context="https://user:", tail="@h.io/p"),
}
FILLER = [
    "error",
    "invalid",
    "request",
    "the",
    "API",
    "key",
    "provided",
    "model",
    "gpt-4o",
    "status",
    "401",
    "Unauthorized",
    "rate",
    "limit",
    "token",
    "tokens",
    "Authorization",
    "header",
    "{'error':",
    "'message':",
    "None,",
    "https://api.x.ai/v1",
    "org-1",
    "req_1",
    "retry",
    "failed",
    "quota",
]
BEFORE = [" ", "\n", "'", '"', "=", ": ", "(", "{'k': '", "\\n"]
AFTER = [" ", ".", ",", "'", '"', ")", "&x=1", "\n", "\\n", ". Next"]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_random_keys_in_random_text_are_removed(family: str) -> None:
    """A random key of each family, embedded anywhere in random text, never survives."""
    rng = random.Random(f"scrub/{family}")
    make = FAMILIES[family]
    for _ in range(200):
        key, secret = make(rng)
        words = rng.choices(FILLER, k=rng.randint(0, 30))
        at = rng.randint(0, len(words))
        text = (
            " ".join(words[:at])
            + rng.choice(BEFORE)
            + key
            + rng.choice(AFTER)
            + " ".join(words[at:])
        )
        out = scrub(text)
        assert out is not None
        assert_no_secret(out, secret)
        assert not looks_secret(out)
        assert scrub(out) == out


def test_a_dotted_error_code_of_words_is_not_a_key() -> None:
    """Apigee's `oauth.v2.InvalidApiKey` beside "errorcode" is a name of words, kept as it is."""
    text = (
        '{"fault": {"faultstring": "Invalid ApiKey",'
        ' "detail": {"errorcode": "oauth.v2.InvalidApiKey"}}}'
    )
    assert scrub(text) == text


def test_a_key_split_by_a_written_line_break_leaves_no_letters_behind() -> None:
    """The fuzz tier's find: a Groq key cut by a JSON `\\n` before 15 mixed-case letters with
    no digit. The tail is redacted with the key; a word after a break is left alone."""
    from keywatch.scrub import scrub

    key = "gsk_VPCk2dcAAdPvtwbIe3MFpVD92wUvqiNurjWH8\\ngoBsDfNuyocqjDM"
    assert "goBsDf" not in (scrub(key) or "")
    key = "gsk_wmnt2wVd7zDJC09nKVS1dC4tK4g0Ba9Hi1oHCrwv\\nhpYATdOETBLC"
    assert "hpYATd" not in (scrub(key) or "")
    text = "Incorrect API key provided: sk-proj-abc.\\nInvalidRequestError raised"
    assert scrub(text) == text
