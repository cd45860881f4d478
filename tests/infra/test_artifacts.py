"""Each artifact ships only its own room (ARCHITECTURE.md): the backend's `keywatch` wheel
holds shared/keywatch alone, keywatch-functions the function code, keywatch-ops the CLI and
the local stack; and the backend's wheel, installed offline into a clean virtualenv, imports
with nothing but its own dependencies. (The deploy zip: tests/infra/test_bundle.py.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WHEELHOUSE = Path(os.environ.get("KEYWATCH_WHEELHOUSE") or REPO / ".cache" / "wheelhouse")
IGNORE = shutil.ignore_patterns("*.egg-info", "__pycache__", "build")


def _run(cmd: list[object], **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        timeout=300,
        **kw,  # type: ignore[call-overload]
    )
    assert proc.returncode == 0, (proc.stdout[-2000:], proc.stderr[-3000:])
    return proc


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three distributions built from a copy of the tree, offline (setuptools and wheel
    from the wheelhouse, as `make wheelhouse` fills it)."""
    if not any(WHEELHOUSE.glob("setuptools-*.whl")):
        pytest.fail(f"{WHEELHOUSE} has no build wheels: run `make wheelhouse` (make test does)")
    root = tmp_path_factory.mktemp("artifacts")
    src = root / "src"
    for folder in ("shared", "functions", "ops"):
        shutil.copytree(REPO / folder, src / folder, ignore=IGNORE)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    out = root / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-index", "--find-links", WHEELHOUSE, "--wheel-dir", out,
         src, src / "functions", src / "ops"]
    )  # fmt: skip
    built = {p.name.split("-")[0]: p for p in out.glob("*.whl")}
    assert set(built) == {"keywatch", "keywatch_functions", "keywatch_ops"}, built
    return built


def _contents(wheel: Path) -> tuple[set[str], str]:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next((n for n in names if n.endswith("dist-info/entry_points.txt")), None)
        scripts = zf.read(entry_points).decode() if entry_points else ""
    return {n for n in names if ".dist-info/" not in n}, scripts


def _sources(folder: str) -> set[str]:
    base = REPO / folder
    package = base.parent
    return {
        p.relative_to(package).as_posix()
        for p in base.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def test_the_backend_wheel_holds_shared_keywatch_only(wheels: dict[str, Path]) -> None:
    """No function code, adapter, CLI, local stack or test in what a backend installs."""
    names, scripts = _contents(wheels["keywatch"])
    assert names == _sources("shared/keywatch")
    assert "keywatch/core/classify.py" in names and "keywatch/track.py" in names
    assert not any(n.startswith(("keywatch_functions", "keywatch_ops", "tests")) for n in names)
    assert "console_scripts" not in scripts


def test_the_functions_wheel_holds_the_function_code_only(wheels: dict[str, Path]) -> None:
    """Decoding, services, adapters (their Lua scripts too) and bootstrap; nothing else."""
    names, _ = _contents(wheels["keywatch_functions"])
    assert names == _sources("functions/keywatch_functions")
    assert "keywatch_functions/adapters/lua/incident_guard.lua" in names


def test_the_ops_wheel_holds_the_tools_and_the_keywatch_command(wheels: dict[str, Path]) -> None:
    """The CLI and the local stack, with the `keywatch` console script."""
    names, scripts = _contents(wheels["keywatch_ops"])
    assert names == _sources("ops/keywatch_ops")
    assert "keywatch = keywatch_ops.cli:main" in scripts


IMPORT_CHECK = """
import json, sys
import keywatch
heavy = ("google.cloud.pubsub", "keywatch.core.classify", "keywatch.core.textrules", "re2")
light = sorted(m for m in sys.modules if m.startswith(heavy))
verdict = keywatch.classify(status_code=401, message="Incorrect API key provided")
print(json.dumps({"loaded_at_import": light, "reason": verdict.reason.value}))
"""


def test_the_backend_wheel_installs_and_imports_with_its_own_dependencies_only(
    wheels: dict[str, Path], tmp_path: Path
) -> None:
    """Installed offline into a clean virtualenv: pydantic and the Pub/Sub client come along,
    nothing of the functions; `import keywatch` loads neither the Pub/Sub client nor the
    classifier's rules, and keywatch.classify() works there (without RE2)."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv])
    py = venv / "bin" / "python"
    _run(
        [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index",
         "--find-links", WHEELHOUSE, wheels["keywatch"]]
    )  # fmt: skip
    listed = _run([py, "-m", "pip", "list", "--format=json"]).stdout
    names = {d["name"].lower() for d in json.loads(listed)}
    assert {"keywatch", "pydantic", "google-cloud-pubsub"} <= names
    forbidden = {
        "keywatch-functions",
        "keywatch-ops",
        "functions-framework",
        "firebase-admin",
        "redis",
        "google-cloud-firestore",
        "google-cloud-logging",
        "google-re2",
    }
    assert not names & forbidden, sorted(names & forbidden)
    env = {"PATH": "/usr/bin:/bin", "NO_GCE_CHECK": "true", "HOME": str(tmp_path)}
    result = json.loads(_run([py, "-c", IMPORT_CHECK], env=env, cwd=tmp_path).stdout)
    assert result == {"loaded_at_import": [], "reason": "invalid_key"}
