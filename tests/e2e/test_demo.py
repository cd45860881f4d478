"""`keywatch dev demo`, what the README's first command runs: the whole pipeline on the
sample workload, its summary tables printed, exit code 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_the_demo_drains_its_workload_and_prints_its_tables(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "keywatch_ops", "dev", "demo", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    assert "Log entries by source and reason" in out
    assert "12 user-actionable BYOK failures, 7 alerts to notify" in out
    assert "pushes sent 5 (to 6 devices)" in out and "dead tokens pruned 2" in out
    assert "Provider health" in out and "openai" in out
    # The loop beyond the push: statuses, a validated new key, the works-again signal.
    assert "6 broken after the workload" in out
    assert "validate_key says ok" in out and "works-again push sent" in out
    assert "key statuses: 5 broken, 1 restored" in out
    assert "deliveries 8, signatures verified 8, duplicates 0" in out
