"""Build the Cloud Functions (gen2) source bundle: dist/keywatch-functions.zip.

    .venv/bin/python scripts/bundle.py --out dist [--wheelhouse .cache/wheelhouse]

The zip holds, at its root, `main.py` (functions/main.py), `requirements.txt`, the function code
(`keywatch_functions/`, from functions/) and the shared package it runs on (`keywatch/`, from
shared/). requirements.txt pins the whole runtime closure of the keywatch-functions
distribution (functions/pyproject.toml, its `keywatch` dependency expanded into that
project's own): computed offline from the metadata installed in this venv, with the
environment markers of the target runtime (python311: CPython 3.11 on Linux x86_64), each
version taken from constraints.txt. The zip is deterministic (sorted entries, fixed timestamps and
permissions), so a rebuild of the same sources has the same sha256 and Terraform, which names the
uploaded object after that hash, does not redeploy.

`--wheelhouse DIR` also downloads a wheel for every pin into DIR (the only step that uses the
network; skipped when DIR already holds every pin), so tests can install the bundle offline.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import os
import platform
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
ZIP_NAME = "keywatch-functions.zip"
# The distributions of this repo: (pyproject, package name, package dir), relative to the root.
SHARED = ("pyproject.toml", "keywatch", "shared/keywatch")
FUNCTIONS = ("functions/pyproject.toml", "keywatch_functions", "functions/keywatch_functions")
EXTRAS: tuple[str, ...] = ()
ROOT_NAME = "keywatch-functions"
LOCAL_NAMES = frozenset({"keywatch", "keywatch-functions", "keywatch-ops"})

# The runtime Cloud Functions runs the bundle on ("python311"). Markers are evaluated against
# this, not against the machine that builds, except for the patch level: the runtime's is not
# known here (Google keeps it at a recent 3.11.x), so it is the building venv's, which must be
# CPython 3.11 anyway since constraints.txt is its freeze. It matters: redis wants async-timeout
# below 3.11.3.
_PATCH = platform.python_version()
TARGET_ENV: dict[str, str] = {
    "implementation_name": "cpython",
    "implementation_version": _PATCH,
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": _PATCH,
    "python_version": "3.11",
    "sys_platform": "linux",
}
# The pip download of the wheelhouse: CPython 3.11 wheels for glibc up to Ubuntu 22.04's 2.35.
TARGET_PIP = ["--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"] + [
    arg
    for plat in (
        *(f"manylinux_2_{minor}_x86_64" for minor in range(35, 16, -1)),
        "manylinux2014_x86_64",
        "manylinux2010_x86_64",
        "manylinux1_x86_64",
    )
    for arg in ("--platform", plat)
]

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o100644  # regular file, rw-r--r--


class BundleError(Exception):
    """The bundle cannot be built as asked; the message says why."""


# --- requirements -----------------------------------------------------------------------------


def read_constraints(path: Path) -> dict[str, str]:
    """`canonical name -> version` from a pip freeze (comments and editable lines skipped)."""
    pins: dict[str, str] = {}
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        if len(specs) != 1 or specs[0].operator != "==":
            raise BundleError(f"{path}:{lineno}: expected name==version, got {line!r}")
        pins[canonicalize_name(req.name)] = specs[0].version
    return pins


def root_requirements(
    pyproject: Path, extras: Iterable[str], local: Iterable[Path] = ()
) -> list[Requirement]:
    """The project's own requirements for `extras`, with every requirement on a project of
    this repo (itself with extras, or another pyproject in `local`) expanded into that
    project's requirements."""
    projects = {}
    for path in (pyproject, *local):
        project = tomllib.loads(path.read_text())["project"]
        projects[canonicalize_name(project["name"])] = (path, project)
    start = tomllib.loads(pyproject.read_text())["project"]
    reqs: list[Requirement] = []
    seen: set[tuple[str, str]] = set()

    def add(lines: Iterable[str]) -> None:
        for line in lines:
            req = Requirement(line)
            name = canonicalize_name(req.name)
            if name not in projects:
                reqs.append(req)
                continue
            path, project = projects[name]
            optional: Mapping[str, list[str]] = project.get("optional-dependencies", {})
            for extra in ("", *sorted(req.extras)):
                if (name, extra) in seen:
                    continue
                seen.add((name, extra))
                if not extra:
                    add(project.get("dependencies", []))
                elif extra in optional:
                    add(optional[extra])
                else:
                    raise BundleError(f"{path}: no optional dependency group {extra!r}")

    start_name = canonicalize_name(start["name"])
    add([start_name + (f"[{','.join(extras)}]" if extras else "")])
    return reqs


