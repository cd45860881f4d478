"""The event contract alone, fuzzed (no server): whatever bytes arrive, decoding gives a valid
event or refuses the message as poison, and what it accepts keeps the contract's promises
(docs/events.md, issue 23 "Every field is untrusted")."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from keywatch.events import Alert, FailureEvent, SuccessTally, TallyBatch, TallyGroup
from keywatch_functions.classify import classify
from keywatch_functions.decode import decode_alert, decode_ingest
from keywatch_functions.errors import PoisonMessageError
from keywatch_functions.service.classify import ClassifyDeps
from tests.fakes import FakeAlertPublisher, FakeCounter, FakeLogSink
from tests.fuzz.conftest import examples
from tests.fuzz.harness import find_leaks
from tests.fuzz.strategies import (
    CODES,
    MAX_MINUTE,
    MIN_MINUTE,
    MODELS,
    PROVIDERS,
    Fields,
    Plant,
    bodies,
    cloud_event,
    edge_times,
    event_dicts,
    fill,
    fingerprints,
    hostile_text,
    junk,
    keys,
    planted,
    recent,
    reference,
    times,
    uuids,
)

pytestmark = pytest.mark.fuzz

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
PROVIDER = re.compile(r"[a-z0-9][a-z0-9._:+-]{0,63}")
_GROUP: TypeAdapter[TallyGroup] = TypeAdapter(TallyGroup)

# The fields that name things (identifiers and labels): no control character, no key.
_NAMES = ("provider", "model", "request_id", "uid", "feature", "operation", "region",
          "error_type", "error_code", "reason")  # fmt: skip
_TIMES = ("occurred_at", "window_start", "window_end", "last_success_at")


def _check_accepted(obj: Any, plants: list[Plant], where: str) -> None:
    """What the contract promises of an accepted event or group: names without control
    characters or keys, a provider of the provider alphabet, times in 2000-2199, counts and
    minutes in range. error_message is free text: it is scrubbed where it is logged."""
    for name in _NAMES:
        value = getattr(obj, name, None)
        if value is None:
            continue
        assert not CONTROL.search(value), f"{where}.{name} holds a control character: {value!r}"
        assert not find_leaks(f"{where}.{name}", value, plants), f"{where}.{name}: {value!r}"
    provider = getattr(obj, "provider", None)
    if provider is not None:
        assert PROVIDER.fullmatch(provider), f"{where}.provider {provider!r}"
    for name in _TIMES:
        value = getattr(obj, name, None)
        if value is not None:
            assert EARLIEST <= value < LATEST, f"{where}.{name} = {value.isoformat()}"
    for minute, n in getattr(obj, "successes_by_minute", {}).items():
        assert MIN_MINUTE <= minute < MAX_MINUTE, f"{where}: minute {minute}"
        assert 0 <= n <= 10_000_000, f"{where}: count {n}"
    successes = getattr(obj, "successes", None)
    if successes is not None:
        assert 0 <= successes <= 10_000_000


@examples(400)
@given(st.data())
def test_decode_gives_an_event_or_poison(data: st.DataObject) -> None:
    """Any message body decodes to an event keeping the contract, or is poison (never another
    exception); a batch's groups, validated one at a time, likewise."""
    plants: list[Plant] = []
    body = data.draw(bodies(data.draw(event_dicts(plants), label="event")), label="body")
    raw = body.encode(reference(time.time()))
    try:
        decoded = decode_ingest(raw)
    except PoisonMessageError as exc:
        event(f"poison: {str(exc).split(':')[0]}")
        assert not find_leaks("the poison reason", str(exc), plants)
        return
    assert isinstance(decoded, FailureEvent | SuccessTally | TallyBatch)
    event(f"accepted: {decoded.type.value}")
    _check_accepted(decoded, plants, decoded.type.value)
    for i, group in enumerate(decoded.groups if isinstance(decoded, TallyBatch) else []):
        try:
            g = _GROUP.validate_python(group)
        except ValidationError:
            event("group: invalid")
            continue
        event("group: valid")
        _check_accepted(g, plants, f"groups[{i}]")


def _alert_fields() -> Fields:
    return Fields(
        valid={
            "event_id": uuids(),
            "occurred_at": recent(),
            "uid": st.sampled_from(["user-1", "QmXk3jd8Lm2Qp9Rt5Vw7Yz1Ab4C"]),
            "source": st.just("byok"),
            "provider": st.sampled_from(PROVIDERS),
            "model": st.sampled_from(MODELS),
            "feature": st.sampled_from(CODES),
            "key_fingerprint": fingerprints(),
            "reason": st.sampled_from(["invalid_key", "permission_denied", "quota_exhausted"]),
        },
        hostile={
            "event_id": lambda p: junk(),
            "occurred_at": lambda p: times(),
            "uid": lambda p: st.one_of(hostile_text(), planted(p, bare_hex=False, max_len=128)),
            "source": lambda p: hostile_text(),
            "provider": lambda p: st.one_of(hostile_text(), planted(p, bare_hex=False, max_len=64)),
            "model": lambda p: st.one_of(hostile_text(), planted(p, bare_hex=False)),
            "feature": lambda p: st.one_of(hostile_text(), planted(p, bare_hex=True)),
            "key_fingerprint": lambda p: planted(p, bare_hex=False, sentence=False),
            "reason": lambda p: st.one_of(hostile_text(), planted(p, bare_hex=True)),
        },
        optional=frozenset({"feature"}),
        plantable={
            "feature": lambda p: planted(p, bare_hex=True, max_len=200),
            "reason": lambda p: planted(p, bare_hex=True, max_len=200),
        },
    )


