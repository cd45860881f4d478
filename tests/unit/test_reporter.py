"""The reporter: never slows or breaks the caller, bounded memory, tallies and recoveries."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from keywatch.context import request_context
from keywatch.fingerprint import key_fingerprint
from keywatch.reporting import Reporter
from keywatch.settings import Settings
from tests.fakes import FakePublisherClient

SETTINGS = Settings(project_id="demo-keywatch")
KEY = "sk-proj-" + "Zx9" * 16  # shaped like a real key, built so no literal key is committed


def reporter_with(client: FakePublisherClient, **kw: object) -> Reporter:
    return Reporter(SETTINGS, client_factory=lambda: client, **kw)  # type: ignore[arg-type]


def test_report_publishes_a_scrubbed_event_with_attributes() -> None:
    """The event goes out with filter attributes; the key is fingerprinted, never sent."""
    client = FakePublisherClient()
    r = reporter_with(client)
    r.report(
        "OpenAI",
        "gpt-4o",
        api_key=KEY,
        source="byok",
        uid="u1",
        status_code=401,
        error_code="invalid_api_key",
        error_message=f"Incorrect API key provided: {KEY}.",
    )
    assert r.flush(5)
    [(data, attrs)] = client.messages
    assert KEY.encode() not in data and KEY[8:20].encode() not in data
    [event] = client.events()
    assert event["provider"] == "openai" and event["key_fingerprint"] == key_fingerprint(KEY)
    assert attrs == {
        "type": "failure",
        "schema_version": "1",
        "source": "byok",
        "provider": "openai",
    }
    r.close()


def test_bad_input_is_clamped_and_counted_never_raised() -> None:
    """Garbage in the caller's path: report() returns; the event is clamped and counted."""
    client = FakePublisherClient()
    r = reporter_with(client)
    r.report(
        None,
        object(),
        status_code="abc",
        attempt=-3,
        error_message="x" * 1_000_000,  # type: ignore[arg-type]
        feature="f" * 5000,
        key_fingerprint=KEY,
    )
    assert r.flush(5)
    [event] = client.events()
    assert event["provider"] == "unknown" and event["model"].startswith("<object")
    assert event["status_code"] is None and event["attempt"] == 1
    assert len(event["error_message"]) <= 2000 and len(event["feature"]) <= 200
    assert event["key_fingerprint"] == key_fingerprint(KEY)  # a key passed as fingerprint
    assert r.stats()["clamped"] == 1
    r.close()


def test_unreachable_pubsub_keeps_memory_bounded_and_counts_drops() -> None:
    """Publishing hangs: the queue never exceeds its bound and the oldest are dropped, counted."""
    client = FakePublisherClient(hang=threading.Event())
    r = reporter_with(client, max_queue=100)
    for i in range(5000):
        r.report("openai", "gpt-4o", request_id=f"r{i}", status_code=503)
    stats = r.stats()
    assert stats["queued"] <= 100
    assert stats["reported"] == 5000 and stats["dropped_overflow"] >= 4800
    assert client.hang is not None
    client.hang.set()  # Pub/Sub is back
    assert r.flush(10)
    assert r.stats()["published"] + r.stats()["dropped_overflow"] == 5000
    r.close()


def test_a_failed_publish_goes_back_to_the_queue_and_is_counted() -> None:
    """A publish that fails is counted, not raised anywhere, and its record is kept."""
    r = reporter_with(FakePublisherClient(fail=True))
    r.report("openai", "gpt-4o", status_code=500)
    assert not r.flush(2)
    stats = r.stats()
    assert stats["publish_failures"] >= 1 and stats["queued"] == 1 and stats["published"] == 0
    r.close(1)
    assert r.stats()["lost_at_exit"] == 1  # Pub/Sub never came back


def test_successes_become_tallies_and_recover_earlier_failures() -> None:
    """A success on a retry to the same provider marks the request's failures recovered."""
    client = FakePublisherClient()
    r = reporter_with(client)
    with request_context(uid="u1", byok={"anthropic"}) as ctx:
        r.report("anthropic", "claude-sonnet-4-5", api_key="k1", status_code=529)
        r.report("openai", "gpt-4o", api_key="k3", status_code=500)  # another provider
        r.success("anthropic", "claude-sonnet-4-5", api_key="k2")
        r.success("anthropic", "claude-sonnet-4-5", api_key="k2")
    assert r.flush(5)
    failures = [e for e in client.events() if e["type"] == "failure"]
    tallies = client.tally_groups()
    anthropic_failure = next(f for f in failures if f["provider"] == "anthropic")
    assert anthropic_failure["request_id"] == ctx.request_id
    assert anthropic_failure["source"] == "byok" and anthropic_failure["uid"] == "u1"
    [tally] = tallies
    assert tally["successes"] == 2 and tally["key_fingerprint"] == key_fingerprint("k2")
    assert tally["recovered_event_ids"] == [anthropic_failure["event_id"]]
    r.close()


