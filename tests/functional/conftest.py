"""The functions under functions-framework's own test client, with in-memory fakes."""

from __future__ import annotations

import base64
import io
import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import functions_framework
import pytest

from keywatch_functions import bootstrap
from keywatch_functions import log as kw_log
from keywatch_functions.adapters.cloud_logging import structured_logger

MAIN = Path(__file__).resolve().parents[2] / "functions" / "main.py"
_ids = itertools.count()


def push_body(
    data: bytes,
    message_id: str = "1",
    attributes: dict[str, str] | None = None,
    publish_time: str | None = None,
) -> dict[str, Any]:
    """What a Pub/Sub push subscription POSTs (the emulator's shape); published now unless
    told otherwise."""
    if publish_time is None:
        publish_time = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "message": {
            "data": base64.b64encode(data).decode(),
            "messageId": message_id,
            "publishTime": publish_time,
            "attributes": attributes or {},
        },
        "subscription": "projects/demo-keywatch/subscriptions/test",
    }


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """The functions' structured log output, one JSON object per line."""
    buf = io.StringIO()
    logger = structured_logger(f"keywatch-test-{next(_ids)}", stream=buf)
    monkeypatch.setattr(kw_log, "logger", lambda: logger)
    return buf


def entries(buf: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buf.getvalue().splitlines() if line.startswith("{")]


@pytest.fixture
def client_for(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Any], Any]:
    """A test client for one entry point of functions/main.py, its deps replaced by `deps`."""

    def make(target: str, deps: Any) -> Any:
        monkeypatch.setattr(bootstrap, f"{target}_deps", lambda: deps)
        app = functions_framework.create_app(
            target=target, source=str(MAIN), signature_type="cloudevent"
        )
        return app.test_client()

    return make
