"""Valid events with sensible defaults, overridable per test."""

from __future__ import annotations

from typing import Any

from keywatch.core.keys import Layout
from keywatch.events import Alert, FailureEvent, Source
from keywatch.fingerprint import key_fingerprint


def failure(**kw: Any) -> FailureEvent:
    base: dict[str, Any] = {
        "request_id": "req-1",
        "uid": "u1",
        "source": Source.BYOK,
        "provider": "openai",
        "model": "gpt-4o",
        "feature": "chat",
        "key_fingerprint": key_fingerprint("test-key-1"),
        "status_code": 401,
        "error_type": "AuthenticationError",
        "error_code": "invalid_api_key",
        "error_message": "Incorrect API key provided: sk-proj-****abcd.",
    }
    base.update(kw)
    return FailureEvent(**base)


def alert(**kw: Any) -> Alert:
    f = failure()
    base: dict[str, Any] = {
        "event_id": f.event_id,
        "occurred_at": f.occurred_at,
        "uid": "u1",
        "source": Source.BYOK,
        "provider": "openai",
        "model": "gpt-4o",
        "key_fingerprint": f.key_fingerprint,
        "reason": "invalid_key",
    }
    base.update(kw)
    return Alert(**base)


def told_key(a: Alert, layout: Layout | None = None) -> str:
    """The told marker notify takes for `a` (one push per user, provider, reason and key)."""
    return (layout or Layout()).told(a.uid, a.provider, a.reason, a.key_fingerprint)
