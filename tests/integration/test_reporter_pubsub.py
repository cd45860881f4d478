"""The reporter against the real Pub/Sub emulator, reachable and unreachable."""

from __future__ import annotations

import time

import pytest

from keywatch.reporting import Reporter
from keywatch.settings import Settings
from keywatch_ops.devstack.stack import Stack, free_port

pytestmark = pytest.mark.integration


def test_events_and_tallies_reach_the_topic(backends: Stack, events_topic: tuple[str, str]) -> None:
    """Failures and a tally arrive through the real batching publisher, with attributes."""
    from google.cloud import pubsub_v1

    topic, subscription = events_topic
    settings = Settings(project_id=backends.project, events_topic=topic)
    sub = pubsub_v1.SubscriberClient()

    r = Reporter(settings)
    for i in range(200):
        r.report(
            "gemini",
            "gemini-2.5-pro",
            request_id=f"r{i}",
            status_code=400,
            error_message="API key not valid. Please pass a valid API key.",
        )
    r.success("gemini", "gemini-2.5-pro", api_key="k")
    assert r.flush(30)
    r.close()
    assert r.stats()["published"] == 200 and r.stats()["tallies_published"] == 1

    got: list[dict[str, str]] = []
    deadline = time.monotonic() + 30
    while len(got) < 201 and time.monotonic() < deadline:
        resp = sub.pull(subscription=subscription, max_messages=500, timeout=10)
        got += [dict(m.message.attributes) for m in resp.received_messages]
        if resp.received_messages:
            sub.acknowledge(
                subscription=subscription, ack_ids=[m.ack_id for m in resp.received_messages]
            )
    assert sorted({a["type"] for a in got}) == ["failure", "tallies"] and len(got) == 201
    # Failures carry the filter attributes; a batch spans providers, so it carries none.
    assert {a.get("provider") for a in got if a["type"] == "failure"} == {"gemini"}


def test_unreachable_pubsub_never_raises_and_counts_losses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing listens at the emulator address: report() returns, and the losses are counted."""
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", f"127.0.0.1:{free_port()}")
    r = Reporter(Settings(project_id="demo-keywatch"), publish_timeout_s=2)
    for i in range(50):
        r.report("openai", "gpt-4o", request_id=f"r{i}", status_code=500)
    r.flush(20)
    r.close(5)
    stats = r.stats()
    assert stats["reported"] == 50 and stats["published"] == 0
    assert stats["lost_at_exit"] + stats["dropped_overflow"] == 50
    assert stats["publish_failures"] >= 1
