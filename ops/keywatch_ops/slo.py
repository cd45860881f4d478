"""`keywatch slo`: each provider's SLO burn rates now, which alerts would fire, and the error
budget left (docs/slo.md).

Windows up to 24 hours come from the counting store (Memorystore, the buckets health reads);
the 3-day and 28-day ones add the daily documents the health run writes in health's Firestore
database, `provider_days/{provider}/days/{YYYY-MM-DD}` (fields provider, date, requests,
failures, provider_failures), for the dates before today. A window missing some of them is
printed as partial. The arithmetic is `keywatch.core.slo`.

This reads Redis with redis-py itself, by the layout of `keywatch.core.counting`: the tools
never import the functions' adapters (tests/unit/test_layers.py), so this is the few commands
of `RedisCountingStore.read_providers`, again.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

from keywatch.core.counting import parse_series
from keywatch.core.health import Kind, Series, doc_id, unix_minute
from keywatch.core.keys import Layout
from keywatch.core.slo import (
    DAY_WINDOWS,
    DEFAULT_TARGET,
    HOUR_WINDOWS,
    MINUTE_WINDOWS,
    PERIOD,
    WORKBOOK,
    AlertState,
    BurnAlert,
    budget_left,
    burn_rate,
    day_dates,
    day_window,
    evaluate,
    recent_windows,
    sli,
)
from keywatch_functions.settings import FunctionSettings, get_settings

DAYS_SUBCOLLECTION = "days"
RUNBOOK = "docs/slo.md"
WINDOW_NAMES = [*MINUTE_WINDOWS, *HOUR_WINDOWS, *DAY_WINDOWS]
SPANS = {**MINUTE_WINDOWS, **HOUR_WINDOWS, **DAY_WINDOWS}
# A model has no daily documents: only the alerts whose windows the counting store holds.
_STORE_SPANS = {*MINUTE_WINDOWS.values(), *HOUR_WINDOWS.values()}
MODEL_ALERTS = tuple(a for a in WORKBOOK if {a.long_window, a.short_window} <= _STORE_SPANS)


class SloReadError(Exception):
    """The counting store cannot be read: the command cannot say anything."""


# -- the command line -----------------------------------------------------------------------


def _target(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"expected a fraction between 0 and 1 (0.995), got {text!r}"
        )
    return value


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add `slo` to the `keywatch` command's subparsers."""
    p: argparse.ArgumentParser = sub.add_parser(
        "slo",
        help="provider SLO burn rates, the alerts that would fire, the error budget left",
        description="Per provider (and model): attempts and good attempts (not held against the"
        " provider, as provider health counts them) over 5m, 30m, 1h, 6h, 24h (the counting"
        " store), 3d and 28d (plus the health run's daily documents), each window's burn rate,"
        " the SRE Workbook's multiwindow, multi-burn-rate alerts that would fire now, and the"
        f" error budget left over {PERIOD.days} days. Runbooks: {RUNBOOK}.",
    )
    p.add_argument("--provider", help="only this provider (default: every provider counted)")
    p.add_argument(
        "--target",
        type=_target,
        default=DEFAULT_TARGET,
        help=f"the SLO target, a fraction of attempts (default {DEFAULT_TARGET})",
    )
    p.add_argument("--json", action="store_true", help="one JSON object, for machines")
    return p


def main(args: argparse.Namespace) -> int:
    """`keywatch slo`: 0 when printed, 2 when the counting store cannot be read."""
    return run(get_settings(), provider=args.provider, target=args.target, as_json=args.json)


