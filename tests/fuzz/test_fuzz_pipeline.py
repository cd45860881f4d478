"""classify and health, the functions' entry points, fuzzed against a real redis-server and the
Firestore emulator: every message is handled (success, or poison logged), health keeps
running, no planted key is written anywhere, and no time from the future makes a broken key
healthy (issue 23)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import assume, event, example, given
from hypothesis import strategies as st

from keywatch.core.health import doc_id
from keywatch.events import Alert
from keywatch.routing import HealthReader
from tests.fuzz.conftest import examples
from tests.fuzz.harness import Example, Pipeline, minute_start
from tests.fuzz.strategies import (
    Message,
    Plant,
    iso_now,
    keys,
    materialise,
    messages,
    publish_times,
    reference,
    wide,
)

pytestmark = [pytest.mark.fuzz, pytest.mark.integration]

CONTROL_PROVIDER, CONTROL_MODEL = "kwcontrol", "ctrl-model"
CONTROL_FP = "kf_c0c0c0c0c0c0c0c0"
VICTIM_FP = "kf_dead00000000beef"


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def _batch(groups: list[dict[str, Any]], now: float) -> bytes:
    return json.dumps(
        {
            "type": "tallies",
            "schema_version": 1,
            "batch_id": str(uuid.uuid4()),
            "window_start": _iso(now - 60),
            "window_end": _iso(now),
            "groups": groups,
        }
    ).encode()


def _group(
    fp: str, provider: str, model: str, by_minute: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {"source": "byok", "provider": provider, "model": model, "key_fingerprint": fp,
            "successes_by_minute": by_minute, **extra}  # fmt: skip


def _publish_control(ex: Example, now: float) -> None:
    """The known-good group published with every example: 40 successes this minute."""
    minute = str(int(now) // 60)
    group = _group(
        CONTROL_FP, CONTROL_PROVIDER, CONTROL_MODEL, {minute: 40}, last_success_at=_iso(now)
    )
    ex.classify(_batch([group], now), iso_now())


def _check_control(ex: Example, ticked: float) -> None:
    """The control group's provider and key model documents are written, for a tick no later
    than now (a tick a minute or more earlier may have written them, with the same content),
    and the key is healthy. Its summary, a healthy key's, may wait for its heartbeat
    (core/writes.py); if written, it is not invalid."""
    s = ex.settings
    paths = [
        f"{s.provider_health_collection}/{CONTROL_PROVIDER}",
        f"{s.key_health_collection}/{CONTROL_FP}/models/{doc_id(CONTROL_MODEL)}",
    ]
    for path in paths:
        doc = ex.document(path)
        assert doc is not None, f"health wrote no {path}"
        as_of = doc["as_of"]
        assert as_of <= minute_start(ticked), f"{path} as of {as_of}, after now"
    model_doc = ex.document(paths[1])
    assert model_doc is not None and model_doc["state"] == "healthy", model_doc
    summary = ex.document(f"{s.key_health_collection}/{CONTROL_FP}")
    assert summary is None or summary["invalid"] is False, summary


def _deliver(ex: Example, msgs: list[Message], tick: Any) -> None:
    """The control group, the fuzzed messages, a health tick at the fuzzed publishTime, then a
    tick now; each entry point must return (a poison message is logged and acknowledged).
    Times are written relative to this example's own clock (strategies.reference)."""
    now = time.time()
    ref = reference(now)
    _publish_control(ex, now)
    for m in msgs:
        before = len(ex.pipeline.log_entries())
        ex.classify(m.data(ref), m.published(ref), m.broken)
        for e in ex.pipeline.log_entries()[before:]:
            event(f"classify: {e.get('event')}{' with a key planted' if m.plants else ''}")
    ex.health(materialise(tick, ref))
    run = ex.health(iso_now())
    assert run["outcome"] == "ran", run
    _check_control(ex, time.time())


@examples(100)
@given(msgs=st.lists(messages(), min_size=1, max_size=3), tick=publish_times())
def test_any_message_is_handled_and_health_keeps_running(
    pipeline: Pipeline, msgs: list[Message], tick: Any
) -> None:
    """classify returns on any delivery (counted, or poison logged: never an exception); a
    health tick at any publishTime returns, and the next tick, now, still runs and writes a
    control group's documents."""
    _deliver(pipeline.fresh(), msgs, tick)


@examples(100)
@given(
    msgs=st.lists(st.one_of(messages(keyed=True), messages()), min_size=1, max_size=3),
    tick=publish_times(),
)
def test_no_planted_key_is_written_anywhere(
    pipeline: Pipeline, msgs: list[Message], tick: Any
) -> None:
    """No key planted in a message, nor 12 characters of its secret, is in a log line, a redis
    key or value, a Firestore document or its id, or an alert, after classify and health."""
    plants = [p for m in msgs for p in m.plants]
    assume(plants)
    ex = pipeline.fresh()
    _deliver(ex, msgs, tick)
    leaks = ex.leaks(plants)
    assert not leaks, "\n".join(map(str, leaks))


