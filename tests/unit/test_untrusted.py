"""Every field is untrusted (issue 23): one bad name, tally, clock or field never stops health,
keeps a broken key healthy, or carries a key anywhere. Pure core and in-memory fakes, with the
real counting store (redis-server) where health runs; the same findings against the other real
servers are in tests/integration/test_untrusted_stores.py and tests/e2e/test_untrusted.py."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keywatch.core.counting import MAX_SKEW_S, Group, TallyCount, bound_tally, parse_series
from keywatch.core.health import Kind, doc_id, key_path, provider_path, unix_minute
from keywatch.events import Source, TallyBatch
from keywatch.fingerprint import key_fingerprint
from keywatch.scrub import looks_random, looks_secret, scrub
from keywatch_functions.adapters.redis_counting import RedisCountingStore
from keywatch_functions.decode import decode_alert, decode_ingest
from keywatch_functions.errors import PoisonMessageError
from keywatch_functions.service.classify import ClassifyDeps, handle_failure, handle_tallies
from keywatch_functions.service.health import HealthDeps, run_health
from tests.factories import alert, failure
from tests.fakes import FakeAlertPublisher, FakeHealthDocs, FakeLogSink

NOW = datetime(2026, 11, 22, 12, 0, 20, tzinfo=UTC)
FP = key_fingerprint("test-key-1")
# Shaped like real keys, made up here.
KEY = "sk-proj-" + "Tq8vX2mN4pL6rK9sW3yB5hJ7dF1gA0cE" * 2
HEX_KEY = "9f86d081884c7d659a2feaa0c55ad015"  # Azure OpenAI keys are 32 hex digits
FULL_WIDTH_PREFIX = "\uff53\uff4b-\uff50\uff52\uff4f\uff4a-"  # sk-proj- in full-width letters


class World:
    """The counting store, fake other stores and a clock the test sets; classify judges
    messages at `self.t`."""

    def __init__(self, counting_store: Callable[..., RedisCountingStore]) -> None:
        self.t = NOW
        self.counts = counting_store(lambda: self.t.timestamp())
        self.docs = FakeHealthDocs()
        self.log = FakeLogSink()
        self.alerts = FakeAlertPublisher()
        self.classify = ClassifyDeps(
            self.log, self.alerts, self.counts, clock=lambda: self.t.timestamp()
        )

    def run(self, at: datetime | None = None) -> Any:
        return run_health(
            at or self.t, HealthDeps(self.counts, self.docs, clock=lambda: self.t.timestamp())
        )

    def group(self, **kw: Any) -> dict[str, Any]:
        g: dict[str, Any] = {
            "source": "byok",
            "provider": "openai",
            "model": "gpt-4o",
            "key_fingerprint": FP,
            "successes_by_minute": {unix_minute(self.t): 5},
        }
        g.update(kw)
        return g

    def tallies(self, *groups: dict[str, Any]) -> Any:
        batch = TallyBatch(window_start=self.t, window_end=self.t, groups=list(groups))
        return handle_tallies(batch, self.classify, self.t.timestamp())


@pytest.fixture
def world(counting_store: Callable[..., RedisCountingStore]) -> World:
    return World(counting_store)


# -- 1. one name freezes health for everyone ----------------------------------------------


@pytest.mark.parametrize("name", ["😀" * 126, "中" * 167, "x" * 199 + "😀", "a/" * 100])
def test_a_long_name_makes_a_bounded_document_id(name: str) -> None:
    """Any name of up to 200 characters makes an id far inside Firestore's 1,500 bytes, and a
    path with two of them inside its 6 KiB (126 emoji made a 1,512-byte id before)."""
    assert len(doc_id(name).encode()) <= 200
    assert len(provider_path("openai", name).encode()) <= 500
    assert len(key_path(FP, name).encode()) <= 500
    assert doc_id(name) != doc_id(name + "x") and doc_id(name) == doc_id(name)


def test_short_names_keep_their_readable_ids() -> None:
    """Names that always fitted keep the ids routers already read."""
    assert doc_id("gpt-4o") == "gpt-4o"
    assert doc_id("meta-llama/Llama-3.1-8B") == "meta-llama%2FLlama-3.1-8B"
    assert "+" not in doc_id("a" * 200) and "+" in doc_id("a" * 201)


def test_a_long_model_name_is_written_and_the_other_providers_too(world: World) -> None:
    """A success on a 126-emoji model counts and is written with its full name as a field;
    another provider's documents are written in the same run."""
    w = world
    long = "😀" * 126
    out = w.tallies(w.group(model=long), w.group(provider="anthropic", model="claude"))
    assert out.groups == 2 and not out.invalid
    r = w.run()
    assert r.outcome == "ran" and not r.rejected
    assert w.docs.docs[provider_path("openai", long)]["model"] == long
    assert "provider_health/anthropic" in w.docs.docs


