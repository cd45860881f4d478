"""A realistic sample workload for the local stack, and the summary of what the pipeline did.

The error texts are the providers' own (keys in them already masked, as the providers echo
them), so the demo shows what an operator and a user would really see.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from keywatch.events import FailureEvent, Source, TallyBatch, TallyGroup
from keywatch.fingerprint import key_fingerprint

# (provider, model, status, error_type, error_code, message): real payload shapes.
PLATFORM_FAILURES = [
    ("openai", "gpt-4o", 429, "RateLimitError", "rate_limit_exceeded",
     "Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): "
     "Limit 30000, Used 29823, Requested 1200. Please try again in 2.046s."),
    ("anthropic", "claude-sonnet-4-5", 529, "OverloadedError", "overloaded_error", "Overloaded"),
    ("gemini", "gemini-2.5-flash", 500, "ServerError", "INTERNAL",
     "An internal error has occurred. Please retry or report in "
     "https://developers.generativeai.google/guide/troubleshooting"),
    ("groq", "llama-3.3-70b-versatile", 503, "InternalServerError", None,
     "Service Unavailable"),
    ("bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", 429, "ThrottlingException", None,
     "Too many requests, please wait before trying again."),
    ("openai", "gpt-4o-mini", None, "APITimeoutError", None, "Request timed out."),
]  # fmt: skip

BYOK_FAILURES = {
    "openai_invalid": ("openai", "gpt-4o", 401, "AuthenticationError", "invalid_api_key",
                       "Incorrect API key provided: sk-proj-********************abcd. You can "
                       "find your API key at https://platform.openai.com/account/api-keys."),
    "openai_quota": ("openai", "gpt-4o", 429, "RateLimitError", "insufficient_quota",
                     "You exceeded your current quota, please check your plan and billing "
                     "details."),
    "openai_rate": ("openai", "gpt-4o", 429, "RateLimitError", "rate_limit_exceeded",
                    "Rate limit reached for gpt-4o on requests per min (RPM): Limit 500."),
    "anthropic_credit": ("anthropic", "claude-sonnet-4-5", 400, "BadRequestError",
                         "invalid_request_error",
                         "Your credit balance is too low to access the Anthropic API. Please go "
                         "to Plans & Billing to upgrade or purchase credits."),
    "gemini_invalid": ("gemini", "gemini-2.5-pro", 400, "ClientError", "INVALID_ARGUMENT",
                       "API key not valid. Please pass a valid API key. [reason: "
                       "API_KEY_INVALID, domain: googleapis.com]"),
    "openrouter_credit": ("openrouter", "anthropic/claude-sonnet-4.5", 402, "APIStatusError",
                          None, "Insufficient credits. Add more using "
                          "https://openrouter.ai/settings/credits"),
    "groq_invalid": ("groq", "llama-3.3-70b-versatile", 401, "AuthenticationError",
                     "invalid_api_key", "Invalid API Key"),
    "context": ("openai", "gpt-4o", 400, "BadRequestError", "context_length_exceeded",
                "This model's maximum context length is 128000 tokens. However, your messages "
                "resulted in 130412 tokens. Please reduce the length of the messages."),
}  # fmt: skip

# uid -> device tokens. `dead-` tokens are unregistered at the FCM stand-in.
USERS: dict[str, list[str]] = {
    "alice": ["tok-alice-phone", "tok-alice-tablet"],
    "bob": ["tok-bob-phone", "dead-bob-old-phone"],
    "carol": ["dead-carol-phone"],
    "dave": [],
    "erin": ["tok-erin-phone"],
    "frank": ["tok-frank-phone"],
}

FEATURES = ["chat", "summarize", "agent", "search"]

# Malformed messages: not JSON, an unknown schema version, a failure missing its fields, not
# UTF-8. Classify logs and acknowledges each.
_POISON = (
    b"this is not json",
    b'{"type": "failure", "schema_version": 9, "provider": "openai"}',
    b'{"type": "failure", "schema_version": 1, "provider": "openai"}',
    b"\xff\xfe not utf-8",
)

# (uid, kind of BYOK_FAILURES, key, repeats): repeats test dedup; frank replaces his key.
_BYOK = [
    ("alice", "openai_invalid", "alice-openai", 3),
    ("alice", "context", "alice-openai-ok", 1),
    ("bob", "anthropic_credit", "bob-anthropic", 2),
    ("carol", "gemini_invalid", "carol-gemini", 1),
    ("dave", "openrouter_credit", "dave-openrouter", 1),
    ("erin", "openai_quota", "erin-openai", 2),
    ("erin", "openai_rate", "erin-openai-2", 2),
    ("frank", "groq_invalid", "frank-groq-old", 2),
    ("frank", "groq_invalid", "frank-groq-new", 1),
]


@dataclass
class Workload:
    events: list[FailureEvent | TallyBatch] = field(default_factory=list)
    poison: list[bytes] = field(default_factory=list)
    users: dict[str, list[str]] = field(default_factory=dict)

    @property
    def failures(self) -> list[FailureEvent]:
        return [e for e in self.events if isinstance(e, FailureEvent)]

    @property
    def tallies(self) -> list[TallyBatch]:
        return [e for e in self.events if isinstance(e, TallyBatch)]


def _fp(name: str) -> str:
    # Fingerprints of made-up keys: the demo never holds a real one.
    return key_fingerprint(f"demo-key-{name}")


def build(now: datetime | None = None, seed: int = 7) -> Workload:
    """Platform and BYOK failures across providers and models, repeated alerts, a replaced key,
    retries that recovered on another key, success tallies, and a few poison messages."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    w = Workload(users=USERS)
    recovered = _platform_failures(w, rng, now)
    _byok_failures(w, rng, now)
    w.events.extend(_tally_batches(rng, now, recovered))
    rng.shuffle(w.events)
    w.poison = list(_POISON)
    return w


