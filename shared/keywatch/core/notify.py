"""What to tell a user whose own key broke, and when not to tell them again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from keywatch.core.classify import USER_ACTIONABLE, Reason
from keywatch.events import Alert, Source

_PROVIDER_NAMES = {
    "openai": "OpenAI",
    "azure": "Azure OpenAI",
    "azure_openai": "Azure OpenAI",
    "anthropic": "Anthropic",
    "gemini": "Gemini",
    "google": "Gemini",
    "vertex": "Vertex AI",
    "vertex_ai": "Vertex AI",
    "bedrock": "AWS Bedrock",
    "openrouter": "OpenRouter",
    "groq": "Groq",
    "mistral": "Mistral",
    "deepseek": "DeepSeek",
    "xai": "xAI",
    "together": "Together AI",
    "fireworks": "Fireworks AI",
    "cohere": "Cohere",
    "perplexity": "Perplexity",
}


@dataclass(frozen=True, slots=True)
class Push:
    title: str
    body: str
    data: dict[str, str]


def should_notify(alert: Alert) -> bool:
    """Only a user's own key, with a reason the user can act on, and a user to tell."""
    return (
        alert.source is Source.BYOK
        and alert.reason in {r.value for r in USER_ACTIONABLE}
        and bool(alert.uid)
    )


# The provider-incident guard (README, "Provider incidents"). A failure counts in its minute's
# HyperLogLog of distinct failing keys per (provider, reason); the count that decides is over
# the failure's minute and one either side, against the median per-minute count of the hour
# before. The rule itself lives only in lua/incident_guard.lua, which is given these spans.
INCIDENT_WINDOW_MINUTES = 3
INCIDENT_BASELINE_MINUTES = 60
# A minute's HyperLogLog must outlive the hour it is a baseline for.
INCIDENT_BUCKET_TTL_S = (INCIDENT_BASELINE_MINUTES + 2 * INCIDENT_WINDOW_MINUTES) * 60 + 600


def provider_name(provider: str) -> str:
    return _PROVIDER_NAMES.get(provider, provider.replace("_", " ").title())


def compose(alert: Alert) -> Push:
    """Title and body say what is wrong and what to do; data lets the app deep-link. No key."""
    name = provider_name(alert.provider)
    reason = Reason(alert.reason)
    if reason is Reason.INVALID_KEY:
        title = f"Your {name} API key isn't working"
        body = f"{name} rejected your API key. Replace it in Settings to keep using {name}."
    elif reason is Reason.QUOTA_EXHAUSTED:
        title = f"Your {name} account is out of credit"
        body = f"{name} says your key has no credit or quota left. Top up or raise your limit."
    else:
        title = f"Your {name} API key lacks access"
        body = (
            f"{name} refused your key for {alert.model}. Check the key's permissions, "
            "or use another key."
        )
    data = {
        "type": "byok_key_alert",
        "provider": alert.provider,
        "reason": alert.reason,
        "model": alert.model,
        "key_fingerprint": alert.key_fingerprint,
    }
    return Push(title=title, body=body, data=data)


def compose_restored(provider: str, model: str, fingerprint: str) -> Push:
    """The "works again" push (KEYWATCH_NOTIFY_RESTORED): once per problem the user was told."""
    name = provider_name(provider)
    return Push(
        title=f"Your {name} API key works again",
        body=f"{name} is accepting your key again. Nothing more to do.",
        data={
            "type": "byok_key_restored",
            "provider": provider,
            "model": model,
            "key_fingerprint": fingerprint,
        },
    )


def webhook_id(seed: str) -> str:
    """The Standard Webhooks `webhook-id`: the same on every retry of one delivery, so that the
    app deduplicates redeliveries (https://www.standardwebhooks.com/)."""
    return "msg_" + hashlib.sha256(seed.encode()).hexdigest()[:32]
