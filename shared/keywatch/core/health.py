"""Health arithmetic over counted series: pure functions, no storage.

A series holds the counts of one key on one model, one (provider, model), or one provider, in
minute buckets (the last hour: the 5-minute and 1-hour windows) and hour buckets (the last 24
hours: the 24-hour window). The counting store keeps them; a health run reads only the series
that changed or whose data crossed a window boundary, so its cost grows with what changes, not
with everything counted in 24 hours.

Window edges, exactly:
- `5m`: the minute buckets m with 0 <= end - m < 5, where end is the tick's minute;
- `1h`: the minute buckets with 0 <= end - m < 60;
- `24h`: the hour buckets h with 0 <= end_hour - h < 24: the current hour so far and the 23
  whole hours before it.

Minute and hour indices are Unix minutes and hours (seconds // 60, // 3600), UTC.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from urllib.parse import quote

WINDOWS: dict[str, timedelta] = {
    "5m": timedelta(minutes=5),
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
}
MINUTE_SPAN = 60  # minute buckets kept: the 1-hour window
HOUR_SPAN = 24  # hour buckets kept: the 24-hour window
# A health document not rewritten for this long has had no data for 24 hours: Firestore's TTL
# policy on `expire_at` removes it, should the counting store have lost track of it.
DOC_TTL = timedelta(hours=HOUR_SPAN + 1)
RECENT_FAILURES = 16  # a key series keeps its latest failures to the second (counting.py)


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


class KeyState(StrEnum):
    HEALTHY = "healthy"
    COOLING_DOWN = "cooling_down"  # failing right now: other keys first, a probe after a back-off
    INVALID = "invalid"  # the provider rejected the key: a probe after a back-off, no traffic


@dataclass(frozen=True, slots=True)
class KeyThresholds:
    """The key state machine's numbers (README, "Key states"). Failures count only inside
    the last hour for cooling down, and inside 24 hours for invalid."""

    cooling_consecutive: int = 3  # failures since the last success, in the last hour
    cooling_rate: float = 0.5  # or this error rate over 5 minutes...
    cooling_min_requests: int = 4  # ...with at least this many requests
    # Back-offs before a probe: the first, doubled by every failure since, up to the cap.
    invalid_backoff_s: float = 300.0  # 5 min, 10, 20, ... 6 h
    invalid_backoff_max_s: float = 6 * 3600.0
    cooling_backoff_s: float = 30.0  # 30 s, 1 min, 2, ... 10 min
    cooling_backoff_max_s: float = 600.0


def probe_time(failures: list[float], threshold: int, first: float, cap: float) -> float | None:
    """When a key may be tried again, from its failures since its last success, oldest first:
    `first` after the failure that reached `threshold`; a failure at or after a due probe time
    (a failed probe) doubles the wait, up to `cap`, from that failure. Failures inside a wait
    (requests already in flight, callers that do not ask the router) change nothing."""
    if len(failures) < threshold or threshold < 1:
        return None
    wait = first
    due = failures[threshold - 1] + wait
    for at in failures[threshold:]:
        if at >= due:
            wait = min(cap, wait * 2)
            due = at + wait
    return due


class Counts:
    """One bucket of one series."""

    __slots__ = ("failures", "provider_failures", "recovered", "successes")

    def __init__(
        self,
        successes: int = 0,
        failures: dict[str, int] | None = None,
        provider_failures: int = 0,
        recovered: int = 0,
    ) -> None:
        self.successes = successes
        self.failures: dict[str, int] = failures if failures is not None else {}  # by reason
        self.provider_failures = provider_failures  # failures that count against the provider
        self.recovered = recovered  # of those, recovered by a retry on the same provider

    def __repr__(self) -> str:
        return (
            f"Counts({self.successes}, {self.failures}, {self.provider_failures}, {self.recovered})"
        )


class Kind(StrEnum):
    KEY = "k"  # one key fingerprint on one model
    MODEL = "m"  # one (provider, model), all keys
    PROVIDER = "p"  # one provider: the sum of its models


@dataclass(slots=True)
class Series:
    kind: Kind
    provider: str
    model: str = ""
    key_fingerprint: str = ""
    source: str = ""
    minutes: dict[int, Counts] = field(default_factory=dict)  # Unix minute -> counts
    hours: dict[int, Counts] = field(default_factory=dict)  # Unix hour -> counts
    last_failure: dict[str, float] = field(default_factory=dict)  # key series: reason -> latest
    last_success: float | None = None  # key series: the latest success, epoch s
    # Key series: the latest failures (at most counting.RECENT_FAILURES), (epoch s, reason),
    # oldest first.
    recent: list[tuple[float, str]] = field(default_factory=list)
    digest: str = ""  # of the document last written from it ("" when none was)

    @property
    def sid(self) -> str:
        return series_id(self.kind, self.provider, self.model, self.key_fingerprint)


def series_id(kind: Kind | str, provider: str = "", model: str = "", fingerprint: str = "") -> str:
    """A short, stable id of a series. A key's series live in its key's hash, so theirs only
    tells its models apart; a model series' names its hash."""
    if kind == Kind.KEY:
        return hashlib.blake2b(model.encode(), digest_size=4).hexdigest()
    name = f"m|{provider}|{model}" if kind == Kind.MODEL else f"p|{provider}"
    return hashlib.blake2b(name.encode(), digest_size=8).hexdigest()


