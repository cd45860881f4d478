"""The loop's messages through the functions under functions-framework: a validated key at
classify, a restored key at notify, and an FCM outage logged once a minute."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from keywatch.core.keystatus import KeyState
from keywatch.events import KeyRestored, KeyValidated
from keywatch_functions.service.classify import ClassifyDeps
from keywatch_functions.service.notify import NotifyDeps, OutageLog
from tests.factories import alert
from tests.fakes import (
    FakeAlertPublisher,
    FakeCounter,
    FakeDedupLock,
    FakeKeyStatusStore,
    FakeLogSink,
    FakePushSender,
    FakeTokenStore,
)
from tests.functional.conftest import entries, push_body

FP = "kf_" + "5" * 16


def test_a_validated_key_at_classify_becomes_a_restoration_for_notify(
    client_for: Any, logs: io.StringIO
) -> None:
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter())
    ev = KeyValidated(uid="u1", provider="openai", key_fingerprint=FP)
    resp = client_for("classify", deps).post("/", json=push_body(ev.model_dump_json().encode()))
    assert resp.status_code == 200
    [restored] = deps.alerts.alerts  # type: ignore[attr-defined]
    assert isinstance(restored, KeyRestored) and restored.validated
    assert restored.event_id == ev.event_id and restored.key_fingerprint == FP
    [e] = [e for e in entries(logs) if e.get("event") == "key_validated"]
    assert (e["uid"], e["provider"], e["key_fingerprint"]) == ("u1", "openai", FP)


def test_a_restoration_at_notify_turns_the_status_ok_and_logs_it(
    client_for: Any, logs: io.StringIO
) -> None:
    statuses = FakeKeyStatusStore()
    deps = NotifyDeps(
        FakeDedupLock(), FakeTokenStore({"u1": ["t1"]}), FakePushSender(), statuses=statuses
    )
    a = alert(occurred_at=datetime.now(UTC) - timedelta(minutes=2), key_fingerprint=FP)
    client = client_for("notify", deps)
    assert client.post("/", json=push_body(a.model_dump_json().encode())).status_code == 200
    assert statuses.docs[("u1", "openai")].state is KeyState.BROKEN
    back = KeyRestored(
        event_id=uuid.uuid4(),
        restored_at=datetime.now(UTC),
        uid="u1",
        provider="openai",
        key_fingerprint=FP,
    )
    assert client.post("/", json=push_body(back.model_dump_json().encode())).status_code == 200
    assert statuses.docs[("u1", "openai")].state is KeyState.OK
    told, restored = [e for e in entries(logs) if e.get("event") == "notify"]
    assert (told["kind"], told["outcome"], told["key_status"]) == ("alert", "sent", "broken")
    assert (restored["kind"], restored["outcome"], restored["key_status"]) == (
        "restored",
        "restored",
        "ok",
    )


def test_an_fcm_outage_is_logged_once_a_minute_not_once_per_alert(
    client_for: Any, logs: io.StringIO
) -> None:
    """Ten alerts fail while FCM is down: each is retried (an error answer), one entry says so."""
    deps = NotifyDeps(
        FakeDedupLock(),
        FakeTokenStore({f"u{i}": [f"t{i}"] for i in range(10)}),
        FakePushSender(outage="UNAVAILABLE"),
        outage_log=OutageLog(60),
    )
    client = client_for("notify", deps)
    for i in range(10):
        a = alert(uid=f"u{i}", occurred_at=datetime.now(UTC))
        assert client.post("/", json=push_body(a.model_dump_json().encode())).status_code == 500
    [e] = [e for e in entries(logs) if e.get("event") == "transient_failure"]
    assert e["outage"] == "fcm" and e["failures_not_logged"] == 0
