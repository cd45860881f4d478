"""StatusFeedClient against the local status feed stand-in: real HTTP, recorded documents, and
each way a feed fails (malformed, hanging, trickling, 503, redirected, oversized)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from keywatch.core.statusfeed import DEFAULT_FEEDS, Corroboration, FeedConfig
from keywatch_functions.adapters.statusfeed import StatusFeedClient
from keywatch_ops.devstack.statusfeed_standin import (
    StatusFeedStandIn,
    StatusFeedStandInClient,
    path_for,
)

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "statusfeeds"
OPENAI = path_for(DEFAULT_FEEDS["openai"])
GOOGLE = path_for(DEFAULT_FEEDS["gemini"])
TIMEOUT_S = 0.5
MARGIN_S = 0.75  # two cores are busy with other suites: generous, and still far below a hang


class FakeClock:
    """The cache's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def standin() -> Iterator[StatusFeedStandIn]:
    with StatusFeedStandIn() as s:
        s.serve_file(OPENAI, CORPUS / "openai_summary_incident.json")
        s.serve_file(GOOGLE, CORPUS / "google_incidents_open_gemini.json")
        yield s


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(standin: StatusFeedStandIn, clock: FakeClock) -> StatusFeedClient:
    return StatusFeedClient(standin.feeds(), timeout_s=TIMEOUT_S, cache_ttl_s=60, clock=clock)


def timed(client: StatusFeedClient, provider: str) -> tuple[Corroboration, float]:
    start = time.monotonic()
    c = client.corroborate(provider)
    return c, time.monotonic() - start


def test_open_incident(standin: StatusFeedStandIn, client: StatusFeedClient) -> None:
    """An open incident on a watched component: confirmed, with its title and link."""
    c = client.corroborate("openai")
    assert c.confirmed is True, c.why
    assert c.title == "Elevated error rates for Chat Completions and Responses"
    assert c.link == "https://status.openai.com/incidents/01K5XQ3W8T2JZ9N4V7B6C1D0EF"
    assert c.source_url == standin.url + OPENAI
    assert abs(time.time() - c.checked_at.timestamp()) < 5


def test_google_open_incident(client: StatusFeedClient) -> None:
    c = client.corroborate("gemini")
    assert c.confirmed is True and c.link is not None
    assert c.link.startswith("https://status.cloud.google.com/incidents/")


@pytest.mark.parametrize(
    ("path", "name", "provider"),
    [
        (OPENAI, "openai_summary_operational.json", "openai"),
        (OPENAI, "openai_summary_unrelated.json", "openai"),
        (GOOGLE, "google_incidents_closed.json", "vertex"),
    ],
)
def test_nothing_on_what_is_watched(
    standin: StatusFeedStandIn, client: StatusFeedClient, path: str, name: str, provider: str
) -> None:
    """All operational, or a problem only elsewhere: not confirmed."""
    standin.serve_file(path, CORPUS / name)
    c = client.corroborate(provider)
    assert c.confirmed is False, c.why
    assert c.title is None and c.link is None


def test_malformed(standin: StatusFeedStandIn, client: StatusFeedClient, clock: FakeClock) -> None:
    """A recorded truncated body, and the stand-in's own malformed mode: unknown."""
    standin.serve_file(OPENAI, CORPUS / "malformed_truncated.json")
    c = client.corroborate("openai")
    assert c.confirmed is None and c.why.startswith("the feed is not JSON"), c.why
    standin.malformed(GOOGLE)
    assert client.corroborate("gemini").confirmed is None


@pytest.mark.parametrize("mode", ["hang", "trickle"])
def test_slow_feed_is_cut_at_the_deadline(
    standin: StatusFeedStandIn, client: StatusFeedClient, mode: str
) -> None:
    """A feed that never answers, or sends a byte every 0.2 s, is given `timeout_s` in all."""
    if mode == "hang":
        standin.hang(OPENAI, seconds=30)
    else:
        standin.set_mode(OPENAI, "trickle")
    c, took = timed(client, "openai")
    assert c.confirmed is None and c.why == f"no complete answer within {TIMEOUT_S:g} s", c.why
    assert took < TIMEOUT_S + MARGIN_S


def test_503(standin: StatusFeedStandIn, client: StatusFeedClient) -> None:
    standin.fail(OPENAI, 503)
    c = client.corroborate("openai")
    assert c.confirmed is None and c.why == "HTTP 503 from the feed"


def test_success_is_cached_for_the_ttl(
    standin: StatusFeedStandIn, client: StatusFeedClient, clock: FakeClock
) -> None:
    """A second call within cache_ttl_s sends no request; after it, one more."""
    first = client.corroborate("openai")
    clock.now += 59
    assert client.corroborate("openai") == first
    assert len(standin.requests(OPENAI)) == 1
    clock.now += 2
    client.corroborate("openai")
    assert len(standin.requests(OPENAI)) == 2


