"""Firestore: raw health counts (classify), health documents (health), device tokens (notify).

Layout (collection names come from Settings):
- `kw_events/{f_<event_id>|t_<tally_id>}`: one marker per counted event, with `expire_at` for
  the TTL policy. Its existence is what makes counting idempotent.
- `kw_buckets/{yyyymmddHHMM}_{group}`: counts per minute and (provider, model, key, source),
  with `expire_at`. Health reads only these, so its cost grows with groups x minutes.
- `provider_health/{provider}` and `provider_health/{provider}/models/{model}`: the rollups.
- `key_health/{fingerprint}` and `key_health/{fingerprint}/models/{model}`: key health.
- `users/{uid}/fcm_tokens/{doc}` with the token in field `token`: the user's devices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from google.api_core import exceptions as gexc
from google.api_core import retry as gretry
from google.cloud import firestore

from keywatch.core.classify import Classification, counts_against_provider
from keywatch.core.health import Bucket, bucket_id, minute_of, shard_of
from keywatch.events import FailureEvent, SuccessTally
from keywatch.ports import DeviceToken, HealthStoreError, TokenStoreError

_FAILURES = (gexc.GoogleAPICallError, gexc.RetryError)
_MAX_BATCH = 500


def _retry(timeout_s: float) -> gretry.Retry:
    """The client's default retries, bounded overall: without a bound a stream against an
    unreachable Firestore retries for minutes, and the function would hang instead of failing."""
    return gretry.Retry(timeout=timeout_s)


class FirestoreHealthRecorder:
    """Counts failures and tallies into minute buckets, each event exactly once.

    The marker `create` and the bucket increment commit in one atomic batch: if the marker
    exists, the whole batch fails with ALREADY_EXISTS and nothing is counted twice.
    """

    def __init__(
        self,
        client: firestore.Client,
        raw_collection: str,
        buckets_collection: str,
        ttl_s: int,
        timeout_s: float = 20,
    ) -> None:
        self._db = client
        self._raw = raw_collection
        self._buckets = buckets_collection
        self._ttl = timedelta(seconds=ttl_s)
        self._timeout = timeout_s

    def record_failure(self, event: FailureEvent, c: Classification) -> bool:
        minute = minute_of(event.occurred_at)
        against = counts_against_provider(c.reason, event.source)
        marker = {
            "kind": "failure",
            "reason": c.reason.value,
            "counts_against_provider": against,
        }
        counts: dict[str, Any] = {
            "failures": {c.reason.value: firestore.Increment(1)},
            "provider_failures": firestore.Increment(1 if against else 0),
            # Maximum, not a plain set: concurrent writers still leave the latest time.
            "last_failure": {c.reason.value: firestore.Maximum(event.occurred_at.timestamp())},
        }
        key = (event.provider, event.model, event.key_fingerprint, event.source.value)
        return self._count(f"f_{event.event_id}", minute, key, marker, counts)

    def record_tally(self, tally: SuccessTally) -> bool:
        """Count the successes once, then apply each recovery once.

        A recovery needs its failure's marker (which bucket, whether it counted against the
        provider). When that failure has not been recorded yet, this raises HealthStoreError so
        the tally is redelivered; its successes, already counted, are not counted again.
        """
        minute = minute_of(tally.window_start)
        marker = {"kind": "tally", "successes": tally.successes}
        counts: dict[str, Any] = {"successes": firestore.Increment(tally.successes)}
        if tally.successes:
            last = tally.last_success_at or tally.window_start
            counts["last_success"] = firestore.Maximum(last.timestamp())
        key = (tally.provider, tally.model, tally.key_fingerprint, tally.source.value)
        counted = self._count(f"t_{tally.tally_id}", minute, key, marker, counts)
        missing = [eid for eid in tally.recovered_event_ids if not self._recover(str(eid))]
        if missing:
            raise HealthStoreError(
                f"{len(missing)} recovered failure(s) not recorded yet, e.g. {missing[0]}"
            )
        return counted

    def _recover(self, event_id: str) -> bool:
        """Mark one failure recovered (once). False when the failure is not recorded yet."""
        raw = self._db.collection(self._raw)
        failure_ref = raw.document(f"f_{event_id}")
        marker_ref = raw.document(f"r_{event_id}")

        @firestore.transactional
        def apply(tx: Any) -> bool:
            failure = failure_ref.get(transaction=tx)
            if not failure.exists:
                return False
            if marker_ref.get(transaction=tx).exists:
                return True  # recovered on an earlier delivery
            data = failure.to_dict() or {}
            tx.create(marker_ref, {"kind": "recovery", "expire_at": data.get("expire_at")})
            if data.get("counts_against_provider"):
                bucket = self._db.collection(self._buckets).document(data["bucket"])
                tx.set(bucket, {"recovered": firestore.Increment(1)}, merge=True)
            return True

        try:
            return bool(apply(self._db.transaction()))
        except _FAILURES as exc:
            raise HealthStoreError(f"firestore: {exc}") from exc

    def _count(
        self,
        marker_id: str,
        minute: datetime,
        key: tuple[str, str, str, str],
        marker: dict[str, Any],
        counts: dict[str, Any],
    ) -> bool:
        provider, model, fingerprint, source = key
        bid = bucket_id(minute, provider, model, fingerprint, source)
        expire_at = minute + self._ttl
        batch = self._db.batch()
        batch.create(
            self._db.collection(self._raw).document(marker_id),
            {**marker, "bucket": bid, "expire_at": expire_at},
        )
        batch.set(
            self._db.collection(self._buckets).document(bid),
            {
                "minute": minute,
                "provider": provider,
                "model": model,
                "key_fingerprint": fingerprint,
                "source": source,
                "shard": shard_of(fingerprint),
                "expire_at": expire_at,
                **counts,
            },
            merge=True,
        )
        try:
            batch.commit(retry=_retry(self._timeout), timeout=self._timeout)
        except gexc.AlreadyExists:
            return False  # counted on an earlier delivery
        except _FAILURES as exc:
            raise HealthStoreError(f"firestore: {exc}") from exc
        return True


class FirestoreHealthStore:
    def __init__(
        self, client: firestore.Client, buckets_collection: str, timeout_s: float = 60
    ) -> None:
        self._db = client
        self._buckets = buckets_collection
        self._timeout = timeout_s

    def buckets_since(self, since: datetime, shard: int | None = None) -> Iterable[Bucket]:
        """Buckets from `since` on; of one shard (the composite index shard, minute) if given."""
        query = self._db.collection(self._buckets).where(
            filter=firestore.FieldFilter("minute", ">=", since)
        )
        if shard is not None:
            query = query.where(filter=firestore.FieldFilter("shard", "==", shard))
        try:
            # Materialised so that a failure surfaces here, inside the wrapped call.
            return list(
                self._to_buckets(query.stream(retry=_retry(self._timeout), timeout=self._timeout))
            )
        except _FAILURES as exc:
            raise HealthStoreError(f"firestore: {exc}") from exc

    @staticmethod
    def _to_buckets(snapshots: Iterable[Any]) -> Iterator[Bucket]:
        for snap in snapshots:
            d = snap.to_dict() or {}
            yield Bucket(
                minute=d["minute"].astimezone(UTC),
                provider=d["provider"],
                model=d["model"],
                key_fingerprint=d["key_fingerprint"],
                source=d["source"],
                successes=int(d.get("successes", 0)),
                failures=Counter({k: int(v) for k, v in (d.get("failures") or {}).items()}),
                provider_failures=int(d.get("provider_failures", 0)),
                recovered=int(d.get("recovered", 0)),
                last_failure={k: float(v) for k, v in (d.get("last_failure") or {}).items()},
                last_success=float(d["last_success"]) if d.get("last_success") else None,
            )

    def write_health(self, docs: dict[str, dict[str, object]]) -> int:
        """Write documents keyed by their full path (provider_health/..., key_health/...)."""
        items = list(docs.items())
        try:
            for start in range(0, len(items), _MAX_BATCH):
                batch = self._db.batch()
                for path, data in items[start : start + _MAX_BATCH]:
                    batch.set(self._db.document(path), data)
                batch.commit(retry=_retry(self._timeout), timeout=self._timeout)
        except _FAILURES as exc:
            raise HealthStoreError(f"firestore: {exc}") from exc
        return len(items)


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
