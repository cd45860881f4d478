"""Offline schema check of infra/*.tf against the google provider's real schema.

`terraform validate` needs the provider binary and the registry; neither is here. Instead every
`resource` / `data` block of a google_* type is checked against google_provider_schema.json
(extracted from @cdktf/provider-google, i.e. hashicorp/google 6.50.0, by
scripts/provider_schema.py): argument names, nested block names (also through `dynamic`),
required arguments and blocks, max_items = 1 blocks. Types of other providers (random_id,
archive_file, ...) are out of scope and skipped. Not checked: argument values and types,
ConflictsWith/ExactlyOneOf, expressions, modules.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest

from tests.infra.terraform import HCL2_OPTIONS, INFRA, tf_files

SCHEMA_PATH = Path(__file__).with_name("google_provider_schema.json")
TF_FILES = tf_files()

REGENERATE = (
    "regenerate tests/infra/google_provider_schema.json with scripts/provider_schema.py "
    "(it adds every type infra/*.tf uses; see its docstring)"
)
# Terraform meta-arguments: allowed at the top of a resource / data block, never validated here.
RESOURCE_META = frozenset(
    {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"}
)
DATA_META = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})
DYNAMIC_ARGS = frozenset({"for_each", "iterator", "labels"})
# python-hcl2 bookkeeping keys (comments are switched off, but stay safe if that changes).
HCL2_KEYS = frozenset(
    {"__is_block__", "__comments__", "__inline_comments__", "__start_line__", "__end_line__"}
)


@cache
def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _is_blocks(value: Any) -> bool:
    """python-hcl2 writes a block as a list of dicts marked `__is_block__`."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and item.get("__is_block__") for item in value)
    )


def _is_labelled_blocks(value: Any) -> bool:
    """python-hcl2 writes `kw "label" { ... }` as [{'"label"': {..., '__is_block__': True}}]."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(
            isinstance(item, dict)
            and all(
                isinstance(body, dict) and body.get("__is_block__")
                for label, body in item.items()
                if label not in HCL2_KEYS
            )
            for item in value
        )
    )


def _labelled(blocks: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(label, body) of each `keyword "label" { ... }` block."""
    return [
        (_unquote(label), body)
        for block in blocks
        for label, body in block.items()
        if label not in HCL2_KEYS
    ]


def _hint(name: str, candidates: Any) -> str:
    close = difflib.get_close_matches(name, sorted(candidates), n=3, cutoff=0.6)
    return f" (did you mean: {', '.join(close)}?)" if close else ""


