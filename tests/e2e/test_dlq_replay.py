"""End to end: an alert dead-lettered during an FCM outage is pushed once after
`keywatch dlq replay notify`."""

from __future__ import annotations

import time
import uuid

import pytest

from keywatch_ops import dlq
from keywatch_ops.cli import main
from keywatch_ops.devstack.stack import Stack
from tests.e2e.conftest import eventually, log_entries
from tests.e2e.test_pipeline import byok_failure, publish_event, seed_token

pytestmark = pytest.mark.e2e


def test_replayed_dead_letter_is_pushed_exactly_once(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    """FCM down until notify dead-letters the alert; FCM back; the replay delivers one push."""
    uid = f"e2e-{uuid.uuid4().hex[:8]}"
    provider = f"prov{uuid.uuid4().hex[:6]}"  # the alert's `provider` attribute finds it
    token = f"tok-{uid}"
    seed_token(stack, uid, token)
    assert stack.fcm is not None
    fcm = stack.fcm
    route = next(r for r in stack.routes if r.function == "notify")
    fcm.fail_next(1000, "QUOTA_EXCEEDED")
    try:
        publish_event(stack, byok_failure(uid, provider))

        def ours() -> list[dlq.DeadLetter]:
            return [
                d
                for d in dlq.peek(stack.subscriber, route, 50, project=stack.project)
                if d.attributes.get("provider") == provider
            ]

        [letter] = eventually(ours, timeout_s=90, what="the alert in the dead-letter topic")
        attempts = [a for a in fcm.attempts() if a["token"] == token]
        assert len(attempts) == 5 and not [m for m in fcm.delivered() if m["token"] == token]
        assert (letter.delivery_count, letter.source_subscription) == (5, route.subscription)
    finally:
        fcm.reset()  # the outage ends

    assert main(["dlq", "replay", "notify"]) == 0
    out = capsys.readouterr().out
    assert any(line.split()[:2] == ["replayed", letter.message_id] for line in out.splitlines()), (
        out
    )
    [push] = eventually(
        lambda: [m for m in fcm.delivered() if m["token"] == token], what="push after replay"
    )
    assert push["data"]["provider"] == provider
    time.sleep(3)  # longer than the retry backoff: a second delivery would have pushed by now
    assert len([m for m in fcm.delivered() if m["token"] == token]) == 1
    [logged] = log_entries(stack, "notify", event="notify", provider=provider)
    assert (logged["outcome"], logged["uid"], logged["delivered"]) == ("sent", uid, 1)
    assert not ours()