def run(
    settings: FunctionSettings,
    *,
    provider: str | None = None,
    target: float = DEFAULT_TARGET,
    as_json: bool = False,
    now: float | None = None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    end = unix_minute(time.time() if now is None else now)
    try:
        series, since = read_counts(settings, provider)
    except SloReadError as exc:
        print(f"keywatch slo: {exc}", file=err)
        return 2
    days, warning = read_days(settings, sorted(series), end)
    report = build_report(series, days, end, target, since, warning)
    if as_json:
        json.dump(report, out, indent=2)
        out.write("\n")
    else:
        out.write(render(report) + "\n")
        if warning:
            print(f"keywatch slo: {warning}", file=err)
    return 0


# -- reading --------------------------------------------------------------------------------


def _redis(settings: FunctionSettings) -> Any:
    """A client as the functions build theirs (adapters/redis_lock.py `redis_client`, which
    says why): timeouts, AUTH from KEYWATCH_REDIS_PASSWORD, TLS verified against
    KEYWATCH_REDIS_CA_PEM (chain only) or the system store (host name checked)."""
    import redis

    options: dict[str, Any] = {
        "socket_timeout": settings.redis_timeout_s,
        "socket_connect_timeout": settings.redis_timeout_s,
    }
    if settings.redis_password:
        options["password"] = settings.redis_password.get_secret_value()
    ca = settings.redis_ca_pem.strip()
    if ca or settings.redis_url.startswith("rediss://"):
        options.update(ssl_cert_reqs="required", connection_class=redis.SSLConnection)
        if ca:  # Memorystore's own CA: the chain identifies the instance, reached by IP
            options.update(ssl_ca_data=ca, ssl_check_hostname=False)
        else:
            options.update(ssl_check_hostname=True)
    return redis.Redis.from_url(settings.redis_url, **options)


def _shown_url(url: str) -> str:
    """The URL without its user and password."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


def _glob_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)


def read_counts(
    settings: FunctionSettings, provider: str | None = None
) -> tuple[dict[str, list[Series]], int | None]:
    """Each provider's model series (every provider with a `<prefix>:pm:<provider>` set, or
    only `provider`), and the Unix minute the store began counting (None: never said)."""
    import redis

    layout = Layout(settings.counting_prefix)
    try:
        r = _redis(settings)
        if provider is not None:
            providers = [provider]
        else:
            head = layout.provider_models("")
            # SCAN, not KEYS: incremental, so it never holds Redis's one thread for long; a
            # keyspace of millions of event markers takes keyspace / 5,000 round trips.
            found = r.scan_iter(match=_glob_escape(head) + "*", count=5000)
            providers = sorted({k.decode(errors="replace")[len(head) :] for k in found})
        pipe = r.pipeline(transaction=False)
        for p in providers:
            pipe.smembers(layout.provider_models(p))
        pipe.get(layout.since)
        *members, since_raw = pipe.execute()
        sids = {p: sorted(m.decode() for m in ms) for p, ms in zip(providers, members, strict=True)}
        pipe = r.pipeline(transaction=False)
        for p in providers:
            for sid in sids[p]:
                pipe.hgetall(layout.series(sid))
        hashes = iter(pipe.execute())
    except (redis.RedisError, OSError, ValueError) as exc:
        secret = settings.redis_password.get_secret_value() if settings.redis_password else ""
        text = _one_line(exc).replace(secret, "***") if secret else _one_line(exc)
        raise SloReadError(
            f"cannot read the counting store at {_shown_url(settings.redis_url)}"
            f" (KEYWATCH_REDIS_URL): {text}"
        ) from exc
    out: dict[str, list[Series]] = {}
    for p in providers:
        parsed = [parse_series(next(hashes), Kind.MODEL) for _ in sids[p]]
        out[p] = [s for s in parsed if s is not None]
    try:
        since = int(since_raw) if since_raw is not None else None
    except ValueError:
        since = None
    return out, since


def _day(d: Mapping[str, Any]) -> tuple[int, int] | None:
    """(good, total) of a daily document; None when it is not one (then it counts as absent)."""
    requests, held = d.get("requests"), d.get("provider_failures")
    if type(requests) is not int or type(held) is not int or not 0 <= held <= requests:
        return None
    return requests - held, requests


def read_days(
    settings: FunctionSettings, providers: Iterable[str], end: int
) -> tuple[dict[str, dict[date, tuple[int, int]]], str | None]:
    """Each provider's daily (good, total) for the dates before today inside the period, and
    a warning when Firestore cannot be read (then there are none: the windows show partial)."""
    providers = list(providers)
    out: dict[str, dict[date, tuple[int, int]]] = {p: {} for p in providers}
    if not providers:
        return out, None
    dates = day_dates(end, max(int(w.days) for w in DAY_WINDOWS.values()))
    try:
        from google.api_core.retry import Retry
        from google.cloud import firestore

        db = firestore.Client(project=settings.project_id, database=settings.health_database)
        retry, timeout = Retry(timeout=settings.firestore_timeout_s), settings.firestore_timeout_s
        for p in providers:
            days = (
                db.collection(settings.provider_days_collection)
                .document(doc_id(p))
                .collection(DAYS_SUBCOLLECTION)
            )
            refs = {days.document(d.isoformat()).path: d for d in dates}
            for snap in db.get_all(
                [days.document(d.isoformat()) for d in dates], retry=retry, timeout=timeout
            ):
                parsed = _day(snap.to_dict() or {}) if snap.exists else None
                if parsed is not None:
                    out[p][refs[snap.reference.path]] = parsed
    except Exception as exc:  # unreadable daily documents leave windows partial, not the command
        return {p: {} for p in providers}, (
            f"cannot read the daily documents ({settings.provider_days_collection}/, database"
            f" {settings.health_database}): {_one_line(exc)}; 3d and 28d cover today only"
        )
    return out, None


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# -- the report -----------------------------------------------------------------------------


def _at(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


def _window(good: int, total: int, target: float, partial: str | None) -> dict[str, Any]:
    return {
        "attempts": total,
        "good": good,
        "burn_rate": burn_rate(good, total, target),
        "partial": partial,
    }


def _started(since: int | None, first_minute: int) -> str | None:
    if since is None or since <= first_minute:
        return None
    return f"counting began {_at(since):%Y-%m-%d %H:%M} UTC"


def _alerts(
    states: list[AlertState], windows: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    names = {span: name for name, span in SPANS.items()}
    out = []
    for s in states:
        a = s.alert
        long, short = names[a.long_window], names[a.short_window]
        out.append(
            {
                "name": a.name,
                "severity": a.severity,
                "long": long,
                "short": short,
                "threshold": a.burn_rate,
                "firing": s.firing,
                "partial": [n for n in (long, short) if windows[n]["partial"]],
                "runbook": f"{RUNBOOK}#{a.name}",
            }
        )
    return out


def _recent(
    series: list[Series], end: int, target: float, since: int | None
) -> tuple[dict[str, dict[str, Any]], tuple[int, int]]:
    """The counting store's windows, and today so far as (good, total)."""
    rollups = recent_windows(series, end)
    windows: dict[str, dict[str, Any]] = {}
    for name, span in MINUTE_WINDOWS.items():
        first = end - int(span.total_seconds() // 60) + 1
        windows[name] = _window(*sli(rollups[name]), target, _started(since, first))
    for name, span in HOUR_WINDOWS.items():
        first = (end // 60 - int(span.total_seconds() // 3600) + 1) * 60
        windows[name] = _window(*sli(rollups[name]), target, _started(since, first))
    return windows, sli(rollups["today"])


def provider_report(
    name: str,
    series: list[Series],
    days: Mapping[date, tuple[int, int]],
    end: int,
    target: float,
    since: int | None = None,
    days_unread: bool = False,
) -> dict[str, Any]:
    windows, today = _recent(series, end, target, since)
    day_start = (end // 1440) * 1440
    for wname, span in DAY_WINDOWS.items():
        w = day_window(today, days, end, int(span.days))
        why = [f"{w.days_covered} of {w.days} days"] if w.partial else []
        if days_unread:
            why.append("daily documents unreadable")
        if (started := _started(since, day_start)) is not None:
            why.append(started)
        windows[wname] = _window(w.good, w.total, target, "; ".join(why) or None)
    states = evaluate(partial(_pair, windows), target)
    period = windows[next(n for n, s in DAY_WINDOWS.items() if s == PERIOD)]
    allowed = (1.0 - target) * period["attempts"]
    models = []
    for s in sorted(series, key=lambda s: s.model):
        mwindows, _ = _recent([s], end, target, since)
        if not mwindows["24h"]["attempts"]:
            continue
        mstates = evaluate(partial(_pair, mwindows), target, MODEL_ALERTS)
        models.append({"model": s.model, "windows": mwindows, "alerts": _alerts(mstates, mwindows)})
    return {
        "provider": name,
        "windows": windows,
        "alerts": _alerts(states, windows),
        "budget": {
            "window": f"{PERIOD.days}d",
            "left": budget_left(period["good"], period["attempts"], target),
            "failures": period["attempts"] - period["good"],
            "allowed_failures": allowed,
            "partial": period["partial"],
        },
        "models": models,
    }


def _pair(windows: Mapping[str, Mapping[str, Any]], span: timedelta) -> tuple[int, int]:
    w = windows[next(n for n, s in SPANS.items() if s == span)]
    return int(w["good"]), int(w["attempts"])


def build_report(
    series: Mapping[str, list[Series]],
    days: Mapping[str, Mapping[date, tuple[int, int]]],
    end: int,
    target: float,
    since: int | None = None,
    warning: str | None = None,
) -> dict[str, Any]:
    return {
        "as_of": _at(end).isoformat(),
        "target": target,
        "period_days": PERIOD.days,
        "providers": [
            provider_report(p, series[p], days.get(p, {}), end, target, since, warning is not None)
            for p in sorted(series)
        ],
        "warnings": [warning] if warning else [],
    }


# -- text -----------------------------------------------------------------------------------


def _burn(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, float) else "-"


def _rule(a: BurnAlert | Mapping[str, Any]) -> str:
    if isinstance(a, BurnAlert):
        names = {span: name for name, span in SPANS.items()}
        long, short, t = names[a.long_window], names[a.short_window], a.burn_rate
    else:
        long, short, t = a["long"], a["short"], a["threshold"]
    return f"{long} and {short} > {t:g}"


def render(report: Mapping[str, Any]) -> str:
    target = float(report["target"])
    lines = [
        f"SLO: {target:.2%} of attempts not held against the provider, over"
        f" {report['period_days']} days; as of {report['as_of']}",
        f"  burn rate: a window's error ratio / {1 - target:.2%} (1 spends the budget exactly"
        " over the period);",
        "  an alert fires while both its windows exceed its burn rate. Runbooks: " + RUNBOOK,
    ]
    if not report["providers"]:
        lines += ["", "no provider has counts in the counting store"]
    for p in report["providers"]:
        lines += ["", p["provider"]]
        lines.append(f"  {'window':<8}{'attempts':>12}{'good':>12}{'burn rate':>11}")
        for name in WINDOW_NAMES:
            w = p["windows"][name]
            part = f"  partial: {w['partial']}" if w["partial"] else ""
            burn = _burn(w["burn_rate"])
            lines.append(f"  {name:<8}{w['attempts']:>12,}{w['good']:>12,}{burn:>11}{part}")
        lines.append("  alerts")
        for a in p["alerts"]:
            state = f"FIRING: {a['runbook']}" if a["firing"] else "-"
            part = f"  ({', '.join(a['partial'])} partial)" if a["partial"] else ""
            lines.append(f"    {a['name']:<16}{a['severity']:<8}{_rule(a):<20}{state}{part}")
        b = p["budget"]
        part = f" (partial: {b['partial']})" if b["partial"] else ""
        lines.append(f"  error budget, {b['window']}{part}:")
        if b["left"] is None:
            lines.append("    no attempts")
        else:
            lines.append(
                f"    {b['left']:.1%} left: {b['failures']:,} attempts held against the provider"
                f" of {b['allowed_failures']:,.0f} allowed"
            )
        if p["models"]:
            names = [*MINUTE_WINDOWS, *HOUR_WINDOWS]
            alerts = " and ".join(a.name for a in MODEL_ALERTS)
            lines.append(f"  models with attempts in 24h: burn rates, {alerts}")
            head = "".join(f"{n:>7}" for n in names)
            lines.append(f"    {'model':<32}{'1h attempts':>12}{head}  firing")
            for m in p["models"]:
                mw = m["windows"]
                burns = "".join(f"{_burn(mw[n]['burn_rate']):>7}" for n in names)
                firing = ", ".join(a["name"] for a in m["alerts"] if a["firing"]) or "-"
                lines.append(f"    {m['model']:<32}{mw['1h']['attempts']:>12,}{burns}  {firing}")
    return "\n".join(lines)