_Recovered = dict[tuple[str, str, str], list[uuid.UUID]]  # (provider, model, key) -> event ids


def _failure(
    rng: random.Random,
    now: datetime,
    spec: tuple[Any, ...],
    source: Source,
    key: str,
    uid: str | None = None,
) -> FailureEvent:
    """One failure of `spec` (a row of PLATFORM_FAILURES or BYOK_FAILURES) on `key`, in the
    last minute before `now`."""
    provider, model, status, etype, code, message = spec
    return FailureEvent(
        occurred_at=now - timedelta(seconds=rng.randint(0, 50)),
        request_id=f"req-{uuid.uuid4().hex[:12]}",
        attempt=1,
        uid=uid,
        source=source,
        provider=provider,
        model=model,
        feature=rng.choice(FEATURES),
        operation="chat",
        key_fingerprint=_fp(key),
        status_code=status,
        error_type=etype,
        error_code=code,
        error_message=message,
    )


def _platform_failures(w: Workload, rng: random.Random, now: datetime) -> _Recovered:
    """Add the platform's failures (ours to fix, never pushed to a user); returns those that a
    retry on the platform's second key recovered."""
    recovered: _Recovered = {}
    for spec in PLATFORM_FAILURES:
        for i in range(rng.randint(3, 6)):
            f = _failure(rng, now, spec, Source.PLATFORM, f"platform-{spec[0]}-1", uid=f"user{i}")
            w.events.append(f)
            if spec[0] in {"anthropic", "openai"} and i % 2 == 0:
                # The retry on the platform's second key for this provider succeeded.
                recovered.setdefault((spec[0], spec[1], f"platform-{spec[0]}-2"), []).append(
                    f.event_id
                )
    return recovered


def _byok_failures(w: Workload, rng: random.Random, now: datetime) -> None:
    """Add the users' failures on their own keys (_BYOK)."""
    for uid, kind, key, repeats in _BYOK:
        for _ in range(repeats):
            w.events.append(_failure(rng, now, BYOK_FAILURES[kind], Source.BYOK, key, uid=uid))


