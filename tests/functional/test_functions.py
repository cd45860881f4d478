"""classify, notify and health as Cloud Functions: HTTP in, three outcomes out."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from keywatch.core.classify import classify
from keywatch.core.writes import EVERY_CHANGE
from keywatch.events import Source, TallyBatch
from keywatch_functions.errors import AlertPublisherError
from keywatch_functions.service.classify import ClassifyDeps
from keywatch_functions.service.health import HealthDeps
from keywatch_functions.service.notify import NotifyDeps
from tests.factories import alert, failure
from tests.fakes import (
    FakeAlertPublisher,
    FakeCounter,
    FakeDedupLock,
    FakeHealthDocs,
    FakeLogSink,
    FakePushSender,
    FakeTokenStore,
)
from tests.functional.conftest import entries, push_body


def test_classify_from_a_push_logs_and_alerts(client_for: Any, logs: io.StringIO) -> None:
    """A raw Pub/Sub push (what the emulator sends) is classified, recorded and alerted."""
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter())
    resp = client_for("classify", deps).post(
        "/", json=push_body(failure().model_dump_json().encode())
    )
    assert resp.status_code == 200
    assert [e.fields["reason"] for e in deps.log.entries] == ["invalid_key"]  # type: ignore[attr-defined]
    assert len(deps.alerts.alerts) == 1  # type: ignore[attr-defined]


def test_classify_from_a_binary_cloudevent(client_for: Any, logs: io.StringIO) -> None:
    """A CloudEvent as Eventarc delivers it in production works the same."""
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter())
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
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter())
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
        FakeCounter(),
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


def test_health_tick_writes_documents(
    counting_store: Any, client_for: Any, logs: io.StringIO
) -> None:
    """A scheduler tick computes health as of the tick's publish time, and logs its run."""
    counts = counting_store(lambda: datetime(2026, 11, 22, 12, 0, tzinfo=UTC).timestamp())
    e = failure(
        occurred_at=datetime(2026, 11, 22, 11, 59, 30, tzinfo=UTC),
        source=Source.PLATFORM,
        status_code=500,
        error_code=None,
        error_message="Internal error",
    )
    counts.record_failure(e, classify(500))
    docs = FakeHealthDocs()
    resp = client_for("health", HealthDeps(counts, docs)).post(
        "/", json=push_body(b"{}", publish_time="2026-11-22T12:00:00Z")
    )
    assert resp.status_code == 200
    assert docs.docs["provider_health/openai"]["as_of"] == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert docs.docs["provider_health/openai/models/gpt-4o"]["5m"]["requests"] == 1  # type: ignore[index]
    [run] = [e for e in entries(logs) if e.get("event") == "health_run"]
    # the provider and its model, and the provider's day; one failure leaves the key healthy,
    # so its two documents wait for their heartbeat (core/writes.py)
    assert (run["outcome"], run["written"], run["waiting"]) == ("ran", 3, 2)
    assert docs.docs["provider_days/openai/days/2026-11-22"]["provider_failures"] == 1


def test_a_502_mentioning_401_through_classify_and_health_invalidates_no_key(
    counting_store: Any, client_for: Any, logs: io.StringIO
) -> None:
    """The key state machine across the function boundary: a revoked key's 401 makes it
    invalid with a probe time; a proxy's 502 that mentions a 401 does not."""
    from keywatch.fingerprint import key_fingerprint

    at = datetime(2026, 11, 22, 11, 59, 30, tzinfo=UTC)
    counts = counting_store(lambda: datetime(2026, 11, 22, 12, 0, tzinfo=UTC).timestamp())
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), counts)
    revoked, blip = key_fingerprint("functional-revoked"), key_fingerprint("functional-blip")
    for fp, status, message in (
        (revoked, 401, "Incorrect API key provided"),
        (blip, 502, "Bad gateway: upstream answered 401 Unauthorized"),
    ):
        e = failure(
            occurred_at=at, source=Source.PLATFORM, key_fingerprint=fp, status_code=status,
            error_code=None, error_message=message,
        )  # fmt: skip
        resp = client_for("classify", deps).post("/", json=push_body(e.model_dump_json().encode()))
        assert resp.status_code == 200
    docs = FakeHealthDocs()
    # Every change written at once (a healthy key's documents would wait for their heartbeat).
    resp = client_for("health", HealthDeps(counts, docs, margins=EVERY_CHANGE)).post(
        "/", json=push_body(b"{}", publish_time="2026-11-22T12:00:00Z")
    )
    assert resp.status_code == 200
    assert docs.docs[f"key_health/{revoked}"]["invalid"] is True
    assert docs.docs[f"key_health/{revoked}"]["probe_at"] == at + timedelta(minutes=5)
    assert docs.docs[f"key_health/{blip}"]["invalid"] is False
    assert docs.docs[f"key_health/{blip}/models/gpt-4o"]["last_reason"] == "server_error"


def test_classify_counts_a_tally_batch_and_logs_invalid_groups(
    counting_store: Any, client_for: Any, logs: io.StringIO
) -> None:
    """A tallies message: valid groups counted, invalid ones in one ERROR entry with why."""
    counts = counting_store()
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), counts)
    now = datetime.now(UTC)
    good = {
        "source": "byok",
        "provider": "openai",
        "model": "gpt-4o",
        "key_fingerprint": "kf_" + "1" * 16,
        "successes_by_minute": {str(int(now.timestamp() // 60)): 5},
    }
    batch = TallyBatch(window_start=now, window_end=now, groups=[good, {**good, "source": "x"}])
    resp = client_for("classify", deps).post(
        "/", json=push_body(batch.model_dump_json().encode(), message_id="m-9")
    )
    assert resp.status_code == 200
    [entry] = [e for e in entries(logs) if e.get("event") == "tally"]
    assert entry["severity"] == "ERROR" and (entry["groups"], entry["invalid_groups"]) == (1, 1)
    assert "source" in entry["invalid"][0] and entry["message_id"] == "m-9"
