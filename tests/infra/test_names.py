"""The names the code uses and the names the Terraform deploys are the same names."""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import asdict
from typing import Any

import pytest

from keywatch.core.logentry import LABEL_FIELDS, LOG_FIELDS
from keywatch_functions.settings import FunctionSettings
from keywatch_ops.topology import routes
from tests.infra.terraform import ROOT, Config, load

ENV_PREFIX = "KEYWATCH_"


@pytest.fixture(scope="module")
def tf() -> Config:
    return load()


def _entry_points() -> set[str]:
    """The functions of functions/main.py decorated as CloudEvent functions."""
    tree = ast.parse((ROOT / "functions" / "main.py").read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(ast.unparse(d) == "functions_framework.cloud_event" for d in node.decorator_list)
    }


def test_routes_mirror_topology_py(tf: Config) -> None:
    """Each route (topic, subscription, dead letters, filter, attempts, deadlines) as coded."""
    declared = {
        r.function: {k: v for k, v in asdict(r).items() if k != "function"}
        for r in routes(FunctionSettings())
    }
    assert tf.locals["routes"] == declared


def test_entry_points_are_the_deployed_functions(tf: Config) -> None:
    """Each deployed function's entry point exists in functions/main.py, and each route has one."""
    fn = tf.resource("google_cloudfunctions2_function", "fn")
    assert fn["for_each"] == "${local.functions}"
    assert fn["build_config"][0]["entry_point"] == "${each.key}"
    assert (
        set(tf.locals["functions"])
        == _entry_points()
        == {r.function for r in routes(FunctionSettings())}
    )


def test_push_subscriptions_deliver_to_their_own_function(tf: Config) -> None:
    """A route's subscription pushes to the function of the same name, dead-letters and retries."""
    sub = tf.resource("google_pubsub_subscription", "push")
    assert sub["for_each"] == "${local.routes}"
    push = sub["push_config"][0]
    assert (
        push["push_endpoint"]
        == "${google_cloudfunctions2_function.fn[each.key].service_config[0].uri}"
    )
    assert (
        sub["dead_letter_policy"][0]["max_delivery_attempts"]
        == "${each.value.max_delivery_attempts}"
    )
    assert sub["filter"] == "${each.value.filter}"
    assert sub["retry_policy"][0]["minimum_backoff"] == "${each.value.min_backoff_s}s"


def test_ack_deadline_covers_each_function_timeout(tf: Config) -> None:
    """Pub/Sub never redelivers a message while its function may still be handling it."""
    for name, route in tf.locals["routes"].items():
        assert route["ack_deadline_s"] >= tf.resolve(tf.locals["functions"][name]["timeout_s"]), (
            name
        )


def test_environment_variables_are_settings(tf: Config) -> None:
    """Every KEYWATCH_* variable the Terraform sets is a setting, and its value is the default."""
    defaults = FunctionSettings().model_dump()
    fields = set(FunctionSettings.model_fields)
    for name, fn in tf.locals["functions"].items():
        for var, value in fn["env"].items():
            assert var.startswith(ENV_PREFIX), (name, var)
            field = var.removeprefix(ENV_PREFIX).lower()
            assert field in fields, f"{name}: {var} is not a setting of keywatch.settings.Settings"
            resolved = tf.resolve(value)
            literal = isinstance(resolved, int) or "${" not in resolved
            if literal:
                assert resolved == defaults[field], (name, var)
    fn = tf.resource("google_cloudfunctions2_function", "fn")
    text = str(fn)
    for var in re.findall(r"KEYWATCH_[A-Z_]+", text):
        assert var.removeprefix(ENV_PREFIX).lower() in fields, var


def test_every_function_gets_everything_redis_needs(tf: Config) -> None:
    """classify and health count in Memorystore, notify deduplicates there: each is given the
    TLS URL, the server CA, the AUTH secret and the VPC connector."""
    for name in ("classify", "notify", "health"):
        env = tf.locals["functions"][name]["env"]
        assert env["KEYWATCH_REDIS_URL"] == "${local.redis_url}", name
        assert env["KEYWATCH_REDIS_CA_PEM"] == "${local.redis_ca_pem}", name
    assert tf.locals["redis_url"].startswith("rediss://")
    assert "server_ca_certs" in tf.locals["redis_ca_pem"]
    config = tf.resource("google_cloudfunctions2_function", "fn")["service_config"][0]
    assert config["secret_environment_variables"][0]["key"] == "KEYWATCH_REDIS_PASSWORD"
    assert config["vpc_connector"] == "${google_vpc_access_connector.serverless.id}"
    assert tf.resource("google_secret_manager_secret_iam_member", "redis_auth")["for_each"] == (
        "${local.functions}"
    )


