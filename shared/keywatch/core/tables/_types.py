"""The shape every error table and transport vocabulary is transcribed into.

A table is one published source (a provider's or gateway's error-code page, a runtime's list of
network errors), transcribed whole with its URL: every code it documents, not only the codes a
case has shown. The rules in core/classify.py read these tables; `keywatch classify --coverage`
checks, entry by entry, that the rules give each documented code its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from keywatch.core.reasons import Reason


class By(StrEnum):
    """What decides the reason of a code."""

    CODE = "code"  # the code alone: its reason whatever the wording says
    # A limit: the window or the wait in the wording decides between rate_limited (seconds, a
    # minute), quota_exhausted (a day, a month, money, a limit of 0) and overloaded (the
    # provider's capacity). `reason` is what the code means when the wording says nothing.
    WINDOW = "window"
    # A generic code the provider uses for many things (OpenAI's invalid_request_error,
    # google.rpc INVALID_ARGUMENT): the wording decides, and `reason` is the fallback.
    WORDING = "wording"


@dataclass(frozen=True, slots=True)
class Code:
    """One documented error."""

    code: str  # as documented: "invalid_api_key", "1113", "AuthFailure.SecretIdNotFound", "401"
    reason: Reason
    status: int | None = None  # the HTTP status it comes with, where the source says
    message: str = ""  # the documented message or meaning, verbatim where the source gives one
    by: By = By.CODE
    note: str = ""  # why this reason, where the remedy decides


@dataclass(frozen=True, slots=True)
class ErrorTable:
    """One provider's or gateway's published error table."""

    provider: str  # keywatch's name for the provider ("zhipu"), lower case
    source: str  # the URL transcribed from
    field: str  # where the code appears: "error.code", "error.type", "HTTP status", ...
    codes: tuple[Code, ...]
    aliases: tuple[str, ...] = ()  # other provider names it goes by ("zhipuai", "glm")
    note: str = ""


class Kind(StrEnum):
    CLASS = "class"  # an exception or error class name: "ConnectTimeout", "SocketException"
    ERRNO = "errno"  # a symbolic error code as printed: "ECONNRESET", "UND_ERR_SOCKET"
    PHRASE = "phrase"  # words the runtime prints: "Temporary failure in name resolution"


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a runtime's network vocabulary, matched case-insensitively as a literal."""

    text: str
    reason: Reason  # network or timeout, or the peer's 5xx meaning (server_error, overloaded)
    kind: Kind = Kind.PHRASE
    meaning: str = ""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """One runtime's or proxy's published network errors."""

    runtime: str  # "Node undici", "Go net/http", "libcurl"
    source: str  # the URL transcribed from
    terms: tuple[Term, ...]
    note: str = ""
