"""Dead-letter peek and replay against small in-memory stand-ins of the Pub/Sub clients."""

from __future__ import annotations

import itertools
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from google.api_core import exceptions as gexc

from keywatch_functions.settings import FunctionSettings
from keywatch_ops import dlq
from keywatch_ops.cli import main
from keywatch_ops.topology import routes

PROJECT = "demo-unit"
SETTINGS = FunctionSettings(project_id=PROJECT)
NOTIFY = next(r for r in routes(SETTINGS) if r.function == "notify")
HOLD = f"projects/{PROJECT}/subscriptions/{NOTIFY.dead_letter_subscription}"
TOPIC = f"projects/{PROJECT}/topics/{NOTIFY.topic}"
DEAD_ATTRS = {
    "CloudPubSubDeadLetterSourceDeliveryCount": "5",
    "CloudPubSubDeadLetterSourceSubscription": NOTIFY.subscription,
    "CloudPubSubDeadLetterSourceSubscriptionProject": PROJECT,
    "CloudPubSubDeadLetterSourceTopicPublishTime": "2026-11-22T17:17:21.559Z",
}


@dataclass
class Message:
    message_id: str
    data: bytes
    attributes: dict[str, str]
    publish_time: datetime = datetime(2026, 11, 22, 17, 17, 29, 535000, tzinfo=UTC)


@dataclass
class Received:
    ack_id: str
    message: Message


@dataclass
class Response:
    received_messages: list[Received]


@dataclass
class FakeSubscriber:
    """One subscription: pull leases messages, ack removes them, deadline 0 releases them."""

    messages: list[Message]
    path: str = HOLD
    spurious_empty: int = 0  # this many pulls answer nothing, as the emulator sometimes does
    fail_ack: bool = False
    log: list[tuple[str, str]] = field(default_factory=list)
    leased: dict[str, Message] = field(default_factory=dict)
    pulls: int = 0
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def get_subscription(self, request: dict[str, Any], **_: Any) -> None:
        if request["subscription"] != self.path:
            raise gexc.NotFound("Subscription does not exist")

    def pull(self, request: dict[str, Any], timeout: float | None = None) -> Response:
        assert request["subscription"] == self.path
        self.pulls += 1
        if self.spurious_empty > 0:
            self.spurious_empty -= 1
            return Response([])
        leased_ids = {m.message_id for m in self.leased.values()}
        out = []
        for m in self.messages:
            if len(out) < request["max_messages"] and m.message_id not in leased_ids:
                ack_id = f"{m.message_id}#{next(self._ids)}"
                self.leased[ack_id] = m
                out.append(Received(ack_id, m))
        return Response(out)

    def acknowledge(self, request: dict[str, Any]) -> None:
        if self.fail_ack:
            raise gexc.ServiceUnavailable("ack lost")
        for ack_id in request["ack_ids"]:
            m = self.leased.pop(ack_id)
            self.messages.remove(m)
            self.log.append(("ack", m.message_id))

    def modify_ack_deadline(self, request: dict[str, Any]) -> None:
        if request["ack_deadline_seconds"] == 0:
            for ack_id in request["ack_ids"]:
                self.leased.pop(ack_id, None)


@dataclass
class FakePublisher:
    """Publishes into `published`; a message whose data is in `fail` fails its future."""

    log: list[tuple[str, str]]
    fail: set[bytes] = field(default_factory=set)
    published: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    topics: tuple[str, ...] = (TOPIC,)

    def get_topic(self, request: dict[str, Any], **_: Any) -> None:
        if request["topic"] not in self.topics:
            raise gexc.NotFound("Topic not found")

    def publish(self, topic: str, data: bytes, **attrs: str) -> Future[str]:
        log, published = self.log, self.published

        class Confirming(Future[str]):
            def result(self, timeout: float | None = None) -> str:
                got = super().result(timeout)
                log.append(("confirmed", data.decode()))
                return got

        fut = Confirming()
        if data in self.fail:
            fut.set_exception(gexc.ServiceUnavailable("publish refused"))
        else:
            published.append((topic, data, attrs))
            fut.set_result(f"new-{len(published)}")
        return fut


def letter(n: int, **attrs: str) -> Message:
    """A dead letter whose data is its own id, so a log entry names the message."""
    return Message(f"m{n}", f"m{n}".encode(), {"type": "alert", **DEAD_ATTRS, **attrs})


def clients(
    messages: list[Message], **kw: Any
) -> tuple[FakeSubscriber, FakePublisher, list[tuple[str, str]]]:
    log: list[tuple[str, str]] = []
    fail = kw.pop("fail", set())
    return FakeSubscriber(messages, log=log, **kw), FakePublisher(log, fail=fail), log


def run_replay(sub: FakeSubscriber, pub: FakePublisher, **kw: Any) -> dlq.ReplayReport:
    kw.setdefault("limit", 100)
    return dlq.replay(sub, pub, NOTIFY, project=PROJECT, pull_timeout_s=0.01, **kw)