def unix_minute(ts: datetime | float) -> int:
    seconds = ts.timestamp() if isinstance(ts, datetime) else ts
    return int(seconds // 60)


def _at_minute(m: int) -> datetime:
    return datetime.fromtimestamp(m * 60, UTC)


# -- windows ------------------------------------------------------------------------------


class Rollup:
    __slots__ = ("failures", "failures_by_reason", "provider_failures", "requests")

    def __init__(self) -> None:
        self.requests = 0
        self.failures = 0
        self.failures_by_reason: dict[str, int] = {}
        self.provider_failures = 0

    def add(self, b: Counts) -> None:
        n_fail = 0
        by_reason = self.failures_by_reason
        for reason, n in b.failures.items():
            n_fail += n
            by_reason[reason] = by_reason.get(reason, 0) + n
        self.requests += b.successes + n_fail
        self.failures += n_fail
        if b.provider_failures > b.recovered:
            self.provider_failures += b.provider_failures - b.recovered

    def merge(self, other: Rollup) -> None:
        self.requests += other.requests
        self.failures += other.failures
        self.provider_failures += other.provider_failures
        for reason, n in other.failures_by_reason.items():
            self.failures_by_reason[reason] = self.failures_by_reason.get(reason, 0) + n

    @property
    def uptime(self) -> float | None:
        """The share of requests the provider did not fail; None with no requests at all."""
        if not self.requests:
            return None
        return 1.0 - self.provider_failures / self.requests

    def reasons(self) -> dict[str, int]:
        by = self.failures_by_reason
        return dict(sorted(by.items())) if len(by) > 1 else dict(by)


def windows_of(s: Series, end: int) -> tuple[Rollup, Rollup, Rollup]:
    """The 5m, 1h and 24h windows of `s` ending at Unix minute `end` (see the module doc)."""
    five, hour, day = Rollup(), Rollup(), Rollup()
    for m, c in s.minutes.items():
        age = end - m
        if 0 <= age < MINUTE_SPAN:
            hour.add(c)
            if age < 5:
                five.add(c)
    end_hour = end // 60
    for h, c in s.hours.items():
        if 0 <= end_hour - h < HOUR_SPAN:
            day.add(c)
    return five, hour, day


def has_data(s: Series, end: int) -> bool:
    """Whether anything of `s` is still inside a window (or ahead of `end`, by clock skew)."""
    end_hour = end // 60
    return any(end_hour - h < HOUR_SPAN for h in s.hours) or any(
        end - m < MINUTE_SPAN for m in s.minutes
    )


def next_change(s: Series, end: int) -> int | None:
    """The next Unix minute after `end` at which a bucket of `s` leaves a window (or a bucket
    ahead of `end` enters one): when its documents must be computed again even with no new
    events. None when nothing is left inside any window."""
    best: int | None = None
    for m in s.minutes:
        edge = m if m > end else m + 5 if m + 5 > end else m + MINUTE_SPAN
        if edge > end and (best is None or edge < best):
            best = edge
    for h in s.hours:
        edge = h * 60 if h * 60 > end else (h + HOUR_SPAN) * 60
        if edge > end and (best is None or edge < best):
            best = edge
    return best


def stale_buckets(s: Series, end: int) -> tuple[list[int], list[int]]:
    """Minute and hour buckets of `s` that no window will ever read again."""
    end_hour = end // 60
    return (
        [m for m in s.minutes if end - m >= MINUTE_SPAN],
        [h for h in s.hours if end_hour - h >= HOUR_SPAN],
    )


@dataclass(slots=True)
class Summary:
    """What a health run needs of one series at one tick (`summarize`)."""

    kind: Kind
    provider: str
    model: str
    key_fingerprint: str
    source: str
    digest: str
    windows: tuple[Rollup, Rollup, Rollup]  # 5m, 1h, 24h
    last_failure: dict[str, float]
    last_success: float | None
    consecutive: int  # failures after the latest success (see _consecutive)
    next_change: int | None
    has_data: bool
    recent: list[tuple[float, str]] = field(default_factory=list)  # the latest failures

    @property
    def sid(self) -> str:
        return series_id(self.kind, self.provider, self.model, self.key_fingerprint)


def summarize(s: Series, end: int) -> Summary:
    horizon = (end + 1) * 60 - HOUR_SPAN * 3600
    last_ok = s.last_success if s.last_success and s.last_success >= horizon else None
    return Summary(
        s.kind, s.provider, s.model, s.key_fingerprint, s.source, s.digest,
        windows_of(s, end), dict(s.last_failure), s.last_success, _consecutive(s, end, last_ok),
        next_change(s, end), has_data(s, end), list(s.recent),
    )  # fmt: skip


# -- provider and model documents -----------------------------------------------------------


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


# Firestore takes document ids of up to 1,500 bytes, and whole document names of up to 6 KiB
# (https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields). A name
# percent-encoded grows up to 12 bytes a character (an emoji): 200 characters could make 2,400.
# An id longer than this is its first bytes and a hash of the whole name, so that every id
# stays far inside the limit and a path has room for two of them; the documents keep the full
# name as a field (`provider`, `model`).
MAX_DOC_ID_BYTES = 200


@lru_cache(maxsize=65_536)
def doc_id(name: str) -> str:
    """A Firestore-safe document id for a provider or model name ("a/b" has a slash): the name
    percent-encoded, at most MAX_DOC_ID_BYTES (a longer one: a prefix, `+`, and a hash;
    percent-encoding never writes a `+`, so no other name's id can be that)."""
    safe = quote(name, safe="")
    if safe in {".", ".."} or safe.startswith("__"):  # reserved ids: escape the first char
        safe = f"%{ord(safe[0]):02X}{safe[1:]}"
    if len(safe) <= MAX_DOC_ID_BYTES:
        return safe
    digest = hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
    cut = MAX_DOC_ID_BYTES - len(digest) - 1
    if "%" in safe[cut - 2 : cut]:  # never split a %XX escape
        cut = safe.rindex("%", cut - 2, cut)
    return f"{safe[:cut]}+{digest}"


# A planned document: its content digest (`as_of` and `expire_at` excluded) and its content.
# A run writes it only when the digest differs from the one it last wrote.
Planned = tuple[str, dict[str, Any]]


def _digest(facts: tuple[Any, ...]) -> str:
    return hashlib.blake2b(repr(facts).encode(), digest_size=8).hexdigest()


def _rollup_window(r: Rollup, t: Thresholds) -> dict[str, Any]:
    return {
        "requests": r.requests,
        "failures": r.failures,
        "failures_by_reason": r.reasons(),
        "provider_failures": r.provider_failures,
        "uptime": r.uptime,
        "status": status_of(r, t).value,
    }


def _rollup_doc(provider: str, model: str | None, ws: tuple[Rollup, ...], t: Thresholds) -> Planned:
    out: dict[str, Any] = {"provider": provider}
    if model is not None:
        out["model"] = model
    for name, r in zip(WINDOWS, ws, strict=True):
        out[name] = _rollup_window(r, t)
    out["status"] = out["5m"]["status"]
    facts = tuple((r.requests, r.failures, r.provider_failures, r.reasons()) for r in ws)
    return _digest((provider, model, t, facts)), out


def provider_documents(
    provider: str, models: Iterable[Summary], t: Thresholds
) -> tuple[list[tuple[Summary, Planned | None]], Planned | None]:
    """The documents of one provider: each model's (None once it has nothing left in a
    window), and the provider's own, the sum of its models (None when none has data)."""
    totals = (Rollup(), Rollup(), Rollup())
    per_model: list[tuple[Summary, Planned | None]] = []
    live = 0
    for s in models:
        if not s.has_data:
            per_model.append((s, None))
            continue
        live += 1
        ws = s.windows
        for total, w in zip(totals, ws, strict=True):
            total.merge(w)
        per_model.append((s, _rollup_doc(provider, s.model, ws, t)))
    return per_model, (_rollup_doc(provider, None, totals, t) if live else None)


def provider_path(
    provider: str, model: str | None = None, collection: str = "provider_health"
) -> str:
    if model is None:
        return f"{collection}/{doc_id(provider)}"
    return f"{collection}/{doc_id(provider)}/models/{doc_id(model)}"


# -- key documents ----------------------------------------------------------------------------


def _recent_after(
    s: Summary | Series, start: float, last_ok: float | None
) -> tuple[list[float], bool]:
    """The failures at or after `start` and after the last success, to the second, and whether
    that list is complete (False: the series kept only its latest RECENT_FAILURES, all of them
    after both, so more may have come before)."""
    after = [at for at, _ in s.recent if at >= start and (last_ok is None or at > last_ok)]
    complete = len(s.recent) < RECENT_FAILURES or len(after) < len(s.recent)
    return after, complete


def _consecutive(s: Series, end: int, last_ok: float | None) -> int:
    """Failed attempts after the key's last success on this model, inside the last hour,
    ordered by their time to the second. Past the RECENT_FAILURES the series keeps, the minute
    buckets after the success's minute say how many more."""
    start = float((end - MINUTE_SPAN + 1) * 60)
    after, complete = _recent_after(s, start, last_ok)
    if complete:
        return len(after)
    ok_minute = int(last_ok // 60) if last_ok is not None else -1
    buckets = sum(
        sum(c.failures.values())
        for m, c in s.minutes.items()
        if m > ok_minute and end - m < MINUTE_SPAN
    )
    return max(len(after), buckets)


def key_path(fingerprint: str, model: str | None = None, collection: str = "key_health") -> str:
    if model is None:
        return f"{collection}/{fingerprint}"
    return f"{collection}/{fingerprint}/models/{doc_id(model)}"


def _key_window(r: Rollup) -> dict[str, Any]:
    return {
        "requests": r.requests,
        "failures": r.failures,
        "error_rate": r.failures / r.requests if r.requests else None,
        "failures_by_reason": r.reasons(),
    }


@dataclass(frozen=True, slots=True)
class KeyFacts:
    """What makes a key invalid on every model, inside the last 24 hours: its latest
    invalid_key failure, its latest success, and the invalid_key failures since that success
    that its series still hold to the second (for the probe's back-off)."""

    last_invalid: float | None
    last_ok: float | None
    invalid_times: tuple[float, ...] = ()

    @property
    def invalid(self) -> bool:
        li, ok = self.last_invalid, self.last_ok
        return li is not None and (ok is None or li > ok)

    @property
    def invalid_failures(self) -> int:
        return max(len(self.invalid_times), 1) if self.invalid else 0

    def probe_at(self, t: KeyThresholds) -> float | None:
        """When an invalid key may be tried again (None when it is not invalid)."""
        if not self.invalid or self.last_invalid is None:
            return None
        times = sorted({*self.invalid_times, self.last_invalid})
        return probe_time(times, 1, t.invalid_backoff_s, t.invalid_backoff_max_s)


def key_facts(
    pairs: list[tuple[float | None, float | None]],
    end: int,
    recent: Iterable[list[tuple[float, str]]] = (),
) -> KeyFacts:
    """From each live series' (latest invalid_key failure, latest success) and its latest
    failures (`recent`: the invalid_key ones since the success time the back-off)."""
    horizon = (end + 1) * 60 - HOUR_SPAN * 3600
    invalid = [li for li, _ in pairs if li is not None and li >= horizon]
    oks = [ok for _, ok in pairs if ok is not None and ok >= horizon]
    last_ok = max(oks, default=None)
    times = sorted(
        at
        for entries in recent
        for at, reason in entries
        if reason == "invalid_key" and at >= horizon and (last_ok is None or at > last_ok)
    )
    return KeyFacts(max(invalid, default=None), last_ok, tuple(times))


def key_facts_from(
    last_invalid: float | None,
    last_success: float | None,
    invalid_times: Iterable[float],
    end: int,
) -> KeyFacts:
    """A key's facts from its key-wide fields (the counting store's `li`, `ls`, `ti`): the
    same as `key_facts` over all its series, inside the last 24 hours."""
    horizon = (end + 1) * 60 - HOUR_SPAN * 3600
    li = last_invalid if last_invalid is not None and last_invalid >= horizon else None
    ok = last_success if last_success is not None and last_success >= horizon else None
    times = tuple(sorted(t for t in invalid_times if t >= horizon and (ok is None or t > ok)))
    return KeyFacts(li, ok, times)


def key_documents(
    series: Iterable[Summary],
    end: int,
    t: KeyThresholds,
    facts: KeyFacts | None = None,
    others: dict[str, str] | None = None,
    fingerprint: str = "",
) -> tuple[list[tuple[Summary, Planned | None]], Planned | None]:
    """The documents of a key's series (None for one with nothing left in a window), and the
    key's summary (None when no model has data).

    Every failed attempt counts against its key for that model only (retries and rate limits
    included: the router wants to know this key is failing). An invalid_key failure later than
    the key's last success, on any model, makes the key invalid for every model, until a
    success; a probe is due after a back-off that doubles with every invalid_key failure since
    that success. A key cools down on one model after recent failures there, with its own
    probe back-off. Latest failures and successes count inside the last 24 hours.

    A run computes only the series that changed; `facts` are then the key's over all its
    series, and `others` the states of the ones not computed (by document id of the model).
    Without them, `series` is the whole key.
    """
    all_series = list(series)
    if facts is None:
        facts = _facts_of_live(all_series, end)
    invalid_probe = facts.probe_at(t)
    out: list[tuple[Summary, Planned | None]] = []
    states: dict[str, str] = dict(others or {})
    fp = fingerprint
    for s in sorted(all_series, key=lambda s: s.model):
        fp = s.key_fingerprint
        if not s.has_data:
            out.append((s, None))
            states.pop(doc_id(s.model), None)
            continue
        planned, state = _model_document(s, end, t, facts, invalid_probe)
        out.append((s, planned))
        states[doc_id(s.model)] = state.value
    if not states or not fp:
        return out, None
    return out, _key_summary(fp, states, facts, invalid_probe)


def _facts_of_live(series: list[Summary], end: int) -> KeyFacts:
    """The key's facts over those of `series` with data left in a window."""
    live = [s for s in series if s.has_data]
    return key_facts(
        [(s.last_failure.get("invalid_key"), s.last_success) for s in live],
        end,
        [s.recent for s in live],
    )


def _model_document(
    s: Summary, end: int, t: KeyThresholds, facts: KeyFacts, invalid_probe: float | None
) -> tuple[Planned, KeyState]:
    """The key's document for one model with data, and the key's state on that model."""
    horizon = (end + 1) * 60 - HOUR_SPAN * 3600
    ws = s.windows
    latest = max(((ts, r) for r, ts in s.last_failure.items() if ts >= horizon), default=None)
    last_ok = s.last_success if s.last_success and s.last_success >= horizon else None
    consecutive = s.consecutive
    five = ws[0]
    state = _key_state(
        five.requests,
        five.failures / five.requests if five.requests else None,
        consecutive,
        facts.last_invalid,
        facts.last_ok,
        t,
    )
    probe: float | None = None
    if state is KeyState.INVALID:
        probe = invalid_probe
    elif state is KeyState.COOLING_DOWN and latest is not None:
        probe = _cooling_probe(s, latest[0], last_ok, end, t)
    facts_of_doc = (
        s.provider, s.source, s.model, latest, last_ok, consecutive, state.value, probe,
        *((r.requests, r.failures, *sorted(r.failures_by_reason.items())) for r in ws),
    )  # fmt: skip
    doc = {
        "key_fingerprint": s.key_fingerprint,
        "model": s.model,
        "provider": s.provider,
        "source": s.source,
        "5m": _key_window(ws[0]),
        "1h": _key_window(ws[1]),
        "24h": _key_window(ws[2]),
        "last_error_at": datetime.fromtimestamp(latest[0], UTC) if latest else None,
        "last_reason": latest[1] if latest else None,
        "last_success_at": datetime.fromtimestamp(last_ok, UTC) if last_ok else None,
        # Failed attempts after the last success on this model, in the last hour.
        "consecutive_failures": consecutive,
        "state": state.value,
        # When a router may try the key again on this model (invalid: the key's probe).
        "probe_at": datetime.fromtimestamp(probe, UTC) if probe else None,
    }
    return (_digest(facts_of_doc), doc), state


def _cooling_probe(
    s: Summary, latest_at: float, last_ok: float | None, end: int, t: KeyThresholds
) -> float | None:
    """When a key cooling down on one model may be tried there again: None unless its latest
    failure is inside the last hour."""
    hour_start = float((end - MINUTE_SPAN + 1) * 60)
    if latest_at < hour_start:
        return None
    after, _ = _recent_after(s, hour_start, last_ok)
    # By rate (fewer than the threshold since the success): from the latest failure.
    threshold = min(t.cooling_consecutive, len(after)) or 1
    times = after or [latest_at]
    return probe_time(times, threshold, t.cooling_backoff_s, t.cooling_backoff_max_s)


def _key_summary(
    fp: str, states: dict[str, str], facts: KeyFacts, invalid_probe: float | None
) -> Planned:
    """The key's own document: whether it is invalid, its probe time, and its state on each
    model (`states`, by document id of the model)."""
    worst = next(
        (st for st in (KeyState.INVALID, KeyState.COOLING_DOWN) if st.value in states.values()),
        KeyState.HEALTHY,
    )
    models = dict(sorted(states.items()))
    li = facts.last_invalid if facts.invalid else None
    summary = {
        "key_fingerprint": fp,
        # The key-wide verdict: invalid holds for every model until a success or a probe
        # succeeds. Per-model states are primary: `models` and each models/ document.
        "invalid": facts.invalid,
        "last_invalid_at": datetime.fromtimestamp(li, UTC) if li else None,
        "invalid_failures": facts.invalid_failures if facts.invalid else 0,
        "probe_at": datetime.fromtimestamp(invalid_probe, UTC) if invalid_probe else None,
        "models": models,
        "worst_model_state": worst.value,
    }
    digest = _digest((fp, worst.value, tuple(models.items()), facts.invalid, li, invalid_probe))
    return digest, summary


def _key_state(
    requests: int,
    error_rate: float | None,
    consecutive: int,
    last_invalid: float | None,
    last_ok: float | None,
    t: KeyThresholds,
) -> KeyState:
    if last_invalid is not None and (last_ok is None or last_invalid > last_ok):
        return KeyState.INVALID
    if consecutive >= t.cooling_consecutive:
        return KeyState.COOLING_DOWN
    # By rate, only while the latest outcome is a failure: a success restores the key at once.
    busy = requests >= t.cooling_min_requests and consecutive > 0
    failing = error_rate is not None and error_rate >= t.cooling_rate
    return KeyState.COOLING_DOWN if busy and failing else KeyState.HEALTHY


def stamped(doc: dict[str, Any], end: int) -> dict[str, Any]:
    """The document as written: `as_of`, the tick it was computed for, and `expire_at`, for
    Firestore's TTL policy (a backstop: the run deletes it itself once its data is gone)."""
    as_of = _at_minute(end)
    return {**doc, "as_of": as_of, "expire_at": as_of + DOC_TTL}
