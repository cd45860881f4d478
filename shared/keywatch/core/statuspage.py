"""The operator's status page: what it shows, as HTML and as JSON. Pure: no I/O, no SDK.

Input is the documents as read (`StatusDocs`, plain dicts), from the health database:
- `provider_health/{provider}` and `provider_health/{provider}/models/{model}`: windows `5m`,
  `1h` and `24h` of `requests`, `failures`, `provider_failures`, `uptime`, `status`; `as_of`
  and `expire_at` (keywatch.core.health, `provider_documents` and `stamped`);
- `provider_days/{provider}/days/{YYYY-MM-DD}`: `provider`, `date`, `requests`, `failures`,
  `provider_failures`, one a provider a day;
- `incidents/{id}`: `provider`, `reason`, `opened_at`, `open`, `distinct_keys`, `threshold`,
  `confirmed_by_provider` (true, false or null: not checked), `provider_title`,
  `provider_link`, `checked_at`.

`build_status(docs, now)` turns them into `StatusData`; `render_html` and `render_json` show
it. Provider and model names, reasons and incident titles come from untrusted producers (an
event names its provider) or from a provider's feed: every value is escaped, every link is
http(s) only, and a malformed field reads as no data rather than failing the page.

The HTML needs no JavaScript, loads nothing (inline CSS, allowed by its hash in `CSP`), and
says every state in words next to its colour. Its colours meet WCAG 2.1 AA: 4.5:1 for text,
3:1 for the day bars (non-text contrast), checked by tests/unit/test_statuspage.py.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import urlsplit

from keywatch.core.health import Rollup, Status, Thresholds, status_of

DAYS_SHOWN = 90  # the uptime bar: today (UTC) and the 89 days before it
INCIDENT_DAYS = 7  # closed incidents opened this recently are still shown
MAX_INCIDENTS = 50
WINDOWS_SHOWN = ("5m", "1h")
WINDOW_NAMES = {"5m": "Last 5 minutes", "1h": "Last hour"}
NO_DATA = "no_data"  # a day without requests: not a Status
MAX_NAME_CHARS = 120  # a name longer than this is shown cut, in full in its title and the JSON
JSON_VERSION = 1

# Most severe first: the order of the table and of the summary.
SEVERITY = (Status.DOWN, Status.DEGRADED, Status.UNKNOWN, Status.HEALTHY)


# -- palette ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tone:
    """A state's word and colour. `colour` is used for text on the page background and on the
    table's stripe, for white text on it (badges), and for the day bar."""

    label: str
    colour: str


BACKGROUND = "#ffffff"
STRIPE = "#f6f8fa"  # every other table row
TEXT = "#1f2328"
MUTED = "#57606a"
LINK = "#0550ae"
BADGE_TEXT = "#ffffff"
PALETTE: dict[str, Tone] = {
    Status.HEALTHY.value: Tone("Healthy", "#1a7f37"),
    Status.DEGRADED.value: Tone("Degraded", "#9a6700"),
    Status.DOWN.value: Tone("Down", "#cf222e"),
    Status.UNKNOWN.value: Tone("Unknown", "#57606a"),
    # A day with no requests: an outlined, unfilled bar, so it differs from the others by
    # shape as well as by colour.
    NO_DATA: Tone("No data", "#656d76"),
}

