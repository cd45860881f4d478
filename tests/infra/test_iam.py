"""Least privilege (issue 23), read off infra/*.tf: who may reach which Firestore database, which
buckets the build account reads, and who may publish to the alerts topic.

The grants are read statically: a binding's roles are its `role` literal, or, when the role is
`each.value...`, every `roles/...` its `for_each` draws from (through the locals it names). That
over-approximates, which is the safe direction for rules that say what must not be granted.
"""

from __future__ import annotations

import re
from typing import Any

import hcl2
import pytest

from tests.infra.terraform import HCL2_OPTIONS, Config, load, tf_files, unquote

_LOCAL = re.compile(r"local\.([A-Za-z0-9_]+)")
_ROLE = re.compile(r"roles/[A-Za-z0-9_.]+")
_PUBLISH_ROLES = frozenset({"roles/pubsub.publisher", "roles/pubsub.editor", "roles/pubsub.admin"})
_BASIC_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
BUILD = "${google_service_account.build.member}"
CLASSIFY = '${google_service_account.fn["classify"].member}'
# A condition on one Firestore database: exactly its resource name, nothing broader.
_ONE_DATABASE = re.compile(r'resource\.name == "projects/\$\{var\.project_id\}/databases/([^"/]+)"')


@pytest.fixture(scope="module")
def tf() -> Config:
    return load()


def _roles_in(tf: Config, text: str, seen: set[str]) -> set[str]:
    found = set(_ROLE.findall(text))
    for name in _LOCAL.findall(text):
        if name not in seen and name in tf.locals:
            seen.add(name)
            found |= _roles_in(tf, str(tf.locals[name]), seen)
    return found


def granted_roles(tf: Config, body: dict[str, Any]) -> set[str]:
    """The predefined roles a binding may grant (custom roles are not `roles/...`)."""
    role = str(body.get("role", ""))
    if "each." not in role:
        return set(_ROLE.findall(role))
    return _roles_in(tf, str(body.get("for_each", "")), set())


def condition(body: dict[str, Any]) -> str | None:
    blocks = body.get("condition") or []
    return str(blocks[0]["expression"]) if blocks else None


def project_grants(tf: Config) -> dict[str, dict[str, Any]]:
    return tf.resources.get("google_project_iam_member", {})


def route_keys(tf: Config, body: dict[str, Any]) -> set[str]:
    """The routes whose topic a google_pubsub_topic_iam_member may bind on (none for the
    dead-letter topics). A for_each that is not read as a list of route keys counts as every
    route."""
    routes = set(tf.locals["routes"])
    topic = str(body["topic"])
    literal = re.fullmatch(r'\$\{google_pubsub_topic\.route\["([a-z_]+)"\]\.id\}', topic)
    if literal:
        return {literal.group(1)}
    if not topic.startswith("${google_pubsub_topic.route["):
        return set()
    for_each = str(body.get("for_each", ""))
    named = [n for n in _LOCAL.findall(for_each) if n != "routes"]
    if re.search(r"local\.routes\b", for_each) or not named:
        return routes
    keys: set[str] = set()
    for name in named:
        value = tf.locals.get(name)
        if not isinstance(value, list | dict):
            return routes
        keys |= set(value)
    return keys


def outputs() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in tf_files():
        doc = unquote(hcl2.loads(path.read_text(), serialization_options=HCL2_OPTIONS))
        for block in doc.get("output", []):
            found.update(block)
    return found


def test_no_project_level_firestore_role_without_a_database_condition(tf: Config) -> None:
    """Every project-level datastore grant carries a condition naming exactly one database."""
    assert not tf.resources.get("google_project_iam_binding")
    assert not tf.resources.get("google_project_iam_policy")
    firestore = 0
    for name, body in project_grants(tf).items():
        roles = granted_roles(tf, body)
        assert not roles & _BASIC_ROLES, (name, roles)
        datastore = {r for r in roles if r.startswith("roles/datastore.")}
        if not datastore:
            continue
        firestore += 1
        assert datastore <= {"roles/datastore.user", "roles/datastore.viewer"}, (name, datastore)
        expression = condition(body)
        assert expression, f"google_project_iam_member.{name} grants {datastore} on every database"
        assert _ONE_DATABASE.fullmatch(expression), (name, expression)
    assert firestore, "no Firestore grant found: notify, health and the routers need one"


