"""What infra/'s metrics and docs/operations.md's queries read is what the functions write."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from keywatch.core.classify import classify
from keywatch.core.logentry import failure_entry
from keywatch_functions import log as kw_log
from keywatch_functions.adapters.cloud_logging import StructuredLogSink
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
    FakeIncidentGuard,
    FakeLogSink,
    FakePushSender,
    FakeTokenStore,
    IdleCountSource,
)
from tests.functional.conftest import entries, push_body
from tests.infra.terraform import load

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


@pytest.fixture
def written(client_for: Any, logs: io.StringIO) -> list[dict[str, Any]]:
    """One entry of every kind, as the three functions write them: failure, poison, transient,
    notify, health run."""
    StructuredLogSink(kw_log.logger()).write(failure_entry(failure(), classify(401)))
    ok = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter())
    assert client_for("classify", ok).post("/", json=push_body(b"{oops")).status_code == 200
    down = ClassifyDeps(
        FakeLogSink(), FakeAlertPublisher(error=AlertPublisherError("down")), FakeCounter()
    )
    body = push_body(failure().model_dump_json().encode())
    assert client_for("classify", down).post("/", json=body).status_code == 500
    notify = NotifyDeps(FakeDedupLock(), FakeTokenStore({"u1": ["t1"]}), FakePushSender())
    body = push_body(alert().model_dump_json().encode())
    assert client_for("notify", notify).post("/", json=body).status_code == 200
    # An alert that opens a suspected provider incident.
    guard = FakeIncidentGuard(incidents={("openai", "invalid_key")})
    held = NotifyDeps(
        FakeDedupLock(), FakeTokenStore({"u1": ["t1"]}), FakePushSender(), guard=guard
    )
    assert client_for("notify", held).post("/", json=body).status_code == 200
    health = HealthDeps(IdleCountSource(), FakeHealthDocs())
    assert client_for("health", health).post("/", json=push_body(b"{}")).status_code == 200
    return entries(logs)


def _by_event(written: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["event"]: e for e in written if "event" in e}


def _metric_events() -> set[str]:
    tf = load()
    events = set()
    for body in tf.resources["google_logging_metric"].values():
        events |= set(re.findall(r'jsonPayload\.event=\\?"(\w+)', body["filter"]))
        if "${local.failure_event}" in body["filter"]:
            events.add(tf.locals["failure_event"])
    return events


def test_every_metric_counts_an_event_the_functions_write(written: list[dict[str, Any]]) -> None:
    """Each metric's jsonPayload.event is written by a function, with the fields it extracts."""
    tf = load()
    by_event = _by_event(written)
    assert _metric_events() == {
        "llm_failure",
        "poison_message",
        "notify",
        "health_run",
        "suspected_provider_incident",
    }
    for event in _metric_events():
        assert event in by_event, f"a metric counts {event!r}, which no function wrote"
    for field in tf.locals["metric_labels"]:
        assert by_event[tf.locals["failure_event"]][field], field
    assert by_event["poison_message"]["function"] == "classify"
    notified = [e["outcome"] for e in written if e.get("event") == "notify"]
    assert notified == ["sent", "held_incident"]
    incident = by_event["suspected_provider_incident"]
    assert (incident["provider"], incident["reason"]) == ("openai", "invalid_key")


@pytest.mark.parametrize("kind", ["jsonPayload", "labels"])
def test_operations_queries_use_fields_the_entries_carry(
    written: list[dict[str, Any]], kind: str
) -> None:
    """No query in docs/operations.md filters on a field no function writes."""
    text = OPERATIONS.read_text()
    section = text[text.index("## Logs Explorer") : text.index("## Alerts")]
    used = set(re.findall(rf"(?<![.\w]){kind}\.(\w+)", section))
    assert used
    if kind == "jsonPayload":
        have = set().union(*(e.keys() for e in written))
    else:
        have = set().union(*(e.get("logging.googleapis.com/labels", {}).keys() for e in written))
    assert used <= have, f"docs/operations.md queries {sorted(used - have)}, which no entry has"
    events = set(re.findall(r'jsonPayload\.event="(\w+)"', section))
    assert events <= set(_by_event(written)), events - set(_by_event(written))
