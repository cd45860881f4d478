"""The published sources the rules read, as data, and the indexes the rules look them up in.

Each data module transcribes published tables whole, each with its URL:
- `platforms`: OpenAI, Anthropic, Google, Bedrock, Azure OpenAI, Mistral, Cohere, DeepSeek, Groq,
  xAI;
- `gateways`: OpenRouter, LiteLLM proxy, Portkey, Vercel AI Gateway, Cloudflare, one-api/new-api;
- `china`: DashScope, Zhipu, Moonshot, Baidu Qianfan, iFlytek Spark, Tencent Hunyuan,
  Volcengine Ark, MiniMax, SiliconFlow;
- `hosts`: Replicate, Hugging Face, NVIDIA NIM, Ollama, vLLM, llama.cpp server, LM Studio;
- `transport`: what each runtime prints when no response came (errno, getaddrinfo, httpx,
  requests, aiohttp, undici, Go, Java, reqwest, Dart, libcurl, gRPC, Envoy, nginx, Cloudflare);
- `codes`: the vocabulary shared across providers, kept by hand.

The indexes below are built once at import. A code is looked up three ways, strongest first:
scoped to the provider that documents it; unscoped, when every table that documents a string
code agrees on its reason; and, for numbers of four digits or more that a relay passes through
under another provider's name, unscoped only where every table agrees (small numbers collide
across providers and with HTTP statuses, so they are read only for their own provider).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from keywatch.core.reasons import Reason
from keywatch.core.tables import china, gateways, hosts, platforms, transport
from keywatch.core.tables._types import By, Code, ErrorTable, Kind, Term, Vocabulary
from keywatch.core.tables.codes import PROVIDER_FAMILY

__all__ = [
    "TABLES",
    "VOCABULARIES",
    "By",
    "Code",
    "ErrorTable",
    "Kind",
    "Term",
    "Vocabulary",
    "family",
    "provider_status",
    "scoped",
    "shared",
    "shared_number",
    "vocabulary_classes",
    "vocabulary_groups",
]

TABLES: tuple[ErrorTable, ...] = (
    *platforms.TABLES,
    *gateways.TABLES,
    *china.TABLES,
    *hosts.TABLES,
)
VOCABULARIES: tuple[Vocabulary, ...] = transport.VOCABULARIES

STATUS_FIELD = "HTTP status"  # a table whose codes are the HTTP statuses themselves


def is_status_table(table: ErrorTable) -> bool:
    return table.field == STATUS_FIELD


def _key(code: str) -> str:
    code = code.strip().lower()
    return (code.lstrip("0") or "0") if code.isdigit() else code


def _entries() -> Iterator[tuple[ErrorTable, Code]]:
    for table in TABLES:
        for entry in table.codes:
            yield table, entry


_FAMILY: dict[str, str] = dict(PROVIDER_FAMILY)
for _table in TABLES:
    for _alias in _table.aliases:
        _FAMILY.setdefault(_alias.lower(), _table.provider)

_SCOPED: dict[tuple[str, str], list[Code]] = defaultdict(list)
_STATUS: dict[tuple[str, int], list[Code]] = defaultdict(list)
_BY_CODE: dict[str, set[tuple[Reason, By]]] = defaultdict(set)
for _table, _entry in _entries():
    if is_status_table(_table):
        if _entry.status is not None:
            _STATUS[(_table.provider, _entry.status)].append(_entry)
        continue
    _SCOPED[(_table.provider, _key(_entry.code))].append(_entry)
    _BY_CODE[_key(_entry.code)].add((_entry.reason, _entry.by))

# A string code every table reads alike, whichever provider sent it (a relay passes an upstream
# code through under its own name); generic codes (By.WORDING) are left to the wording.
_SHARED: dict[str, tuple[Reason, By]] = {
    code: next(iter(meanings))
    for code, meanings in _BY_CODE.items()
    if len(meanings) == 1 and next(iter(meanings))[1] is not By.WORDING
}
_SHARED_NUMBERS = {c: m for c, m in _SHARED.items() if c.isdigit() and len(c) >= 4}
for _c in [c for c in _SHARED if c.isdigit()]:
    del _SHARED[_c]
# A status with one documented meaning at a provider (Groq's 498: Flex capacity).
_PROVIDER_STATUS: dict[tuple[str, int], Code] = {
    k: v[0] for k, v in _STATUS.items() if len({(e.reason, e.by) for e in v}) == 1
}


_KNOWN = {t.provider for t in TABLES}
# The same names written without separators: "lm-studio", "LM Studio" and "lmstudio" alike.
_COMPACT: dict[str, str] = {}
for _name in [*_FAMILY, *_KNOWN]:
    _COMPACT.setdefault(re.sub(r"[-_. ]", "", _name), _FAMILY.get(_name, _name))


def family(provider: str | None) -> str:
    """The name a provider's tables are kept under ("glm" -> "zhipu", "lm-studio" ->
    "lmstudio", "iflytek-spark" -> "iflytek" when only that part is known)."""
    name = (provider or "").strip().lower()
    if name in _FAMILY:
        return _FAMILY[name]
    if name in _KNOWN or not name:
        return name
    compact = _COMPACT.get(re.sub(r"[-_. ]", "", name))
    if compact is not None:
        return compact
    for part in re.split(r"[-_. /]", name):
        found = _FAMILY.get(part) or (part if part in _KNOWN else None)
        if found is not None:
            return found
    return name


def scoped(provider: str, code: str, status: int | None = None) -> Code | None:
    """What `provider`'s own table says `code` means (string or digits): the entry documented
    with this status where one code has several (DashScope's Throttling.AllocationQuota is a
    rate limit at 429 and a count of stored voices at 400), else the first."""
    entries = _SCOPED.get((provider, code))
    if not entries:
        return None
    if status is not None and len(entries) > 1:
        for entry in entries:
            if entry.status == status:
                return entry
    return entries[0]


def shared(code: str) -> tuple[Reason, By] | None:
    """What a string code means when every table that documents it agrees."""
    return _SHARED.get(code)


def shared_number(digits: str) -> tuple[Reason, By] | None:
    """What a number of four digits or more means when every table agrees."""
    return _SHARED_NUMBERS.get(digits)


def provider_status(provider: str, status: int) -> Code | None:
    return _PROVIDER_STATUS.get((provider, status))


# --- transport -------------------------------------------------------------------------------

_ORDER = (Reason.TIMEOUT, Reason.NETWORK, Reason.OVERLOADED, Reason.SERVER_ERROR)
_META = set("\\.^$|?*+()[]{}")


def _literal(text: str) -> str:
    return "".join("\\" + ch if ch in _META else ch for ch in text.lower())


def vocabulary_groups() -> dict[str, str]:
    """One wording group per reason, of every phrase and errno the runtimes print."""
    phrases: dict[Reason, list[str]] = defaultdict(list)
    for vocabulary in VOCABULARIES:
        for term in vocabulary.terms:
            if term.kind is Kind.CLASS:
                # A class name a trace prints ("javax.net.ssl.SSLException: ...") is read in the
                # text too, when it cannot be an English word: CamelCase, ten letters or more.
                name = term.text.rsplit(".", 1)[-1]
                if len(name) >= 10 and sum(ch.isupper() for ch in name) >= 2:
                    pattern = rf"\b{_literal(name)}\b"
                    if pattern not in phrases[term.reason]:
                        phrases[term.reason].append(pattern)
                continue
            pattern = _literal(term.text)
            if term.kind is Kind.ERRNO:  # bounded where the name starts or ends a word
                text = term.text.lower()
                pattern = (r"\b" if text[:1].isalnum() else "") + pattern
                pattern += r"\b" if text[-1:].isalnum() else ""
            if pattern not in phrases[term.reason]:
                phrases[term.reason].append(pattern)
    return {f"vocab_{r.value}": "|".join(phrases[r]) for r in _ORDER if phrases.get(r)}


def vocabulary_classes() -> dict[str, Reason]:
    """Exception class names (lower-cased) each runtime raises when no response came."""
    out: dict[str, Reason] = {}
    for vocabulary in VOCABULARIES:
        for term in vocabulary.terms:
            if term.kind is Kind.CLASS:
                out.setdefault(term.text.rsplit(".", 1)[-1].lower(), term.reason)
    return out


# --- documented messages ---------------------------------------------------------------------

# What stands for a value in a documented message: %s, {name}, <id>, ${x}, an ellipsis.
_PLACEHOLDER = re.compile(r"%[sdvf]|\{[^}]*\}|<[^>]*>|\$\{[^}]*\}|…|\.\.\.|\[[^\]]*\]")
# A documented message identifies its error when its fixed words are this long: shorter ones
# ("Bad Request", "Unauthorized") are what every provider says, and the wording reads them.
_MIN_ASCII = 24
_MIN_CJK = 6


def _fixed_length(fragments: list[str]) -> tuple[int, int]:
    ascii_n = sum(1 for f in fragments for ch in f if ch.isascii() and ch.isalnum())
    cjk_n = sum(1 for f in fragments for ch in f if not ch.isascii() and ch.isalnum())
    return ascii_n, cjk_n


def _message_pattern(message: str) -> str | None:
    """The documented message as a pattern: its fixed words in order, anything between."""
    fragments = [f.strip(" .:;,'\"`()") for f in _PLACEHOLDER.split(message.lower())]
    fragments = [f for f in fragments if len(f) >= 2]
    if not fragments:
        return None
    ascii_n, cjk_n = _fixed_length(fragments)
    if ascii_n < _MIN_ASCII and cjk_n < _MIN_CJK:
        return None
    # The gap is bounded (a placeholder holds a value, not a paragraph), so the set searches
    # only the fixed words around it and the whole message is checked alone (textrules).
    return "[^\\n]{0,200}".join(_literal(" ".join(f.split())) for f in fragments)


def _phrases() -> dict[tuple[Reason, By], list[str]]:
    found: dict[str, set[tuple[Reason, By]]] = defaultdict(set)
    for table in TABLES:
        for entry in table.codes:
            texts = [entry.message]
            if " " in entry.code.strip() or not entry.code.isascii():
                texts.append(entry.code)  # a table keyed by its messages (one-api's)
            for text in (part for t in texts if t for part in t.split(" / ")):
                pattern = _message_pattern(text)
                if pattern is not None:
                    found[pattern].add((entry.reason, entry.by))
    out: dict[tuple[Reason, By], list[str]] = defaultdict(list)
    for pattern, meanings in found.items():
        reasons = {r for r, _ in meanings}
        if len(reasons) == 1 and Reason.UNKNOWN not in reasons:  # disagreeing tables: nothing
            out[min(meanings)].append(pattern)
    return out


_PHRASES = _phrases()


def documented_groups() -> dict[str, str]:
    """One wording group per (reason, what decides) of every message the tables document:
    `doc_<reason>_<by>`."""
    return {
        f"doc_{reason.value}_{by.value}": "|".join(sorted(patterns))
        for (reason, by), patterns in sorted(_PHRASES.items())
    }
