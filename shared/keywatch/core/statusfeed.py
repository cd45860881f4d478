"""Does the provider itself report an incident? Reading its public status feed: pure, no I/O.

When the provider-incident guard opens an incident for (provider, reason), the health run asks
the provider's own status feed whether it agrees (docs/status_feeds.md). This module holds the
feeds (`DEFAULT_FEEDS`, `feeds_from_setting`) and the judgement of one fetched document
(`parse`); adapters/statusfeed.py fetches it.

Two formats:

- "statuspage": Atlassian Statuspage's public `GET /api/v2/summary.json`
  (https://developer.statuspage.io/, each page's own `/api`, e.g.
  https://confluence.status.atlassian.com/api). incident.io pages (OpenAI's) serve the same
  shape at the same path (verified live by cyanheads/devops-status-mcp-server, docs/design.md,
  "Live API Shapes"). Fields
  read: `page.url`, `status.indicator` (none|minor|major|critical, and `maintenance`),
  `components[]` (`id`, `name`, `status`: operational|degraded_performance|partial_outage|
  major_outage|under_maintenance, `group`, `group_id`), `incidents[]` (`name`, `status`:
  investigating|identified|monitoring|resolved|postmortem, `impact`, `shortlink`, `components[]`,
  `incident_updates[].affected_components[]` with `code` and `name`). `/api/v2/incidents.json`
  (no `components`, resolved incidents too) is read by the same rules.
- "google_cloud": Google Cloud Service Health's `https://status.cloud.google.com/incidents.json`
  (https://cloud.google.com/support/docs/dashboard; schema at
  https://status.cloud.google.com/incidents.schema.json): a bare array of incidents, open while
  `end` is absent or empty, with `external_desc`, `severity` (low|medium|high), `status_impact`,
  `uri` (relative to the dashboard) and `affected_products[]` (`title`, `current_title`, `id`).

The verdict (`Corroboration.confirmed`): True when an open incident or a non-operational
component affects a watched component, False when the feed says those components are fine,
None when the document cannot be read. The rules, in order, are `_statuspage` and `_google`.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal
from urllib.parse import urljoin, urlsplit

__all__ = [
    "DEFAULT_FEEDS",
    "FEED_KINDS",
    "SETTING",
    "Corroboration",
    "FeedConfig",
    "FeedKind",
    "feeds_from_setting",
    "judge",
    "parse",
    "unknown",
    "url_problem",
]

FeedKind = Literal["statuspage", "google_cloud"]
FEED_KINDS: Final[tuple[FeedKind, ...]] = ("statuspage", "google_cloud")
SETTING: Final = "KEYWATCH_STATUS_FEEDS"
# Relative incident links in Google's feed (`"uri": "incidents/<id>"`) are relative to this.
GOOGLE_DASHBOARD: Final = "https://status.cloud.google.com/"
_TITLE_CHARS: Final = 200
_LOOPBACK_NAMES: Final = frozenset({"localhost"})
_PROVIDER: Final = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """Where a provider publishes its status, and which of its components keywatch watches.

    `components` are names or ids, matched case-insensitively and whitespace-normalised against
    a Statuspage component's `name` or `id` (an incident's `components[]` and its updates'
    `affected_components[]` too), or a Google product's `title`, `current_title` or `id`. Empty:
    the whole page is watched."""

    provider: str
    kind: FeedKind
    url: str
    components: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Corroboration:
    """What the provider's own feed says. `confirmed`: True (it reports a problem on what we
    watch), False (it says that is fine), None (unknown: no feed, unreachable, unreadable).
    `title` and `link` name the incident (or the component) when True; `checked_at` is when the
    feed was fetched (or the attempt failed); `why` says how the verdict was reached."""

    confirmed: bool | None
    title: str | None
    link: str | None
    checked_at: datetime
    source_url: str
    why: str

    def log_fields(self) -> dict[str, Any]:
        """The top-level log fields the health run writes next to an opened incident."""
        return {
            "confirmed_by_provider": self.confirmed,
            "provider_incident": self.title,
            "provider_incident_link": self.link,
            "status_feed": self.source_url,
            "status_checked_at": self.checked_at.isoformat(),
            "status_why": self.why,
        }


def unknown(why: str, now: datetime, source_url: str = "") -> Corroboration:
    return Corroboration(None, None, None, _utc(now), source_url, why)


# -- the feeds --------------------------------------------------------------------------------

# Google's product for Gemini on Vertex AI: titled "Vertex Gemini API" in incidents, renamed
# "Gemini on Agent Platform" (`current_title`), id from a capture of incidents.json (incident
# 41E5S3mkTGDfkZuJZH5k, 2026-02-27, "Vertex AI Gemini API customers experienced increased error
# rates"); products.json (https://status.cloud.google.com/products.json) lists them all. The
# Gemini Developer API (AI Studio keys) has no machine-readable feed (docs/status_feeds.md): the
# Vertex product is the nearest thing Google publishes, and shares its serving with it.
_VERTEX_GEMINI: Final = ("Vertex Gemini API", "Gemini on Agent Platform", "Z0FZJAMvEB4j3NbCJs6B")
_GOOGLE_INCIDENTS: Final = "https://status.cloud.google.com/incidents.json"


def _feed(provider: str, kind: FeedKind, url: str, *components: str) -> FeedConfig:
    return FeedConfig(provider, kind, url, components)


# Component names as the live pages list them (docs/status_feeds.md says where each was read).
DEFAULT_FEEDS: Final[Mapping[str, FeedConfig]] = {
    f.provider: f
    for f in (
        # incident.io, Statuspage-compatible; one component per API surface beside ChatGPT's.
        _feed(
            "openai",
            "statuspage",
            "https://status.openai.com/api/v2/summary.json",
            "Chat Completions",
            "Responses",
            "Embeddings",
            "Realtime",
            "Audio",
            "Images",
            "Batch",
            "Files",
            "Fine-tuning",
            "Moderations",
        ),
        # Atlassian Statuspage; status.anthropic.com redirects to this host, and the client
        # follows no redirect to another host.
        _feed(
            "anthropic",
            "statuspage",
            "https://status.claude.com/api/v2/summary.json",
            "Claude API (api.anthropic.com)",
        ),
        # Atlassian Statuspage (status.groq.com redirects here); besides per-model components
        # it has a plain "API" one.
        _feed("groq", "statuspage", "https://groqstatus.com/api/v2/summary.json", "API"),
        _feed("gemini", "google_cloud", _GOOGLE_INCIDENTS, *_VERTEX_GEMINI),
        _feed("google", "google_cloud", _GOOGLE_INCIDENTS, *_VERTEX_GEMINI),
        _feed(
            "vertex",
            "google_cloud",
            _GOOGLE_INCIDENTS,
            *_VERTEX_GEMINI,
            "Vertex AI Online Prediction",
        ),
        _feed(
            "vertex_ai",
            "google_cloud",
            _GOOGLE_INCIDENTS,
            *_VERTEX_GEMINI,
            "Vertex AI Online Prediction",
        ),
        # No default for OpenRouter: status.openrouter.ai serves no public JSON (its
        # /api/v2/summary.json answers 404); add one with KEYWATCH_STATUS_FEEDS if that changes.
    )
}


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a feed's address, or None: an absolute https:// URL without
    credentials (plain http only to a loopback address: a local stand-in)."""
    if not isinstance(url, str) or not url or any(c.isspace() or ord(c) < 32 for c in url):
        return "it must be an absolute URL without spaces"
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "its port is not a number from 0 to 65535"
    if not host:
        return "it must be an absolute https:// URL"
    if parts.username is not None or parts.password is not None:
        return "it must not carry credentials"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and _is_loopback(host):
        return None
    return f"it must be https:// (plain http only to a loopback address), not {parts.scheme}://"


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def feeds_from_setting(text: str | None) -> dict[str, FeedConfig]:
    """The feeds to use: DEFAULT_FEEDS with KEYWATCH_STATUS_FEEDS applied over them.

    The setting is a JSON object from provider to an object with `url`, `components` (a list of
    names or ids) and `kind` ("statuspage" or "google_cloud"), or to null to drop the provider's
    feed. A provider with a default inherits what it does not set; a new one needs `url` (its
    `kind` defaults to "statuspage"). Empty or blank: the defaults. Raises ValueError naming the
    provider and the problem."""
    feeds = dict(DEFAULT_FEEDS)
    if text is None or not text.strip():
        return feeds
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{SETTING} is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ValueError(
            f'{SETTING} must be a JSON object from provider to {{"url": ..., "components": [...]}}'
            f" or null, not {_json_type(doc)}"
        )
    for name, entry in doc.items():
        where = f"{SETTING}[{name!r}]"
        if not _PROVIDER.fullmatch(name):
            raise ValueError(f"{where}: a provider is lowercase letters, digits, '_', '-' or '.'")
        if entry is None:
            feeds.pop(name, None)
            continue
        if not isinstance(entry, dict):
            raise ValueError(f"{where} must be an object or null, not {_json_type(entry)}")
        extra = sorted(set(entry) - {"url", "components", "kind"})
        if extra:
            raise ValueError(f"{where} has unknown fields {extra}: use url, components, kind")
        base = feeds.get(name)
        kind = entry.get("kind", base.kind if base else "statuspage")
        if kind not in FEED_KINDS:
            raise ValueError(f"{where}.kind must be one of {list(FEED_KINDS)}, not {kind!r}")
        url = entry.get("url", base.url if base else None)
        if url is None:
            raise ValueError(f"{where} needs a url: {name!r} has no default feed")
        problem = url_problem(url)
        if problem:
            raise ValueError(f"{where}.url {url!r}: {problem}")
        components = entry.get("components", list(base.components) if base else [])
        if not isinstance(components, list) or not all(
            isinstance(c, str) and c.strip() for c in components
        ):
            raise ValueError(f"{where}.components must be a list of non-empty names or ids")
        feeds[name] = FeedConfig(name, kind, url, tuple(c.strip() for c in components))
    return feeds


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


