"""A suspected provider incident, checked against the provider's own status feed, through the
whole local stack: notify's guard opens it, the health run asks the feed (the stand-in serving
a recorded Statuspage summary with an open incident), writes incidents/{id} and logs
`provider_incident_corroborated`."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from google.cloud import firestore

from keywatch_ops.devstack.stack import LOCAL_FEED, REPO_ROOT, Stack
from tests.e2e.conftest import eventually, log_entries
from tests.e2e.test_pipeline import byok_failure, publish_event

pytestmark = pytest.mark.e2e
RECORDED = REPO_ROOT / "tests" / "corpus" / "statusfeeds"


def test_an_incident_the_provider_reports_is_confirmed_and_shown(stack: Stack) -> None:
    assert stack.feeds is not None
    path = f"/{LOCAL_FEED}/api/v2/summary.json"
    stack.feeds.serve_file(path, RECORDED / "openai_summary_incident.json")
    try:
        run = uuid.uuid4().hex[:6]
        events = [byok_failure(f"corr-{run}-{i}", LOCAL_FEED) for i in range(30)]
        for e in events:
            publish_event(stack, e)
        [opened] = eventually(
            lambda: (
                log_entries(
                    stack, "notify", event="suspected_provider_incident", provider=LOCAL_FEED
                )
                or None
            ),
            timeout_s=120,
            what="the incident entry",
        )
        iid = opened["incident_id"]

        def corroborated() -> list[dict[str, Any]] | None:
            stack.publish_tick()
            time.sleep(1)
            got = log_entries(
                stack, "health", event="provider_incident_corroborated", incident_id=iid
            )
            return got or None

        [c] = eventually(corroborated, timeout_s=90, what="the health run's corroboration")
        assert c["confirmed_by_provider"] is True and c["provider_title"]
        assert c["provider_link"].startswith("https://")
        doc = firestore.Client(project=stack.project).document(f"incidents/{iid}").get().to_dict()
        assert doc is not None and doc["open"] is True and doc["confirmed_by_provider"] is True
        assert doc["provider"] == LOCAL_FEED and doc["reason"] == "invalid_key"
    finally:
        stack.feeds.serve_file(path, RECORDED / "openai_summary_operational.json")
