"""Give every failure one reason, decided by what the key's owner must do.

The rules are a list you can read: `DECISIONS` runs small named functions over one `Evidence`
value, strongest fact first (an account barred, money, the provider's own code, a specific code,
the wording, generic codes, a gateway's class, the transport's vocabulary, the status), and the
first that decides wins; `CHECKS` then guard the verdicts a wrong answer would make costly (a
5xx never invalidates a key). The published tables the rules read live in core/tables, the
wording in core/wording.py, and why each rule reads as it does, with the public error that backs
it, in docs/classification.md. `keywatch classify --explain` names the rule that decided a
record; `keywatch classify --coverage` checks every documented code of every table.

Nothing here does I/O; JSON is parsed only when a body arrives as a string or a gateway embeds
the upstream error as a JSON string. Every wording rule runs in one RE2 pass
(core/textrules.py); classify() without a body is cached per distinct failure.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from keywatch.core import tables
from keywatch.core.evidence import Facts, read_body, read_embedded
from keywatch.core.reasons import PROVIDER_FAULT, RETRYABLE, USER_ACTIONABLE, Reason
from keywatch.core.tables import By
from keywatch.core.tables.codes import (
    EXCEPTION_NAMES,
    GATEWAY_TIMEOUTS,
    GENERIC_CODES,
    LIMIT,
    PROVIDER_CODES,
    PROVIDER_STATUS,
    SPECIFIC_CODES,
    STATUS_CLASS_NAMES,
    STATUS_RULES,
)
from keywatch.core.textrules import Hits
from keywatch.core.wording import RULES
from keywatch.events import Source

__all__ = [
    "CHECKS",
    "DECISIONS",
    "PROVIDER_FAULT",
    "RETRYABLE",
    "RULES",
    "USER_ACTIONABLE",
    "Classification",
    "Evidence",
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


@dataclass(slots=True)  # not frozen: built once a failure, and frozen costs a call a field
class Evidence:
    """Everything the rules may read about one failure, gathered once."""

    facts: Facts
    status: int | None  # the HTTP status: given, else the innermost in the body or the text
    name: str  # the exception's class name, lower-cased, without its module
    provider: str  # the provider's family name ("glm" -> "zhipu")
    text: str  # every message and code read, lower-cased, a gateway's class names taken out
    hits: Hits  # which wording groups the text holds
    codes: tuple[str, ...]  # string codes, innermost first
    numbers: tuple[str, ...]  # numeric codes, innermost first
    gateway: tuple[str, ...]  # a gateway's class names (LiteLLM's), outermost evidence


# A decision: the reason, the rule's name (for --explain) and the evidence that decided: a code,
# a status, or the name of a wording group after _GROUP, whose words explain() finds (classify()
# never needs them).
_GROUP = "@"
Decision = tuple[Reason, str, str]
Rule = Callable[[Evidence], Decision | None]

_STATUS_IN_TEXT = re.compile(r"(?i)\b(?:error code|status(?: code)?|http)[:= ]+([45]\d\d)\b")
_GATEWAY_CLASS = re.compile(r"litellm\.(\w+)")
_SPACES = re.compile(r"[ \t]*\n[ \t]+|[ \t]{2,}|\t")
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

# What the runtimes raise when no response came, by class name (core/tables/transport.py),
# after the classes kept by hand.
_TRANSPORT_CLASSES = {**tables.vocabulary_classes(), **EXCEPTION_NAMES}
_VOCABULARY = tuple(g for g in RULES.groups if g.startswith("vocab_"))
_CLASS_NAMES = frozenset(_TRANSPORT_CLASSES) | frozenset(STATUS_CLASS_NAMES)
# A code whose documented reason is a catch-all says less than the words beside it; a class
# name, a status or a generic code is read in its own place, after the wording.
_CATCH_ALL = frozenset({Reason.BAD_REQUEST, Reason.SERVER_ERROR, Reason.UNKNOWN})
# The documented messages, by (reason, what decides): `doc_<reason>_<by>`.
_DOCUMENTED = {
    g: (Reason(g[4:].rsplit("_", 1)[0]), By(g.rsplit("_", 1)[1]))
    for g in RULES.groups
    if g.startswith("doc_")
}
_DOC_ALL = frozenset(_DOCUMENTED)
_DOC_EARLY = frozenset(
    g for g, (r, by) in _DOCUMENTED.items() if by is not By.WORDING and r not in _CATCH_ALL
)


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
    ev = gather(status_code, error_type, error_code, error_message, provider, body, retry_after_s)
    return _classification(decide(ev)[0], status_code, error_type, error_code, error_message)


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
    ev = gather(status_code, error_type, error_code, error_message, provider, body, retry_after_s)
    reason, rule, evidence = decide(ev)
    if rule.startswith("text:") and not evidence:
        evidence = RULES.phrase(rule[5:].split("+", 1)[0], ev.text) or ""
    elif evidence.startswith(_GROUP):  # the words of a group, found only when explained
        evidence = RULES.phrase(evidence[1:], ev.text) or ""
    return Explanation(
        classification=_classification(reason, status_code, error_type, error_code, error_message),
        rule=rule,
        evidence=evidence,
        why=_WHY.get(rule) or _WHY.get(rule.split("+", 1)[0], rule),
        status=ev.status,
        codes=ev.codes + ev.numbers,
        text=ev.text,
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


def gather(
    status_code: int | None,
    error_type: str | None,
    error_code: str | None,
    error_message: str | None,
    provider: str | None,
    body: object,
    retry_after_s: float | None,
) -> Evidence:
    """Read every fact once: the body's codes and words, the SDK's, the status."""
    facts = Facts()
    if body is not None:
        read_body(body, facts)
    name = (error_type or "").rsplit(".", 1)[-1]
    if error_code:
        facts.code(error_code, 0)
    if error_type:
        facts.code(name, 0, as_text=False)  # a class name, not wording
    if error_message:
        facts.add_text(error_message)
        if not facts.codes or facts.codes == [(0, name.lower())]:
            read_embedded(error_message, facts)
    if retry_after_s is not None:
        facts.wait_s = retry_after_s
    status = status_code if status_code is not None else facts.status
    if status is None and error_message:
        # Only the message survived: "Error code: 429 - {...}", "Status: 429".
        match = _STATUS_IN_TEXT.search(error_message)
        status = int(match.group(1)) if match else None
    text = " ".join(facts.texts).lower()
    if "  " in text or "\t" in text:
        # A wrapper's padding or a line it wrapped ("Incorrect API\n     key provided") is not
        # the provider's words.
        text = _SPACES.sub(" ", text)
    gateway: tuple[str, ...] = ()
    if "litellm." in text:
        # A gateway's class names are evidence, read after the provider's own words.
        gateway = tuple(n.lower() for n in _GATEWAY_CLASS.findall(text))
        text = _GATEWAY_CLASS.sub(" ", text)
    return Evidence(
        facts=facts,
        status=status,
        name=name.lower(),
        provider=tables.family(provider),
        text=text,
        hits=RULES.hits(text) if text else _NO_HITS,
        codes=tuple(facts.innermost()),
        numbers=tuple(facts.innermost_numbers()),
        gateway=gateway,
    )


def decide(ev: Evidence) -> Decision:
    """The first rule that decides, then the checks that guard costly verdicts."""
    for rule in DECISIONS:
        decision = rule(ev)
        if decision is not None:
            break
    else:
        decision = (Reason.UNKNOWN, "none", "")
    for check in CHECKS:
        decision = check(ev, decision)
    return decision


# --- the decisions, strongest fact first -------------------------------------------------------


def barred(ev: Evidence) -> Decision | None:
    """An account, organisation or project barred: a new key on it would not help. Barred for
    unpaid billing, paying fixes it."""
    if "barred" not in ev.hits:
        return None
    if "billing_cause" in ev.hits or "money" in ev.hits:
        return Reason.QUOTA_EXHAUSTED, "text:barred+billing", ""
    return Reason.PERMISSION_DENIED, "text:barred", ""


def money(ev: Evidence) -> Decision | None:
    """Money is the remedy (credits, balance, billing, a plan, a spend limit or budget)."""
    if "money" in ev.hits:
        return Reason.QUOTA_EXHAUSTED, "text:money", ""
    return None


def provider_code(ev: Evidence) -> Decision | None:
    """A code the provider's own published table gives a meaning, innermost first."""
    if not ev.provider:
        return None
    for code in ev.codes + ev.numbers:
        own = PROVIDER_CODES.get((ev.provider, code))
        if own is not None:
            return own, "provider_code", f"{ev.provider} {code}"
        entry = tables.scoped(ev.provider, code, ev.status)
        if entry is None or not _specific(code, entry.by):
            continue
        if entry.reason in _CATCH_ALL:
            # A catch-all says less than the words beside it, but more than a shared code
            # another provider gives its own meaning (OpenAI's invalid_prompt is a flagged
            # prompt; OpenRouter's is a malformed message).
            words = _by_text(ev)
            if words is not None:
                return words[0], words[1], ""
        return _read_code(ev, entry.reason, entry.by, "table", f"{ev.provider} {code}")
    return None


