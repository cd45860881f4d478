"""The key status the app shows, and the loop around it: broken, told, restored, told again.

Pure transitions first (keywatch.core.keystatus), then notify and classify's services with
in-memory fakes: the status written when notify decides, the "works again" signal once per told
problem, the webhook channel's answers, and the outage logged once a minute.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch.core.keystatus import KeyState, KeyStatus, after_failure, after_restore, after_told
from keywatch.events import KeyRestored, KeyValidated, TallyBatch
from keywatch_functions.errors import PushSenderError, WebhookError
from keywatch_functions.service.classify import (
    ClassifyDeps,
    handle_failure,
    handle_tallies,
    handle_validated,
)
from keywatch_functions.service.notify import (
    NotifyDeps,
    OutageLog,
    Outcome,
    handle_alert,
    handle_restored,
)
from tests.factories import alert, failure
from tests.fakes import (
    FakeAlertGate,
    FakeAlertPublisher,
    FakeCounter,
    FakeDedupLock,
    FakeKeyStatusStore,
    FakeLogSink,
    FakePushSender,
    FakeTokenStore,
    FakeWebhookSender,
)

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
FP = "kf_" + "a" * 16


def failed(current: KeyStatus | None, at: datetime, **kw: Any) -> KeyStatus | None:
    args: dict[str, Any] = {
        "provider": "openai",
        "model": "gpt-4o",
        "fingerprint": FP,
        "reason": "invalid_key",
        "failed_at": at,
        "incident": False,
        "now": at,
    }
    args.update(kw)
    return after_failure(current, **args)


def restored(current: KeyStatus | None, at: datetime, **kw: Any) -> Any:
    args: dict[str, Any] = {
        "provider": "openai",
        "model": "gpt-4o",
        "fingerprint": FP,
        "restored_at": at,
        "validated": False,
        "now": at,
    }
    args.update(kw)
    return after_restore(current, **args)


def test_a_failure_makes_the_status_broken_with_its_remedy() -> None:
    """A first failure: broken since then, the remedy the app localises, never told yet."""
    s = failed(None, T0)
    assert s is not None
    assert (s.state, s.reason, s.remedy, s.since, s.told_at) == (
        KeyState.BROKEN,
        "invalid_key",
        "replace_key",
        T0,
        None,
    )
    held = failed(None, T0, incident=True)
    assert held is not None and held.state is KeyState.PROVIDER_INCIDENT
    assert held.remedy == "wait_for_provider"


def test_the_same_problem_again_moves_only_last_failure_and_a_redelivery_nothing() -> None:
    s = failed(None, T0)
    assert failed(s, T0) is None  # a redelivery writes nothing
    later = failed(s, T0 + timedelta(minutes=15))
    assert later is not None and later.since == T0
    assert later.last_failure_at == T0 + timedelta(minutes=15)


def test_a_success_after_the_failure_restores_and_a_late_alert_does_not_break_it_again() -> None:
    s = failed(None, T0)
    s = after_told(s, T0, T0)
    r = restored(s, T0 + timedelta(minutes=5))
    assert r.status is not None and r.status.state is KeyState.OK
    assert r.told_problem == T0  # the user was told: the "works again" signal may go
    assert failed(r.status, T0 + timedelta(minutes=1)) is None  # from before the restoration
    again = failed(r.status, T0 + timedelta(days=1))
    assert again is not None and again.state is KeyState.BROKEN and again.told_at is None


def test_a_success_before_the_failure_or_of_another_key_restores_nothing() -> None:
    s = failed(None, T0)
    assert restored(s, T0 - timedelta(seconds=1)).status is None
    assert restored(s, T0 + timedelta(minutes=1), fingerprint="kf_" + "b" * 16).status is None


def test_a_validated_new_key_replaces_the_broken_one() -> None:
    """The user saved another key and validate_key passed: the status is ok, on the new key."""
    s = failed(None, T0)
    new = "kf_" + "c" * 16
    r = restored(s, T0 + timedelta(minutes=1), fingerprint=new, validated=True)
    assert r.status is not None and r.status.state is KeyState.OK
    assert r.status.key_fingerprint == new and r.told_problem is None  # never told


def test_a_replayed_restoration_still_owes_its_signal_once() -> None:
    s = after_told(failed(None, T0), T0, T0)
    at = T0 + timedelta(minutes=5)
    first = restored(s, at)
    replay = restored(first.status, at)
    assert replay.status is None and replay.told_problem == T0
    assert restored(first.status, at + timedelta(minutes=1)).told_problem is None


@pytest.mark.parametrize("seed", range(20))
def test_any_order_of_deliveries_ends_in_the_same_status(seed: int) -> None:
    """Alerts and restorations delivered in any order after the first failure, some twice, end
    in the state the latest event says (failures at 0 and 20 minutes, successes at 10, 30)."""
    rng = random.Random(seed)
    rest = [("r", 10), ("f", 20), ("r", 30)]
    rest += rng.sample([("f", 0), *rest], 2)  # redeliveries
    rng.shuffle(rest)
    # A success finds a status only once a failure wrote it (the owners index comes with it).
    events = [("f", 0), *rest]
    s: KeyStatus | None = None
    for kind, minute in events:
        at = T0 + timedelta(minutes=minute)
        new = failed(s, at) if kind == "f" else restored(s, at).status
        s = new or s
    assert s is not None and s.state is KeyState.OK
    assert s.restored_at == T0 + timedelta(minutes=30)


# -- the services, with fakes ---------------------------------------------------------------


def loop(
    channels: tuple[str, ...] = ("fcm",), *, restored_push: bool = True, webhook: str = "delivered"
) -> tuple[ClassifyDeps, NotifyDeps]:
    lock = FakeDedupLock()
    n = NotifyDeps(
        lock=lock,
        tokens=FakeTokenStore({"u1": ["t1"]}),
        sender=FakePushSender(),
        statuses=FakeKeyStatusStore(),
        channels=channels,
        webhook=FakeWebhookSender(webhook),
        webhook_url="https://app.example/hooks/keywatch",
        notify_restored=restored_push,
    )
    c = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter(), FakeAlertGate(lock=lock))
    return c, n


def status(n: NotifyDeps) -> KeyStatus:
    assert isinstance(n.statuses, FakeKeyStatusStore)
    return n.statuses.docs[("u1", "openai")]


def succeed(c: ClassifyDeps, fp: str, at: datetime) -> int:
    group = {
        "source": "byok", "provider": "openai", "model": "gpt-4o", "key_fingerprint": fp,
        "successes_by_minute": {str(int(at.timestamp() // 60)): 2},
        "last_success_at": at.isoformat(),
    }  # fmt: skip
    return handle_tallies(
        TallyBatch(window_start=at, window_end=at, groups=[group]), c
    ).statuses_restored


def deliver_restorations(c: ClassifyDeps, n: NotifyDeps, seen: int) -> list[Any]:
    published = c.alerts.alerts[seen:]  # type: ignore[attr-defined]
    return [handle_restored(r, n) for r in published if isinstance(r, KeyRestored)]


def test_the_loop_broken_told_restored_told_once_then_broken_again_told_again() -> None:
    c, n = loop()
    f = failure(occurred_at=datetime.now(UTC) - timedelta(hours=2))
    handle_failure(f, c)
    assert handle_alert(c.alerts.alerts[-1], n).outcome is Outcome.SENT  # type: ignore[attr-defined]
    s = status(n)
    assert s.state is KeyState.BROKEN and s.told_at is not None
    assert s.key_fingerprint == f.key_fingerprint and "sk-" not in str(s.to_doc())
    seen = len(c.alerts.alerts)  # type: ignore[attr-defined]
    assert succeed(c, f.key_fingerprint, f.occurred_at + timedelta(minutes=5)) == 1
    [r] = deliver_restorations(c, n, seen)
    assert r.outcome is Outcome.RESTORED and r.delivered == 1 and r.status == "ok"
    assert status(n).state is KeyState.OK
    pushes = [p.data["type"] for _, p in n.sender.sent]  # type: ignore[attr-defined]
    assert pushes == ["byok_key_alert", "byok_key_restored"]
    # The restoration redelivered: no second signal. The same success again: nothing to do.
    again = c.alerts.alerts[seen]  # type: ignore[attr-defined]
    assert handle_restored(again, n).delivered == 0
    assert succeed(c, f.key_fingerprint, f.occurred_at + timedelta(minutes=6)) == 0
    # The next day the key breaks again: broken, told again.
    handle_failure(failure(key_fingerprint=f.key_fingerprint), c)
    assert handle_alert(c.alerts.alerts[-1], n).outcome is Outcome.SENT  # type: ignore[attr-defined]
    assert status(n).state is KeyState.BROKEN
    assert len(n.sender.sent) == 3  # type: ignore[attr-defined]


def test_no_works_again_signal_for_a_problem_never_told_or_when_off() -> None:
    """No device: the status says broken but nobody was told, so no "works again" either.
    And with KEYWATCH_NOTIFY_RESTORED off (the default), the status alone turns ok."""
    c, n = loop()
    n.tokens.by_uid.clear()  # type: ignore[attr-defined]
    f = failure(occurred_at=datetime.now(UTC) - timedelta(hours=1))
    handle_failure(f, c)
    assert handle_alert(c.alerts.alerts[-1], n).outcome is Outcome.NO_TOKENS  # type: ignore[attr-defined]
    assert status(n).state is KeyState.BROKEN and status(n).told_at is None
    seen = len(c.alerts.alerts)  # type: ignore[attr-defined]
    succeed(c, f.key_fingerprint, f.occurred_at + timedelta(minutes=1))
    [r] = deliver_restorations(c, n, seen)
    assert (r.outcome, r.delivered) == (Outcome.RESTORED, 0) and status(n).state is KeyState.OK

    c, n = loop(restored_push=False)
    handle_failure(f, c)
    handle_alert(c.alerts.alerts[-1], n)  # type: ignore[attr-defined]
    seen = len(c.alerts.alerts)  # type: ignore[attr-defined]
    succeed(c, f.key_fingerprint, f.occurred_at + timedelta(minutes=1))
    [r] = deliver_restorations(c, n, seen)
    assert (r.outcome, r.delivered) == (Outcome.RESTORED, 0)
    assert [p.data["type"] for _, p in n.sender.sent] == ["byok_key_alert"]  # type: ignore[attr-defined]


def test_an_incident_hold_writes_provider_incident_and_pushes_nobody() -> None:
    from tests.fakes import FakeIncidentGuard

    _c, n = loop()
    guard = FakeIncidentGuard(incidents={("openai", "invalid_key")})
    n = NotifyDeps(
        **{**{f: getattr(n, f) for f in NotifyDeps.__dataclass_fields__}, "guard": guard}
    )
    now = datetime.now(UTC)
    r = handle_alert(alert(occurred_at=now - timedelta(minutes=1)), n)
    assert r.outcome is Outcome.HELD_INCIDENT and r.status == "provider_incident"
    assert status(n).remedy == "wait_for_provider" and not n.sender.sent  # type: ignore[attr-defined]


def test_validate_key_on_a_new_key_turns_the_status_ok_and_says_works_again() -> None:
    c, n = loop()
    f = failure(occurred_at=datetime.now(UTC) - timedelta(minutes=30))
    handle_failure(f, c)
    handle_alert(c.alerts.alerts[-1], n)  # type: ignore[attr-defined]
    new_fp = "kf_" + "9" * 16
    r = handle_validated(KeyValidated(uid="u1", provider="openai", key_fingerprint=new_fp), c)
    out = handle_restored(r, n)
    assert out.outcome is Outcome.RESTORED and out.delivered == 1
    assert status(n).key_fingerprint == new_fp and status(n).state is KeyState.OK


def test_the_webhook_channel_is_told_once_with_a_stable_id_beside_fcm() -> None:
    """Both channels: one push and one webhook per problem; the redelivery sends neither."""
    _c, n = loop(("fcm", "webhook"))
    a = alert(occurred_at=datetime.now(UTC) - timedelta(minutes=1))
    r = handle_alert(a, n)
    assert r.outcome is Outcome.SENT and r.channels == {"fcm": "sent", "webhook": "sent"}
    assert handle_alert(a, n).outcome is Outcome.DUPLICATE
    [(wid, kind, data)] = n.webhook.calls  # type: ignore[union-attr,attr-defined]
    assert wid.startswith("msg_") and kind == "byok_key.alert"
    assert data["remedy"] == "replace_key" and data["key_fingerprint"] == a.key_fingerprint


def test_a_webhook_5xx_is_retried_alone_after_fcm_was_told() -> None:
    _c, n = loop(("fcm", "webhook"), webhook="retry")
    a = alert(occurred_at=datetime.now(UTC) - timedelta(minutes=1))
    with pytest.raises(WebhookError):
        handle_alert(a, n)
    n.webhook.outcome = "delivered"  # type: ignore[union-attr]
    r = handle_alert(a, n)  # the redelivery
    assert r.channels == {"webhook": "sent"}
    assert len(n.sender.sent) == 1  # type: ignore[attr-defined]
    ids = {wid for wid, _, _ in n.webhook.calls}  # type: ignore[union-attr]
    assert len(ids) == 1  # the same webhook-id on the retry: the app deduplicates


@pytest.mark.parametrize(
    ("answer", "outcome"), [("gone", Outcome.DISABLED), ("rejected", Outcome.REJECTED)]
)
def test_a_webhook_410_disables_it_and_a_4xx_drops_the_delivery(answer: str, outcome: Any) -> None:
    _c, n = loop(("webhook",), webhook=answer)
    r = handle_alert(alert(occurred_at=datetime.now(UTC)), n)
    assert r.outcome is outcome and r.failed == 1
    n.webhook.outcome = "delivered"  # type: ignore[union-attr]
    later = handle_alert(alert(occurred_at=datetime.now(UTC), reason="quota_exhausted"), n)
    assert later.outcome is (Outcome.DISABLED if answer == "gone" else Outcome.SENT)


def test_the_outage_is_logged_once_a_minute_with_the_count() -> None:
    clock = itertools.count(0, 7)  # an attempt every 7 s
    log = OutageLog(60, clock=lambda: float(next(clock)))
    said = [log.allow("fcm") for _ in range(20)]
    assert [x for x in said if x is not None] == [0, 8, 8]  # at 0, 63 and 126 s
    assert OutageLog(0).allow("fcm") == 0


def test_an_fcm_outage_still_writes_the_status() -> None:
    """FCM down: the attempt fails (and is retried), but the app already shows the banner."""
    _c, n = loop()
    n.sender.outage = "UNAVAILABLE"  # type: ignore[attr-defined]
    with pytest.raises(PushSenderError):
        handle_alert(alert(occurred_at=datetime.now(UTC)), n)
    assert status(n).state is KeyState.BROKEN and status(n).told_at is None
