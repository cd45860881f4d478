"""The status page's core (keywatch.core.statuspage): what it shows from the health documents,
escaping, accessibility (words for every colour, WCAG AA contrast, structure), the 90-day bar,
the JSON; and the HTTP entry point (keywatch_functions.status) over a fake reader."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import flask
import pytest

from keywatch.core.health import Status, Thresholds
from keywatch.core.statuspage import (
    BACKGROUND,
    BADGE_TEXT,
    CSP,
    DAYS_SHOWN,
    LINK,
    MUTED,
    NO_DATA,
    PALETTE,
    STRIPE,
    STYLE,
    TEXT,
    StatusDocs,
    build_status,
    percent,
    render_html,
    render_json,
)
from keywatch_functions.errors import StatusReadError
from keywatch_functions.status import DocsCache, StatusDeps, status_page

NOW = datetime(2026, 11, 22, 12, 30, tzinfo=UTC)
TODAY = NOW.date()
EVIL = '<script>alert("x")</script>&"\'<img src=x onerror=alert(1)>'


# -- a small DOM, from the standard library's parser ---------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.walk()
            if (tag is None or n.tag == tag)
            and all(
                v in n.attrs.get(k.rstrip("_").replace("_", "-"), "").split()
                if k == "class_"
                else n.attrs.get(k.replace("_", "-")) == v
                for k, v in attrs.items()
            )
        ]

    def one(self, tag: str | None = None, **attrs: str) -> Node:
        [n] = self.find_all(tag, **attrs)
        return n


VOID = {"meta", "link", "br", "img", "input", "col", "hr"}


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def dom(html: str) -> Node:
    b = _Builder()
    b.feed(html)
    b.close()
    assert b.stack == [b.root], "every element is closed"
    return b.root


# -- documents as the health run writes them ------------------------------------------------------


def window(requests: int, failures: int, provider_failures: int, status: str) -> dict[str, Any]:
    return {
        "requests": requests,
        "failures": failures,
        "failures_by_reason": {},
        "provider_failures": provider_failures,
        "uptime": 1 - provider_failures / requests if requests else None,
        "status": status,
    }


def provider_doc(name: str, status: str, *, model: str | None = None, **kw: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "provider": name,
        "5m": window(100, 70, 60, status) if status != "healthy" else window(300, 2, 1, status),
        "1h": window(1000, 200, 150, "degraded"),
        "24h": window(5000, 300, 200, "healthy"),
        "status": status,
        "as_of": NOW - timedelta(minutes=2),
        "expire_at": NOW + timedelta(hours=24),
    }
    if model is not None:
        doc["model"] = model
    return {**doc, **kw}


def day_docs(
    provider: str, gaps: set[int], first_ago: int = DAYS_SHOWN - 1
) -> list[dict[str, Any]]:
    """One document a day from `first_ago` days ago to today, but for the `gaps` (days ago)."""
    return [
        {
            "provider": provider,
            "date": (TODAY - timedelta(days=ago)).isoformat(),
            "requests": 10_000,
            "failures": 50,
            "provider_failures": 7_000 if ago == 0 else 10,
        }
        for ago in range(first_ago, -1, -1)
        if ago not in gaps
    ]


def incident(provider: str, **kw: Any) -> dict[str, Any]:
    return {
        "provider": provider,
        "reason": "server_error",
        "opened_at": NOW - timedelta(minutes=20),
        "open": True,
        "distinct_keys": 42,
        "threshold": 20,
        "confirmed_by_provider": True,
        "provider_title": "Elevated error rates",
        "provider_link": "https://status.example.com/incidents/1",
        "checked_at": NOW - timedelta(minutes=1),
        **kw,
    }


def scenario(**kw: Any) -> StatusDocs:
    docs = {
        "providers": [provider_doc("openai", "down"), provider_doc("anthropic", "healthy")],
        "models": [provider_doc("openai", "down", model="gpt-4o")],
        "days": day_docs("openai", {3, 17, 18}) + day_docs("anthropic", set(), first_ago=9),
        "incidents": [("inc-1", incident("openai"))],
    }
    return StatusDocs(**{**docs, **kw})


# -- escaping -------------------------------------------------------------------------------------


def test_untrusted_names_are_escaped_everywhere() -> None:
    """A provider, model, reason or incident title holding markup shows as text: no element,
    no attribute, no event handler comes from it, in the table, the bars or the incidents."""
    docs = StatusDocs(
        [provider_doc(EVIL, "down")],
        [provider_doc(EVIL, "down", model=EVIL)],
        day_docs(EVIL, {5}),
        [(EVIL, incident(EVIL, reason=EVIL, provider_title=EVIL))],
    )
    html = render_html(build_status(docs, NOW))
    page = dom(html)
    assert not page.find_all("script") and not page.find_all("img")
    assert all(not k.startswith("on") for n in page.walk() for k in n.attrs)
    row = page.one("tr", class_="model")
    assert row.attrs["data-provider"] == EVIL and row.attrs["data-model"] == EVIL
    assert EVIL in row.one("th").text()
    assert EVIL in page.one("li", class_="incident").one("h3").text()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_feed_link_is_http_only() -> None:
    """A provider feed's link that is not http(s) is dropped (the title stays, as text)."""
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", " vbscript:x"):
        data = build_status(scenario(incidents=[("i", incident("openai", provider_link=bad))]), NOW)
        page = dom(render_html(data))
        assert not page.one("li", class_="incident").find_all("a")
        assert render_json(data)["incidents"][0]["provider_link"] == ""
    data = build_status(scenario(), NOW)
    [a] = dom(render_html(data)).one("li", class_="incident").find_all("a")
    assert a.attrs["href"] == "https://status.example.com/incidents/1"
    assert a.attrs["rel"] == "noopener noreferrer"