def specific_code(ev: Evidence) -> Decision | None:
    """A specific code, whoever sent it: the shared vocabulary, then a code every table that
    documents it reads alike."""
    for code in ev.codes:
        found = SPECIFIC_CODES.get(code)
        if found is not None:
            if found == LIMIT:
                return _read_code(ev, Reason.RATE_LIMITED, By.WINDOW, "code", code)
            assert isinstance(found, Reason)
            return _read_code(ev, found, By.CODE, "code", code)
        documented = tables.shared(code)
        if (
            documented is not None
            and documented[0] not in _CATCH_ALL
            and _specific(code, documented[1])
        ):
            return _read_code(ev, documented[0], documented[1], "table_code", code)
    return None


def _specific(code: str, by: By) -> bool:
    if by is By.WORDING:
        return False
    if code.isdigit():
        return not 400 <= int(code) <= 599  # the status again, read by its own rule
    return code not in GENERIC_CODES and code not in _CLASS_NAMES


def documented_message(ev: Evidence) -> Decision | None:
    """A message a provider's published table documents, word for word (its values aside):
    it names its error as surely as a code does, when its reason is not a catch-all."""
    return _documented(ev, early=True)


def documented_message_late(ev: Evidence) -> Decision | None:
    """A documented message whose reason is a catch-all, or decided by its wording, read
    when the wording rules found nothing."""
    return _documented(ev, early=False)


