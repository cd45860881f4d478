"""The service functions with in-memory fakes: classify, notify, health."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch.core.keys import Layout
from keywatch.events import Source
from keywatch_functions.errors import AlertInFlightError, DedupLockError, PushSenderError
from keywatch_functions.service.classify import ClassifyDeps, handle_failure
from keywatch_functions.service.notify import NotifyDeps, Outcome, handle_alert
from tests.factories import alert, failure, told_key
from tests.fakes import (
    FakeAlertPublisher,
    FakeCounter,
    FakeDedupLock,
    FakeLogSink,
    FakePushSender,
    FakeTokenStore,
)


def classify_deps() -> ClassifyDeps:
    return ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter())


def test_byok_actionable_failure_logs_records_and_alerts() -> None:
    """A user's broken key: one log entry, one health record, one alert for notify."""
    d = classify_deps()
    handle_failure(failure(), d)
    assert len(d.log.entries) == 1 and len(d.counter.failures) == 1  # type: ignore[attr-defined]
    [a] = d.alerts.alerts  # type: ignore[attr-defined]
    assert a.reason == "invalid_key" and a.uid == "u1"


def test_platform_failure_never_alerts() -> None:
    """Our own key failing is logged as ours and never pushed to a user."""
    d = classify_deps()
    handle_failure(failure(source=Source.PLATFORM), d)
    assert d.alerts.alerts == []  # type: ignore[attr-defined]


def test_byok_failure_without_uid_or_not_actionable_does_not_alert() -> None:
    """No uid, nobody to tell; a rate limit is not the user's to fix."""
    d = classify_deps()
    handle_failure(failure(uid=None), d)
    handle_failure(
        failure(
            status_code=429, error_code="rate_limit_exceeded", error_message="Rate limit reached"
        ),
        d,
    )
    assert d.alerts.alerts == []  # type: ignore[attr-defined]


def test_one_alert_per_problem_not_per_failure() -> None:
    """A user's broken key called 1,000 times: one alert within the window; another key, or
    another reason, is another problem."""
    from tests.fakes import FakeAlertGate

    d = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter(), FakeAlertGate())
    for _ in range(1_000):
        handle_failure(failure(), d)
    handle_failure(failure(key_fingerprint="kf_" + "9" * 16), d)
    assert len(d.alerts.alerts) == 2  # type: ignore[attr-defined]
    assert len(d.log.entries) == 1_001  # every failure is still logged and counted


def test_a_failed_alert_publish_gives_the_claim_back() -> None:
    """Publishing fails: the claim is released, so the event's retry alerts; a redelivery of
    the event that holds the claim alerts again (notify deduplicates it)."""
    from tests.fakes import FakeAlertGate

    class Failing(FakeAlertPublisher):
        fail = True

        def publish(self, alert: Any) -> None:
            if self.fail:
                raise RuntimeError("pubsub down")
            super().publish(alert)

    publisher = Failing()
    d = ClassifyDeps(FakeLogSink(), publisher, FakeCounter(), FakeAlertGate())
    e = failure()
    with pytest.raises(RuntimeError):
        handle_failure(e, d)
    publisher.fail = False
    handle_failure(e, d)  # Pub/Sub's retry
    handle_failure(e, d)  # a redelivery after a crash
    handle_failure(failure(), d)  # another failure of the same problem
    assert len(publisher.alerts) == 2 and {a.event_id for a in publisher.alerts} == {e.event_id}