class Validator:
    def __init__(self, schema: dict[str, Any], filename: str) -> None:
        self.schema = schema
        self.filename = filename
        self.errors: list[str] = []

    def _error(self, address: str, path: list[str], message: str) -> None:
        where = f"{address}: {'.'.join(path)}" if path else address
        self.errors.append(f"{self.filename}: {where}: {message}")

    def check_document(self, document: dict[str, Any]) -> list[str]:
        for keyword, table, prefix, meta, kind in (
            ("resource", "resources", "", RESOURCE_META, "resource"),
            ("data", "data_sources", "data.", DATA_META, "data source"),
        ):
            for tf_type, named in _labelled(document.get(keyword, [])):
                for name, body in _labelled([named]):
                    address = f"{prefix}{tf_type}.{name}"
                    if not tf_type.startswith("google_"):
                        continue  # another provider's type: not this schema's business
                    known = self.schema[table]
                    if tf_type not in known:
                        self._error(
                            address,
                            [],
                            f"unknown {kind} type {tf_type!r} for google provider "
                            f"{self.schema['version']}{_hint(tf_type, known)}; if it is real, "
                            f"{REGENERATE}",
                        )
                        continue
                    self.check_body(body, known[tf_type], address, [], meta)
        return self.errors

    def check_body(
        self,
        body: dict[str, Any],
        schema: dict[str, Any],
        address: str,
        path: list[str],
        meta: frozenset[str] = frozenset(),
    ) -> None:
        attributes: dict[str, Any] = schema["attributes"]
        blocks: dict[str, Any] = schema["blocks"]
        every = set(attributes) | set(blocks)
        seen_attributes: set[str] = set()
        static_blocks: Counter[str] = Counter()
        dynamic_blocks: set[str] = set()
        for key, value in body.items():
            if key in HCL2_KEYS:
                continue
            if key == "dynamic" and _is_labelled_blocks(value):
                for name, dynamic in _labelled(value):
                    self.check_dynamic(name, dynamic, blocks, every, address, path)
                    dynamic_blocks.add(name)
            elif key in meta:
                continue
            elif _is_blocks(value):
                if key in blocks:
                    static_blocks[key] += len(value)
                    for block in value:
                        self.check_body(block, blocks[key]["schema"], address, [*path, key])
                elif key in attributes:
                    self._error(address, path, f"{key!r} is an argument: write `{key} = ...`")
                else:
                    self._error(address, path, f"unknown block {key!r}{_hint(key, every)}")
            elif key in attributes:
                seen_attributes.add(key)
            elif key in blocks:
                self._error(address, path, f"{key!r} is a block: write `{key} {{ ... }}`")
            else:
                self._error(address, path, f"unknown argument {key!r}{_hint(key, every)}")
        for name, spec in sorted(attributes.items()):
            if spec["required"] and name not in seen_attributes:
                self._error(address, path, f"missing required argument {name!r}")
        for name, spec in sorted(blocks.items()):
            if spec["required"] and not static_blocks[name] and name not in dynamic_blocks:
                self._error(address, path, f"missing required block {name!r}")
            if spec["max_items"] is not None and static_blocks[name] > spec["max_items"]:
                self._error(
                    address,
                    path,
                    f"block {name!r} given {static_blocks[name]} times, "
                    f"at most {spec['max_items']} allowed",
                )

    def check_dynamic(
        self,
        name: str,
        dynamic: dict[str, Any],
        blocks: dict[str, Any],
        every: set[str],
        address: str,
        path: list[str],
    ) -> None:
        if name not in blocks:
            self._error(address, path, f"unknown block {name!r} (dynamic){_hint(name, every)}")
            return
        where = [*path, f"dynamic.{name}"]
        contents = dynamic.get("content")
        if not _is_blocks(contents):
            self._error(address, where, "a dynamic block needs a `content { ... }` block")
            contents = []
        if "for_each" not in dynamic:
            self._error(address, where, "a dynamic block needs `for_each`")
        for key in dynamic:
            if key not in DYNAMIC_ARGS | HCL2_KEYS | {"content"}:
                self._error(
                    address, where, f"unknown argument {key!r}{_hint(key, [*DYNAMIC_ARGS])}"
                )
        for content in contents:
            self.check_body(content, blocks[name]["schema"], address, [*path, name])


def validate_hcl(text: str, filename: str = "inline.tf") -> list[str]:
    """Errors found in one .tf file's text (an unparsable file is one error)."""
    try:
        document = hcl2.loads(text, serialization_options=HCL2_OPTIONS)
    except Exception as exc:  # lark raises several unrelated exception types
        return [f"{filename}: cannot parse: {type(exc).__name__}: {exc}"]
    return Validator(load_schema(), filename).check_document(document)


# --- Terraform version constraints ------------------------------------------------------------

_CONSTRAINT = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+){0,2})\s*$")


def _triple(segments: list[int]) -> tuple[int, int, int]:
    padded = [*segments, 0, 0][:3]
    return padded[0], padded[1], padded[2]


def constraint_admits(constraints: str, version: str) -> bool:
    """Whether a Terraform version constraint ("~> 6.50", ">= 6, < 7", ...) admits `version`.

    `~> X.Y` is >= X.Y and < (X+1); `~> X.Y.Z` is >= X.Y.Z and < X.(Y+1); `~> X` is X.*.
    Pre-release versions are not supported (a ValueError, like any unparsable part).
    """
    wanted = _triple([int(s) for s in version.split(".")])
    for part in constraints.split(","):
        match = _CONSTRAINT.match(part)
        if not match:
            raise ValueError(f"unsupported version constraint {part.strip()!r} in {constraints!r}")
        op = match.group(1) or "="
        segments = [int(s) for s in match.group(2).split(".")]
        bound = _triple(segments)
        if op == "~>":
            keep = max(len(segments) - 1, 1)
            ok = wanted >= bound and wanted[:keep] == bound[:keep]
        else:
            ok = {
                "=": wanted == bound,
                "!=": wanted != bound,
                ">": wanted > bound,
                ">=": wanted >= bound,
                "<": wanted < bound,
                "<=": wanted <= bound,
            }[op]
        if not ok:
            return False
    return True


