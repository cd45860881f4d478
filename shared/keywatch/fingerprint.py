"""A stable, non-reversible name for an API key: what travels instead of the key."""

from __future__ import annotations

import hashlib
import re


def key_fingerprint(api_key: str) -> str:
    """`kf_` and 16 hex digits of SHA-256. API keys carry far more entropy than 64 bits of
    digest could leak, and the same key always gets the same fingerprint across processes."""
    return "kf_" + hashlib.sha256(api_key.strip().encode()).hexdigest()[:16]


_PATTERN = re.compile(r"kf_[0-9a-f]{16}")


def is_fingerprint(value: str) -> bool:
    return _PATTERN.fullmatch(value) is not None
