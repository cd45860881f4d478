"""The reporter's success tallies: counts per group and minute, the failures that successes
recovered, and the tallies batches waiting to be sent again."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from keywatch.events import Source, TallyBatch, TallyGroup

Group = tuple[str, str, str, str]  # provider, model, key fingerprint, source

_MAX_RECOVERY_REQUESTS = 10_000  # requests remembered for recovery marking (LRU)
# A tallies message stays below classify's 64 KiB limit (MAX_MESSAGE_BYTES in
# keywatch_functions/decode.py), with room for the envelope; a group's recovered ids are split
# across parts of this many at most.
_TALLY_BYTES = 60_000
_RECOVERED_PER_PART = 1_000
# Minutes older than this are not worth sending: health's windows end at 24 h (counting.py).
_TALLY_MAX_AGE_MIN = 25 * 60


def event_uuid(n: int) -> uuid.UUID:
    """A failure's event id, kept as a 128-bit int until it is sent, as a UUID."""
    return uuid.UUID(int=n, version=4)


class Tallies:
    """Successes per (provider, model, key fingerprint, source) and Unix minute, each group's
    latest success, the failure event ids a success on a retry recovered, and the batches whose
    publish failed. At most `max_groups` groups; what does not fit is counted in `counts`, the
    reporter's stats. `count` and `remember_failure` are safe to call from any thread."""

    def __init__(self, counts: dict[str, int], max_groups: int) -> None:
        self._counts = counts
        self._max_groups = max_groups
        self._lock = threading.Lock()  # guards the success counts and the recovery map
        self._successes: dict[Group, dict[int, int]] = {}  # group -> Unix minute -> count
        self._last_success: dict[Group, float] = {}
        self._recovered: dict[Group, list[int]] = {}
        # (request id, provider) -> event ids, as tuples of ints: the collector untracks those,
        # where 10,000 lists would be promoted and make full collections (tens of ms, in
        # whichever caller's thread triggers one) more frequent.
        self._failed: OrderedDict[tuple[str, str], tuple[int, ...]] = OrderedDict()
        # Tallies batches whose publish failed, sent again as they were (same batch id).
        self.retry: deque[TallyBatch] = deque()
        self._window_start = datetime.now(UTC)

    def remember_failure(self, request_id: str, provider: str, event_id: int) -> None:
        """A failure that a later success of the same request on `provider` recovers."""
        with self._lock:
            key = (request_id, provider)
            self._failed[key] = (*self._failed.get(key, ()), event_id)
            self._failed.move_to_end(key)
            if len(self._failed) > _MAX_RECOVERY_REQUESTS:
                self._failed.popitem(last=False)

    def count(self, group: Group, request_id: str | None) -> bool:
        """Count one success of `group` now; it recovers the failures of `request_id` on the
        group's provider. False, counted as dropped, when a new group finds no room."""
        now = time.time()
        minute = int(now // 60)
        with self._lock:
            per_minute = self._successes.get(group)
            if per_minute is None:
                if len(self._successes) >= self._max_groups:
                    self._counts["successes_dropped"] += 1
                    return False
                per_minute = self._successes[group] = {}
            per_minute[minute] = per_minute.get(minute, 0) + 1
            self._last_success[group] = now
            if request_id:
                recovered = self._failed.pop((request_id, group[0]), None)
                if recovered:
                    self._recovered.setdefault(group, []).extend(recovered)
        return True

    def keep(self, batch: TallyBatch) -> None:
        """A tallies batch to send again, as it was; the oldest go first past the group bound."""
        retry = self.retry
        retry.append(batch)
        pending = sum(len(b.groups) for b in retry)
        while len(retry) > 1 and pending + len(self._successes) > self._max_groups:
            dropped = retry.popleft()
            pending -= len(dropped.groups)
            self._counts["tally_groups_dropped"] += len(dropped.groups)

    def unsent_groups(self) -> int:
        """Groups counted or waiting to be sent again: what is lost if the process ends now."""
        return sum(len(b.groups) for b in self.retry) + len(self._successes)

    def batches(self) -> Iterator[TallyBatch]:
        """Everything counted since the last call, as batches of at most _TALLY_BYTES of groups
        (made as they are asked for); the counting starts again empty."""
        with self._lock:
            successes, self._successes = self._successes, {}
            last_success, self._last_success = self._last_success, {}
            recovered, self._recovered = self._recovered, {}
            start, self._window_start = self._window_start, datetime.now(UTC)
        end = self._window_start
        batch: list[dict[str, Any]] = []
        size = 0
        for n, part in self._sized_parts(successes, last_success, recovered):
            if batch and size + n > _TALLY_BYTES:
                yield TallyBatch(window_start=start, window_end=end, groups=batch)
                batch, size = [], 0
            batch.append(part)
            size += n
        if batch:
            yield TallyBatch(window_start=start, window_end=end, groups=batch)

    def _sized_parts(
        self,
        successes: dict[Group, dict[int, int]],
        last_success: dict[Group, float],
        recovered: dict[Group, list[int]],
    ) -> list[tuple[int, dict[str, Any]]]:
        """Every group's parts in group order, each with its size in a message's JSON."""
        parts: list[tuple[int, dict[str, Any]]] = []
        for group in sorted(successes.keys() | recovered.keys()):
            per_minute = _recent_minutes(successes.get(group, {}))
            for part in self._group_parts(group, per_minute, last_success, recovered):
                parts.append((len(json.dumps(part)) + 1, part))
        return parts

    def _group_parts(
        self,
        group: Group,
        per_minute: dict[int, int],
        last_success: dict[Group, float],
        recovered: dict[Group, list[int]],
    ) -> list[dict[str, Any]]:
        """A group as contract dicts: the successes in the first, recovered ids split across
        parts. Invalid groups (a model name over 200 characters...) are dropped and counted."""
        provider, model, fingerprint, source = group
        ids = [event_uuid(n) for n in recovered.get(group, [])]
        step = _RECOVERED_PER_PART
        out = []
        for i, chunk_start in enumerate(range(0, max(len(ids), 1), step)):
            first = i == 0
            try:
                g = TallyGroup(
                    source=Source(source),
                    provider=provider,
                    model=model,
                    key_fingerprint=fingerprint,
                    successes_by_minute=per_minute if first else {},
                    last_success_at=datetime.fromtimestamp(last_success[group], UTC)
                    if first and group in last_success
                    else None,
                    recovered_event_ids=ids[chunk_start : chunk_start + step],
                )
            except ValidationError:
                self._counts["dropped_invalid"] += 1
                return []
            out.append(g.model_dump(mode="json", exclude_defaults=True))
        return out


def _recent_minutes(per_minute: dict[int, int]) -> dict[int, int]:
    """A group's counts by minute, without those past _TALLY_MAX_AGE_MIN before its newest (a
    long outage: the last 25 h are enough)."""
    if len(per_minute) <= _TALLY_MAX_AGE_MIN:
        return per_minute
    newest = max(per_minute)
    return {m: n for m, n in per_minute.items() if m > newest - _TALLY_MAX_AGE_MIN}
