"""`keywatch dlq peek|replay` against the real Pub/Sub emulator, on a topology of its own per
test (the settings' topic names are prefixed with a unique id)."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from keywatch_functions.settings import FunctionSettings
from keywatch_ops import dlq
from keywatch_ops.cli import main
from keywatch_ops.devstack.stack import Stack
from keywatch_ops.topology import Route, routes

pytestmark = pytest.mark.integration


@dataclass
class Topology:
    project: str
    route: Route  # notify's
    pub: Any
    sub: Any

    def topic(self, name: str) -> str:
        return str(self.pub.topic_path(self.project, name))

    def subscription(self, name: str) -> str:
        return str(self.sub.subscription_path(self.project, name))

    @property
    def hold(self) -> str:
        return self.subscription(self.route.dead_letter_subscription)

    @property
    def observer(self) -> str:
        """A pull subscription on the original topic: what a replay publishes lands here."""
        return self.subscription(f"{self.route.topic}-observe")

    def dead_letter(self, data: bytes, **attrs: str) -> str:
        """Publish to the dead-letter topic what Pub/Sub would have put there."""
        dead = {
            "CloudPubSubDeadLetterSourceDeliveryCount": "5",
            "CloudPubSubDeadLetterSourceSubscription": self.route.subscription,
            "CloudPubSubDeadLetterSourceSubscriptionProject": self.project,
            "CloudPubSubDeadLetterSourceTopicPublishTime": "2026-11-22T17:17:21.559Z",
        }
        topic = self.topic(self.route.dead_letter_topic)
        return str(self.pub.publish(topic, data, **dead, **attrs).result(timeout=30))

    def take(self, path: str, want: int, timeout_s: float = 20) -> list[Any]:
        """Pull and acknowledge until `want` messages arrived (or the time is up)."""
        got: list[Any] = []
        deadline = time.monotonic() + timeout_s
        while len(got) < want and time.monotonic() < deadline:
            # The emulator holds an empty pull until about a second before its deadline.
            resp = self.sub.pull(request={"subscription": path, "max_messages": 50}, timeout=2)
            if resp.received_messages:
                self.sub.acknowledge(
                    request={
                        "subscription": path,
                        "ack_ids": [m.ack_id for m in resp.received_messages],
                    }
                )
                got += [m.message for m in resp.received_messages]
        return got

    def empty(self, path: str) -> bool:
        """Two pulls in a row bring nothing (the emulator may answer one pull with nothing)."""
        return not self.take(path, want=1, timeout_s=0.1) and not self.take(
            path, want=1, timeout_s=0.1
        )


@pytest.fixture
def topo(backends: Stack, unique: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Topology]:
    """notify's topic, dead-letter topic and hold subscription under unique names (the CLI
    reads them from the environment), plus an observer subscription on the topic."""
    from google.cloud import pubsub_v1

    for var, suffix in (("EVENTS", "events"), ("ALERTS", "alerts"), ("HEALTH_TICK", "tick")):
        monkeypatch.setenv(f"KEYWATCH_{var}_TOPIC", f"kw-{unique}-{suffix}")
    settings = FunctionSettings()
    route = next(r for r in routes(settings) if r.function == "notify")
    t = Topology(
        settings.project_id, route, pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    )
    for name in (route.topic, route.dead_letter_topic):
        t.pub.create_topic(name=t.topic(name))
    t.sub.create_subscription(name=t.hold, topic=t.topic(route.dead_letter_topic))
    t.sub.create_subscription(name=t.observer, topic=t.topic(route.topic))
    yield t
    with contextlib.suppress(Exception):
        t.pub.stop()
        t.sub.close()


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["dlq", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_replay_republishes_every_dead_letter_to_the_topic(
    topo: Topology, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every dead letter reaches the original topic with its data and attributes (dead-letter
    ones removed, keywatch_replayed=1); the hold subscription is empty afterwards; exit 0."""
    sent = {
        f"ev-{n}": (
            f'{{"n": {n}, "uid": "u-{n}"}}'.encode(),
            {"type": "alert", "event_id": f"ev-{n}"},
        )
        for n in range(5)
    }
    sent["ev-5"] = (b"\x00\xff binary", {"event_id": "ev-5", "source": "byok", "x": ""})
    for data, attrs in sent.values():
        topo.dead_letter(data, **attrs)

    code, out, err = cli(capsys, "replay", "notify")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].startswith("replayed 6, skipped 0")
    assert "uid" not in out and "binary" not in out  # data is never printed

    got = {m.attributes["event_id"]: m for m in topo.take(topo.observer, 6)}
    assert set(got) == set(sent)
    for event_id, (data, attrs) in sent.items():
        assert got[event_id].data == data
        assert dict(got[event_id].attributes) == {**attrs, "keywatch_replayed": "1"}
    assert topo.empty(topo.hold)


