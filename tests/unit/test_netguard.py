"""The loopback guard, in this process and around a tool run in a subprocess."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.netguard import NetworkGuardError

ROOT = Path(__file__).resolve().parents[2]


def test_guard_refuses_a_non_loopback_address() -> None:
    """A test that tries to reach a public address fails at once instead of leaving the host."""
    with socket.socket() as s, pytest.raises(NetworkGuardError, match=re.escape("192.0.2.1")):
        s.connect(("192.0.2.1", 443))


def test_guard_refuses_name_lookups_of_public_hosts() -> None:
    """Resolving a public name is refused too (no DNS traffic leaves the test)."""
    with pytest.raises(NetworkGuardError, match=re.escape("pubsub.googleapis.com")):
        socket.getaddrinfo("pubsub.googleapis.com", 443)


def test_wrapper_guards_a_module_run_in_a_subprocess(tmp_path: Path) -> None:
    """`python tests/netguard.py MODULE` runs MODULE with the same guard installed."""
    (tmp_path / "reach_out.py").write_text(
        "import socket\nsocket.create_connection(('192.0.2.1', 443), timeout=1)\n"
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "netguard.py"), "reach_out"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "NetworkGuardError" in result.stderr
