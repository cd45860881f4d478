"""Every field is untrusted (issue 23), through the functions' HTTP entry points with fakes:
what a raw producer, a skewed clock or a forged tick can no longer do. These use only the
entry points, so they ran against the code before the fix too, and failed there."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch.core.classify import classify
from keywatch.core.health import unix_minute
from keywatch.events import Source, TallyBatch
from keywatch.fingerprint import key_fingerprint
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

KEY = "sk-proj-" + "Tq8vX2mN4pL6rK9sW3yB5hJ7dF1gA0cE" * 2
SECRET = KEY[8:]
LABELS = ("feature", "operation", "request_id", "region", "error_type", "error_code", "uid")


def _runs(text: str) -> bool:
    return any(SECRET[i : i + 12] in text for i in range(len(SECRET) - 11))


def _classify(client_for: Any, raw: dict[str, Any], deps: ClassifyDeps | None = None) -> Any:
    deps = deps or ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter())
    resp = client_for("classify", deps).post("/", json=push_body(json.dumps(raw).encode()))
    assert resp.status_code == 200
    return deps


@pytest.mark.parametrize("field", LABELS)
def test_a_key_in_any_label_never_reaches_the_log(
    client_for: Any, logs: io.StringIO, field: str
) -> None:
    """A raw producer's key in a label other than the message: the log entry holds no run of
    it (it was logged verbatim before)."""
    raw = failure().model_dump(mode="json")
    raw[field] = f"id {KEY}"
    deps = _classify(client_for, raw)
    [entry] = deps.log.entries  # type: ignore[attr-defined]
    assert not _runs(json.dumps(entry.fields, default=str))
    assert not _runs(logs.getvalue())


def test_a_key_as_the_model_is_poison_and_goes_nowhere(client_for: Any, logs: io.StringIO) -> None:
    """A key as the model name would be a Redis field, a document id and a push's data: the
    message is logged as poison, without the value, and nothing is counted or alerted."""
    raw = failure().model_dump(mode="json")
    raw["model"] = KEY
    deps = _classify(client_for, raw)
    assert deps.log.entries == [] and deps.alerts.alerts == []  # type: ignore[attr-defined]
    assert deps.counter.failures == {}  # type: ignore[attr-defined]
    [poison] = [e for e in entries(logs) if e.get("event") == "poison_message"]
    assert "model" in poison["why"] and not _runs(logs.getvalue())


def test_an_absurd_minute_is_that_groups_poison_and_health_runs(
    counting_store: Any, client_for: Any, logs: io.StringIO
) -> None:
    """A minute of 99999999999999999999 makes its group invalid; the good group counts and the
    next health tick writes its provider (it raised on every run before)."""
    counts = counting_store()
    now = datetime.now(UTC)
    good = {
        "source": "platform",
        "provider": "anthropic",
        "model": "claude",
        "key_fingerprint": key_fingerprint("k"),
        "successes_by_minute": {str(unix_minute(now)): 5},
    }
    bad = {**good, "provider": "openai", "successes_by_minute": {"99999999999999999999": 1}}
    raw = TallyBatch(window_start=now, window_end=now, groups=[bad, good]).model_dump(mode="json")
    _classify(client_for, raw, ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), counts))
    [tally] = [e for e in entries(logs) if e.get("event") == "tally"]
    assert (tally["groups"], tally["invalid_groups"]) == (1, 1)
    docs = FakeHealthDocs()
    resp = client_for("health", HealthDeps(counts, docs)).post("/", json=push_body(b"{}"))
    assert resp.status_code == 200 and "provider_health/anthropic" in docs.docs


def test_a_success_from_a_fast_clock_keeps_no_broken_key_healthy(
    counting_store: Any, client_for: Any, logs: io.StringIO
) -> None:
    """4 of 4 invalid_key failures, then a tally whose clock runs an hour fast: the key is still
    invalid after the health run (it read `healthy` before)."""
    counts = counting_store()
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), counts)
    now = datetime.now(UTC)
    for _ in range(4):
        _classify(client_for, failure(occurred_at=now).model_dump(mode="json"), deps)
    ahead = now + timedelta(hours=1)
    group = {
        "source": "byok",
        "provider": "openai",
        "model": "gpt-4o",
        "key_fingerprint": key_fingerprint("test-key-1"),
        "successes_by_minute": {str(unix_minute(ahead)): 1},
        "last_success_at": ahead.isoformat(),
    }
    raw = TallyBatch(window_start=now, window_end=now, groups=[group]).model_dump(mode="json")
    _classify(client_for, raw, deps)
    docs = FakeHealthDocs()
    client_for("health", HealthDeps(counts, docs)).post("/", json=push_body(b"{}"))
    fp = key_fingerprint("test-key-1")
    assert docs.docs[f"key_health/{fp}/models/gpt-4o"]["state"] == "invalid"


def test_a_tick_from_2099_neither_deletes_nor_freezes_health(
    counting_store: Any, client_for: Any, logs: io.StringIO
) -> None:
    """A tick dated 2099 runs as of now: no document is deleted as expired, and the next
    ordinary tick is not `stale` (it deleted every document, and every later tick was stale,
    before)."""
    counts = counting_store()
    now = datetime.now(UTC)
    e = failure(occurred_at=now, source=Source.PLATFORM, status_code=500, error_code=None)
    counts.record_failure(e, classify(500))
    docs = FakeHealthDocs()
    client = client_for("health", HealthDeps(counts, docs))
    client.post("/", json=push_body(b"{}", publish_time="2099-01-01T00:00:00Z"))
    assert "provider_health/openai" in docs.docs and docs.deletes == 0
    assert docs.docs["provider_health/openai"]["as_of"] <= now
    client.post("/", json=push_body(b"{}"))
    runs = [e for e in entries(logs) if e.get("event") == "health_run"]
    assert [r["outcome"] for r in runs] == ["ran", "ran"]


@pytest.mark.parametrize("uid", ["a/b", "..", "__x__"])
def test_an_alert_whose_uid_cannot_be_a_path_is_poison(
    client_for: Any, logs: io.StringIO, uid: str
) -> None:
    """users/{uid} must name a document: such an alert is acknowledged as poison, nothing is
    read or pushed (a ValueError or a Firestore 400, retried, before)."""
    raw = alert().model_dump(mode="json")
    raw["uid"] = uid
    sender = FakePushSender()
    deps = NotifyDeps(FakeDedupLock(), FakeTokenStore({uid: ["t1"]}), sender)
    resp = client_for("notify", deps).post("/", json=push_body(json.dumps(raw).encode()))
    assert resp.status_code == 200 and sender.sent == []
    assert [e["event"] for e in entries(logs)] == ["poison_message"]


def test_an_alert_from_year_9999_is_poison_not_a_500(client_for: Any, logs: io.StringIO) -> None:
    """A year-9999 time is refused at decode (an OverflowError, a 500, before)."""
    raw = alert().model_dump(mode="json")
    raw["occurred_at"] = "9999-12-31T23:59:59Z"
    deps = NotifyDeps(FakeDedupLock(), FakeTokenStore({"u1": ["t1"]}), FakePushSender())
    resp = client_for("notify", deps).post("/", json=push_body(json.dumps(raw).encode()))
    assert resp.status_code == 200
    assert [e["event"] for e in entries(logs)] == ["poison_message"]
