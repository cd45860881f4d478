"""A stable, non-reversible name for an API key: what travels instead of the key.

A fingerprint is `kf_` and the first 16 hex digits of HMAC-SHA256(secret, key). The secret is
per deployment (`KEYWATCH_FINGERPRINT_SECRET`, kept in Secret Manager, see infra/secrets.tf):
without it, someone who holds a key cannot compute its fingerprint and find its owner in the
logs or in Firestore. Every process that fingerprints keys (the backend's reporter, the router
that asks for key health) must hold the same secret, or their fingerprints will not meet.

Without a secret a fixed development default is used, with one warning per process.
Standard library only: this runs in the backend's process.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import threading

__all__ = ["ENV_VAR", "is_fingerprint", "key_fingerprint", "set_fingerprint_secret"]

ENV_VAR = "KEYWATCH_FINGERPRINT_SECRET"
# Not a secret: it only makes the development default an HMAC like the real one.
_DEVELOPMENT_SECRET = b"keywatch development fingerprints (not for production)"
_MIN_SECRET_BYTES = 16

log = logging.getLogger("keywatch")
_lock = threading.Lock()
_base: hmac.HMAC | None = None


def set_fingerprint_secret(secret: str | bytes | None) -> None:
    """Use `secret` from now on (an app that reads it from Secret Manager itself calls this at
    start-up). None goes back to `KEYWATCH_FINGERPRINT_SECRET`, read again on next use."""
    global _base
    with _lock:
        _base = None if secret is None else _hmac(_as_bytes(secret))


def _as_bytes(secret: str | bytes) -> bytes:
    data = secret.encode() if isinstance(secret, str) else bytes(secret)
    data = data.strip()
    if len(data) < _MIN_SECRET_BYTES:
        raise ValueError(
            f"the fingerprint secret must be at least {_MIN_SECRET_BYTES} bytes "
            "(e.g. `openssl rand -hex 32`)"
        )
    return data


def _hmac(secret: bytes) -> hmac.HMAC:
    return hmac.new(secret, digestmod=hashlib.sha256)


def _current() -> hmac.HMAC:
    global _base
    base = _base
    if base is not None:
        return base
    with _lock:
        if _base is None:
            value = os.environ.get(ENV_VAR, "")
            if value.strip():
                try:
                    secret = _as_bytes(value)
                except ValueError as exc:  # weak, but still this deployment's: use it, loudly
                    log.error("%s: %s", ENV_VAR, exc)
                    secret = value.strip().encode()
                _base = _hmac(secret)
            else:
                log.warning(
                    "%s is not set: key fingerprints use the development default, which anyone "
                    "can reproduce. Set it to the deployment's secret (docs/operations.md).",
                    ENV_VAR,
                )
                _base = _hmac(_DEVELOPMENT_SECRET)
        return _base


def key_fingerprint(api_key: str) -> str:
    """`kf_` and 16 hex digits of HMAC-SHA256 under the deployment's secret. API keys carry far
    more entropy than 64 bits of digest could leak; the same key and secret always give the same
    fingerprint, in every process."""
    h = _current().copy()
    h.update(api_key.strip().encode())
    return "kf_" + h.hexdigest()[:16]


# The one definition of a fingerprint's shape: events.py validates with it, the reporter
# recognises a fingerprint passed where a key was expected.
PATTERN = re.compile(r"kf_[0-9a-f]{16}")


def is_fingerprint(value: str) -> bool:
    return PATTERN.fullmatch(value) is not None