def test_a_document_refused_for_good_is_skipped_and_the_run_goes_on(world: World) -> None:
    """Firestore refusing one document (a 400) is reported in the run, not raised: the other
    documents are written, and the next run does not try it again unchanged."""
    w = world
    w.tallies(w.group(), w.group(provider="anthropic", model="claude"))
    w.docs.refuse = {"provider_health/openai"}
    r = w.run()
    assert r.outcome == "ran" and [p for p, _ in r.rejected] == ["provider_health/openai"]
    assert "provider_health/anthropic" in w.docs.docs
    assert w.run(NOW).rejected == []


# -- 2. one tally freezes health ------------------------------------------------------------


@pytest.mark.parametrize(
    "minute", ["99999999999999999999", "-5", "0", str(2**63), "1e9", "12.5", "NaN"]
)
def test_a_minute_out_of_bounds_refuses_that_group_only(minute: str, world: World) -> None:
    """A minute that is no time keywatch could count is that group's poison, with why; the
    other groups are counted and health runs (it raised ValueError on every run before)."""
    w = world
    out = w.tallies(w.group(successes_by_minute={minute: 1}), w.group(provider="anthropic"))
    assert out.groups == 1 and [i for i, _ in out.invalid] == [0]
    assert "successes_by_minute" in out.invalid[0][1]
    assert w.run().outcome == "ran"
    assert "provider_health/anthropic" in w.docs.docs


def test_a_minute_years_ahead_refuses_that_group(world: World) -> None:
    """A minute within the contract's years but beyond the message's time plus the skew is
    refused (it would count in the future)."""
    w = world
    ahead = unix_minute(w.t) + 24 * 60
    out = w.tallies(w.group(successes_by_minute={ahead: 1}), w.group(provider="anthropic"))
    assert [i for i, _ in out.invalid] == [0] and out.groups == 1


def test_stored_fields_that_are_not_numbers_are_skipped() -> None:
    """A hash field no keywatch script writes (a float hour, garbage) is skipped on read."""
    s = parse_series(
        {
            b"_": "\x1f".join(["m", "openai", "gpt-4o", "", ""]).encode(),
            b"h1.6666666666667e+18:o": b"5",
            b"29000000:o": b"x",
            b"29000000:f:invalid_key": b"2",
        },
        Kind.MODEL,
    )
    assert s is not None and s.minutes[29_000_000].failures == {"invalid_key": 2}


# -- 3. one tally keeps a broken key healthy ----------------------------------------------


def test_a_tally_from_a_fast_clock_does_not_make_a_broken_key_healthy(world: World) -> None:
    """4 of 4 invalid_key failures: a success dated an hour ahead is refused, and the key
    stays invalid (it was `healthy`, ranked first, before)."""
    w = world
    for _ in range(4):
        handle_failure(failure(occurred_at=w.t), w.classify, w.t.timestamp())
    later = w.t + timedelta(hours=1)
    out = w.tallies(
        w.group(successes_by_minute={unix_minute(later): 1}, last_success_at=later.isoformat())
    )
    assert out.groups == 0 and len(out.invalid) == 1
    out = w.tallies(w.group(last_success_at=later.isoformat()))  # a present minute, future time
    assert out.groups == 0 and "last_success_at" in out.invalid[0][1]
    w.run()
    assert w.docs.docs[key_path(FP, "gpt-4o")]["state"] == "invalid"
    assert w.docs.docs[key_path(FP)]["invalid"] is True


def test_a_little_skew_is_counted_as_the_time_the_tally_was_sent() -> None:
    """A clock a few minutes fast: the success counts, dated when the tally was sent."""
    t = NOW.timestamp()
    c = TallyCount(Group("openai", "m", FP, "byok"), ((unix_minute(t) + 2, 3),), t + 120)
    bounded = bound_tally(c, t)
    assert not isinstance(bounded, str)
    assert bounded.successes == ((unix_minute(t), 3),) and bounded.last_success == t
    assert isinstance(bound_tally(c, t - MAX_SKEW_S), str)


def test_minutes_older_than_the_day_are_dropped_not_counted() -> None:
    """A replayed tally's minutes older than 24 hours count nowhere (their buckets are gone)."""
    t = NOW.timestamp()
    old, new = unix_minute(t) - 25 * 60, unix_minute(t) - 1
    c = TallyCount(Group("openai", "m", FP, "byok"), ((old, 1), (new, 2)))
    bounded = bound_tally(c, t)
    assert not isinstance(bounded, str) and bounded.successes == ((new, 2),)


def test_a_failure_dated_ahead_is_counted_when_it_was_sent(world: World) -> None:
    """A failure from a fast clock is logged and counted at the message's time, never ahead."""
    w = world
    e = failure(occurred_at=w.t + timedelta(days=30))
    handle_failure(e, w.classify, w.t.timestamp())
    assert w.log.entries[0].timestamp == w.t
    assert w.alerts.alerts[0].occurred_at == w.t