def google_requirement(documents: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, str]]]:
    """(file, {source, version}) of each `required_providers { google = {...} }`."""
    found = []
    for filename, document in documents.items():
        for terraform in document.get("terraform", []):
            for required in terraform.get("required_providers", []):
                google = required.get("google")
                if isinstance(google, dict):
                    found.append(
                        (filename, {k: _unquote(str(v)) for k, v in google.items()}),
                    )
    return found


# --- infra/*.tf ------------------------------------------------------------------------------


def test_infra_has_terraform_files() -> None:
    """infra/ holds at least one .tf file for the schema check to look at."""
    assert TF_FILES, f"no .tf file in {INFRA}: nothing for the schema check to validate"


@pytest.mark.parametrize("tf_file", TF_FILES, ids=[p.name for p in TF_FILES])
def test_infra_file_matches_provider_schema(tf_file: Path) -> None:
    """Every google resource / data block in the file uses only arguments and blocks of 6.50.0."""
    errors = validate_hcl(tf_file.read_text(encoding="utf-8"), f"infra/{tf_file.name}")
    assert not errors, f"{len(errors)} schema error(s):\n" + "\n".join(errors)


def test_required_providers_pins_google_version_of_schema() -> None:
    """infra requires hashicorp/google with a constraint admitting the schema's version."""
    if not TF_FILES:
        pytest.skip("no infra/*.tf yet: test_infra_has_terraform_files reports it")
    documents = {
        f"infra/{p.name}": hcl2.loads(
            p.read_text(encoding="utf-8"), serialization_options=HCL2_OPTIONS
        )
        for p in TF_FILES
    }
    found = google_requirement(documents)
    assert len(found) == 1, f"want one required_providers.google in infra/*.tf, found {found}"
    filename, google = found[0]
    version = load_schema()["version"]
    assert google.get("source") in ("hashicorp/google", "registry.terraform.io/hashicorp/google"), (
        f"{filename}: required_providers.google.source is {google.get('source')!r}"
    )
    assert "version" in google, f"{filename}: required_providers.google has no version"
    assert constraint_admits(google["version"], version), (
        f"{filename}: google version constraint {google['version']!r} excludes {version}, "
        f"the version the schema was extracted from: {REGENERATE}"
    )


# --- the schema file --------------------------------------------------------------------------


def test_schema_file_is_google_6_50_0_with_known_facts() -> None:
    """The checked-in schema is hashicorp/google 6.50.0 and holds facts known from its docs."""
    schema = load_schema()
    assert (schema["provider"], schema["version"]) == ("hashicorp/google", "6.50.0")
    sub = schema["resources"]["google_pubsub_subscription"]
    assert sub["attributes"]["filter"] == {"required": False}
    assert sub["attributes"]["name"] == {"required": True}
    dead_letter = sub["blocks"]["dead_letter_policy"]
    assert dead_letter["max_items"] == 1
    assert "max_delivery_attempts" in dead_letter["schema"]["attributes"]
    service = schema["resources"]["google_cloudfunctions2_function"]["blocks"]["service_config"]
    assert {"ingress_settings", "vpc_connector"} <= set(service["schema"]["attributes"])
    assert "secret_environment_variables" in service["schema"]["blocks"]
    conditions = schema["resources"]["google_monitoring_alert_policy"]["blocks"]["conditions"]
    assert conditions["required"] is True
    assert "google_project" in schema["data_sources"]


# --- the validator itself ---------------------------------------------------------------------

VALID_TOPIC = """
resource "google_pubsub_topic" "events" {
  name                       = "keywatch-events"
  message_retention_duration = "86400s"
  labels                     = { app = "keywatch" }
  depends_on                 = [google_project_service.pubsub]
  lifecycle {
    prevent_destroy = true
  }
}
"""


