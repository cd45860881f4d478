"""`keywatch.validate_key`: ask the provider whether a key works, before an app saves it.

    check = keywatch.validate_key("openai", key, model="gpt-4o-mini")
    if not check.ok:
        return {"result": check.result, "remedy": check.remedy}   # the app localises the remedy

One request per check: each provider's cheapest authenticated call (a model list, or the key's
credit where the provider publishes it, see `ENDPOINTS`), its answer read by the same rules as
`keywatch.classify`. What a check promises:

- Only what the key's owner must fix is blamed on the key. A rate limit, a 5xx, a timeout, a
  DNS, connection or TLS failure, a redirect or an answer that is not the provider's JSON is
  `could_not_verify`, never `invalid_key`.
- Bounded: one deadline (`timeout_s`) covers name resolution, connect, TLS and every read, and
  at most 1 MiB of the answer is read.
- The key stays secret: it goes in a header, only to the provider's host (or the `base_url` the
  app configured) and only over HTTPS (plain HTTP to loopback alone, for local stand-ins);
  redirects are never followed. No field of a `KeyCheck`, no log record and no exception raised
  here holds it: a check carries the key's fingerprint, and provider text quoted in `detail` is
  scrubbed of the key and of anything key-shaped.

Standard library only (http.client, ssl): this runs in the backend's process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import http.client
import json
import logging
import math
import re
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final
from urllib.parse import urlsplit

from keywatch import _http
from keywatch.core.opsevents import Event, ops_event
from keywatch.fingerprint import key_fingerprint
from keywatch.scrub import REDACTED, KeyScrubber, remove_key, scrub_message

__all__ = [
    "ALIASES",
    "ENDPOINTS",
    "MAX_BODY_BYTES",
    "Auth",
    "Endpoint",
    "KeyCheck",
    "KeyCheckResult",
    "Reads",
    "Remedy",
    "RequestPlan",
    "Verdict",
    "avalidate_key",
    "judge_answer",
    "model_listed",
    "plan_request",
    "result_for",
    "validate_key",
]

log = logging.getLogger("keywatch")

# At most this much of an answer is read. The longest list answered here (Together's catalogue,
# a few hundred models) is a few hundred KiB; an answer cut at the limit is not read as JSON.
MAX_BODY_BYTES: Final = 1 << 20
_DETAIL_CHARS: Final = 300
_QUOTE_CHARS: Final = 160
_USER_AGENT: Final = "keywatch-validate-key"


class KeyCheckResult(StrEnum):
    OK = "ok"
    INVALID_KEY = "invalid_key"
    QUOTA_EXHAUSTED = "quota_exhausted"
    PERMISSION_DENIED = "permission_denied"
    COULD_NOT_VERIFY = "could_not_verify"


class Remedy(StrEnum):
    """What the key's owner should do: a short code an app localises."""

    NONE = "none"
    REPLACE_KEY = "replace_key"
    ADD_CREDIT = "add_credit"
    CHECK_KEY_PERMISSIONS = "check_key_permissions"
    CHECK_MODEL_ACCESS = "check_model_access"
    TRY_AGAIN_LATER = "try_again_later"


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """One key check. It holds the key's fingerprint, never the key."""

    result: KeyCheckResult
    remedy: Remedy
    provider: str
    model: str | None
    key_fingerprint: str
    checked_at: datetime  # aware, UTC
    latency_ms: float
    http_status: int | None = None
    reason: str | None = None  # keywatch's classification of the answer, when there was one
    detail: str = ""  # one sentence for a person, scrubbed
    credit: dict[str, Any] | None = None  # OpenRouter's key limit, DeepSeek's balance

    @property
    def ok(self) -> bool:
        return self.result is KeyCheckResult.OK


# -- the providers' cheapest authenticated calls ----------------------------------------------


class Auth(StrEnum):
    """The header that carries the key."""

    BEARER = "authorization"  # Authorization: Bearer <key>
    X_API_KEY = "x-api-key"
    X_GOOG_API_KEY = "x-goog-api-key"
    API_KEY = "api-key"