# -- reading a document -----------------------------------------------------------------------


def parse(
    kind: FeedKind,
    body: bytes,
    components: Sequence[str],
    now: datetime,
    *,
    source_url: str = "",
) -> Corroboration:
    """The verdict on one fetched feed body. `now` is when it was fetched."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        return unknown(f"the feed is not JSON ({_line(str(exc), 80)})", now, source_url)
    return judge(kind, document, components, now, source_url=source_url)


def judge(
    kind: FeedKind,
    document: Any,
    components: Sequence[str],
    now: datetime,
    *,
    source_url: str = "",
) -> Corroboration:
    """The verdict on a decoded feed document (the client caches documents, not bytes)."""
    names = tuple(c.strip() for c in components if c.strip())
    if kind == "statuspage":
        return _statuspage(document, names, _utc(now), source_url)
    if kind == "google_cloud":
        return _google(document, names, _utc(now), source_url)
    return unknown(f"unknown feed kind {kind!r}", now, source_url)


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _line(text: str, limit: int = _TITLE_CHARS) -> str:
    """One printable line of at most `limit` characters (feed text is not ours)."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def _link(value: Any, base: str) -> str | None:
    """An http(s) link from the feed, resolved against `base`; nothing else (a feed is not
    trusted to hand the on-call engineer a javascript: URL)."""
    text = _str(value).strip()
    if not text:
        return None
    resolved = urljoin(base, text) if base else text
    return resolved if urlsplit(resolved).scheme in ("https", "http") else None


