"""Extract a trimmed google provider schema for the offline check of infra/*.tf.

There is no Terraform google provider binary (and no registry access) where the tests run, so
`terraform validate` is impossible. The npm package @cdktf/provider-google is generated from the
provider's own schema, and its jsii assembly (`.jsii`, plain JSON) keeps what the check needs:

* every resource / data source class says which Terraform type it represents, and its `config`
  struct lists the settable arguments (computed-only attributes are not in it);
* a property typed as a nested struct is a nested block; anything else (primitive, list or map of
  primitives) is an attribute. A block typed as one struct (not a list) has max_items = 1;
* a property without `optional` is required (for a block: min_items >= 1);
* the Terraform name is the `#anchor` of the property's registry link (cdktf renames a few
  properties, e.g. `build` -> `buildAttribute`); snake_case of the camelCase name is the fallback.

Output: tests/infra/google_provider_schema.json, trimmed to the types infra/*.tf uses plus a fixed
list (FIXED_RESOURCES, FIXED_DATA_SOURCES), so it stays useful while infra/ is being written.

Regenerate (e.g. after bumping the provider version in infra/ or using a new resource type):

    npm pack @cdktf/provider-google@16.12.1      # cdktf build of hashicorp/google 6.50.0
    .venv/bin/python scripts/provider_schema.py cdktf-provider-google-16.12.1.tgz

The argument is the .tgz from `npm pack` or an unpacked `package/.jsii`. Options: --out PATH,
--infra DIR, --also TYPE (extra resource types; `data.TYPE` for a data source).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "tests" / "infra" / "google_provider_schema.json"
DEFAULT_INFRA = ROOT / "infra"
ASSEMBLY = "@cdktf/provider-google"

FIXED_RESOURCES = (
    "google_project_service",
    "google_pubsub_topic",
    "google_pubsub_subscription",
    "google_pubsub_topic_iam_member",
    "google_pubsub_subscription_iam_member",
    "google_cloudfunctions2_function",
    "google_cloud_run_v2_service_iam_member",
    "google_cloud_run_service_iam_member",
    "google_cloud_scheduler_job",
    "google_redis_instance",
    "google_vpc_access_connector",
    "google_compute_network",
    "google_compute_subnetwork",
    "google_compute_firewall",
    "google_firestore_database",
    "google_firestore_index",
    "google_firestore_field",
    "google_service_account",
    "google_project_iam_member",
    "google_project_iam_custom_role",
    "google_service_account_iam_member",
    "google_logging_metric",
    "google_monitoring_alert_policy",
    "google_storage_bucket",
    "google_storage_bucket_object",
    "google_storage_bucket_iam_member",
    "google_secret_manager_secret",
    "google_secret_manager_secret_version",
    "google_secret_manager_secret_iam_member",
    "google_kms_key_ring",
    "google_kms_crypto_key",
    "google_kms_crypto_key_iam_member",
    "google_project_service_identity",
)
FIXED_DATA_SOURCES = ("google_project",)

# "Represents a {@link https://registry.../6.50.0/docs/resources/pubsub_topic google_pubsub_topic}."
_CLASS_LINK = re.compile(
    r"registry\.terraform\.io/providers/hashicorp/google/(?P<version>[\w.-]+)/docs/"
    r"(?P<kind>resources|data-sources)/\w+ (?P<type>google_\w+)\}"
)
# "... {@link https://registry.../pubsub_subscription#filter PubsubSubscription#filter}"
_PROP_LINK = re.compile(r"/docs/(?:resources|data-sources)/\w+#(?P<name>\w+) \w+#(?P=name)\}")
# `resource "google_x" "name" {` / `data "google_x" "name" {` in a (possibly half-written) .tf.
_TF_DECL = re.compile(r'^\s*(resource|data)\s+"(google_[\w-]+)"', re.MULTILINE)


def load_assembly(path: Path) -> dict[str, Any]:
    """The jsii assembly, from an unpacked .jsii or the npm pack .tgz."""
    if path.suffix in (".tgz", ".gz"):
        with tarfile.open(path) as tar:
            member = tar.extractfile("package/.jsii")
            if member is None:
                raise SystemExit(f"{path}: no package/.jsii inside")
            return json.load(member)  # type: ignore[no-any-return]
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)  # type: ignore[no-any-return]


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", camel).lower()


def _tf_name(prop: dict[str, Any]) -> str:
    match = _PROP_LINK.search(json.dumps(prop.get("docs", {})))
    return match.group("name") if match else _snake(prop["name"])


class Extractor:
    def __init__(self, assembly: dict[str, Any]) -> None:
        self.types: dict[str, Any] = assembly["types"]
        self.package_version: str = assembly["version"]
        self.provider_versions: set[str] = set()
        self.resources: dict[str, str] = {}  # terraform type -> config struct fqn
        self.data_sources: dict[str, str] = {}
        for spec in self.types.values():
            if spec["kind"] != "class" or spec.get("base") not in (
                "cdktf.TerraformResource",
                "cdktf.TerraformDataSource",
            ):
                continue
            match = _CLASS_LINK.search(spec["docs"].get("summary", ""))
            if not match:
                raise SystemExit(f"{spec['fqn']}: cannot tell its terraform type")
            config = next(
                p["type"]["fqn"] for p in spec["initializer"]["parameters"] if p["name"] == "config"
            )
            self.provider_versions.add(match.group("version"))
            table = self.resources if match.group("kind") == "resources" else self.data_sources
            table[match.group("type")] = config

    def _nested(self, type_ref: dict[str, Any]) -> tuple[str, int | None] | None:
        """(struct fqn, max_items) when the property is a nested block, else None."""
        if "fqn" in type_ref:
            fqn = type_ref["fqn"]
            if fqn.startswith(ASSEMBLY + ".") and self.types[fqn]["kind"] == "interface":
                return fqn, 1
            return None
        if "collection" in type_ref:
            inner = self._nested(type_ref["collection"]["elementtype"])
            if inner is None:
                return None
            if type_ref["collection"]["kind"] != "array":
                raise SystemExit(f"unexpected map of structs: {type_ref}")
            return inner[0], None
        if "union" in type_ref:
            found = [n for n in map(self._nested, type_ref["union"]["types"]) if n is not None]
            if len(found) > 1:
                raise SystemExit(f"unexpected union of structs: {type_ref}")
            return found[0] if found else None
        return None

    def _properties(self, fqn: str) -> list[dict[str, Any]]:
        spec = self.types[fqn]
        props = list(spec.get("properties", []))
        for parent in spec.get("interfaces", []):
            if parent.startswith(ASSEMBLY + "."):  # cdktf.TerraformMetaArguments is skipped
                props.extend(self._properties(parent))
        return props

    def schema(self, fqn: str, depth: int = 0) -> dict[str, Any]:
        if depth > 20:
            raise SystemExit(f"{fqn}: nesting too deep (recursive struct?)")
        attributes: dict[str, Any] = {}
        blocks: dict[str, Any] = {}
        for prop in self._properties(fqn):
            name = _tf_name(prop)
            required = not prop.get("optional", False)
            nested = self._nested(prop["type"])
            if name in attributes or name in blocks:
                raise SystemExit(f"{fqn}: {name} defined twice")
            if nested is None:
                attributes[name] = {"required": required}
            else:
                blocks[name] = {
                    "max_items": nested[1],
                    "required": required,
                    "schema": self.schema(nested[0], depth + 1),
                }
        return {"attributes": attributes, "blocks": blocks}


def infra_types(infra: Path) -> tuple[set[str], set[str]]:
    """google_* resource and data source types declared in infra/*.tf (regex: files may be
    half-written)."""
    resources: set[str] = set()
    data: set[str] = set()
    for tf in sorted(infra.glob("*.tf")):
        for kind, tf_type in _TF_DECL.findall(tf.read_text(encoding="utf-8")):
            (resources if kind == "resource" else data).add(tf_type)
    return resources, data


def build(
    assembly: dict[str, Any], resources: set[str], data_sources: set[str]
) -> tuple[dict[str, Any], list[str]]:
    ex = Extractor(assembly)
    if len(ex.provider_versions) != 1:
        raise SystemExit(f"several provider versions in the assembly: {ex.provider_versions}")
    missing: list[str] = []
    out: dict[str, Any] = {
        "provider": "hashicorp/google",
        "version": next(iter(ex.provider_versions)),
        "resources": {},
        "data_sources": {},
    }
    for wanted, table, key, prefix in (
        (resources, ex.resources, "resources", ""),
        (data_sources, ex.data_sources, "data_sources", "data."),
    ):
        for tf_type in sorted(wanted):
            if tf_type in table:
                out[key][tf_type] = ex.schema(table[tf_type])
            else:
                missing.append(prefix + tf_type)
    return out, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "source", type=Path, help="cdktf-provider-google-*.tgz (npm pack) or package/.jsii"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--infra", type=Path, default=DEFAULT_INFRA)
    parser.add_argument("--also", action="append", default=[], metavar="TYPE")
    args = parser.parse_args(argv)

    resources, data_sources = infra_types(args.infra)
    resources.update(FIXED_RESOURCES)
    data_sources.update(FIXED_DATA_SOURCES)
    for extra in args.also:
        if extra.startswith("data."):
            data_sources.add(extra.removeprefix("data."))
        else:
            resources.add(extra)

    schema, missing = build(load_assembly(args.source), resources, data_sources)
    for name in missing:
        print(f"warning: {name} is not in the google provider {schema['version']}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(schema, indent=1, sort_keys=True) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(
        f"wrote {args.out} ({len(text)} bytes): {len(schema['resources'])} resources, "
        f"{len(schema['data_sources'])} data sources, provider {schema['version']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
