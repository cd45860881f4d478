"""The shapes of provider error bodies that the event's reader and the classifier share."""

from __future__ import annotations

import json

import pytest

from keywatch.core.errorbody import json_text, retry_delay_s, upstream_raw


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ('{"error": {"code": 429}}', {"error": {"code": 429}}),
        ("  [1, 2]", [1, 2]),
        ("429", None),  # a bare number is not a body
        ("<html>502 Bad Gateway</html>", None),
        ("{not json", None),
    ],
)
def test_json_text(text: str, want: object) -> None:
    """Text is a body when it is a JSON object or array, and only then."""
    assert json_text(text) == want


UPSTREAM = {"error": {"message": "Overloaded", "type": "overloaded_error"}}


@pytest.mark.parametrize(
    "raw",
    [
        json.dumps(UPSTREAM),  # a JSON string
        UPSTREAM,  # an object
        {"__kind": "OK", "data": json.dumps(UPSTREAM)},  # wrapped
    ],
)
def test_openrouter_keeps_the_upstream_error_in_metadata_raw(raw: object) -> None:
    """However OpenRouter holds it, the upstream provider's own error comes back parsed."""
    error = {"code": 502, "message": "Provider returned error", "metadata": {"raw": raw}}
    assert upstream_raw(error) == UPSTREAM


def test_a_raw_that_is_not_json_is_its_text() -> None:
    """An upstream that answered in plain text is kept as that text; none is None."""
    assert upstream_raw({"metadata": {"raw": "  upstream timed out "}}) == "upstream timed out"
    assert upstream_raw({"metadata": {"provider_name": "x"}}) is None
    assert upstream_raw({"message": "no metadata"}) is None


@pytest.mark.parametrize(
    ("delay", "want"),
    [("7s", 7.0), ("58.93s", 58.93), ({"seconds": 3, "nanos": 500_000_000}, 3.5), ("soon", None)],
)
def test_google_retry_delay(delay: object, want: float | None) -> None:
    """google.rpc.RetryInfo's delay, as a Duration string or as seconds and nanos."""
    assert retry_delay_s({"retryDelay": delay}) == want