def test_a_right_to_left_override_in_a_name_is_isolated() -> None:
    """Names sit in <bdi>, so a bidi override in one cannot reorder the text around it."""
    name = "evil\u202eliava"
    page = dom(render_html(build_status(StatusDocs([provider_doc(name, "healthy")]), NOW)))
    assert page.one("tr", class_="provider").one("th").one("bdi").text() == name


# -- accessibility --------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2.1's contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula() -> None:
    """Black on white is 21:1, a colour on itself 1:1."""
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#777777") == pytest.approx(1)


@pytest.mark.parametrize(
    ("name", "fg", "bg"),
    [
        *((f"{k} text", t.colour, bg) for k, t in PALETTE.items() for bg in (BACKGROUND, STRIPE)),
        *((f"badge on {k}", BADGE_TEXT, t.colour) for k, t in PALETTE.items()),
        *(
            (n, c, bg)
            for n, c in (("text", TEXT), ("muted", MUTED), ("link", LINK))
            for bg in (BACKGROUND, STRIPE)
        ),
    ],
)
def test_text_colours_meet_wcag_aa(name: str, fg: str, bg: str) -> None:
    """Every text colour the page uses, on every background it sits on, is at least 4.5:1
    (WCAG 2.1 AA, 1.4.3, normal-size text)."""
    assert contrast(fg, bg) >= 4.5, f"{name}: {contrast(fg, bg):.2f}:1"


@pytest.mark.parametrize("state", sorted(PALETTE))
def test_day_bars_meet_non_text_contrast(state: str) -> None:
    """Each day bar's fill (or, for no data, its outline) is at least 3:1 against the page
    (WCAG 2.1 AA, 1.4.11 non-text contrast)."""
    assert contrast(PALETTE[state].colour, BACKGROUND) >= 3.0
    assert f"border:1px solid {PALETTE[NO_DATA].colour}" in STYLE  # no data: outlined


