"""health: roll the per-minute buckets up into provider and model health documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from keywatch.core.health import (
    SHARDS,
    WINDOWS,
    KeyThresholds,
    ProviderRollups,
    Thresholds,
    key_documents,
    minute_of,
    rollup_documents,
)
from keywatch.ports import HealthStore


@dataclass(frozen=True, slots=True)
class HealthDeps:
    store: HealthStore
    thresholds: Thresholds = field(default_factory=Thresholds)
    key_thresholds: KeyThresholds = field(default_factory=KeyThresholds)
    provider_collection: str = "provider_health"
    key_collection: str = "key_health"


def run_health(now: datetime, deps: HealthDeps) -> int:
    """Recompute every window ending at `now` from the raw buckets and write it; returns writes.

    Stateless: a late run, or a second run for the same moment, writes the same documents, and a
    run that failed is simply caught up by the next one.
    """
    since = minute_of(now) - max(WINDOWS.values())
    rollups = ProviderRollups(now)
    written = 0
    for shard in range(SHARDS):  # one shard of buckets in memory at a time
        buckets = list(deps.store.buckets_since(since, shard))
        rollups.add(buckets)
        keys = key_documents(buckets, now, deps.key_thresholds, deps.key_collection)
        if keys:
            written += deps.store.write_health(keys)
    docs = rollup_documents(rollups, deps.thresholds, deps.provider_collection)
    return written + (deps.store.write_health(docs) if docs else 0)
