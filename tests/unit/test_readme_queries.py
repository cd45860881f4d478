"""Every field the README's Logs Explorer queries use is in the entries classify emits."""

from __future__ import annotations

import io
import json
import re
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from keywatch.core.classify import classify
from keywatch.core.logentry import failure_entry
from keywatch.events import Source
from keywatch_functions.adapters.cloud_logging import StructuredLogSink, structured_logger
from keywatch_functions.decode import run_pubsub
from keywatch_functions.errors import PoisonMessageError
from tests.factories import failure

README = Path(__file__).resolve().parents[2] / "README.md"


def queries() -> str:
    text = README.read_text()
    section = text[text.index("### Logs Explorer") :]
    return section[: section.index("```\n\n") + 3]


def _poison(msg: object) -> None:
    raise PoisonMessageError("malformed JSON")


def emitted() -> list[dict[str, object]]:
    """Real entries through google-cloud-logging's handler: a failure, and a poison message."""
    buf = io.StringIO()
    logger = structured_logger(f"kw-readme-queries-{uuid.uuid4().hex}", stream=buf)
    StructuredLogSink(logger).write(failure_entry(failure(source=Source.BYOK), classify(429)))
    push = SimpleNamespace(data={"message": {"data": "e30=", "messageId": "9"}})
    run_pubsub(push, _poison, logger, "classify")
    return [json.loads(line) for line in buf.getvalue().splitlines()]


@pytest.mark.parametrize("kind", ["jsonPayload", "labels"])
def test_query_fields_exist_in_entries(kind: str) -> None:
    """No query filters on a field that keywatch does not write."""
    used = set(re.findall(rf"{kind}\.(\w+)", queries()))
    assert used, f"the README's queries use {kind} fields"
    entries = emitted()
    if kind == "jsonPayload":
        have = set().union(*(e.keys() for e in entries))
    else:
        have = set().union(*(e["logging.googleapis.com/labels"].keys() for e in entries))  # type: ignore[union-attr]
    assert used <= have, f"queries use {sorted(used - have)} that no entry has"


def test_the_issue_queries_are_documented() -> None:
    """The four questions operators ask first each have a query."""
    q = queries()
    assert 'labels.reason="quota_exhausted"' in q and 'labels.source="byok"' in q
    assert 'labels.source="platform"' in q and "jsonPayload.model" in q
    assert "jsonPayload.uid" in q
    assert 'labels.reason="unknown"' in q and "unknown_fingerprint" in q