def _invalid_key_failure(now: float, i: int) -> bytes:
    return json.dumps(
        {
            "type": "failure",
            "schema_version": 1,
            "event_id": str(uuid.uuid4()),
            "occurred_at": _iso(now - 10 + i),
            "request_id": f"req-{i}",
            "uid": "user-1",
            "source": "byok",
            "provider": "openai",
            "model": "gpt-4o",
            "key_fingerprint": VICTIM_FP,
            "status_code": 401,
            "error_type": "AuthenticationError",
            "error_code": "invalid_api_key",
            "error_message": "Incorrect API key provided: sk-proj-****abcd.",
        }
    ).encode()


_AHEAD = st.one_of(
    st.sampled_from([6 * 60, 3600, 86400, 30 * 86400]),
    st.integers(6 * 60, 100 * 365 * 86400),
)


@examples(40)
@given(
    form=st.sampled_from(["tallies", "tally"]),
    ahead=_AHEAD,
    last_ahead=st.one_of(st.none(), _AHEAD),
    sent=st.one_of(st.none(), st.just(0), st.integers(-3600, -1), _AHEAD),
    also_now=st.booleans(),
)
def test_a_tally_from_the_future_never_heals_an_invalid_key(
    pipeline: Pipeline,
    form: str,
    ahead: int,
    last_ahead: int | None,
    sent: int | None,
    also_now: bool,
) -> None:
    """A key with 4 invalid_key failures counted now stays invalid, and out of the router's
    ranking, whatever successes a tally claims more than 5 minutes after it was sent (its
    publishTime, itself never later than now): the producer's clock is not trusted."""
    ex = pipeline.fresh()
    now = time.time()
    for i in range(4):
        ex.classify(_invalid_key_failure(now, i), iso_now())
    when = now + ahead
    published = None if sent is None else _iso(now + sent)
    last = None if last_ahead is None else _iso(now + last_ahead)
    if form == "tallies":
        by_minute = {str(int(when) // 60): 50}
        if also_now:
            # The group's other minutes are fine; one from the future refuses the group.
            by_minute[str(int(now) // 60 - 1)] = 5
        extra = {} if last is None else {"last_success_at": last}
        data = _batch([_group(VICTIM_FP, "openai", "gpt-4o", by_minute, **extra)], now)
    else:
        data = json.dumps(
            {
                "type": "tally",
                "schema_version": 1,
                "tally_id": str(uuid.uuid4()),
                "window_start": _iso(when),
                "window_end": _iso(when + 60),
                "source": "byok",
                "provider": "openai",
                "model": "gpt-4o",
                "key_fingerprint": VICTIM_FP,
                "successes": 50,
                "last_success_at": last,
            }
        ).encode()
    ex.classify(data, published)
    run = ex.health(iso_now())
    assert run["outcome"] == "ran", run
    path = f"{ex.settings.key_health_collection}/{VICTIM_FP}/models/{doc_id('gpt-4o')}"
    doc = ex.document(path)
    assert doc is not None and doc["state"] == "invalid", doc
    reader = HealthReader(pipeline.firestore, ex.settings, now=lambda: datetime.now(UTC))
    ranking = reader.rank_keys("openai", "gpt-4o", [VICTIM_FP])
    assert ranking.fingerprints == [], ranking


# A key as a tally's minute, the JSON object key of successes_by_minute.
_MINUTE_KEY = Plant(
    "openai",
    "sk-proj-Qx7Lm2Vb9Tz4Rk8Pw1Jn6Hd3Fs5Gy0Ca7Ue2Wi9Ob4Nt6Ml1Kq3Zr8Xv5Yp2Ds0Fh7Gj4",
    "Qx7Lm2Vb9Tz4Rk8Pw1Jn6Hd3Fs5Gy0Ca7Ue2Wi9Ob4Nt6Ml1Kq3Zr8Xv5Yp2Ds0Fh7Gj4",
)


@examples(10)
@example(key=_MINUTE_KEY)
@given(key=keys())
def test_a_key_given_as_a_tally_minute_is_never_logged(pipeline: Pipeline, key: Plant) -> None:
    """A group whose successes_by_minute has a key for a minute is dropped as invalid, and
    its entry names why without the key (pydantic's error location holds the dict key: it was
    logged until 44e5f8c, which this fuzz tier found failing)."""
    ex = pipeline.fresh()
    now = time.time()
    minute = str(int(now) // 60)
    group = _group("kf_00000000000a11ce", "openai", "gpt-4o", {minute: 3, key.text: 1})
    ex.classify(_batch([group], now), iso_now())
    leaks = ex.leaks([key])
    assert not leaks, "\n".join(map(str, leaks))


def test_the_leak_check_finds_a_planted_key(pipeline: Pipeline) -> None:
    """The tier's own check: a key written to each place it reads is found there."""
    ex = pipeline.fresh()
    key = _MINUTE_KEY
    pipeline.logger.info("echo %s", key.text[:20] + "\n" + key.text[20:])
    pipeline.redis.set(f"{ex.prefix}:x", wide("sk-proj-" + key.secret))
    ex.pipeline.firestore.document(f"kh_{ex.prefix}/{key.secret[:30].lower()}").set({"a": 1})
    ex.alerts.alerts.append(Alert.model_construct(feature=key.text.lower()))
    found = {leak.where for leak in ex.leaks([key])}
    assert found == {"log lines", "a log entry", "redis", "firestore", "alerts"}, found
