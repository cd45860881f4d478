"""Reading the providers' status feeds (keywatch.core.statusfeed): recorded documents, the
matching rules, and the KEYWATCH_STATUS_FEEDS override."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from keywatch.core.statusfeed import (
    DEFAULT_FEEDS,
    SETTING,
    FeedConfig,
    feeds_from_setting,
    judge,
    parse,
    url_problem,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "statusfeeds"
NOW = datetime(2026, 9, 25, 20, 0, tzinfo=UTC)


def body(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def doc(name: str) -> Any:
    return json.loads(body(name))


def verdict(provider: str, name: str, components: tuple[str, ...] | None = None) -> Any:
    feed = DEFAULT_FEEDS[provider]
    comps = feed.components if components is None else components
    return parse(feed.kind, body(name), comps, NOW, source_url=feed.url)


# -- the recorded documents -------------------------------------------------------------------

# (provider, document, confirmed, title, link)
RECORDED = [
    (
        "openai",
        "openai_summary_incident.json",
        True,
        "Elevated error rates for Chat Completions and Responses",
        "https://status.openai.com/incidents/01K5XQ3W8T2JZ9N4V7B6C1D0EF",
    ),
    ("openai", "openai_summary_operational.json", False, None, None),
    ("openai", "openai_summary_unrelated.json", False, None, None),
    (
        "anthropic",
        "anthropic_summary_incident.json",
        True,
        "Elevated errors on the API and claude.ai",
        "https://stspg.io/w8c5bq2n7k4x",
    ),
    ("groq", "groq_summary_operational.json", False, None, None),
    (
        "gemini",
        "google_incidents_open_gemini.json",
        True,
        "Vertex Gemini API customers are experiencing elevated 429 and 503 errors in us-central1"
        " and the global endpoint.",
        "https://status.cloud.google.com/incidents/Vq3nR8mKx2LbT5wYc7Hd",
    ),
    ("vertex", "google_incidents_open_gemini.json", True, None, None),
    ("gemini", "google_incidents_closed.json", False, None, None),
    ("gemini", "google_incidents_unrelated.json", False, None, None),
    ("openai", "malformed_truncated.json", None, None, None),
    ("gemini", "malformed_truncated.json", None, None, None),
]


@pytest.mark.parametrize(("provider", "name", "confirmed", "title", "link"), RECORDED)
def test_recorded_documents(
    provider: str, name: str, confirmed: bool | None, title: str | None, link: str | None
) -> None:
    """Each recorded feed gives the verdict, title and link the on-call engineer should see."""
    c = verdict(provider, name)
    assert c.confirmed is confirmed, c.why
    assert c.checked_at == NOW and c.source_url == DEFAULT_FEEDS[provider].url
    if title is not None:
        assert c.title == title
    if link is not None:
        assert c.link == link
    if confirmed is not True:
        assert c.title is None and c.link is None
    assert c.why and "\n" not in c.why


def test_incident_named_only_in_its_updates_counts() -> None:
    """Atlassian pages often leave an incident's own component list empty and name the
    components in the updates' affected_components: those are read."""
    page = doc("anthropic_summary_incident.json")
    assert page["incidents"][0]["components"] == []
    c = verdict("anthropic", "anthropic_summary_incident.json")
    assert c.confirmed is True
    assert "identified, impact major" in c.why and "Claude API (api.anthropic.com)" in c.why


def test_unrelated_incident_is_named_in_why() -> None:
    """A problem elsewhere on the page does not confirm, and `why` says what it is."""
    c = verdict("openai", "openai_summary_unrelated.json")
    assert c.confirmed is False
    assert "Video generation" in c.why and "1 open incident on other components" in c.why


def test_google_open_incident_on_another_product_does_not_confirm() -> None:
    """An open BigQuery incident says nothing about Gemini."""
    c = verdict("gemini", "google_incidents_unrelated.json")
    assert c.confirmed is False and "1 open on other products" in c.why


def test_malformed_says_why() -> None:
    c = verdict("openai", "malformed_truncated.json")
    assert c.confirmed is None and c.why.startswith("the feed is not JSON")


# -- the Statuspage rules ---------------------------------------------------------------------


