"""The structured log entry an operator filters on."""

from __future__ import annotations

from keywatch.core.classify import classify
from keywatch.core.logentry import LABEL_FIELDS, LOG_FIELDS, failure_entry
from keywatch.events import Source
from tests.factories import failure


def test_platform_failures_are_errors_and_byok_warnings() -> None:
    """Severity follows meaning: our key failing is ERROR; a user's own key, WARNING."""
    c = classify(401, None, "invalid_api_key", None)
    assert failure_entry(failure(source=Source.PLATFORM), c).severity == "ERROR"
    assert failure_entry(failure(source=Source.BYOK), c).severity == "WARNING"


def test_entry_has_every_filter_field_and_labels() -> None:
    """Every documented field is a top-level key; the most filtered are labels too."""
    e = failure()
    entry = failure_entry(e, classify(401, None, "invalid_api_key", None))
    assert set(LOG_FIELDS) <= set(entry.fields)
    assert entry.labels == {k: str(entry.fields[k]) for k in LABEL_FIELDS}
    assert entry.fields["reason"] == "invalid_key" and entry.fields["source"] == "byok"


def test_insert_id_derives_from_event_id() -> None:
    """A redelivered event has the same insertId, so Logs Explorer shows it once."""
    e = failure()
    c = classify(401)
    assert failure_entry(e, c).insert_id == failure_entry(e, c).insert_id == f"kw-{e.event_id}"


def test_message_is_scrubbed_even_if_the_producer_did_not() -> None:
    """A key in a message published by some other producer never reaches the log line."""
    key = "sk-proj-" + "Q7w" * 16
    e = failure(error_message=f"Incorrect API key provided: {key}.")
    entry = failure_entry(e, classify(401))
    assert key[10:30] not in str(entry.fields) and "[REDACTED]" in entry.fields["error_message"]