def test_a_key_fixed_then_broken_again_is_told_again() -> None:
    """Told about quota_exhausted; the user tops up (the tallies carry a success after the
    failure); three hours later the key runs out again: told again, not muted for 24 h."""
    from datetime import timedelta

    from keywatch.events import TallyBatch
    from keywatch_functions.service.classify import handle_tallies
    from tests.fakes import FakeAlertGate

    n = notify_deps()
    gate = FakeAlertGate(lock=n.lock)  # type: ignore[arg-type]
    c = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter(), gate)
    first = failure(occurred_at=datetime.now(UTC) - timedelta(hours=3))
    handle_failure(first, c)
    assert handle_alert(c.alerts.alerts[-1], n).outcome is Outcome.SENT  # type: ignore[attr-defined]
    ok_at = first.occurred_at + timedelta(minutes=5)
    group = {
        "source": "byok", "provider": first.provider, "model": first.model,
        "key_fingerprint": first.key_fingerprint,
        "successes_by_minute": {str(int(ok_at.timestamp() // 60)): 3},
        "last_success_at": ok_at.isoformat(),
    }  # fmt: skip
    out = handle_tallies(TallyBatch(window_start=ok_at, window_end=ok_at, groups=[group]), c)
    assert out.keys_restored == 2  # the told marker and the alert claim
    again = failure()
    handle_failure(again, c)
    assert len(c.alerts.alerts) == 2  # type: ignore[attr-defined]
    assert handle_alert(c.alerts.alerts[-1], n).outcome is Outcome.SENT  # type: ignore[attr-defined]


def notify_deps(tokens: dict[str, list[str]] | None = None, cap: int = 5) -> NotifyDeps:
    return NotifyDeps(
        lock=FakeDedupLock(),
        tokens=FakeTokenStore(tokens if tokens is not None else {"u1": ["t1", "t2"]}),
        sender=FakePushSender(),
        user_daily_cap=cap,
    )


def test_one_push_then_duplicates_cost_one_lock_call() -> None:
    """The already-notified case is one round trip: no token read, no FCM call."""
    d = notify_deps()
    a = alert()
    assert handle_alert(a, d).outcome is Outcome.SENT
    lock, store, sender = d.lock, d.tokens, d.sender
    ops, reads, calls = lock.ops, store.reads, sender.calls  # type: ignore[attr-defined]
    assert handle_alert(a, d).outcome is Outcome.DUPLICATE
    assert lock.ops - ops == 1  # type: ignore[attr-defined]
    assert (store.reads, sender.calls) == (reads, calls)  # type: ignore[attr-defined]


def test_outage_raises_and_does_not_mute() -> None:
    """Every device failing transiently raises (Pub/Sub retries) and takes no dedup key."""
    d = notify_deps()
    d.sender.outage = "UNAVAILABLE"  # type: ignore[attr-defined]
    with pytest.raises(PushSenderError, match="UNAVAILABLE"):
        handle_alert(alert(), d)
    d.sender.outage = None  # type: ignore[attr-defined]
    assert handle_alert(alert(), d).outcome is Outcome.SENT


def test_dead_tokens_pruned_live_ones_kept() -> None:
    """UNREGISTERED tokens are deleted; the push still goes to the live device."""
    d = notify_deps({"u1": ["t1", "dead-old"]})
    r = handle_alert(alert(), d)
    assert (r.outcome, r.delivered, r.pruned) == (Outcome.SENT, 1, 1)
    assert d.tokens.deleted == ["dead-old"]  # type: ignore[attr-defined]


def test_no_tokens_acknowledges_without_dedup() -> None:
    """No devices: nothing to send, and a device registered later still gets told."""
    d = notify_deps({})
    assert handle_alert(alert(), d).outcome is Outcome.NO_TOKENS
    d.tokens.by_uid["u1"] = ["t1"]  # type: ignore[attr-defined]
    assert handle_alert(alert(), d).outcome is Outcome.SENT


def test_a_crashed_sender_does_not_lose_the_alert() -> None:
    """A copy that finds the pending marker is not acknowledged; once the marker is gone
    (released, or expired after the holder crashed), the redelivered copy sends."""
    d = notify_deps()
    a = alert()

    cap = Layout().user_cap(a.uid, datetime.now(UTC))
    d.lock.acquire(told_key(a), "crashed", 60, cap, 5)  # a holder that then dies mid-send
    with pytest.raises(AlertInFlightError):
        handle_alert(a, d)
    d.lock.release(told_key(a), "crashed", cap)  # what the marker's TTL does
    assert handle_alert(a, d).outcome is Outcome.SENT


def test_an_alert_older_than_its_max_age_is_stale_not_pushed() -> None:
    d = notify_deps()
    old = alert(occurred_at=datetime.now(UTC) - timedelta(hours=7))
    assert handle_alert(old, d).outcome is Outcome.STALE
    assert d.sender.calls == 0  # type: ignore[attr-defined]
    assert handle_alert(alert(), d).outcome is Outcome.SENT


def test_redis_down_does_not_send() -> None:
    """Without the lock we would risk a storm: raise, send nothing."""
    d = notify_deps()
    d.lock.down = True  # type: ignore[attr-defined]
    with pytest.raises(DedupLockError):
        handle_alert(alert(), d)
    assert d.sender.calls == 0  # type: ignore[attr-defined]


def test_user_cap_stops_storms() -> None:
    """Past the daily cap, further alerts for other keys are not pushed."""
    d = notify_deps(cap=2)
    outcomes = [handle_alert(alert(key_fingerprint=f"kf_{i:016x}"), d).outcome for i in range(4)]
    assert outcomes == [Outcome.SENT, Outcome.SENT, Outcome.CAPPED, Outcome.CAPPED]


def test_concurrent_deliveries_send_once() -> None:
    """50 concurrent deliveries of one alert give one push."""
    d = notify_deps()
    a = alert()
    outcomes: list[Outcome | str] = []
    barrier = threading.Barrier(50)

    def go() -> None:
        barrier.wait()
        try:
            outcomes.append(handle_alert(a, d, now=datetime.now(UTC)).outcome)
        except AlertInFlightError:
            outcomes.append("in flight: retried by Pub/Sub")

    threads = [threading.Thread(target=go) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(Outcome.SENT) == 1
    # Every in-flight copy is redelivered, and then finds the dedup key.
    retried = [handle_alert(a, d).outcome for o in outcomes if isinstance(o, str)]
    assert set(retried) <= {Outcome.DUPLICATE}
    assert len(d.sender.sent) == 2  # one push, two devices  # type: ignore[attr-defined]


def test_one_device_stored_twice_gets_one_push_and_is_pruned_everywhere() -> None:
    from keywatch_functions.ports import DeviceToken

    class TwiceStored(FakeTokenStore):
        def tokens(self, uid: str) -> list[DeviceToken]:
            return [
                DeviceToken("users/u1/fcm_tokens/a", "tok-phone"),
                DeviceToken("users/u1/fcm_tokens/b", "tok-phone"),
                DeviceToken("users/u1/fcm_tokens/c", "dead-tablet"),
                DeviceToken("users/u1/fcm_tokens/d", "dead-tablet"),
            ]

        def delete(self, tokens: Any) -> None:
            self.deleted += [t.ref for t in tokens]

    store = TwiceStored()
    d = NotifyDeps(lock=FakeDedupLock(), tokens=store, sender=FakePushSender())
    result = handle_alert(alert(), d)
    assert (result.outcome, result.delivered, result.pruned) == (Outcome.SENT, 1, 2)
    assert [t for t, _ in d.sender.sent] == ["tok-phone"]  # type: ignore[attr-defined]
    assert sorted(store.deleted) == ["users/u1/fcm_tokens/c", "users/u1/fcm_tokens/d"]


# -- the provider-incident guard ---------------------------------------------------------------


def guarded(tokens: dict[str, list[str]], sleep: Any = None) -> tuple[NotifyDeps, Any]:
    """notify with a scripted incident guard (the rule itself: tests/integration, real Redis)."""
    from tests.fakes import FakeIncidentGuard

    guard = FakeIncidentGuard()
    deps = NotifyDeps(
        lock=FakeDedupLock(),
        tokens=FakeTokenStore(tokens),
        sender=FakePushSender(),
        guard=guard,
        settle_s=15,
        sleep=sleep or (lambda s: None),
    )
    return deps, guard


def test_a_quiet_day_alert_waits_out_the_settle_time_then_is_pushed() -> None:
    waits: list[float] = []
    d, guard = guarded({"u1": ["t1"]}, sleep=waits.append)
    a = alert()
    r = handle_alert(a, d, now=a.occurred_at + timedelta(seconds=2))
    assert r.outcome is Outcome.SENT and r.incident is None
    assert waits == [13.0]  # until the alert is 15 s old
    minute, eid = int(a.occurred_at.timestamp() // 60), str(a.event_id)
    assert guard.calls == [  # counted once, then a read-only second look
        ("openai", "invalid_key", a.key_fingerprint, minute, eid),
        ("openai", "invalid_key", "", minute, eid),
    ]
    old = alert(uid="u1", key_fingerprint="kf_" + "1" * 16)
    waits.clear()
    assert handle_alert(old, d, now=old.occurred_at + timedelta(seconds=40)).outcome is Outcome.SENT
    assert waits == []  # old enough already: no wait


def test_an_incident_that_rises_during_the_settle_wait_holds_the_push() -> None:
    a = alert()

    def others_fail(_: float) -> None:  # other keys fail while this alert waits
        guard.open("openai", "invalid_key")

    d, guard = guarded({"u1": ["t1"]}, sleep=others_fail)
    r = handle_alert(a, d, now=a.occurred_at)
    assert r.outcome is Outcome.HELD_INCIDENT and r.incident is not None
    assert r.incident.state == "opened" and r.incident.distinct == guard.distinct
    assert d.sender.sent == []  # type: ignore[attr-defined]
    assert d.lock.values == {}  # type: ignore[attr-defined]  # no marker, no cap slot taken


def test_500_users_keys_failing_in_a_minute_get_no_push_and_one_incident() -> None:
    """Through classify and notify: 500 distinct users' keys fail invalid_key within a minute
    while the guard has an incident open for it; no push goes out, one alert reports the
    incident, and provider B's user is told."""
    from tests.fakes import FakeAlertGate

    c = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter(), FakeAlertGate())
    users = {f"u{i}": [f"t{i}"] for i in range(500)}
    for i in range(500):
        handle_failure(failure(uid=f"u{i}", key_fingerprint=f"kf_{i:016x}"), c)
    handle_failure(failure(uid="b1", provider="anthropic", key_fingerprint="kf_" + "b" * 16), c)
    d, guard = guarded({**users, "b1": ["tb"]})
    guard.open("openai", "invalid_key")
    results = [handle_alert(a, d) for a in c.alerts.alerts]  # type: ignore[attr-defined]
    outcomes = [r.outcome for r in results]
    assert outcomes.count(Outcome.HELD_INCIDENT) == 500
    assert outcomes[-1] is Outcome.SENT
    assert [t for t, _ in d.sender.sent] == ["tb"]  # type: ignore[attr-defined]
    assert len(d.sender.sent) == 1  # type: ignore[attr-defined]
    assert sum(r.incident is not None and r.incident.state == "opened" for r in results) == 1
    asked = {fp for p, _, fp, _, _ in guard.calls if p == "openai"}
    assert asked == {f"kf_{i:016x}" for i in range(500)}  # each alert counted its own key


def test_a_key_held_in_an_incident_is_told_when_it_fails_after_it() -> None:
    """A held alert takes no told marker: when the key fails again once the incident is
    over (classify alerts again after its window), the user is told."""
    d, guard = guarded({"u1": ["t1"]})
    guard.open("openai", "invalid_key")
    a = alert()
    assert handle_alert(a, d).outcome is Outcome.HELD_INCIDENT
    guard.incidents.clear()  # the incident is over
    later = alert(event_id=uuid.uuid4(), occurred_at=a.occurred_at + timedelta(minutes=30))
    assert handle_alert(later, d, now=later.occurred_at).outcome is Outcome.SENT
