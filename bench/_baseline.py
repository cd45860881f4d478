"""Run a benchmark against a committed tree, beside the working tree: `baseline_tree` extracts
`git archive <commit> shared functions bench ops` into a temporary directory (once per process,
removed at exit), `run_in` runs a script inside a tree with that tree's packages first on the
path and returns the JSON of its last stdout line.

PYTHONPATH wins over the editable installs in .venv: `keywatch` is a .pth path entry (after
PYTHONPATH on sys.path) and the finders of keywatch_functions and keywatch_ops are appended
to sys.meta_path, after the path-based finder. `where(tree)` shows what a tree's run imports.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("shared", "functions", "bench", "ops")
_trees: dict[str, Path | None] = {}


def baseline_tree(commit: str = "7d725cc", repo: Path = ROOT) -> Path | None:
    """The tree of `commit` (its shared, functions, bench and ops), extracted once per process;
    None, with the reason printed, when git or the commit is not there (a tarball)."""
    if commit in _trees:
        return _trees[commit]
    _trees[commit] = None
    git = shutil.which("git")
    if git is None:
        print(f"baseline {commit}: git not found", file=sys.stderr)
        return None
    try:
        out = subprocess.run(
            [git, "-C", str(repo), "archive", "--format=tar", commit, *PARTS],
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"baseline {commit}: git archive failed: {exc}", file=sys.stderr)
        return None
    if out.returncode != 0:
        why = out.stderr.decode(errors="replace").strip().splitlines()
        print(f"baseline {commit}: {why[-1] if why else 'git archive failed'}", file=sys.stderr)
        return None
    tmp = Path(tempfile.mkdtemp(prefix=f"keywatch-{commit}-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(out.stdout)) as tar:
        tar.extractall(tmp, filter="data")
    _trees[commit] = tmp
    return tmp


def env_for(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        str(tree / p) for p in ("shared", "functions", "ops", "bench")
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_in(
    tree: Path, script_relpath: str, args: list[str], *, echo: bool = True
) -> dict[str, Any]:
    """Run `python <tree>/<script> args` with the tree's packages first on the path; its
    stdout is echoed (indented) but for the last line, which is parsed as JSON and returned,
    and its stderr after it. Raises RuntimeError, ending with the last line of its stderr,
    when it fails."""
    proc = subprocess.Popen(
        [sys.executable, str(tree / script_relpath), *args],
        cwd=tree,
        env=env_for(tree),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = proc.communicate()
    except BaseException:
        # Stopped: SIGTERM first, so the run stops what it started (its redis-server).
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        raise
    lines = stdout.rstrip("\n").splitlines()
    if echo:
        for line in lines[:-1]:
            print(f"  | {line}")
    sys.stderr.write(stderr)
    if proc.returncode != 0 or not lines:
        why = stderr.strip().splitlines()
        raise RuntimeError(
            f"{script_relpath} in {tree} exited {proc.returncode}: {why[-1] if why else ''}"
        )
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def where(tree: Path) -> dict[str, str]:
    """Where a run in `tree` imports keywatch, keywatch_functions and keywatch_ops from."""
    code = (
        "import json, keywatch, keywatch_functions, keywatch_ops;"
        "print(json.dumps({m.__name__: m.__file__ for m in"
        " (keywatch, keywatch_functions, keywatch_ops)}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tree,
        env=env_for(tree),
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, str] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


if __name__ == "__main__":
    t = baseline_tree(sys.argv[1] if len(sys.argv) > 1 else "7d725cc")
    for name, tree in (("baseline", t), ("working", ROOT)):
        if tree is not None:
            print(name, json.dumps(where(tree), indent=1))
