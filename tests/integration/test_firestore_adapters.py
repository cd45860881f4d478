"""The Firestore adapters against the real Firestore emulator."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch.adapters.firestore import (
    FirestoreHealthRecorder,
    FirestoreHealthStore,
    FirestoreTokenStore,
)
from keywatch.core.classify import classify
from keywatch.core.health import bucket_id, minute_of
from keywatch.events import FailureEvent, Source, SuccessTally
from keywatch.ports import HealthStoreError, TokenStoreError
from tests.factories import failure

pytestmark = pytest.mark.integration


def recorder(db: Any, unique: str) -> FirestoreHealthRecorder:
    return FirestoreHealthRecorder(db, f"raw_{unique}", f"buckets_{unique}", ttl_s=3600)


def tally_for(
    e: FailureEvent, successes: int, recovered: list[uuid.UUID] | None = None
) -> SuccessTally:
    """A tally of the failure's own group and minute."""
    start = minute_of(e.occurred_at)
    return SuccessTally(
        window_start=start,
        window_end=start + timedelta(minutes=1),
        source=e.source,
        provider=e.provider,
        model=e.model,
        key_fingerprint=e.key_fingerprint,
        successes=successes,
        recovered_event_ids=recovered or [],
    )


def test_failure_counted_once_across_redeliveries(firestore_client: Any, unique: str) -> None:
    """Recording the same event twice counts it once; the marker carries a TTL field."""
    rec = recorder(firestore_client, unique)
    e = failure(
        source=Source.PLATFORM, status_code=503, error_code=None, error_message="overloaded"
    )
    c = classify(e.status_code, e.error_type, e.error_code, e.error_message)
    assert rec.record_failure(e, c) is True
    assert rec.record_failure(e, c) is False
    bid = bucket_id(minute_of(e.occurred_at), e.provider, e.model, e.key_fingerprint, "platform")
    bucket = firestore_client.document(f"buckets_{unique}/{bid}").get().to_dict()
    assert bucket["failures"] == {"overloaded": 1} and bucket["provider_failures"] == 1
    marker = firestore_client.document(f"raw_{unique}/f_{e.event_id}").get().to_dict()
    assert marker["expire_at"] > datetime.now(UTC)


def test_tallies_and_failures_share_a_bucket(firestore_client: Any, unique: str) -> None:
    """A tally and a failure of the same group and minute land in one bucket the store reads."""
    rec = recorder(firestore_client, unique)
    e = failure(source=Source.BYOK)
    start = minute_of(e.occurred_at)
    tally = tally_for(e, 41)
    rec.record_failure(e, classify(401))
    assert rec.record_tally(tally) and not rec.record_tally(tally)
    store = FirestoreHealthStore(firestore_client, f"buckets_{unique}")
    [b] = store.buckets_since(start - timedelta(minutes=1))
    assert (b.successes, dict(b.failures), b.provider_failures) == (41, {"invalid_key": 1}, 0)


def test_health_store_writes_documents_at_their_paths(firestore_client: Any, unique: str) -> None:
    """Documents land at the full paths the core gives them, nested ones included."""
    store = FirestoreHealthStore(firestore_client, f"buckets_{unique}")
    n = store.write_health(
        {
            f"h_{unique}/openai": {"status": "healthy"},
            f"h_{unique}/openai/models/gpt-4o": {"status": "down"},
        }
    )
    assert n == 2
    assert (
        firestore_client.document(f"h_{unique}/openai/models/gpt-4o").get().get("status") == "down"
    )


def test_token_store_reads_and_deletes(firestore_client: Any, unique: str) -> None:
    """Tokens come from users/{uid}/fcm_tokens/*; deleting removes exactly those documents."""
    coll = f"users_{unique}"
    for doc, token in (("a", "tok-a"), ("b", "tok-b"), ("c", None)):
        firestore_client.document(f"{coll}/u1/fcm_tokens/{doc}").set(
            {"token": token} if token else {"x": 1}
        )
    store = FirestoreTokenStore(firestore_client, collection=coll)
    tokens = store.tokens("u1")
    assert sorted(t.token for t in tokens) == ["tok-a", "tok-b"]
    store.delete([t for t in tokens if t.token == "tok-a"])
    assert [t.token for t in store.tokens("u1")] == ["tok-b"]


def test_firestore_unreachable_raises_transient_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreachable Firestore surfaces as TokenStoreError / HealthStoreError (retry)."""
    from google.cloud import firestore

    from keywatch.devstack.stack import free_port

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{free_port()}")
    db = firestore.Client(project="demo-keywatch")
    with pytest.raises(TokenStoreError):
        FirestoreTokenStore(db, timeout_s=1).tokens("u1")
    with pytest.raises(HealthStoreError):
        FirestoreHealthRecorder(db, "raw", "buckets", 60, timeout_s=1).record_failure(
            failure(), classify(401)
        )


def test_recovered_failures_stop_counting_against_the_provider(
    firestore_client: Any, unique: str
) -> None:
    """A tally naming a recorded failure marks it recovered once, however often it arrives."""
    rec = recorder(firestore_client, unique)
    e = failure(
        source=Source.PLATFORM,
        status_code=529,
        error_code="overloaded_error",
        error_message="Overloaded",
        provider="anthropic",
        model="claude",
    )
    c = classify(e.status_code, e.error_type, e.error_code, e.error_message)
    rec.record_failure(e, c)
    start = minute_of(e.occurred_at)
    tally = tally_for(e, 1, [e.event_id])
    rec.record_tally(tally)
    rec.record_tally(tally)  # redelivered
    store = FirestoreHealthStore(firestore_client, f"buckets_{unique}")
    [b] = store.buckets_since(start - timedelta(minutes=1))
    assert (b.successes, b.provider_failures, b.recovered) == (1, 1, 1)


def test_recovery_before_its_failure_is_retried_not_lost(
    firestore_client: Any, unique: str
) -> None:
    """A tally that outruns the failure it recovers raises (retry); its successes count once."""
    rec = recorder(firestore_client, unique)
    e = failure(source=Source.PLATFORM, status_code=503, error_message="Service Unavailable")
    start = minute_of(e.occurred_at)
    tally = tally_for(e, 3, [e.event_id])
    with pytest.raises(HealthStoreError, match="not recorded yet"):
        rec.record_tally(tally)
    rec.record_failure(e, classify(503))
    rec.record_tally(tally)  # the redelivery
    store = FirestoreHealthStore(firestore_client, f"buckets_{unique}")
    [b] = store.buckets_since(start - timedelta(minutes=1))
    assert (b.successes, b.provider_failures, b.recovered) == (3, 1, 1)