def _names(items: Iterable[str]) -> str:
    """A few names for `why`, in the order given, without repeats."""
    listed = list(dict.fromkeys(items))
    shown = ", ".join(listed[:4])
    return shown + (f" and {len(listed) - 4} more" if len(listed) > 4 else "")


# Statuspage ------------------------------------------------------------------------------------

# Statuspage's incident lifecycle: anything else is open (investigating, identified, monitoring,
# or an incident.io state this code does not know).
_CLOSED_INCIDENT: Final = frozenset({"resolved", "postmortem", "completed"})
# Impact order, to name the worst of several incidents; an unknown or absent impact ranks as minor.
_IMPACT_RANK: Final = {"none": 0, "minor": 1, "major": 2, "critical": 3}


@dataclass(frozen=True, slots=True)
class _Component:
    id: str
    name: str
    status: str
    group_id: str

    def keys(self) -> set[str]:
        return {k for k in (_norm(self.id), _norm(self.name)) if k}


def _components(page: dict[str, Any]) -> list[_Component] | None:
    raw = page.get("components")
    if not isinstance(raw, list):
        return None
    return [
        _Component(
            _str(c.get("id")),
            _str(c.get("name")),
            _str(c.get("status")).lower(),
            _str(c.get("group_id")),
        )
        for c in _dicts(raw)
    ]


def _incident_keys(incident: dict[str, Any]) -> set[str]:
    """The components an incident names: its `components[]` and every update's
    `affected_components[]` (Atlassian often fills only the latter)."""
    keys: set[str] = set()
    for component in _dicts(incident.get("components")):
        keys.update(_norm(_str(component.get(f))) for f in ("id", "name"))
    for update in _dicts(incident.get("incident_updates")):
        for component in _dicts(update.get("affected_components")):
            keys.update(_norm(_str(component.get(f))) for f in ("code", "name"))
    keys.discard("")
    return keys