def _applies(req: Requirement, extras: Iterable[str]) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**TARGET_ENV, "extra": e}) for e in ("", *extras))


def runtime_closure(roots: Iterable[Requirement], pins: Mapping[str, str]) -> dict[str, str]:
    """`canonical name -> pinned version` for `roots` and, recursively, everything they require
    on the target runtime, read from the metadata installed in this interpreter."""
    extras_of: dict[str, set[str]] = {}
    required_by: dict[str, str] = {}
    queue: list[tuple[Requirement, str]] = [(r, ROOT_NAME) for r in roots if _applies(r, ())]
    done: dict[str, frozenset[str]] = {}
    while queue:
        req, parent = queue.pop()
        name = canonicalize_name(req.name)
        if name in LOCAL_NAMES:
            continue
        required_by.setdefault(name, parent)
        extras_of.setdefault(name, set()).update(canonicalize_name(e) for e in req.extras)
        if name not in pins:
            raise BundleError(
                f"{name} (required by {parent}: {req}) is not pinned in constraints.txt;"
                " install it in the venv with the constraints and re-freeze"
            )
        if not req.specifier.contains(pins[name], prereleases=True):
            raise BundleError(
                f"{name}=={pins[name]} from constraints.txt does not satisfy {parent}'s {req}"
            )
        extras = frozenset(extras_of[name])
        if done.get(name) == extras:
            continue
        done[name] = extras
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            raise BundleError(
                f"{name} (required by {parent}) is not installed in {sys.prefix}: run make setup"
            ) from None
        if Version(dist.version) != Version(pins[name]):
            raise BundleError(
                f"{name} is installed at {dist.version} but constraints.txt pins {pins[name]}:"
                " run make setup"
            )
        for line in dist.requires or []:
            sub = Requirement(line)
            if _applies(sub, extras):
                queue.append((sub, name))
    return {name: pins[name] for name in sorted(done)}


def requirements_text(closure: Mapping[str, str]) -> str:
    header = (
        "# Generated by scripts/bundle.py: do not edit.\n"
        f"# The runtime closure of {ROOT_NAME} (functions/pyproject.toml) for CPython\n"
        "# 3.11 on Linux x86_64 (Cloud Functions python311), versions from constraints.txt.\n"
    )
    return header + "".join(f"{name}=={version}\n" for name, version in closure.items())


def pinned(requirements: str) -> dict[str, str]:
    """`canonical name -> version` of the `name==version` lines of a requirements.txt."""
    pins: dict[str, str] = {}
    for raw in requirements.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            pins[canonicalize_name(req.name)] = next(iter(req.specifier)).version
    return pins


# --- the zip ------------------------------------------------------------------------------------


def _package_files(package: Path) -> list[Path]:
    """Every file of the package but bytecode, caches, dotfiles and editor backups."""
    files = []
    for path in package.rglob("*"):
        rel = path.relative_to(package)
        if any(part == "__pycache__" or part.startswith(".") for part in rel.parts):
            continue
        if not path.is_file() or path.suffix in (".pyc", ".pyo") or path.name.endswith("~"):
            continue
        files.append(path)
    return files


def bundle_entries(root: Path, requirements: str) -> dict[str, bytes]:
    """`name in the zip -> content`."""
    entries = {
        "main.py": (root / "functions" / "main.py").read_bytes(),
        "requirements.txt": requirements.encode(),
    }
    for _, name, folder in (SHARED, FUNCTIONS):
        package = root / folder
        for path in _package_files(package):
            entries[f"{name}/{path.relative_to(package).as_posix()}"] = path.read_bytes()
        if f"{name}/py.typed" not in entries:
            raise BundleError(f"{package}/py.typed is missing")
    return entries