def test_every_colour_comes_with_words() -> None:
    """A coloured dot is beside its state's word; each day bar has a title and an aria-label
    naming its date and state; the legend names every colour."""
    page = dom(render_html(build_status(scenario(), NOW)))
    dots = [n for n in page.walk() if "dot" in n.attrs.get("class", "").split()]
    assert dots
    for cell in page.find_all("td", class_="state"):
        state = cell.attrs["class"].split()[1].removeprefix("t-")
        assert cell.text().strip() == PALETTE[state].label
    for dot in dots:
        assert dot.attrs["aria-hidden"] == "true"
    days = page.find_all("span", class_="day")
    assert days
    for d in days:
        label = d.attrs["aria-label"]
        assert d.attrs["role"] == "img" and d.attrs["title"] == label
        assert label.startswith(d.attrs["data-date"] + ": ")
        assert PALETTE[d.attrs["data-state"]].label.lower() in label.lower()
    legend = page.one("ul", class_="legend")
    assert {li.attrs["data-state"] for li in legend.find_all("li")} == set(PALETTE)
    for li in legend.find_all("li"):
        assert PALETTE[li.attrs["data-state"]].label in li.text()


def test_page_structure() -> None:
    """lang, a viewport, header, nav, main, headed sections, a table with scoped headers and a
    caption, no script, and nothing loaded from anywhere (inline CSS, an empty data: icon)."""
    html = render_html(build_status(scenario(), NOW))
    page = dom(html)
    assert html.startswith("<!doctype html>")
    assert page.one("html").attrs["lang"] == "en"
    assert page.one("meta", name="viewport").attrs["content"].startswith("width=device-width")
    for tag in ("header", "nav", "main", "footer", "h1"):
        page.one(tag)
    for sid in ("current", "incidents", "uptime"):
        section = page.one("section", id=sid)
        heading = section.find_all("h2")[0]
        assert section.attrs["aria-labelledby"] == heading.attrs["id"]
    table = page.one("table", id="current-table")
    table.one("caption")
    assert {th.attrs.get("scope") for th in table.find_all("th")} == {"col", "colgroup", "row"}
    assert not page.find_all("script")
    srcs = [v for n in page.walk() for k, v in n.attrs.items() if k in ("src", "href")]
    assert all(
        v.startswith(("#", "data:", "status.json", "https://status.example.com")) for v in srcs
    )
    assert "@import" not in STYLE and "url(" not in STYLE


