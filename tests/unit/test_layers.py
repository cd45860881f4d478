"""The rooms of ARCHITECTURE.md and what each may import, enforced (import-linter's layers
and forbidden contracts, written as a test over every module's imports, top-level and lazy)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ROOMS = {
    "keywatch": REPO / "shared" / "keywatch",
    "keywatch_functions": REPO / "functions" / "keywatch_functions",
    "keywatch_ops": REPO / "ops" / "keywatch_ops",
}
# Cloud SDKs and servers: the functions' adapters may use them, the backend library may not.
CLOUD = (
    "google.cloud",
    "google.api_core",
    "google.auth",
    "firebase_admin",
    "redis",
    "functions_framework",
    "flask",
    "cloudevents",
)
# What has I/O or a cloud behind it: the pure rules import none of it.
IO = (
    *CLOUD,
    "socket",
    "subprocess",
    "urllib.request",
    "http.client",
    "http.server",
    "requests",
    "httpx",
    "threading",
    "os",
)


def _module_name(room: str, path: Path) -> str:
    rel = path.relative_to(ROOMS[room]).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([room, *parts])


def _modules() -> Iterator[tuple[str, Path]]:
    for room, folder in ROOMS.items():
        for path in sorted(folder.rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield _module_name(room, path), path


def imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it (a lazy import inside a function counts)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from google.cloud import firestore` imports google.cloud.firestore
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


MODULES = dict(_modules())


def test_every_room_has_modules() -> None:
    """The three rooms exist where ARCHITECTURE.md says."""
    for room in ROOMS:
        assert any(m.split(".")[0] == room for m in MODULES), room


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("keywatch.")))
def test_the_backend_library_never_imports_the_functions_or_the_tools(module: str) -> None:
    """shared/keywatch is what a backend installs: it knows nothing of what runs in the cloud
    or of the operator's tools."""
    bad = {i for i in imports(MODULES[module]) if _under(i, ("keywatch_functions", "keywatch_ops"))}
    assert not bad, f"{module} imports {sorted(bad)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("keywatch.")))
def test_the_backend_library_imports_no_cloud_sdk_but_pubsub_and_firestore_lazily(
    module: str,
) -> None:
    """No firebase-admin, redis, functions-framework or Cloud Logging; the Pub/Sub client only
    in the reporter's thread and Firestore only in the router client (its extra)."""
    allowed = {
        "keywatch.reporting": ("google.cloud.pubsub_v1", "google.api_core", "google.auth"),
        "keywatch.routing": (
            "google.cloud.firestore",
            "google.cloud.firestore_v1",
            "google.api_core",
        ),
    }.get(module, ())
    bad = {i for i in imports(MODULES[module]) if _under(i, CLOUD) and not _under(i, allowed)}
    assert not bad, f"{module} imports {sorted(bad)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("keywatch.core")))
def test_the_core_is_pure(module: str) -> None:
    """The rules (classification, notification decisions, health arithmetic, the log entry)
    import no cloud SDK and nothing with I/O, and of keywatch only the core, the contract and
    the scrubber."""
    found = imports(MODULES[module])
    bad = {i for i in found if _under(i, IO)}
    assert not bad, f"{module} imports {sorted(bad)}"
    ours = {i for i in found if _under(i, ("keywatch",))}
    assert all(_under(i, ("keywatch.core", "keywatch.events", "keywatch.scrub")) for i in ours), (
        f"{module} imports {sorted(ours)}"
    )


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m.startswith("keywatch_functions."))
)
def test_the_functions_never_import_the_tools(module: str) -> None:
    """What runs in the cloud does not depend on the CLI or the local stack."""
    bad = {i for i in imports(MODULES[module]) if _under(i, ("keywatch_ops",))}
    assert not bad, f"{module} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "module",
    sorted(
        m
        for m in MODULES
        if m.startswith(("keywatch_functions.service", "keywatch_functions.ports"))
    ),
)
def test_services_see_ports_not_sdks(module: str) -> None:
    """Service code sees the protocols of ports.py, never an SDK client or an adapter."""
    found = imports(MODULES[module])
    bad = {i for i in found if _under(i, CLOUD) or _under(i, ("keywatch_functions.adapters",))}
    assert not bad, f"{module} imports {sorted(bad)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("keywatch_ops.")))
def test_the_tools_run_the_functions_only_as_a_process(module: str) -> None:
    """The local stack starts the functions under functions-framework; no tool imports them.
    The tools read the functions' settings (they deploy and run them), and nothing else."""
    found = imports(MODULES[module])
    bad = {
        i
        for i in found
        if _under(i, ("keywatch_functions",)) and not _under(i, ("keywatch_functions.settings",))
    }
    assert not bad, f"{module} imports {sorted(bad)}"
