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
  (epoch seconds, kept as maxima);
- `_`: the meta (kind, provider, model, key fingerprint, source, joined by US, 0x1f);
- `_d`: the digest of the document the health run last wrote from the series.

A model series is the hash `kw:s:<sid>`. A key's series, one per model, share the key's hash
`kw:k:<fp>`, each field prefixed `<sid>|` (sid: 8 hex of the model name); its own `_d` is the
digest of the key's summary document. One hash per key: a health run reads a key, all its
models, in one command, and a key is what it computes at once (an invalid key is invalid on
every model). Other keys: `kw:pm:<provider>` the set of a provider's model series; `kw:pd`
provider documents' digests; `kw:f:<event id>` a failure's marker (what its recovery applies);
`kw:r:<event id>` a recovery's marker; `kw:t:<batch id>:<chunk>` a tally chunk's marker;
`kw:dirty:k` and `kw:dirty:r`, fingerprints and providers with new counts; `kw:sched:k` and
`kw:sched:r`, the minute each is due again as its buckets cross window edges.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from keywatch.core.health import (
    HOUR_SPAN,
    RECENT_FAILURES,
    Counts,
    Kind,
    Series,
    series_id,
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
class Layout:
    """Redis key names, under one prefix (tests sharing one server use their own)."""

    prefix: str = "kw"

    def series(self, sid: str) -> str:
        return f"{self.prefix}:s:{sid}"

    def key(self, fingerprint: str) -> str:
        """A key's own hash: `s:<sid>` per model series of the key, `_d` its summary digest."""
        return f"{self.prefix}:k:{fingerprint}"

    def failure_marker(self, event_id: str) -> str:
        return f"{self.prefix}:f:{event_id}"

    def recovery_marker(self, event_id: str) -> str:
        return f"{self.prefix}:r:{event_id}"

    def tally_marker(self, batch_id: str, chunk: int) -> str:
        return f"{self.prefix}:t:{batch_id}:{chunk}"

    @property
    def dirty_keys(self) -> str:  # set of key fingerprints with new counts
        return f"{self.prefix}:dirty:k"

    @property
    def dirty_rollups(self) -> str:  # set of providers with new counts
        return f"{self.prefix}:dirty:r"

    @property
    def sched_keys(self) -> str:  # zset: fingerprint -> Unix minute of its next window change
        return f"{self.prefix}:sched:k"

    @property
    def sched_rollups(self) -> str:  # zset: provider -> Unix minute of its next window change
        return f"{self.prefix}:sched:r"

    def provider_models(self, provider: str) -> str:
        return f"{self.prefix}:pm:{provider}"

    @property
    def provider_digests(self) -> str:
        return f"{self.prefix}:pd"

    @property
    def run_lock(self) -> str:
        return f"{self.prefix}:health:lock"

    @property
    def run_as_of(self) -> str:
        return f"{self.prefix}:health:as_of"

    @property
    def since(self) -> str:  # when this store started counting (gone after a data loss)
        return f"{self.prefix}:since"


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


def stale_fields(
    s: Series, minutes: Iterable[int], hours: Iterable[int], prefix: str = ""
) -> list[str]:
    """The hash fields of the given buckets of `s` (those no window reads any more); `prefix`
    is the series' field prefix in its key's hash."""
    fields: list[str] = []
    for head, c in [(str(m), s.minutes[m]) for m in minutes] + [
        (f"h{h}", s.hours[h]) for h in hours
    ]:
        fields += [f"{prefix}{head}:f:{r}" for r in c.failures]
        fields += [f"{prefix}{head}:{n}" for n in ("o", "p", "r")]
    return fields


def parse_meta(value: str) -> tuple[Kind, str, str, str, str]:
    kind, provider, model, fp, source = [*value.split(META_SEP), "", "", "", ""][:5]
    return Kind(kind), provider, model, fp, source


def parse_series(fields: dict[bytes, bytes], kind: Kind) -> Series | None:
    """A series from its hash fields (without the `<sid>|` prefix of a key's hash); None
    without its meta field (expired, or only bookkeeping left)."""
    s = Series(kind, "")
    for name, value in fields.items():
        try:
            _field(s, name, value)
        except (ValueError, IndexError, UnicodeDecodeError):
            continue  # not a field keywatch writes (or not as it writes it): never fatal
    return s if s.provider else None


def _field(s: Series, raw: bytes, value: bytes) -> None:
    first = raw[0]
    if first == 95:  # "_": meta, "_d": digest; the run's bookkeeping (_v, _c, _n, _s)
        if raw == b"_":
            s.kind, s.provider, s.model, s.key_fingerprint, s.source = parse_meta(value.decode())
        elif raw == b"_d":
            s.digest = value.decode()
        return
    name = raw.decode()
    if first == 116:  # "t": the latest failures, "<at> <reason>;..."
        s.recent = parse_recent(value)
        return
    if first == 108:  # "l:<reason>"
        s.last_failure[name[2:]] = float(value)
        return
    if first == 115:  # "s"
        s.last_success = float(value)
        return
    head, _, rest = name.partition(":")
    if first == 104:  # "h<hour>:..."
        index, buckets = int(head[1:]), s.hours
    else:
        index, buckets = int(head), s.minutes
    c = buckets.get(index)
    if c is None:
        c = buckets[index] = Counts()
    if rest[0] == "f":
        reason = rest[2:]
        c.failures[reason] = c.failures.get(reason, 0) + int(value)
    elif rest == "o":
        c.successes += int(value)
    elif rest == "p":
        c.provider_failures += int(value)
    elif rest == "r":
        c.recovered += int(value)


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


@dataclass(slots=True, eq=False)
class StoredSeries:
    """A key's series as stored, read cheaply: what decides whether a run must compute it,
    what the key's summary needs if it does not, and `load()` to parse it in full.

    Bookkeeping fields (per series, in the key's hash): `_v` bumped by every count, `_c` the
    `_v` its documents were last computed from, `_n` the Unix minute a bucket next crosses a
    window edge ("" for never), `_s` the state last computed ("" once it has no data)."""

    sid: str
    model: str
    version: str
    computed: str
    next_change: int | None
    state: str
    last_invalid: float | None
    last_success: float | None
    load: Callable[[], Series | None]
    recent: bytes = b""  # field `t`, parsed when the key's invalid streak is needed

    def due(self, end: int) -> bool:
        """Changed since computed, or a bucket crosses a window edge by `end`."""
        if self.version != self.computed:
            return True
        return self.next_change is not None and self.next_change <= end


def _number(value: bytes | None) -> float | None:
    """A stored number, None when absent or not a finite number."""
    if not value:
        return None
    try:
        n = float(value)
    except ValueError:
        return None
    return n if math.isfinite(n) else None


def stored_series(sid: str, fields: dict[bytes, bytes]) -> StoredSeries | None:
    meta = fields.get(b"_")
    if meta is None:
        return None
    try:
        model = parse_meta(meta.decode())[2]
    except (ValueError, UnicodeDecodeError):
        return None
    nxt = _number(fields.get(b"_n"))
    return StoredSeries(
        sid=sid,
        model=model,
        version=(fields.get(b"_v") or b"").decode(errors="replace"),
        computed=(fields.get(b"_c") or b"").decode(errors="replace"),
        next_change=int(nxt) if nxt is not None else None,
        state=(fields.get(b"_s") or b"").decode(errors="replace"),
        last_invalid=_number(fields.get(b"l:invalid_key")),
        last_success=_number(fields.get(b"s")),
        load=lambda: parse_series(fields, Kind.KEY),
        recent=fields.get(b"t") or b"",
    )


@dataclass(slots=True)
class KeyRead:
    """One key as the health run reads it: its summary document's digest, the invalid flag it
    was last computed with ("1", "0", or "" never), and its series."""

    digest: str
    invalid: str
    series: list[StoredSeries]


__all__ = [
    "MARKER_TTL_S",
    "MAX_SKEW_S",
    "RECENT_FAILURES",
    "SERIES_TTL_S",
    "Group",
    "KeyRead",
    "Layout",
    "RecordResult",
    "StoredSeries",
    "TallyCount",
    "bound_tally",
    "countable_minute",
    "judged_at",
    "parse_meta",
    "parse_series",
    "stale_fields",
    "stored_series",
]