def test_failure_is_cached_briefly(
    standin: StatusFeedStandIn, client: StatusFeedClient, clock: FakeClock
) -> None:
    """A failed fetch is remembered for 15 s (not 60): a down feed is not hammered, and a
    recovered one is seen soon."""
    standin.fail(OPENAI, 503)
    assert client.corroborate("openai").confirmed is None
    clock.now += 14
    assert client.corroborate("openai").confirmed is None
    assert len(standin.requests(OPENAI)) == 1
    standin.serve_file(OPENAI, CORPUS / "openai_summary_operational.json")
    clock.now += 2
    assert client.corroborate("openai").confirmed is False
    assert len(standin.requests(OPENAI)) == 2


def test_providers_sharing_a_feed_share_the_fetch(
    standin: StatusFeedStandIn, client: StatusFeedClient
) -> None:
    """gemini, google and vertex all read Google's incidents.json: one request."""
    assert {client.corroborate(p).confirmed for p in ("gemini", "google", "vertex")} == {True}
    assert len(standin.requests(GOOGLE)) == 1


def test_concurrent_callers_wait_for_one_fetch(
    standin: StatusFeedStandIn, standin_feeds: dict[str, FeedConfig]
) -> None:
    """Many threads asking at once while the feed is slow send one request between them."""
    standin.hang(OPENAI, seconds=0.3)  # then answers with the recorded document
    client = StatusFeedClient(standin_feeds, timeout_s=3.0)
    results: list[Corroboration] = []
    threads = [
        threading.Thread(target=lambda: results.append(client.corroborate("openai")))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(results) == 8 and {r.confirmed for r in results} == {True}
    assert len(standin.requests(OPENAI)) == 1


@pytest.fixture
def standin_feeds(standin: StatusFeedStandIn) -> dict[str, FeedConfig]:
    return standin.feeds()


def test_same_host_redirect_is_followed(
    standin: StatusFeedStandIn, client: StatusFeedClient
) -> None:
    standin.serve_file("/moved/summary.json", CORPUS / "openai_summary_operational.json")
    standin.set_mode(OPENAI, "redirect", location="/moved/summary.json")
    assert client.corroborate("openai").confirmed is False


def test_redirect_to_another_host_is_not_followed(
    standin: StatusFeedStandIn, client: StatusFeedClient
) -> None:
    """status.anthropic.com redirects to status.claude.com: the client says so, and does not
    go there."""
    with StatusFeedStandIn() as elsewhere:
        elsewhere.serve_file(OPENAI, CORPUS / "openai_summary_operational.json")
        standin.set_mode(OPENAI, "redirect", location=elsewhere.url + OPENAI)
        c = client.corroborate("openai")
        assert c.confirmed is None and "another host: not followed" in c.why, c.why
        assert elsewhere.requests() == []


def test_oversized_body_is_refused(standin: StatusFeedStandIn, client: StatusFeedClient) -> None:
    standin.set_mode(OPENAI, "huge")
    c = client.corroborate("openai")
    assert c.confirmed is None and "over 1 MiB" in c.why, c.why


def test_never_raises(standin: StatusFeedStandIn) -> None:
    """No feed, a closed port, a path with nothing, a refused URL, a broken clock: an answer
    with `why`, never an exception."""
    closed = StatusFeedStandIn()
    closed.start()
    dead_url = closed.url
    closed.stop()
    feeds = {
        "closed": FeedConfig("closed", "statuspage", dead_url + "/x/api/v2/summary.json"),
        "missing": FeedConfig("missing", "statuspage", standin.url + "/nothing/here.json"),
        "plain": FeedConfig("plain", "statuspage", "http://status.example.com/api/v2/summary.json"),
    }
    client = StatusFeedClient(feeds, timeout_s=TIMEOUT_S)
    assert client.corroborate("nobody").why == "no feed configured"
    assert client.corroborate("closed").why == "connection refused"
    assert client.corroborate("missing").why == "HTTP 404 from the feed"
    assert "must be https://" in client.corroborate("plain").why

    def broken() -> float:
        raise RuntimeError("clock stopped")

    c = StatusFeedClient(feeds, clock=broken).corroborate("missing")
    assert c.confirmed is None and c.why == "status feed check failed: RuntimeError"


def test_control_over_http(standin: StatusFeedStandIn, client: StatusFeedClient) -> None:
    """The local stack drives the stand-in from another process through /__control/."""
    control = StatusFeedStandInClient(standin.url)
    control.set_mode(OPENAI, "status", status=503)
    assert client.corroborate("openai").why == "HTTP 503 from the feed"
    assert OPENAI in control.requests()
