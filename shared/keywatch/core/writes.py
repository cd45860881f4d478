"""Which health documents a run writes now, which wait, and when each series is due again. Pure.

A document is written at once when a reader would act differently on it (docs/counting.md,
"What a run writes"):
- its signal changed: a key's state or probe time on a model; a provider's or model's status in
  any window; a key summary's invalid verdict or probe time (its other fields repeat its
  models' documents: they wait);
- a figure a reader ranks by moved by a material margin (`Margins`), in the 1-hour window,
  holding at least `min_requests` requests: the error rate by the largest of 1 point,
  10 % of itself and twice its sampling noise, or the request count by the larger of 10 % and
  twice its Poisson noise (2 sqrt(n));
- it is new, and either busy or without a failure in its hour (a router ranks healthy keys
  with data before keys without, lowest error rate first), or not calm (a key cooling down or
  invalid); every new provider and model document. A new quiet document whose news is a
  failure that left the key healthy waits: that key would rank last among the healthy ones,
  next to keys with no data.
Any other change waits for the document's heartbeat, counted from its last write: 10 minutes for
a busy document (`min_requests` in its hour), 6 hours for a quiet one, whose counts are too
few to rank by and need only stay well inside the readers' 24-hour `max_data_age_s`. A calm key
document whose data is gone is left to Firestore's TTL (`expire_at`); one that is not calm is
deleted at once.

What the run last wrote of each document is kept beside its series as a `Written` record, so
the next run compares against what readers see, not against what it computed last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keywatch.core.health import (
    HOUR_SPAN,
    KeyThresholds,
    Planned,
    Series,
    Summary,
    next_change,
    windows_of,
)

Figures = tuple[tuple[int, int], ...]  # (requests, failures) in the 5m, 1h and 24h windows
_WINDOWS = ("5m", "1h", "24h")
_CALM = frozenset({"healthy", "unknown"})


@dataclass(frozen=True, slots=True)
class Margins:
    """What moves a document at once, and how long any other change may wait."""

    rate_points: float = 0.01  # an error rate moving by 1 point...
    rate_relative: float = 0.10  # ...or by 10 % of itself, whichever is larger
    requests_relative: float = 0.10  # a window's request count moving by 10 %
    min_requests: int = 20  # below this in a window, its figures are noise (Thresholds)
    heartbeat_minutes: int = 10  # a busy document's other changes wait at most this long
    quiet_heartbeat_minutes: int = 360  # a quiet document's
    # A calm key document with no data left is left to Firestore's TTL, not deleted.
    calm_deletes_wait: bool = True


# Write every change at once, delete at once: the rule before margins (the benchmarks'
# reference; tests that pin the arithmetic).
EVERY_CHANGE = Margins(0.0, 0.0, 0.0, 0, 0, 0, calm_deletes_wait=False)


@dataclass(frozen=True, slots=True)
class View:
    """What a reader acts on in a document: its signal (exact) and its figures (by margin)."""

    signal: str
    figures: Figures

    @property
    def calm(self) -> bool:
        return all(part in _CALM for part in self.signal.split("/")[:3] if part)


def view_of(doc: dict[str, Any]) -> View:
    """The view of a key model, key summary, model or provider document."""
    if "models" in doc:  # a key's summary: routers read its invalid verdict and probe time
        verdict = "invalid" if doc["invalid"] else "healthy"
        return View(f"{verdict}/{_at(doc['probe_at'])}", ())
    if "state" in doc:  # a key on a model
        figures = tuple((doc[w]["requests"], doc[w]["failures"]) for w in _WINDOWS)
        return View(f"{doc['state']}/{_at(doc['probe_at'])}", figures)
    figures = tuple((doc[w]["requests"], doc[w]["provider_failures"]) for w in _WINDOWS)
    return View("/".join(doc[w]["status"] for w in _WINDOWS), figures)


def view_of_planned(planned: Planned | None) -> View | None:
    return view_of(planned[1]) if planned is not None else None


def _at(value: datetime | None) -> str:
    """A probe time as a signal, to the millisecond: any move of it is written at once."""
    return str(round(value.timestamp() * 1000)) if value is not None else ""


@dataclass(frozen=True, slots=True)
class Written:
    """What readers have of one document: the digest and view of the version last written, and
    the minute of that write. A document never written has digest "", and `minute` is when its
    first version began to wait."""

    digest: str
    minute: int
    view: View | None = None

    def record(self) -> str:
        if self.view is None:
            return f"{self.digest or '-'} {self.minute}"
        figures = ";".join(f"{r},{f}" for r, f in self.view.figures)
        return f"{self.digest} {self.minute} {figures} {self.view.signal}"


def parse_written(record: str) -> Written | None:
    """A stored record; None for none, or one keywatch did not write as such (a bare digest of
    the layout before margins: its document is rewritten at once)."""
    parts = record.split(" ", 3)
    try:
        minute = int(parts[1]) if len(parts) > 1 else None
    except ValueError:
        return None
    if minute is None:
        return None
    digest = "" if parts[0] == "-" else parts[0]
    if len(parts) < 4:
        return Written(digest, minute)
    try:
        figures = tuple(
            (int(r), int(f)) for r, _, f in (x.partition(",") for x in parts[2].split(";") if x)
        )
    except ValueError:
        return None
    return Written(digest, minute, View(parts[3], figures))


def material(before: Written | None, now: View, m: Margins, new_is_urgent: bool) -> bool:
    """Whether `now` differs from what readers have by enough to write it at once."""
    if before is None or not before.digest or before.view is None:
        # New: a router avoids a key not calm, and ranks healthy keys with data before keys
        # without, lowest error rate first. A quiet key whose news is a failure that left it
        # healthy would rank last among them, next to keys with no data: it waits.
        clean = bool(now.figures) and now.figures[1][1] == 0
        return new_is_urgent or not now.calm or _busy(now, m) or clean
    if before.view.signal != now.signal:
        return True
    # The hour's figures: routers rank healthy keys by the hour's error rate. The 5 minutes'
    # figures move with every minute's noise, and what they decide (a key cooling down, a
    # status) is in the signal; the 24 hours' are for people, who read them at the heartbeat.
    for (r0, f0), (r1, f1) in zip(before.view.figures[1:2], now.figures[1:2], strict=False):
        top = max(r0, r1)
        if top < m.min_requests or top == 0:
            continue
        # A margin is material only past the count's own noise: a Poisson count n varies by
        # about sqrt(n), a rate p over n requests by sqrt(p(1 - p) / n); two of those.
        if abs(r1 - r0) >= max(m.requests_relative * top, 2 * math.sqrt(top)):
            return True
        e0, e1 = (f0 / r0 if r0 else 0.0), (f1 / r1 if r1 else 0.0)
        p = max(e0, e1, 1 / top)
        noise = 2 * math.sqrt(p * (1 - p) / top) if p < 1 else 0.0
        if abs(e1 - e0) >= max(m.rate_points, m.rate_relative * max(e0, e1), noise):
            return True
    return False


def _busy(view: View, m: Margins) -> bool:
    """At least `min_requests` in the hour: the figures a router ranks by mean something."""
    return len(view.figures) > 1 and view.figures[1][0] >= m.min_requests


def heartbeat(view: View, m: Margins) -> int:
    return m.heartbeat_minutes if _busy(view, m) else m.quiet_heartbeat_minutes


@dataclass(frozen=True, slots=True)
class Decision:
    """One document's outcome in a run: `write` it, `delete` it, or neither. `record`: the
    Written record to keep ("" to forget it, None to keep the stored one). `wait_until`: the
    tick by which a change that waits must be written (None: nothing waits)."""

    write: bool = False
    delete: bool = False
    record: str | None = None
    wait_until: int | None = None
    written: Written | None = None  # what readers have after this run
    view: View | None = None  # of the document computed (None when unchanged or gone)
    why: str = ""  # of a write or delete: new, signal, figures, heartbeat, gone


def decide(
    before: Written | None,
    planned: Planned | None,
    end: int,
    m: Margins,
    *,
    new_is_urgent: bool = False,
    calm_deletes_wait: bool | None = None,
) -> Decision:
    """The decision for one document at tick `end` (module doc)."""
    if planned is None:
        if before is None:
            return Decision()
        if not before.digest:
            return Decision(record="")
        wait = m.calm_deletes_wait if calm_deletes_wait is None else calm_deletes_wait
        if wait and before.view is not None and before.view.calm:
            return Decision(record="")  # Firestore's TTL deletes it (expire_at)
        return Decision(delete=True, record="", why="gone")
    digest, content = planned
    if before is not None and before.digest == digest:
        return Decision(written=before)
    now = view_of(content)
    if material(before, now, m, new_is_urgent):
        w = Written(digest, end, now)
        why = (
            "new"
            if before is None or not before.digest or before.view is None
            else ("signal" if before.view.signal != now.signal else "figures")
        )
        return Decision(write=True, record=w.record(), written=w, view=now, why=why)
    since = before.minute if before is not None else end
    due = since + heartbeat(now, m)
    if end >= due:
        w = Written(digest, end, now)
        return Decision(write=True, record=w.record(), written=w, view=now, why="heartbeat")
    if before is None:
        w = Written("", end)
        return Decision(record=w.record(), wait_until=due, written=w, view=now)
    return Decision(wait_until=due, written=before, view=now)


def next_due(
    written: Written | None,
    wait_until: int | None,
    s: Series,
    summary: Summary,
    view: View | None,
    end: int,
    m: Margins,
    kt: KeyThresholds,
) -> int | None:
    """The next tick at which a key series' document must be computed again if no new events
    come (None: never; its series expires).

    A document a reader could see move at a window edge (not calm, busy, or a healthy key whose
    latest outcome is a failure with `cooling_min_requests` in its 5 minutes, which the rate
    rule could cool down as older successes leave) is computed at its next edge. Any other is
    computed only when a change that waits reaches its heartbeat, and when its data is gone:
    without new events its state cannot leave healthy (consecutive failures only age out, the
    5-minute window only shrinks) and its figures stay below `min_requests`."""
    edge = next_change(s, end)
    if edge is None or view is None:
        return wait_until
    five = summary.windows[0]
    state_movable = summary.consecutive > 0 and five.requests >= kt.cooling_min_requests
    movable = not view.calm or _busy(view, m) or state_movable
    if movable:
        if view.calm and not state_movable and written is not None and written.view is not None:
            # Busy and calm, its state fixed until new events: only its figures move. Look a
            # few edges ahead for the first that moves them by a margin.
            edge = _material_edge(s, edge, written, wait_until, view.signal, m)
        return edge if wait_until is None else min(edge, wait_until)
    gone = data_end(s)
    if wait_until is not None:
        return min(wait_until, gone)
    if written is None or not written.digest:
        return gone
    return min(max(edge, written.minute + heartbeat(view, m)), gone)


def _material_edge(
    s: Series, edge: int, written: Written, wait_until: int | None, signal: str, m: Margins
) -> int:
    """The first of the next `_LOOKAHEAD` edges at which the windows' figures move by a margin
    from what readers have, or reach the heartbeat; else the edge after them."""
    beat = written.minute + heartbeat(written.view or View(signal, ()), m)
    t: int | None = edge
    for _ in range(_LOOKAHEAD):
        if t is None:
            return beat if wait_until is None else min(beat, wait_until)
        if t >= beat:
            return t
        five, hour, day = windows_of(s, t)
        now = View(signal, tuple((w.requests, w.failures) for w in (five, hour, day)))
        if material(written, now, m, False):
            return t
        t = next_change(s, t)
    return t if t is not None else beat


_LOOKAHEAD = 4


def data_end(s: Series) -> int:
    """The tick at which nothing of `s` is left in any window (its last hour bucket leaves
    the 24 hours; a minute bucket always has its hour bucket)."""
    hours = [*s.hours, *(mi // 60 for mi in s.minutes)]
    return (max(hours) + HOUR_SPAN) * 60 if hours else 0


__all__ = [
    "EVERY_CHANGE",
    "Decision",
    "Margins",
    "View",
    "Written",
    "data_end",
    "decide",
    "heartbeat",
    "material",
    "next_due",
    "parse_written",
    "view_of",
    "view_of_planned",
]
