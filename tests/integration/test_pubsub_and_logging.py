"""The alert publisher against the Pub/Sub emulator, and the structured log sink's output."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from keywatch.core.classify import classify
from keywatch.core.logentry import LOG_FIELDS, failure_entry
from keywatch.events import Alert
from keywatch_functions.adapters.cloud_logging import StructuredLogSink, structured_logger
from keywatch_functions.adapters.pubsub import PubsubAlertPublisher
from keywatch_ops.devstack.stack import Stack
from tests.factories import alert, failure

pytestmark = pytest.mark.integration


def test_alert_reaches_the_topic_with_filter_attributes(backends: Stack, unique: str) -> None:
    """The alert arrives whole, with the attributes a subscription filter reads."""
    from google.cloud import pubsub_v1

    pub, sub = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    topic = pub.topic_path(backends.project, f"alerts-{unique}")
    subscription = sub.subscription_path(backends.project, f"alerts-{unique}-pull")
    pub.create_topic(name=topic)
    sub.create_subscription(name=subscription, topic=topic)
    a = alert()
    PubsubAlertPublisher(pub, topic).publish(a)
    resp = sub.pull(subscription=subscription, max_messages=1, timeout=30)
    [m] = resp.received_messages
    assert Alert.model_validate_json(m.message.data) == a
    assert dict(m.message.attributes) == {
        "type": "alert",
        "schema_version": "1",
        "source": "byok",
        "provider": "openai",
        "reason": "invalid_key",
    }


def test_log_sink_writes_cloud_logging_json(unique: str) -> None:
    """One JSON line: severity, message, labels, insertId, and every field at the top level."""
    buf = io.StringIO()
    sink = StructuredLogSink(structured_logger(f"kw-sink-{unique}", stream=buf))
    e = failure()
    sink.write(failure_entry(e, classify(401, None, "invalid_api_key", None)))
    lines = [json.loads(line) for line in buf.getvalue().splitlines()]
    entry: dict[str, Any] = next(x for x in lines if x.get("event") == "llm_failure")
    assert entry["severity"] == "WARNING"
    assert entry["logging.googleapis.com/insertId"] == f"kw-{e.event_id}"
    assert entry["logging.googleapis.com/labels"]["reason"] == "invalid_key"
    assert set(LOG_FIELDS) <= set(entry)
    assert "byok openai/gpt-4o failed: invalid_key" in entry["message"]
