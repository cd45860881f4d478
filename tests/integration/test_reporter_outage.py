"""The onset of an outage, against the real Pub/Sub emulator behind a fault proxy: publishes
hang past their deadline, then fail, then Pub/Sub returns. Nothing within the bound is lost,
and no event arrives under two ids."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from keywatch.reporting import Reporter
from keywatch.settings import Settings
from keywatch_ops.devstack.faults import FaultProxy
from keywatch_ops.devstack.stack import Stack

pytestmark = pytest.mark.integration


@pytest.fixture
def proxied(
    backends: Stack, events_topic: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FaultProxy, str, Settings]]:
    topic, subscription = events_topic
    settings = Settings(project_id=backends.project, events_topic=topic)
    with FaultProxy(backends.services["pubsub"].port) as proxy:
        # Only the reporter's client, made on its first publish, goes through the proxy.
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", proxy.address)
        yield proxy, subscription, settings


def pull_all(subscription: str, expected: int, timeout_s: float = 60) -> list[str]:
    """Every failure's event id that reached the subscription, duplicates included."""
    from google.cloud import pubsub_v1

    sub = pubsub_v1.SubscriberClient()
    ids: list[str] = []
    deadline = time.monotonic() + timeout_s
    quiet = 0
    while time.monotonic() < deadline and (len(set(ids)) < expected or quiet < 2):
        resp = sub.pull(subscription=subscription, max_messages=1000, timeout=5)
        quiet = 0 if resp.received_messages else quiet + 1
        for m in resp.received_messages:
            event = json.loads(m.message.data)
            if event.get("type") == "failure":
                ids.append(event["event_id"])
        if resp.received_messages:
            sub.acknowledge(
                subscription=subscription, ack_ids=[m.ack_id for m in resp.received_messages]
            )
    return ids


def test_hang_then_fail_then_recover_loses_nothing(
    backends: Stack, proxied: tuple[FaultProxy, str, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, subscription, settings = proxied
    r = Reporter(settings, publish_timeout_s=3, max_in_flight=500)
    r.probe_interval_s = 0.5
    for i in range(200):
        r.report("openai", "gpt-4o", request_id=f"before-{i}", status_code=401)
    assert r.flush(30)

    proxy.set_mode("hang")  # the worst part: publishes are handed over, and hang
    for i in range(1_500):
        r.report("openai", "gpt-4o", request_id=f"hang-{i}", status_code=401)
        if i % 100 == 0:
            time.sleep(0.05)
    time.sleep(4)  # past the publish deadline: the client gives up on what it held
    proxy.set_mode("refuse")
    for i in range(300):
        r.report("openai", "gpt-4o", request_id=f"down-{i}", status_code=401)
    deadline = time.monotonic() + 20
    while not r.pubsub_down and time.monotonic() < deadline:
        time.sleep(0.1)
    assert r.pubsub_down
    time.sleep(1)
    proxy.set_mode("pass")
    deadline = time.monotonic() + 60
    while r.stats()["published"] < 2_000 and time.monotonic() < deadline:
        r.flush(2)
    stats = r.stats()
    r.close()
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", f"127.0.0.1:{backends.services['pubsub'].port}")
    ids = pull_all(subscription, 2_000)
    assert stats["publish_failures"] > 0  # the outage was real
    assert stats["dropped_overflow"] == 0 and stats["lost_at_exit"] == 0
    assert stats["published"] == 2_000
    assert len(set(ids)) == 2_000  # every event arrived; a copy keeps its event id
