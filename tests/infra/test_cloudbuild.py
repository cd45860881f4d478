"""cloudbuild.yaml: lint, types and tests, then bundle, plan and apply, with real targets."""

from __future__ import annotations

import re
from typing import Any

import hcl2
import pytest
import yaml

from tests.infra.terraform import INFRA, ROOT, load, unquote

BUNDLE = "dist/keywatch-functions.zip"


@pytest.fixture(scope="module")
def build() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "cloudbuild.yaml").read_text())
    return data


def _script(step: dict[str, Any]) -> str:
    return "\n".join(str(a) for a in step.get("args", []))


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.MULTILINE))


def test_steps_run_in_order(build: dict[str, Any]) -> None:
    """Tests gate the bundle, the bundle gates the plan, the plan gates the apply."""
    assert [s["id"] for s in build["steps"]] == ["test", "bundle", "plan", "apply"]
    assert not any("waitFor" in s for s in build["steps"]), "steps must run one after another"


def test_test_step_lints_typechecks_and_tests_with_emulators(build: dict[str, Any]) -> None:
    """The first step runs lint, type-check and every test tier in the image with the emulators."""
    step = build["steps"][0]
    assert step["name"].endswith("google-cloud-cli:emulators")
    assert "make lint typecheck test" in _script(step)
    assert "NO_GCE_CHECK=true" in step["env"]


def test_every_make_target_exists(build: dict[str, Any]) -> None:
    """Each `make X` Cloud Build runs is a target of the Makefile."""
    targets = _make_targets()
    used = {
        t
        for s in build["steps"]
        for line in re.findall(r"^\s*make ([a-z -]+)$", _script(s), re.M)
        for t in line.split()
    }
    assert used and used <= targets, used - targets


def test_plan_deploys_the_bundle_make_builds(build: dict[str, Any]) -> None:
    """Terraform uploads the zip `make bundle` writes, from the environment's var file."""
    plan = _script(build["steps"][2])
    assert f"bundle_path=../{BUNDLE}" in plan
    assert "environments/${_ENV}.tfvars" in plan
    assert "terraform plan" in plan and "-out=tfplan" in plan
    assert "terraform apply -input=false tfplan" in _script(build["steps"][3])
    assert load().variables["bundle_path"]["default"] == f"../{BUNDLE}"
    assert "--out dist" in (ROOT / "Makefile").read_text()


def test_apply_only_when_asked(build: dict[str, Any]) -> None:
    """A build applies only with _APPLY=true; by default it stops at the plan."""
    assert build["substitutions"]["_APPLY"] == "false"
    assert '[ "${_APPLY}" = "true" ]' in _script(build["steps"][3])


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_environment_files_set_declared_variables(env: str) -> None:
    """Each environment's tfvars parses and sets only variables infra/ declares."""
    values = unquote(hcl2.loads((INFRA / "environments" / f"{env}.tfvars").read_text()))
    declared = set(load().variables)
    assert values["environment"] == env
    assert set(values) <= declared, set(values) - declared
    assert "project_id" not in values, "the project comes from the build, not the file"


def test_default_environment_has_a_var_file(build: dict[str, Any]) -> None:
    """The _ENV a build defaults to has its var file."""
    assert (INFRA / "environments" / f"{build['substitutions']['_ENV']}.tfvars").exists()