_BASE_STYLE = f"""
:root{{color-scheme:light}}
*{{box-sizing:border-box}}
body{{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:{TEXT};background:{BACKGROUND}}}
header,main,footer{{max-width:80rem;margin:0 auto;padding:0 1rem}}
header{{padding-top:1rem}}
h1{{font-size:1.5rem;margin:.5rem 0}}
h2{{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de}}
h3{{font-size:1.05rem;margin:1.25rem 0 .25rem}}
a{{color:{LINK}}}
a:focus-visible,summary:focus-visible,.scroll:focus-visible{{outline:3px solid {LINK};
outline-offset:2px}}
nav ul{{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:1rem}}
.muted{{color:{MUTED}}}
.summary{{font-weight:600}}
.scroll{{overflow-x:auto}}
table{{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}}
caption{{text-align:left;color:{MUTED};padding:.25rem 0}}
th,td{{padding:.35rem .5rem;text-align:right;border-bottom:1px solid #d0d7de;
white-space:nowrap}}
th[scope=row],thead th:first-child,td.state{{text-align:left}}
th[scope=colgroup]{{text-align:center}}
th[scope=row]{{font-weight:600;white-space:normal;overflow-wrap:anywhere;min-width:10rem}}
tr.model th[scope=row]{{font-weight:400;padding-left:1.6rem}}
tbody tr:nth-child(even){{background:{STRIPE}}}
.state{{font-weight:600}}
.dot{{display:inline-block;width:.75em;height:.75em;border-radius:50%;margin-right:.4em;
vertical-align:baseline}}
"""
# Each state's text colour, its dot, swatch and bar, and its badge (white text on it).
_TONE_STYLE = "".join(
    f".t-{key}{{color:{c}}}\n.dot.t-{key},.day.t-{key},.sw.t-{key}{{background:{c}}}\n"
    f".badge.t-{key}{{background:{c};color:{BADGE_TEXT}}}\n"
    for key, c in ((k, tone.colour) for k, tone in PALETTE.items())
) + (
    f".day.t-{NO_DATA},.sw.t-{NO_DATA}{{background:{BACKGROUND};"
    f"border:1px solid {PALETTE[NO_DATA].colour}}}\n"
)
_LAYOUT_STYLE = f"""
.legend{{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;margin:.5rem 0}}
.sw{{display:inline-block;width:.8em;height:1.2em;margin-right:.4em;vertical-align:middle;
border-radius:2px}}
.bar{{list-style:none;padding:0;margin:.25rem 0;display:flex;gap:2px;height:2.25rem}}
.bar li{{flex:1 1 0;min-width:2px;display:flex}}
.day{{flex:1;border-radius:2px}}
.range{{display:flex;justify-content:space-between;color:{MUTED};font-size:.875rem}}
details{{margin:.25rem 0 1rem}}
summary{{cursor:pointer;color:{LINK}}}
.incidents{{list-style:none;padding:0}}
.incident{{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}}
.incident h3{{margin:.25rem 0}}
.badge{{display:inline-block;border-radius:1em;padding:0 .6em;font-size:.875rem;
font-weight:600;margin-right:.4em}}
dl{{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}}
dt{{color:{MUTED}}}
dd{{margin:0;overflow-wrap:anywhere}}
footer{{margin:2rem auto;color:{MUTED};font-size:.875rem}}
"""
STYLE = _BASE_STYLE + _TONE_STYLE + _LAYOUT_STYLE


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


