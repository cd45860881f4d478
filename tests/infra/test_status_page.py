"""The status page function (infra/status_page.tf), read off infra/*.tf: an HTTP function of the
same bundle, reading the health database only, private unless status_page_public is set."""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest

from keywatch_functions.settings import FunctionSettings
from tests.infra.terraform import ROOT, Config, load
from tests.infra.test_checkov import report  # noqa: F401  (the checkov fixture)
from tests.infra.test_iam import _ONE_DATABASE, condition, granted_roles, outputs

FUNCTION = "google_cloudfunctions2_function"
RUN_INVOKERS = ("google_cloud_run_service_iam_member", "google_cloud_run_v2_service_iam_member")
STATUS_SA = "${google_service_account.status.member}"
PUSH_SA = "${google_service_account.push.member}"
PUBLIC = frozenset({"allUsers", "allAuthenticatedUsers"})


@pytest.fixture(scope="module")
def tf() -> Config:
    return load()


@pytest.fixture(scope="module")
def fn(tf: Config) -> dict[str, Any]:
    return tf.resource(FUNCTION, "status_page")


def _decorators(name: str) -> list[str]:
    tree = ast.parse((ROOT / "functions" / "main.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return [ast.unparse(d) for d in node.decorator_list]
    raise AssertionError(f"functions/main.py has no function {name!r}")


def _invokers(tf: Config) -> dict[str, dict[str, Any]]:
    return {
        f"{rtype}.{name}": body
        for rtype in RUN_INVOKERS
        for name, body in tf.resources.get(rtype, {}).items()
    }


def test_status_page_is_an_http_function_of_the_same_bundle(tf: Config, fn: dict[str, Any]) -> None:
    """HTTP (no event trigger), entry point status_page, built like the other functions."""
    assert "event_trigger" not in fn
    assert _decorators("status_page") == ["functions_framework.http"]
    build = fn["build_config"][0]
    assert build["entry_point"] == "status_page"
    others = tf.resource(FUNCTION, "fn")["build_config"][0]
    for key in ("runtime", "service_account", "source"):
        assert build[key] == others[key], key
    assert build["runtime"] == "${var.python_runtime}"
    # One bundle object for every function.
    assert list(tf.resources["google_storage_bucket_object"]) == ["bundle"]


def test_status_page_is_not_a_pubsub_route(tf: Config) -> None:
    """It is no route's function: local.functions (push subscriptions, Redis) stays three."""
    assert "status_page" not in tf.locals["functions"]
    assert "status_page" not in tf.locals["routes"]


def test_status_page_service_config(tf: Config, fn: dict[str, Any]) -> None:
    """256 MiB, 30 s, a variable instance cap, open ingress, and no connector or secret."""
    config = fn["service_config"][0]
    assert config["service_account_email"] == "${google_service_account.status.email}"
    assert config["available_memory"] == "256Mi"
    assert config["timeout_seconds"] == 30
    assert config["max_instance_count"] == "${var.status_page_max_instances}"
    assert tf.variables["status_page_max_instances"]["default"] == 3
    assert config["ingress_settings"] == "ALLOW_ALL"
    for absent in ("vpc_connector", "vpc_connector_egress_settings"):
        assert absent not in config, absent
    assert "secret_environment_variables" not in config
    assert "dynamic" not in config
    assert config["environment_variables"] == '${merge(local.status_page_env, {THREADS = "1"})}'
    assert config["max_instance_request_concurrency"] == 1


def test_status_page_env_names_settings_and_the_health_database(tf: Config) -> None:
    """Every KEYWATCH_* it sets is a setting, a literal equals the code's default, the database
    is the health database, and the health thresholds are the health function's."""
    env = tf.locals["status_page_env"]
    fields = set(FunctionSettings.model_fields)
    defaults = FunctionSettings().model_dump()
    for var, value in env.items():
        assert var.startswith("KEYWATCH_"), var
        field = var.removeprefix("KEYWATCH_").lower()
        assert field in fields, f"{var} is not a setting of keywatch.settings.Settings"
        resolved = tf.resolve(value)
        if "${" not in str(resolved):
            assert resolved == defaults[field], var
    assert env["KEYWATCH_PROJECT_ID"] == "${var.project_id}"
    assert env["KEYWATCH_HEALTH_DATABASE"] == "${local.health_database}"
    assert tf.resolve(env["KEYWATCH_PROVIDER_HEALTH_COLLECTION"]) == "provider_health"
    assert tf.resolve(env["KEYWATCH_PROVIDER_DAYS_COLLECTION"]) == "provider_days"
    assert tf.resolve(env["KEYWATCH_INCIDENTS_COLLECTION"]) == "incidents"
    # The page grades health with the same thresholds as the health run that wrote it.
    health = tf.locals["functions"]["health"]["env"]
    for var in ("KEYWATCH_HEALTH_MIN_REQUESTS", "KEYWATCH_HEALTH_DEGRADED_RATE"):
        assert env.get(var) == health.get(var), var
    assert env.get("KEYWATCH_HEALTH_DOWN_RATE") == health.get("KEYWATCH_HEALTH_DOWN_RATE")
    assert not {"KEYWATCH_REDIS_URL", "KEYWATCH_REDIS_CA_PEM"} & set(env)


def test_status_account_reads_only_the_health_database(tf: Config) -> None:
    """kw-status: logWriter, and datastore.viewer conditioned on the health database; nothing
    else anywhere (no secret, topic, bucket or other database)."""
    sa = tf.resource("google_service_account", "status")
    assert sa["account_id"] == "kw-status"
    grants = {
        name: body
        for name, body in tf.resources["google_project_iam_member"].items()
        if body["member"] == STATUS_SA
    }
    roles = {name: granted_roles(tf, body) for name, body in grants.items()}
    assert sorted(r for rs in roles.values() for r in rs) == [
        "roles/datastore.viewer",
        "roles/logging.logWriter",
    ], roles
    for name, body in grants.items():
        if "roles/datastore.viewer" in roles[name]:
            match = _ONE_DATABASE.fullmatch(condition(body) or "")
            assert match and match.group(1) == "${local.health_database}", condition(body)
        else:
            assert condition(body) is None, name
    elsewhere = [
        f"{rtype}.{name}"
        for rtype, named in tf.resources.items()
        if rtype != "google_project_iam_member"
        for name, body in named.items()
        if body.get("member") == STATUS_SA or STATUS_SA in str(body.get("members", ""))
    ]
    assert elsewhere == [], elsewhere


def test_status_page_is_private_by_default(tf: Config) -> None:
    """allUsers is granted only by the status_page_public binding, which exists only when the
    variable (default false) is set; the viewers get run.invoker, none by default."""
    assert tf.variables["status_page_public"]["default"] is False
    assert tf.variables["status_page_viewers"]["default"] == []
    public = tf.resource("google_cloud_run_service_iam_member", "status_page_public")
    assert public["count"] == "${var.status_page_public ? 1 : 0}"
    assert public["member"] == "allUsers" and public["role"] == "roles/run.invoker"
    viewers = tf.resource("google_cloud_run_service_iam_member", "status_page_viewer")
    assert viewers["for_each"] == "${toset(var.status_page_viewers)}"
    assert viewers["member"] == "${each.value}" and viewers["role"] == "roles/run.invoker"
    for body in (public, viewers):
        assert body["service"] == "${google_cloudfunctions2_function.status_page.name}"
    # No other binding anywhere names a public member.
    public_bindings = [
        f"{rtype}.{name}"
        for rtype, named in tf.resources.items()
        for name, body in named.items()
        if body.get("member") in PUBLIC or PUBLIC & set(body.get("members") or [])
    ]
    assert public_bindings == ["google_cloud_run_service_iam_member.status_page_public"]
    assert "allAuthenticatedUsers" not in tf.text


def test_viewers_cannot_name_a_public_member(tf: Config) -> None:
    """status_page_viewers refuses allUsers: public is status_page_public's one switch."""
    validation = tf.variables["status_page_viewers"]["validation"][0]
    pattern = re.search(r'regex\("([^"]+)"', validation["condition"])
    assert pattern, validation["condition"]
    regex = pattern.group(1).replace("\\\\", "\\")
    for member in ("group:sre@example.com", "user:a@example.com", "serviceAccount:x@p.iam"):
        assert re.match(regex, member), member
    for member in ("allUsers", "allAuthenticatedUsers", "sre@example.com"):
        assert not re.match(regex, member), member


def test_the_pubsub_functions_stay_internal_and_push_only(tf: Config) -> None:
    """The three route functions keep internal ingress, and only kw-push invokes them: every
    run.invoker binding is either the push identity's or on the status page."""
    fn = tf.resource(FUNCTION, "fn")
    assert fn["service_config"][0]["ingress_settings"] == "ALLOW_INTERNAL_ONLY"
    assert "google_cloudfunctions2_function_iam_member" not in tf.resources
    for address, body in _invokers(tf).items():
        on_status = body["service"] == "${google_cloudfunctions2_function.status_page.name}"
        assert body["member"] == PUSH_SA or on_status, address
        if body["member"] == PUSH_SA:
            assert not on_status, address


def test_status_page_url_is_an_output() -> None:
    """The status page's URL is the status_page_url output."""
    assert outputs()["status_page_url"]["value"] == (
        "${google_cloudfunctions2_function.status_page.service_config[0].uri}"
    )


def test_checkov_passes_the_status_page_with_two_documented_suppressions(
    report: dict[str, Any],  # noqa: F811
) -> None:
    """No failed check anywhere; on the status page only the two deliberate suppressions (open
    ingress, the optional public binding), each with a reason."""
    failed = [f"{c['check_id']} on {c['resource']}" for c in report["results"]["failed_checks"]]
    assert failed == [], failed
    skipped = {
        (c["check_id"], re.sub(r"\[.*\]$", "", c["resource"]))
        for c in report["results"]["skipped_checks"]
        if c["file_path"].endswith("status_page.tf")
    }
    assert skipped == {
        ("CKV_GCP_124", "google_cloudfunctions2_function.status_page"),
        ("CKV_GCP_102", "google_cloud_run_service_iam_member.status_page_public"),
    }, skipped
    for c in report["results"]["skipped_checks"]:
        if c["file_path"].endswith("status_page.tf"):
            assert len(c["check_result"].get("suppress_comment") or "") >= 40, c["check_id"]
    # The viewers' binding is checked, and passes: it can name no public member.
    passed = {
        (c["check_id"], re.sub(r"\[.*\]$", "", c["resource"]))
        for c in report["results"]["passed_checks"]
        if c["file_path"].endswith("status_page.tf")
    }
    assert ("CKV_GCP_102", "google_cloud_run_service_iam_member.status_page_viewer") in passed