def test_csp_allows_the_inline_style_by_its_hash_and_no_script() -> None:
    """The CSP names the sha256 of the exact <style> text the page carries, and allows no
    script (default-src 'none')."""
    html = render_html(build_status(scenario(), NOW))
    [style] = re.findall(r"<style>(.*?)</style>", html, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in CSP
    assert "default-src 'none'" in CSP and "script-src" not in CSP


# -- what it shows --------------------------------------------------------------------------------


def test_ninety_bars_with_gaps_marked_as_no_data() -> None:
    """Each provider has exactly 90 day bars, oldest first, ending today; a day without a
    document, or before a provider's first, is "no data"; the rest by the day's failure rate."""
    page = dom(render_html(build_status(scenario(), NOW)))
    bars = {
        s.attrs["data-provider"]: s.find_all("span", class_="day")
        for s in page.find_all("section", class_="history")
    }
    assert set(bars) == {"openai", "anthropic"}
    for days in bars.values():
        assert len(days) == DAYS_SHOWN
        assert [d.attrs["data-date"] for d in days] == [
            (TODAY - timedelta(days=DAYS_SHOWN - 1 - i)).isoformat() for i in range(DAYS_SHOWN)
        ]
    openai = {d.attrs["data-date"]: d for d in bars["openai"]}
    gaps = {(TODAY - timedelta(days=g)).isoformat() for g in (3, 17, 18)}
    assert {k for k, d in openai.items() if d.attrs["data-state"] == NO_DATA} == gaps
    for g in gaps:
        assert openai[g].attrs["aria-label"] == f"{g}: no data"
    assert openai[TODAY.isoformat()].attrs["data-state"] == "down"  # 70% failed today
    assert openai[TODAY.isoformat()].attrs["aria-label"] == (
        f"{TODAY.isoformat()}: Down, 30.00% uptime (10,000 requests, 7,000 failed by the provider)"
    )
    anthropic = [d.attrs["data-state"] for d in bars["anthropic"]]
    assert anthropic == [NO_DATA] * 80 + ["healthy"] * 9 + ["down"]


def test_day_states_follow_the_health_thresholds() -> None:
    """A day is healthy, degraded or down by the same thresholds as the current status, and
    unknown with fewer than min_requests requests."""
    t = Thresholds(min_requests=20, degraded_rate=0.05, down_rate=0.5)
    cases = {0: (100, 0), 1: (100, 5), 2: (100, 50), 3: (19, 0), 4: (0, 0)}
    days = [
        {
            "provider": "p",
            "date": (TODAY - timedelta(days=a)).isoformat(),
            "requests": r,
            "provider_failures": f,
            "failures": f,
        }
        for a, (r, f) in cases.items()
    ]
    [p] = build_status(StatusDocs(days=days), NOW, t).providers
    states = [d.state for d in p.days[-5:]][::-1]
    assert states == ["healthy", "degraded", "down", "unknown", NO_DATA]


def test_current_figures_and_states() -> None:
    """The table shows each provider's and model's status and 5m/1h figures, worst first."""
    page = dom(render_html(build_status(scenario(), NOW)))
    rows = page.find_all("tr", class_="provider")
    assert [r.attrs["data-provider"] for r in rows] == ["openai", "anthropic"]  # down first
    model = page.one("tr", class_="model")
    assert model.attrs["data-model"] == "gpt-4o"
    cells = {
        (c.attrs["data-window"], c.attrs["data-field"]): c.text()
        for c in rows[0].find_all("td")
        if "data-window" in c.attrs
    }
    assert cells[("5m", "requests")] == "100" and cells[("5m", "provider_failures")] == "60"
    assert cells[("5m", "uptime")] == "40.00%" and cells[("1h", "requests")] == "1,000"
    assert rows[0].one("td", data_field="status").text() == "Down"
    assert rows[1].one("td", data_field="status").text() == "Healthy"
    assert page.one("p", id="summary").text() == "2 providers: 1 down, 1 healthy."


def test_updated_at_is_the_newest_as_of() -> None:
    """ "Last updated" is the newest as_of of the provider documents; the render time is now."""
    newest = NOW - timedelta(seconds=40)
    docs = scenario(
        providers=[provider_doc("a", "healthy"), provider_doc("b", "healthy", as_of=newest)]
    )
    data = build_status(docs, NOW)
    assert data.updated_at == newest
    page = dom(render_html(data))
    assert page.one("span", id="updated-at").one("time").attrs["datetime"] == "2026-11-22T12:29:20Z"
    assert (
        page.one("span", id="rendered-at").one("time").attrs["datetime"] == "2026-11-22T12:30:00Z"
    )


def test_an_expired_document_reads_as_unknown() -> None:
    """A provider document past its expire_at (TTL deletion lags) says nothing about now."""
    stale = provider_doc("old", "down", expire_at=NOW - timedelta(minutes=1))
    [p] = build_status(StatusDocs([stale]), NOW).providers
    assert p.status is Status.UNKNOWN and p.windows["5m"].requests == 0


def test_malformed_fields_read_as_no_data() -> None:
    """Wrong types, negative counts, unknown statuses and bad dates never fail the page."""
    bad = {
        "provider": "p",
        "status": "on fire",
        "5m": {"requests": "many", "failures": -3},
        "1h": None,
        "as_of": "yesterday",
    }
    days = [{"provider": "p", "date": "2026-13-45", "requests": 5}, {"provider": "p", "date": 7}]
    incidents = [("i", {"provider": 3, "open": "yes", "opened_at": "now", "distinct_keys": "x"})]
    data = build_status(StatusDocs([bad], [{"model": "m"}], days, incidents), NOW)
    [p] = data.providers
    assert p.status is Status.UNKNOWN and p.windows["5m"].requests == 0
    assert all(d.status is None for d in p.days) and data.incidents == ()
    render_html(data)
    json.dumps(render_json(data))


def test_incidents_open_or_recent_with_the_feeds_word() -> None:
    """Open incidents (however old) and those opened in the last 7 days show, open first, each
    with what the provider's feed says; an older closed one does not."""
    incidents = [
        ("old-closed", incident("a", open=False, opened_at=NOW - timedelta(days=8))),
        ("old-open", incident("a", opened_at=NOW - timedelta(days=30))),
        (
            "recent-closed",
            incident(
                "b", open=False, confirmed_by_provider=False, provider_title="", provider_link=""
            ),
        ),
        (
            "unchecked",
            incident(
                "c",
                confirmed_by_provider=None,
                provider_title="",
                provider_link="",
                opened_at=NOW - timedelta(minutes=5),
            ),
        ),
    ]
    page = dom(render_html(build_status(scenario(incidents=incidents), NOW)))
    shown = page.find_all("li", class_="incident")
    assert [i.attrs["data-incident"] for i in shown] == ["unchecked", "old-open", "recent-closed"]
    words = {i.attrs["data-incident"]: i.one("dd", data_field="confirmation").text() for i in shown}
    assert words == {
        "unchecked": "Provider's status feed not checked",
        "old-open": "Confirmed by the provider: Elevated error rates",
        "recent-closed": "Not reported by the provider",
    }
    assert [i.one("span", class_="badge").text() for i in shown] == ["Open", "Open", "Closed"]
    keys = shown[1].one("dd", data_field="distinct_keys").text()
    assert keys == "42 (threshold 20)"
    no = dom(render_html(build_status(scenario(incidents=[]), NOW)))
    assert "No open incident" in no.one("p", id="no-incidents").text()


@pytest.mark.parametrize(
    ("requests", "failures", "shown"),
    [
        (100_000, 1, "99.99%"),
        (3, 1, "66.66%"),
        (10, 0, "100.00%"),
        (10, 10, "0.00%"),
        (0, 0, "no requests"),
        (5, 9, "0.00%"),
    ],
)
def test_uptime_is_rounded_down(requests: int, failures: int, shown: str) -> None:
    """Uptime shows two decimals rounded down, so a failure never reads as 100.00%."""
    assert percent(requests, failures) == shown


def test_json_shape() -> None:
    """The JSON carries what the page shows: providers with windows, models and 90 days, and
    the incidents with their confirmation; times as ISO 8601 UTC."""
    out = render_json(build_status(scenario(), NOW))
    assert json.loads(json.dumps(out)) == out
    assert set(out) == {
        "version",
        "updated_at",
        "rendered_at",
        "truncated",
        "thresholds",
        "providers",
        "incidents",
    }
    assert out["rendered_at"] == "2026-11-22T12:30:00Z" and out["truncated"] is False
    openai = out["providers"][0]
    assert set(openai) == {"provider", "status", "as_of", "windows", "models", "days"}
    assert openai["provider"] == "openai" and openai["status"] == "down"
    assert openai["windows"]["5m"] == {
        "requests": 100,
        "failures": 70,
        "provider_failures": 60,
        "uptime": pytest.approx(0.4),
        "status": "down",
    }
    assert set(openai["windows"]) == {"5m", "1h"}
    assert [m["model"] for m in openai["models"]] == ["gpt-4o"]
    assert len(openai["days"]) == DAYS_SHOWN
    assert openai["days"][-1]["date"] == TODAY.isoformat()
    gap = next(d for d in openai["days"] if d["date"] == (TODAY - timedelta(days=3)).isoformat())
    assert gap == {
        "date": gap["date"],
        "requests": 0,
        "failures": 0,
        "provider_failures": 0,
        "uptime": None,
        "status": NO_DATA,
    }
    [inc] = out["incidents"]
    assert inc["confirmed_by_provider"] is True and inc["opened_at"] == "2026-11-22T12:10:00Z"


# -- the HTTP function over a fake reader ---------------------------------------------------------


class FakeReader:
    def __init__(self, docs: StatusDocs | Exception) -> None:
        self.docs = docs
        self.calls: list[tuple[date, datetime]] = []

    def read(self, days_since: date, incidents_since: datetime) -> StatusDocs:
        self.calls.append((days_since, incidents_since))
        if isinstance(self.docs, Exception):
            raise self.docs
        return self.docs


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def call(deps: StatusDeps, path: str, method: str = "GET") -> flask.Response:
    app = flask.Flask("status-test")
    with app.test_request_context(path, method=method):
        return status_page(flask.request, deps)


def deps_for(reader: FakeReader, clock: Clock | None = None) -> StatusDeps:
    return StatusDeps(reader, cache=DocsCache(30.0, clock or Clock()), now=lambda: NOW)


def test_http_page_json_and_not_found(capsys: pytest.CaptureFixture[str]) -> None:
    """/ is the HTML page with its CSP, /status.json the JSON, any other path 404 and any other
    method 405; the reads ask for 90 days and 7 days of incidents."""
    reader = FakeReader(scenario())
    deps = deps_for(reader)
    page = call(deps, "/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"] == CSP
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "<table" in page.get_data(as_text=True)
    data = call(deps, "/status.json")
    assert data.status_code == 200 and data.mimetype == "application/json"
    assert json.loads(data.get_data(as_text=True)) == render_json(build_status(scenario(), NOW))
    assert call(deps, "/status").status_code == 404
    assert call(deps, "/../etc/passwd").status_code == 404
    post = call(deps, "/", "POST")
    assert post.status_code == 405 and post.headers["Allow"] == "GET, HEAD"
    assert reader.calls == [(TODAY - timedelta(days=89), NOW - timedelta(days=7))]


def test_http_reads_at_most_once_per_30_seconds() -> None:
    """Requests within 30 s of a read share it; the first one after reads again."""
    clock = Clock()
    reader = FakeReader(scenario())
    deps = deps_for(reader, clock)
    for _ in range(5):
        assert call(deps, "/").status_code == 200
    clock.t += 29.9
    assert call(deps, "/status.json").status_code == 200
    assert len(reader.calls) == 1
    clock.t += 0.1
    call(deps, "/")
    assert len(reader.calls) == 2


def test_http_503_when_firestore_fails_and_nothing_is_cached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failed read answers 503 in plain text, caches nothing, and the next request tries
    again."""
    import logging

    from keywatch_functions import log

    monkeypatch.setattr(log, "logger", lambda: logging.getLogger("status-test"))
    clock = Clock()
    reader = FakeReader(StatusReadError("firestore: ServiceUnavailable"))
    deps = deps_for(reader, clock)
    got = call(deps, "/")
    assert got.status_code == 503 and got.mimetype == "text/plain"
    assert "cannot read the health database" in got.get_data(as_text=True)
    assert got.headers["Retry-After"] == "30" and got.headers["Cache-Control"] == "no-store"
    reader.docs = scenario()
    assert call(deps, "/").status_code == 200
    assert len(reader.calls) == 2


def test_names_reach_the_page_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the function, an untrusted name arrives escaped in HTML and verbatim in JSON."""
    docs = StatusDocs([provider_doc(EVIL, "healthy")])
    deps = deps_for(FakeReader(docs))
    assert "&lt;script&gt;" in call(deps, "/").get_data(as_text=True)
    assert json.loads(call(deps, "/status.json").get_data())["providers"][0]["provider"] == EVIL
