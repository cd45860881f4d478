"""Firestore: the documents the status page shows, read with bounded queries.

Layout (collection names from Settings): `provider_health/{provider}` and its `models`
subcollection (health.py), `provider_days/{provider}/days/{YYYY-MM-DD}` (core/daily.py; the
`provider_days/{provider}` documents themselves are not written, so providers are listed with
ListDocuments, which returns such missing parents), and `incidents/{id}`.

Every query has a limit and the whole read one deadline: a page request reads at most
1 + 2 x MAX_PROVIDERS queries and 2 incident queries, and the page caches what it read
(status.py), so the documents read a minute are bounded whatever the traffic. With P providers
a refresh reads about P + models + 90 x P + incidents documents (Firestore bills each).
Single-field equality and range filters only: Firestore's automatic single-field indexes
serve every query, with no composite index to deploy
(https://cloud.google.com/firestore/docs/query-data/indexing#single-field_indexes).
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote

from google.api_core import exceptions as gexc
from google.api_core import retry as gretry
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from keywatch.core.statuspage import DAYS_SHOWN, MAX_INCIDENTS, StatusDocs
from keywatch_functions.errors import StatusReadError

MAX_PROVIDERS = 100  # provider documents, and provider_days parents, read at most
MAX_MODELS = 100  # model documents per provider
_FAILURES = (gexc.GoogleAPICallError, gexc.RetryError)
_BACKSTOP_S = 1.0  # past the deadline, the read is abandoned even if the SDK has not ended it


class FirestoreStatusDocs:
    """StatusReader over Firestore (the health database)."""

    def __init__(
        self,
        client: firestore.Client,
        provider_collection: str = "provider_health",
        days_collection: str = "provider_days",
        incidents_collection: str = "incidents",
        deadline_s: float = 5.0,
    ) -> None:
        if not deadline_s > 0:
            raise ValueError(f"deadline_s must be positive, not {deadline_s!r}")
        self._db = client
        self._providers = provider_collection
        self._days = days_collection
        self._incidents = incidents_collection
        self._deadline_s = deadline_s

    def read(self, days_since: date, incidents_since: datetime) -> StatusDocs:
        """All the page's reads, in a thread of their own waited on for the deadline and a
        backstop: a call the SDK does not end in time is left to finish on its own."""
        done = threading.Event()
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["docs"] = self._read(days_since, incidents_since)
            except BaseException as exc:  # handed to the caller
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=run, name="keywatch-status-read", daemon=True).start()
        if not done.wait(self._deadline_s + _BACKSTOP_S):
            raise StatusReadError(
                f"Firestore did not answer the status page within {self._deadline_s:g} s"
            )
        if "error" in box:
            exc = box["error"]
            if isinstance(exc, _FAILURES):
                raise StatusReadError(f"firestore: {type(exc).__name__}: {exc}") from exc
            raise exc
        docs: StatusDocs = box["docs"]
        return docs

    def _read(self, days_since: date, incidents_since: datetime) -> StatusDocs:
        deadline = time.monotonic() + self._deadline_s
        truncated = False

        def bounded() -> dict[str, Any]:
            """This call's share of the deadline: the rest of it, retries included (`timeout`
            alone leaves each attempt the SDK's default; as gRPC's deadline it also bounds
            reading a stream)."""
            left = deadline - time.monotonic()
            if left <= 0:
                raise StatusReadError(
                    f"Firestore did not answer the status page within {self._deadline_s:g} s"
                )
            return {"retry": gretry.Retry(timeout=left), "timeout": left}

        db = self._db
        providers: list[dict[str, Any]] = []
        models: list[dict[str, Any]] = []
        for snap in db.collection(self._providers).limit(MAX_PROVIDERS + 1).stream(**bounded()):
            if len(providers) == MAX_PROVIDERS:
                truncated = True
                break
            doc = snap.to_dict() or {}
            doc.setdefault("provider", unquote(snap.id))
            providers.append(doc)
            query = snap.reference.collection("models").limit(MAX_MODELS + 1)
            model_docs = [m.to_dict() or {} for m in query.stream(**bounded())]
            truncated |= len(model_docs) > MAX_MODELS
            for m in model_docs[:MAX_MODELS]:
                m.setdefault("provider", doc["provider"])
                models.append(m)

        days: list[dict[str, Any]] = []
        since = days_since.isoformat()
        parents = db.collection(self._days).list_documents(page_size=MAX_PROVIDERS, **bounded())
        for n, parent in enumerate(parents):
            if n == MAX_PROVIDERS:
                truncated = True
                break
            # Dates sort as their ISO text; a few more than the page shows, for clock skew.
            query = (
                parent.collection("days")
                .where(filter=FieldFilter("date", ">=", since))
                .limit(DAYS_SHOWN + 10)
            )
            for snap in query.stream(**bounded()):
                doc = snap.to_dict() or {}
                doc.setdefault("provider", unquote(parent.id))
                doc.setdefault("date", snap.id)
                days.append(doc)

        incidents: dict[str, dict[str, Any]] = {}
        coll = db.collection(self._incidents)
        queries = (
            coll.where(filter=FieldFilter("open", "==", True)).limit(MAX_INCIDENTS + 1),
            coll.where(filter=FieldFilter("opened_at", ">=", incidents_since))
            .order_by("opened_at", direction=firestore.Query.DESCENDING)
            .limit(MAX_INCIDENTS + 1),
        )
        for query in queries:
            found = list(query.stream(**bounded()))
            truncated |= len(found) > MAX_INCIDENTS
            for found_snap in found[:MAX_INCIDENTS]:
                incidents[found_snap.id] = found_snap.to_dict() or {}

        return StatusDocs(providers, models, days, list(incidents.items()), truncated)
