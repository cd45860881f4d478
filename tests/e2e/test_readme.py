"""The README's code is real: its Python snippets run against the local stack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from keywatch.devstack.stack import Stack
from tests.e2e.conftest import eventually, log_entries

pytestmark = pytest.mark.e2e
README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_backend_snippet_publishes_a_failure(stack: Stack) -> None:
    """The integration snippet publishes an event that classify logs."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README has a Python snippet"
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    event_id = str(namespace["event"].event_id)  # type: ignore[attr-defined]
    [entry] = eventually(lambda: log_entries(stack, "classify", event_id=event_id), what="log")
    assert entry["uid"] == "user-42" and entry["reason"] == "invalid_key"
