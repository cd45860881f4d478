"""Structured log entries on stdout, which Cloud Functions ships to Cloud Logging."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from typing import IO, Any

from google.cloud.logging_v2.handlers import StructuredLogHandler

from keywatch.core.logentry import LogEntry

_LEVELS = {"DEBUG": 10, "INFO": 20, "NOTICE": 25, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


class _InsertIdHandler(StructuredLogHandler):
    """StructuredLogHandler drops the special fields passed in json_fields; this one writes
    the insertId from `record.insert_id` and the timestamp from `record.timestamp`, as the
    `timestamp` object of seconds and nanos that the structured-logging agent maps to
    LogEntry.timestamp (https://cloud.google.com/logging/docs/structured-logging)."""

    def format(self, record: logging.LogRecord) -> str:
        line: str = super().format(record)  # type: ignore[no-untyped-call]
        head = ""
        insert_id = getattr(record, "insert_id", None)
        if insert_id:
            head += '"logging.googleapis.com/insertId": ' + json.dumps(insert_id) + ", "
        ts = getattr(record, "timestamp", None)
        if isinstance(ts, datetime):
            seconds = int(ts.timestamp() // 1)
            nanos = ts.microsecond * 1000
            head += f'"timestamp": {{"seconds": {seconds}, "nanos": {nanos}}}, '
        return "{" + head + line[1:] if head else line


def structured_logger(name: str = "keywatch", stream: IO[str] | None = None) -> logging.Logger:
    """A logger that writes one Cloud Logging JSON object per line to stdout (or `stream`)."""
    logger = logging.getLogger(name)
    if not any(isinstance(h, _InsertIdHandler) for h in logger.handlers):
        handler = _InsertIdHandler(stream=stream or sys.stdout)  # type: ignore[no-untyped-call]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


class StructuredLogSink:
    """LogSink that writes LogEntry objects through google-cloud-logging's structured logging."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._logger = logger or structured_logger()

    def write(self, entry: LogEntry) -> None:
        extra: dict[str, Any] = {
            "json_fields": entry.fields,
            "labels": entry.labels,
            "insert_id": entry.insert_id,
            "timestamp": entry.timestamp,
        }
        self._logger.log(_LEVELS.get(entry.severity, logging.INFO), entry.message, extra=extra)
