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
    last_failure: dict[str, float] = field(default_factory=dict)  # reason -> latest, epoch s
    last_success: float | None = None  # latest success window end, epoch s


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


# Buckets are partitioned by key fingerprint into SHARDS, so a health run can hold one shard at
# a time: its memory is bounded by a shard, not by every bucket of the last 24 hours. All the
# buckets of a key share a shard, so per-key facts (invalid on every model) stay complete.
SHARDS = 64


def shard_of(fingerprint: str) -> int:
    digest = hashlib.sha256(fingerprint.encode()).digest()
    return int.from_bytes(digest[:4], "big") % SHARDS


class ProviderRollups:
    """Per provider and per (provider, model) windows, accumulated bucket by bucket."""

    def __init__(self, now: datetime) -> None:
        self.end = minute_of(now)
        self.by_provider: dict[str, dict[str, Rollup]] = {}
        self.by_model: dict[tuple[str, str], dict[str, Rollup]] = {}

    def add(self, buckets: Iterable[Bucket]) -> None:
        for b in buckets:
            age = self.end - b.minute
            for name, span in WINDOWS.items():
                if timedelta(0) <= age < span:
                    self.by_provider.setdefault(b.provider, {}).setdefault(name, Rollup()).add(b)
                    model = self.by_model.setdefault((b.provider, b.model), {})
                    model.setdefault(name, Rollup()).add(b)


def rollup(
    buckets: Iterable[Bucket], now: datetime
) -> tuple[dict[str, dict[str, Rollup]], dict[tuple[str, str], dict[str, Rollup]]]:
    """Per provider and per (provider, model): one Rollup per window ending at `now`."""
    r = ProviderRollups(now)
    r.add(buckets)
    return r.by_provider, r.by_model


def doc_id(name: str) -> str:
    """A Firestore-safe document id for a provider or model name ("a/b" has a slash)."""
    from urllib.parse import quote

    safe = quote(name, safe="")
    if safe in {".", ".."} or safe.startswith("__"):  # reserved ids: escape the first char
        safe = f"%{ord(safe[0]):02X}{safe[1:]}"
    return safe


def health_documents(
    buckets: Iterable[Bucket], now: datetime, t: Thresholds, collection: str = "provider_health"
) -> dict[str, dict[str, object]]:
    """Provider and (provider, model) documents, keyed by their full path.

    Deterministic in (buckets, now): running twice for the same moment writes the same thing.
    """
    r = ProviderRollups(now)
    r.add(buckets)
    return rollup_documents(r, t, collection)


def rollup_documents(
    r: ProviderRollups, t: Thresholds, collection: str = "provider_health"
) -> dict[str, dict[str, object]]:
    by_provider, by_model, as_of = r.by_provider, r.by_model, r.end
    docs: dict[str, dict[str, object]] = {}
    for provider, windows in by_provider.items():
        docs[f"{collection}/{doc_id(provider)}"] = _doc(provider, None, windows, as_of, t)
    for (provider, model), windows in by_model.items():
        path = f"{collection}/{doc_id(provider)}/models/{doc_id(model)}"
        docs[path] = _doc(provider, model, windows, as_of, t)
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


class KeyState(StrEnum):
    HEALTHY = "healthy"
    COOLING_DOWN = "cooling_down"  # failing right now: try other keys first
    INVALID = "invalid"  # the provider rejected the key: never use it until it succeeds again


@dataclass(frozen=True, slots=True)
class KeyThresholds:
    cooling_consecutive: int = 3  # failures since the last success
    cooling_rate: float = 0.5  # or this error rate over 5 minutes...
    cooling_min_requests: int = 4  # ...with at least this many requests


