"""Health arithmetic over series: windows and their edges, uptime, status, key states, when a
series changes next, and stable digests."""

from __future__ import annotations

from datetime import UTC, datetime

from keywatch.core.health import (
    RECENT_FAILURES,
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
        for r, n in fails.items():
            s.last_failure[r] = max(s.last_failure.get(r, 0.0), m * 60 + 30.0)
            if kind is Kind.KEY:  # the latest failures, to the second, as count_failure.lua
                s.recent = sorted([*s.recent, *((m * 60 + 30.0 - i * 0.001, r) for i in range(n))])
                s.recent = s.recent[-RECENT_FAILURES:]
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
    out["*"] = summary[1]["worst_model_state"]
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


def test_failures_right_after_a_success_in_its_minute_count_to_the_second() -> None:
    """Three failures 5, 10 and 15 s after the last success, all in its minute: cooling down."""
    s = kseries("m", (1, 1, {}))
    ok = s.last_success
    assert ok is not None
    s.recent = [(ok - 20, "server_error"), (ok + 5, "server_error"), (ok + 10, "timeout"),
                (ok + 15, "timeout")]  # fmt: skip
    m = END - 1
    s.minutes[m].failures = {"server_error": 2, "timeout": 2}
    sm = summarize(s, END)
    assert sm.consecutive == 3  # the one before the success does not count
    [(_, doc)], _ = key_documents([sm], END, KeyThresholds())
    assert doc is not None and doc[1]["state"] == "cooling_down"


def test_old_failures_age_out_of_cooling_down() -> None:
    """Three 429s an hour and more ago no longer cool a key down: only the last hour counts."""
    stale = kseries("m", (61, 0, {"rate_limited": 3}))
    assert summarize(stale, END).consecutive == 0
    assert key_states(stale)["m"] == "healthy"
    recent = kseries("m", (59, 0, {"rate_limited": 3}))
    assert key_states(recent)["m"] == "cooling_down"


def test_past_the_failures_kept_to_the_second_the_minute_buckets_count() -> None:
    """More failures since the success than the series keeps timestamps of: the buckets say."""
    s = kseries("m", (30, 1, {}), (2, 0, {"server_error": 40}))
    assert len(s.recent) == RECENT_FAILURES
    assert summarize(s, END).consecutive == 40


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


def at_seconds(s: Series, *times: tuple[float, str]) -> Series:
    """The series with its latest failures at these times (epoch s, reason)."""
    s.recent = sorted(times)
    for at, r in times:
        s.last_failure[r] = max(s.last_failure.get(r, 0.0), at)
    return s


def test_an_invalid_key_is_probed_after_a_back_off_doubled_by_each_failed_probe() -> None:
    """5 min after the first invalid_key failure; failures inside that wait (a burst, requests
    in flight) change nothing; one after it (a failed probe) doubles it, up to 6 h. The key
    summary carries it for every model."""
    t = KeyThresholds()
    base = (END - 30) * 60.0

    def probe_of(*times: float) -> float:
        s = at_seconds(kseries("m1", (40, 5, {})), *((x, "invalid_key") for x in times))
        _, summary = key_documents([summarize(s, END)], END, t)
        assert summary is not None and summary[1]["invalid"] is True
        return float(summary[1]["probe_at"].timestamp())

    assert probe_of(base) == base + 300
    assert probe_of(base, base + 1, base + 2, base + 60) == base + 300  # one burst
    assert probe_of(base, base + 301) == base + 301 + 600  # the probe failed: doubled
    assert probe_of(base, base + 301, base + 902) == base + 902 + 1200
    many = [base + 10]
    for _ in range(10):
        many.append(many[-1] + 6 * 3600)  # every probe fails
    assert probe_of(*many[-8:]) - many[-1] <= 6 * 3600


def test_a_cooling_key_is_probed_after_its_own_back_off() -> None:
    """30 s after the failure that made it cool down; a failed probe doubles it, to 10 min."""
    t = KeyThresholds()
    base = (END - 3) * 60.0
    burst = [(base + i * 0.1, "server_error") for i in range(10)]
    s = at_seconds(kseries("m", (5, 1, {})), *burst)
    s.minutes.setdefault(END - 3, Counts()).failures["server_error"] = 10
    [(_, doc)], _ = key_documents([summarize(s, END)], END, t)
    assert doc is not None and doc[1]["state"] == "cooling_down"
    assert doc[1]["probe_at"].timestamp() == base + 0.2 + 30  # the third failure + 30 s
    failed_probe = [*burst[:3], (base + 40, "server_error")]
    s = at_seconds(kseries("m", (5, 1, {})), *failed_probe)
    [(_, doc)], _ = key_documents([summarize(s, END)], END, t)
    assert doc is not None and doc[1]["probe_at"].timestamp() == base + 40 + 60


def test_a_success_restores_an_invalid_key_and_clears_its_probe() -> None:
    s = kseries("m1", (10, 0, {"invalid_key": 2}), (1, 1, {}))
    per_model, summary = key_documents([summarize(s, END)], END, KeyThresholds())
    assert summary is not None and summary[1]["invalid"] is False
    assert summary[1]["probe_at"] is None
    [(_, doc)] = per_model
    assert doc is not None and doc[1]["state"] == "healthy" and doc[1]["probe_at"] is None


def test_permission_denied_on_one_model_leaves_the_key_usable_on_others() -> None:
    denied = kseries("m1", (2, 1, {}), (1, 0, {"permission_denied": 1}))
    fine = kseries("m2", (1, 4, {}))
    states = key_states(denied, fine)
    assert states["m2"] == "healthy" and states["m1"] != "invalid"