def test_valid_pubsub_topic_passes() -> None:
    """A correct google_pubsub_topic with meta-arguments yields no error."""
    assert validate_hcl(VALID_TOPIC) == []


def test_unknown_attribute_is_reported_with_file_address_and_close_match() -> None:
    """A misspelt argument is reported with file, address, the key and a difflib suggestion."""
    errors = validate_hcl(
        'resource "google_pubsub_subscription" "s" {\n'
        '  name  = "s"\n  topic = "t"\n  filtr = "attributes.x = \\"y\\""\n}\n',
        "infra/pubsub.tf",
    )
    assert errors == [
        "infra/pubsub.tf: google_pubsub_subscription.s: unknown argument 'filtr' "
        "(did you mean: filter?)"
    ]


def test_missing_required_attribute_is_reported() -> None:
    """A required argument left out is reported by name."""
    errors = validate_hcl('resource "google_pubsub_subscription" "s" {\n  name = "s"\n}\n')
    assert errors == ["inline.tf: google_pubsub_subscription.s: missing required argument 'topic'"]


def test_count_or_for_each_does_not_waive_required_attributes() -> None:
    """`count` / `for_each` are meta-arguments, yet required arguments stay required."""
    errors = validate_hcl(
        'resource "google_pubsub_topic" "t" {\n  for_each = toset(["a"])\n}\n'
        'resource "google_pubsub_topic" "u" {\n  count = 0\n}\n'
    )
    assert errors == [
        "inline.tf: google_pubsub_topic.t: missing required argument 'name'",
        "inline.tf: google_pubsub_topic.u: missing required argument 'name'",
    ]


def test_typo_in_nested_block_name_is_reported() -> None:
    """A misspelt nested block is reported with its path and a suggestion."""
    errors = validate_hcl(
        'resource "google_pubsub_subscription" "s" {\n  name = "s"\n  topic = "t"\n'
        '  push_config {\n    push_endpoint = "https://x"\n'
        '    oidc_tokn {\n      service_account_email = "a@b"\n    }\n  }\n}\n'
    )
    assert errors == [
        "inline.tf: google_pubsub_subscription.s: push_config: unknown block 'oidc_tokn' "
        "(did you mean: oidc_token?)"
    ]


def test_nested_block_contents_are_checked_recursively() -> None:
    """Required arguments and unknown keys are found inside nested blocks too."""
    errors = validate_hcl(
        'resource "google_pubsub_subscription" "s" {\n  name = "s"\n  topic = "t"\n'
        '  push_config {\n    push_endpoint = "https://x"\n'
        "    oidc_token {\n      audiance = 1\n    }\n  }\n}\n"
    )
    assert errors == [
        "inline.tf: google_pubsub_subscription.s: push_config.oidc_token: unknown argument "
        "'audiance' (did you mean: audience?)",
        "inline.tf: google_pubsub_subscription.s: push_config.oidc_token: missing required "
        "argument 'service_account_email'",
    ]


def test_dynamic_block_is_understood() -> None:
    """`dynamic "x"` is checked as block x: valid content passes, bad content is reported."""
    template = (
        'resource "google_pubsub_subscription" "s" {{\n  name = "s"\n  topic = "t"\n'
        '  dynamic "{name}" {{\n    for_each = var.dlq ? [1] : []\n'
        "    content {{\n      {key} = 5\n    }}\n  }}\n}}\n"
    )
    good = template.format(name="dead_letter_policy", key="max_delivery_attempts")
    assert validate_hcl(good) == []
    assert validate_hcl(template.format(name="dead_letter_policy", key="max_attempts")) == [
        "inline.tf: google_pubsub_subscription.s: dead_letter_policy: unknown argument "
        "'max_attempts' (did you mean: max_delivery_attempts?)"
    ]
    (typo,) = validate_hcl(template.format(name="dead_leter_policy", key="x"))
    assert typo.startswith(
        "inline.tf: google_pubsub_subscription.s: unknown block 'dead_leter_policy' (dynamic) "
        "(did you mean: dead_letter_policy"
    )


