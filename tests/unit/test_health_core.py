"""Health arithmetic: windows, uptime, status thresholds, deterministic documents."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from keywatch.core.health import (
    Bucket,
    KeyThresholds,
    Status,
    Thresholds,
    doc_id,
    health_documents,
    key_documents,
    rollup,
)

NOW = datetime(2026, 11, 22, 12, 30, 15, tzinfo=UTC)


def bucket(
    minutes_ago: int,
    successes: int = 0,
    provider_failures: int = 0,
    recovered: int = 0,
    reason: str = "server_error",
    failures: int | None = None,
    model: str = "m",
) -> Bucket:
    n = provider_failures if failures is None else failures
    return Bucket(
        minute=NOW.replace(second=0, microsecond=0) - timedelta(minutes=minutes_ago),
        provider="openai",
        model=model,
        key_fingerprint="kf_" + "0" * 16,
        source="platform",
        successes=successes,
        failures=Counter({reason: n}) if n else Counter(),
        provider_failures=provider_failures,
        recovered=recovered,
    )


def test_windows_include_only_their_minutes() -> None:
    """A bucket 30 minutes old is in the 1h and 24h windows, not the 5m one."""
    by_provider, _ = rollup([bucket(30, successes=10)], NOW)
    assert "5m" not in by_provider["openai"]
    assert by_provider["openai"]["1h"].requests == 10
    assert by_provider["openai"]["24h"].requests == 10


def test_recovered_failures_do_not_count_against_the_provider() -> None:
    """A failure a retry on the same provider recovered leaves uptime whole."""
    by_provider, _ = rollup([bucket(1, successes=99, provider_failures=1, recovered=1)], NOW)
    r = by_provider["openai"]["5m"]
    assert r.failures == 1 and r.provider_failures == 0 and r.uptime == 1.0


def test_status_thresholds_and_unknown_with_few_requests() -> None:
    """Too few requests is unknown; then healthy, degraded or down by failure rate."""
    t = Thresholds(min_requests=20, degraded_rate=0.05, down_rate=0.5)
    docs = health_documents([bucket(1, successes=5, provider_failures=5)], NOW, t)
    assert docs["provider_health/openai"]["status"] == Status.UNKNOWN
    for fails, expected in ((0, Status.HEALTHY), (10, Status.DEGRADED), (60, Status.DOWN)):
        docs = health_documents([bucket(1, successes=100 - fails, provider_failures=fails)], NOW, t)
        assert docs["provider_health/openai"]["status"] == expected


def test_client_errors_count_as_requests_not_against_provider() -> None:
    """A rate limit is a request that failed, but not the provider's fault."""
    docs = health_documents(
        [bucket(1, successes=50, failures=50, provider_failures=0, reason="rate_limited")],
        NOW,
        Thresholds(),
    )
    w = docs["provider_health/openai"]["5m"]
    assert isinstance(w, dict)
    assert w["requests"] == 100 and w["failures_by_reason"] == {"rate_limited": 50}
    assert w["uptime"] == 1.0 and docs["provider_health/openai"]["status"] == Status.HEALTHY


def test_same_input_same_documents() -> None:
    """Running twice for the same moment writes the same documents."""
    bs = [bucket(1, successes=10, provider_failures=2), bucket(90, successes=5, model="a/b")]
    assert health_documents(bs, NOW, Thresholds()) == health_documents(bs, NOW, Thresholds())
    assert "provider_health/openai/models/a%2Fb" in health_documents(bs, NOW, Thresholds())


def test_doc_id_is_firestore_safe() -> None:
    """Slashes are escaped and reserved ids avoided."""
    assert doc_id("anthropic/claude-sonnet-4.5") == "anthropic%2Fclaude-sonnet-4.5"
    assert doc_id("..") == "%2E." and doc_id("__x__") == "%5F_x__"


def kbucket(
    minutes_ago: int,
    model: str,
    *,
    ok: int = 0,
    fails: dict[str, int] | None = None,
    fp: str = "kf_" + "a" * 16,
) -> Bucket:
    minute = NOW.replace(second=0, microsecond=0) - timedelta(minutes=minutes_ago)
    ts = minute.timestamp() + 30
    return Bucket(
        minute=minute,
        provider="openai",
        model=model,
        key_fingerprint=fp,
        source="byok",
        successes=ok,
        failures=Counter(fails or {}),
        last_failure={r: ts for r in (fails or {})},
        last_success=ts + 15 if ok else None,
    )


def test_invalid_key_is_invalid_for_every_model_until_it_succeeds() -> None:
    """An invalid_key failure after the last success invalidates the key on all its models;
    a later success on any model makes it usable again."""
    fp = "kf_" + "a" * 16
    before = [kbucket(10, "m1", ok=5), kbucket(3, "m2", fails={"invalid_key": 1})]
    docs = key_documents(before, NOW, KeyThresholds())
    assert docs[f"key_health/{fp}/models/m1"]["state"] == "invalid"
    assert docs[f"key_health/{fp}/models/m2"]["state"] == "invalid"
    assert docs[f"key_health/{fp}"]["state"] == "invalid"
    after = [*before, kbucket(1, "m1", ok=1)]
    docs = key_documents(after, NOW, KeyThresholds())
    assert {docs[f"key_health/{fp}/models/{m}"]["state"] for m in ("m1", "m2")} == {"healthy"}


def test_failures_count_against_their_model_only() -> None:
    """A key failing on one model is cooling down there and healthy on another."""
    fp = "kf_" + "a" * 16
    docs = key_documents(
        [
            kbucket(2, "m1", ok=1),
            kbucket(1, "m1", fails={"server_error": 2, "rate_limited": 1}),
            kbucket(1, "m2", ok=9),
        ],
        NOW,
        KeyThresholds(),
    )
    m1, m2 = docs[f"key_health/{fp}/models/m1"], docs[f"key_health/{fp}/models/m2"]
    assert (m1["state"], m1["consecutive_failures"]) == ("cooling_down", 3)
    assert m1["last_reason"] in {"rate_limited", "server_error"}  # the same minute: either
    assert m1["5m"]["failures_by_reason"] == {"rate_limited": 1, "server_error": 2}  # type: ignore[index]
    assert (m2["state"], m2["5m"]["error_rate"]) == ("healthy", 0.0)  # type: ignore[index]
    assert docs[f"key_health/{fp}"]["models"] == {"m1": "cooling_down", "m2": "healthy"}


def test_key_documents_are_deterministic() -> None:
    """The same buckets and moment give the same documents."""
    bs = [kbucket(1, "m1", fails={"timeout": 1}), kbucket(5, "a/b", ok=3)]
    assert key_documents(bs, NOW, KeyThresholds()) == key_documents(
        list(reversed(bs)), NOW, KeyThresholds()
    )
