"""classify, notify and health as Cloud Functions: HTTP in, three outcomes out."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from keywatch.core.health import Bucket
from keywatch.events import Source
from keywatch.ports import AlertPublisherError
from keywatch.service.classify import ClassifyDeps
from keywatch.service.health import HealthDeps
from keywatch.service.notify import NotifyDeps
from tests.factories import alert, failure
from tests.fakes import (
    FakeAlertPublisher,
    FakeDedupLock,
    FakeHealthRecorder,
    FakeHealthStore,
    FakeLogSink,
    FakePushSender,
    FakeTokenStore,
)
from tests.functional.conftest import entries, push_body


def test_classify_from_a_push_logs_and_alerts(client_for: Any, logs: io.StringIO) -> None:
    """A raw Pub/Sub push (what the emulator sends) is classified, recorded and alerted."""
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeHealthRecorder())
    resp = client_for("classify", deps).post(
        "/", json=push_body(failure().model_dump_json().encode())
    )
    assert resp.status_code == 200
    assert [e.fields["reason"] for e in deps.log.entries] == ["invalid_key"]  # type: ignore[attr-defined]
    assert len(deps.alerts.alerts) == 1  # type: ignore[attr-defined]


def test_classify_from_a_binary_cloudevent(client_for: Any, logs: io.StringIO) -> None:
    """A CloudEvent as Eventarc delivers it in production works the same."""
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeHealthRecorder())
    headers = {
        "ce-id": "1",
        "ce-specversion": "1.0",
        "ce-source": "//pubsub.googleapis.com/projects/p/topics/t",
        "ce-type": "google.cloud.pubsub.topic.v1.messagePublished",
        "Content-Type": "application/json",
    }
    body = push_body(failure(source=Source.PLATFORM).model_dump_json().encode())
    resp = client_for("classify", deps).post("/", data=json.dumps(body), headers=headers)
    assert resp.status_code == 200
    assert deps.log.entries[0].severity == "ERROR"  # type: ignore[attr-defined]


def test_poison_is_logged_and_acknowledged(client_for: Any, logs: io.StringIO) -> None:
    """Malformed JSON: one ERROR entry naming why and the message id, and a 2xx (no redelivery)."""
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeHealthRecorder())
    resp = client_for("classify", deps).post("/", json=push_body(b"{oops", message_id="m-7"))
    assert resp.status_code == 200
    [e] = [e for e in entries(logs) if e.get("event") == "poison_message"]
    assert e["severity"] == "ERROR" and e["message_id"] == "m-7" and e["why"] == "malformed JSON"


def test_transient_failure_returns_an_error_for_redelivery(
    client_for: Any, logs: io.StringIO
) -> None:
    """Pub/Sub down while alerting: a 5xx, so Pub/Sub redelivers and finally dead-letters."""
    deps = ClassifyDeps(
        FakeLogSink(),
        FakeAlertPublisher(error=AlertPublisherError("unavailable")),
        FakeHealthRecorder(),
    )
    resp = client_for("classify", deps).post(
        "/", json=push_body(failure().model_dump_json().encode())
    )
    assert resp.status_code == 500
    assert any(e.get("event") == "transient_failure" for e in entries(logs))


def test_notify_redelivery_gives_one_push(client_for: Any, logs: io.StringIO) -> None:
    """The same alert delivered twice pushes once; the second is logged as a duplicate."""
    deps = NotifyDeps(FakeDedupLock(), FakeTokenStore({"u1": ["t1"]}), FakePushSender())
    client = client_for("notify", deps)
    body = push_body(alert().model_dump_json().encode())
    assert client.post("/", json=body).status_code == 200
    assert client.post("/", json=body).status_code == 200
    assert len(deps.sender.sent) == 1  # type: ignore[attr-defined]
    assert [e["outcome"] for e in entries(logs) if e.get("event") == "notify"] == [
        "sent",
        "duplicate",
    ]


def test_health_tick_writes_documents(client_for: Any, logs: io.StringIO) -> None:
    """A scheduler tick computes health as of the tick's publish time."""
    minute = datetime(2026, 11, 22, 11, 59, tzinfo=UTC)
    store = FakeHealthStore(
        [
            Bucket(
                minute,
                "openai",
                "gpt-4o",
                "kf_" + "0" * 16,
                "platform",
                successes=30,
                failures=Counter({"server_error": 3}),
                provider_failures=3,
            )
        ]
    )
    resp = client_for("health", HealthDeps(store)).post("/", json=push_body(b"{}"))
    assert resp.status_code == 200
    assert store.written["provider_health/openai"]["as_of"] == datetime(
        2026, 11, 22, 12, 0, tzinfo=UTC
    )
    assert store.written["provider_health/openai/models/gpt-4o"]["5m"]["requests"] == 33  # type: ignore[index]
