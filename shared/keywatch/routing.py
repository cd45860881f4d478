"""Read health for routing: cached documents with a freshness bound, and keys ranked per model.

    health = keywatch.routing.HealthReader()          # Firestore, KEYWATCH_* settings
    order = health.rank_keys("openai", "gpt-4o", [fp_a, fp_b, fp_c])
    # healthy keys first (lowest error rate first), then keys with no data, then keys cooling
    # down (fewest consecutive failures first); invalid keys never. An empty list means every
    # key is invalid: do not call with these keys, tell their owner (notify already does).

Reads are cached per document for `max_age_s` (30 s): the router pays one Firestore read per
document and window, not one per request. If Firestore cannot be read, the last value is served
while it is younger than `max_stale_s` (10 min), then the error is raised.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from keywatch.core.health import KeyState, doc_id
from keywatch.settings import Settings, get_settings


class HealthReader:
    def __init__(
        self,
        client: Any = None,
        settings: Settings | None = None,
        *,
        max_age_s: float = 30.0,
        max_stale_s: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings or get_settings()
        self._client = client
        self._max_age = max_age_s
        self._max_stale = max_stale_s
        self._clock = clock
        self._cache: dict[str, tuple[float, dict[str, Any] | None]] = {}
        self._lock = threading.Lock()

    def _db(self) -> Any:
        if self._client is None:
            from google.cloud import firestore

            self._client = firestore.Client(project=self._settings.project_id)
        return self._client

    def _get(self, path: str) -> dict[str, Any] | None:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(path)
        if hit and now - hit[0] < self._max_age:
            return hit[1]
        try:
            snap = self._db().document(path).get()
            value = snap.to_dict() if snap.exists else None
        except Exception:
            if hit and now - hit[0] < self._max_stale:
                return hit[1]
            raise
        with self._lock:
            self._cache[path] = (now, value)
        return value

    def provider(self, provider: str) -> dict[str, Any] | None:
        """provider_health/{provider}: windows, uptime, status (None: no data yet)."""
        return self._get(f"{self._settings.provider_health_collection}/{doc_id(provider)}")

    def model(self, provider: str, model: str) -> dict[str, Any] | None:
        coll = self._settings.provider_health_collection
        return self._get(f"{coll}/{doc_id(provider)}/models/{doc_id(model)}")

    def key(self, key_fingerprint: str, model: str) -> dict[str, Any] | None:
        coll = self._settings.key_health_collection
        return self._get(f"{coll}/{key_fingerprint}/models/{doc_id(model)}")

    def rank_keys(self, provider: str, model: str, fingerprints: Iterable[str]) -> list[str]:
        """The usable keys for (provider, model), best first; invalid keys are left out."""
        del provider  # keys are scoped by fingerprint and model; kept for call-site clarity
        healthy: list[tuple[float, str]] = []
        unknown: list[str] = []
        cooling: list[tuple[int, str]] = []
        for fp in dict.fromkeys(fingerprints):
            doc = self.key(fp, model)
            summary = self._get(f"{self._settings.key_health_collection}/{fp}")
            if summary and summary.get("state") == KeyState.INVALID.value:
                continue  # invalid for every model until it succeeds again
            state = (doc or {}).get("state")
            if doc is None:
                unknown.append(fp)
            elif state == KeyState.INVALID.value:
                continue
            elif state == KeyState.COOLING_DOWN.value:
                cooling.append((int(doc.get("consecutive_failures") or 0), fp))
            else:
                rate = (doc.get("1h") or {}).get("error_rate")
                healthy.append((rate if isinstance(rate, float) else 0.0, fp))
        return [fp for _, fp in sorted(healthy)] + unknown + [fp for _, fp in sorted(cooling)]