class Reads(StrEnum):
    """What a 2xx answer is read for."""

    MODELS = "models"  # a list of the models the key can use
    OPENROUTER_KEY = "openrouter_key"  # GET /key: the key's credit limit and what remains
    DEEPSEEK_BALANCE = "deepseek_balance"  # GET /user/balance: is_available, balance_infos


@dataclass(frozen=True, slots=True)
class Endpoint:
    provider: str  # keywatch's name for it (classify's tables)
    label: str  # for sentences
    base_url: str | None  # what the provider's SDK calls its base URL; None: the app gives it
    path: str  # appended to the base URL, query included
    auth: Auth
    doc: str
    reads: Reads = Reads.MODELS
    # Whether the answer lists the models this key may call, so that a model absent from a
    # complete list is one the key cannot use.
    lists_models: bool = True
    headers: tuple[tuple[str, str], ...] = ()


ENDPOINTS: Final[Mapping[str, Endpoint]] = {
    e.provider: e
    for e in (
        Endpoint(
            "openai",
            "OpenAI",
            "https://api.openai.com/v1",
            "/models",
            Auth.BEARER,
            "https://platform.openai.com/docs/api-reference/models/list",
        ),
        Endpoint(
            "anthropic",
            "Anthropic",
            "https://api.anthropic.com",
            # limit: "Defaults to 20. Ranges from 1 to 1000"; has_more says whether it is all.
            "/v1/models?limit=1000",
            Auth.X_API_KEY,
            "https://docs.claude.com/en/api/models-list",
            headers=(("anthropic-version", "2023-06-01"),),
        ),
        Endpoint(
            "gemini",
            "Gemini",
            "https://generativelanguage.googleapis.com",
            # "returns at most 1000 models per page"; no nextPageToken: no more pages. The key
            # goes in x-goog-api-key, never in `?key=`, which proxies and tracebacks print.
            "/v1beta/models?pageSize=1000",
            Auth.X_GOOG_API_KEY,
            "https://ai.google.dev/api/models#method:-models.list",
        ),
        Endpoint(
            "openrouter",
            "OpenRouter",
            "https://openrouter.ai/api/v1",
            # "To check the rate limit or credits left on an API key, make a GET request to
            # https://openrouter.ai/api/v1/key": limit null means no cap; limit_remaining is
            # what is left of it. OpenRouter's model list is public, so it says nothing of a key.
            "/key",
            Auth.BEARER,
            "https://openrouter.ai/docs/api-reference/limits",
            reads=Reads.OPENROUTER_KEY,
            lists_models=False,
        ),
        Endpoint(
            "groq",
            "Groq",
            "https://api.groq.com/openai/v1",
            "/models",
            Auth.BEARER,
            "https://console.groq.com/docs/api-reference#models-list",
        ),
        Endpoint(
            "mistral",
            "Mistral",
            "https://api.mistral.ai/v1",
            "/models",
            Auth.BEARER,
            "https://docs.mistral.ai/api/#tag/models/operation/list_models_v1_models_get",
        ),
        Endpoint(
            "xai",
            "xAI",
            "https://api.x.ai/v1",
            "/models",
            Auth.BEARER,
            "https://docs.x.ai/docs/api-reference#list-models",
        ),
        Endpoint(
            "together",
            "Together AI",
            "https://api.together.xyz/v1",
            "/models",  # answered as a bare JSON array
            Auth.BEARER,
            "https://docs.together.ai/reference/models-1",
        ),
        Endpoint(
            "fireworks",
            "Fireworks AI",
            "https://api.fireworks.ai/inference/v1",
            "/models",
            Auth.BEARER,
            "https://docs.fireworks.ai/tools-sdks/openai-compatibility",
            # Not known to list an account's own deployments: a model missing from it may
            # still be callable, so the list does not decide model access.
            lists_models=False,
        ),
        Endpoint(
            "cohere",
            "Cohere",
            "https://api.cohere.com/v1",
            "/models?page_size=1000",  # pages of 20 by default; next_page_token when more
            Auth.BEARER,
            "https://docs.cohere.com/reference/list-models",
        ),
        Endpoint(
            "deepseek",
            "DeepSeek",
            "https://api.deepseek.com",
            # is_available: "whether the account has balance available for API calls".
            "/user/balance",
            Auth.BEARER,
            "https://api-docs.deepseek.com/api/get-user-balance",
            reads=Reads.DEEPSEEK_BALANCE,
            lists_models=False,
        ),
        Endpoint(
            "azure_openai",
            "Azure OpenAI",
            None,  # https://{resource}.openai.azure.com, the app's
            "/openai/models?api-version=2024-10-21",
            Auth.API_KEY,
            "https://learn.microsoft.com/en-us/rest/api/azureopenai/models/list"
            "?view=rest-azureopenai-2024-10-21",
            # The resource's base and fine-tuned models, not its deployments, which are what
            # a call names.
            lists_models=False,
        ),
    )
}

