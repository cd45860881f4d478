"""Seeded, realistic LLM traffic for the benchmarks: one day of requests over many BYOK keys,
minute by minute. Pure (stdlib only): the same `Traffic` and seed give the same minutes.

The shape, and why:
- Keys: `keys` (default 5,000) BYOK keys, key i (fingerprint `kf_` + i as 16 lowercase hex)
  belonging to provider i mod `providers` (default 8), each provider with `models` (default
  10) models. A request picks its key Zipf-distributed, P(key of rank k) proportional to
  k^-s with s = 1.1, and its model among its provider's the same way: a few keys and models
  are hot (at 5,000 keys the hottest takes ~16% of all requests, provider 0 ~24%, the others
  9-15%), most keys get a handful of calls a day. Real fleets look like that: a few
  production keys carry the traffic, a long tail sits idle.
- Rate: `rate` requests a minute over all keys on average (default 300, ~430,000 a day),
  following a day: rate(h) = rate * (1 + a * cos(2 pi (h - 15) / 24)), h the UTC hour of
  day, with a = (1 - trough) / (1 + trough) = 0.6 for trough = 0.25, so the night (03:00)
  runs at 25% of the afternoon peak (15:00) and the daily mean is `rate`. A minute's count
  is Poisson (normal approximation above 50 a minute: the stdlib has no Poisson draw).
- Background errors: each key fails at its own rate, uniform in 1-5% (a fleet's keys differ:
  some sit near a rate limit, some never do), with reasons weighted as LLM traffic fails:
  mostly rate_limited (50%) and provider-side transients (server_error 15%, overloaded 10%,
  timeout 10%, network 4%), a few of the caller's own (bad_request 5%, context_length 3%,
  content_filter 2%, quota_exhausted 1%). Reason values are `keywatch.core.reasons.Reason`'s.
- Revoked keys: `revoked` (0.5%, at least one) of the keys, drawn uniformly (so mostly cold
  ones, as in life), become invalid at a random minute of the simulated span and stay so:
  from then on every call on them fails with invalid_key.
- One provider outage: provider `outage_provider` (default 1, the second-busiest: large,
  but not dominated by the single hottest key) fails 95% of its requests for
  `outage_minutes` (60) consecutive minutes from `outage_start` (minutes after the start),
  with provider-side reasons (overloaded 40%, server_error 40%, timeout 20%).

Each `Minute` holds the minute's failures one by one (provider, model, fingerprint, reason
value, epoch seconds within the minute) and its successes per (provider, model, fingerprint),
with the latest success's time. Source is always "byok" (`SOURCE`). No key material
anywhere: fingerprints only.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate

SOURCE = "byok"
# Midnight UTC on a Monday: the diurnal curve starts at its night trough side.
DEFAULT_START = int(datetime(2025, 6, 2, tzinfo=UTC).timestamp()) // 60

BACKGROUND_REASONS: dict[str, float] = {
    "rate_limited": 0.50,
    "server_error": 0.15,
    "overloaded": 0.10,
    "timeout": 0.10,
    "network": 0.04,
    "bad_request": 0.05,
    "context_length": 0.03,
    "content_filter": 0.02,
    "quota_exhausted": 0.01,
}
OUTAGE_REASONS: dict[str, float] = {"overloaded": 0.4, "server_error": 0.4, "timeout": 0.2}
INVALID_REASON = "invalid_key"

GroupKey = tuple[str, str, str]  # (provider, model, key fingerprint)
Failure = tuple[str, str, str, str, float]  # (provider, model, fingerprint, reason, epoch s)


@dataclass(frozen=True, slots=True)
class Traffic:
    keys: int = 5_000
    providers: int = 8
    models: int = 10
    rate: float = 300.0  # mean requests per minute over all keys
    zipf_s: float = 1.1
    trough: float = 0.25  # the night's rate, as a share of the peak's
    peak_hour: float = 15.0  # UTC
    error_min: float = 0.01
    error_max: float = 0.05
    revoked: float = 0.005  # share of keys revoked during the span
    outage_provider: int = 1
    outage_start: int = 14 * 60  # minutes after the start
    outage_minutes: int = 60
    outage_fail: float = 0.95
    seed: int = 1
    start: int = DEFAULT_START  # Unix minute of the first minute
    minutes: int = 24 * 60


@dataclass(frozen=True, slots=True)
class Minute:
    minute: int  # Unix minute
    failures: list[Failure] = field(default_factory=list)
    successes: dict[GroupKey, int] = field(default_factory=dict)
    last_success: dict[GroupKey, float] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.failures) + sum(self.successes.values())


def provider_name(p: int) -> str:
    return f"prov{p}"


def model_name(p: int, m: int) -> str:
    return f"prov{p}-model-{m}"


def fingerprint(i: int) -> str:
    return f"kf_{i:016x}"


def diurnal(t: Traffic, minute: int) -> float:
    """The expected requests in `minute` (a Unix minute): the mean rate on the day's curve."""
    a = (1 - t.trough) / (1 + t.trough)
    hour = (minute % 1440) / 60
    return t.rate * (1 + a * math.cos(2 * math.pi * (hour - t.peak_hour) / 24))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _zipf_cum(n: int, s: float) -> list[float]:
    return list(accumulate((k + 1) ** -s for k in range(n)))


