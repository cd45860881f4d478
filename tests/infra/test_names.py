"""The names the code uses and the names the Terraform deploys are the same names."""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import asdict
from typing import Any

import pytest

from keywatch.core.logentry import LABEL_FIELDS, LOG_FIELDS
from keywatch.settings import Settings
from keywatch.topology import routes
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
        for r in routes(Settings())
    }
    assert tf.locals["routes"] == declared


def test_entry_points_are_the_deployed_functions(tf: Config) -> None:
    """Each deployed function's entry point exists in functions/main.py, and each route has one."""
    fn = tf.resource("google_cloudfunctions2_function", "fn")
    assert fn["for_each"] == "${local.functions}"
    assert fn["build_config"][0]["entry_point"] == "${each.key}"
    assert (
        set(tf.locals["functions"]) == _entry_points() == {r.function for r in routes(Settings())}
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
        assert route["ack_deadline_s"] >= tf.locals["functions"][name]["timeout_s"], name


def test_environment_variables_are_settings(tf: Config) -> None:
    """Every KEYWATCH_* variable the Terraform sets is a setting, and its value is the default."""
    defaults = Settings().model_dump()
    fields = set(Settings.model_fields)
    for name, fn in tf.locals["functions"].items():
        for var, value in fn["env"].items():
            assert var.startswith(ENV_PREFIX), (name, var)
            field = var.removeprefix(ENV_PREFIX).lower()
            assert field in fields, f"{name}: {var} is not a setting of keywatch.settings.Settings"
            resolved = tf.resolve(value)
            if not resolved.startswith("${") and "${" not in resolved:
                assert resolved == defaults[field], (name, var)
    fn = tf.resource("google_cloudfunctions2_function", "fn")
    text = str(fn)
    for var in re.findall(r"KEYWATCH_[A-Z_]+", text):
        assert var.removeprefix(ENV_PREFIX).lower() in fields, var


def test_notify_gets_everything_redis_needs(tf: Config) -> None:
    """notify is given the TLS URL, the server CA and the AUTH secret; no other function is."""
    env = tf.locals["functions"]["notify"]["env"]
    assert env["KEYWATCH_REDIS_URL"].startswith("rediss://")
    assert "server_ca_certs" in env["KEYWATCH_REDIS_CA_PEM"]
    [dynamic] = tf.resource("google_cloudfunctions2_function", "fn")["service_config"][0]["dynamic"]
    secret = dynamic["secret_environment_variables"]
    assert 'each.key == "notify"' in secret["for_each"]
    assert secret["content"][0]["key"] == "KEYWATCH_REDIS_PASSWORD"
    for other in ("classify", "health"):
        assert not any("REDIS" in v for v in tf.locals["functions"][other]["env"])


def test_firestore_collections_match_settings(tf: Config) -> None:
    """Collections named in the Terraform (index, TTL) are the ones the code reads and writes."""
    s = Settings()
    assert tf.locals["collections"] == {
        "raw_events": s.raw_events_collection,
        "buckets": s.buckets_collection,
        "provider_health": s.provider_health_collection,
        "key_health": s.key_health_collection,
        "tokens": s.tokens_collection,
        "tokens_sub": s.tokens_subcollection,
    }


def test_bucket_index_fits_the_health_query(tf: Config) -> None:
    """The composite index is on exactly the fields health's sharded query filters on."""
    import inspect

    from keywatch.adapters.firestore import FirestoreHealthStore

    index = tf.resource("google_firestore_index", "buckets_by_shard_minute")
    assert tf.resolve(index["collection"]) == Settings().buckets_collection
    fields = [f["field_path"] for f in index["fields"]]
    source = inspect.getsource(FirestoreHealthStore.buckets_since)
    used = re.findall(r'FieldFilter\("(\w+)"', source)
    assert sorted(fields) == sorted(used) == ["minute", "shard"]
    # The equality field comes first, the range field last.
    assert fields == ["shard", "minute"]


def test_ttl_policies_cover_the_raw_collections(tf: Config) -> None:
    """TTL deletes raw events and buckets by the field the adapter writes, and nothing else."""
    import inspect

    from keywatch.adapters import firestore as adapter

    ttl = tf.resource("google_firestore_field", "ttl")
    refs = re.findall(r"local\.([\w.]+)", ttl["for_each"])
    collections = {tf.local(ref) for ref in refs}
    s = Settings()
    assert collections == {s.raw_events_collection, s.buckets_collection}
    assert ttl["field"] == "expire_at"
    assert '"expire_at"' in inspect.getsource(adapter)


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
    """Internal ingress only, no public member, and only the push identity may invoke."""
    assert "allUsers" not in tf.text and "allAuthenticatedUsers" not in tf.text
    fn = tf.resource("google_cloudfunctions2_function", "fn")
    assert fn["service_config"][0]["ingress_settings"] == "ALLOW_INTERNAL_ONLY"
    invokers: list[dict[str, Any]] = [
        body
        for rtype in (
            "google_cloud_run_service_iam_member",
            "google_cloud_run_v2_service_iam_member",
        )
        for body in tf.resources.get(rtype, {}).values()
    ]
    assert invokers and all(
        i["member"] == "${google_service_account.push.member}" for i in invokers
    )
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
