"""Remove API keys from text before it leaves the backend process.

Provider errors echo keys back: OpenAI's "Incorrect API key provided: sk-...", Gemini's
`?key=AIza...` in the request URL that httpx prints, `Authorization` headers in tracebacks. Every
text field is scrubbed before it reaches Pub/Sub, a log line, Firestore or a notification.

Two layers, in this order:
1. The key itself, when the caller handed it over (`report(api_key=)`, `track(api_key=)`):
   `KeyScrubber` removes it, and every fragment of it of 8 characters or more (providers echo
   keys partly masked, and a cut can split one), whatever its format.
2. Rules for keys that are not known: the providers' prefixes (`sk-proj-`, `AIza`, ...), the
   words in front of a value (`api-key: ...`), and long random tokens that stand next to a
   credential word ("Authentication failed for <token>", "<token> is not a valid API key").

A redaction keeps a short, non-secret hint of what was there (`sk-proj-[REDACTED]`,
`AIza[REDACTED]`, `Bearer [REDACTED]`, `key=[REDACTED]`) and never a character of the secret
itself, not even the last four. Standard library only: this runs in the backend's process.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping

from keywatch.fingerprint import key_fingerprint

__all__ = [
    "KeyScrubber",
    "looks_bare_key",
    "looks_random",
    "looks_secret",
    "nfkc",
    "normalise",
    "remove_key",
    "scrub",
    "scrub_mapping",
    "scrub_message",
]

REDACTED = "[REDACTED]"
TRUNCATED = "...[truncated]"  # ASCII: NFKC (events.py) leaves it as it is

# A key starts wherever a non-alphanumeric character precedes it (`=`, quote, space, `_`), or a
# string escape does: error bodies are often JSON or repr text, with `\n` or `\u0027` right in
# front of a key.
_NA = r"(?![A-Za-z0-9])"
# Characters a key body is made of. `*` is included so that a provider's own masked echo
# (`sk-proj-abc1****wxyz`) is redacted whole: its visible ends are still part of the key.
_BODY = r"[A-Za-z0-9_*\-]"
_ALNUM = r"[A-Za-z0-9*]"

# The hints left in front of a redaction. A value that is exactly one of these and is followed
# by `[REDACTED]` was already scrubbed; the header and keyword rules leave it alone.
_HINTS = frozenset(
    {
        "sk-",
        "sk-ant-",
        "sk-proj-",
        "sk-svcacct-",
        "sk-admin-",
        "sk-None-",
        "sk-or-v1-",
        "AIza",
        "ya29.",
        "xai-",
        "gsk_",
        "pplx-",
        "fw_",
        "tgp_v1_",
        "hf_",
        "r8_",
        "nvapi-",
        "AKIA",
        "ASIA",
        "eyJ",
    }
)

# Ids that providers print next to words like "key" or "token" and that are not secret: request
# ids (`req_...`, `chatcmpl-...`), message and tool ids, org and project ids, and keywatch's own
# key fingerprints (`kf_`, fingerprint.py), which are public by design.
_PUBLIC_ID = re.compile(
    r"(?:req|msg|resp|toolu|batch|run|thread|asst|proj|kf)_|(?:chatcmpl|org|file)-"
)
# Lowercase words and model names (`invalid_api_key`, `gpt-4o-mini-2024-07-18`): separators
# between short pieces. A random key is mixed-case or has long runs with digits.
_WORDISH = re.compile(r"[A-Za-z][a-z0-9]*(?:[-._][a-z0-9]+)*[-._]?")
_PIECE = re.compile(r"[-._]")
# Words run together, each capitalised or not (`InvalidApiKey`): no digit, no two capitals in a
# row, which a random key of any length has.
_CAMEL = re.compile(r"(?:[A-Z]?[a-z]+)+")
# Request and idempotency ids. No provider listed here issues UUID-shaped keys.
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")

# A rule's replacement: a template, or a function that returns the replacement or None to keep
# the match (the scan then resumes at the match's `value` group, which may hold a keyword).
_Repl = str | Callable[[re.Match[str]], str | None]


# Placeholders and variable names: `YOUR_KEY`, `OPENAI_API_KEY`.
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def _wordish(value: str) -> bool:
    value = value.rstrip("=")
    if all(_CAMEL.fullmatch(p) or len(p) <= 3 for p in _PIECE.split(value)):
        return True  # a dotted name of words: `oauth.v2.InvalidApiKey` (Apigee's errorcode)
    if _WORDISH.fullmatch(value) is None and _CONSTANT.fullmatch(value) is None:
        return False
    return all(p.isalpha() or len(p) <= 10 for p in _PIECE.split(value))


def _already_redacted(m: re.Match[str], value: str) -> bool:
    return value in _HINTS and m.string.startswith(REDACTED, m.end())


def _scheme(m: re.Match[str]) -> str | None:
    """`Bearer <token>` / `Basic <base64>`: the credential after an HTTP auth scheme."""
    value = m["value"]
    if len(value) < 8 or _wordish(value) or _already_redacted(m, value):
        return None
    return f"{m['kw']}{m['sep']}{REDACTED}"


_STRONG_SEP = re.compile(r"[:=]")


def _keyword(m: re.Match[str]) -> str | None:
    """A value right after `key`, `token`, `secret`, `password`, `authorization`, ...

    Unprefixed keys (Mistral, Cohere, Azure OpenAI, Together, AWS secret keys) are only
    recognisable by what precedes them, so the rule is deliberately broad about separators and
    narrow about values: 20+ characters that are not a word, a model name, a UUID or a public
    id. Their keys are 32 to 84 characters; 20 leaves room for odd ones and spares short hashes.
    """
    value = m["value"]
    if value == REDACTED or _already_redacted(m, value):
        return None
    if m["kw"].lower() in ("password", "passwd", "pwd") and _STRONG_SEP.search(m["sep"]):
        # Passwords are short and may be words; `password=hunter2` is still a secret.
        return f"{m['kw']}{m['sep']}{REDACTED}"
    if _wordish(value) or _PUBLIC_ID.match(value) or _UUID.fullmatch(value):
        return None
    if len(value) < 20 and not (_STRONG_SEP.search(m["sep"]) and _random(value, 12)):
        return None  # `key=` + a random 12 to 19 characters is still a key
    return f"{m['kw']}{m['sep']}{REDACTED}"


# A long random token is a key when a credential word stands near it: within a few words before
# it ("credential (<token>)", "Authentication failed for <token>") or after it ("<token> is not
# a valid API key"). "for" counts only right in front of the token.
_TOKEN = re.compile(
    r"(?:(?<![A-Za-z0-9_\-+/.~%\\])|(?<=\\[nrt\"'])|(?<=\\u00[0-9a-fA-F]{2}))"
    r"[A-Za-z0-9][A-Za-z0-9_\-+/.~*]{11,}=*"
)
_CREDENTIAL_WORD = re.compile(
    r"(?i)(?<![a-z])(?:api[ _-]?keys?|apikeys?|keys?|tokens?|credentials?|authori[sz]ation"
    r"|auth|secrets?|passwords?|bearer)(?![a-z])"
)
_FOR = re.compile(r"(?i)(?<![a-z])for\W{1,3}$")
_NEAR = 40  # characters either side: about six words
_PIECES = re.compile(r"[/._\-+~=]")
_HEX = frozenset("0123456789abcdef")


def _entropy(value: str) -> float:
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def _random(value: str, min_len: int = 16) -> bool:
    """Random-looking: long, with letters and digits, not a word, a name, an id or a path, and
    with the character entropy of random text (after detect-secrets' high-entropy plugins: hex
    needs 3.0 bits per character, other alphabets close to log2 of the length)."""
    value = value.rstrip("=.")
    if len(value) >= 12 and _MASK.fullmatch(value):
        return True  # a provider's masked echo of a key: `8nxBBvTp****1kpn`
    if len(value) < min_len or _wordish(value) or _PUBLIC_ID.match(value):
        return False
    if _UUID.fullmatch(value) or not any(c.isdigit() for c in value):
        return False
    if sum(c.isalpha() for c in value) < 4:
        return False
    # Model names, paths and versions are short pieces between separators.
    if max(len(p) for p in _PIECES.split(value)) < 10:
        return False
    if set(value.lower()) <= _HEX:
        return len(value) >= 20 and _entropy(value.lower()) >= 3.0
    return _entropy(value) >= min(4.0, math.log2(len(value)) - 0.8)


# A value labelled as an id is one, whatever words stand around it ("in organization
# `org_01j2g5d88hfvjrgw64hnapqk8y` ... on tokens per minute": Groq's limit messages).
_ID_LABEL = re.compile(
    r"(?i)(?<![a-z])(?:(?:[a-z]+[ _-]?)?id|request|trace|ray|span|job|run|operation"
    r"|organi[sz]ation|org|project|workspace)\W{0,4}$"
)
_MASK = re.compile(r"[A-Za-z0-9]{2,}\*{3,}[A-Za-z0-9]*|[A-Za-z0-9]*\*{3,}[A-Za-z0-9]{2,}")


def _near_credential_word(text: str, start: int, end: int) -> bool:
    """A credential word on the same line, close before or after the token."""
    before = text[max(0, start - _NEAR) : start].rpartition("\n")[2]
    if _ID_LABEL.search(before):
        return False
    if _FOR.search(before) or _CREDENTIAL_WORD.search(before):
        return True
    return bool(_CREDENTIAL_WORD.search(text[end : end + _NEAR].partition("\n")[0]))


def _redact_random_tokens(text: str) -> str:
    parts: list[str] = []
    last = 0
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token.startswith(REDACTED) or not _random(token):
            continue
        if text.startswith("://", m.start() - 3) or not _near_credential_word(
            text, m.start(), m.end()
        ):
            continue
        end = m.start() + len(token.rstrip("."))  # a sentence's full stop stays
        parts += (text[last : m.start()], REDACTED)
        last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _start(width: int = 0) -> str:
    """A key may start `width` characters back: no alphanumeric precedes it, or an escape does
    (`\\n`, `\\u0027` in JSON or repr text, `%22` in URL-encoded text)."""
    w = f".{{{width}}}" if width else ""
    return (
        rf"(?:(?<![A-Za-z0-9]{w})|(?<=\\[nrtbf]{w})|(?<=\\u00[0-9a-fA-F]{{2}}{w})"
        rf"|(?<=%[0-9a-fA-F]{{2}}{w}))"
    )


def _lit(prefix: str) -> str:
    """`prefix`, starting a key. The lookbehind comes after the literal so the regex engine can
    skip ahead to the literal instead of trying every position."""
    return re.escape(prefix) + _start(len(prefix))


# (triggers, pattern, replacement): a rule runs only when one of its lowercase triggers is in the
# text. Order matters: URLs first (their parameters are redacted whole, whatever the key's
# shape), then prefixed keys (keeping their hint), then the context rules for unprefixed keys.
_RULES: tuple[tuple[tuple[str, ...], re.Pattern[str], _Repl], ...] = (
    # `https://user:password@host`: the user part can be a key too (`https://<token>@github.com`).
    (("://",), re.compile(r"://[^/\s@?#'\"<>]+@"), f"://{REDACTED}@"),
    # Query parameters that carry credentials: Gemini's `?key=`, OAuth `access_token=`, Azure
    # SAS `sig=`, S3/GCS presigned URLs. The value is redacted up to the next delimiter.
    (
        ("key", "token", "sig", "secret", "password", "cred"),
        re.compile(
            r"(?i)((?:[?&;]|\\u0026)(?:key|api[_-]?key|apikey|x-api-key|access[_-]?token|refresh[_-]?token"
            r"|id[_-]?token|auth[_-]?token|token|sig|signature|secret|client[_-]?secret|password"
            r"|x-amz-security-token|x-amz-signature|x-amz-credential|x-goog-signature"
            r"|x-goog-credential)=)(?!\[)[^&#\s'\"<>]+"
        ),
        rf"\1{REDACTED}",
    ),
    # Anthropic: sk-ant-api03-..., sk-ant-admin01-..., sk-ant-oat01-...
    (("sk-ant-",), re.compile(_lit("sk-ant-") + _BODY + "{8,}"), f"sk-ant-{REDACTED}"),
    # OpenRouter: sk-or-v1- + 64 hex.
    (("sk-or-v1-",), re.compile(_lit("sk-or-v1-") + _ALNUM + "{8,}"), f"sk-or-v1-{REDACTED}"),
    # OpenAI project, service-account and admin keys, and the legacy `sk-None-` user keys:
    # https://platform.openai.com/docs/api-reference/authentication
    (
        ("sk-",),
        re.compile(_lit("sk-") + r"(proj|svcacct|admin|None)-" + _BODY + "{8,}"),
        rf"sk-\1-{REDACTED}",
    ),
    # Legacy OpenAI `sk-` + 48, DeepSeek `sk-` + 32 hex, and other OpenAI-compatible providers.
    (("sk-",), re.compile(_lit("sk-") + _BODY + "{20,}"), f"sk-{REDACTED}"),
    # Google API keys are AIza + 35 characters; OAuth access tokens start `ya29.`.
    (("aiza",), re.compile("AIza" + _BODY + "{20,}"), f"AIza{REDACTED}"),
    (("ya29.",), re.compile(r"ya29\.[A-Za-z0-9_*.\-]{20,}"), f"ya29.{REDACTED}"),
    # xAI, Groq, Perplexity, Fireworks, Hugging Face, Replicate: prefix + alphanumerics.
    *(
        ((p.lower(),), re.compile(_lit(p) + _ALNUM + "{20,}"), p + REDACTED)
        for p in ("xai-", "gsk_", "pplx-", "fw_", "hf_", "r8_")
    ),
    # Together (`tgp_v1_`) and NVIDIA (`nvapi-`): base64url bodies.
    *(((p,), re.compile(_lit(p) + _BODY + "{20,}"), p + REDACTED) for p in ("tgp_v1_", "nvapi-")),
    # AWS access key ids: long-term AKIA, temporary ASIA.
    *(
        ((p.lower(),), re.compile(_lit(p) + "[A-Z0-9]{16}" + _NA), p + REDACTED)
        for p in ("AKIA", "ASIA")
    ),
    # JWTs (bearer tokens, service-account assertions): base64url JSON header and payload.
    (
        ("eyj",),
        re.compile(r"eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*"),
        f"eyJ{REDACTED}",
    ),
    # HTTP auth schemes, wherever they appear (headers in tracebacks, curl commands).
    (
        ("bearer", "basic"),
        # RFC 6750 b64token: alphanumerics, `-._~+/`, then `=` padding.
        re.compile(
            r"(?i)(?=[bB])"
            + _start()
            + r"(?P<kw>bearer|basic)(?P<sep>\s+)"
            + r"(?P<value>[a-z0-9._~+/\-]+(?:=++(?![a-z0-9+/\[]))?)"
        ),
        _scheme,
    ),
    # Unprefixed keys, known only by the word in front of them: `api-key: ...` (Azure),
    # `'x-api-key': '...'`, `aws_secret_access_key = ...`, `token=...`, `"apiKey": "..."`.
    # The keyword may end a longer name (`x-goog-api-key`, `X-Amz-Security-Token`).
    (
        ("key", "token", "secret", "authorization", "pass", "pwd", "signature"),
        re.compile(
            r"""(?ix)
            (?=[akpst])  # rejects most positions on one character, before the lookbehind
            """
            + _start()
            + r"""
            (?P<kw>apikey|key|token|secret|authorization|password|passwd|pwd|signature)
            (?![a-z0-9])
            (?P<sep>
                (?:\s+provided)?             # OpenAI-style "key provided: ..."
                (?:\\?["'])?                 # closing quote of a JSON or repr key
                (?:\s*[:=]{1,2}\s*|\s+)
                (?:\\?["'])?
                (?:(?:bearer|basic|token)\s+)?
            )
            # Base64 has `=` only as padding; `name=value` after the keyword is not one value.
            (?P<value>\[REDACTED]|[a-z0-9_\-+/.~]+(?:=++(?![a-z0-9+/\[]))?)
            """
        ),
        _keyword,
    ),
)
# Anything that could start a redaction. Text without any of these is returned as it is, which
# is what most error messages ("Rate limit reached ...", "overloaded") are.
_CONTEXT_TRIGGERS = ("key", "token", "cred", "auth", "secret", "pass", "bearer", "for")
_TRIGGERS = tuple(sorted({t for triggers, _, _ in _RULES for t in triggers} | {*_CONTEXT_TRIGGERS}))


def _redact(text: str) -> str:
    low = text.lower()
    for t in _TRIGGERS:
        if t in low:
            break
    else:
        return text
    for triggers, pattern, repl in _RULES:
        if any(t in low for t in triggers):
            text = pattern.sub(repl, text) if isinstance(repl, str) else _sub(pattern, repl, text)
    if any(t in low for t in _CONTEXT_TRIGGERS):
        text = _redact_random_tokens(text)
    return text


_FIELD = re.compile(r"[A-Za-z0-9_\-]+")


def _sub(pattern: re.Pattern[str], decide: Callable[[re.Match[str]], str | None], text: str) -> str:
    """`pattern.sub` for a context rule, where a value may itself end in a keyword: in
    `token=api-key: <key>` or `password=aws_secret_access_key=<key>` the real match starts
    inside the first one's value. A kept match, or one whose value is a field name ending in a
    keyword followed by `:` or `=`, is left alone and the scan resumes at its value."""
    parts: list[str] = []
    pos = last = 0
    while (m := pattern.search(text, pos)) is not None:
        repl = decide(m)
        if repl is not None and _FIELD.fullmatch(m["value"]):
            # Only an identifier can be a field name (`AWS_SECRET_ACCESS_KEY`); a key that runs
            # into `.key:` or `/token=` is still redacted.
            inner = pattern.search(text, m.start("value"))
            if (
                inner is not None
                and inner.end("kw") == m.end()
                and _STRONG_SEP.search(inner["sep"])
            ):
                repl = None
        if repl is None:
            pos = m.start("value")
            continue
        parts += (text[last : m.start()], repl)
        pos = last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


# Characters that can belong to a key or to a redaction marker; truncation never cuts inside a
# run of them (within reach), so a cut cannot turn `sk-proj-[REDACTED]` into a fresh candidate.
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-+/=.~*\[\]]")
_BACKOFF = 100
# Input beyond this is not scanned: it could not survive truncation anyway, unless redactions
# shrank the text a great deal, and then the output is just shorter than `limit`.
_SCAN_FACTOR = 4
_SCAN_MIN = 8192


def _cut(text: str, end: int) -> str:
    """`text[:end]`, moved back to the start of a key-like run it would split, if that is near;
    a run longer than the reach is cut where it stands."""
    if end >= len(text):
        return text
    for start in range(end, max(0, end - _BACKOFF), -1):
        if not (_TOKEN_CHARS.match(text, start - 1) and _TOKEN_CHARS.match(text, start)):
            return text[:start]
    return text[:end]


# A line break between two token characters: a key wrapped by a terminal or a log shipper, a
# JSON `\\n`. Most such breaks are two words or two fields; `_join_split` joins one only when the
# rules find a key across it that they do not find without it.
_BREAK = re.compile(r"(?<=[A-Za-z0-9_\-*])[ \t]*(?:\r\n|\r|\n|\\r\\n|\\n)[ \t]*(?=[A-Za-z0-9_\-*])")
_LINE = re.compile(r"\r\n|\r|\n|\\r\\n|\\n")
_TAIL = re.compile(r"[A-Za-z0-9_\-+/.~*=]+")
_CONTEXT = 2 * _NEAR
# What a token cut by a break is made of (scanned back from the break).
_HEAD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/.~*=")
_LINE_BACK = 1024  # how far back a cut token and its words are looked for
# Line breaks, written (`\\n` in JSON or repr text) or not: never part of a name or a code.
_WRITTEN_BREAKS = re.compile(r"\\[nrt]|[\r\n\t]")


def _tail_of_key(value: str) -> bool:
    """Could be the rest of a key: 10 characters or more, not a word, a name or a public id, with
    digits among its letters or, from 16 characters, the entropy of random text."""
    value = value.rstrip("=.")
    if len(value) < 10 or _wordish(value) or _PUBLIC_ID.match(value):
        return False
    digits = sum(c.isdigit() for c in value)
    if 0 < digits < len(value):
        return True
    # Base62 has no digit often enough in a tail of a few dozen characters; prose is not random.
    if len(value) >= 16:
        return _entropy(value) >= 3.5
    # From 12 characters, mixed case that makes no words (`_wordish` said so) and is not a
    # repeated pattern is enough: the fuzz tier found a key's letters left after a written `\n`
    # (`goBsDfNuyocqjDM`, `hpYATdOETBLC`). An all-lowercase tail reads as a word and is left.
    mixed = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return len(value) >= 12 and mixed and _entropy(value) >= 3.0


def nfkc(text: str) -> str:
    """NFKC (`sk-proj-` in full-width letters is `sk-proj-`) without invisible format characters
    (zero-width spaces, bidi marks); `text` itself when it is ASCII."""
    if text.isascii():
        return text
    out = unicodedata.normalize("NFKC", text)
    return "".join(c for c in out if c.isascii() or unicodedata.category(c) != "Cf")


def _join_split(text: str) -> str:
    """`text` with each line break that splits a key joined; `text` itself when none does."""
    if "\n" not in text and "\r" not in text and "\\n" not in text:
        return text
    parts: list[str] = []
    last = 0
    for m in _BREAK.finditer(text):
        # The line up to the break, from the start of the token the break cuts (a key's prefix
        # may be far back: an OpenAI key is 164 characters) and the words before it.
        head = "".join(parts)[-_LINE_BACK:] + text[max(last, m.start() - _LINE_BACK) : m.start()]
        line = _LINE.split(head)[-1]
        start = len(line)
        while start and line[start - 1] in _HEAD:
            start -= 1
        left = line[max(0, start - _CONTEXT) :]
        right = _TAIL.match(text, m.end())
        tail = right.group() if right is not None else ""
        # The rest of a key is random itself (`Host` after `Basic <token>` is a header); a tail
        # of under 10 characters is left, as no rule could tell it from a word.
        if not _tail_of_key(tail) or _redact(left + tail).endswith(tail):
            continue
        parts.append(text[last : m.start()])
        last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def normalise(text: str) -> str:
    """`text` as the rules read it: NFKC without format characters, and each line break that
    splits a key joined. Returns `text` itself when there is nothing to change."""
    return _join_split(nfkc(text))


def _clean(text: str, key: KeyScrubber | None) -> str:
    """The known key and every key-shaped string removed. When normalising the text
    (`normalise`) reveals a key the rules miss in it as it is (split over two lines, written in
    full-width letters), the normalised text, redacted, is returned; otherwise the text keeps
    its own characters and line breaks."""
    if key is not None:
        text = key(text)
    out = _redact(text)
    n = nfkc(text)
    if n is not text and key is not None:
        n = key(n)
    n = _join_split(n)
    if n is text:
        return out
    redacted = _redact(n)
    return redacted if redacted != n else out


def _one_token(value: str) -> str:
    """A short field as the whole-token checks read it: normalised, line breaks taken out."""
    return _WRITTEN_BREAKS.sub("", normalise(value))


def looks_random(value: str) -> bool:
    """True if the whole of `value` is a random token (a bare key, 32 hex digits): for short
    fields that are codes or names (`error_code`, `feature`), where a random value of 16
    characters or more is never a code. Not for request ids, which are random by design."""
    value = _one_token(value)
    return _TOKEN.fullmatch(value) is not None and _random(value)


_BARE = re.compile(r"[A-Za-z0-9]{20,}")


def looks_bare_key(value: str) -> bool:
    """True if `value` is one unbroken random run of 20 or more letters and digits (32 hex
    digits: an Azure OpenAI key): for names, which may be random in part (`ep-20240611103947-
    mbzsd`, `tunedModels/my-model-abc123`) but are never a bare token without a separator."""
    value = _one_token(value)
    return _BARE.fullmatch(value) is not None and _random(value)


def scan_chars(limit: int) -> int:
    """How much of a text `scrub(text, limit)` reads: a caller may cut a text to one more
    character than this before handing it over, and loses nothing (`scrub` then cuts it safely)."""
    return max(limit * _SCAN_FACTOR, _SCAN_MIN)


def scrub(text: str | None, limit: int = 2000, key: KeyScrubber | None = None) -> str | None:
    """`text` with the known `key` (and its fragments) removed, then every key-shaped string
    redacted, then cut to at most `limit` characters (ending with `...[truncated]` when cut).
    None stays None."""
    if text is None:
        return None
    if limit < 0:
        raise ValueError("limit must be >= 0")
    scan = scan_chars(limit)
    truncated = len(text) > scan
    if truncated:
        # Drop the run split at the scan boundary: a key cut short would not match its pattern.
        text = _cut(text, scan)
    out = _clean(text, key)
    if not truncated and len(out) <= limit:
        return out
    if limit <= len(TRUNCATED):
        return _cut(out, limit)
    return _cut(out, limit - len(TRUNCATED)) + TRUNCATED


def scrub_message(
    text: str | None, limit: int = 2000, key: KeyScrubber | None = None
) -> str | None:
    """`scrub`, and a message that is wholly one random token (a bare key, with no word around
    it for the rules to go by) replaced: an error message is words, never a bare token."""
    out = scrub(text, limit, key)
    return REDACTED if out and looks_random(out) else out


_MAX_DEPTH = 32


def _scrub_value(value: object, limit: int, depth: int) -> object:
    if isinstance(value, str):
        return scrub(value, limit)
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth >= _MAX_DEPTH:
        return scrub(repr(value), limit)
    if isinstance(value, Mapping):
        return {_scrub_key(k, limit): _scrub_value(v, limit, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_scrub_value(v, limit, depth + 1) for v in value]
    if isinstance(value, bytes | bytearray):
        return scrub(bytes(value).decode("utf-8", "replace"), limit)
    # Anything else (an exception, a header object) becomes its text, scrubbed.
    return scrub(str(value), limit)


def _scrub_key(key: object, limit: int) -> object:
    return scrub(key, limit) if isinstance(key, str) else key


def scrub_mapping(d: Mapping[str, object], limit: int = 2000) -> dict[str, object]:
    """A copy of an error body with every string (values, nested dicts and lists, and keys)
    scrubbed; each string is cut to `limit`. Tuples and sets become lists, other objects their
    scrubbed `str()`, so the result is JSON-serialisable and secret-free."""
    return {str(_scrub_key(k, limit)): _scrub_value(v, limit, 1) for k, v in d.items()}


def looks_secret(text: str) -> bool:
    """True if `text` holds anything `scrub` would redact, normalised or as it is."""
    return _clean(text, None) != text


# -- keys the caller handed over ------------------------------------------------------------

_FRAGMENT = 8  # the shortest piece of a known key that is removed on its own


def remove_key(text: str, key: str) -> str:
    """`text` without `key` and without any run of 8 or more characters that also occurs in
    `key` (a masked echo `sk-proj-abc1****wxyz`, a key cut in two), whatever the key's format."""
    key = key.strip()
    if not key or not text:
        return text
    if key in text:
        text = text.replace(key, REDACTED)
    if len(key) < _FRAGMENT:
        return text
    spans: list[tuple[int, int]] = []
    for gram in {key[i : i + _FRAGMENT] for i in range(len(key) - _FRAGMENT + 1)}:
        at = text.find(gram)
        while at != -1:
            spans.append((at, at + _FRAGMENT))
            at = text.find(gram, at + 1)
    if not spans:
        return text
    spans.sort()
    parts: list[str] = []
    last = 0
    start, end = spans[0]
    for s, e in spans[1:]:
        if s <= end:  # overlapping grams of one fragment
            end = max(end, e)
            continue
        parts += (text[last:start], REDACTED)
        last, start, end = end, s, e
    parts += (text[last:start], REDACTED, text[end:])
    return "".join(parts)


class KeyScrubber:
    """A key the caller handed over, held only to remove it from text: `scrubber(text)`.

    It shows as its fingerprint in a repr, cannot be pickled or copied out of the process, and
    is what `track()` and the LangChain handler keep instead of the key.
    """

    __slots__ = ("__key", "fingerprint")

    def __init__(self, key: str) -> None:
        self.__key = key.strip()
        self.fingerprint = key_fingerprint(self.__key)

    def __call__(self, text: str) -> str:
        return remove_key(text, self.__key)

    def __repr__(self) -> str:
        return f"KeyScrubber({self.fingerprint})"

    def __reduce__(self) -> str:
        raise TypeError("a KeyScrubber holds a key and never leaves the process")

    @property
    def key(self) -> str:
        """The key itself, for keywatch's own use (the reporter queues it, never sends it)."""
        return self.__key