def _statuspage(page: Any, names: tuple[str, ...], now: datetime, source_url: str) -> Corroboration:
    if not isinstance(page, dict) or not {"status", "components", "incidents"} & set(page):
        why = "not a Statuspage document (no status, components or incidents)"
        return unknown(why, now, source_url)
    info = page.get("page")
    home = (_link(info.get("url"), "") if isinstance(info, dict) else None) or source_url or None
    components = _components(page)
    listed = components or []
    incidents = [
        i
        for i in _dicts(page.get("incidents"))
        if _str(i.get("status")).lower() not in _CLOSED_INCIDENT
    ]
    raw_status = page.get("status")
    status: dict[str, Any] = raw_status if isinstance(raw_status, dict) else {}
    indicator = _str(status.get("indicator")).lower()

    # What is watched here: the configured components the page lists, a listed group's members,
    # and their ids (incidents may name a component by id only). None of them listed means the
    # configuration went stale (a rename): the whole page is judged (scope None), and `why` says
    # so. A document with no component list (incidents.json) is judged on the incidents that
    # name a configured component.
    watched = {_norm(n) for n in names}
    scope: set[str] | None = watched or None
    note = ""
    if watched and components is not None:
        mine = [c for c in components if c.keys() & watched]
        groups = {c.id for c in mine if c.id}
        mine += [c for c in components if c.group_id in groups and c not in mine]
        if mine:
            scope = watched.union(*(c.keys() for c in mine))
        else:
            scope = None
            note = f"; none of {_names(names)} is on the page, so the whole page was judged"

    for rule in _STATUSPAGE_RULES:
        verdict = rule(incidents, listed, status, scope)
        if verdict is not None:
            title, link_value, why = verdict
            link = _link(link_value, "") if link_value else None
            return Corroboration(True, title, link or home, now, source_url, why + note)

    if components is None and "incidents" not in page:
        # status.json: only the page's indicator, which names no component.
        if indicator == "none":
            return Corroboration(False, None, None, now, source_url, "the page's indicator is none")
        why = (
            f"the page's indicator is {indicator or 'absent'}, and the document has no component"
            " or incident list to tell what is affected"
        )
        return unknown(why, now, source_url)

    # All clear for what is watched; say what is wrong elsewhere, for the on-call reader.
    tail = []
    elsewhere = [c for c in listed if c.status and c.status != "operational"]
    if elsewhere:
        tail.append(f"not operational elsewhere: {_names(c.name or c.id for c in elsewhere)}")
    if incidents:
        n = len(incidents)
        tail.append(f"{n} open incident{'s' if n > 1 else ''} on other components")
    if "incidents" not in page:
        tail.append("the document lists no incidents")
    what = _names(names) if scope is not None else "the page"
    why = f"{what}: operational, no open incident" + "".join(f"; {t}" for t in tail)
    return Corroboration(False, None, None, now, source_url, why + note)


_Verdict = tuple[str, str | None, str]  # title, link (None: the page's), why


def _sp_incident(
    incidents: list[dict[str, Any]],
    listed: list[_Component],
    status: dict[str, Any],
    scope: set[str] | None,
) -> _Verdict | None:
    """An open incident on a watched component, or one naming no component at all (page-wide,
    as Statuspage shows it); the worst by impact, those naming a watched component first.
    Impact "none" is a notice, not a problem."""
    hits: list[tuple[int, int, dict[str, Any], str]] = []
    for incident in incidents:
        impact = _str(incident.get("impact")).lower()
        if impact == "none":
            continue
        named = _incident_keys(incident)
        rank = _IMPACT_RANK.get(impact, 1)
        if scope is None:
            hits.append((1, rank, incident, "on the page"))
        elif named & scope:
            shown = [c.name or c.id for c in listed if c.keys() & named & scope]
            hits.append((1, rank, incident, "on " + _names(shown or sorted(named & scope))))
        elif not named:
            hits.append((0, rank, incident, "naming no component (page-wide)"))
    if not hits:
        return None
    _, _, incident, where = max(hits, key=lambda h: (h[0], h[1]))
    state = _str(incident.get("status")) or "open"
    impact = _str(incident.get("impact"))
    why = f"open incident ({state}{', impact ' + impact if impact else ''}) {where}"
    title = _line(_str(incident.get("name"))) or "an unnamed incident"
    return title, _str(incident.get("shortlink")) or None, why