def _documented(ev: Evidence, *, early: bool) -> Decision | None:
    found = ev.hits.among(_DOC_EARLY if early else _DOC_ALL)
    if not found:
        return None
    if len(found) == 1:
        (group,) = found
    else:  # the longest documented message found decides
        group = max(sorted(found), key=lambda g: len(RULES.phrase(g, ev.text) or ""))
    reason, by = _DOCUMENTED[group]
    phrase = _GROUP + group
    if early:
        return _read_code(ev, reason, by, "documented", phrase)
    return reason, "documented_late", phrase


def wording(ev: Evidence) -> Decision | None:
    """The wording of every message, in English and Chinese."""
    found = _by_text(ev)
    return None if found is None else (found[0], found[1], "")


def documented_number(ev: Evidence) -> Decision | None:
    """A number a relay passed through under another name, read where every table agrees."""
    for digits in ev.numbers:
        documented = tables.shared_number(digits)
        if documented is not None:
            return _read_code(ev, documented[0], documented[1], "table_number", digits)
    return None


def generic_code(ev: Evidence) -> Decision | None:
    """A code providers reuse for many things, read after the wording."""
    for code in ev.codes:
        if code in GENERIC_CODES:
            found = GENERIC_CODES[code]
            if found is Reason.SERVER_ERROR and ev.status is not None and 400 <= ev.status < 500:
                # A relay's "api_error" under its 401 or 404: the status says more.
                continue
            return found, "generic_code", code
        entry = tables.scoped(ev.provider, code, ev.status) if ev.provider else None
        if entry is not None and code not in _CLASS_NAMES and entry.reason is not Reason.UNKNOWN:
            return entry.reason, "table_generic", f"{ev.provider} {code}"
    for digits in ev.numbers:
        entry = tables.scoped(ev.provider, digits, ev.status) if ev.provider else None
        if entry is not None and entry.reason is not Reason.UNKNOWN:
            return entry.reason, "table_generic", f"{ev.provider} {digits}"
    return None