def _tally_batches(rng: random.Random, now: datetime, recovered: _Recovered) -> list[TallyBatch]:
    """Success tallies, the denominators health needs: one batch per backend process, as the
    reporter flushes them, each success in the minute it happened, with the recovered ids."""
    minute = int(now.timestamp() // 60)
    groups = {(s[0], s[1], f"platform-{s[0]}-1") for s in PLATFORM_FAILURES}
    groups |= set(recovered)
    parts: list[list[dict[str, object]]] = [[], []]
    for i, (provider, model, key) in enumerate(sorted(groups)):
        n = rng.randint(40, 400)
        g = TallyGroup(
            source=Source.PLATFORM,
            provider=provider,
            model=model,
            key_fingerprint=_fp(key),
            successes_by_minute={minute - 1: n // 2, minute: n - n // 2},
            recovered_event_ids=recovered.get((provider, model, key), []),
        )
        parts[i % 2].append(g.model_dump(mode="json", exclude_defaults=True))
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    return [TallyBatch(window_start=start, window_end=now, groups=p) for p in parts]


def seed_tokens(workload: Workload, project: str) -> None:
    """Write each user's device tokens to the (emulated) Firestore, in the default layout."""
    from google.cloud import firestore

    db = firestore.Client(project=project)
    batch = db.batch()
    for uid, tokens in workload.users.items():
        for i, token in enumerate(tokens):
            batch.set(db.document(f"users/{uid}/fcm_tokens/device{i}"), {"token": token})
    batch.commit()


def publish(publisher: Any, topic: str, workload: Workload) -> float:
    """Publish with the official client, as the backend would; returns the seconds it took."""
    t0 = time.monotonic()
    futures = []
    for e in workload.events:
        attrs = {"type": e.type.value, "schema_version": str(e.schema_version)}
        if isinstance(e, FailureEvent):
            attrs.update(source=e.source.value, provider=e.provider)
        futures.append(publisher.publish(topic, e.model_dump_json().encode(), **attrs))
    for raw in workload.poison:
        futures.append(publisher.publish(topic, raw, type="failure"))
    for f in futures:
        f.result(timeout=60)
    return time.monotonic() - t0


def actionable_failures(workload: Workload) -> int:
    """The user-actionable BYOK failures with a uid: what notify would hear of, one by one,
    without classify's one-alert-per-problem window."""
    from keywatch.core.classify import classify

    n = 0
    for f in workload.failures:
        c = classify(f.status_code, f.error_type, f.error_code, f.error_message)
        n += f.source is Source.BYOK and c.user_actionable and bool(f.uid)
    return n


def expected_alerts(workload: Workload) -> int:
    """How many alerts classify sends on: one per problem (uid, provider, reason, key)."""
    from keywatch.core.classify import classify

    problems = set()
    for f in workload.failures:
        c = classify(f.status_code, f.error_type, f.error_code, f.error_message)
        if f.source is Source.BYOK and c.user_actionable and f.uid:
            problems.add((f.uid, f.provider, c.reason.value, f.key_fingerprint))
    return len(problems)


@dataclass
class Summary:
    by_source_reason: Counter[tuple[str, str]]
    notify_outcomes: Counter[str]
    devices_reached: int
    pruned: int
    poison: int
    health: list[dict[str, Any]]
    actionable: int = 0
    alerts: int = 0

    def render(self) -> str:
        lines = ["", "Log entries by source and reason (classify -> Cloud Logging)"]
        lines.append(f"  {'source':<10}{'reason':<18}{'entries':>7}")
        for (source, reason), n in sorted(self.by_source_reason.items()):
            lines.append(f"  {source:<10}{reason:<18}{n:>7}")
        lines.append(f"  poison messages logged and acknowledged: {self.poison}")
        o = self.notify_outcomes
        lines += [
            "",
            "Notifications (classify -> notify -> FCM)",
            f"  {self.actionable} user-actionable BYOK failures, {self.alerts} alerts to notify"
            " (one per problem per 10 minutes)",
            f"  pushes sent {o['sent']} (to {self.devices_reached} devices),"
            f" deduplicated {o['duplicate']},"
            f" capped {o['capped']}, no tokens {o['no_tokens']},"
            f" only dead tokens {o['no_live_tokens']}, dead tokens pruned {self.pruned}",
            "",
            "Provider health (health -> Firestore, last 5 minutes / 1 hour; attempts and",
            "failed count every attempt, provider counts the failures held against the",
            "provider, and uptime is 1 - provider / attempts)",
            f"  {'provider':<12}{'attempts':>9}{'failed':>8}{'provider':>9}{'uptime':>8}  status",
        ]
        for doc in self.health:
            w = doc.get("1h", {})
            uptime = w.get("uptime")
            up = f"{uptime:.1%}" if isinstance(uptime, float) else "-"
            lines.append(
                f"  {doc['provider']:<12}{w.get('requests', 0):>9}{w.get('failures', 0):>8}"
                f"{w.get('provider_failures', 0):>9}{up:>8}  {doc.get('status')} / "
                f"{w.get('status')}"
            )
        return "\n".join(lines)
