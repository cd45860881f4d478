"""Test-wide guards: offline, loopback only, no metadata server."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests import netguard

os.environ["NO_GCE_CHECK"] = "true"
os.environ.setdefault("GOOGLE_CLOUD_PROJECT", "demo-keywatch")
# One secret for the whole run (subprocesses inherit it), so fingerprints agree everywhere.
os.environ.setdefault("KEYWATCH_FINGERPRINT_SECRET", "keywatch-tests-fingerprint-secret")
for var in ("GOOGLE_APPLICATION_CREDENTIALS", "PUBSUB_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST"):
    os.environ.pop(var, None)


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Any:
    """Every socket this test process opens goes to loopback (grpc's C core is not covered, and
    is pointed at the emulators by their *_EMULATOR_HOST variables instead)."""
    netguard.install()
    yield
    netguard.uninstall()
