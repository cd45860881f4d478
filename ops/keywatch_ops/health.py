"""`keywatch health`: the current health table, read from Firestore."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from keywatch_functions.settings import get_settings


def _pct(value: Any) -> str:
    return f"{value:.1%}" if isinstance(value, float) else "-"


def render(
    providers: list[dict[str, Any]],
    models: list[dict[str, Any]],
    keys: list[dict[str, Any]],
    window: str,
) -> str:
    lines = [
        f"Providers ({window} window; status is the 5-minute one)",
        "  attempts: every call attempt, retries included; failed: every failed attempt, any",
        "  cause; provider's: the failures that count against the provider (its errors, not",
        "  rate limits, client errors, a user's own key, or what a retry recovered);",
        "  uptime = 1 - provider's / attempts",
        f"  {'provider':<16}{'status':<10}{'attempts':>9}{'failed':>8}{'provider':>10}"
        f"{'uptime':>8}",
        f"  {'':<16}{'':<10}{'':>9}{'':>8}{'failures':>10}{'':>8}",
    ]
    for d in sorted(providers, key=lambda d: str(d.get("provider"))):
        w = d.get(window) or {}
        lines.append(
            f"  {d.get('provider', '?'):<16}{d.get('status', '?'):<10}"
            f"{w.get('requests', 0):>9}{w.get('failures', 0):>8}"
            f"{w.get('provider_failures', 0):>10}{_pct(w.get('uptime')):>8}"
        )
    lines += [
        "",
        "Models not healthy",
        f"  {'provider':<16}{'model':<34}{'status':<10}{'uptime':>8}",
    ]
    for d in sorted(models, key=lambda d: (str(d.get("provider")), str(d.get("model")))):
        if d.get("status") not in ("healthy", "unknown"):
            w = d.get(window) or {}
            lines.append(
                f"  {d.get('provider', '?'):<16}{d.get('model', '?'):<34}"
                f"{d.get('status', '?'):<10}{_pct(w.get('uptime')):>8}"
            )
    lines += [
        "",
        "Keys not healthy (fingerprint, model; consecutive: failed attempts since the last",
        "success, in the last hour; probe: when a router may try it again, UTC)",
        f"  {'key':<22}{'model':<34}{'state':<14}{'last reason':<18}{'consecutive':>11}"
        f"{'probe':>10}",
    ]
    for d in sorted(keys, key=lambda d: (str(d.get("key_fingerprint")), str(d.get("model")))):
        if d.get("state") != "healthy":
            probe = d.get("probe_at")
            lines.append(
                f"  {d.get('key_fingerprint', '?'):<22}{d.get('model', '?'):<34}"
                f"{d.get('state', '?'):<14}{d.get('last_reason') or '-':<18}"
                f"{d.get('consecutive_failures', 0):>11}"
                f"{probe.strftime('%H:%M:%S') if isinstance(probe, datetime) else '-':>10}"
            )
    states = [d.get("state") for d in keys]
    lines += [
        "",
        f"{len(keys)} key/model pairs: {states.count('healthy')} healthy, "
        f"{states.count('cooling_down')} cooling down, {states.count('invalid')} invalid",
    ]
    return "\n".join(lines)


def run(window: str) -> int:
    from google.api_core.retry import Retry
    from google.cloud import firestore

    s = get_settings()
    # Health's own database; each read bounded (the SDK's default retries for minutes).
    db = firestore.Client(project=s.project_id, database=s.health_database)
    retry, timeout = Retry(timeout=s.firestore_timeout_s), s.firestore_timeout_s
    try:
        providers = [
            d.to_dict() or {}
            for d in db.collection(s.provider_health_collection).stream(
                retry=retry, timeout=timeout
            )
        ]
        models = [
            d.to_dict() or {}
            for d in db.collection_group("models").stream(retry=retry, timeout=timeout)
        ]
    except Exception as exc:
        print(f"keywatch health: cannot read Firestore: {exc}", file=sys.stderr)
        return 2
    model_docs = [m for m in models if "status" in m]
    key_docs = [m for m in models if "state" in m]
    print(render(providers, model_docs, key_docs, window))
    return 0