# The page's Content-Security-Policy header: nothing loads but the inline style (by its hash)
# and the empty data: icon that stops a browser asking for /favicon.ico. No script may run.
CSP = (
    f"default-src 'none'; style-src '{_csp_hash(STYLE)}'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


# -- data model -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusDocs:
    """The documents as read. `models` and `days` carry their `provider` field (the full name;
    document ids may be cut and hashed: health.doc_id); `incidents` are (id, document).
    `truncated`: the reader stopped at one of its limits, so something may be missing."""

    providers: Sequence[Mapping[str, Any]] = ()
    models: Sequence[Mapping[str, Any]] = ()
    days: Sequence[Mapping[str, Any]] = ()
    incidents: Sequence[tuple[str, Mapping[str, Any]]] = ()
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Window:
    requests: int = 0
    failures: int = 0
    provider_failures: int = 0
    status: Status = Status.UNKNOWN

    @property
    def uptime(self) -> float | None:
        return uptime(self.requests, self.provider_failures)


@dataclass(frozen=True, slots=True)
class ModelStatus:
    name: str
    status: Status
    windows: Mapping[str, Window]
    as_of: datetime | None = None


@dataclass(frozen=True, slots=True)
class Day:
    """One provider's day. `status` None: no requests that day (no data)."""

    date: date
    requests: int = 0
    failures: int = 0
    provider_failures: int = 0
    status: Status | None = None

    @property
    def uptime(self) -> float | None:
        return uptime(self.requests, self.provider_failures)

    @property
    def state(self) -> str:
        return self.status.value if self.status is not None else NO_DATA


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    name: str
    status: Status
    windows: Mapping[str, Window]
    as_of: datetime | None
    models: tuple[ModelStatus, ...]
    days: tuple[Day, ...]  # DAYS_SHOWN of them, oldest first, no-data days included

    @property
    def days_with_data(self) -> int:
        return sum(1 for d in self.days if d.status is not None)

    @property
    def requests_shown(self) -> int:
        return sum(d.requests for d in self.days)

    @property
    def provider_failures_shown(self) -> int:
        return sum(d.provider_failures for d in self.days)


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    provider: str
    reason: str
    opened_at: datetime | None
    open: bool
    distinct_keys: int | None
    threshold: int | None
    confirmed_by_provider: bool | None  # None: the provider's feed was not checked
    provider_title: str
    provider_link: str  # http(s) only, else ""
    checked_at: datetime | None


@dataclass(frozen=True, slots=True)
class StatusData:
    providers: tuple[ProviderStatus, ...]
    incidents: tuple[Incident, ...]
    updated_at: datetime | None  # the newest `as_of` of the provider documents
    rendered_at: datetime
    thresholds: Thresholds = field(default_factory=Thresholds)
    truncated: bool = False


# -- from documents ---------------------------------------------------------------------------


def _int(v: Any) -> int:
    if isinstance(v, bool):
        return 0
    if isinstance(v, int):
        return max(v, 0)
    if isinstance(v, float) and math.isfinite(v):
        return max(int(v), 0)
    return 0


def _opt_int(v: Any) -> int | None:
    return _int(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _str(v: Any) -> str:
    return v if isinstance(v, str) else ""


def _when(v: Any) -> datetime | None:
    """A Firestore timestamp (a datetime, Firestore's subclass included), in UTC."""
    if not isinstance(v, datetime):
        return None
    return v.astimezone(UTC) if v.tzinfo else v.replace(tzinfo=UTC)


def _status(v: Any) -> Status:
    try:
        return Status(v) if isinstance(v, str) else Status.UNKNOWN
    except ValueError:
        return Status.UNKNOWN


def _link(v: Any) -> str:
    """An http(s) URL with a host, else "": a feed's link never becomes a javascript: URL."""
    s = _str(v).strip()
    try:
        parts = urlsplit(s)
    except ValueError:
        return ""
    return s if parts.scheme in ("http", "https") and parts.netloc else ""


def _window(doc: Mapping[str, Any], name: str) -> Window:
    w = doc.get(name)
    if not isinstance(w, Mapping):
        return Window()
    requests = _int(w.get("requests"))
    return Window(
        requests,
        min(_int(w.get("failures")), requests),
        min(_int(w.get("provider_failures")), requests),
        _status(w.get("status")),
    )


def _current(doc: Mapping[str, Any], now: datetime) -> Mapping[str, Any]:
    """The document, or nothing once past its `expire_at`: Firestore's TTL deletes such a
    document up to a day late, and its figures say nothing about now."""
    expire = _when(doc.get("expire_at"))
    return {} if expire is not None and expire <= now else doc


def _windows(doc: Mapping[str, Any]) -> dict[str, Window]:
    return {name: _window(doc, name) for name in WINDOWS_SHOWN}


def day_status(requests: int, provider_failures: int, t: Thresholds) -> Status | None:
    """A day's state by the same thresholds as the current one (health.status_of); None
    without requests."""
    if requests <= 0:
        return None
    r = Rollup()
    r.requests, r.provider_failures = requests, min(provider_failures, requests)
    return status_of(r, t)


def _day(doc: Mapping[str, Any], d: date, t: Thresholds) -> Day:
    requests = _int(doc.get("requests"))
    pf = min(_int(doc.get("provider_failures")), requests)
    failures = min(_int(doc.get("failures")), requests)
    return Day(d, requests, failures, pf, day_status(requests, pf, t))


def _date(doc: Mapping[str, Any]) -> date | None:
    v = doc.get("date")
    if isinstance(v, datetime):
        return v.date()
    try:
        return date.fromisoformat(v) if isinstance(v, str) and len(v) == 10 else None
    except ValueError:
        return None


def _rank(status: Status, name: str) -> tuple[int, str]:
    return SEVERITY.index(status), name


def build_status(
    docs: StatusDocs, now: datetime, thresholds: Thresholds | None = None
) -> StatusData:
    """What the page shows at `now`, from the documents as read."""
    t = thresholds or Thresholds()
    now = now.astimezone(UTC)
    today = now.date()
    first = today - timedelta(days=DAYS_SHOWN - 1)

    current: dict[str, Mapping[str, Any]] = {}
    updated: list[datetime] = []
    for doc in docs.providers:
        name = _str(doc.get("provider"))
        if not name:
            continue
        current[name] = _current(doc, now)
        if (as_of := _when(doc.get("as_of"))) is not None:
            updated.append(as_of)

    models: dict[str, list[ModelStatus]] = {}
    for doc in docs.models:
        name, model = _str(doc.get("provider")), _str(doc.get("model"))
        if not name or not model:
            continue
        live = _current(doc, now)
        models.setdefault(name, []).append(
            ModelStatus(model, _status(live.get("status")), _windows(live), _when(doc.get("as_of")))
        )

    days: dict[str, dict[date, Day]] = {}
    for doc in docs.days:
        name, d = _str(doc.get("provider")), _date(doc)
        if name and d is not None and first <= d <= today:
            days.setdefault(name, {})[d] = _day(doc, d, t)

    providers = []
    for name in {*current, *models, *days}:
        doc = current.get(name, {})
        by_date = days.get(name, {})
        bar = tuple(
            by_date.get(d) or Day(d) for d in (first + timedelta(days=i) for i in range(DAYS_SHOWN))
        )
        ms = tuple(sorted(models.get(name, []), key=lambda m: _rank(m.status, m.name)))
        status = _status(doc.get("status")) if doc else Status.UNKNOWN
        as_of = _when(current[name].get("as_of")) if name in current else None
        providers.append(ProviderStatus(name, status, _windows(doc), as_of, ms, bar))
    providers.sort(key=lambda p: _rank(p.status, p.name))

    return StatusData(
        tuple(providers),
        tuple(_incidents(docs.incidents, now)),
        max(updated, default=None),
        now,
        t,
        docs.truncated,
    )


def _incidents(docs: Iterable[tuple[str, Mapping[str, Any]]], now: datetime) -> list[Incident]:
    """Open incidents, and those opened in the last INCIDENT_DAYS: open first, newest first."""
    since = now - timedelta(days=INCIDENT_DAYS)
    out: dict[str, Incident] = {}
    for iid, doc in docs:
        opened = _when(doc.get("opened_at"))
        is_open = doc.get("open") is True
        if not is_open and (opened is None or opened < since):
            continue
        confirmed = doc.get("confirmed_by_provider")
        out[iid] = Incident(
            iid,
            _str(doc.get("provider")),
            _str(doc.get("reason")),
            opened,
            is_open,
            _opt_int(doc.get("distinct_keys")),
            _opt_int(doc.get("threshold")),
            confirmed if isinstance(confirmed, bool) else None,
            _str(doc.get("provider_title")),
            _link(doc.get("provider_link")),
            _when(doc.get("checked_at")),
        )
    epoch = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(out.values(), key=lambda i: (not i.open, -(i.opened_at or epoch).timestamp()))
    return ordered[:MAX_INCIDENTS]


# -- formatting -------------------------------------------------------------------------------


def uptime(requests: int, provider_failures: int) -> float | None:
    if requests <= 0:
        return None
    return 1.0 - min(provider_failures, requests) / requests


def percent(requests: int, provider_failures: int) -> str:
    """Uptime to two decimals, rounded down (exact integer arithmetic): 1 failure in 100,000
    reads 99.99%, never 100.00%. "no requests" without any."""
    if requests <= 0:
        return "no requests"
    ok = requests - min(max(provider_failures, 0), requests)
    basis = ok * 10_000 // requests
    return f"{basis // 100}.{basis % 100:02d}%"


def count(n: int) -> str:
    return f"{n:,}"


def stamp(t: datetime | None) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if t is not None else "never"


def iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ago(t: datetime, now: datetime) -> str:
    s = int((now - t).total_seconds())
    if s < 0:
        return "ahead of this page's clock"
    if s < 90:
        return f"{s} s ago"
    if s < 90 * 60:
        return f"{round(s / 60)} min ago"
    if s < 36 * 3600:
        return f"{round(s / 3600)} h ago"
    return f"{round(s / 86400)} days ago"


def label(state: str) -> str:
    return PALETTE[state].label


def day_text(d: Day) -> str:
    """A day's text alternative: its date, state and figures."""
    when = d.date.isoformat()
    if d.status is None:
        return f"{when}: no data"
    return (
        f"{when}: {label(d.state)}, {percent(d.requests, d.provider_failures)} uptime"
        f" ({count(d.requests)} requests, {count(d.provider_failures)} failed by the provider)"
    )


def confirmation_text(i: Incident) -> str:
    if i.confirmed_by_provider is True:
        return "Confirmed by the provider"
    if i.confirmed_by_provider is False:
        return "Not reported by the provider"
    return "Provider's status feed not checked"


# -- HTML -------------------------------------------------------------------------------------


def _e(v: object) -> str:
    return escape(str(v), quote=True)


def _name(v: str) -> str:
    """A name from an untrusted producer: escaped, isolated from the text around it (a
    right-to-left override in it cannot reorder the page), cut when very long."""
    shown = v if len(v) <= MAX_NAME_CHARS else v[: MAX_NAME_CHARS - 1] + "…"
    title = f' title="{_e(v)}"' if shown != v else ""
    return f"<bdi{title}>{_e(shown)}</bdi>"


def _time(t: datetime | None, now: datetime) -> str:
    if t is None:
        return "never"
    return f'<time datetime="{_e(iso(t))}">{_e(stamp(t))}</time> ({_e(ago(t, now))})'


def _short_time(t: datetime | None, now: datetime) -> str:
    """A table cell's time: how long ago, the full time in its title and datetime."""
    if t is None:
        return "never"
    return f'<time datetime="{_e(iso(t))}" title="{_e(stamp(t))}">{_e(ago(t, now))}</time>'


def _state(status: Status | str) -> str:
    key = status.value if isinstance(status, Status) else status
    return (
        f'<td class="state t-{key}" data-field="status" data-state="{key}">'
        f'<span class="dot t-{key}" aria-hidden="true"></span>{_e(label(key))}</td>'
    )


def _figures(windows: Mapping[str, Window]) -> str:
    cells = []
    for name in WINDOWS_SHOWN:
        w = windows.get(name, Window())
        for fld, text in (
            ("requests", count(w.requests)),
            ("failures", count(w.failures)),
            ("provider_failures", count(w.provider_failures)),
            ("uptime", percent(w.requests, w.provider_failures)),
        ):
            cells.append(f'<td data-window="{name}" data-field="{fld}">{_e(text)}</td>')
    return "".join(cells)


def _summary(data: StatusData) -> str:
    if not data.providers:
        return "No provider has reported any requests yet."
    counts = {s: sum(1 for p in data.providers if p.status is s) for s in SEVERITY}
    if counts[Status.HEALTHY] == len(data.providers):
        return "All providers are healthy."
    parts = [f"{counts[s]} {label(s.value).lower()}" for s in SEVERITY if counts[s]]
    noun = "provider" if len(data.providers) == 1 else "providers"
    return f"{len(data.providers)} {noun}: " + ", ".join(parts) + "."


def _current_table(data: StatusData) -> str:
    windows = "".join(
        f'<th scope="colgroup" colspan="4">{_e(WINDOW_NAMES[w])}</th>' for w in WINDOWS_SHOWN
    )
    figures = (
        '<th scope="col">Requests</th><th scope="col">Failures</th>'
        '<th scope="col">Provider failures</th><th scope="col">Uptime</th>'
    ) * len(WINDOWS_SHOWN)
    rows = []
    for p in data.providers:
        rows.append(
            f'<tr class="provider" data-provider="{_e(p.name)}">'
            f'<th scope="row">{_name(p.name)}</th>{_state(p.status)}{_figures(p.windows)}'
            f'<td data-field="as_of">{_short_time(p.as_of, data.rendered_at)}</td></tr>'
        )
        for m in p.models:
            rows.append(
                f'<tr class="model" data-provider="{_e(p.name)}" data-model="{_e(m.name)}">'
                f'<th scope="row"><span class="muted">model </span>{_name(m.name)}</th>'
                f"{_state(m.status)}{_figures(m.windows)}"
                f'<td data-field="as_of">{_short_time(m.as_of, data.rendered_at)}</td></tr>'
            )
    if not rows:
        rows.append('<tr><td colspan="11">No provider has reported any requests yet.</td></tr>')
    cols = '<colgroup span="2"></colgroup>' + '<colgroup span="4"></colgroup>' * len(WINDOWS_SHOWN)
    return (
        '<div class="scroll" role="region" aria-labelledby="current-h" tabindex="0">'
        '<table id="current-table"><caption>Each provider, then its models. The status is'
        " the last 5 minutes'; uptime is the share of requests the provider did not fail."
        f"</caption>{cols}<colgroup></colgroup><thead><tr>"
        '<th scope="col" rowspan="2">Provider or model</th>'
        f'<th scope="col" rowspan="2">Status</th>{windows}'
        f'<th scope="col" rowspan="2">As of</th></tr><tr>{figures}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _legend(t: Thresholds) -> str:
    degraded, down = _pct(t.degraded_rate), _pct(t.down_rate)
    items = (
        (Status.HEALTHY.value, f"under {degraded} of requests failed by the provider"),
        (Status.DEGRADED.value, f"{degraded} to under {down} failed"),
        (Status.DOWN.value, f"{down} or more failed"),
        (Status.UNKNOWN.value, f"fewer than {t.min_requests} requests"),
        (NO_DATA, "no requests"),
    )
    lis = "".join(
        f'<li data-state="{key}"><span class="sw t-{key}" aria-hidden="true"></span>'
        f"<strong>{_e(label(key))}</strong>: {_e(text)}</li>"
        for key, text in items
    )
    return f'<ul class="legend" aria-label="Legend">{lis}</ul>'


def _pct(rate: float) -> str:
    return f"{rate * 100:g}%"


def _history(p: ProviderStatus, index: int) -> str:
    hid = f"days-{index}"
    first, last = p.days[0].date, p.days[-1].date
    if p.days_with_data:
        overall = (
            f"{percent(p.requests_shown, p.provider_failures_shown)} uptime over the"
            f" {p.days_with_data} days with data of the last {len(p.days)}."
        )
    else:
        overall = f"No data in the last {len(p.days)} days."
    cells = "".join(
        f'<li><span class="day t-{d.state}" role="img" data-date="{d.date.isoformat()}"'
        f' data-state="{d.state}" title="{_e(day_text(d))}" aria-label="{_e(day_text(d))}">'
        "</span></li>"
        for d in p.days
    )
    rows = "".join(
        f'<tr data-date="{d.date.isoformat()}"><th scope="row">{d.date.isoformat()}</th>'
        f'<td class="state t-{d.state}">{_e(label(d.state))}</td>'
        f"<td>{_e(count(d.requests))}</td><td>{_e(count(d.provider_failures))}</td>"
        f"<td>{_e(percent(d.requests, d.provider_failures))}</td></tr>"
        for d in reversed(p.days)
    )
    return (
        f'<section class="history" data-provider="{_e(p.name)}" aria-labelledby="{hid}">'
        f'<h3 id="{hid}">{_name(p.name)}</h3><p class="overall">{_e(overall)}</p>'
        f'<ol class="bar" aria-label="Daily uptime, {first.isoformat()} to {last.isoformat()},'
        f' oldest first">{cells}</ol>'
        f'<p class="range" aria-hidden="true"><span>{first.isoformat()}</span>'
        f"<span>{last.isoformat()}</span></p>"
        "<details><summary>Daily figures</summary>"
        '<div class="scroll" role="region" aria-label="Daily figures" tabindex="0"><table>'
        '<thead><tr><th scope="col">Day (UTC)</th><th scope="col">Status</th>'
        '<th scope="col">Requests</th><th scope="col">Failed by the provider</th>'
        f'<th scope="col">Uptime</th></tr></thead><tbody>{rows}</tbody></table></div>'
        "</details></section>"
    )


def _incident(i: Incident, now: datetime) -> str:
    badge = (
        f'<span class="badge t-{Status.DOWN.value}">Open</span>'
        if i.open
        else f'<span class="badge t-{Status.UNKNOWN.value}">Closed</span>'
    )
    keys = "not counted" if i.distinct_keys is None else f"{count(i.distinct_keys)}"
    if i.threshold is not None:
        keys += f" (threshold {count(i.threshold)})"
    feed = _e(confirmation_text(i))
    if i.provider_title or i.provider_link:
        title = _name(i.provider_title or i.provider_link)
        shown = (
            f'<a href="{_e(i.provider_link)}" rel="noopener noreferrer">{title}</a>'
            if i.provider_link
            else title
        )
        feed += f": {shown}"
    confirmed = {True: "true", False: "false", None: "null"}[i.confirmed_by_provider]
    return (
        f'<li class="incident" data-incident="{_e(i.id)}" data-open="{str(i.open).lower()}">'
        f"<h3>{badge} {_name(i.provider)}: {_name(i.reason or 'unknown reason')}</h3><dl>"
        f'<dt>Opened</dt><dd data-field="opened_at">{_time(i.opened_at, now)}</dd>'
        f'<dt>Distinct keys failing</dt><dd data-field="distinct_keys">{_e(keys)}</dd>'
        f"<dt>Provider's status</dt>"
        f'<dd data-field="confirmation" data-confirmed="{confirmed}">{feed}</dd>'
        f'<dt>Feed checked</dt><dd data-field="checked_at">{_time(i.checked_at, now)}</dd>'
        "</dl></li>"
    )


def render_html(data: StatusData) -> str:
    """The page: complete without JavaScript, loading nothing (see CSP)."""
    now = data.rendered_at
    incidents = (
        '<ul class="incidents">' + "".join(_incident(i, now) for i in data.incidents) + "</ul>"
        if data.incidents
        else '<p id="no-incidents">No open incident, and none opened in the last'
        f" {INCIDENT_DAYS} days.</p>"
    )
    truncated = (
        '<p class="muted" id="truncated">More documents than this page reads at once: some'
        " providers, models, days or incidents are not shown.</p>"
        if data.truncated
        else ""
    )
    history = "".join(_history(p, i) for i, p in enumerate(data.providers))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,"><title>keywatch: LLM provider status</title>'
        f"<style>{STYLE}</style></head><body>"
        "<header><h1>LLM provider status</h1>"
        f'<p class="summary" id="summary">{_e(_summary(data))}</p>'
        f'<p class="muted">Last updated <span id="updated-at">{_time(data.updated_at, now)}'
        f'</span>. Page rendered <span id="rendered-at">{_time(now, now)}</span>.</p>'
        '<nav aria-label="Sections"><ul><li><a href="#current">Current status</a></li>'
        '<li><a href="#incidents">Incidents</a></li>'
        f'<li><a href="#uptime">{DAYS_SHOWN}-day uptime</a></li>'
        '<li><a href="status.json">JSON</a></li></ul></nav></header><main>'
        f'<section id="current" aria-labelledby="current-h"><h2 id="current-h">Current status'
        f"</h2>{truncated}{_current_table(data)}</section>"
        '<section id="incidents" aria-labelledby="incidents-h"><h2 id="incidents-h">'
        f'Incidents</h2><p class="muted">Suspected provider incidents (many keys failing with'
        f" one reason at once): open ones, and those opened in the last {INCIDENT_DAYS} days,"
        " with what the provider's status feed says.</p>"
        f"{incidents}</section>"
        '<section id="uptime" aria-labelledby="uptime-h"><h2 id="uptime-h">'
        f'{DAYS_SHOWN}-day uptime</h2><p class="muted">One bar a day (UTC), oldest on the'
        " left: the share of that day's requests the provider did not fail.</p>"
        f"{_legend(data.thresholds)}{history}</section></main>"
        "<footer><p>keywatch status page. Figures from the health database; the same as"
        ' <a href="status.json">JSON</a>.</p></footer></body></html>'
    )


# -- JSON -------------------------------------------------------------------------------------


def _window_json(w: Window) -> dict[str, Any]:
    return {
        "requests": w.requests,
        "failures": w.failures,
        "provider_failures": w.provider_failures,
        "uptime": w.uptime,
        "status": w.status.value,
    }


def render_json(data: StatusData) -> dict[str, Any]:
    """The page's data as a JSON-ready dict (`version` changes with its shape)."""
    return {
        "version": JSON_VERSION,
        "updated_at": iso(data.updated_at),
        "rendered_at": iso(data.rendered_at),
        "truncated": data.truncated,
        "thresholds": {
            "min_requests": data.thresholds.min_requests,
            "degraded_rate": data.thresholds.degraded_rate,
            "down_rate": data.thresholds.down_rate,
        },
        "providers": [
            {
                "provider": p.name,
                "status": p.status.value,
                "as_of": iso(p.as_of),
                "windows": {n: _window_json(p.windows.get(n, Window())) for n in WINDOWS_SHOWN},
                "models": [
                    {
                        "model": m.name,
                        "status": m.status.value,
                        "as_of": iso(m.as_of),
                        "windows": {
                            n: _window_json(m.windows.get(n, Window())) for n in WINDOWS_SHOWN
                        },
                    }
                    for m in p.models
                ],
                "days": [
                    {
                        "date": d.date.isoformat(),
                        "requests": d.requests,
                        "failures": d.failures,
                        "provider_failures": d.provider_failures,
                        "uptime": d.uptime,
                        "status": d.state,
                    }
                    for d in p.days
                ],
            }
            for p in data.providers
        ],
        "incidents": [
            {
                "id": i.id,
                "provider": i.provider,
                "reason": i.reason,
                "opened_at": iso(i.opened_at),
                "open": i.open,
                "distinct_keys": i.distinct_keys,
                "threshold": i.threshold,
                "confirmed_by_provider": i.confirmed_by_provider,
                "provider_title": i.provider_title,
                "provider_link": i.provider_link,
                "checked_at": iso(i.checked_at),
            }
            for i in data.incidents
        ],
    }
