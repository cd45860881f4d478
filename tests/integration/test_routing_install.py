"""`pip install 'keywatch[routing]'` in a clean virtualenv, offline from the project's
wheelhouse, then the README's routing snippet, exactly as written, against the Firestore
emulator; and the async reader from the same install."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from keywatch.fingerprint import key_fingerprint

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
WHEELHOUSE = Path(os.environ.get("KEYWATCH_WHEELHOUSE") or REPO / ".cache" / "wheelhouse")


def readme_routing_snippet() -> str:
    text = (REPO / "README.md").read_text()
    section = text[text.index("#### Ranking keys") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


@pytest.fixture(scope="module")
def routing_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not any(WHEELHOUSE.glob("setuptools-*.whl")):
        pytest.fail(f"{WHEELHOUSE} has no build wheels: run `make wheelhouse` (make test does)")
    root = tmp_path_factory.mktemp("routing")
    src = root / "src"  # a copy, so pip's build leaves the checkout alone
    shutil.copytree(REPO / "shared", src / "shared", ignore=shutil.ignore_patterns("*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-index", "--find-links", str(WHEELHOUSE), f"{src}[routing]"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]
    return py


def installed(py: Path) -> set[str]:
    out = subprocess.run(
        [str(py), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True
    ).stdout
    return {line.split("==")[0].lower() for line in out.splitlines()}


def test_the_extra_brings_firestore_and_nothing_of_the_functions(routing_venv: Path) -> None:
    names = installed(routing_venv)
    assert {"keywatch", "google-cloud-firestore", "google-cloud-pubsub"} <= names
    assert not names & {"redis", "firebase-admin", "functions-framework", "google-cloud-logging"}


def seed(firestore_client: Any, unique: str) -> dict[str, str]:
    """key_a healthy, key_b invalid with its probe not due, key_c unseen."""
    now = datetime.now(UTC)
    keys = {n: f"{unique}-routing-{n}" for n in "abc"}
    fp = {n: key_fingerprint(k) for n, k in keys.items()}
    firestore_client.document(f"key_health/{fp['a']}/models/gpt-4o").set(
        {"state": "healthy", "last_success_at": now, "1h": {"error_rate": 0.0}}
    )
    firestore_client.document(f"key_health/{fp['b']}/models/gpt-4o").set(
        {"state": "invalid", "last_error_at": now}
    )
    firestore_client.document(f"key_health/{fp['b']}").set(
        {"invalid": True, "last_invalid_at": now, "probe_at": now + timedelta(minutes=5)}
    )
    return {**keys, **{f"fp_{n}": v for n, v in fp.items()}}


def test_the_readme_snippet_runs_as_written(
    routing_venv: Path, firestore_client: Any, unique: str
) -> None:
    k = seed(firestore_client, unique)
    preamble = f"key_a, key_b, key_c = {k['a']!r}, {k['b']!r}, {k['c']!r}\n"
    done = subprocess.run(
        [str(routing_venv), "-c", preamble + readme_routing_snippet()],
        capture_output=True, text=True, timeout=120, env=os.environ.copy(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{k['fp_a']} healthy")
    assert lines[1].startswith(f"{k['fp_c']} no_data")
    assert lines[2].startswith(f"{k['fp_b']} invalid")  # excluded, with its probe time
    assert "KEYWATCH_FINGERPRINT_SECRET is not set" not in done.stderr


def test_the_async_reader_from_the_same_install(
    routing_venv: Path, firestore_client: Any, unique: str
) -> None:
    k = seed(firestore_client, unique)
    code = f"""
import asyncio, keywatch
from keywatch.routing import AsyncHealthReader

async def main():
    health = AsyncHealthReader()
    fps = [keywatch.key_fingerprint(x) for x in ({k["a"]!r}, {k["b"]!r}, {k["c"]!r})]
    ranking = await health.rank_keys("openai", "gpt-4o", fps)
    print(",".join(ranking.fingerprints), [e.state for e in ranking.excluded])

asyncio.run(main())
"""
    done = subprocess.run(
        [str(routing_venv), "-c", code], capture_output=True, text=True, timeout=120,
        env=os.environ.copy(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == f"{k['fp_a']},{k['fp_c']} ['invalid']"