def _sp_component(
    incidents: list[dict[str, Any]],
    listed: list[_Component],
    status: dict[str, Any],
    scope: set[str] | None,
) -> _Verdict | None:
    """A watched component that is not operational: any status but "operational", maintenance
    included (an unknown state is not a healthy one)."""
    down = [
        c
        for c in listed
        if c.status and c.status != "operational" and (scope is None or c.keys() & scope)
    ]
    if not down:
        return None
    worst = down[0]
    them = "it" if len(down) == 1 else "them"
    why = f"{_names(c.name or c.id for c in down)} not operational, no open incident names {them}"
    return _line(f"{worst.name or worst.id}: {worst.status.replace('_', ' ')}"), None, why


def _sp_indicator(
    incidents: list[dict[str, Any]],
    listed: list[_Component],
    status: dict[str, Any],
    scope: set[str] | None,
) -> _Verdict | None:
    """Judging the whole page: its own indicator, when it is not "none"."""
    indicator = _str(status.get("indicator")).lower()
    if scope is not None or indicator in ("", "none"):
        return None
    title = _line(_str(status.get("description"))) or f"status indicator {indicator}"
    return title, None, f"the page's indicator is {indicator}"


# The order in which the Statuspage rules are tried: the first verdict wins.
_STATUSPAGE_RULES: Final = (_sp_incident, _sp_component, _sp_indicator)


# Google Cloud ----------------------------------------------------------------------------------

_SEVERITY_RANK: Final = {"low": 1, "medium": 2, "high": 3}


def _is_open(incident: dict[str, Any], now: datetime) -> bool:
    """Open while `end` is absent, null or empty (the feed's only resolution signal), or still
    in the future. An `end` that is not a time is taken as closed: the field is there."""
    end = incident.get("end")
    if end is None or (isinstance(end, str) and not end.strip()):
        return True
    try:
        return _utc(datetime.fromisoformat(str(end).strip())) > now
    except (ValueError, OverflowError):
        return False


def _product_keys(incident: dict[str, Any]) -> set[str]:
    keys = {
        _norm(_str(p.get(f)))
        for p in _dicts(incident.get("affected_products"))
        for f in ("title", "current_title", "id")
    }
    keys.discard("")
    return keys


def _product_names(incident: dict[str, Any]) -> list[str]:
    return [
        _str(p.get("title")) or _str(p.get("id")) for p in _dicts(incident.get("affected_products"))
    ]


def _google(
    incidents: Any, names: tuple[str, ...], now: datetime, source_url: str
) -> Corroboration:
    if not isinstance(incidents, list):
        why = "not a Google Cloud incidents.json (not a list of incidents)"
        return unknown(why, now, source_url)
    watched = {_norm(n) for n in names}
    open_ = [i for i in _dicts(incidents) if _is_open(i, now)]
    # Every open incident counts, SERVICE_INFORMATION included: Google filed the 2026-02-27
    # Gemini error spike (429s and 503s for two hours) as SERVICE_INFORMATION, severity low.
    hits: list[tuple[int, dict[str, Any]]] = []
    for incident in open_:
        named = _product_keys(incident)
        if not watched or named & watched:
            hits.append((1, incident))
        elif not named:
            hits.append((0, incident))
    if hits:
        rank, incident = max(
            hits,
            key=lambda h: (
                h[0],
                _SEVERITY_RANK.get(_str(h[1].get("severity")).lower(), 1),
                _str(h[1].get("begin")),
            ),
        )
        severity = _str(incident.get("severity")) or "unknown"
        impact = _str(incident.get("status_impact")) or "unknown impact"
        where = f"on {_names(_product_names(incident))}" if rank else "naming no product"
        lines = _str(incident.get("external_desc")).strip().splitlines()
        return Corroboration(
            True,
            _line(lines[0]) if lines else "an unnamed incident",
            _link(incident.get("uri"), GOOGLE_DASHBOARD) or GOOGLE_DASHBOARD,
            now,
            source_url,
            f"open incident ({impact}, severity {severity}) {where}",
        )
    what = _names(names) if names else "any product"
    tail = f"; {len(open_)} open on other products" if open_ else ""
    return Corroboration(False, None, None, now, source_url, f"no open incident on {what}{tail}")