def _picker(weights: dict[str, float]) -> tuple[list[str], list[float]]:
    return list(weights), list(accumulate(weights.values()))


def _pick(rng: random.Random, names: list[str], cum: list[float]) -> str:
    return names[bisect.bisect(cum, rng.random() * cum[-1])]


def generate(t: Traffic) -> Iterator[Minute]:
    """The span's minutes, in order."""
    rng = random.Random(t.seed)
    key_cum = _zipf_cum(t.keys, t.zipf_s)
    model_cum = _zipf_cum(t.models, t.zipf_s)
    error = [rng.uniform(t.error_min, t.error_max) for _ in range(t.keys)]
    n_revoked = max(1, round(t.keys * t.revoked))
    revoked_at = {
        i: (t.start + rng.randrange(t.minutes)) * 60 + rng.random() * 60
        for i in rng.sample(range(t.keys), n_revoked)
    }
    fps = [fingerprint(i) for i in range(t.keys)]
    providers = [provider_name(p) for p in range(t.providers)]
    models = [[model_name(p, m) for m in range(t.models)] for p in range(t.providers)]
    background = _picker(BACKGROUND_REASONS)
    outage = _picker(OUTAGE_REASONS)
    out_from = t.start + t.outage_start
    out_to = out_from + t.outage_minutes
    keys_range, models_range = range(t.keys), range(t.models)
    for minute in range(t.start, t.start + t.minutes):
        n = _poisson(rng, diurnal(t, minute))
        ks = rng.choices(keys_range, cum_weights=key_cum, k=n)
        ms = rng.choices(models_range, cum_weights=model_cum, k=n)
        in_outage = out_from <= minute < out_to
        m = Minute(minute)
        base = minute * 60.0
        for k, j in zip(ks, ms, strict=True):
            p = k % t.providers
            at = base + rng.random() * 60
            g = (providers[p], models[p][j], fps[k])
            revoked = revoked_at.get(k)
            if revoked is not None and at >= revoked:
                reason: str | None = INVALID_REASON
            elif in_outage and p == t.outage_provider and rng.random() < t.outage_fail:
                reason = _pick(rng, *outage)
            elif rng.random() < error[k]:
                reason = _pick(rng, *background)
            else:
                reason = None
            if reason is not None:
                m.failures.append((*g, reason, round(at, 3)))
            else:
                m.successes[g] = m.successes.get(g, 0) + 1
                if at > m.last_success.get(g, 0.0):
                    m.last_success[g] = round(at, 3)
        m.failures.sort(key=lambda f: f[4])
        yield m


__all__ = [
    "BACKGROUND_REASONS",
    "DEFAULT_START",
    "INVALID_REASON",
    "OUTAGE_REASONS",
    "SOURCE",
    "Minute",
    "Traffic",
    "diurnal",
    "fingerprint",
    "generate",
    "model_name",
    "provider_name",
]
