"""The Cloud Functions deploy bundle (scripts/bundle.py): its layout, its pins, its determinism,
and that it serves from a clean virtualenv holding nothing but its own requirements.

The last test installs offline from a wheelhouse that `make wheelhouse` fills (network, once);
KEYWATCH_WHEELHOUSE overrides where it is.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
BUNDLE_SCRIPT = REPO / "scripts" / "bundle.py"
WHEELHOUSE = Path(os.environ.get("KEYWATCH_WHEELHOUSE") or REPO / ".cache" / "wheelhouse")

REQUIRED = {
    "functions-framework",
    "google-cloud-firestore",
    "google-cloud-pubsub",
    "google-cloud-logging",
    "firebase-admin",
    "redis",
    "pydantic",
}
DEV_ONLY = {
    "keywatch",
    "keywatch-functions",
    "keywatch-ops",
    "pytest",
    "pytest-timeout",
    "openai",
    "anthropic",
    "google-genai",
    "botocore",
    "ruff",
    "mypy",
    "python-hcl2",
    "pyyaml",
    "langchain-core",
    "langsmith",
}
# A Pub/Sub push body whose data ("not json") can never decode: poison, logged and acknowledged.
POISON = {
    "message": {
        "data": "bm90IGpzb24=",
        "messageId": "1",
        "publishTime": "2026-01-01T00:00:00Z",
        "attributes": {"type": "failure"},
    },
    "subscription": "projects/p/subscriptions/s",
}


def _load_bundle() -> ModuleType:
    spec = importlib.util.spec_from_file_location("keywatch_bundle_script", BUNDLE_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundle = _load_bundle()


def _run(cmd: list[Any], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run `cmd`; on failure, fail the test with its output."""
    proc = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, timeout=240, **kwargs
    )
    if proc.returncode != 0:
        pytest.fail(
            f"{' '.join(str(c) for c in cmd)} exited {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    return proc


def _build(out: Path, *extra: Any) -> Path:
    proc = _run([sys.executable, BUNDLE_SCRIPT, "--out", out, *extra], cwd=REPO)
    zip_path = out / bundle.ZIP_NAME
    digest = hashlib.sha256(zip_path.read_bytes()).hexdigest()
    assert f"sha256 {digest}" in proc.stdout, proc.stdout
    assert f"{zip_path.stat().st_size} bytes" in proc.stdout, proc.stdout
    return zip_path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def pins(built: Path) -> dict[str, str]:
    return dict(bundle.pinned((built.parent / "requirements.txt").read_text()))


def test_zip_layout(built: Path) -> None:
    """The zip holds main.py, requirements.txt, the function code and the shared package at its
    root, only: no CLI, no local stack, no tests."""
    with zipfile.ZipFile(built) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        main_py = zf.read("main.py")
        requirements = zf.read("requirements.txt")
    assert {
        "main.py",
        "requirements.txt",
        "keywatch/__init__.py",
        "keywatch/py.typed",
        "keywatch_functions/classify.py",
        "keywatch_functions/adapters/lua/count_failure.lua",
        "keywatch_functions/py.typed",
    } <= set(names)
    assert names == sorted(names)
    for name in names:
        assert name in ("main.py", "requirements.txt") or name.startswith(
            ("keywatch/", "keywatch_functions/")
        ), name
        assert "__pycache__" not in name and not name.endswith((".pyc", "/")), name
        assert not name.startswith("tests/") and "/tests/" not in name, name
    packaged = {
        p.relative_to(REPO / "shared").as_posix() for p in REPO.glob("shared/keywatch/**/*.py")
    } | {
        p.relative_to(REPO / "functions").as_posix()
        for p in REPO.glob("functions/keywatch_functions/**/*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert packaged <= set(names)
    assert main_py == (REPO / "functions" / "main.py").read_bytes()
    assert requirements == (built.parent / "requirements.txt").read_bytes()
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0), info
        assert info.external_attr >> 16 == 0o100644, info


def test_rebuild_is_byte_identical(built: Path, tmp_path: Path) -> None:
    """Building again, even from a copy with other mtimes, modes and stray bytecode, gives the
    same sha256 (Terraform names the upload after it: no redeploy of an unchanged commit)."""
    assert _sha256(_build(tmp_path / "again")) == _sha256(built)

    root = tmp_path / "src"
    (root / "functions").mkdir(parents=True)
    shutil.copy(REPO / "functions" / "main.py", root / "functions" / "main.py")
    for name in ("pyproject.toml", "constraints.txt", "functions/pyproject.toml"):
        shutil.copy(REPO / name, root / name)
    for folder in ("shared/keywatch", "functions/keywatch_functions"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    stray = root / "shared" / "keywatch" / "__pycache__" / "junk.cpython-311.pyc"
    stray.parent.mkdir()
    stray.write_bytes(b"\0junk")
    (root / "functions" / "keywatch_functions" / "classify.py").chmod(0o755)
    for path in root.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    assert _sha256(_build(tmp_path / "copy", "--root", root)) == _sha256(built)


def test_requirements_pin_the_runtime_closure_only(built: Path, pins: dict[str, str]) -> None:
    """requirements.txt pins the functions' runtime deps at constraints.txt's versions, no dev-only
    package and not keywatch itself, under a header saying it is generated."""
    text = (built.parent / "requirements.txt").read_text()
    assert text.startswith("# Generated by scripts/bundle.py"), text[:200]
    assert set(pins) >= REQUIRED, sorted(REQUIRED - set(pins))
    assert not DEV_ONLY & set(pins), sorted(DEV_ONLY & set(pins))
    constraints = bundle.read_constraints(REPO / "constraints.txt")
    assert {name: constraints[name] for name in pins} == pins
    for line in text.splitlines():
        assert line.startswith("#") or line.count("==") == 1, line


def test_dependency_missing_from_constraints_is_an_error(tmp_path: Path) -> None:
    """A runtime dependency that constraints.txt does not pin fails the build, naming it."""
    root = tmp_path / "src"
    shutil.copytree(
        REPO / "functions", root / "functions", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(
        REPO / "shared" / "keywatch",
        root / "shared" / "keywatch",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    lines = (REPO / "constraints.txt").read_text().splitlines()
    kept = [line for line in lines if not line.lower().startswith("cloudevents==")]
    assert len(kept) == len(lines) - 1
    (root / "constraints.txt").write_text("\n".join(kept) + "\n")
    proc = subprocess.run(
        [sys.executable, str(BUNDLE_SCRIPT), "--out", str(tmp_path / "out"), "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc
    assert "cloudevents" in proc.stderr and "constraints.txt" in proc.stderr, proc.stderr
    assert not (tmp_path / "out" / bundle.ZIP_NAME).exists()


# Run in the clean venv, cwd = the unzipped bundle: import the entry points, then serve each
# through functions-framework as Cloud Functions would, posting poison to the two that decode.
SNIPPET = textwrap.dedent(
    """
    import importlib
    import importlib.metadata as md
    import ipaddress
    import json
    import pkgutil
    import socket
    import sys

    # Offline: refuse, and record, any attempt to reach past loopback (a library may swallow
    # the error, so the attempts are reported too).
    attempts = []
    _connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def _check(host):
        host = host.decode() if isinstance(host, bytes) else host
        if host is None or host == "localhost":
            return
        try:
            if ipaddress.ip_address(str(host).split("%")[0]).is_loopback:
                return
        except ValueError:
            pass
        attempts.append(str(host))
        raise OSError(f"offline test: refused to reach {host!r}")

    def _guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address[0])
        return _connect(self, address)

    def _guarded_getaddrinfo(host, *args, **kwargs):
        _check(host)
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = _guarded_connect
    socket.getaddrinfo = _guarded_getaddrinfo

    import functions_framework
    import keywatch
    import keywatch_functions
    import main

    poison = json.loads(sys.argv[1])
    result = {
        "callable": {n: callable(getattr(main, n, None)) for n in ("classify", "notify", "health")},
        "keywatch": keywatch.__file__,
        "main": main.__file__,
        "functions_framework": functions_framework.__file__,
        "dists": {d.metadata["Name"]: d.version for d in md.distributions()},
        "status": {},
        "unimportable": {},
    }
    # Every module but the backend's capture extras (`langchain`, `litellm`, `otel`) imports
    # with the bundle's deps alone: none imports a package functions/pyproject.toml does not
    # declare.
    modules = [
        *pkgutil.walk_packages(keywatch.__path__, "keywatch."),
        *pkgutil.walk_packages(keywatch_functions.__path__, "keywatch_functions."),
    ]
    for mod in modules:
        if mod.name not in ("keywatch.langchain", "keywatch.litellm", "keywatch.otel"):
            try:
                importlib.import_module(mod.name)
            except Exception as exc:
                result["unimportable"][mod.name] = repr(exc)
    for name in ("classify", "notify", "health"):
        # Deployed without an Eventarc trigger (infra/pubsub.tf pushes to them), the functions
        # are HTTP functions to Cloud Functions; the decorator makes them CloudEvent ones.
        app = functions_framework.create_app(target=name, source="main.py", signature_type="http")
        if name != "health":  # health reads no message data: it would go to Firestore
            response = app.test_client().post("/", json=poison)
            result["status"][name] = [response.status_code, response.get_data(as_text=True)]
    result["network"] = attempts
    print("RESULT " + json.dumps(result))
    """
)


def test_bundle_serves_from_a_clean_venv(built: Path, pins: dict[str, str], tmp_path: Path) -> None:
    """Unzipped and installed offline into a clean venv from its own requirements.txt, the bundle
    imports, exposes classify/notify/health, and acknowledges a poison message with a 2xx."""
    missing = bundle.missing_from_wheelhouse(WHEELHOUSE, pins)
    if missing:
        pytest.fail(
            f"the wheelhouse {WHEELHOUSE} lacks {len(missing)} of the {len(pins)} pinned wheels"
            f" ({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}): run"
            " `make wheelhouse` (it downloads them once; set KEYWATCH_WHEELHOUSE to use another)"
        )

    app_dir = tmp_path / "app"
    with zipfile.ZipFile(built) as zf:
        zf.extractall(app_dir)
    venv = tmp_path / "venv"
    venv_py = venv / "bin" / "python"
    # Nothing of the project's environment: no PYTHONPATH, no VIRTUAL_ENV, no pip config (its
    # index or find-links), no credentials; pip may not reach an index.
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        "NO_GCE_CHECK": "true",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_NO_CACHE_DIR": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    _run([sys.executable, "-m", "venv", venv], env=env, cwd=tmp_path)
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()

    started = time.monotonic()
    _run(
        [
            *(venv_py, "-m", "pip", "install", "--quiet", "--no-index", "--only-binary=:all:"),
            *("--find-links", WHEELHOUSE, "--requirement", app_dir / "requirements.txt"),
        ],
        env=env,
        cwd=app_dir,
    )
    print(f"clean-venv install: {time.monotonic() - started:.1f}s")
    _run([venv_py, "-m", "pip", "check"], env=env, cwd=app_dir)

    proc = _run([venv_py, "-c", SNIPPET, json.dumps(POISON)], env=env, cwd=app_dir)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert len(lines) == 1, proc.stdout
    result = json.loads(lines[0].removeprefix("RESULT "))

    assert result["network"] == []
    assert result["unimportable"] == {}
    assert result["callable"] == {"classify": True, "notify": True, "health": True}
    assert Path(result["keywatch"]).resolve().is_relative_to(app_dir.resolve()), result
    assert Path(result["main"]).resolve().parent == app_dir.resolve(), result
    assert Path(result["functions_framework"]).resolve().is_relative_to(venv.resolve()), result
    # The venv holds exactly the pins (and its own pip/setuptools): nothing unpinned crept in.
    installed = {
        bundle.canonicalize_name(name): version
        for name, version in result["dists"].items()
        if bundle.canonicalize_name(name) not in {"pip", "setuptools", "wheel"}
    }
    assert installed == pins
    for name, (status, body) in result["status"].items():
        assert 200 <= status < 300, (name, status, body, proc.stderr[-3000:])
    # The poison went through keywatch's path: one structured ERROR entry per function.
    for name in ("classify", "notify"):
        assert f"{name}: dropped a message that can never succeed" in proc.stdout, proc.stdout