# -- routes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "notify",
        "keywatch-alerts",
        "keywatch-alerts-notify",
        "keywatch-alerts-dead",
        "keywatch-alerts-dead-hold",
        "projects/p/subscriptions/keywatch-alerts-dead-hold",
    ],
)
def test_route_resolves_by_function_topic_or_subscription(name: str) -> None:
    """A route is named by its function, topic, push subscription, dead-letter topic or hold
    subscription, bare or as a full resource path."""
    assert dlq.resolve_route(name, SETTINGS) == NOTIFY


def test_route_resolution_follows_the_settings() -> None:
    """Renamed topics in the settings rename the routes: the old names no longer resolve."""
    s = FunctionSettings(project_id=PROJECT, events_topic="t1-events")
    assert dlq.resolve_route("t1-events-dead-hold", s).function == "classify"
    with pytest.raises(dlq.UnknownRouteError):
        dlq.resolve_route("keywatch-events", s)


@pytest.mark.parametrize("name", ["notfy", "", "keywatch-alerts-dead-hold-x"])
def test_unknown_route_is_an_error_naming_the_choices(name: str) -> None:
    """An unknown name raises UnknownRouteError listing classify, notify and health."""
    with pytest.raises(dlq.UnknownRouteError, match="classify, notify, health"):
        dlq.resolve_route(name, SETTINGS)


# -- attributes -------------------------------------------------------------------------------


def test_replay_attributes_strip_dead_letter_ones_and_count_the_replay() -> None:
    """The CloudPubSubDeadLetter* and reserved goog* keys go, the rest stays, the counter is 1."""
    attrs = {"type": "alert", "reason": "invalid_key", "googclient_x": "1", **DEAD_ATTRS}
    before = dict(attrs)
    assert dlq.replay_attributes(attrs) == {
        "type": "alert",
        "reason": "invalid_key",
        "keywatch_replayed": "1",
    }
    assert attrs == before  # the input is not modified


@pytest.mark.parametrize(
    ("prev", "count", "new"), [("2", 2, "3"), ("junk", 0, "1"), ("-4", 0, "1")]
)
def test_replay_counter_increments_and_tolerates_garbage(prev: str, count: int, new: str) -> None:
    """keywatch_replayed is the previous value plus one; a malformed value counts as 0."""
    attrs = {"keywatch_replayed": prev}
    assert dlq.replay_count(attrs) == count
    assert dlq.replay_attributes(attrs)["keywatch_replayed"] == new


def test_cap_is_reached_at_max_replays() -> None:
    """A message replayed max_replays times is over the cap; one fewer is not."""
    assert not dlq.over_cap({"keywatch_replayed": "2"}, 3)
    assert dlq.over_cap({"keywatch_replayed": "3"}, 3)
    assert not dlq.over_cap({}, 1) and dlq.over_cap({"keywatch_replayed": "1"}, 1)


def test_summary_has_metadata_and_never_the_data() -> None:
    """A summary carries id, time, size, attributes and the dead-letter facts; printing it shows
    only type and event_id of the attributes, and no data."""
    m = Message("42", b'{"uid": "secret-user"}', {**DEAD_ATTRS, "type": "alert", "uid": "u-9"})
    m.attributes["event_id"] = "ev-1"
    d = dlq.DeadLetter.of(m)
    assert (d.message_id, d.size, d.delivery_count) == ("42", len(m.data), 5)
    assert d.publish_time == "2026-11-22T17:17:29.535Z"
    assert d.source_subscription == NOTIFY.subscription and d.source_project == PROJECT
    assert d.source_publish_time == "2026-11-22T17:17:21.559Z"
    assert d.attributes == {"type": "alert", "uid": "u-9", "event_id": "ev-1"}
    line = dlq.describe(d)
    assert "type=alert" in line and "event_id=ev-1" in line and "attempts=5" in line
    assert "secret-user" not in line and "u-9" not in line


# -- peek -------------------------------------------------------------------------------------


def test_peek_consumes_nothing() -> None:
    """peek returns up to `limit` summaries and every message is still there, none leased."""
    sub, _, log = clients([letter(1), letter(2), letter(3)])
    got = dlq.peek(sub, NOTIFY, 2, project=PROJECT, pull_timeout_s=0.01)
    assert [d.message_id for d in got] == ["m1", "m2"]
    assert len(sub.messages) == 3 and not sub.leased and not log


def test_peek_of_a_missing_subscription_is_a_clear_error() -> None:
    """A hold subscription that does not exist raises DlqError naming it."""
    sub = FakeSubscriber([], path="projects/x/subscriptions/other")
    with pytest.raises(dlq.DlqError, match="keywatch-alerts-dead-hold not found"):
        dlq.peek(sub, NOTIFY, 5, project=PROJECT)


# -- replay -----------------------------------------------------------------------------------


