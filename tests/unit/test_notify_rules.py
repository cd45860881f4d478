"""Who is told, what they are told, and the dedup key."""

from __future__ import annotations

import pytest

from keywatch.core.notify import compose, should_notify
from keywatch.events import Source
from tests.factories import alert, told_key


@pytest.mark.parametrize("reason", ["invalid_key", "permission_denied", "quota_exhausted"])
def test_user_actionable_byok_alerts_notify(reason: str) -> None:
    """Credential and credit problems of a user's own key lead to a push."""
    assert should_notify(alert(reason=reason))


def test_platform_and_non_actionable_alerts_do_not_notify() -> None:
    """A platform failure or a rate limit never reaches a user."""
    assert not should_notify(alert(source=Source.PLATFORM))
    assert not should_notify(alert(reason="rate_limited"))


def test_dedup_key_changes_with_the_key_fingerprint() -> None:
    """A user who replaces a broken key with another broken one is told again."""
    a = alert()
    b = alert(key_fingerprint="kf_" + "1" * 16)
    assert told_key(a) != told_key(b)
    assert told_key(a) == told_key(alert(event_id=b.event_id))


def test_push_says_what_to_do_and_carries_no_key() -> None:
    """Title and body name the provider and the fix; data deep-links; no key material."""
    push = compose(alert(provider="anthropic", reason="quota_exhausted"))
    assert "Anthropic" in push.title and "Top up" in push.body
    assert push.data["type"] == "byok_key_alert" and push.data["reason"] == "quota_exhausted"
    assert not any("sk-" in v for v in (push.title, push.body, *push.data.values()))
