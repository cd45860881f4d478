"""health: turn the series that changed into provider, model and key documents.

A run for tick `end` (a Unix minute) computes only what is due: keys and rollups with new
counts since the last run, and those with a bucket crossing a window edge by `end`. Of those,
it writes only the documents whose content changed, deletes the documents of series with
nothing left in any window, and schedules each series' next window change. Its cost follows
what changed, not what was counted in 24 hours.

Runs are serialised by a lock in the counting store; a run for an older tick than one already
run does nothing, so a late or redelivered tick never overwrites newer documents. A run that
fails half-way leaves its due work for the next one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from keywatch.core.counting import MAX_SKEW_S, KeyRead, stale
from keywatch.core.daily import SliPoint, daily, day_document, day_of_hour, sli_points
from keywatch.core.health import (
    KeyFacts,
    KeyThresholds,
    Planned,
    Summary,
    Thresholds,
    doc_id,
    key_documents,
    key_facts_from,
    key_path,
    provider_documents,
    provider_path,
    stamped,
    summarize,
    unix_minute,
)
from keywatch.core.writes import (
    Decision,
    Margins,
    decide,
    next_due,
    parse_written,
    view_of_planned,
)
from keywatch_functions.errors import TransientError
from keywatch_functions.ports import (
    Commit,
    Corroborator,
    CountSource,
    HealthDocs,
    IncidentRecord,
    IncidentSource,
    SliSink,
)
from keywatch_functions.settings import default

_KEYS_PER_CHUNK = 200


@dataclass(frozen=True, slots=True)
class HealthDeps:
    counts: CountSource
    docs: HealthDocs
    thresholds: Thresholds = field(default_factory=Thresholds)
    key_thresholds: KeyThresholds = field(default_factory=KeyThresholds)
    # What is written at once and what waits for a heartbeat (core/writes.py).
    margins: Margins = field(default_factory=Margins)
    provider_collection: str = default("provider_health_collection")
    key_collection: str = default("key_health_collection")
    # Firestore ramps a collection up from 500 writes/s ("500/50/5",
    # https://cloud.google.com/firestore/docs/best-practices#ramping_up_traffic): a run writes
    # at most this many documents, and leaves the rest due for the next run.
    max_writes: int = default("health_max_writes")
    # The function's timeout (infra/topology.tf, 540 s): a run cut off there holds the lock no
    # longer than its request could have lasted.
    lock_ttl_s: int = 540
    clock: Callable[[], float] = time.time
    # Each provider's days (the status page's 90-day bar, `keywatch slo`'s 3-day window):
    # {days_collection}/{provider}/days/{YYYY-MM-DD} (core/daily.py).
    days_collection: str = default("provider_days_collection")
    # The availability SLI for the SLOs (infra/slo.tf): None, not exported. `slo_models`
    # ("provider/model") get series of their own beside their provider's.
    sli: SliSink | None = None
    slo_models: frozenset[str] = frozenset()
    # What this instance last wrote of each day's document, "<totals> <minute>": unchanged
    # totals are not written again (a new instance writes each once).
    days_written: dict[str, str] = field(default_factory=dict)
    # Suspected provider incidents (notify's guard opens them): each open one is checked
    # against the provider's own status feed, and every recent one is written for the status
    # page at {incidents_collection}/{id}. None: not kept.
    incidents: IncidentSource | None = None
    feeds: Corroborator | None = None
    incidents_collection: str = default("incidents_collection")
    incidents_written: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RunResult:
    outcome: str  # "ran", "busy" (another run holds the lock), "stale" (a later tick ran)
    as_of: int = 0
    counted_since: str = ""
    keys: int = 0  # keys read
    series: int = 0  # key series computed (changed, or due: a material edge, a heartbeat)
    rollups: int = 0  # provider and model series computed
    written: int = 0
    deleted: int = 0
    unchanged: int = 0
    waiting: int = 0  # documents changed, but not materially: written at their heartbeat
    # Writes and deletes by why (core/writes.Decision.why), and by kind of document.
    why: dict[str, int] = field(default_factory=dict)
    left_due: int = 0  # keys and rollups left for the next run (write budget spent)
    # Documents Firestore refused for good (path, why): skipped, logged, not retried until
    # their content changes.
    rejected: list[tuple[str, str]] = field(default_factory=list)
    sli_series: int = 0  # SLI points exported (two series each)
    sli_error: str = ""  # why the export failed (the next run writes the totals again)
    incidents: int = 0  # recent suspected incidents (open and closed)
    # Incidents whose corroboration by the provider's feed changed in this run: logged.
    corroborations: list[dict[str, Any]] = field(default_factory=list)


def run_health(now: datetime, deps: HealthDeps) -> RunResult:
    end = unix_minute(now)
    # A stored high-water mark beyond this is not a later tick but a poisoned one (a forged or
    # skewed tick before ticks were bounded): it is overwritten, never obeyed.
    ceiling = unix_minute(deps.clock() + MAX_SKEW_S)
    began = deps.counts.begin_run(end, deps.lock_ttl_s, ceiling)
    if isinstance(began, str):
        return RunResult(outcome=began, as_of=end)
    lock, since = began
    result = RunResult(outcome="ran", as_of=end, counted_since=since)
    try:
        due, sids = deps.counts.take_due(end)
        fps = list(due)
        for start in range(0, len(fps), _KEYS_PER_CHUNK):
            if result.written >= deps.max_writes:
                result.left_due += len(fps) - start
                break
            chunk = {fp: due[fp] for fp in fps[start : start + _KEYS_PER_CHUNK]}
            _keys(chunk, end, deps, result)
        points: list[SliPoint] = []
        for start in range(0, len(sids), 10):
            if result.written >= deps.max_writes:
                result.left_due += len(sids) - start
                break
            points += _providers(sids[start : start + 10], end, deps, result)
    finally:
        deps.counts.end_run(lock)
    if deps.incidents is not None:
        _incidents(deps, end, result)
    if deps.sli is not None and points:
        # After the documents and outside the lock: a failed export is made good by the next
        # run's totals (cumulative since midnight), so it never fails the run.
        try:
            deps.sli.write(points)
            result.sli_series = len(points)
        except TransientError as exc:
            result.sli_error = str(exc)[:500]
    return result


def _keys(due: dict[str, list[str]], end: int, deps: HealthDeps, result: RunResult) -> None:
    """Compute the key series that are due, and their keys' summaries: every series of a key
    only when its invalid flag changes (its verdict, or its probe time while invalid: both
    hold for every model)."""
    plan = _Plan(Commit())
    for fp, read in deps.counts.read_keys(due).items():
        result.keys += 1
        plan.commit.done_keys += [(fp, sid) for sid in due[fp]]
        _key(fp, read, end, deps, plan, result)
    plan.flush(deps, result)


def _key(
    fp: str, read: KeyRead, end: int, deps: HealthDeps, plan: _Plan, result: RunResult
) -> None:
    c, m, kt = plan.commit, deps.margins, deps.key_thresholds
    facts = key_facts_from(read.last_invalid, read.last_success, read.invalid_times, end)
    flag = _invalid_flag(facts, kt)
    series = dict(read.series)
    if flag != read.invalid:
        extra = [sid for sid in read.states if sid not in series]
        if extra:
            series.update(deps.counts.read_series(fp, extra))
    others = {
        model: state
        for sid, (state, model) in read.states.items()
        if sid not in series and state and model
    }
    loaded = [(sid, s) for sid, s in series.items() if s is not None]
    gone = [sid for sid, s in series.items() if s is None and sid in read.states]
    for sid, s in series.items():
        if s is None:  # expired, or never a series: nothing left to schedule
            c.due_keys[(fp, sid)] = None
    summaries = [summarize(s, end) for _, s in loaded]
    result.series += len(summaries)
    per_model, summary = key_documents(summaries, end, kt, facts, others, fingerprint=fp)
    by_sid = {sm.sid: doc for sm, doc in per_model}
    states: dict[str, tuple[str, str]] = {}
    for (sid, s), sm in zip(loaded, summaries, strict=True):
        doc = by_sid.get(s.sid)
        d = plan.decide(
            parse_written(s.digest), doc, key_path(fp, s.model, deps.key_collection), end, m
        )
        if d.record is not None:
            c.key_series_records[(fp, sid)] = d.record
        if st := stale(s, end):
            c.key_stale[(fp, sid)] = st
        if doc is None:
            gone.append(sid)
            c.due_keys[(fp, sid)] = None
            continue
        state = (str(doc[1]["state"]), doc_id(s.model))
        if read.states.get(sid) != state:
            states[sid] = state
        c.due_keys[(fp, sid)] = next_due(
            d.written, d.wait_until, s, sm, d.view or view_of_planned(doc), end, m, kt
        )
    if states:
        c.series_states[fp] = states
    if gone:
        c.gone_series[fp] = gone
    d = plan.decide(
        parse_written(read.record), summary, key_path(fp, None, deps.key_collection), end, m
    )
    if d.record is not None:
        c.key_records[fp] = d.record
    if flag != read.invalid:
        c.invalid_flags[fp] = flag
    c.due_keys[(fp, "")] = d.wait_until


def _providers(
    providers: list[str], end: int, deps: HealthDeps, result: RunResult
) -> list[SliPoint]:
    plan = _Plan(Commit(done_rollups=list(providers)))
    coll = deps.provider_collection
    points: list[SliPoint] = []
    at = int(deps.clock())
    for provider, (provider_digest, models) in deps.counts.read_providers(providers).items():
        # Today's and yesterday's totals: a small document each, rewritten by each run that
        # computes the provider (at most once a minute: inside Firestore's one write per
        # second per document).
        today = day_of_hour(end // 60)
        for date, r in daily(models, end).items():
            path = f"{deps.days_collection}/{doc_id(provider)}/days/{date}"
            totals = f"{r.requests}/{r.failures}/{r.provider_failures}"
            last, _, when = deps.days_written.get(path, "").partition(" ")
            if last == totals:
                continue
            # Today's totals change every minute: written at the busy heartbeat (the 90-day
            # bar and `keywatch slo` read days); a past day's last counts at once.
            if date != today or not when or end - int(when) >= deps.margins.heartbeat_minutes:
                plan.writes[path] = day_document(provider, date, r, end)
                plan.days[path] = f"{totals} {end}"
        points += sli_points(provider, models, end, at, deps.slo_models)
        result.rollups += 1 + len(models)
        summaries = [summarize(s, end) for s in models]
        per_model, total = provider_documents(provider, summaries, deps.thresholds)
        waits: list[int] = []
        for (sm, doc), s in zip(per_model, models, strict=True):
            path = provider_path(provider, sm.model, coll)
            d = plan.decide(parse_written(sm.digest), doc, path, end, deps.margins, rollup=True)
            if d.record is not None:
                plan.commit.series_digests[sm.sid] = d.record
            if d.wait_until is not None:
                waits.append(d.wait_until)
            if st := stale(s, end):
                plan.commit.series_stale[sm.sid] = st
            if doc is not None:
                plan.commit.alive_series.append(sm.sid)
        path = provider_path(provider, None, coll)
        d = plan.decide(parse_written(provider_digest), total, path, end, deps.margins, rollup=True)
        if d.record is not None:
            plan.commit.provider_digests[provider] = d.record
        if d.wait_until is not None:
            waits.append(d.wait_until)
        plan.commit.due_rollups[provider] = min(
            [t for t in (_due(summaries), *waits) if t is not None], default=None
        )
        if total is not None:
            plan.commit.alive_providers.append(provider)
    plan.flush(deps, result)
    return points


def _incidents(deps: HealthDeps, end: int, result: RunResult) -> None:
    """Each recent incident's document; an open one asks its provider's feed first (bounded
    and cached by the feed client: a down or slow feed costs this run its timeout, once a
    minute at most, and never touches notify's decisions)."""
    assert deps.incidents is not None
    writes: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    for inc in deps.incidents.recent(end * 60):
        result.incidents += 1
        doc = _incident_document(inc, deps.feeds if inc.open else None)
        path = f"{deps.incidents_collection}/{doc_id(inc.id)}"
        state = f"{inc.open}|{doc['confirmed_by_provider']}|{doc['provider_title']}"
        before = deps.incidents_written.get(path)
        if before != state:
            writes[path] = doc
            seen[path] = state
            was = before.split("|")[1] if before else None
            if inc.open and str(doc["confirmed_by_provider"]) != was:
                result.corroborations.append(
                    {k: v for k, v in doc.items() if k not in ("opened_at", "checked_at")}
                )
    if writes:
        result.rejected += deps.docs.write(writes)
        result.written += len(writes)
        deps.incidents_written.update(seen)


def _incident_document(inc: IncidentRecord, feeds: Corroborator | None) -> dict[str, Any]:
    c = feeds.corroborate(inc.provider) if feeds is not None else None
    return {
        "id": inc.id,
        "provider": inc.provider,
        "reason": inc.reason,
        "opened_at": datetime.fromtimestamp(inc.opened_minute * 60, UTC),
        "open": inc.open,
        "distinct_keys": inc.distinct_keys,
        "baseline_per_minute": inc.baseline_per_minute,
        "threshold": inc.threshold,
        # true: the provider reports an incident; false: it says all is well; None: unknown
        # (no feed, or it could not be read).
        "confirmed_by_provider": getattr(c, "confirmed", None),
        "provider_title": getattr(c, "title", None),
        "provider_link": getattr(c, "link", None),
        "feed_why": getattr(c, "why", None),
        "checked_at": getattr(c, "checked_at", None),
        # Firestore's TTL policy removes it a day after it leaves the 7 days the page shows.
        "expire_at": datetime.fromtimestamp(inc.opened_minute * 60, UTC) + timedelta(days=8),
    }


def _invalid_flag(facts: KeyFacts, kt: KeyThresholds) -> str:
    """What every model's document of a key shows alike: "0", or while the key is invalid "1"
    and its probe time (ms). An invalid_key failure on one model moves the probe of all: when
    the flag changes, every series of the key is computed, not only the due ones."""
    if not facts.invalid:
        return "0"
    probe = facts.probe_at(kt)
    return f"1 {round(probe * 1000)}" if probe is not None else "1"


def _due(summaries: list[Summary]) -> int | None:
    changes = [s.next_change for s in summaries if s.next_change is not None]
    return min(changes) if changes else None


@dataclass(slots=True)
class _Plan:
    """The writes, deletes and store updates of one chunk."""

    commit: Commit
    writes: dict[str, dict[str, Any]] = field(default_factory=dict)
    deletes: list[str] = field(default_factory=list)
    unchanged: int = 0
    waiting: int = 0
    why: dict[str, int] = field(default_factory=dict)
    days: dict[str, str] = field(default_factory=dict)  # day documents planned: their totals

    def decide(
        self,
        before: Any,
        doc: Planned | None,
        path: str,
        end: int,
        margins: Margins,
        *,
        rollup: bool = False,
    ) -> Decision:
        """Plan one document against what readers have of it (core/writes.py): provider and
        model documents are few, so a new one is written at once and a gone one deleted."""
        d = decide(
            before,
            doc,
            end,
            margins,
            new_is_urgent=rollup,
            calm_deletes_wait=False if rollup else None,
        )
        if d.write or d.delete:
            kind = ("rollup " if rollup else "key ") + d.why
            self.why[kind] = self.why.get(kind, 0) + 1
        if d.write and doc is not None:
            self.writes[path] = stamped(doc[1], end)
        elif d.delete:
            self.deletes.append(path)
        elif d.wait_until is not None:
            self.waiting += 1
        else:
            self.unchanged += 1
        return d

    def flush(self, deps: HealthDeps, result: RunResult) -> None:
        """Documents first, then the digests: a failure in between rewrites, never skips."""
        if self.writes or self.deletes:
            result.rejected += deps.docs.write(self.writes, self.deletes)
        if len(deps.days_written) > 50_000:
            deps.days_written.clear()
        deps.days_written.update(self.days)
        result.written += len(self.writes)
        result.deleted += len(self.deletes)
        result.unchanged += self.unchanged
        result.waiting += self.waiting
        for k, n in self.why.items():
            result.why[k] = result.why.get(k, 0) + n
        deps.counts.commit(self.commit)


__all__ = ["HealthDeps", "RunResult", "run_health"]
