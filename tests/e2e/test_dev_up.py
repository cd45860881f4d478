"""`keywatch dev up`: prints where everything listens, and Ctrl-C leaves nothing running."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def test_ctrl_c_stops_everything(tmp_path: object) -> None:
    """SIGINT stops the emulators, redis, the stand-in and the functions: every port closes."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "keywatch_ops",
            "dev",
            "up",
            "--tick",
            "0",
            "--workdir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    out = []
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        out.append(line)
        if "Ctrl-C stops everything" in line or time.monotonic() > deadline:
            break
    text = "".join(out)
    assert re.search(r"started in \d+\.\d+s", text), text
    ports = [int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", text)]
    # two emulators, redis, the FCM and Monitoring stand-ins, three functions, the status page
    assert len(set(ports)) >= 9
    assert all(_listening(p) for p in set(ports))
    [page] = re.findall(r"status page\s+(http://127\.0\.0\.1:\d+/)", text)
    with urllib.request.urlopen(page, timeout=30) as resp:  # the page, served by the stack
        assert resp.status == 200 and b"<main" in resp.read()

    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0
    deadline = time.monotonic() + 30
    while any(_listening(p) for p in set(ports)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in set(ports) if _listening(p)]