def test_each_firestore_user_is_confined_to_its_own_database(tf: Config) -> None:
    """Routers read only the health database; notify uses only (default), health only its own."""
    routers = tf.resource("google_project_iam_member", "health_reader")
    assert routers["role"] == "roles/datastore.viewer"
    match = _ONE_DATABASE.fullmatch(condition(routers) or "")
    assert match and match.group(1) == "${local.health_database}", (
        f"routers' datastore.viewer is conditioned on {condition(routers)!r}, not health's database"
    )
    assert tf.locals.get("health_database") == "${google_firestore_database.health.name}"
    assert tf.resource("google_firestore_database", "health")["name"] == "${var.health_database}"
    assert tf.variables["health_database"]["default"] == "keywatch-health"
    assert tf.locals.get("tokens_database") == "(default)"

    functions = {
        name: body
        for name, body in project_grants(tf).items()
        if any(r.startswith("roles/datastore.") for r in granted_roles(tf, body))
        and "google_service_account.fn" in str(body["member"])
    }
    assert list(functions) == ["fn_firestore"], list(functions)
    grant = functions["fn_firestore"]
    assert grant["for_each"] == "${local.function_databases}"
    assert grant["member"] == "${google_service_account.fn[each.key].member}"
    match = _ONE_DATABASE.fullmatch(condition(grant) or "")
    assert match and match.group(1) == "${each.value.database}", condition(grant)
    databases = {fn: v["database"] for fn, v in tf.locals["function_databases"].items()}
    assert databases == {
        "notify": "${local.tokens_database}",
        "health": "${local.health_database}",
    }


def test_build_account_has_no_project_wide_storage_role(tf: Config) -> None:
    """kw-build reads the source bucket and Cloud Functions' gcf-v2-sources bucket, nothing else:
    no project-level storage.objectAdmin, no unconditioned storage role."""
    build_project = {n: b for n, b in project_grants(tf).items() if b["member"] == BUILD}
    assert build_project, "kw-build has no project grant: logs and Artifact Registry need one"
    for name, body in build_project.items():
        roles = granted_roles(tf, body)
        assert not roles & {"roles/storage.objectAdmin", "roles/storage.admin"}, (
            f"google_project_iam_member.{name}: kw-build gets {sorted(roles)} on the project"
        )
        storage = {r for r in roles if r.startswith("roles/storage.")}
        if not storage:
            continue
        assert storage == {"roles/storage.objectViewer"}, (name, storage)
        expression = condition(body) or ""
        assert expression == (
            'resource.name == "${local.gcf_sources_bucket}" || '
            'resource.name.startsWith("${local.gcf_sources_bucket}/objects/")'
        ), (name, expression)
    assert tf.locals["gcf_sources_bucket"] == (
        "projects/_/buckets/gcf-v2-sources-${data.google_project.this.number}-${var.region}"
    )
    # The bundle's bucket: read only, granted on that bucket.
    on_buckets = [
        b
        for b in tf.resources.get("google_storage_bucket_iam_member", {}).values()
        if b["member"] == BUILD
    ]
    assert on_buckets == [
        {
            "bucket": "${google_storage_bucket.source.name}",
            "role": "roles/storage.objectViewer",
            "member": BUILD,
        }
    ]
    source = tf.resource("google_cloudfunctions2_function", "fn")["build_config"][0]["source"]
    assert source[0]["storage_source"][0]["bucket"] == "${google_storage_bucket.source.name}"


def test_only_classify_may_publish_to_the_alerts_topic(tf: Config) -> None:
    """No operator, backend or other member but classify's account can publish an alert."""
    assert tf.locals["routes"]["notify"]["topic"] == "keywatch-alerts"
    assert not tf.resources.get("google_pubsub_topic_iam_binding")
    assert not tf.resources.get("google_pubsub_topic_iam_policy")
    for name, body in project_grants(tf).items():
        assert not granted_roles(tf, body) & _PUBLISH_ROLES, name
    alert_publishers = [
        (name, body["member"])
        for name, body in tf.resources.get("google_pubsub_topic_iam_member", {}).items()
        if str(body["role"]) in _PUBLISH_ROLES and "notify" in route_keys(tf, body)
    ]
    assert alert_publishers == [("alerts_publisher", CLASSIFY)], alert_publishers


def test_operators_still_replay_events_and_peek_at_every_route(tf: Config) -> None:
    """Operators keep what `keywatch dlq` needs outside alerts: publish to the events topic,
    pull from every hold subscription."""
    replay = tf.resource("google_pubsub_topic_iam_member", "operator_replay")
    assert replay["role"] == "roles/pubsub.publisher"
    assert route_keys(tf, replay) == {"classify", "health"}, route_keys(tf, replay)
    hold = tf.resource("google_pubsub_subscription_iam_member", "operator_hold")
    assert "keys(local.routes)" in hold["for_each"] and "var.operator_members" in hold["for_each"]


def test_health_function_and_routers_are_told_the_health_database(tf: Config) -> None:
    """health gets KEYWATCH_HEALTH_DATABASE, the routers its name as an output, and the health
    documents' TTL and index settings are on that database."""
    env = {name: fn["env"] for name, fn in tf.locals["functions"].items()}
    assert env["health"].get("KEYWATCH_HEALTH_DATABASE") == "${local.health_database}", (
        "the health function is not told its database"
    )
    assert "KEYWATCH_HEALTH_DATABASE" not in env["notify"]  # tokens: (default)
    assert outputs()["health_database"]["value"] == "${google_firestore_database.health.name}"
    for field in ("ttl", "unindexed"):
        body = tf.resource("google_firestore_field", field)
        assert body["database"] == "${local.health_database}", field