def key_documents(
    buckets: Iterable[Bucket], now: datetime, t: KeyThresholds, collection: str = "key_health"
) -> dict[str, dict[str, object]]:
    """Per key fingerprint, scoped per model: error rates, last error, state.

    Every failed attempt counts against its key for that model only (retries and rate limits
    included: the router wants to know this key is failing). An invalid_key failure later than
    the key's last success, on any model, makes the key invalid for every model. Consecutive
    failures are counted at minute resolution: the failures after the last minute that had a
    success.
    """
    end = minute_of(now)
    groups: dict[tuple[str, str], list[Bucket]] = {}
    last_ok_by_key: dict[str, float] = {}
    last_invalid_by_key: dict[str, float] = {}
    for b in buckets:
        if not timedelta(0) <= end - b.minute < WINDOWS["24h"]:
            continue
        groups.setdefault((b.key_fingerprint, b.model), []).append(b)
        fp = b.key_fingerprint
        if b.last_success is not None:
            last_ok_by_key[fp] = max(last_ok_by_key.get(fp, 0.0), b.last_success)
        if "invalid_key" in b.last_failure:
            seen = last_invalid_by_key.get(fp, 0.0)
            last_invalid_by_key[fp] = max(seen, b.last_failure["invalid_key"])

    docs: dict[str, dict[str, object]] = {}
    per_key: dict[str, dict[str, str]] = {}
    for (fp, model), bs in sorted(groups.items()):
        bs.sort(key=lambda b: b.minute)
        windows: dict[str, dict[str, object]] = {}
        for name, span in WINDOWS.items():
            inside = [b for b in bs if end - b.minute < span]
            by_reason: Counter[str] = Counter()
            for b in inside:
                by_reason.update(b.failures)
            fails = sum(by_reason.values())
            reqs = fails + sum(b.successes for b in inside)
            windows[name] = {
                "requests": reqs,
                "failures": fails,
                "error_rate": fails / reqs if reqs else None,
                "failures_by_reason": dict(sorted(by_reason.items())),
            }
        last_ok = max((b.last_success for b in bs if b.last_success is not None), default=None)
        latest = max(((ts, r) for b in bs for r, ts in b.last_failure.items()), default=None)
        ok_minute = minute_of(datetime.fromtimestamp(last_ok, end.tzinfo)) if last_ok else None
        consecutive = sum(
            sum(b.failures.values()) for b in bs if ok_minute is None or b.minute > ok_minute
        )
        state = _key_state(
            windows["5m"], consecutive, last_invalid_by_key.get(fp), last_ok_by_key.get(fp), t
        )
        docs[f"{collection}/{fp}/models/{doc_id(model)}"] = {
            "key_fingerprint": fp,
            "model": model,
            "provider": bs[-1].provider,
            "source": bs[-1].source,
            "as_of": end,
            **windows,
            "last_error_at": datetime.fromtimestamp(latest[0], end.tzinfo) if latest else None,
            "last_reason": latest[1] if latest else None,
            "last_success_at": datetime.fromtimestamp(last_ok, end.tzinfo) if last_ok else None,
            "consecutive_failures": consecutive,
            "state": state.value,
        }
        per_key.setdefault(fp, {})[model] = state.value
    for fp, models in per_key.items():
        states = set(models.values())
        worst = next(
            (s for s in (KeyState.INVALID, KeyState.COOLING_DOWN) if s.value in states),
            KeyState.HEALTHY,
        )
        docs[f"{collection}/{fp}"] = {
            "key_fingerprint": fp,
            "as_of": end,
            "state": worst.value,
            "models": {doc_id(m): st for m, st in sorted(models.items())},
        }
    return docs


def _key_state(
    five_min: dict[str, object],
    consecutive: int,
    last_invalid: float | None,
    last_ok: float | None,
    t: KeyThresholds,
) -> KeyState:
    if last_invalid is not None and (last_ok is None or last_invalid > last_ok):
        return KeyState.INVALID
    if consecutive >= t.cooling_consecutive:
        return KeyState.COOLING_DOWN
    reqs, rate = five_min["requests"], five_min["error_rate"]
    busy = isinstance(reqs, int) and reqs >= t.cooling_min_requests
    failing = isinstance(rate, float) and rate >= t.cooling_rate
    return KeyState.COOLING_DOWN if busy and failing else KeyState.HEALTHY
