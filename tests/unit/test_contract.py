"""The contract's published forms stay true to the models, and the backend import stays light."""

from __future__ import annotations

import subprocess
import sys

from keywatch.schemas import SCHEMA_DIR, render


def test_schema_files_are_current() -> None:
    """schemas/*.json are what the models generate today (run `make schemas` after a change)."""
    for name, text in render().items():
        path = SCHEMA_DIR / name
        assert path.exists(), f"missing {path}: run `make schemas`"
        assert path.read_text() == text, f"{path} is stale: run `make schemas`"


def test_importing_keywatch_stays_light() -> None:
    """The backend's `import keywatch` pulls in no firebase-admin, redis, Firestore, functions
    framework, LangChain, nor even the Pub/Sub client (loaded on first publish)."""
    heavy = [
        "firebase_admin",
        "redis",
        "google.cloud.firestore",
        "functions_framework",
        "langchain_core",
        "google.cloud.pubsub_v1",
        "google.cloud.logging",
    ]
    code = f"import keywatch, sys; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
