"""The counting store's layout and rules: key names, fields, TTLs, what is countable. Pure.

The counting store (Memorystore, `keywatch_functions.adapters.redis_counting`) holds one
hash per series (`core.health.Series`): a key on a model, and a (provider, model) over all its
keys. Provider documents are sums of their models' series. A failure is counted by one call of
`adapters/lua/count_failure.lua`, a chunk of tally groups by one of `count_tallies.lua`: each
commits its idempotency marker and its increments together, or nothing.

Fields of a series hash, minute `m` and hour `h` being Unix minutes and hours (UTC):
- `<m>:o`, `h<h>:o`: successes; `<m>:f:<reason>`, `h<h>:f:<reason>`: failures by reason;
- model series only: `<m>:p`, `h<h>:p` failures against the provider, `<m>:r`, `h<h>:r` of
  those a retry recovered;
- key series only: `l:<reason>` the latest failure of that reason, `s` the latest success
  (epoch seconds, kept as maxima), `t` the latest failures to the second;
- `_`: the meta (kind, provider, model, key fingerprint, source, joined by US, 0x1f);
- `_d`: the record of the document the health run last wrote from the series
  (`core.writes.Written`).

The key names are `keywatch.core.keys.Layout`'s.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from keywatch.core.health import (
    HOUR_SPAN,
    RECENT_FAILURES,
    Counts,
    Kind,
    Series,
    series_id,
    stale_buckets,
    unix_minute,
)
from keywatch.events import EARLIEST

META_SEP = "\x1f"

# A series hash is given this TTL when created, and again by every health run that computes
# it: it outlives its last bucket's 24 hours, and expires by itself once nothing is left.
SERIES_TTL_S = (HOUR_SPAN + 2) * 3600
# An event is counted only while its hour is still inside the 24-hour window, so its marker
# must outlive that (a redelivery, or a dead letter replayed, within it counts once).
MARKER_TTL_S = (HOUR_SPAN + 1) * 3600
# RECENT_FAILURES (core.health): a key series keeps the timestamps and reasons of its latest
# failures, to the second (count_failure.lua, field `t`).
# Producers' clocks are untrusted. A time up to this far after the moment a message was sent
# is a clock running a little fast, and is counted as that moment; a later one is a broken
# clock or a forgery, and its group is refused (`bound_tally`). Never counted in the future:
# a success dated ahead would outrank every failure of its key until then.
MAX_SKEW_S = 300


@dataclass(frozen=True, slots=True)
class Group:
    """What a count is about: a key (by fingerprint) of a source, on a provider's model."""

    provider: str
    model: str
    key_fingerprint: str
    source: str

    def sids(self) -> tuple[str, str]:
        return (
            series_id(Kind.KEY, self.provider, self.model, self.key_fingerprint),
            series_id(Kind.MODEL, self.provider, self.model),
        )

    def metas(self) -> tuple[str, str]:
        """The `_` field of its key series and of its model series."""
        names = [n.replace(META_SEP, "?") for n in (self.provider, self.model)]
        key = META_SEP.join(["k", *names, self.key_fingerprint, self.source])
        return key, META_SEP.join(["m", *names, "", ""])


@dataclass(frozen=True, slots=True)
class TallyCount:
    """One group of a tally batch, as counted: successes per Unix minute, the latest success
    (epoch seconds), and the event ids of failures a retry recovered."""

    group: Group
    successes: tuple[tuple[int, int], ...]
    last_success: float | None = None
    recovered: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordResult:
    counted: bool
    recoveries_applied: int = 0
    recoveries_ahead: int = 0  # recorded before their failure arrived: applied when it does
    recoveries_mismatched: int = 0  # their failure was on another provider: skipped


def countable_minute(at: datetime | float, now: float) -> int | None:
    """The Unix minute an event is counted in: None when it is older than the 24-hour window
    (its buckets are gone); now when it claims to be from the future."""
    ts = at.timestamp() if isinstance(at, datetime) else at
    ts = min(ts, now)
    if now - ts >= HOUR_SPAN * 3600:
        return None
    return unix_minute(ts)