# The names each provider is also known by. Kept explicit, with no fuzzy matching: the name
# decides which host receives the key.
ALIASES: Final[Mapping[str, str]] = {
    "google": "gemini",
    "google_genai": "gemini",
    "claude": "anthropic",
    "azure": "azure_openai",
    "azureopenai": "azure_openai",
    "open_router": "openrouter",
    "x-ai": "xai",
    "grok": "xai",
    "mistralai": "mistral",
    "together_ai": "together",
    "togetherai": "together",
    "fireworks_ai": "fireworks",
    "fireworks-ai": "fireworks",
}

# Any other provider, with a base_url: an OpenAI-compatible API (a gateway, vLLM, LiteLLM ...).
_COMPATIBLE = Endpoint(
    "",
    "",
    None,
    "/models",
    Auth.BEARER,
    "https://platform.openai.com/docs/api-reference/models/list",
)
_PROVIDER_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
# What an API key is made of: printable ASCII without spaces (RFC 9110 token68 and more).
_KEY_CHARS = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True, slots=True)
class RequestPlan:
    """Where a check goes and how, without the key."""

    provider: str
    endpoint: Endpoint
    scheme: str  # https, or http to loopback
    host: str
    port: int
    target: str  # path and query

    @property
    def authority(self) -> str:
        """host[:port], as the Host header and the URL name it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.authority}{self.target}"

    @property
    def label(self) -> str:
        return self.endpoint.label or self.provider


def _base_parts(base_url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an allowed base URL, else ValueError. The messages never
    repeat the URL: it could hold a credential."""
    if not isinstance(base_url, str) or not _KEY_CHARS.fullmatch(base_url):
        raise ValueError("base_url must be an absolute URL of printable ASCII, without spaces")
    parts = urlsplit(base_url)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.netloc:
        raise ValueError("base_url must be an absolute https:// URL")
    if "@" in parts.netloc:
        raise ValueError("base_url must not carry credentials (user:password@)")
    if parts.query or parts.fragment or base_url.endswith(("?", "#")):
        raise ValueError("base_url must not have a query or a fragment")
    host = parts.hostname
    if not host:
        raise ValueError("base_url has no host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("base_url has an invalid port") from None
    if scheme == "http" and not _http.is_loopback(host):
        raise ValueError(
            "base_url must use https: plain http is allowed only to loopback "
            "(127.0.0.1, ::1, localhost)"
        )
    return scheme, host, port or (443 if scheme == "https" else 80), parts.path.rstrip("/")


def _canonical(provider: str) -> str:
    name = provider.strip().lower() if isinstance(provider, str) else ""
    return ALIASES.get(name, name)


def plan_request(provider: str, base_url: str | None = None) -> RequestPlan:
    """Where the check of a `provider` key goes: its documented endpoint, or `base_url` in its
    place (for an unknown provider, an OpenAI-compatible API). ValueError when there is no
    allowed place to send the key; nothing is sent."""
    name = _canonical(provider)
    if not _PROVIDER_NAME.fullmatch(name):
        raise ValueError("provider must be a name such as 'openai' (letters, digits, _ . -)")
    known = ENDPOINTS.get(name)
    if base_url is None:
        if known is None:
            raise ValueError(
                f"unknown provider {name!r}: pass base_url for an OpenAI-compatible API, or "
                f"one of {', '.join(sorted(ENDPOINTS))} (or an alias: "
                f"{', '.join(sorted(ALIASES))})"
            )
        if known.base_url is None:
            raise ValueError(
                f"{known.label} needs base_url: the resource's endpoint, "
                "https://{resource}.openai.azure.com"
            )
        base_url = known.base_url
    endpoint = known or _COMPATIBLE
    scheme, host, port, path = _base_parts(base_url)
    target = path + endpoint.path
    if endpoint.provider == "azure_openai":
        target = path + _azure_path(path)
    return RequestPlan(name, endpoint, scheme, host, port, target or "/")


def _azure_path(base_path: str) -> str:
    # The resource endpoint (the SDK's azure_endpoint) takes the dated API; a base URL that
    # already ends in /openai/v1 is the v1 API, which takes no api-version.
    if base_path.endswith("/openai/v1"):
        return "/models"
    if base_path.endswith("/openai"):
        return "/models?api-version=2024-10-21"
    return ENDPOINTS["azure_openai"].path


def _headers(plan: RequestPlan, key: str) -> dict[str, str]:
    auth = plan.endpoint.auth
    value = f"Bearer {key}" if auth is Auth.BEARER else key
    return {
        "Accept": "application/json",
        "User-Agent": _USER_AGENT,
        **dict(plan.endpoint.headers),
        auth.value: value,
    }


# -- reading the answer (pure) -----------------------------------------------------------------


_BY_REASON: Final[Mapping[str, tuple[KeyCheckResult, Remedy]]] = {
    "invalid_key": (KeyCheckResult.INVALID_KEY, Remedy.REPLACE_KEY),
    "quota_exhausted": (KeyCheckResult.QUOTA_EXHAUSTED, Remedy.ADD_CREDIT),
    "permission_denied": (KeyCheckResult.PERMISSION_DENIED, Remedy.CHECK_KEY_PERMISSIONS),
}
_UNVERIFIED: Final = (KeyCheckResult.COULD_NOT_VERIFY, Remedy.TRY_AGAIN_LATER)


def result_for(reason: str | None, status: int | None) -> tuple[KeyCheckResult, Remedy]:
    """The result of a failed check from classify's reason and the HTTP status. Only what the
    key's owner must fix is blamed on the key, and a provider's own trouble never is: a
    redirect or a 5xx is could_not_verify whatever its body says, and a 429 counts against the
    key only when it says the money ran out (OpenAI's insufficient_quota), not when it is a
    rate limit."""
    if status is not None and (300 <= status < 400 or status >= 500):
        return _UNVERIFIED
    if status == 429 and reason != "quota_exhausted":
        return _UNVERIFIED
    return _BY_REASON.get(reason or "", _UNVERIFIED)


@dataclass(frozen=True, slots=True)
class Verdict:
    result: KeyCheckResult
    remedy: Remedy
    reason: str | None
    detail: str
    credit: dict[str, Any] | None = None


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _message(doc: Any) -> str | None:
    """The provider's own sentence in an error body, whichever envelope it uses."""
    if isinstance(doc, list) and doc:
        doc = doc[0]  # Google's streaming errors come as a one-element array
    if not isinstance(doc, Mapping):
        return None
    error = doc.get("error")
    for holder in (error, doc):
        if isinstance(holder, Mapping):
            for field in ("message", "detail", "error"):
                value = holder.get(field)
                if isinstance(value, str) and value.strip():
                    return value
    return error if isinstance(error, str) and error.strip() else None


def _quote(doc: Any) -> str:
    message = _message(doc)
    if not message:
        return ""
    return ": " + " ".join(message.split())[:_QUOTE_CHARS]


def _ids(doc: Any) -> tuple[list[str], bool] | None:
    """The model names in a list answer and whether the list is complete, or None when the
    answer is not a model list. OpenAI and its imitators answer {"data": [{"id"}]} (Together a
    bare array), Anthropic adds has_more, Gemini {"models": [{"name": "models/..."}]} with a
    nextPageToken, Cohere {"models": [{"name"}]} with a next_page_token."""
    if isinstance(doc, list):
        items: Any = doc
        complete = True
    elif isinstance(doc, Mapping):
        items = doc.get("data", doc.get("models"))
        more = doc.get("has_more") is True or any(
            doc.get(f) for f in ("nextPageToken", "next_page_token")
        )
        complete = not more
    else:
        return None
    if not isinstance(items, list):
        return None
    names: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            value = item.get("id", item.get("name"))
            if isinstance(value, str):
                names.append(value)
    return names, complete


_SNAPSHOT = re.compile(r"-(?:latest|\d{8}|\d{4}-\d{2}-\d{2}|0)$")


def _models_count(names: list[str]) -> str:
    return "1 model" if len(names) == 1 else f"{len(names)} models"


def _model_key(name: str) -> str:
    name = name.strip().lower()
    return name.removeprefix("models/")


def model_listed(model: str, listed: list[str]) -> bool:
    """Whether `model` is among `listed`: exactly ("models/" prefixes aside), or as an alias of
    a dated snapshot (Anthropic lists claude-sonnet-4-20250514 and is called with
    claude-sonnet-4-0 or claude-3-5-sonnet-latest). Generous on purpose: a model wrongly taken
    as listed fails later on the call; one wrongly taken as missing stops a good key."""
    want = _model_key(model)
    names = {_model_key(n) for n in listed}
    if want in names:
        return True
    root = _SNAPSHOT.sub("", want)
    return any(_SNAPSHOT.sub("", n) == root for n in names)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _plain(value: Any) -> Any:
    """A value fit to hand on in `credit`: scalars only, text cut short."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value[:64]
    return None


_OPENROUTER_FIELDS: Final = (
    "limit",
    "limit_remaining",
    "limit_reset",
    "usage",
    "usage_daily",
    "usage_weekly",
    "usage_monthly",
    "is_free_tier",
)
_DEEPSEEK_FIELDS: Final = ("currency", "total_balance", "granted_balance", "topped_up_balance")


def _openrouter(doc: Any, label: str) -> Verdict | None:
    data = doc.get("data") if isinstance(doc, Mapping) else None
    if not isinstance(data, Mapping):
        return None
    # Only the credit fields: the answer's `label` is a masked copy of the key itself.
    credit = {f: _plain(data[f]) for f in _OPENROUTER_FIELDS if f in data}
    limit, remaining = _number(data.get("limit")), _number(data.get("limit_remaining"))
    if limit is not None and remaining is not None and remaining <= 0:
        return Verdict(
            KeyCheckResult.QUOTA_EXHAUSTED,
            Remedy.ADD_CREDIT,
            "quota_exhausted",
            f"{label} accepted the key, but its credit limit ({limit:g}) is used up "
            "(limit_remaining <= 0).",
            credit,
        )
    left = ""
    if limit is not None and remaining is not None:
        left = f" ({remaining:g} of its {limit:g} credit limit left)"
    return Verdict(KeyCheckResult.OK, Remedy.NONE, None, f"{label} accepted the key{left}.", credit)


def _deepseek(doc: Any, label: str) -> Verdict | None:
    if not isinstance(doc, Mapping) or not isinstance(doc.get("is_available"), bool):
        return None
    infos = doc.get("balance_infos")
    balances = [
        {f: _plain(info[f]) for f in _DEEPSEEK_FIELDS if f in info}
        for info in (infos if isinstance(infos, list) else [])[:8]
        if isinstance(info, Mapping)
    ]
    credit = {"is_available": doc["is_available"], "balance_infos": balances}
    if not doc["is_available"]:
        return Verdict(
            KeyCheckResult.QUOTA_EXHAUSTED,
            Remedy.ADD_CREDIT,
            "quota_exhausted",
            f"{label} accepted the key, but the account has no balance available for API "
            "calls (is_available: false).",
            credit,
        )
    return Verdict(KeyCheckResult.OK, Remedy.NONE, None, f"{label} accepted the key.", credit)


def _models(doc: Any, plan: RequestPlan, model: str | None) -> Verdict | None:
    found = _ids(doc)
    if found is None:
        return None
    names, complete = found
    label = plan.label
    if model is None:
        return Verdict(
            KeyCheckResult.OK,
            Remedy.NONE,
            None,
            f"{label} accepted the key ({_models_count(names)}).",
        )
    if not complete:
        return Verdict(
            KeyCheckResult.OK,
            Remedy.NONE,
            None,
            f"{label} accepted the key; its model list came in pages, so access to {model!r} "
            "was not checked.",
        )
    if not model_listed(model, names):
        return Verdict(
            KeyCheckResult.PERMISSION_DENIED,
            Remedy.CHECK_MODEL_ACCESS,
            "model_not_found",
            f"{label} accepted the key, but {model!r} is not among the "
            f"{_models_count(names)} it can use.",
        )
    return Verdict(
        KeyCheckResult.OK, Remedy.NONE, None, f"{label} accepted the key and lists {model!r}."
    )


def _success(plan: RequestPlan, body: bytes, model: str | None) -> Verdict:
    doc = _json(body)
    reads = plan.endpoint.reads
    verdict: Verdict | None
    if reads is Reads.OPENROUTER_KEY:
        verdict = _openrouter(doc, plan.label)
    elif reads is Reads.DEEPSEEK_BALANCE:
        verdict = _deepseek(doc, plan.label)
    else:
        verdict = _models(doc, plan, model if plan.endpoint.lists_models else None)
    if verdict is None:
        return Verdict(
            *_UNVERIFIED,
            None,
            f"{plan.label} answered with a success that is not the expected JSON; the key "
            "could not be checked.",
        )
    unchecked = model is not None and not (reads is Reads.MODELS and plan.endpoint.lists_models)
    if unchecked and verdict.result is KeyCheckResult.OK:
        detail = verdict.detail.rstrip(".") + (
            f"; access to {model!r} was not checked ({plan.label}'s answer does not list the "
            "models a key may call)."
        )
        verdict = dataclasses.replace(verdict, detail=detail)
    return verdict


def _failure_sentence(result: KeyCheckResult, label: str, status: int, reason: str | None) -> str:
    if result is KeyCheckResult.INVALID_KEY:
        return f"{label} rejected the key (HTTP {status})"
    if result is KeyCheckResult.QUOTA_EXHAUSTED:
        return f"{label} accepted the key, but its account is out of credit (HTTP {status})"
    if result is KeyCheckResult.PERMISSION_DENIED:
        return f"{label} answered that the key lacks permission (HTTP {status})"
    if 300 <= status < 400:
        return f"{label} answered with a redirect (HTTP {status}), which was not followed"
    if status == 429:
        return f"{label} is rate limiting (HTTP {status}); try again later"
    if status >= 500:
        return f"{label} had trouble answering (HTTP {status}); try again later"
    return f"{label} answered HTTP {status} ({reason or 'unknown'}); the key could not be checked"


def judge_answer(
    plan: RequestPlan,
    status: int,
    body: bytes,
    model: str | None = None,
    *,
    truncated: bool = False,
) -> Verdict:
    """The verdict on one HTTP answer: pure, no I/O. `body` is at most MAX_BODY_BYTES of it."""
    if 200 <= status < 300:
        if truncated:
            return Verdict(
                *_UNVERIFIED,
                None,
                f"{plan.label} answered with more than {MAX_BODY_BYTES >> 20} MiB; the key "
                "could not be checked.",
            )
        return _success(plan, body, model)
    if 300 <= status < 400:
        return Verdict(
            *_UNVERIFIED, None, _failure_sentence(_UNVERIFIED[0], plan.label, status, None) + "."
        )
    from keywatch.classifier import classify

    doc = _json(body) if body and not truncated else None
    evidence: Any = (
        doc if isinstance(doc, Mapping | list) else body[:2000].decode("utf-8", "replace")
    )
    reason = str(classify(status_code=status, body=evidence or None, provider=plan.provider).reason)
    result, remedy = result_for(reason, status)
    detail = _failure_sentence(result, plan.label, status, reason) + _quote(doc)
    return Verdict(result, remedy, reason, detail.rstrip(".") + ".")


# -- the request (the only I/O) -----------------------------------------------------------------

# _fetch resolves through this name rather than inside _http.connect, so that the addresses a
# plain-http check may go to are this module's to see (and a test's to replace).
_resolve = _http.resolve


@functools.cache
def _tls() -> ssl.SSLContext:
    # Certificates and host names verified (the default context); built once, since loading
    # the system's CA store takes tens of milliseconds.
    return ssl.create_default_context()


def _fetch(
    plan: RequestPlan, headers: dict[str, str], deadline: _http.Deadline
) -> tuple[int, bytes, bool]:
    """(status, at most MAX_BODY_BYTES of the body, whether there was more). A redirect's body
    is not read and its Location not followed."""
    addresses = _resolve(plan.host, plan.port, deadline)
    https = plan.scheme == "https"
    sock = _http.connect(
        plan.host,
        plan.port,
        deadline,
        tls=_tls() if https else None,
        server_hostname=plan.host,
        # Plain HTTP only to loopback: a name like localhost must resolve there too.
        loopback_only=not https,
        addresses=addresses,
    )
    # TLS is already up on `sock`: a plain HTTPConnection speaks HTTP over it and, given a
    # socket, never connects by itself. Host is set here, as an HTTPS connection would.
    conn = http.client.HTTPConnection(plan.host, plan.port)
    conn.sock = _http.DeadlineSocket(sock, deadline)
    try:
        conn.request("GET", plan.target, headers={"Host": plan.authority, **headers})
        response = conn.getresponse()
        if 300 <= response.status < 400:
            return response.status, b"", False
        body = response.read(MAX_BODY_BYTES + 1)
        return response.status, body[:MAX_BODY_BYTES], len(body) > MAX_BODY_BYTES
    finally:
        conn.close()
        sock.close()


def _transport_sentence(exc: BaseException, plan: RequestPlan, timeout_s: float) -> str:
    where = plan.host
    if isinstance(exc, TimeoutError):
        return f"No answer from {where} within {timeout_s:g} s; the key could not be checked."
    if isinstance(exc, socket.gaierror):
        return f"Could not resolve {where}; the key could not be checked."
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return f"TLS with {where} failed ({type(exc).__name__}); the key could not be checked."
    if isinstance(exc, http.client.HTTPException):
        return (
            f"{where} did not answer in HTTP ({type(exc).__name__}); the key could not be checked."
        )
    return f"Could not connect to {where} ({type(exc).__name__}); the key could not be checked."


# -- the entry points ---------------------------------------------------------------------------


def validate_key(
    provider: str,
    key: str,
    *,
    model: str | None = None,
    base_url: str | None = None,
    timeout_s: float = 10.0,
    report: bool = True,
    uid: str | None = None,
) -> KeyCheck:
    """Ask `provider` whether `key` works (and, with `model`, whether it can use that model).

    ValueError, before anything is sent, for an unknown provider without `base_url`, a
    `base_url` that is not https (plain http only to loopback) or carries credentials or a
    query, or a `timeout_s` that is not a positive number. Every other outcome is a KeyCheck:
    see its `result` and `remedy`. With `report`, a key found ok is counted as a success of
    the key through the keywatch reporter, when one was started (`keywatch.init()`), and,
    for `uid` (else the request context's user), the user's key status turns ok at once.
    """
    if not isinstance(timeout_s, int | float) or not (0 < timeout_s < math.inf):
        raise ValueError("timeout_s must be a positive number of seconds")
    secret = key if isinstance(key, str) else ""
    try:
        plan = plan_request(provider, base_url)
    except ValueError as exc:
        # A key passed in the wrong argument must not come back in the message.
        message = remove_key(str(exc), secret)
        if message != str(exc):
            raise ValueError(message) from None
        raise
    started = time.monotonic()
    shown_model = remove_key(model, secret) if isinstance(model, str) and model else None
    fingerprint = key_fingerprint(secret)
    clean = secret.strip()
    if not clean or not _KEY_CHARS.fullmatch(clean):
        # Caught before sending: http.client would refuse the header and name its value.
        why = "is empty" if not clean else "holds spaces, control or non-ASCII characters"
        verdict = Verdict(
            KeyCheckResult.INVALID_KEY,
            Remedy.REPLACE_KEY,
            None,
            f"The key {why}, which no {plan.label} key does; it was not sent.",
        )
        status: int | None = None
    else:
        deadline = _http.Deadline(float(timeout_s))
        try:
            status, body, truncated = _fetch(plan, _headers(plan, clean), deadline)
        except Exception as exc:
            status = None
            verdict = _unanswered(exc, plan, float(timeout_s))
        else:
            verdict = judge_answer(plan, status, body, shown_model, truncated=truncated)
    check = KeyCheck(
        result=verdict.result,
        remedy=verdict.remedy,
        provider=plan.provider,
        model=shown_model,
        key_fingerprint=fingerprint,
        checked_at=datetime.now(UTC),
        latency_ms=round((time.monotonic() - started) * 1000, 1),
        http_status=status,
        reason=verdict.reason,
        detail=_scrubbed(verdict.detail, clean),
        credit=verdict.credit,
    )
    log.info(
        "key check: %s %s",
        check.provider,
        check.result.value,
        extra=ops_event(
            Event.KEYWATCH_VALIDATE_KEY,
            provider=check.provider,
            model=check.model,
            result=check.result.value,
            reason=check.reason,
            http_status=check.http_status,
            key_fingerprint=check.key_fingerprint,
            latency_ms=check.latency_ms,
        ),
    )
    if report and check.ok:
        _report_success(plan.provider, shown_model, clean, uid)
    return check


async def avalidate_key(
    provider: str,
    key: str,
    *,
    model: str | None = None,
    base_url: str | None = None,
    timeout_s: float = 10.0,
    report: bool = True,
    uid: str | None = None,
) -> KeyCheck:
    """validate_key, in a worker thread so the event loop is not blocked (the request context
    goes with it)."""
    return await asyncio.to_thread(
        validate_key,
        provider,
        key,
        model=model,
        base_url=base_url,
        timeout_s=timeout_s,
        report=report,
        uid=uid,
    )


def _unanswered(exc: BaseException, plan: RequestPlan, timeout_s: float) -> Verdict:
    from keywatch.classifier import classify

    try:
        reason: str | None = str(classify(exc, provider=plan.provider).reason)
    except Exception:
        reason = None
    return Verdict(*_UNVERIFIED, reason, _transport_sentence(exc, plan, timeout_s))


# A masked echo of a key: DeepSeek's "****abcd", OpenAI's "sk-ab****wxyz", xAI's "na***ys". The
# scrubber removes the key's own runs of 8 or more characters and prefixed echoes; the few
# characters around the stars of a short echo are removed here.
_MASKED_ECHO = re.compile(r"[\w.-]*(?:\*{3,}|•{3,})[\w.-]*")


def _scrubbed(text: str, key: str) -> str:
    """`text` without the key, its fragments, a masked echo of it or anything key-shaped, one
    line, cut short."""
    scrubber = KeyScrubber(key) if key else None
    text = _MASKED_ECHO.sub(REDACTED, " ".join(text.split()))
    return scrub_message(text, _DETAIL_CHARS, scrubber) or ""


def _report_success(provider: str, model: str | None, key: str, uid: str | None) -> None:
    """Tell the pipeline the key works: counted as a success of the key (health), and, for the
    user it belongs to (`uid`, else the request context's), published at once as a validated
    key, so that the app's status document turns ok while the user is still on the settings
    screen. Only through a reporter the app started: `keywatch.reporter()` would otherwise
    start one, with its thread and Pub/Sub client, as a side effect of a check. Never lets
    reporting fail the check; the key itself never leaves the process (its fingerprint does)."""
    try:
        from keywatch import reporting
        from keywatch.context import current

        rep = reporting._default
        if rep is None:
            return
        rep.success(provider, model or "validate_key", api_key=key, source="byok")
        ctx = current()
        owner = uid or (ctx.uid if ctx is not None else None)
        if owner:
            rep.key_validated(provider, uid=owner, api_key=key, model=model or "validate_key")
    except Exception:
        log.warning("key check: reporting the success failed", exc_info=False)
