"""What a health run writes now, what waits, and when a series is due again (core/writes.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from keywatch.core.health import Counts, KeyThresholds, Kind, Series, summarize
from keywatch.core.writes import (
    EVERY_CHANGE,
    Margins,
    View,
    Written,
    data_end,
    decide,
    material,
    next_due,
    parse_written,
    view_of,
)

M = Margins()
END = 29_000_000  # a Unix minute


def key_doc(
    state: str = "healthy", r1: int = 100, f1: int = 2, probe: Any = None
) -> dict[str, Any]:
    w = {"requests": r1, "failures": f1}
    return {"state": state, "probe_at": probe, "5m": w, "1h": w, "24h": w}


def written(doc: dict[str, Any], minute: int = END - 1, digest: str = "d0") -> Written:
    return Written(digest, minute, view_of(doc))


@pytest.mark.parametrize(
    ("before", "after", "is_material"),
    [
        ((100, 2), (100, 2), False),
        ((100, 2), (105, 2), False),  # 5 % more requests
        ((400, 8), (460, 9), True),  # 15 % more, past 2 sqrt(n) = 43
        ((100, 2), (125, 2), True),  # 25 %, past 2 sqrt(n) = 22
        ((100, 2), (100, 9), True),  # 2 % to 9 %: past 1 point and the noise (5.6 points)
        ((100, 2), (100, 4), False),  # 2 % to 4 %: inside the sampling noise of 100 requests
        ((10, 0), (15, 5), False),  # fewer than min_requests: noise
    ],
)
def test_figures_are_material_past_their_margin_and_their_noise(
    before: tuple[int, int], after: tuple[int, int], is_material: bool
) -> None:
    """Request counts by 10 % and 2 sqrt(n), error rates by 1 point, 10 % and twice their
    sampling noise, only over min_requests."""
    b = written(key_doc(r1=before[0], f1=before[1]))
    assert material(b, view_of(key_doc(r1=after[0], f1=after[1])), M, False) is is_material


def test_a_signal_change_is_material_whatever_the_figures() -> None:
    """State and probe time are exact: one failure that cools a key down is written at once."""
    b = written(key_doc())
    assert material(b, view_of(key_doc("cooling_down", probe=datetime.now(UTC))), M, False)


def test_a_new_document_is_written_at_once_only_when_busy_or_not_calm() -> None:
    """A first failure that leaves a quiet key healthy waits; a busy key, a quiet key without
    failures, a key cooling down, or any provider or model document is written in its tick."""
    quiet, busy, clean = key_doc(r1=3, f1=1), key_doc(r1=50, f1=1), key_doc(r1=3, f1=0)
    assert decide(None, ("d1", quiet), END, M).wait_until == END + M.quiet_heartbeat_minutes
    assert decide(None, ("d1", clean), END, M).write  # ranked first among healthy keys
    assert decide(None, ("d1", busy), END, M).write
    assert decide(None, ("d1", key_doc("cooling_down", r1=3, f1=3)), END, M).write
    assert decide(None, ("d1", quiet), END, M, new_is_urgent=True).write


def test_a_change_that_waits_is_written_at_its_heartbeat_from_the_last_write() -> None:
    """Busy: 10 minutes after the last write; the record kept meanwhile is the written one."""
    before = written(key_doc(r1=100, f1=2), minute=END)
    drift = ("d2", key_doc(r1=102, f1=2))
    d = decide(before, drift, END + 3, M)
    assert (d.write, d.wait_until, d.record) == (False, END + 10, None)
    d = decide(before, drift, END + 10, M)
    assert d.write and d.why == "heartbeat"
    assert parse_written(d.record or "") == Written("d2", END + 10, view_of(drift[1]))


def test_every_change_writes_at_once() -> None:
    """EVERY_CHANGE is the rule before margins: any new digest is written in its tick."""
    before = written(key_doc(r1=100, f1=2), minute=END)
    assert decide(before, ("d2", key_doc(r1=101, f1=2)), END + 1, EVERY_CHANGE).write
    assert decide(None, ("d2", key_doc(r1=1, f1=1)), END, EVERY_CHANGE).write


def test_a_gone_document_is_left_to_the_ttl_when_calm_and_deleted_when_not() -> None:
    """A healthy key's document with no data left costs no write (Firestore's TTL removes it);
    one a router avoids is deleted at once, and so is any provider or model document."""
    calm, hot = written(key_doc()), written(key_doc("invalid", probe=datetime.now(UTC)))
    assert decide(calm, None, END, M) == decide(calm, None, END, M, calm_deletes_wait=True)
    assert (decide(calm, None, END, M).delete, decide(calm, None, END, M).record) == (False, "")
    assert decide(hot, None, END, M).delete
    assert decide(calm, None, END, M, calm_deletes_wait=False).delete


@pytest.mark.parametrize("record", ["", "abc", "abc xyz", "abc 12 1,2;x healthy/", "abc 12 1,2"])
def test_a_record_keywatch_did_not_write_reads_as_nothing_written(record: str) -> None:
    """A bare digest (the layout before margins) or garbage: its document is rewritten."""
    w = parse_written(record)
    assert w is None or w.view is None or w.view.figures == ((1, 2),)


def test_records_round_trip() -> None:
    """What a run stores is what the next run reads."""
    w = Written("d", END, View("cooling_down/1765000000", ((4, 3), (10, 3), (40, 5))))
    assert parse_written(w.record()) == w
    assert parse_written(Written("", END).record()) == Written("", END)


def series(minutes: dict[int, tuple[int, int]]) -> Series:
    s = Series(Kind.KEY, "openai", "gpt-4o", "kf_" + "0" * 16, "byok")
    for m, (ok, failed) in minutes.items():
        s.minutes[m] = Counts(ok, {"server_error": failed} if failed else {})
        h = s.hours.setdefault(m // 60, Counts())
        h.successes += ok
        if failed:
            h.failures["server_error"] = h.failures.get("server_error", 0) + failed
    if any(f for _, f in minutes.values()):
        last = max(m for m, (_, f) in minutes.items() if f)
        s.last_failure["server_error"] = last * 60 + 30.0
        s.recent = [(last * 60 + 30.0, "server_error")]
    s.last_success = max(m for m, (ok, _) in minutes.items() if ok) * 60.0
    return s


def test_a_quiet_healthy_series_is_due_only_at_its_heartbeat_or_when_its_data_is_gone() -> None:
    """Without new events its state cannot leave healthy and its figures stay noise: no run
    computes it at each window edge."""
    s = series({END - 2: (3, 0)})
    sm = summarize(s, END)
    w = Written("d", END, View("healthy/", ((3, 0), (3, 0), (3, 0))))
    assert next_due(w, None, s, sm, w.view, END, M, KeyThresholds()) == END + 360
    assert next_due(None, END + 360, s, sm, w.view, END, M, KeyThresholds()) == END + 360
    assert data_end(s) == ((END - 2) // 60 + 24) * 60
    assert next_due(w, None, s, sm, w.view, END + 1200, M, KeyThresholds()) == data_end(s)


def test_a_series_that_could_cool_down_is_due_at_its_next_edge() -> None:
    """A healthy key whose latest outcome is a failure, with 4 requests in 5 minutes: older
    successes leaving the window could raise its rate past the cooling threshold."""
    s = series({END - 4: (3, 0), END - 1: (0, 1)})
    s.last_success = (END - 4) * 60.0
    sm = summarize(s, END)
    assert sm.consecutive == 1 and sm.windows[0].requests == 4
    v = View("healthy/", ((4, 1), (4, 1), (4, 1)))
    assert next_due(Written("d", END, v), None, s, sm, v, END, M, KeyThresholds()) == END + 1
