"""The Firestore adapters against the real Firestore emulator."""

from __future__ import annotations

from typing import Any

import pytest

from keywatch_functions.adapters.firestore import FirestoreHealthDocs, FirestoreTokenStore
from keywatch_functions.errors import HealthStoreError, TokenStoreError

pytestmark = pytest.mark.integration


def test_health_docs_are_written_and_deleted_at_their_paths(
    firestore_client: Any, unique: str
) -> None:
    """Documents land at the full paths the core gives them, nested ones included, and a
    delete removes exactly the paths named."""
    docs = FirestoreHealthDocs(firestore_client)
    rejected = docs.write(
        {
            f"h_{unique}/openai": {"status": "healthy"},
            f"h_{unique}/openai/models/gpt-4o": {"status": "down"},
        }
    )
    assert rejected == []
    assert (
        firestore_client.document(f"h_{unique}/openai/models/gpt-4o").get().get("status") == "down"
    )
    assert docs.write({}, [f"h_{unique}/openai/models/gpt-4o"]) == []
    assert not firestore_client.document(f"h_{unique}/openai/models/gpt-4o").get().exists
    assert firestore_client.document(f"h_{unique}/openai").get().exists


def test_more_than_one_batch_of_documents(firestore_client: Any, unique: str) -> None:
    """Over 500 writes go out in several batches (Firestore's limit per batch)."""
    docs = FirestoreHealthDocs(firestore_client)
    assert docs.write({f"hb_{unique}/d{i}": {"i": i} for i in range(1_201)}) == []
    assert len(list(firestore_client.collection(f"hb_{unique}").stream())) == 1_201


def test_a_document_refused_for_good_is_skipped_and_the_others_written(
    firestore_client: Any, unique: str
) -> None:
    """One document over Firestore's id limit (1,500 bytes) is refused with why, once; the
    other documents of its batch are written all the same, and nothing raises (it was raised
    as a transient error, retried forever, before)."""
    docs = FirestoreHealthDocs(firestore_client)
    too_long = f"hr_{unique}/" + "x" * 1_600
    rejected = docs.write(
        {f"hr_{unique}/a": {"i": 1}, too_long: {"i": 2}, f"hr_{unique}/b": {"i": 3}}
    )
    assert [path for path, _ in rejected] == [too_long]
    assert "InvalidArgument" in rejected[0][1] or "BadRequest" in rejected[0][1]
    got = sorted(s.id for s in firestore_client.collection(f"hr_{unique}").stream())
    assert got == ["a", "b"]


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

    from keywatch_ops.devstack.stack import free_port

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{free_port()}")
    db = firestore.Client(project="demo-keywatch")
    with pytest.raises(TokenStoreError):
        FirestoreTokenStore(db, timeout_s=1).tokens("u1")
    with pytest.raises(HealthStoreError):
        FirestoreHealthDocs(db, timeout_s=1).write({"h/x": {"a": 1}})