def test_classify_serves_requests_concurrently(tf: Config) -> None:
    """classify takes several requests per instance (a burst), on a whole vCPU, as sized in
    docs/counting.md; notify too, as its alerts wait out the incident guard's settle time
    idle; health takes one at a time."""
    fns = tf.locals["functions"]
    assert fns["classify"]["concurrency"] > 1 and fns["classify"]["cpu"] == "1"
    assert fns["notify"]["concurrency"] > 1 and fns["notify"]["cpu"] == "1"
    assert fns["health"]["concurrency"] == 1
    fn = tf.resource("google_cloudfunctions2_function", "fn")
    assert fn["service_config"][0]["max_instance_request_concurrency"] == (
        "${each.value.concurrency}"
    )
    # functions-framework's own thread count follows it (its default is 4 per core).
    env = fn["service_config"][0]["environment_variables"]
    assert "THREADS = tostring(each.value.concurrency)" in env


def test_firestore_collections_match_settings(tf: Config) -> None:
    """Collections named in the Terraform (TTL, index exemptions) are the ones the code writes."""
    s = FunctionSettings()
    assert tf.locals["collections"] == {
        "provider_health": s.provider_health_collection,
        "key_health": s.key_health_collection,
        "tokens": s.tokens_collection,
        "tokens_sub": s.tokens_subcollection,
    }


