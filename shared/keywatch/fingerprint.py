"""A stable, non-reversible name for an API key: what travels instead of the key."""

from __future__ import annotations

import hashlib


def key_fingerprint(api_key: str) -> str:
    """`kf_` and 16 hex digits of SHA-256. API keys carry far more entropy than 64 bits of
    digest could leak, and the same key always gets the same fingerprint across processes."""
    return "kf_" + hashlib.sha256(api_key.strip().encode()).hexdigest()[:16]
