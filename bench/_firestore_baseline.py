"""The counting path as it was before the counting store (commit 3e6b935), kept only so that
the benchmarks can run it side by side with the new one: every failure is a marker `create`
plus an increment of its minute bucket document, in one Firestore batch."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from google.cloud import firestore

from keywatch.core.classify import Classification, counts_against_provider
from keywatch.events import FailureEvent


def bucket_id(minute: datetime, provider: str, model: str, fingerprint: str, source: str) -> str:
    group = hashlib.sha256(f"{provider}|{model}|{fingerprint}|{source}".encode()).hexdigest()
    return f"{minute:%Y%m%d%H%M}_{group[:20]}"


class BaselineFirestoreRecorder:
    def __init__(self, client: firestore.Client, raw: str, buckets: str) -> None:
        self._db, self._raw, self._buckets = client, raw, buckets
        self.writes = 0
        self.per_document: dict[str, int] = {}

    def record_failure(self, event: FailureEvent, c: Classification) -> bool:
        from google.api_core import exceptions as gexc

        minute = event.occurred_at.replace(second=0, microsecond=0)
        against = counts_against_provider(c.reason, event.source)
        bid = bucket_id(minute, event.provider, event.model, event.key_fingerprint, event.source)
        counts: dict[str, Any] = {
            "failures": {c.reason.value: firestore.Increment(1)},
            "provider_failures": firestore.Increment(1 if against else 0),
            "last_failure": {c.reason.value: firestore.Maximum(event.occurred_at.timestamp())},
        }
        batch = self._db.batch()
        batch.create(
            self._db.collection(self._raw).document(f"f_{event.event_id}"),
            {"kind": "failure", "bucket": bid, "expire_at": minute + timedelta(hours=26)},
        )
        batch.set(
            self._db.collection(self._buckets).document(bid),
            {"minute": minute, "provider": event.provider, "model": event.model, **counts},
            merge=True,
        )
        try:
            batch.commit()
        except gexc.AlreadyExists:
            return False
        self.writes += 2
        self.per_document[bid] = self.per_document.get(bid, 0) + 1
        return True