def test_health_documents_expire_and_their_timestamps_are_not_indexed(tf: Config) -> None:
    """TTL on the `expire_at` the health run writes, on every health collection group; the
    timestamps it writes in increasing order have no single-field index (no hot spot)."""
    from datetime import UTC, datetime

    from keywatch.core.health import stamped

    groups = tf.locals["health_doc_groups"]
    s = FunctionSettings()
    assert {tf.resolve(v) for v in groups.values()} == {
        s.provider_health_collection,
        s.key_health_collection,
        "models",
        "days",  # {provider_days_collection}/{provider}/days/{date} (core/daily.py)
        s.incidents_collection,
    }
    ttl = tf.resource("google_firestore_field", "ttl")
    assert ttl["field"] == "expire_at" and ttl["for_each"] == "${local.health_doc_groups}"
    doc = stamped({"state": "healthy"}, int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() // 60))
    assert {"as_of", "expire_at"} <= set(doc)
    unindexed = tf.resource("google_firestore_field", "unindexed")
    assert unindexed["index_config"] == [{}]
    assert "as_of" in tf.text and "last_error_at" in tf.text and "last_success_at" in tf.text
    assert "google_firestore_index" not in tf.resources  # nothing queries the counts any more


def test_metric_labels_are_the_log_labels(tf: Config) -> None:
    """The failure metric is labelled by source, reason and provider, as the entries are."""
    assert set(tf.locals["metric_labels"]) == set(LABEL_FIELDS)
    assert set(LABEL_FIELDS) <= set(LOG_FIELDS)


def test_metric_filters_use_fields_the_entries_carry(tf: Config) -> None:
    """Every jsonPayload field a metric or alert reads is one the functions write."""
    emitted = set(LOG_FIELDS) | {"function", "outcome", "why", "message_id", "written", "as_of"}
    used = set(re.findall(r"jsonPayload\.([A-Za-z_]+)", tf.text))
    assert used, "no jsonPayload field found: the metrics moved?"
    assert used <= emitted, used - emitted


def test_scheduler_ticks_the_health_topic(tf: Config) -> None:
    """Cloud Scheduler publishes to the topic health subscribes to, as the local stack does."""
    job = tf.resource("google_cloud_scheduler_job", "health_tick")
    target = job["pubsub_target"][0]
    assert target["topic_name"] == '${google_pubsub_topic.route["health"].id}'
    assert target["attributes"] == {"type": "health_tick"}


def test_runtime_is_the_python_the_tests_run_on(tf: Config) -> None:
    """The deployed runtime is the Python this suite (and the bundle check) ran on."""
    runtime = tf.variables["python_runtime"]["default"]
    assert runtime == f"python{sys.version_info.major}{sys.version_info.minor}"


def test_no_function_is_publicly_invokable(tf: Config) -> None:
    """The Pub/Sub functions: internal ingress only, no public member, and only the push
    identity may invoke. The status page (status_page.tf) is the one exception, and only when
    `status_page_public` is set (tests/infra/test_status_page.py)."""
    assert "allAuthenticatedUsers" not in tf.text
    fn = tf.resource("google_cloudfunctions2_function", "fn")
    assert fn["service_config"][0]["ingress_settings"] == "ALLOW_INTERNAL_ONLY"
    status = "${google_cloudfunctions2_function.status_page.name}"
    invokers: list[dict[str, Any]] = [
        body
        for rtype in (
            "google_cloud_run_service_iam_member",
            "google_cloud_run_v2_service_iam_member",
        )
        for body in tf.resources.get(rtype, {}).values()
    ]
    on_routes = [i for i in invokers if i["service"] != status]
    assert on_routes and all(
        i["member"] == "${google_service_account.push.member}" for i in on_routes
    )
    public = [i for i in invokers if i["member"] == "allUsers"]
    assert [p["count"] for p in public] == ["${var.status_page_public ? 1 : 0}"]
    assert all(p["service"] == status for p in public)
    assert "google_cloudfunctions2_function_iam_member" not in tf.resources


def test_each_function_runs_as_its_own_account(tf: Config) -> None:
    """One service account per function, and each function runs as its own."""
    sa = tf.resource("google_service_account", "fn")
    assert sa["for_each"] == "${local.functions}"
    fn = tf.resource("google_cloudfunctions2_function", "fn")
    assert (
        fn["service_config"][0]["service_account_email"]
        == "${google_service_account.fn[each.key].email}"
    )
    roles = tf.locals["function_roles"]
    assert set(roles) == set(tf.locals["functions"])
    assert not any("roles/owner" in r or "roles/editor" in r for rs in roles.values() for r in rs)
    # Only notify may send FCM; only classify may publish alerts.
    assert [fn for fn, rs in roles.items() if any("fcm_sender" in r for r in rs)] == ["notify"]
    alerts = tf.resource("google_pubsub_topic_iam_member", "alerts_publisher")
    assert alerts["member"] == '${google_service_account.fn["classify"].member}'


def test_the_fingerprint_secret_is_read_by_who_fingerprints_and_by_no_function(
    tf: Config,
) -> None:
    """The backend and the routers fingerprint keys, under the secret named in the code; the
    functions never do, and are not given it. Its value is never in Terraform (or its state)."""
    from keywatch.fingerprint import ENV_VAR

    secret = tf.resource("google_secret_manager_secret", "fingerprint")
    assert secret["secret_id"] == "keywatch-fingerprint-secret"
    reader = tf.resource("google_secret_manager_secret_iam_member", "fingerprint_reader")
    assert "var.publisher_members" in reader["for_each"]
    assert "var.health_reader_members" in reader["for_each"]
    assert "fingerprint" not in tf.resources.get("google_secret_manager_secret_version", {})
    for name, fn in tf.locals["functions"].items():
        assert ENV_VAR not in fn["env"], name
    ops = (ROOT / "docs" / "operations.md").read_text()
    assert "keywatch-fingerprint-secret" in ops and ENV_VAR in ops


def test_notifys_pending_marker_outlives_its_function_timeout(tf: Config) -> None:
    """The pending marker lives twice notify's timeout: Cloud Run stops waiting for a request
    at its timeout but does not stop the thread, so a sender that overruns still holds it."""
    fn = tf.locals["functions"]["notify"]
    timeout = tf.resolve(fn["timeout_s"])
    assert tf.resolve(fn["env"]["KEYWATCH_NOTIFY_TIMEOUT_S"]) == timeout
    s = FunctionSettings(notify_timeout_s=int(timeout))
    assert s.pending_ttl_s == 2 * int(timeout)
    assert tf.locals["routes"]["notify"]["ack_deadline_s"] >= int(timeout)
    # One attempt, settle wait and FCM included, ends inside the timeout (FunctionSettings refuses
    # settings that do not), so a send never outlives the marker.
    assert s.notify_attempt_budget_s < int(timeout) < s.pending_ttl_s


def test_settings_refuse_a_notify_attempt_longer_than_its_timeout() -> None:
    import pydantic

    with pytest.raises(pydantic.ValidationError, match="KEYWATCH_NOTIFY_TIMEOUT_S 120"):
        FunctionSettings(incident_settle_s=70)
    # FCM 20 + two status transactions 10 + 6 Redis calls of up to 4 s: 54 s.
    assert (
        FunctionSettings(incident_settle_s=70, incident_guard=False).notify_attempt_budget_s == 54
    )
    # Both channels add the webhook's 10 s and three Redis calls.
    both = FunctionSettings(
        notify_channels="both",
        webhook_url="https://a.example",
        webhook_secret="x",
        incident_settle_s=15,  # explicit: an e2e stack's client environment sets 2
    )
    assert both.notify_attempt_budget_s == 15 + 20 + 10 + 10 + 36 < both.notify_timeout_s


def _event_names_filtered() -> dict[str, set[str]]:
    """Every `jsonPayload.event` name infra/, the docs and the README filter on, and every
    event name the demo's summary looks for, by file."""
    found: dict[str, set[str]] = {}
    files = [*ROOT.glob("infra/*.tf"), *ROOT.glob("docs/*.md"), ROOT / "README.md"]
    for path in files:
        names = set(re.findall(r'jsonPayload\.event\s*=?\s*\\?"([a-z_]+)', path.read_text()))
        if names:
            found[str(path.relative_to(ROOT))] = names
    return found


def test_every_log_event_name_filtered_on_is_in_the_catalogue() -> None:
    """The names a metric, an alert or a documented query filters on are events the code
    writes (keywatch.core.opsevents.Event), so renaming one breaks this test, not an alert."""
    from keywatch.core.opsevents import Event

    found = _event_names_filtered()
    assert "infra/monitoring.tf" in found
    known = {e.value for e in Event}
    unknown = {f: sorted(n - known) for f, n in found.items() if n - known}
    assert not unknown, unknown
