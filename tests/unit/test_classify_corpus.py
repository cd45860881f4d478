"""The classifier over a corpus of real provider error payloads (tests/corpus)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from keywatch.core.classify import RETRYABLE, USER_ACTIONABLE, Reason, classify

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "provider_errors.jsonl"
CASES: list[dict[str, Any]] = [
    json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()
]
FIELDS = {
    "id",
    "provider",
    "status_code",
    "error_type",
    "error_code",
    "error_message",
    "body",
    "expected",
    "source",
    "note",
}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_reason_matches_corpus(case: dict[str, Any]) -> None:
    """Each real payload gets the reason its owner's next step calls for."""
    got = classify(
        case["status_code"],
        case["error_type"],
        case["error_code"],
        case["error_message"],
        provider=case["provider"],
        body=case["body"],
    )
    assert got.reason is Reason(case["expected"]), case["note"]
    assert got.user_actionable == (got.reason in USER_ACTIONABLE)
    assert got.retryable == (got.reason in RETRYABLE)
    assert (got.fingerprint is None) == (got.reason is not Reason.UNKNOWN)


def test_corpus_is_well_formed() -> None:
    """Every case has the documented fields, a unique id, a source and a known reason."""
    assert len({c["id"] for c in CASES}) == len(CASES)
    for case in CASES:
        assert set(case) == FIELDS, case["id"]
        assert case["source"], case["id"]
        Reason(case["expected"])


def test_corpus_covers_every_reason_but_unknown() -> None:
    """The corpus exercises each reason a real provider error can have."""
    seen = {c["expected"] for c in CASES}
    assert seen == {r.value for r in Reason} - {Reason.UNKNOWN.value}
