"""The classifier over a corpus of real provider error payloads (tests/corpus)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from keywatch.core.classify import (
    RETRYABLE,
    USER_ACTIONABLE,
    Classification,
    Reason,
    classify,
)

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


# Cases the rules get wrong, kept as they are: fitting them would need a rule for one message.
KNOWN_MISSES = {
    # "Bad Request: Invalid state" is all a paused Hugging Face endpoint says: nothing in it
    # names the endpoint, so only a rule for this one sentence could tell.
    "hf-endpoint-paused-invalid-state": "bad_request",
    # LiteLLM's KeyError 'choices' on a broken stream chunk, with aider's hint "down or
    # overloaded" appended: the hint's words decide, the chunk's failure is not named.
    "openrouter-litellm-choices-keyerror-apiconnectionerror": "overloaded",
    # A bare {"error": "invalid token"} with no status: "token" alone is too often the LLM
    # sense to invalidate a key on it.
    "huggingface-inference-invalid-token-json": "unknown",
    # A local router's own 502 "fetch connect timeout": the router answered, so by the rules
    # it is not a network failure, and its words say timeout.
    "deepseek-9router-502-fetch-connect-timeout": "timeout",
}


def _classify(case: dict[str, Any]) -> Classification:
    return classify(
        case["status_code"],
        case["error_type"],
        case["error_code"],
        case["error_message"],
        provider=case["provider"],
        body=case["body"],
    )


def _marks(case: dict[str, Any]) -> Any:
    if case["id"] in KNOWN_MISSES:
        return pytest.param(case, marks=pytest.mark.xfail(strict=True, reason="known miss"))
    return case


@pytest.mark.parametrize("case", [_marks(c) for c in CASES], ids=[c["id"] for c in CASES])
def test_reason_matches_corpus(case: dict[str, Any]) -> None:
    """Each real payload gets the reason its owner's next step calls for."""
    got = _classify(case)
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


def test_known_misses_are_what_they_say() -> None:
    """A known miss gets the reason written beside it, so a rule that changes it is seen."""
    by_id = {c["id"]: c for c in CASES}
    for case_id, got in KNOWN_MISSES.items():
        reason = _classify(by_id[case_id]).reason
        assert reason.value == got != by_id[case_id]["expected"], case_id