def summary(**changes: Any) -> dict[str, Any]:
    page: dict[str, Any] = copy.deepcopy(doc("openai_summary_operational.json"))
    page.update(changes)
    return page


def component(page: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in page["components"] if c["name"] == name)


def incident(name: str = "Degraded API", impact: str = "major", **fields: Any) -> dict[str, Any]:
    return {
        "id": "inc1",
        "name": name,
        "status": "investigating",
        "impact": impact,
        "shortlink": "https://stspg.io/abc",
        "components": [],
        "incident_updates": [],
        **fields,
    }


OPENAI = DEFAULT_FEEDS["openai"].components


def test_non_operational_component_without_incident_confirms() -> None:
    """A watched component marked down (maintenance included) confirms, linking the page."""
    page = summary()
    component(page, "Responses")["status"] = "under_maintenance"
    c = judge("statuspage", page, OPENAI, NOW)
    assert c.confirmed is True
    assert c.title == "Responses: under maintenance" and c.link == "https://status.openai.com"


def test_incident_naming_no_component_is_page_wide() -> None:
    """An open incident that names no component is taken as the whole page's."""
    c = judge("statuspage", summary(incidents=[incident()]), OPENAI, NOW)
    assert c.confirmed is True and "naming no component" in c.why


def test_incident_matched_by_component_id() -> None:
    """incident.io may name a component by id only; the page's list maps it to the name."""
    page = summary()
    cid = component(page, "Embeddings")["id"]
    updates = [{"affected_components": [{"code": cid, "new_status": "degraded_performance"}]}]
    c = judge("statuspage", summary(incidents=[incident(incident_updates=updates)]), OPENAI, NOW)
    assert c.confirmed is True and "Embeddings" in c.why


def test_a_named_incident_beats_a_page_wide_one() -> None:
    """Of several open incidents, one naming a watched component is reported first."""
    on_it = incident("Chat down", "minor", components=[{"name": "Chat Completions"}])
    page = summary(incidents=[incident("Everything", "critical"), on_it])
    assert judge("statuspage", page, OPENAI, NOW).title == "Chat down"


@pytest.mark.parametrize("status", ["resolved", "postmortem"])
def test_closed_incidents_are_ignored(status: str) -> None:
    page = summary(incidents=[incident(status=status, components=[{"name": "Responses"}])])
    assert judge("statuspage", page, OPENAI, NOW).confirmed is False


def test_impact_none_is_a_notice() -> None:
    """An open incident of impact none (a notice, e.g. a limits reset) does not confirm."""
    page = summary(incidents=[incident(impact="none", components=[{"name": "Responses"}])])
    assert judge("statuspage", page, OPENAI, NOW).confirmed is False


def test_names_match_whatever_the_case_and_spacing() -> None:
    c = judge("statuspage", doc("openai_summary_incident.json"), ("  chat   COMPLETIONS ",), NOW)
    assert c.confirmed is True


def test_stale_component_names_judge_the_whole_page() -> None:
    """None of the configured names on the page (a rename): the whole page is judged, and
    `why` says so rather than reporting a healthy component that no longer exists."""
    c = judge("statuspage", doc("openai_summary_unrelated.json"), ("API",), NOW)
    assert c.confirmed is True
    assert "none of API is on the page, so the whole page was judged" in c.why


def test_no_components_configured_watches_the_page() -> None:
    unrelated = doc("openai_summary_unrelated.json")
    assert judge("statuspage", unrelated, (), NOW).confirmed is True
    assert judge("statuspage", doc("openai_summary_operational.json"), (), NOW).confirmed is False


def test_group_members_are_watched() -> None:
    """Configuring a component group watches its members."""
    page = summary()
    page["components"].append({"id": "grp", "name": "APIs", "status": "operational", "group": True})
    component(page, "Files")["group_id"] = "grp"
    component(page, "Files")["status"] = "partial_outage"
    assert judge("statuspage", page, ("APIs",), NOW).confirmed is True


def test_incidents_json_without_components() -> None:
    """/api/v2/incidents.json (no component list, resolved incidents too) reads by the same
    rules."""
    named = incident(components=[{"name": "Chat Completions"}])
    other = incident("Sora", components=[{"name": "Video generation"}])
    page = {"url": "https://status.openai.com"}
    assert judge("statuspage", {"page": page, "incidents": [other]}, OPENAI, NOW).confirmed is False
    both = {"page": page, "incidents": [other, named]}
    assert judge("statuspage", both, OPENAI, NOW).confirmed is True