def test_platform_source_outside_byok_context() -> None:
    """Without a context, or for a provider not in its BYOK set, the failure is the platform's."""
    client = FakePublisherClient()
    r = reporter_with(client)
    r.report("openai", "gpt-4o", status_code=500)
    with request_context(uid="u2", byok={"anthropic"}):
        r.report("openai", "gpt-4o", status_code=500)
    r.flush(5)
    assert [(e["source"], e["uid"]) for e in client.events()] == [
        ("platform", None),
        ("platform", "u2"),
    ]
    r.close()


def test_report_from_many_threads_loses_nothing() -> None:
    """Concurrent callers: every report is published once."""
    client = FakePublisherClient()
    r = reporter_with(client, max_queue=100_000)

    def burst() -> None:
        for _ in range(500):
            r.report("groq", "llama", request_id=uuid.uuid4().hex, status_code=503)

    threads = [threading.Thread(target=burst) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert r.flush(10)
    assert len({e["event_id"] for e in client.events()}) == 4000
    r.close()


def test_breaker_holds_reports_while_pubsub_is_down_then_drains() -> None:
    """Publishes failing in a row open the breaker: reports wait in the queue, one probe at a
    time tests Pub/Sub, and once a probe succeeds everything queued goes out."""
    client = FakePublisherClient(fail=True)
    r = reporter_with(client)
    r.probe_interval_s = 0.05
    for i in range(3):
        r.report("openai", "gpt-4o", request_id=f"a{i}", status_code=500)
    r.flush(5)
    assert r.pubsub_down and r.stats()["publish_failures"] == 3
    assert r.stats()["queued"] == 3  # kept, not lost
    for i in range(20):
        r.report("openai", "gpt-4o", request_id=f"b{i}", status_code=500)
    r.flush(1)
    assert r.stats()["queued"] >= 21  # held, not thrown at a dead Pub/Sub
    client.fail = False  # Pub/Sub is back
    deadline = time.monotonic() + 10
    while r.stats()["published"] < 23 and time.monotonic() < deadline:
        r.flush(1)
    assert not r.pubsub_down and r.stats()["published"] == 23 and r.stats()["queued"] == 0
    assert len({e["event_id"] for e in client.events()}) == 23
    r.close()


def test_tallies_carry_the_time_of_the_last_success() -> None:
    """Key health orders a key's last success against its failures: the tally says when."""
    client = FakePublisherClient()
    r = reporter_with(client)
    r.success("openai", "gpt-4o", api_key="k")
    assert r.flush(5)
    [tally] = client.tally_groups()
    assert tally["window_start"] <= tally["last_success_at"] <= tally["window_end"]
    r.close()


def test_one_flush_is_one_message_split_by_bytes_below_what_classify_accepts() -> None:
    """500 groups and 3,000 recoveries: a few tallies messages, each under 64 KiB, each
    decoded by classify; every success and every recovery is in exactly one of them."""
    from keywatch.events import TallyBatch
    from keywatch_functions.decode import MAX_MESSAGE_BYTES, decode_ingest

    client = FakePublisherClient()
    r = reporter_with(client)
    for i in range(500):
        r.success("openai", f"model-{i}", api_key=f"k{i}")
    for i in range(3_000):
        r.report("anthropic", "claude", api_key="ka", request_id=f"req-{i}", status_code=529)
        r.success("anthropic", "claude", api_key="kb", request_id=f"req-{i}")
    assert r.flush(10)
    batches = [d for d, attrs in client.messages if attrs["type"] == "tallies"]
    assert 1 < len(batches) < 10
    assert all(len(d) < MAX_MESSAGE_BYTES for d in batches)
    assert all(isinstance(decode_ingest(d), TallyBatch) for d in batches)
    groups = client.tally_groups()
    assert sum(g["successes"] for g in groups) == 3_500
    assert sum(len(g.get("recovered_event_ids", [])) for g in groups) == 3_000


def test_successes_are_counted_in_the_minute_they_happened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A flush spanning two minutes carries each minute's successes apart."""
    import keywatch.reporting as reporting

    client = FakePublisherClient()
    r = reporter_with(client)
    base = 29_000_000 * 60.0  # a Unix minute of 2025
    clock = iter([base, base + 30, base + 61])
    monkeypatch.setattr(reporting.time, "time", lambda: next(clock, base + 61))
    for _ in range(3):
        r.success("openai", "gpt-4o", api_key="k")
    monkeypatch.undo()
    assert r.flush(5)
    [g] = client.tally_groups()
    assert g["successes_by_minute"] == {"29000000": 2, "29000001": 1}


# -- the caller's key -------------------------------------------------------------------------

UNPREFIXED = "Qm7" + "vT4x" * 8  # shaped like a Mistral or Cohere key: nothing gives it away


def test_a_known_key_is_removed_from_every_field_whatever_its_format() -> None:
    """The caller handed the key over: it, and any fragment of 8 or more, is gone from every
    text field, though no rule could recognise it."""
    client = FakePublisherClient()
    r = reporter_with(client)
    r.report(
        "mistral",
        "mistral-large",
        api_key=UNPREFIXED,
        error_type=f"Unauthorized {UNPREFIXED}",
        error_code=UNPREFIXED[:12],
        error_message=f"upstream said {UNPREFIXED} then {UNPREFIXED[:10]}**** then "
        f"{UNPREFIXED[-9:]}",
        request_id=f"rid-{UNPREFIXED[4:16]}",
    )
    assert r.flush(5)
    [(data, _)] = client.messages
    text = data.decode()
    assert all(UNPREFIXED[i : i + 8] not in text for i in range(len(UNPREFIXED) - 7))
    [event] = client.events()
    assert event["key_fingerprint"] == key_fingerprint(UNPREFIXED)
    r.close()


def test_a_key_passed_as_the_fingerprint_is_treated_as_the_key() -> None:
    client = FakePublisherClient()
    r = reporter_with(client)
    r.report("cohere", "command", key_fingerprint=UNPREFIXED, error_message=f"bad {UNPREFIXED}")
    assert r.flush(5)
    assert UNPREFIXED.encode() not in client.messages[0][0]
    assert client.events()[0]["key_fingerprint"] == key_fingerprint(UNPREFIXED)
    r.close()


def test_track_keeps_a_scrubber_and_the_report_removes_the_key() -> None:
    from keywatch.track import track

    client = FakePublisherClient()
    r = reporter_with(client)
    t = track("mistral", "mistral-large", api_key=UNPREFIXED, reporter=r)
    assert UNPREFIXED not in repr(vars(t)) and t.key_fingerprint == key_fingerprint(UNPREFIXED)
    with pytest.raises(RuntimeError), t:
        raise RuntimeError(f"401 for {UNPREFIXED}")
    assert r.flush(5)
    assert UNPREFIXED.encode() not in client.messages[0][0]
    r.close()


def test_the_langchain_handler_holds_no_raw_key() -> None:
    pytest.importorskip("langchain_core")
    from keywatch.langchain import KeywatchCallbackHandler

    h = KeywatchCallbackHandler(api_key=UNPREFIXED)
    assert UNPREFIXED not in repr(vars(h))
    assert all(UNPREFIXED not in repr(v) for v in vars(h).values())


# -- bounds in bytes ----------------------------------------------------------------------------


def test_memory_is_bounded_in_bytes_and_text_is_cut_at_capture() -> None:
    """500 KB error bodies while Pub/Sub hangs: what is held stays within the byte budget."""
    import tracemalloc

    client = FakePublisherClient(hang=threading.Event())
    budget = 2 * 1024 * 1024
    r = reporter_with(client, max_queue_bytes=budget)
    r.report("openai", "gpt-4o", error_message="first")  # the thread is now stuck publishing
    time.sleep(0.1)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(1_000):
        r.report("openai", "gpt-4o", request_id=f"r{i}", error_message=f"<html>{i}" + "x" * 500_000)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    stats = r.stats()
    assert stats["queued_bytes"] <= budget
    assert held <= budget + 256 * 1024  # the estimate holds, within a small constant
    assert stats["dropped_overflow"] > 700  # about 8 KB a record: some 250 fit
    assert client.hang is not None
    client.hang.set()
    assert r.flush(10)
    assert r.stats()["queued_bytes"] == 0  # released as publishes are confirmed
    r.close()


def test_drops_are_logged_at_most_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    client = FakePublisherClient(hang=threading.Event())
    r = reporter_with(client, max_queue=10)
    with caplog.at_level("WARNING", logger="keywatch"):
        for i in range(100):
            r.report("openai", "gpt-4o", request_id=f"r{i}")
        r._log_drops()
        for i in range(100):
            r.report("openai", "gpt-4o", request_id=f"s{i}")
        r._log_drops()
    assert len([m for m in caplog.messages if "dropped" in m]) == 1
    assert client.hang is not None
    client.hang.set()
    r.close(2)


# -- the onset of an outage -----------------------------------------------------------------------


def test_publishes_that_hang_then_fail_are_kept_and_sent_when_pubsub_returns() -> None:
    """The worst minute: every publish hangs, then all of them fail, then Pub/Sub is back.
    Every event arrives, each exactly once; nothing is counted lost."""
    from tests.fakes import ControlledPublisherClient

    client = ControlledPublisherClient()
    r = reporter_with(client)
    r.probe_interval_s = 0.05
    client.mode = "hang"
    for i in range(2_000):
        r.report("openai", "gpt-4o", request_id=f"r{i}", status_code=401)
    deadline = time.monotonic() + 10
    while len(client.pending) < 1_000 and time.monotonic() < deadline:
        time.sleep(0.01)
    client.mode = "fail"
    client.fail_held()  # their deadlines pass: the client gives up on them
    time.sleep(0.3)
    assert r.pubsub_down and r.stats()["published"] == 0
    assert r.stats()["queued"] + r.stats()["in_flight"] == 2_000
    client.mode = "ok"
    deadline = time.monotonic() + 20
    while r.stats()["published"] < 2_000 and time.monotonic() < deadline:
        r.flush(1)
    ids = [e["event_id"] for e in client.events() if e["type"] == "failure"]
    assert len(ids) == 2_000 and len(set(ids)) == 2_000
    stats = r.stats()
    assert stats["dropped_overflow"] == 0 and stats["queued_bytes"] == 0
    r.close()


def test_a_publish_that_failed_late_but_landed_is_resent_with_the_same_event_id() -> None:
    """At least once: the copy carries the same event id, so classify counts it once."""
    from tests.fakes import ControlledPublisherClient

    client = ControlledPublisherClient()
    r = reporter_with(client)
    client.mode = "hang"
    r.report("openai", "gpt-4o", status_code=500)
    deadline = time.monotonic() + 5
    while not client.pending and time.monotonic() < deadline:
        time.sleep(0.01)
    [(fut, data, attrs)] = client.pending
    client.pending.clear()
    client.messages.append((data, attrs))  # it did reach Pub/Sub...
    client.mode = "ok"
    fut.set_exception(RuntimeError("504 deadline exceeded"))  # ...but the client gave up
    assert r.flush(5)
    events = client.events()
    assert len(events) == 2 and events[0]["event_id"] == events[1]["event_id"]
    r.close()


def test_tallies_wait_while_pubsub_is_down_and_merge_per_group() -> None:
    """Successes during an outage are not lost: they merge per group and go out once back,
    and a batch whose publish failed is resent with its batch id."""
    from tests.fakes import ControlledPublisherClient

    client = ControlledPublisherClient()
    r = reporter_with(client)
    r.probe_interval_s = 0.05
    client.mode = "fail"
    r.success("openai", "gpt-4o", api_key="k")
    r.flush(1)  # the first batch fails: kept whole
    assert r.stats()["tally_batches_pending"] == 1
    for _ in range(3):
        r.report("openai", "gpt-4o", status_code=503)
    r.flush(1)
    assert r.pubsub_down
    for _ in range(5):
        r.success("openai", "gpt-4o", api_key="k")
        r.success("anthropic", "claude", api_key="k2")
    r.flush(1)  # down: counted in memory, not thrown at Pub/Sub
    client.mode = "ok"
    deadline = time.monotonic() + 10
    while (r.stats()["tally_batches_pending"] or r.pubsub_down) and time.monotonic() < deadline:
        r.flush(1)
    assert r.flush(5)
    groups = client.tally_groups()
    totals: dict[str, int] = {}
    for g in groups:
        totals[g["provider"]] = totals.get(g["provider"], 0) + g["successes"]
    assert totals == {"openai": 6, "anthropic": 5}
    batch_ids = [e["batch_id"] for e in client.events() if e["type"] == "tallies"]
    assert len(batch_ids) == len(set(batch_ids))
    r.close()


def test_tally_groups_are_bounded() -> None:
    client = FakePublisherClient(hang=threading.Event())
    r = reporter_with(client, max_tally_groups=100)
    for i in range(150):
        r.success("openai", f"m{i}", api_key="k")
    assert r.stats()["successes_dropped"] == 50
    assert client.hang is not None
    client.hang.set()
    r.close(2)
