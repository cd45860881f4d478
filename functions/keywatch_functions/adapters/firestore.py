"""Firestore: health documents (health, read by routers) and device tokens (notify).

Counting happens in Memorystore (`keywatch_functions.adapters.redis_counting`), not here. Layout
(collection names come from Settings):
- `provider_health/{provider}` and `provider_health/{provider}/models/{model}`: the rollups.
- `key_health/{fingerprint}` and `key_health/{fingerprint}/models/{model}`: key health.
- `users/{uid}/fcm_tokens/{doc}` with the token in field `token`: the user's devices.
- `users/{uid}/keywatch_keys/{provider}`: the key status the app shows (notify writes it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from google.api_core import exceptions as gexc
from google.api_core import retry as gretry
from google.cloud import firestore

from keywatch.core.keystatus import KeyStatus
from keywatch_functions.errors import HealthStoreError, KeyStatusStoreError, TokenStoreError
from keywatch_functions.ports import DeviceToken

_FAILURES = (gexc.GoogleAPICallError, gexc.RetryError)
# What can never succeed, however often it is tried: Firestore's 400s (a document name or size
# over its limits), and a path the client itself refuses (ValueError).
_PERMANENT = (gexc.BadRequest, ValueError)
_MAX_BATCH = 500


def _retry(timeout_s: float) -> gretry.Retry:
    """The client's default retries, bounded overall: without a bound a stream against an
    unreachable Firestore retries for minutes, and the function would hang instead of failing."""
    return gretry.Retry(timeout=timeout_s)


class FirestoreHealthDocs:
    """Health documents where routers read them, keyed by full path (provider_health/...,
    key_health/...). Each document is written at most once per health run, so at most once a
    minute: well inside Firestore's sustained one write per second per document."""

    def __init__(self, client: firestore.Client, timeout_s: float = 60) -> None:
        self._db = client
        self._timeout = timeout_s

    def write(
        self, docs: dict[str, dict[str, Any]], deletes: Sequence[str] = ()
    ) -> list[tuple[str, str]]:
        """Write and delete in batches of 500. Returns the documents Firestore refused for
        good (a 400: a name or a size over its limits), each with why: a batch that holds one
        is written again a document at a time, so that one refused document never holds back
        the others, and is never retried. Anything else (Firestore down, a deadline) raises
        HealthStoreError, and the run is retried."""
        ops: list[tuple[str, dict[str, Any] | None]] = [*docs.items()]
        ops += [(path, None) for path in deletes]
        rejected: list[tuple[str, str]] = []
        for start in range(0, len(ops), _MAX_BATCH):
            chunk = ops[start : start + _MAX_BATCH]
            try:
                self._commit(chunk)
            except _PERMANENT:
                for op in chunk:
                    try:
                        self._commit([op])
                    except _PERMANENT as exc:
                        rejected.append((op[0], _reason(exc)))
        return rejected

    def _commit(self, ops: list[tuple[str, dict[str, Any] | None]]) -> None:
        try:
            batch = self._db.batch()
            for path, data in ops:
                if data is None:
                    batch.delete(self._db.document(path))
                else:
                    batch.set(self._db.document(path), data)
            batch.commit(retry=_retry(self._timeout), timeout=self._timeout)
        except _PERMANENT:
            raise
        except _FAILURES as exc:
            raise HealthStoreError(f"firestore: {exc}") from exc


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


class FirestoreTokenStore:
    """Device tokens at `{collection}/{uid}/{subcollection}/{doc}`, the token in `field`."""

    def __init__(
        self,
        client: firestore.Client,
        collection: str = "users",
        subcollection: str = "fcm_tokens",
        field: str = "token",
        timeout_s: float = 10,
    ) -> None:
        self._db = client
        self._collection = collection
        self._sub = subcollection
        self._field = field
        self._timeout = timeout_s

    def tokens(self, uid: str) -> list[DeviceToken]:
        ref = self._db.collection(self._collection).document(uid).collection(self._sub)
        try:
            snaps = list(ref.stream(retry=_retry(self._timeout), timeout=self._timeout))
        except _FAILURES as exc:
            raise TokenStoreError(f"firestore: {exc}") from exc
        out = []
        for snap in snaps:
            token = (snap.to_dict() or {}).get(self._field)
            if isinstance(token, str) and token:
                out.append(DeviceToken(ref=snap.reference.path, token=token))
        return out

    def delete(self, tokens: Sequence[DeviceToken]) -> None:
        try:
            for start in range(0, len(tokens), _MAX_BATCH):
                batch = self._db.batch()
                for t in tokens[start : start + _MAX_BATCH]:
                    batch.delete(self._db.document(t.ref))
                batch.commit(retry=_retry(self._timeout), timeout=self._timeout)
        except _FAILURES as exc:
            raise TokenStoreError(f"firestore: {exc}") from exc


class FirestoreKeyStatusStore:
    """The app's key statuses at `{collection}/{uid}/{subcollection}/{provider}`
    (docs/key_status.md), written in a transaction so that concurrent alerts and restorations
    of one key each see the other. A document changes once per problem or restoration (classify
    alerts once per problem per 10 minutes): far inside Firestore's sustained one write per
    second per document (https://firebase.google.com/docs/firestore/best-practices)."""

    def __init__(
        self,
        client: firestore.Client,
        collection: str = "users",
        subcollection: str = "keywatch_keys",
        timeout_s: float = 10,
    ) -> None:
        self._db = client
        self._collection = collection
        self._sub = subcollection
        self._timeout = timeout_s

    def update(
        self, uid: str, provider: str, change: Callable[[KeyStatus | None], KeyStatus | None]
    ) -> KeyStatus | None:
        ref = self._db.collection(self._collection).document(uid).collection(self._sub)
        doc = ref.document(provider)
        read: list[KeyStatus | None] = []

        @firestore.transactional
        def run(tx: firestore.Transaction) -> None:
            snap = doc.get(transaction=tx, timeout=self._timeout)
            current = KeyStatus.from_doc(snap.to_dict() or {}) if snap.exists else None
            read[:] = [current]
            new = change(current)
            if new is not None:
                tx.set(doc, new.to_doc())

        try:
            run(self._db.transaction(max_attempts=5))
        except _FAILURES as exc:
            raise KeyStatusStoreError(f"firestore: {exc}") from exc
        return read[0] if read else None
