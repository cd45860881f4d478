"""`keywatch classify`: classify failure records in bulk, for backfills and exported logs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from typing import IO, Any

from keywatch.core.classify import classify


def _status(value: Any) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 100 <= n <= 599 else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def classify_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record, every field kept as it was, with reason, user_actionable and retryable."""
    # A Cloud Logging export nests keywatch's fields in jsonPayload (where status is `status`).
    fields = record.get("jsonPayload") if isinstance(record.get("jsonPayload"), Mapping) else record
    assert isinstance(fields, Mapping)
    c = classify(
        _status(fields.get("status_code", fields.get("status"))),
        _text(fields.get("error_type")),
        _text(fields.get("error_code")),
        _text(fields.get("error_message")),
        provider=_text(fields.get("provider")),
        body=fields.get("body"),
    )
    return {
        **record,
        "reason": c.reason.value,
        "user_actionable": c.user_actionable,
        "retryable": c.retryable,
    }


def classify_lines(lines: Iterable[str], out: IO[str], err: IO[str]) -> int:
    """Classify each line; a line that is not a JSON object is reported on `err` and skipped.
    Returns the number of such lines."""
    bad = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            bad += 1
            print(f"line {n}: not JSON ({exc.msg})", file=err)
            continue
        if not isinstance(record, dict):
            bad += 1
            print(f"line {n}: not a JSON object", file=err)
            continue
        out.write(json.dumps(classify_record(record), ensure_ascii=False) + "\n")
    return bad


def run(path: str) -> int:
    """Exit status 0 when every line was classified, 1 when some were skipped."""
    if path == "-":
        bad = classify_lines(sys.stdin, sys.stdout, sys.stderr)
    else:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                bad = classify_lines(f, sys.stdout, sys.stderr)
        except OSError as exc:
            print(f"keywatch classify: {exc}", file=sys.stderr)
            return 2
    if bad:
        print(f"keywatch classify: {bad} line(s) skipped", file=sys.stderr)
    return 1 if bad else 0