def judged_at(sent: datetime | None, now: float) -> float:
    """The moment a message is judged by: when Pub/Sub received it (its publishTime, the same
    on every delivery, so a redelivery is judged as the first was), never later than this
    consumer's own clock (a publishTime is untrusted too), and `now` for a publishTime before
    the contract's years (no message was published then)."""
    if sent is None or sent < EARLIEST:
        return now
    return min(sent.timestamp(), now)


def bound_tally(t: TallyCount, at: float) -> TallyCount | str:
    """A tally group within the clock, judged at `at` (`judged_at`): minutes older than the
    24-hour window dropped, a minute or last success up to MAX_SKEW_S ahead counted as `at`.
    A reason (a string) instead when it claims more of the future: the group is refused."""
    latest = unix_minute(at + MAX_SKEW_S)
    if any(m > latest for m, _ in t.successes):
        return "successes_by_minute: a minute after the tally was sent"
    if t.last_success is not None and t.last_success > at + MAX_SKEW_S:
        return "last_success_at: after the tally was sent"
    now_minute = unix_minute(at)
    oldest = unix_minute(at - HOUR_SPAN * 3600)
    successes = tuple((min(m, now_minute), n) for m, n in t.successes if m > oldest)
    last = None if t.last_success is None else min(t.last_success, at)
    if successes == t.successes and last == t.last_success:
        return t
    return replace(t, successes=successes, last_success=last)


@dataclass(frozen=True, slots=True)
class Stale:
    """Buckets of a series that no window reads any more, and the failure reasons counted in
    them: what a health run trims from the series."""

    minutes: tuple[int, ...] = ()
    hours: tuple[int, ...] = ()
    reasons: tuple[str, ...] = ()


def stale(s: Series, end: int) -> Stale | None:
    """What of `s` a run at tick `end` trims; None when nothing is stale."""
    minutes, hours = stale_buckets(s, end)
    if not minutes and not hours:
        return None
    buckets = [s.minutes[m] for m in minutes] + [s.hours[h] for h in hours]
    reasons = sorted({r for c in buckets for r in c.failures})
    return Stale(tuple(minutes), tuple(hours), tuple(reasons))


def stale_fields(st: Stale) -> list[str]:
    """The hash fields of the stale buckets (a field never written is deleted harmlessly)."""
    heads = [str(m) for m in st.minutes] + [f"h{h}" for h in st.hours]
    tails = [f"f:{r}" for r in st.reasons] + ["o", "p", "r"]
    return [f"{head}:{tail}" for head in heads for tail in tails]


def key_fields(
    states: Mapping[str, tuple[str, str]], record: str | None, invalid: str | None
) -> dict[str, str]:
    """A key's own hash fields for its series' states (`m:<sid>`: the state and model of the
    series' document), its summary's record (`_d`) and its invalid flag (`_i`); `parse_key`
    reads them back."""
    fields = {f"m:{sid}": f"{state} {model}" for sid, (state, model) in states.items()}
    if record is not None:
        fields["_d"] = record
    if invalid is not None:
        fields["_i"] = invalid
    return fields


def state_fields(sids: Iterable[str]) -> list[str]:
    """The `m:<sid>` fields of a key's series (removed when a series has no data left)."""
    return [f"m:{sid}" for sid in sids]


def parse_meta(value: str) -> tuple[Kind, str, str, str, str]:
    kind, provider, model, fp, source = [*value.split(META_SEP), "", "", "", ""][:5]
    return Kind(kind), provider, model, fp, source


def parse_series(fields: dict[bytes, bytes], kind: Kind) -> Series | None:
    """A series from its hash fields; None without its meta field (expired, or only
    bookkeeping left). A field keywatch does not write (or not as it writes it) is skipped:
    never fatal. The bucket fields, nearly all of a busy series, are parsed as bytes."""
    s = Series(kind, "")
    minutes, hours = s.minutes, s.hours
    reasons = _REASONS
    for raw, value in fields.items():
        try:
            first = raw[0]
            if 48 <= first <= 57 or first == 104:  # "<minute>:..." or "h<hour>:..."
                head, _, rest = raw.partition(b":")
                if first == 104:
                    index, buckets = int(head[1:]), hours
                else:
                    index, buckets = int(head), minutes
                c = buckets.get(index)
                if c is None:
                    c = buckets[index] = Counts()
                tag = rest[0]
                if tag == 102:  # "f:<reason>"
                    reason = reasons.get(rest)
                    if reason is None:
                        reason = rest[2:].decode()
                        if len(reasons) < 256:  # keywatch's reasons: a few dozen
                            reasons[rest] = reason
                    c.failures[reason] = c.failures.get(reason, 0) + int(value)
                elif rest == b"o":
                    c.successes += int(value)
                elif rest == b"p":
                    c.provider_failures += int(value)
                elif rest == b"r":
                    c.recovered += int(value)
            else:
                _field(s, raw, value)
        except (ValueError, IndexError, UnicodeDecodeError):
            continue
    return s if s.provider else None