def write_zip(path: Path, entries: Mapping[str, bytes]) -> None:
    """A zip that depends on nothing but `entries`: sorted, 1980-01-01, 0644, deflate level 9."""
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3  # Unix, so that external_attr holds the mode
            info.external_attr = ZIP_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, entries[name], compresslevel=9)
    os.replace(tmp, path)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the wheelhouse -----------------------------------------------------------------------------


def missing_from_wheelhouse(wheelhouse: Path, pins: Mapping[str, str]) -> list[str]:
    """The `name==version` pins that have no wheel (or sdist) in `wheelhouse`, sorted."""
    have: set[tuple[str, Version]] = set()
    if wheelhouse.is_dir():
        for file in wheelhouse.iterdir():
            try:
                if file.name.endswith(".whl"):
                    name, version, _, _ = parse_wheel_filename(file.name)
                elif file.name.endswith((".tar.gz", ".zip")):
                    name, version = parse_sdist_filename(file.name)
                else:
                    continue
            except (InvalidWheelFilename, InvalidSdistFilename):
                continue
            have.add((canonicalize_name(name), version))
    return sorted(f"{n}=={v}" for n, v in pins.items() if (n, Version(v)) not in have)


def fill_wheelhouse(wheelhouse: Path, requirements_file: Path, pins: Mapping[str, str]) -> None:
    missing = missing_from_wheelhouse(wheelhouse, pins)
    if not missing:
        print(f"wheelhouse: {wheelhouse} already holds all {len(pins)} pins")
        return
    print(f"wheelhouse: downloading {len(missing)} of {len(pins)} pins into {wheelhouse}")
    wheelhouse.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--disable-pip-version-check",
        "--quiet",
        "--only-binary=:all:",
        *TARGET_PIP,
        "--dest",
        str(wheelhouse),
        "--requirement",
        str(requirements_file),
    ]
    subprocess.run(cmd, check=True)
    still = missing_from_wheelhouse(wheelhouse, pins)
    if still:
        raise BundleError(f"pip download left {wheelhouse} without: {', '.join(still)}")


# --- main -----------------------------------------------------------------------------------------


def build(out: Path, root: Path = REPO) -> Path:
    """Write `out/requirements.txt` and `out/keywatch-functions.zip`; return the zip's path."""
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11):
        raise BundleError(
            f"run with the project's CPython 3.11 venv (the python311 runtime), not {sys.version}"
        )
    pins = read_constraints(root / "constraints.txt")
    reqs = root_requirements(root / FUNCTIONS[0], EXTRAS, local=[root / SHARED[0]])
    closure = runtime_closure(reqs, pins)
    requirements = requirements_text(closure)
    out.mkdir(parents=True, exist_ok=True)
    (out / "requirements.txt").write_text(requirements)
    zip_path = out / ZIP_NAME
    write_zip(zip_path, bundle_entries(root, requirements))
    return zip_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="output dir (dist)")
    parser.add_argument(
        "--wheelhouse", type=Path, help="also download a wheel for every pin into this dir"
    )
    parser.add_argument(
        "--root", type=Path, default=REPO, help="the source tree to bundle (this repo)"
    )
    args = parser.parse_args(argv)
    try:
        zip_path = build(args.out, args.root)
        print(f"{zip_path}  {zip_path.stat().st_size} bytes  sha256 {sha256(zip_path)}")
        requirements_file = args.out / "requirements.txt"
        pins = pinned(requirements_file.read_text())
        print(f"{requirements_file}  {len(pins)} pinned requirements")
        if args.wheelhouse:
            fill_wheelhouse(args.wheelhouse, requirements_file, pins)
            # What building keywatch itself takes: a clean venv installs it offline too.
            build_file = args.root / "constraints-build.txt"
            fill_wheelhouse(args.wheelhouse, build_file, pinned(build_file.read_text()))
    except (BundleError, subprocess.CalledProcessError) as exc:
        print(f"bundle: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