def test_route_named_by_hold_subscription_path_and_limit(
    topo: Topology, capsys: pytest.CaptureFixture[str]
) -> None:
    """ROUTE may be the hold subscription's full path; --limit 2 replays two of four and leaves
    the other two in place."""
    for n in range(4):
        topo.dead_letter(f"m{n}".encode(), event_id=f"ev-{n}")
    code, out, _ = cli(capsys, "replay", topo.hold, "--limit", "2")
    assert code == 0 and "replayed 2," in out.splitlines()[-1]
    assert len(topo.take(topo.observer, 2)) == 2
    assert len(topo.take(topo.hold, 2)) == 2


def test_peek_shows_dead_letters_without_consuming_them(
    topo: Topology, capsys: pytest.CaptureFixture[str]
) -> None:
    """peek lists each message (id, size, type, event_id, attempts, source subscription, never
    the data) twice in a row, and a replay afterwards still finds all of them."""
    ids = [
        topo.dead_letter(b'{"secret": "s3cr3t"}', type="alert", event_id=f"ev-{n}")
        for n in range(3)
    ]
    for _ in range(2):
        code, out, err = cli(capsys, "peek", "notify")
        assert (code, err) == (0, "")
        lines = [line for line in out.splitlines() if line.startswith("  ")]
        assert sorted(line.split()[0] for line in lines) == sorted(ids)
        for line in lines:
            assert "type=alert" in line and "attempts=5" in line
            assert f"from={topo.route.subscription}" in line and "20 B" in line
        assert "s3cr3t" not in out
        assert out.splitlines()[-1].startswith("3 dead letter(s) shown, none consumed")
    code, out, _ = cli(capsys, "replay", "notify")
    assert code == 0 and "replayed 3," in out.splitlines()[-1]


def test_message_at_the_replay_cap_stays_and_exit_status_is_1(
    topo: Topology, capsys: pytest.CaptureFixture[str]
) -> None:
    """A message replayed --max-replays times already is not republished; it stays in the hold
    subscription, is reported, and the command exits 1; the other message is replayed."""
    topo.dead_letter(b"tired", event_id="ev-capped", keywatch_replayed="2")
    topo.dead_letter(b"fresh", event_id="ev-fresh", keywatch_replayed="1")
    code, out, _ = cli(capsys, "replay", "notify", "--max-replays", "2")
    assert code == 1
    assert "replayed 1, skipped 1 over the cap (--max-replays 2), failed 0" in out
    assert any(
        line.strip().startswith("skipped") and "ev-capped" in line for line in out.splitlines()
    )
    [replayed] = topo.take(topo.observer, 1)
    assert (replayed.data, replayed.attributes["keywatch_replayed"]) == (b"fresh", "2")
    [left] = topo.take(topo.hold, 1)
    assert left.data == b"tired" and left.attributes["keywatch_replayed"] == "2"
    assert not topo.take(topo.observer, 1, timeout_s=0.1)


