"""`keywatch classify`: JSON lines in, the same records out with the classification added."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from keywatch_ops.classify import classify_lines


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
        [sys.executable, "-m", "keywatch_ops", "classify"],
        input='{"status_code": 500}\nx\n',
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["reason"] == "server_error"


def _mode(mode: str, text: str) -> tuple[str, str, int]:
    from keywatch_ops.classify import MODES

    out, err = io.StringIO(), io.StringIO()
    rc = MODES[mode](text.splitlines(keepends=True), out, err)
    return out.getvalue(), err.getvalue(), rc


def test_explain_names_the_rule_its_evidence_and_why() -> None:
    """--explain: the reason, the rule that decided, the words that triggered it, and why."""
    record = {
        "id": "x1",
        "provider": "openai",
        "status_code": 429,
        "error_code": "insufficient_quota",
        "error_message": "Your organization has been suspended for non-payment of invoices.",
    }
    out, _, _ = _mode("explain", json.dumps(record) + "\n")
    assert out.splitlines()[0] == "x1: quota_exhausted (user_actionable)"
    assert "rule      text:barred+billing: the account is barred for unpaid billing" in out
    assert "evidence  organization has been suspended" in out
    assert "codes     insufficient_quota" in out


def test_explain_scrubs_the_wording() -> None:
    """A key echoed in the message is not printed back."""
    key = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"
    record = {"status_code": 401, "error_message": f"Incorrect API key provided: {key}."}
    out, _, _ = _mode("explain", json.dumps(record) + "\n")
    assert "invalid_key" in out and key not in out and key[8:20].lower() not in out


def _logs_export(entries: list[dict[str, object]]) -> str:
    """What Logs Explorer's download (and `gcloud logging read --format=json`) gives: an array."""
    return json.dumps(
        [
            {
                "insertId": f"kw-{i}",
                "timestamp": f"2026-12-04T10:{i:02d}:00Z",
                "labels": {"reason": e.get("reason", "unknown")},
                "jsonPayload": {"event": "llm_failure", **e},
            }
            for i, e in enumerate(entries)
        ],
        indent=2,
    )


def test_unknowns_groups_by_fingerprint_most_frequent_first() -> None:
    """--unknowns: one group per shape with its count, providers, statuses, first and last
    seen and one scrubbed example; entries of other reasons are skipped and counted."""
    from keywatch.core.classify import unknown_fingerprint

    key = "sk-ant-api03-" + "Qw3rTy6uIo9pAs2dFg5hJk8lZx1cVb4nMq7wEr0tYu"
    a = {"provider": "acme", "status": 418, "error_message": f"teapot refused ({key})"}
    b = {"provider": "acme", "status": 499, "error_message": "client closed request 17"}
    fp_a = unknown_fingerprint(418, None, None, a["error_message"])
    entries = [
        {**a, "reason": "unknown", "unknown_fingerprint": fp_a},
        {**b, "reason": "unknown"},
        {**a, "reason": "unknown", "unknown_fingerprint": fp_a, "provider": "other"},
        {**a, "reason": "unknown", "unknown_fingerprint": fp_a},
        {"provider": "openai", "status": 429, "reason": "rate_limited"},
    ]
    out, _, rc = _mode("unknowns", _logs_export(entries))
    assert rc == 0
    lines = out.splitlines()
    assert lines[0] == "4 unknown entries in 2 shapes (1 entries of other reasons skipped)"
    first = out.index(fp_a)
    assert out[first - 9 : first].strip() == "3"
    assert "providers: acme 2, other 1" in out
    assert "seen 2026-12-04T10:00:00Z .. 2026-12-04T10:03:00Z" in out
    assert key not in out and "[REDACTED]" in out
    assert out.index(fp_a) < out.index("client closed request")


def test_unknowns_reads_json_lines_too() -> None:
    """A sink's export (one entry per line) works as well as Logs Explorer's array."""
    entry = {"jsonPayload": {"provider": "x", "status": 418, "error_message": "odd"}}
    out, _, _ = _mode("unknowns", json.dumps(entry) + "\n" + json.dumps(entry) + "\n")
    assert out.startswith("2 unknown entries in 1 shapes")


def test_accuracy_prints_overall_per_provider_and_misses() -> None:
    """--accuracy: a table per provider and overall, each miss named; exit 1 below the bar."""
    cases = [
        {"id": "a", "provider": "p", "status_code": 401, "expected": "invalid_key"},
        {"id": "b", "provider": "p", "status_code": 503, "expected": "overloaded"},
        {"id": "c", "provider": "q", "status_code": 500, "expected": "timeout"},
    ]
    out, err, rc = _mode("accuracy", "".join(json.dumps(c) + "\n" for c in cases))
    assert rc == 1 and "below the bar" in err
    assert "overall            3      2     66.7%" in out
    assert "p                  2      2    100.0%" in out
    assert "miss c: expected timeout, got server_error (status)" in out


CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "provider_errors.jsonl"


def test_the_corpus_meets_the_bar_through_the_command() -> None:
    """`keywatch classify --accuracy tests/corpus/provider_errors.jsonl` (the README's
    figure): at least 95% overall and 85% for every provider, exit 0."""
    proc = subprocess.run(
        [sys.executable, "-m", "keywatch_ops", "classify", "--accuracy", str(CORPUS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stderr
    overall = next(x for x in proc.stdout.splitlines() if x.startswith("overall"))
    assert float(overall.split()[-1].rstrip("%")) >= 95.0


def test_readme_explain_example_is_what_the_command_prints() -> None:
    """The README's --explain example is the command's real output."""
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    blocks = re.findall(r"^```\n(\$ .*?)^```", readme, flags=re.S | re.M)
    [block] = [b for b in blocks if "--explain" in b.splitlines()[0]]
    command, *want = block.splitlines()
    record = re.search(r"echo '(.*)' \|", command)
    assert record is not None
    out, _, _ = _mode("explain", record.group(1) + "\n")
    assert out.splitlines() == want


def test_json_lines_stream_one_record_at_a_time() -> None:
    """A backfill of JSON lines is written as it is read, never held whole in memory."""
    from collections.abc import Iterator

    from keywatch_ops.classify import classify_lines

    out, err = io.StringIO(), io.StringIO()

    def lines() -> Iterator[str]:
        yield '{"status_code": 401}\n'
        yield '{"status_code": 503}\n'
        assert out.getvalue().count("\n") == 2, "records are written as they are read"
        yield '{"status_code": 429}\n'

    assert classify_lines(lines(), out, err) == 0
    assert [json.loads(x)["reason"] for x in out.getvalue().splitlines()] == [
        "invalid_key",
        "overloaded",
        "rate_limited",
    ]


def test_unknowns_top_limits_the_shapes_printed(tmp_path: Path) -> None:
    """`keywatch classify --unknowns FILE --top 1` prints the most frequent shape only."""
    entries = [{"provider": "x", "status": 418, "error_message": f"odd {w}"} for w in "aab"]
    path = tmp_path / "export.json"
    path.write_text(_logs_export(entries))
    proc = subprocess.run(
        [sys.executable, "-m", "keywatch_ops", "classify", "--unknowns", str(path), "--top", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("3 unknown entries in 2 shapes")
    assert "odd a" in proc.stdout and "odd b" not in proc.stdout
    assert "... and 1 more shapes (--top)" in proc.stdout