def test_replay_republishes_data_and_attributes_then_acks() -> None:
    """Each message goes to the original topic, same data, attributes cleaned and counted, and
    is acknowledged only after its publish was confirmed."""
    sub, pub, log = clients([letter(1), letter(2, keywatch_replayed="1", event_id="e2")])
    report = run_replay(sub, pub)
    assert report.counts == (2, 0, 0) and report.ok
    assert report.replayed_ids == ["m1", "m2"]
    assert [new for _, new in report.replayed] == ["new-1", "new-2"]
    assert pub.published == [
        (TOPIC, b"m1", {"type": "alert", "keywatch_replayed": "1"}),
        (TOPIC, b"m2", {"type": "alert", "event_id": "e2", "keywatch_replayed": "2"}),
    ]
    for mid in ("m1", "m2"):
        assert log.index(("confirmed", mid)) < log.index(("ack", mid))
    assert not sub.messages and not sub.leased


def test_message_at_the_cap_is_left_in_place() -> None:
    """A message replayed max_replays times is not published nor acked, and is released."""
    sub, pub, _ = clients([letter(1, keywatch_replayed="3"), letter(2, keywatch_replayed="2")])
    report = run_replay(sub, pub, max_replays=3)
    assert report.counts == (1, 1, 0) and not report.ok
    assert [d.message_id for d in report.skipped] == ["m1"]
    assert [data for _, data, _ in pub.published] == [b"m2"]
    assert [m.message_id for m in sub.messages] == ["m1"] and not sub.leased


def test_failed_publish_leaves_the_message_unacked() -> None:
    """A publish that fails is reported with why; that message stays, the others are replayed."""
    sub, pub, log = clients([letter(1), letter(2)], fail={b"m1"})
    report = run_replay(sub, pub)
    assert report.counts == (1, 0, 1)
    [(failed, why)] = report.failed
    assert failed.message_id == "m1" and "ServiceUnavailable" in why
    assert ("ack", "m1") not in log and [m.message_id for m in sub.messages] == ["m1"]
    assert not sub.leased


def test_failed_ack_is_reported_not_hidden() -> None:
    """Published but not acknowledged: reported as failed (it will be replayed again)."""
    sub, pub, _ = clients([letter(1)], fail_ack=True)
    report = run_replay(sub, pub)
    assert report.counts == (0, 0, 1)
    assert "not acknowledged" in report.failed[0][1] and len(pub.published) == 1


def test_replay_stops_at_the_limit() -> None:
    """Only `limit` messages are handled; the rest stay in the hold subscription."""
    sub, pub, _ = clients([letter(n) for n in range(5)])
    report = run_replay(sub, pub, limit=2)
    assert report.replayed_ids == ["m0", "m1"]
    assert [m.message_id for m in sub.messages] == ["m2", "m3", "m4"] and not sub.leased


def test_spurious_empty_pulls_do_not_end_the_replay_early() -> None:
    """Two empty answers before the messages (as the emulator gives) still replay everything."""
    sub, pub, _ = clients([letter(1), letter(2)], spurious_empty=2)
    report = run_replay(sub, pub, empty_pulls=3)
    assert report.replayed_ids == ["m1", "m2"] and not sub.messages


def test_drained_after_consecutive_empty_pulls() -> None:
    """An empty subscription ends the run after `empty_pulls` pulls, with nothing done."""
    sub, pub, _ = clients([])
    report = run_replay(sub, pub, empty_pulls=3)
    assert report.counts == (0, 0, 0) and report.ok and sub.pulls == 3


def test_dry_run_publishes_and_acks_nothing() -> None:
    """--dry-run reports what would be replayed or skipped; nothing moves."""
    sub, pub, log = clients([letter(1), letter(2, keywatch_replayed="3")])
    report = run_replay(sub, pub, dry_run=True)
    assert report.dry_run and [d.message_id for d in report.would_replay] == ["m1"]
    assert [d.message_id for d in report.skipped] == ["m2"]
    assert not pub.published and not log and len(sub.messages) == 2 and not sub.leased


def test_missing_topic_is_a_clear_error_before_anything_is_pulled() -> None:
    """A route whose topic does not exist fails with DlqError, nothing pulled."""
    sub, pub, _ = clients([letter(1)])
    pub.topics = ()
    with pytest.raises(dlq.DlqError, match=r"topic .*/keywatch-alerts not found"):
        run_replay(sub, pub)
    assert sub.pulls == 0


def test_progress_reports_each_outcome() -> None:
    """The progress callback hears of every message: replayed, skipped, failed."""
    sub, pub, _ = clients([letter(1), letter(2, keywatch_replayed="3"), letter(3)], fail={b"m3"})
    heard: list[tuple[str, str]] = []
    run_replay(sub, pub, progress=lambda outcome, d, _: heard.append((outcome, d.message_id)))
    assert sorted(heard) == [("failed", "m3"), ("replayed", "m1"), ("skipped", "m2")]


# -- the command ------------------------------------------------------------------------------


def test_cli_unknown_route_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """`keywatch dlq replay bogus` exits 2 with one line on stderr, before any Pub/Sub call."""
    assert main(["dlq", "replay", "bogus"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown route 'bogus'" in err


@pytest.mark.parametrize("args", [["--limit", "0"], ["--max-replays", "x"], []])
def test_cli_bad_arguments_exit_2(args: list[str]) -> None:
    """A limit below 1, a non-number or a missing ROUTE is an argparse error: exit status 2."""
    argv = ["dlq", "replay", *args] if not args else ["dlq", "replay", "notify", *args]
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