# -- 4. a forged or future tick --------------------------------------------------------------


def test_a_poisoned_high_water_mark_is_overwritten_not_obeyed(world: World) -> None:
    """A stored tick of 2099 (from a tick before ticks were bounded) does not make every
    later run `stale`: it is beyond now, so the run goes on and writes."""
    w = world
    w.tallies(w.group())
    as_of = w.counts.layout.run_as_of
    w.counts.client.set(as_of, unix_minute(datetime(2099, 1, 1, tzinfo=UTC)))
    r = w.run()
    assert r.outcome == "ran" and r.written > 0
    assert int(w.counts.client.get(as_of)) == unix_minute(w.t)


def test_a_later_tick_within_now_still_makes_an_older_one_stale(world: World) -> None:
    """The rule it keeps: a late tick never overwrites a newer run's documents."""
    w = world
    w.tallies(w.group())
    assert w.run(w.t).outcome == "ran"
    assert w.run(w.t - timedelta(minutes=3)).outcome == "stale"


# -- 5. keys in fields other than the message ---------------------------------------------

FIELDS_SCRUBBED = (
    "feature",
    "operation",
    "request_id",
    "region",
    "error_type",
    "error_code",
    "uid",
)


@pytest.mark.parametrize("field", FIELDS_SCRUBBED)
def test_a_key_in_a_label_is_scrubbed_from_the_event(field: str) -> None:
    """A raw producer's key in any label is gone from the event classify logs and counts."""
    e = decode_ingest(failure(**{field: f"x {KEY}"}).model_dump_json().encode())
    assert KEY[8:20] not in e.model_dump_json()


@pytest.mark.parametrize("field", ["model", "provider"])
def test_a_key_in_a_name_makes_the_event_poison(field: str) -> None:
    """A key as a model or provider name would become a Redis key, a document id and a push:
    the event is refused, and why names the field, never the value."""
    raw = failure().model_dump(mode="json")
    raw[field] = KEY.lower() if field == "provider" else KEY
    with pytest.raises(PoisonMessageError) as exc:
        decode_ingest(json.dumps(raw).encode())
    assert field in str(exc.value) and KEY[8:20] not in str(exc.value)


@pytest.mark.parametrize(
    "text",
    [
        f"Incorrect API key provided: {KEY[:20]}\n{KEY[20:]}.",  # split over two lines
        f"key: {KEY[:30]}\\n{KEY[30:]}",  # split by a JSON \n
        "key: " + FULL_WIDTH_PREFIX + KEY[8:],  # full-width letters
        f"key={KEY[:12]}\u200b{KEY[12:]}",  # a zero-width space inside
    ],
)
def test_keys_hidden_by_form_are_found(text: str) -> None:
    """With the key unknown: split over lines, full-width or with invisible characters, no
    12-character run of it survives (32 of 48 did, split)."""
    out = scrub(text) or ""
    secret = KEY[8:]
    assert not any(secret[i : i + 12] in out for i in range(len(secret) - 11)), out


def test_a_bare_random_code_is_taken_for_a_key() -> None:
    """A code or label that is wholly a random token is replaced; real codes are kept."""
    assert looks_random(HEX_KEY) and looks_random("Xq7vB2nM9kL4pR8sT1wZ6yC3")
    for code in ("invalid_api_key", "1301", "InvalidParameter.Model", "rate_limit_exceeded"):
        assert not looks_random(code)
    e = decode_ingest(failure(error_code=HEX_KEY).model_dump_json().encode())
    assert e.error_code == "[REDACTED]"  # type: ignore[union-attr]


def test_library_success_scrubs_the_model_name_with_the_key() -> None:
    """Reporter.success() removes the caller's key from the model name as report() does."""
    from tests.unit.test_reporter import FakePublisherClient, reporter_with

    client = FakePublisherClient()
    r = reporter_with(client)
    unprefixed = "Qm7vT4x" * 5
    r.success("openai", f"ft:{unprefixed}", api_key=unprefixed)
    r.success("openai", f"ft:{KEY}")
    assert r.flush(5)
    models = sorted(g["model"] for g in client.tally_groups())
    assert all(unprefixed[:12] not in m and KEY[8:20] not in m for m in models), models
    r.close()


def test_names_with_control_characters_are_refused() -> None:
    """A name is one line: a model with a newline (a key split inside it) is poison."""
    raw = failure().model_dump(mode="json")
    raw["model"] = "gpt-4o\nsk-proj-abc"
    with pytest.raises(PoisonMessageError, match="model"):
        decode_ingest(json.dumps(raw).encode())


def test_looks_secret_reads_normalised_text() -> None:
    """A full-width key prefix is a key."""
    assert looks_secret(FULL_WIDTH_PREFIX + KEY[8:])


