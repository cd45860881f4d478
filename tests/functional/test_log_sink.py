"""The structured log line classify writes for each failure, as Cloud Logging reads it."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import flask

from keywatch.core.classify import classify
from keywatch.core.logentry import LOG_FIELDS, failure_entry
from keywatch_functions.adapters.cloud_logging import StructuredLogSink, structured_logger
from tests.factories import failure


def _lines(buf: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(x) for x in buf.getvalue().splitlines()]


def _sink() -> tuple[StructuredLogSink, io.StringIO]:
    buf = io.StringIO()
    return StructuredLogSink(structured_logger(f"kw-sink-{uuid.uuid4().hex}", stream=buf)), buf


def test_one_line_with_the_special_keys_and_every_field() -> None:
    """insertId, timestamp (seconds, nanos), severity, labels with the logger's name, and every
    operator field at the top level: the keys StructuredLogHandler writes."""
    sink, buf = _sink()
    e = failure()
    sink.write(failure_entry(e, classify(401, None, "invalid_api_key", None)))
    [line] = _lines(buf)
    assert line["logging.googleapis.com/insertId"] == f"kw-{e.event_id}"
    assert line["timestamp"] == {
        "seconds": int(e.occurred_at.timestamp()),
        "nanos": e.occurred_at.microsecond * 1000,
    }
    assert line["severity"] == "WARNING"
    labels = line["logging.googleapis.com/labels"]
    assert labels["reason"] == "invalid_key" and labels["python_logger"].startswith("kw-sink-")
    assert set(LOG_FIELDS) <= set(line)
    assert line["logging.googleapis.com/trace"] == ""
    assert line["httpRequest"] == {}


def test_the_trace_of_the_request_being_served() -> None:
    """Inside a request (functions-framework serves Flask), the entry carries its trace and
    span, so Logs Explorer shows it under the request's trace."""
    sink, buf = _sink()
    app = flask.Flask(__name__)
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    headers = {"traceparent": f"00-{trace}-00f067aa0ba902b7-01"}
    with app.test_request_context("/", method="POST", headers=headers):
        sink.write(failure_entry(failure(), classify(429)))
    [line] = _lines(buf)
    assert line["logging.googleapis.com/trace"] == trace
    assert line["logging.googleapis.com/spanId"] == "00f067aa0ba902b7"
    assert line["logging.googleapis.com/trace_sampled"] is True
    assert line["httpRequest"]["requestMethod"] == "POST"


def test_a_logger_without_the_structured_handler_is_refused() -> None:
    """A sink on a plain logger would write nothing anyone reads: it fails at construction."""
    import logging

    import pytest

    with pytest.raises(ValueError, match="structured"):
        StructuredLogSink(logging.getLogger(f"plain-{uuid.uuid4().hex}"))