def gateway_class(ev: Evidence) -> Decision | None:
    """A gateway's class name, read after the provider's own code and words."""
    for code in ev.gateway:
        found = SPECIFIC_CODES.get(code) or STATUS_CLASS_NAMES.get(code)
        if isinstance(found, Reason) and found is not Reason.UNKNOWN:
            return found, "gateway_class", code
    return None


def transport(ev: Evidence) -> Decision | None:
    """What the runtime says when no response came: its exception class, then the phrases and
    errno names it prints (core/tables/transport.py)."""
    for code in ev.codes:
        found = _TRANSPORT_CLASSES.get(code)
        if found is not None:
            return found, "exception_class", code
    for group in _VOCABULARY:
        if group in ev.hits:
            return Reason(group[6:]), "transport", _GROUP + group
    return None


def by_status(ev: Evidence) -> Decision | None:
    """The HTTP status: first what this provider's table says it means, then what it means."""
    status = ev.status
    if status is None:
        return None
    special = PROVIDER_STATUS.get((ev.provider, status))
    if special is not None:
        return special, "provider_status", f"{ev.provider} {status}"
    documented = tables.provider_status(ev.provider, status) if ev.provider else None
    if documented is not None and documented.by is By.CODE:
        return documented.reason, "provider_status", f"{ev.provider} {status}"
    found = _by_status(status)
    return None if found is None else (found, "status", str(status))


def status_class(ev: Evidence) -> Decision | None:
    """An SDK class named after a status, raised before any response."""
    found = STATUS_CLASS_NAMES.get(ev.name)
    return None if found is None else (found, "status_class", ev.name)


def class_shape(ev: Evidence) -> Decision | None:
    """A class no table names, whose name still says what happened (`ReadTimeoutException`,
    `SocketConnectionError`): never unknown when the class says it."""
    name = ev.name
    if not name:
        return None
    if "timeout" in name or "timedout" in name or "deadline" in name:
        return Reason.TIMEOUT, "class_shape", name
    if any(w in name for w in _NETWORK_CLASS_WORDS):
        return Reason.NETWORK, "class_shape", name
    return None


_NETWORK_CLASS_WORDS = ("connect", "socket", "network", "dns", "hostlookup", "unknownhost")

DECISIONS: tuple[Rule, ...] = (
    barred,
    money,
    provider_code,
    specific_code,
    documented_message,
    wording,
    documented_message_late,
    documented_number,
    generic_code,
    gateway_class,
    transport,
    by_status,
    status_class,
    class_shape,
)


def _read_code(ev: Evidence, reason: Reason, by: By, rule: str, code: str) -> Decision:
    """A code's reason, unless its wording says the key's owner must do something else; a
    limit code's reason is decided by its window."""
    if by is By.WINDOW:
        limit, sub = _limit_reason(ev, reason)
        return limit, f"{rule}+{sub}", code
    refined, sub = _refine(reason, ev.hits)
    if refined is Reason.PERMISSION_DENIED and "limit" in ev.hits:
        # DashScope's 403 AccessDenied "Rate limit exceeded. Please wait": the words say a
        # limit, which its window decides.
        limit, sub = _limit_reason(ev, Reason.RATE_LIMITED)
        return limit, f"{rule}+{sub}", code
    return refined, f"{rule}+{sub}" if sub else rule, code