def test_dry_run_publishes_nothing(topo: Topology, capsys: pytest.CaptureFixture[str]) -> None:
    """--dry-run says what it would do, publishes nothing and leaves every message in place."""
    topo.dead_letter(b"a", event_id="ev-a")
    topo.dead_letter(b"b", event_id="ev-b")
    code, out, _ = cli(capsys, "replay", "notify", "--dry-run")
    assert code == 0
    assert out.splitlines()[-1].startswith("dry run: would replay 2, would skip 0")
    assert sum(line.strip().startswith("would replay") for line in out.splitlines()) == 2
    assert topo.empty(topo.observer)
    assert len(topo.take(topo.hold, 2)) == 2


def test_a_real_dead_letter_round_trip(topo: Topology, capsys: pytest.CaptureFixture[str]) -> None:
    """A message the emulator dead-lettered after 5 nacks (with the attributes it adds) is
    replayed to the topic with its own attributes only, and delivered afresh."""
    from google.pubsub_v1.types import DeadLetterPolicy

    route, sub = topo.route, topo.sub
    source = topo.subscription(route.subscription)
    sub.create_subscription(
        request={
            "name": source,
            "topic": topo.topic(route.topic),
            "dead_letter_policy": DeadLetterPolicy(
                dead_letter_topic=topo.topic(route.dead_letter_topic), max_delivery_attempts=5
            ),
        }
    )
    event_id = str(uuid.uuid4())
    topo.pub.publish(topo.topic(route.topic), b'{"a": 1}', type="alert", event_id=event_id).result(
        timeout=30
    )
    topo.take(topo.observer, 1)
    deadline = time.monotonic() + 60
    attempts = 0
    while attempts < 5 and time.monotonic() < deadline:  # fail every delivery: nack it
        resp = sub.pull(request={"subscription": source, "max_messages": 1}, timeout=5)
        for m in resp.received_messages:
            attempts = m.delivery_attempt
            sub.modify_ack_deadline(
                request={"subscription": source, "ack_ids": [m.ack_id], "ack_deadline_seconds": 0}
            )
    assert attempts == 5

    def dead_lettered() -> list[dlq.DeadLetter]:
        # The emulator moves the message to the dead-letter topic on the next delivery.
        sub.pull(request={"subscription": source, "max_messages": 1}, timeout=2)
        return dlq.peek(sub, route, 1, project=topo.project)

    deadline = time.monotonic() + 30
    while not dead_lettered() and time.monotonic() < deadline:
        pass

    code, out, err = cli(capsys, "peek", "notify")
    assert code == 0, err
    assert "attempts=5" in out and f"from={route.subscription}" in out
    code, out, _ = cli(capsys, "replay", "notify")
    assert code == 0 and "replayed 1," in out.splitlines()[-1]
    [again] = topo.take(source, 1)
    assert dict(again.attributes) == {
        "type": "alert",
        "event_id": event_id,
        "keywatch_replayed": "1",
    }
    assert again.data == b'{"a": 1}'
    assert topo.empty(topo.hold)


def test_missing_hold_subscription_is_one_line_exit_2(
    backends: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A topology that was never created: one line on stderr naming what is missing, exit 2."""
    monkeypatch.setenv("KEYWATCH_ALERTS_TOPIC", f"kw-missing-{uuid.uuid4().hex[:8]}")
    for args in (["peek", "notify"], ["replay", "notify"]):
        code, out, err = cli(capsys, *args)
        assert code == 2 and err.count("\n") == 1 and "not found" in err, (out, err)
        assert "Traceback" not in err


def test_pubsub_unreachable_is_one_line_exit_2(
    backends: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pub/Sub not answering (nothing listens on the port): one line on stderr, exit 2."""
    from keywatch_ops.devstack.stack import free_port

    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", f"127.0.0.1:{free_port()}")
    monkeypatch.setattr(dlq, "CHECK_TIMEOUT_S", 1.0)
    code, _, err = cli(capsys, "replay", "notify", "--project", "demo-elsewhere")
    assert code == 2 and err.count("\n") == 1
    assert "cannot read topic projects/demo-elsewhere/topics/" in err and "Unavailable" in err