# -- 7. uids and times that cannot be ------------------------------------------------------


@pytest.mark.parametrize("uid", ["a/b", ".", "..", "__x__", "u" * 129, "a\nb"])
def test_an_alert_whose_uid_cannot_name_a_document_is_poison(uid: str) -> None:
    """users/{uid} must be a document: such an alert is dropped as poison, not retried (a
    ValueError or a Firestore 400, retried, before)."""
    raw = alert().model_dump(mode="json")
    raw["uid"] = uid
    with pytest.raises(PoisonMessageError, match="uid"):
        decode_alert(json.dumps(raw).encode())


def test_a_failure_whose_uid_cannot_name_a_document_is_logged_but_not_alerted(world: World) -> None:
    """The failure is still the operator's to see; no alert is published for it."""
    w = world
    handle_failure(failure(uid="team/alice"), w.classify, w.t.timestamp())
    assert len(w.log.entries) == 1 and w.alerts.alerts == []


@pytest.mark.parametrize(
    "when", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2200-01-01T00:00:00Z"]
)
def test_times_outside_the_years_are_poison(when: str) -> None:
    """A year-9999 time raised OverflowError in notify (a 500): it is refused at decode."""
    raw = alert().model_dump(mode="json")
    raw["occurred_at"] = when
    with pytest.raises(PoisonMessageError, match="occurred_at"):
        decode_alert(json.dumps(raw).encode())
    raw = failure().model_dump(mode="json")
    raw["occurred_at"] = when
    with pytest.raises(PoisonMessageError, match="occurred_at"):
        decode_ingest(json.dumps(raw).encode())


def test_a_good_event_is_unchanged_by_the_boundary() -> None:
    """What the reporter sends passes as it is."""
    e = failure(source=Source.PLATFORM, uid=None, event_id=uuid.uuid4())
    assert decode_ingest(e.model_dump_json().encode()) == e


# -- found by the e2e leak scan (tests/e2e/test_leaks.py) -----------------------------------


def test_an_invalid_minute_key_is_never_echoed_in_why(world: World) -> None:
    """A tally minute that is a key: the invalid group's why names the field, not the key
    (pydantic's error location holds a dict's keys)."""
    w = world
    out = w.tallies(w.group(successes_by_minute={KEY: 5}))
    [(_, why)] = out.invalid
    assert "successes_by_minute" in why and KEY[8:20] not in why


@pytest.mark.parametrize(
    "provider",
    ["AIza" + "Sy3kQ9vL2mN8pR4tX7wZ1bC5dF0gH6jK2" + "ab", "AKIA" + "Q7RT2MXW4ZP9KD3F"],
)
def test_a_case_sensitive_key_prefix_is_judged_before_lower_casing(provider: str) -> None:
    """`AIza` and `AKIA` keys as a provider are refused (lower-cased first, they passed)."""
    raw = failure().model_dump(mode="json")
    raw["provider"] = provider
    with pytest.raises(PoisonMessageError, match="provider"):
        decode_ingest(json.dumps(raw).encode())


@pytest.mark.parametrize("field", ["model", "provider"])
def test_a_bare_hex_key_as_a_name_is_poison(field: str) -> None:
    """A name that is one unbroken random run (an Azure key's 32 hex digits) is refused."""
    raw = failure().model_dump(mode="json")
    raw[field] = HEX_KEY
    with pytest.raises(PoisonMessageError, match=field):
        decode_ingest(json.dumps(raw).encode())


@pytest.mark.parametrize(
    "model",
    [
        "ep-20240611103947-mbzsd",  # Volcengine Ark endpoint ids
        "projects/123456789/locations/us-central1/endpoints/1234567890123456789",
        "tunedModels/my-model-abc123xyz789",
        "accounts/my-acct/deployedModels/llama-70b-a1b2c3d4",
        "ft:gpt-4o-mini-2024-07-18:my-org:custom:9abcDEF1",
        "meta/llama-2-70b-chat:02e509c789964a7ea8736978a43525956ef40397be9033abf9fd2badfe68c9e3",
        "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/a1b2c3d4e5f6",
        "hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M",
    ],
)
def test_real_model_ids_with_random_parts_are_accepted(model: str) -> None:
    """Model ids random in part, with separators, are names, not keys."""
    e = decode_ingest(failure(model=model).model_dump_json().encode())
    assert e.model == model  # type: ignore[union-attr]


def test_a_message_that_is_only_a_bare_key_is_not_logged(world: World) -> None:
    """An error message that is nothing but a bare 32-hex key is redacted in the log entry."""
    w = world
    handle_failure(failure(error_message=HEX_KEY), w.classify, w.t.timestamp())
    assert w.log.entries[0].fields["error_message"] == "[REDACTED]"