@examples(150)
@given(st.data())
def test_decode_alert_gives_an_alert_or_poison(data: st.DataObject) -> None:
    """notify's side: an alert decodes, naming a user's document and holding no key, or is
    poison."""
    plants: list[Plant] = []
    d = {"type": "alert", "schema_version": 1, **data.draw(fill(_alert_fields(), plants))}
    raw = data.draw(bodies(d), label="body").encode(reference(time.time()))
    try:
        alert = decode_alert(raw)
    except PoisonMessageError:
        event("poison")
        return
    event("accepted")
    assert isinstance(alert, Alert)
    _check_accepted(alert, plants, "alert")
    uid = alert.uid
    assert len(uid) <= 128 and "/" not in uid and uid not in {".", ".."}, uid
    assert not (uid.startswith("__") and uid.endswith("__")), uid


def _failure_at(occurred_at: str) -> bytes:
    return json.dumps(
        {
            "type": "failure",
            "schema_version": 1,
            "request_id": "r-1",
            "source": "byok",
            "provider": "openai",
            "model": "gpt-4o",
            "key_fingerprint": "kf_00000000000a11ce",
            "occurred_at": occurred_at,
        }
    ).encode()


@examples(20)
@example(occurred_at="0001-01-01T00:00:00+14:00")
@given(occurred_at=edge_times())
def test_times_at_the_edges_of_datetime_are_poison(occurred_at: str) -> None:
    """A time before year 1 or after year 9999 once in UTC is poison to decode and to the
    classify entry point, which returns."""
    with pytest.raises(PoisonMessageError):
        decode_ingest(_failure_at(occurred_at))
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter())
    classify(cloud_event(_failure_at(occurred_at), None), deps)


# An OpenAI key broken by a line break 100 characters in (a terminal's or a log shipper's wrap).
_LATE_SPLIT = Plant(
    "openai",
    "sk-proj-hYwXWHCH6TnutN9G7HAN7cFqY4ABTmyL9V2UYyfDTHg2kJ6AyGXbFcuW7QNNASkkHpa2nK8LpAHx7Mx"
    "EsTLdQ3pV9rWm\nZc2Kf8Jt5Lb1Gn4Hs6Dq0Vy7Xe3Ru9Pa2Mk5Tw8Nj1Bh4Cg6Fz0Yl3Ei7Uo9Sd2Qx5Wr8Kv1Jm4",
    "hYwXWHCH6TnutN9G7HAN7cFqY4ABTmyL9V2UYyfDTHg2kJ6AyGXbFcuW7QNNASkkHpa2nK8LpAHx7MxEsTLdQ3pV9rWm"
    "Zc2Kf8Jt5Lb1Gn4Hs6Dq0Vy7Xe3Ru9Pa2Mk5Tw8Nj1Bh4Cg6Fz0Yl3Ei7Uo9Sd2Qx5Wr8Kv1Jm4",
)


@examples(20)
@example(key=_LATE_SPLIT)
@given(key=keys(late_split=True))
def test_a_key_split_by_a_line_break_far_into_it_is_scrubbed(key: Plant) -> None:
    """A key broken over two lines anywhere is removed whole from an error message (what
    classify logs) and from a code (written with a JSON-escaped line break)."""
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter())
    failure = json.loads(_failure_at(datetime.now(UTC).isoformat()))
    failure["error_message"] = key.text
    classify(cloud_event(json.dumps(failure).encode(), None), deps)
    logged = deps.log.entries[0].fields["error_message"]  # type: ignore[attr-defined]
    assert not find_leaks("error_message", logged, [key]), logged
    failure["error_code"] = key.text.replace("\r\n", "\\n").replace("\n", "\\n")
    event = decode_ingest(json.dumps(failure).encode())
    assert isinstance(event, FailureEvent)
    assert not find_leaks("error_code", event.error_code or "", [key]), event.error_code


# A bare 32-hex key (an Azure OpenAI key) broken by a JSON-escaped line break, 8 characters in.
_HEX_SPLIT = Plant("hex", "cd18fc9f\\nb6494384932af3bda6fe8102", "cd18fc9fb6494384932af3bda6fe8102")


@st.composite
def _hex_split(draw: st.DrawFn) -> Plant:
    key = draw(keys(kinds=("hex",), plain=True))
    at = draw(st.integers(1, len(key.secret) - 1))
    return Plant("hex", key.text[:at] + "\\n" + key.text[at:], key.secret)


@examples(20)
@example(key=_HEX_SPLIT)
@given(key=_hex_split())
def test_a_bare_key_split_by_a_line_break_is_refused_or_replaced(key: Plant) -> None:
    """A bare 32-hex key split by a line break is still a bare key: refused as a model,
    replaced as a code."""
    failure = json.loads(_failure_at(datetime.now(UTC).isoformat()))
    for field in ("model", "error_code"):
        try:
            event = decode_ingest(json.dumps({**failure, field: key.text}).encode())
        except PoisonMessageError:
            continue
        value = getattr(event, field)
        assert not find_leaks(field, value, [key]), f"{field}: {value!r}"


@examples(20)
@example(published="1999-12-31T23:59:59Z")
@given(
    published=st.datetimes(datetime(1, 1, 2), datetime(1999, 12, 31, 23, 59, 59)).map(
        lambda d: d.isoformat() + "Z"
    )
)
def test_a_failure_published_before_2000_is_handled(published: str) -> None:
    """A user's invalid key, in a message whose publishTime is before 2000: classify returns."""
    deps = ClassifyDeps(FakeLogSink(), FakeAlertPublisher(), FakeCounter())
    failure = json.loads(_failure_at(datetime.now(UTC).isoformat()))
    failure.update(uid="user-1", status_code=401, error_code="invalid_api_key")
    classify(cloud_event(json.dumps(failure).encode(), published), deps)
