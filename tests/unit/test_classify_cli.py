"""`keywatch classify`: JSON lines in, the same records out with the classification added."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from keywatch.classify_cli import classify_lines


def run(text: str) -> tuple[list[dict[str, object]], str, int]:
    out, err = io.StringIO(), io.StringIO()
    bad = classify_lines(text.splitlines(keepends=True), out, err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), bad


def test_fields_are_kept_and_classification_added() -> None:
    """Every input field, an id included, comes back unchanged, with three fields added."""
    record = {
        "id": "r-1",
        "provider": "openai",
        "status_code": 401,
        "error_code": "invalid_api_key",
        "error_message": "Incorrect API key provided",
        "extra": {"x": [1, 2]},
    }
    [got], err, bad = run(json.dumps(record) + "\n")
    assert (err, bad) == ("", 0)
    assert {k: got[k] for k in record} == record
    assert (got["reason"], got["user_actionable"], got["retryable"]) == ("invalid_key", True, False)


def test_body_and_string_status() -> None:
    """A provider body (string or object) and a string status are read."""
    body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    [a, b], _, _ = run(
        json.dumps({"provider": "anthropic", "status_code": "529", "body": body})
        + "\n"
        + json.dumps({"provider": "anthropic", "body": json.dumps(body)})
        + "\n"
    )
    assert a["reason"] == b["reason"] == "overloaded" and a["retryable"]


def test_cloud_logging_export_lines() -> None:
    """An exported Logs Explorer entry is classified from its jsonPayload."""
    entry = {
        "insertId": "kw-1",
        "jsonPayload": {
            "provider": "openai",
            "status": 429,
            "error_code": "insufficient_quota",
            "error_message": "You exceeded your current quota",
        },
    }
    [got], _, _ = run(json.dumps(entry) + "\n")
    assert got["insertId"] == "kw-1" and got["reason"] == "quota_exhausted"


def test_bad_lines_are_reported_and_skipped() -> None:
    """A line that is not a JSON object is named on stderr; the others still go through."""
    got, err, bad = run('{"provider": "groq", "status_code": 503}\nnot json\n[1]\n\n')
    assert len(got) == 1 and bad == 2
    assert "line 2: not JSON" in err and "line 3: not a JSON object" in err


def test_command_reads_stdin_and_exits_1_on_skipped_lines() -> None:
    """The installed command: stdin to stdout, exit 1 when a line was skipped."""
    proc = subprocess.run(
        [sys.executable, "-m", "keywatch", "classify"],
        input='{"status_code": 500}\nx\n',
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["reason"] == "server_error"