@pytest.mark.parametrize(
    ("indicator", "confirmed"), [("none", False), ("minor", None), ("critical", None)]
)
def test_status_json_alone(indicator: str, confirmed: bool | None) -> None:
    """status.json has only the page's indicator: "none" clears, anything else cannot say
    which component."""
    doc_ = {"page": {"url": "https://x"}, "status": {"indicator": indicator}}
    assert judge("statuspage", doc_, OPENAI, NOW).confirmed is confirmed


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("statuspage", []),
        ("statuspage", {"data": []}),
        ("statuspage", "All Systems Operational"),
        ("google_cloud", {"incidents": []}),
        ("google_cloud", None),
    ],
)
def test_wrong_shapes_are_unknown(kind: Any, document: Any) -> None:
    assert judge(kind, document, ("x",), NOW).confirmed is None


@pytest.mark.parametrize(
    "raw", [b"", b"<html><body>Sign in</body></html>", b"\xff\xfe\xfa", b"[" * 100_000]
)
def test_unreadable_bodies_are_unknown(raw: bytes) -> None:
    assert parse("statuspage", raw, OPENAI, NOW).confirmed is None


def test_feed_text_is_one_line_and_links_are_http() -> None:
    """Titles from the feed are one printable line; a link that is not http(s) is dropped for
    the page's own."""
    bad = incident("Down\nnow\x07" + "x" * 500, shortlink="javascript:alert(1)")
    c = judge("statuspage", summary(incidents=[bad]), (), NOW)
    assert c.title is not None and "\n" not in c.title and len(c.title) <= 200
    assert c.link == "https://status.openai.com"


# -- the Google Cloud rules -------------------------------------------------------------------


def gemini_open() -> dict[str, Any]:
    return copy.deepcopy(doc("google_incidents_open_gemini.json")[0])


GEMINI = DEFAULT_FEEDS["gemini"].components


@pytest.mark.parametrize("end", [None, "", "  ", (NOW + timedelta(hours=1)).isoformat()])
def test_google_open_while_end_is_absent_empty_or_ahead(end: str | None) -> None:
    record = gemini_open()
    record["end"] = end
    assert judge("google_cloud", [record], GEMINI, NOW).confirmed is True


def test_google_closed_once_end_has_passed() -> None:
    record = gemini_open()
    record["end"] = "2026-09-24T15:10:00+00:00"
    assert judge("google_cloud", [record], GEMINI, NOW).confirmed is False


@pytest.mark.parametrize(
    "product",
    [
        {"title": "Vertex Gemini API"},
        {"current_title": "Gemini on Agent Platform"},
        {"id": "Z0FZJAMvEB4j3NbCJs6B"},
    ],
)
def test_google_product_matched_by_title_current_title_or_id(product: dict[str, str]) -> None:
    """Google renames products (current_title) and keeps their ids."""
    record = gemini_open()
    record["affected_products"] = [product]
    assert judge("google_cloud", [record], GEMINI, NOW).confirmed is True


def test_google_service_information_counts() -> None:
    """SERVICE_INFORMATION is how Google filed the 2026-02-27 Gemini error spike: it counts."""
    record = copy.deepcopy(doc("google_incidents_closed.json")[1])
    assert record["status_impact"] == "SERVICE_INFORMATION"
    del record["end"]
    c = judge("google_cloud", [record], GEMINI, NOW)
    assert c.confirmed is True and "SERVICE_INFORMATION, severity low" in c.why
    assert c.link == "https://status.cloud.google.com/incidents/41E5S3mkTGDfkZuJZH5k"


def test_google_worst_open_incident_is_reported() -> None:
    low = gemini_open() | {"severity": "low", "external_desc": "minor thing"}
    high = gemini_open() | {"severity": "high", "external_desc": "big thing"}
    assert judge("google_cloud", [low, high], GEMINI, NOW).title == "big thing"


# -- the feeds and the setting ----------------------------------------------------------------