def test_required_block_may_come_from_dynamic_but_must_be_there() -> None:
    """A required block is satisfied by a dynamic block and reported when wholly absent."""
    head = 'resource "google_monitoring_alert_policy" "a" {\n  display_name = "x"\n'
    head += '  combiner = "OR"\n'
    dynamic = (
        '  dynamic "conditions" {\n    for_each = var.c\n    content {\n'
        "      display_name = conditions.key\n    }\n  }\n"
    )
    assert validate_hcl(head + dynamic + "}\n") == []
    assert validate_hcl(head + "}\n") == [
        "inline.tf: google_monitoring_alert_policy.a: missing required block 'conditions'"
    ]


def test_argument_block_confusion_and_max_items_are_reported() -> None:
    """`block = {...}`, `argument {...}` and two blocks where max_items is 1 are errors."""
    errors = validate_hcl(
        'resource "google_pubsub_subscription" "s" {\n  name = "s"\n  topic = "t"\n'
        '  retry_policy = { minimum_backoff = "10s" }\n  labels {\n    a = 1\n  }\n'
        '  expiration_policy {\n    ttl = ""\n  }\n  expiration_policy {\n    ttl = ""\n  }\n'
        "}\n"
    )
    assert errors == [
        "inline.tf: google_pubsub_subscription.s: 'retry_policy' is a block: "
        "write `retry_policy { ... }`",
        "inline.tf: google_pubsub_subscription.s: 'labels' is an argument: write `labels = ...`",
        "inline.tf: google_pubsub_subscription.s: block 'expiration_policy' given 2 times, "
        "at most 1 allowed",
    ]


def test_unknown_google_type_asks_to_regenerate_and_other_providers_are_skipped() -> None:
    """An unknown google_* type says to regenerate the schema; random_id etc. are not checked."""
    errors = validate_hcl(
        'resource "google_pubsub_topik" "t" {\n  name = "t"\n}\n'
        'resource "random_id" "r" {\n  byte_length = 4\n}\n'
        'data "google_projekt" "p" {}\n'
    )
    assert len(errors) == 2
    assert errors[0].startswith("inline.tf: google_pubsub_topik.t: unknown resource type")
    assert "did you mean: google_pubsub_topic" in errors[0]
    assert "scripts/provider_schema.py" in errors[0]
    assert errors[1].startswith("inline.tf: data.google_projekt.p: unknown data source type")


def test_data_source_is_checked_against_data_source_schema() -> None:
    """data blocks use the data source schema: google_project takes project_id, not name."""
    assert validate_hcl('data "google_project" "p" {\n  project_id = "x"\n}\n') == []
    errors = validate_hcl('data "google_project" "p" {\n  name = "x"\n}\n')
    assert errors == ["inline.tf: data.google_project.p: unknown argument 'name'"]


def test_unparsable_file_is_one_error_naming_the_file() -> None:
    """HCL that does not parse is reported as an error for that file, not a crash."""
    errors = validate_hcl('resource "google_pubsub_topic" "t" {\n  name = \n', "infra/x.tf")
    assert len(errors) == 1
    assert errors[0].startswith("infra/x.tf: cannot parse:")


@pytest.mark.parametrize(
    ("constraint", "admitted", "rejected"),
    [
        ("~> 6.50", ["6.50.0", "6.99.3"], ["6.49.9", "7.0.0"]),
        ("~> 6.50.0", ["6.50.0", "6.50.7"], ["6.51.0", "6.49.0"]),
        ("~> 6", ["6.0.0", "6.50.0"], ["5.9.0", "7.0.0"]),
        (">= 6.0, < 7.0", ["6.50.0"], ["7.0.0", "5.40.0"]),
        ("6.50.0", ["6.50.0"], ["6.50.1"]),
        ("!= 6.50.0, >= 6", ["6.50.1"], ["6.50.0"]),
    ],
)
def test_constraint_admits_implements_terraform_operators(
    constraint: str, admitted: list[str], rejected: list[str]
) -> None:
    """Terraform version constraints, `~>` included, admit and reject as Terraform does."""
    assert all(constraint_admits(constraint, v) for v in admitted)
    assert not any(constraint_admits(constraint, v) for v in rejected)