_REASONS: dict[bytes, str] = {}  # b"f:<reason>" -> reason (a few dozen reasons)


def _field(s: Series, raw: bytes, value: bytes) -> None:
    first = raw[0]
    if first == 95:  # "_": meta, "_d": the record of its document
        if raw == b"_":
            s.kind, s.provider, s.model, s.key_fingerprint, s.source = parse_meta(value.decode())
        elif raw == b"_d":
            s.digest = value.decode()
        return
    if first == 116:  # "t": the latest failures, "<at> <reason>;..."
        s.recent = parse_recent(value)
    elif first == 108:  # "l:<reason>"
        s.last_failure[raw[2:].decode()] = float(value)
    elif first == 115:  # "s"
        s.last_success = float(value)


def parse_recent(value: bytes | None) -> list[tuple[float, str]]:
    """Field `t`: the latest failures as (epoch s, reason), oldest first."""
    if not value:
        return []
    out = []
    for entry in value.decode().split(";"):
        at, _, reason = entry.partition(" ")
        out.append((float(at), reason))
    out.sort()
    return out


def _number(value: bytes | None) -> float | None:
    """A stored number, None when absent or not a finite number."""
    if not value:
        return None
    try:
        n = float(value)
    except ValueError:
        return None
    return n if math.isfinite(n) else None


@dataclass(slots=True)
class KeyRead:
    """One key as the health run reads it: its own hash, and the series the run asked for."""

    record: str  # `_d`: the record of its summary document
    # `_i`: the invalid flag it was last computed with: "0", "1 <probe ms>" invalid, "" never.
    invalid: str
    last_invalid: float | None  # `li`
    last_success: float | None  # `ls`
    invalid_times: tuple[float, ...]  # `ti`
    # Every series of the key: (state last computed, "" none; the model's document id).
    states: dict[str, tuple[str, str]]
    series: dict[str, Series | None]  # those read, by sid (None: expired, or not a series)


def member(fingerprint: str, sid: str) -> str:
    """A key series in the dirty set and the schedule; sid "": the key's summary."""
    return f"{fingerprint}|{sid}"


def parse_key(fields: dict[bytes, bytes]) -> KeyRead:
    """A key's own hash (without its series)."""
    states: dict[str, tuple[str, str]] = {}
    for raw, value in fields.items():
        if raw.startswith(b"m:"):
            state, _, model = value.decode(errors="replace").partition(" ")
            states[raw[2:].decode(errors="replace")] = (state, model)
    times: list[float] = []
    for x in (fields.get(b"ti") or b"").split(b";"):
        n = _number(x)
        if n is not None:
            times.append(n)
    return KeyRead(
        record=(fields.get(b"_d") or b"").decode(errors="replace"),
        invalid=(fields.get(b"_i") or b"").decode(errors="replace"),
        last_invalid=_number(fields.get(b"li")),
        last_success=_number(fields.get(b"ls")),
        invalid_times=tuple(times),
        states=states,
        series={},
    )


__all__ = [
    "MARKER_TTL_S",
    "MAX_SKEW_S",
    "RECENT_FAILURES",
    "SERIES_TTL_S",
    "Group",
    "KeyRead",
    "RecordResult",
    "Stale",
    "TallyCount",
    "bound_tally",
    "countable_minute",
    "judged_at",
    "key_fields",
    "member",
    "parse_key",
    "parse_meta",
    "parse_series",
    "stale",
    "stale_fields",
    "state_fields",
]