def test_default_feeds_are_https_and_name_components() -> None:
    """Every default feed is a valid https URL with components; OpenRouter has none (it
    publishes no JSON feed), Anthropic's is the host status.anthropic.com redirects to."""
    for name, feed in DEFAULT_FEEDS.items():
        assert feed.provider == name and url_problem(feed.url) is None, name
        assert feed.url.startswith("https://") and feed.components, name
    assert "openrouter" not in DEFAULT_FEEDS
    assert DEFAULT_FEEDS["anthropic"].url == "https://status.claude.com/api/v2/summary.json"
    assert {DEFAULT_FEEDS[p].kind for p in ("gemini", "google", "vertex")} == {"google_cloud"}


@pytest.mark.parametrize("text", [None, "", "   \n"])
def test_empty_setting_is_the_defaults(text: str | None) -> None:
    assert feeds_from_setting(text) == dict(DEFAULT_FEEDS)


def test_setting_overrides_adds_and_drops() -> None:
    """Known providers inherit what the setting leaves out; a new one needs a url; null drops."""
    feeds = feeds_from_setting(
        json.dumps(
            {
                "openai": {"components": ["Responses"]},
                "mistral": {"url": "https://status.mistral.ai/api/v2/summary.json"},
                "local": {
                    "url": "http://127.0.0.1:8091/google/incidents.json",
                    "kind": "google_cloud",
                },
                "groq": None,
            }
        )
    )
    assert feeds["openai"] == FeedConfig(
        "openai", "statuspage", DEFAULT_FEEDS["openai"].url, ("Responses",)
    )
    assert feeds["mistral"].kind == "statuspage" and feeds["mistral"].components == ()
    assert feeds["local"].kind == "google_cloud"
    assert "groq" not in feeds and feeds["anthropic"] == DEFAULT_FEEDS["anthropic"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{nope", "is not JSON"),
        ('["openai"]', "must be a JSON object"),
        ('{"OpenAI": {}}', "a provider is lowercase"),
        ('{"openai": "https://x"}', "must be an object or null, not a string"),
        ('{"openai": {"component": ["x"]}}', "unknown fields ['component']"),
        ('{"openai": {"kind": "rss"}}', "kind must be one of"),
        ('{"mistral": {"components": ["API"]}}', "needs a url"),
        ('{"mistral": {"url": "http://status.mistral.ai/x.json"}}', "must be https://"),
        ('{"mistral": {"url": "https://u:p@status.mistral.ai/x"}}', "must not carry credentials"),
        ('{"mistral": {"url": "status.mistral.ai/x"}}', "absolute"),
        ('{"openai": {"components": "Responses"}}', "must be a list of non-empty"),
        ('{"openai": {"components": [""]}}', "must be a list of non-empty"),
    ],
)
def test_setting_errors_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=SETTING) as info:
        feeds_from_setting(text)
    assert message in str(info.value)


def test_log_fields() -> None:
    """The fields the health run logs next to an opened incident."""
    fields = verdict("openai", "openai_summary_incident.json").log_fields()
    assert fields["confirmed_by_provider"] is True
    assert fields["provider_incident_link"].startswith("https://status.openai.com/incidents/")
    assert fields["status_checked_at"] == NOW.isoformat()
    assert set(fields) == {
        "confirmed_by_provider",
        "provider_incident",
        "provider_incident_link",
        "status_feed",
        "status_checked_at",
        "status_why",
    }


def test_corpus_is_what_the_docs_list() -> None:
    """Every recorded document is exercised above and listed in docs/status_feeds.md."""
    names = sorted(p.name for p in CORPUS.glob("*.json"))
    assert names == sorted({name for _, name, *_ in RECORDED})
    listing = (CORPUS.parents[2] / "docs" / "status_feeds.md").read_text()
    assert all(name in listing for name in names)


def test_the_documented_setting_example_parses() -> None:
    """The KEYWATCH_STATUS_FEEDS example in docs/status_feeds.md is a valid setting."""
    text = (CORPUS.parents[2] / "docs" / "status_feeds.md").read_text()
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    feeds = feeds_from_setting(example)
    assert feeds["openai"].components == ("Chat Completions", "Responses")
    assert feeds["mistral"].components == ("API",) and "groq" not in feeds