# --- the checks, after the decision ------------------------------------------------------------

Check = Callable[[Evidence, Decision], Decision]


def no_network_under_5xx(ev: Evidence, decision: Decision) -> Decision:
    """Connection wording under a 5xx: a response came, so the server or gateway failed
    (Envoy's 503 "upstream connect error ... Connection refused")."""
    status = ev.status
    if decision[0] is Reason.NETWORK and "no_connection" in ev.hits:
        return decision  # gRPC's own UNAVAILABLE, as a client maps it to 503: nothing answered
    if decision[0] is Reason.NETWORK and status is not None and status >= 500:
        return _by_status(status) or Reason.SERVER_ERROR, "5xx_not_network", str(status)
    return decision


def output_not_window(ev: Evidence, decision: Decision) -> Decision:
    """The window overrun by the output asked for, not by the input: lower max_tokens."""
    if decision[0] is Reason.CONTEXT_LENGTH and (
        "output_over" in ev.hits or _output_larger(ev.text)
    ):
        return Reason.BAD_REQUEST, "output_cap", _GROUP + "output_over"
    return decision


def key_needs_credential(ev: Evidence, decision: Decision) -> Decision:
    """One gateway blip must not take every key of a provider away: a 5xx, or a 400 that
    only mentions a token, is not a verdict on the key."""
    if decision[0] is not Reason.INVALID_KEY or _credential_signal(ev):
        return decision
    status = ev.status
    if status is not None and status >= 500:
        return _by_status(status) or Reason.SERVER_ERROR, "5xx_not_key", str(status)
    if status is not None:
        return Reason.BAD_REQUEST, "token_not_key", str(status)
    return Reason.UNKNOWN, "token_not_key", ""


CHECKS: tuple[Check, ...] = (no_network_under_5xx, output_not_window, key_needs_credential)


# --- what the decisions share ------------------------------------------------------------------

# After the limit decision, the first of these groups in the text decides.
_LATE_RULES: tuple[tuple[str, Reason], ...] = (
    ("quota_late", Reason.QUOTA_EXHAUSTED),
    # Message ordering is named precisely; a context phrase beside it is usually a gateway's
    # fallback failing after the first error (LiteLLM lists every deployment it tried).
    ("ordering", Reason.BAD_REQUEST),
    ("context", Reason.CONTEXT_LENGTH),
    ("content", Reason.CONTENT_FILTER),
    ("midstream", Reason.SERVER_ERROR),
    ("overloaded", Reason.OVERLOADED),
    ("timeout", Reason.TIMEOUT),
    ("network", Reason.NETWORK),
    ("server", Reason.SERVER_ERROR),
    ("bad_request", Reason.BAD_REQUEST),
)


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


def _credential_signal(ev: Evidence) -> bool:
    """An unambiguous sign that the key is wrong: never under a 5xx; else a credential code
    from the innermost structured error (shared or the provider's own table), an SDK's
    authentication error class, a 401 or 403, or wording that names the key."""
    status = ev.status
    if status is not None and status >= 500:
        return False
    for code in ev.codes + ev.numbers:
        found = SPECIFIC_CODES.get(code)
        if found is None:
            entry = tables.scoped(ev.provider, code, ev.status) if ev.provider else None
            found = entry.reason if entry is not None else None
        if found is not None:
            if found is Reason.INVALID_KEY:
                return True
            break
    if EXCEPTION_NAMES.get(ev.name) is Reason.INVALID_KEY:
        return True
    if status is None and STATUS_CLASS_NAMES.get(ev.name) is Reason.INVALID_KEY:
        return True  # an SDK's AuthenticationError raised before any response
    if status in (401, 403):
        return True
    return "names_key" in ev.hits


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


def _limit_reason(ev: Evidence, default: Reason) -> tuple[Reason, str]:
    """A limit was hit: an overload, a quota (long window, zero, money) or a rate limit."""
    hits, text = ev.hits, ev.text
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
    wait = ev.facts.wait_s if ev.facts.wait_s is not None else _wait_s(text, hits)
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


