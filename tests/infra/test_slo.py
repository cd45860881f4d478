"""The SLOs, their burn-rate alerts and the dashboard (infra/slo.tf, infra/dashboard.tf).

The alerts are the SRE Workbook's multiwindow, multi-burn-rate ones
(https://sre.google/workbook/alerting-on-slos/, table 5-8); the SLI is the metric the health run
writes (keywatch.core.daily, functions/keywatch_functions/adapters/monitoring.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from keywatch.core.daily import PROVIDER_WIDE, SLI_METRIC, SliPoint
from tests.infra.terraform import ROOT, Config, load
from tests.infra.test_checkov import report as checkov_report  # noqa: F401  (a fixture)

# The Workbook's table: (long window s, short window s, burn rate, what it does).
WORKBOOK = [
    (3600, 300, 14.4, "page"),
    (21600, 1800, 6, "page"),
    (259200, 21600, 1, "ticket"),
]
# docs/slo.md's section for each, in the table's order.
ANCHORS = ["fast-burn-page", "slow-burn-page", "ticket"]
METRIC_CONTRACT = "custom.googleapis.com/keywatch/provider_attempts"
SLO_REF = "${google_monitoring_slo.availability[each.value.service].name}"
_BURN_FILTER = re.compile(
    r'^select_slo_burn_rate\("(?P<slo>[^"]+)", "\$\{each\.value\.(?P<window>long_s|short_s)\}s"\)$'
)


@pytest.fixture(scope="module")
def tf() -> Config:
    return load()


def _render(template: str, values: dict[str, Any]) -> str:
    """`${each.value.x}` filled in from one row of the table (Terraform's interpolation); what
    the row does not hold (a service's fields, a derived label) is left as it is."""
    return re.sub(
        r"\$\{each\.value\.(\w+)\}",
        lambda m: str(values.get(m.group(1), m.group(0))),
        template,
    )


def _policy(tf: Config) -> dict[str, Any]:
    return tf.resource("google_monitoring_alert_policy", "slo_burn")


def _github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a document's headings, and any explicit `id` or `{#id}`."""
    anchors = set(re.findall(r'id="([^"]+)"', markdown))
    anchors |= set(re.findall(r"\{#([\w-]+)\}", markdown))
    for heading in re.findall(r"^#+\s+(.+?)\s*$", markdown, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_workbook_table_is_transcribed_whole(tf: Config) -> None:
    """The alert table holds the Workbook's windows and burn rates, page or ticket, in order."""
    table = tf.locals["slo_alerts"]
    assert [(a["long_s"], a["short_s"], a["burn"], a["severity"]) for a in table] == WORKBOOK
    assert [a["name"] for a in table] == ANCHORS
    # The Workbook's short window is 1/12 of the long one, so an alert resets soon after.
    assert all(short_s * 12 == long_s for long_s, short_s, _, _ in WORKBOOK)


def test_one_policy_per_service_and_alert_of_the_table(tf: Config) -> None:
    """The policies are generated from the table, for every service (provider or model)."""
    policy = _policy(tf)
    assert policy["for_each"] == "${local.slo_policies}"
    policies = tf.locals["slo_policies"]
    assert "local.slo_services" in policies and "local.slo_alerts" in policies
    for rtype, name in (
        ("google_monitoring_custom_service", "provider"),
        ("google_monitoring_slo", "availability"),
    ):
        assert tf.resource(rtype, name)["for_each"] == "${local.slo_services}"
    services = tf.locals["slo_services"]
    assert "var.slo_providers" in services and "var.slo_models" in services


@pytest.mark.parametrize("row", range(len(WORKBOOK)), ids=ANCHORS)
def test_each_policy_is_a_long_and_a_short_burn_rate_both_over_the_threshold(
    tf: Config, row: int
) -> None:
    """Two `select_slo_burn_rate` conditions, the long and the short lookback, combined AND."""
    values = tf.locals["slo_alerts"][row]
    policy = _policy(tf)
    assert policy["combiner"] == "AND"
    conditions = policy["conditions"]
    assert len(conditions) == 2
    windows = []
    for condition in conditions:
        (threshold,) = condition["condition_threshold"]
        match = _BURN_FILTER.match(threshold["filter"])
        assert match, threshold["filter"]
        assert match.group("slo") == SLO_REF
        windows.append(match.group("window"))
        rendered = _render(threshold["filter"], values)
        # The lookback as Google's docs write it: a duration in seconds, such as "3600s".
        assert rendered.endswith(f', "{values[match.group("window")]}s")')
        assert threshold["comparison"] == "COMPARISON_GT"
        assert _render(threshold["threshold_value"], values) == str(values["burn"])
        assert threshold["duration"] == "0s"
        assert "aggregations" not in threshold  # an SLO selector is aligned already
    assert windows == ["long_s", "short_s"]
    long_s, short_s, burn, _ = WORKBOOK[row]
    assert (values["long_s"], values["short_s"], values["burn"]) == (long_s, short_s, burn)


def test_pages_are_critical_and_tickets_go_to_the_ticket_queue(tf: Config) -> None:
    """A page is CRITICAL on the paging channels; a ticket is WARNING on the ticket channels."""
    policy = _policy(tf)
    assert tf.locals["slo_severity"] == {"page": "CRITICAL", "ticket": "WARNING"}
    assert policy["severity"] == "${local.slo_severity[each.value.severity]}"
    assert policy["user_labels"]["severity"] == "${each.value.severity}"
    assert policy["notification_channels"] == (
        '${each.value.severity == "page" ? var.notification_channels : local.ticket_channels}'
    )
    assert "var.ticket_notification_channels" in tf.locals["ticket_channels"]


def test_every_policy_links_its_runbook_section(tf: Config) -> None:
    """Each policy's documentation ends with docs/slo.md's anchor for its row of the table."""
    (doc,) = _policy(tf)["documentation"]
    assert doc["mime_type"] == "text/markdown"
    assert doc["content"].endswith("Runbook: ${var.runbook_base_url}#${each.value.name}")
    for values, anchor in zip(tf.locals["slo_alerts"], ANCHORS, strict=True):
        assert _render(doc["content"], values).endswith(f"#{anchor}")
    assert tf.variables["runbook_base_url"]["default"].endswith("/docs/slo.md")
    assert "slo.md" in (ROOT / "docs" / "operations.md").read_text()


def test_the_runbook_has_the_anchors_the_alerts_link() -> None:
    """docs/slo.md, once written, has a section for each alert (GitHub's heading anchors)."""
    slo_md = ROOT / "docs" / "slo.md"
    if not slo_md.exists():
        pytest.skip("docs/slo.md is not written yet")
    assert set(ANCHORS) <= _github_anchors(slo_md.read_text())


def test_slo_filters_name_the_metric_contract(tf: Config) -> None:
    """good / total over the health run's metric: total is both outcomes of one provider and
    model, good is outcome good; goal and period are the variables."""
    assert tf.locals["sli_metric"] == METRIC_CONTRACT == SLI_METRIC
    assert tf.locals["sli_resource"] == "global"
    assert tf.locals["provider_wide"] == PROVIDER_WIDE == "*"
    slo = tf.resource("google_monitoring_slo", "availability")
    assert slo["goal"] == "${var.slo_target}"
    assert slo["rolling_period_days"] == "${var.slo_rolling_days}"
    assert slo["depends_on"] == ["${google_monitoring_metric_descriptor.provider_attempts}"]
    (sli,) = slo["request_based_sli"]
    (ratio,) = sli["good_total_ratio"]
    assert set(ratio) == {"good_service_filter", "total_service_filter"}
    total = ratio["total_service_filter"]
    for clause in (
        'metric.type="${local.sli_metric}"',
        'resource.type="${local.sli_resource}"',
        'metric.labels.provider="${each.value.provider}"',
        'metric.labels.model="${each.value.model}"',
    ):
        assert clause in total
    assert "outcome" not in total
    assert ratio["good_service_filter"] == total + ' AND metric.labels.outcome="good"'


def test_the_metric_descriptor_is_what_the_health_run_writes(tf: Config) -> None:
    """Declared CUMULATIVE INT64 with provider, model and outcome, as the adapter writes it."""
    from google.api.metric_pb2 import MetricDescriptor

    from keywatch_functions.adapters.monitoring import time_series

    descriptor = tf.resource("google_monitoring_metric_descriptor", "provider_attempts")
    assert descriptor["type"] == "${local.sli_metric}"
    assert (descriptor["metric_kind"], descriptor["value_type"]) == ("CUMULATIVE", "INT64")
    keys = {label["key"] for label in descriptor["labels"]}
    assert keys == {"provider", "model", "outcome"}
    series = time_series("p", SliPoint("openai", PROVIDER_WIDE, 9, 1, 0, 60))
    assert {ts.metric.labels["outcome"] for ts in series} == {"good", "bad"}
    for ts in series:
        assert ts.metric.type == METRIC_CONTRACT
        assert set(ts.metric.labels) == keys
        assert ts.resource.type == "global"
        kind = MetricDescriptor.MetricKind.Name(ts.metric_kind)
        assert (kind, MetricDescriptor.ValueType.Name(ts.value_type)) == ("CUMULATIVE", "INT64")


def test_slo_variables(tf: Config) -> None:
    """Six providers by default, no model, 99.5 % over 28 days, a bounded target."""
    v = tf.variables
    assert v["slo_providers"]["default"] == [
        "openai",
        "anthropic",
        "gemini",
        "openrouter",
        "groq",
        "bedrock",
    ]
    assert v["slo_models"]["default"] == []
    assert v["slo_target"]["default"] == 0.995
    (check,) = v["slo_target"]["validation"]
    assert "var.slo_target > 0.9" in check["condition"]
    assert "var.slo_target < 1" in check["condition"]
    assert v["slo_rolling_days"]["default"] == 28


def test_the_raw_rate_platform_alert_is_demoted_to_a_ticket(tf: Config) -> None:
    """No policy pages on a raw failure rate: the platform-keys alert is a WARNING ticket."""
    policies = tf.resources["google_monitoring_alert_policy"]
    platform = policies["platform_failures"]
    assert platform["severity"] == "WARNING"
    assert platform["user_labels"] == {"severity": "ticket"}
    assert platform["notification_channels"] == "${local.ticket_channels}"
    for name, policy in policies.items():
        for condition in policy["conditions"]:
            for threshold in condition.get("condition_threshold", []):
                rates = [a.get("per_series_aligner") for a in threshold.get("aggregations", [])]
                if "llm_failures" in threshold["filter"] and "ALIGN_RATE" in rates:
                    assert policy["notification_channels"] == "${local.ticket_channels}", name


def test_health_writes_and_push_outcomes_are_log_metrics(tf: Config) -> None:
    """The dashboard's health and push tiles read log metrics over the entries' real fields."""
    writes = tf.resource("google_logging_metric", "health_writes")
    assert 'jsonPayload.event="health_run"' in writes["filter"]
    assert writes["value_extractor"] == "EXTRACT(jsonPayload.written)"
    assert writes["metric_descriptor"][0]["value_type"] == "DISTRIBUTION"
    assert writes["bucket_options"]
    pushes = tf.resource("google_logging_metric", "notify_outcomes")
    assert 'jsonPayload.event="notify"' in pushes["filter"]
    assert pushes["label_extractors"] == {"outcome": "EXTRACT(jsonPayload.outcome)"}


def test_the_dashboard_has_the_six_tiles(tf: Config) -> None:
    """Failures, SLO burn, pushes, incidents, dead letters and the health run, one tile each."""
    dashboard = tf.resource("google_monitoring_dashboard", "keywatch")
    assert dashboard["dashboard_json"].startswith("${jsonencode(")
    assert "for i, widget in local.dashboard_widgets" in dashboard["dashboard_json"]
    widgets = tf.locals["dashboard_widgets"]
    assert len(widgets) == 6
    assert all(w["title"] and "xyChart" in w for w in widgets)
    failures, burn, pushes, incidents, dead, health = (str(w["xyChart"]) for w in widgets)
    assert "google_logging_metric.llm_failures.name" in failures
    assert "metric.label.reason" in failures and "metric.label.source" in failures
    assert "select_slo_burn_rate" in burn and "google_monitoring_slo.availability[key]" in burn
    assert "local.slo_alerts" in burn  # the page thresholds, drawn from the table
    assert "google_logging_metric.notify_outcomes.name" in pushes
    assert "metric.label.outcome" in pushes
    assert "google_logging_metric.provider_incidents.name" in incidents
    assert "pubsub.googleapis.com/subscription/num_undelivered_messages" in dead
    assert "r.dead_letter_subscription" in dead
    assert "run.googleapis.com/request_latencies" in health
    assert 'google_cloudfunctions2_function.fn["health"].name' in health
    assert "google_logging_metric.health_writes.name" in health


def test_checkov_finds_nothing_in_the_slo_and_dashboard(
    checkov_report: dict[str, Any],  # noqa: F811
) -> None:
    """checkov parsed the new files and fails no check on them (the suite's bar: zero)."""
    assert checkov_report["summary"]["parsing_errors"] == 0
    ours = {"slo.tf", "dashboard.tf", "monitoring.tf"}
    failed = [
        f"{c['check_id']} on {c['resource']}"
        for c in checkov_report["results"]["failed_checks"]
        if Path(c["file_path"]).name in ours
    ]
    assert not failed, failed
