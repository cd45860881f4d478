"""Health arithmetic over series: windows and their edges, uptime, status, key states, when a
series changes next, and stable digests."""

from __future__ import annotations

from datetime import UTC, datetime

from keywatch.core.health import (
    Counts,
    KeyThresholds,
    Kind,
    Series,
    Status,
    Thresholds,
    doc_id,
    has_data,
    key_documents,
    next_change,
    provider_documents,
    stale_buckets,
    summarize,
    unix_minute,
    windows_of,
)

END = unix_minute(datetime(2026, 11, 22, 12, 30, 15, tzinfo=UTC))
FP = "kf_" + "a" * 16


def series(
    *buckets: tuple[int, int, dict[str, int]],
    kind: Kind = Kind.MODEL,
    model: str = "m",
    against: bool = True,
    recovered: int = 0,
) -> Series:
    """A series from (minutes ago, successes, failures by reason): each into its minute and
    its hour bucket, as the counting store does."""
    s = Series(kind, "openai", model, FP if kind is Kind.KEY else "", "platform")
    for ago, ok, fails in buckets:
        m = END - ago
        for buckets_of, index in ((s.minutes, m), (s.hours, m // 60)):
            c = buckets_of.setdefault(index, Counts())
            c.successes += ok
            for r, n in fails.items():
                c.failures[r] = c.failures.get(r, 0) + n
                if against:
                    c.provider_failures += n
            c.recovered += recovered
        for r in fails:
            s.last_failure[r] = max(s.last_failure.get(r, 0.0), m * 60 + 30.0)
        if ok:
            s.last_success = max(s.last_success or 0.0, m * 60 + 45.0)
    return s


def test_window_edges() -> None:
    """5m holds the minutes 0 to 4 ago, 1h 0 to 59 ago, 24h the current hour and 23 before."""
    s = series((0, 1, {}), (4, 10, {}), (5, 100, {}), (59, 1000, {}))
    five, hour, day = windows_of(s, END)
    assert (five.requests, hour.requests, day.requests) == (11, 1111, 1111)
    s.minutes.clear()  # only the hour buckets remain: 1h and 5m are empty, 24h is not
    five, hour, day = windows_of(s, END)
    assert (five.requests, hour.requests, day.requests) == (0, 0, 1111)
    old = series((24 * 60 + 31, 5, {}))  # in the hour 24 hours before the current one
    assert windows_of(old, END)[2].requests == 0 and not has_data(old, END)


def test_recovered_failures_do_not_count_against_the_provider() -> None:
    """A failure a retry on the same provider recovered leaves uptime whole."""
    s = series((1, 99, {"server_error": 1}), recovered=1)
    [(_, (_, doc))], total = provider_documents("openai", [summarize(s, END)], Thresholds())
    assert doc["5m"]["failures"] == 1 and doc["5m"]["provider_failures"] == 0
    assert total is not None and total[1]["5m"]["uptime"] == 1.0


def test_status_thresholds_and_unknown_with_few_requests() -> None:
    """Too few requests is unknown; then healthy, degraded or down by failure rate."""
    t = Thresholds(min_requests=20, degraded_rate=0.05, down_rate=0.5)
    few = summarize(series((1, 5, {"server_error": 5})), END)
    assert provider_documents("openai", [few], t)[1][1]["status"] == Status.UNKNOWN  # type: ignore[index]
    for fails, expected in ((0, Status.HEALTHY), (10, Status.DEGRADED), (60, Status.DOWN)):
        s = summarize(series((1, 100 - fails, {"server_error": fails} if fails else {})), END)
        _, total = provider_documents("openai", [s], t)
        assert total is not None and total[1]["status"] == expected


def test_provider_is_the_sum_of_its_models() -> None:
    """A provider document adds its models' windows; a model with no data has no document."""
    a = summarize(series((1, 10, {"timeout": 2}), model="a"), END)
    b = summarize(series((2, 30, {"rate_limited": 1}), model="b", against=False), END)
    gone = summarize(series((25 * 60, 3, {}), model="c"), END)
    per_model, total = provider_documents("openai", [a, b, gone], Thresholds())
    assert [doc is None for _, doc in per_model] == [False, False, True]
    assert total is not None
    w = total[1]["5m"]
    assert (w["requests"], w["provider_failures"]) == (43, 2)
    assert w["failures_by_reason"] == {"rate_limited": 1, "timeout": 2}


def test_doc_id_is_firestore_safe() -> None:
    """Slashes are escaped and reserved ids avoided."""
    assert doc_id("anthropic/claude-sonnet-4.5") == "anthropic%2Fclaude-sonnet-4.5"
    assert doc_id("..") == "%2E." and doc_id("__x__") == "%5F_x__"


def kseries(model: str, *buckets: tuple[int, int, dict[str, int]]) -> Series:
    return series(*buckets, kind=Kind.KEY, model=model)


def key_states(*ss: Series) -> dict[str, str]:
    per_model, summary = key_documents([summarize(s, END) for s in ss], END, KeyThresholds())
    out = {s.model: doc[1]["state"] for s, doc in per_model if doc is not None}
    assert summary is not None
    out["*"] = summary[1]["state"]
    return out


def test_invalid_key_is_invalid_for_every_model_until_it_succeeds() -> None:
    """An invalid_key failure after the last success invalidates the key on all its models;
    a later success on any model makes it usable again."""
    m1 = kseries("m1", (10, 5, {}))
    m2 = kseries("m2", (3, 0, {"invalid_key": 1}))
    assert key_states(m1, m2) == {"m1": "invalid", "m2": "invalid", "*": "invalid"}
    m1 = kseries("m1", (10, 5, {}), (1, 1, {}))
    assert key_states(m1, m2) == {"m1": "healthy", "m2": "healthy", "*": "healthy"}


def test_an_invalid_key_failure_older_than_24_hours_no_longer_counts() -> None:
    """The latest failures are read inside the 24-hour window only."""
    m1 = kseries("m1", (25 * 60, 0, {"invalid_key": 1}), (1, 0, {"server_error": 1}))
    assert key_states(m1)["m1"] == "healthy"


def test_failures_count_against_their_model_only() -> None:
    """A key failing on one model is cooling down there and healthy on another."""
    per_model, summary = key_documents(
        [
            summarize(
                kseries("m1", (2, 1, {}), (1, 0, {"server_error": 2, "rate_limited": 1})), END
            ),
            summarize(kseries("m2", (1, 9, {})), END),
        ],
        END,
        KeyThresholds(),
    )
    m1, m2 = (doc[1] for _, doc in per_model if doc is not None)
    assert (m1["state"], m1["consecutive_failures"]) == ("cooling_down", 3)
    assert m1["5m"]["failures_by_reason"] == {"rate_limited": 1, "server_error": 2}
    assert (m2["state"], m2["5m"]["error_rate"]) == ("healthy", 0.0)
    assert summary is not None and summary[1]["models"] == {"m1": "cooling_down", "m2": "healthy"}


def test_consecutive_failures_at_hour_resolution_past_the_hour() -> None:
    """With the last success over an hour old, failures count by whole hours after its hour."""
    s = kseries(
        "m", (150, 1, {}), (149, 0, {"timeout": 1}), (70, 0, {"timeout": 2}), (1, 0, {"timeout": 1})
    )
    # The success is 150 minutes ago: failures in later hours count; one in its own hour not.
    expected = sum(
        c.failures.get("timeout", 0) for h, c in s.hours.items() if h > (END - 150) // 60
    )
    assert summarize(s, END).consecutive == expected


def test_next_change_is_the_next_window_edge() -> None:
    """A bucket is due again when it leaves 5m, then 1h, then 24h; nothing once all left."""
    s = series((2, 1, {}))
    m = END - 2
    assert next_change(s, END) == m + 5
    assert next_change(s, m + 5) == m + 60
    assert next_change(s, m + 60) == (m // 60 + 24) * 60
    late = (m // 60 + 24) * 60
    assert next_change(s, late) is None and not has_data(s, late)
    assert stale_buckets(s, late) == ([m], [m // 60])


def test_same_input_same_digest() -> None:
    """Documents and digests depend only on the series and the tick, not on their order."""

    def docs(*ss: Series) -> list[object]:
        per_model, summary = key_documents([summarize(s, END) for s in ss], END, KeyThresholds())
        return [doc for _, doc in per_model] + [summary]

    m1, ab = kseries("m1", (1, 0, {"timeout": 1})), kseries("a/b", (5, 3, {}))
    assert docs(m1, ab) == docs(ab, m1)
    busier = kseries("m1", (1, 0, {"timeout": 2}))
    assert docs(busier, ab)[1][0] != docs(m1, ab)[1][0]  # type: ignore[index]
