"""The leak corpus: realistic error texts that echo each provider's key format.

With the key known (`report(api_key=)`, `track(api_key=)`), no run of 8 or more of its
characters may survive, in any text, whatever the format. With the key unknown, the rules must
catch every case except the ones listed in `UNKNOWN_KEY_MISSES` (and in the README). Ordinary
error texts (request ids, model names, URLs) must come through untouched, at a measured rate.

Every key is assembled at run time from a prefix and a seeded random body, so this file holds
no key-shaped literal.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from pathlib import Path

import pytest

from keywatch.scrub import KeyScrubber, scrub

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


def body(n: int, alphabet: str, seed: str) -> str:
    rng = random.Random(f"{n}/{alphabet}/{seed}")
    return "".join(rng.choice(alphabet) for _ in range(n))


# Each provider's key format, as its docs and consoles issue them: (public prefix, secret body).
KEY_FORMATS: dict[str, Callable[[str], tuple[str, str]]] = {
    "openai-project": lambda s: ("sk-proj-", body(156, B64URL, s)),
    "openai-service-account": lambda s: ("sk-svcacct-", body(156, B64URL, s)),
    "openai-legacy": lambda s: ("sk-", body(48, ALNUM, s)),
    "anthropic": lambda s: ("sk-ant-", "api03-" + body(95, B64URL, s) + "AA"),
    "openrouter": lambda s: ("sk-or-v1-", body(64, HEX, s)),
    "gemini": lambda s: ("AIza", body(35, B64URL, s)),
    "groq": lambda s: ("gsk_", body(52, ALNUM, s)),
    "xai": lambda s: ("xai-", body(80, ALNUM, s)),
    "deepseek": lambda s: ("sk-", body(32, HEX, s)),
    "mistral": lambda s: ("", body(32, ALNUM, s)),
    "cohere": lambda s: ("", body(40, ALNUM, s)),
    "together-legacy": lambda s: ("", body(64, HEX, s)),
    "together": lambda s: ("tgp_v1_", body(43, B64URL, s)),
    "azure-openai": lambda s: ("", body(32, HEX, s)),
    "azure-openai-84": lambda s: ("", body(84, ALNUM, s)),
    "aws-access-key-id": lambda s: ("AKIA", body(16, string.ascii_uppercase + "234567", s)),
    "aws-secret-access-key": lambda s: ("", body(40, B64, s)),
    "perplexity": lambda s: ("pplx-", body(48, ALNUM, s)),
    "fireworks": lambda s: ("fw_", body(24, ALNUM, s)),
    "huggingface": lambda s: ("hf_", body(34, ALNUM, s)),
    "replicate": lambda s: ("r8_", body(37, ALNUM, s)),
    "nvidia": lambda s: ("nvapi-", body(64, B64URL, s)),
}


def masked(key: str) -> str:
    """How consoles and some providers echo a key: its ends, the middle starred."""
    return key[:8] + "*" * 20 + key[-4:]


# How error texts echo a key. `{key}` is the key, `{masked}` a masked echo, `{cut}` the key cut
# short by a truncating logger.
TEMPLATES: dict[str, str] = {
    "openai-incorrect": "Incorrect API key provided: {key}. You can find your API key at "
    "https://platform.openai.com/account/api-keys.",
    "auth-failed-for": "Authentication failed for {key}",
    "not-valid": "{key} is not a valid API key",
    "credential-parens": "Invalid credential ({key})",
    "quoted-invalid": "The API key '{key}' is invalid or has been revoked.",
    "json-body": 'Error code: 401 - {{"error": {{"message": "invalid x-api-key", '
    '"api_key": "{key}", "type": "authentication_error"}}}}',
    "repr-dict": "Error code: 401 - {{'message': 'Unauthorized', 'key': '{key}'}}",
    "query-param": "Client error '400 Bad Request' for url 'https://generativelanguage."
    "googleapis.com/v1beta/models/gemini-1.5-pro:generateContent?key={key}'",
    "bearer-header": "Traceback (most recent call last):\n  headers={{'Authorization': "
    "'Bearer {key}', 'Content-Type': 'application/json'}}",
    "env-dump": "Missing region; environment: AWS_SECRET_ACCESS_KEY={key} AWS_REGION=us-east-1",
    "key-equals": "request rejected: key={key}",
    "with-key": "Request with key {key} was rejected by the upstream provider",
    "expired": "Your key {key} has expired; create a new one in the console.",
    "token-colon": "invalid token: {key}",
    "masked-echo": "Incorrect API key provided: {masked}.",
    "cut-short": "401 Unauthorized for {cut}",
    "bare-mid-sentence": "upstream said: {key} rejected (401)",
}

# (format, template) pairs the rules miss when the key is not known. Each is a key that no
# prefix, keyword or credential word gives away. The README lists them too.
UNKNOWN_KEY_MISSES = {
    # An AWS access key id cut to 13 characters: too short for the AKIA rule (AKIA + 16) and
    # for a random token (16), and 13 upper-case letters and digits are also ordinary ids.
    ("aws-access-key-id", "cut-short"),
}


def cases() -> list[tuple[str, str, str, str]]:
    """(format, template, secret body, text)."""
    out = []
    for fmt, make in KEY_FORMATS.items():
        prefix, secret = make(fmt)
        key = prefix + secret
        for name, template in TEMPLATES.items():
            text = template.format(key=key, masked=masked(key), cut=key[: len(key) * 2 // 3])
            out.append((fmt, name, secret, text))
    return out


CASES = cases()


def leaked_run(text: str, key: str, n: int = 8) -> str | None:
    """A run of `n` or more characters of `key` still in `text`, if any."""
    for i in range(len(key) - n + 1):
        if key[i : i + n] in text:
            return key[i : i + n]
    return None


def full_key(fmt: str) -> str:
    return "".join(KEY_FORMATS[fmt](fmt))


@pytest.mark.parametrize(
    ("fmt", "template", "secret", "text"), CASES, ids=[f"{c[0]}/{c[1]}" for c in CASES]
)
def test_a_known_key_never_survives(fmt: str, template: str, secret: str, text: str) -> None:
    key = full_key(fmt)
    out = scrub(text, 2000, key=KeyScrubber(key))
    assert out is not None
    assert leaked_run(out, key) is None, out  # not even its public prefix


def unknown_key_misses() -> set[tuple[str, str]]:
    misses = set()
    for fmt, name, secret, text in CASES:
        if name == "bare-mid-sentence":
            continue  # no rule can tell a bare key from text; it is listed, not tested
        out = scrub(text, 2000) or ""
        # The public prefix stays as the hint (`sk-proj-[REDACTED]`); 8 characters of the
        # secret body are a leak.
        if leaked_run(out, secret) is not None:
            misses.add((fmt, name))
    return misses


def test_unknown_keys_are_caught_except_the_listed_misses() -> None:
    assert unknown_key_misses() == UNKNOWN_KEY_MISSES


def test_a_bare_unprefixed_key_with_no_credential_word_is_the_known_gap() -> None:
    """Only the key itself can remove it: the reason `api_key=` matters."""
    key = "".join(KEY_FORMATS["mistral"]("gap"))
    text = TEMPLATES["bare-mid-sentence"].format(key=key)
    assert key in (scrub(text) or "")
    assert key not in (scrub(text, key=KeyScrubber(key)) or "")


# -- false positives ---------------------------------------------------------------------------

REQUEST_IDS = [
    "req_" + body(24, HEX, "oa"),
    "req_011C" + body(20, ALNUM, "an"),
    body(8, HEX, "u1")
    + "-"
    + body(4, HEX, "u2")
    + "-4"
    + body(3, HEX, "u3")
    + "-a"
    + body(3, HEX, "u4")
    + "-"
    + body(12, HEX, "u5"),
    body(16, HEX, "ray") + "-SJC",
    "chatcmpl-" + body(29, ALNUM, "cc"),
    "msg_01" + body(22, ALNUM, "msg"),
    "gen-" + body(10, string.digits, "or1") + "-" + body(20, ALNUM, "or2"),
    body(32, HEX, "trace"),
    "1-" + body(8, HEX, "xr1") + "-" + body(24, HEX, "xr2"),
]
MODELS = [
    "gpt-4o-mini-2024-07-18",
    "claude-3-5-sonnet-20241022",
    "claude-sonnet-4-5@20250929",
    "gemini-1.5-pro-002",
    "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "mistral-large-2411",
    "accounts/fireworks/models/llama-v3p1-405b-instruct",
    "command-r-plus-08-2024",
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B",
    "models/text-embedding-004",
    "ft:gpt-4o-mini-2024-07-18:acme::9abcDEF1",
]
URLS = [
    "https://api.openai.com/v1/chat/completions",
    "https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-pro:generateContent",
    "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku/invoke",
    "https://acme-eastus2.openai.azure.com/openai/deployments/gpt4o/chat/completions"
    "?api-version=2024-10-21",
    "https://openrouter.ai/api/v1/chat/completions",
    "https://console.groq.com/docs/rate-limits",
    "https://us-central1-aiplatform.googleapis.com/v1/projects/acme-prod-123456/locations/"
    "us-central1/publishers/google/models/gemini-2.0-flash-001:streamGenerateContent",
]
ORDINARY = [
    "Rate limit reached for {model} in organization org-{org} on tokens per min (TPM): Limit "
    "30000, Used 29876, Requested 1024. Please try again in 1.958s. Visit {url} to learn more.",
    "Request {rid} failed for model {model}: the server had an error while processing your "
    "request.",
    "The model `{model}` does not exist or you do not have access to it. (request id: {rid})",
    "Error calling {url}: 503 Service Unavailable; request-id {rid}; retry after 20s",
    "Token limit exceeded for {model}: 131072 tokens requested, maximum context length is "
    "128000 tokens. Request id {rid}.",
    "Could not find deployment for {model} at {url} (x-request-id: {rid})",
    "Your credit balance is too low to access the API for {model}. Request {rid}.",
    "max_tokens: 100000 > 8192, which is the maximum allowed number of output tokens for {model}",
    "Quota exceeded for quota metric 'Generate Content API requests per minute' and limit "
    "'GenerateContent request limit per minute for a region' of service "
    "'generativelanguage.googleapis.com' for consumer 'project_number:{digits}'.",
    "Invalid API key for request {rid} to {url}",
    "ThrottlingException: Too many tokens, please wait before trying again. RequestId: {rid}",
]


def ordinary_texts() -> list[str]:
    rng = random.Random("ordinary")
    out = []
    for template in ORDINARY:
        for _ in range(40):
            out.append(
                template.format(
                    model=rng.choice(MODELS),
                    url=rng.choice(URLS),
                    rid=rng.choice(REQUEST_IDS),
                    org=body(24, ALNUM, str(rng.random())).lower(),
                    digits=body(12, string.digits, str(rng.random())),
                )
            )
    return out


CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "provider_errors.jsonl"


def false_positives() -> tuple[int, int, list[str]]:
    texts = ordinary_texts()
    for line in CORPUS.read_text().splitlines():
        row = json.loads(line)
        # The corpus's own texts: those that hold no key (a masked echo is a key).
        for text in (row.get("error_message") or "", json.dumps(row.get("body"))):
            if "sk-" not in text and "REDACTED" not in text:
                texts.append(text)
    changed = [t for t in texts if scrub(t, 100_000) != t]
    return len(changed), len(texts), changed


def test_ordinary_error_texts_come_through_untouched() -> None:
    """The measured false-positive rate (README): 0 of the texts below."""
    changed, total, examples = false_positives()
    assert total > 800
    assert changed == 0, examples[:5]
