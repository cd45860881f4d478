"""Health arithmetic over per-minute buckets: pure functions, no storage.

A bucket holds the counts of one (minute, provider, model, key fingerprint, source) group, so
the cost of a health run grows with groups x minutes, never with the number of events.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

WINDOWS: dict[str, timedelta] = {
    "5m": timedelta(minutes=5),
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
}


class Status(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    DOWN = "down"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_requests: int = 20
    degraded_rate: float = 0.05
    down_rate: float = 0.5


@dataclass(slots=True)
class Bucket:
    minute: datetime
    provider: str
    model: str
    key_fingerprint: str
    source: str
    successes: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # by reason
    provider_failures: int = 0  # failures whose reason counts against the provider
    recovered: int = 0  # of those, recovered by a retry on the same provider


@dataclass(slots=True)
class Rollup:
    requests: int = 0
    failures: int = 0
    failures_by_reason: Counter[str] = field(default_factory=Counter)
    provider_failures: int = 0

    def add(self, b: Bucket) -> None:
        n_fail = sum(b.failures.values())
        self.requests += b.successes + n_fail
        self.failures += n_fail
        self.failures_by_reason.update(b.failures)
        self.provider_failures += max(0, b.provider_failures - b.recovered)

    @property
    def uptime(self) -> float | None:
        """The share of requests the provider did not fail; None with no requests at all."""
        if not self.requests:
            return None
        return 1.0 - self.provider_failures / self.requests


def minute_of(ts: datetime) -> datetime:
    return ts.replace(second=0, microsecond=0)


def bucket_id(minute: datetime, provider: str, model: str, fingerprint: str, source: str) -> str:
    group = hashlib.sha256(f"{provider}|{model}|{fingerprint}|{source}".encode()).hexdigest()
    return f"{minute:%Y%m%d%H%M}_{group[:20]}"


def status_of(r: Rollup, t: Thresholds) -> Status:
    """Unknown until there are enough requests to say; then by the provider's failure rate."""
    if r.requests < t.min_requests or r.uptime is None:
        return Status.UNKNOWN
    rate = 1.0 - r.uptime
    if rate >= t.down_rate:
        return Status.DOWN
    if rate >= t.degraded_rate:
        return Status.DEGRADED
    return Status.HEALTHY


def rollup(
    buckets: Iterable[Bucket], now: datetime
) -> tuple[dict[str, dict[str, Rollup]], dict[tuple[str, str], dict[str, Rollup]]]:
    """Per provider and per (provider, model): one Rollup per window ending at `now`."""
    by_provider: dict[str, dict[str, Rollup]] = {}
    by_model: dict[tuple[str, str], dict[str, Rollup]] = {}
    end = minute_of(now)
    for b in buckets:
        age = end - b.minute
        for name, span in WINDOWS.items():
            if timedelta(0) <= age < span:
                by_provider.setdefault(b.provider, {}).setdefault(name, Rollup()).add(b)
                by_model.setdefault((b.provider, b.model), {}).setdefault(name, Rollup()).add(b)
    return by_provider, by_model


def doc_id(name: str) -> str:
    """A Firestore-safe document id for a provider or model name ("a/b" has a slash)."""
    from urllib.parse import quote

    safe = quote(name, safe="")
    if safe in {".", ".."} or safe.startswith("__"):  # reserved ids: escape the first char
        safe = f"%{ord(safe[0]):02X}{safe[1:]}"
    return safe


def health_documents(
    buckets: Iterable[Bucket], now: datetime, t: Thresholds
) -> dict[str, dict[str, object]]:
    """The documents a health run writes, keyed by path relative to the health collection.

    Deterministic in (buckets, now): running twice for the same moment writes the same thing.
    """
    by_provider, by_model = rollup(buckets, now)
    as_of = minute_of(now)
    docs: dict[str, dict[str, object]] = {}
    for provider, windows in by_provider.items():
        docs[doc_id(provider)] = _doc(provider, None, windows, as_of, t)
    for (provider, model), windows in by_model.items():
        docs[f"{doc_id(provider)}/models/{doc_id(model)}"] = _doc(
            provider, model, windows, as_of, t
        )
    return docs


def _doc(
    provider: str, model: str | None, windows: dict[str, Rollup], as_of: datetime, t: Thresholds
) -> dict[str, object]:
    out: dict[str, object] = {"provider": provider, "as_of": as_of}
    if model is not None:
        out["model"] = model
    for name in WINDOWS:
        r = windows.get(name, Rollup())
        out[name] = {
            "requests": r.requests,
            "failures": r.failures,
            "failures_by_reason": dict(sorted(r.failures_by_reason.items())),
            "provider_failures": r.provider_failures,
            "uptime": r.uptime,
            "status": status_of(r, t).value,
        }
    out["status"] = out["5m"]["status"] if isinstance(out["5m"], dict) else Status.UNKNOWN.value
    return out