def _by_text(ev: Evidence) -> tuple[Reason, str] | None:
    text, hits, status = ev.text, ev.hits, ev.status
    if not text:
        return None
    if "proxy" in hits:
        # A proxy's authentication or tunnel failed: the caller's network, not the key.
        return Reason.NETWORK, "text:proxy"
    if "key" in hits:
        return Reason.INVALID_KEY, "text:key"
    if "unsupported" in hits:
        return Reason.BAD_REQUEST, "text:unsupported"
    # Model existence comes before permissions: "does not exist or you do not have access to
    # it" is a model problem, "Project X does not have access to model Y" a permission one.
    if "scope" in hits:
        # A key's or team's allow-list: the model exists, this credential may not call it.
        return Reason.PERMISSION_DENIED, "text:scope"
    if "bad_path" in hits:
        return Reason.BAD_REQUEST, "text:wrong_url"
    if "memory" in hits:
        # The machine lacks the memory to load or run the model, or its engine died.
        return Reason.SERVER_ERROR, "text:memory"
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
    if status in GATEWAY_TIMEOUTS:
        # A gateway's timeout status is what happened; its page may still guess at why
        # ("the origin is overloaded, firewalling Cloudflare, or unreachable").
        return Reason.TIMEOUT, "status"
    # LM Studio answers a wrong path with a 200 and an error body.
    if "wrong_url" in hits and status in (None, 200, 404, 400, 405):
        return Reason.BAD_REQUEST, "text:wrong_url"
    # A limit phrase inside a context-length message ("too many tokens: ...") is not a limit.
    limit_hint = any(SPECIFIC_CODES.get(c) == LIMIT for c in ev.codes) or status == 429
    if limit_hint or ("limit" in hits and "context" not in hits):
        default = Reason.RATE_LIMITED if status in (None, 429) else _status_or_rate(status)
        reason, rule = _limit_reason(ev, default)
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
            if group == "midstream" and "vocab_network" in hits:
                # Codex's "stream disconnected before completion: error sending request for
                # url": the runtime's own words say what cut the stream.
                return Reason.NETWORK, "transport"
            return reason, f"text:{group}"
    return None


def _status_or_rate(status: int) -> Reason:
    # A limit phrase under a 5xx (Mistral's capacity 503) is the provider's, not the key's.
    if status >= 500:
        return Reason.OVERLOADED
    return Reason.RATE_LIMITED


def _by_status(status: int) -> Reason | None:
    if status in STATUS_RULES:
        return STATUS_RULES[status]
    if 500 <= status <= 599:
        return Reason.SERVER_ERROR
    if 400 <= status <= 499:
        return Reason.BAD_REQUEST
    return None


class _NoHits:
    def __contains__(self, group: str) -> bool:
        return False

    def among(self, groups: frozenset[str]) -> set[str]:
        return set()


_NO_HITS: Any = _NoHits()

_WHY = {
    "text:barred": "the account, organisation or project is barred: a new key on it would not help",
    "text:barred+billing": "the account is barred for unpaid billing: paying fixes it",
    "text:money": "the wording names money (credits, balance, billing, a spend limit)"
    " as the remedy",
    "code": "the provider's own specific error code",
    "table": "a code the provider's own published table documents (core/tables)",
    "table_code": "a code every published table that documents it reads alike",
    "table_number": "a numeric code every published table that documents it reads alike",
    "transport": "what the runtime prints when no response came (core/tables/transport.py)",
    "class_shape": "an exception class whose name says timeout or connection",
    "documented": "a message a provider's published table documents, word for word",
    "documented_late": "a documented message with a catch-all reason, read after the wording",
    "table_generic": "a code the provider's table documents with a catch-all or wording-decided"
    " meaning, read after the wording",
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
    "text:proxy": "a proxy between the caller and the provider refused or failed",
    "text:memory": "the machine lacks the memory to load or run the model, or its engine died",
    "text:scope": "the key's, team's or user's allow-list does not include the model",
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
