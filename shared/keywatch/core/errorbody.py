"""What providers' error bodies look like: the facts both readers of a body share.

Two readers walk a provider's error body, for two jobs: `keywatch.extract` picks the one code
and message that become a failure event's fields (what the log shows), and
`keywatch.core.classify` collects every code and phrase at every depth to decide the reason.
The shapes they both must know are defined here, once. Pure: no I/O.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


def json_text(text: str) -> object | None:
    """A body that arrived as text, parsed when it is a JSON object or array; None when it is
    not (an HTML error page, a plain-text upstream error, a bare number)."""
    stripped = text.strip()
    if stripped[:1] not in ("{", "["):
        return None
    try:
        parsed: object = json.loads(stripped)
    except ValueError:
        return None
    return parsed


def upstream_raw(error: Mapping[Any, Any]) -> object | None:
    """The upstream provider's own error that a gateway keeps beside its own: OpenRouter's
    `error.metadata.raw` (https://openrouter.ai/docs/api/reference/errors-and-debugging), a JSON
    string, an object, or `{"__kind": "OK", "data": "<json>"}`. Parsed when it is JSON; the
    text itself when it is not; None when there is none."""
    metadata = error.get("metadata")
    if not isinstance(metadata, Mapping):
        return None
    raw = metadata.get("raw")
    if isinstance(raw, Mapping):
        data = raw.get("data")
        if not isinstance(data, str):
            return raw
        raw = data
    if isinstance(raw, str) and raw.strip():
        parsed = json_text(raw)
        return raw.strip() if parsed is None else parsed
    return None


def retry_delay_s(info: Mapping[Any, Any]) -> float | None:
    """google.rpc.RetryInfo's `retryDelay` in seconds: a proto3 JSON Duration ("7s", "58.93s")
    or `{"seconds": ..., "nanos": ...}` (https://cloud.google.com/apis/design/errors)."""
    delay = info.get("retryDelay")
    total: float
    if isinstance(delay, str):
        match = _DURATION.match(delay)
        if match is None:
            return None
        total = float(match.group(1))
    elif isinstance(delay, Mapping):
        seconds, nanos = delay.get("seconds"), delay.get("nanos")
        try:
            total = float(seconds or 0) + float(nanos or 0) / 1e9
        except (TypeError, ValueError):
            return None
    else:
        return None
    return total if math.isfinite(total) and total >= 0 else None
