"""A raw producer's keys never come out of the pipeline. Keys of many formats (random bodies of
realistic lengths behind real prefixes: shaped like keys, never real ones) are planted in every
string field of a failure and of a tally group, one field per message, and published raw to
the events topic with ordinary traffic; then every store the pipeline writes is scanned for any
12-character run of any planted key's secret part (what follows its prefix): the functions'
logs, every Redis key and value, every Firestore document (health, key and user collections,
recursively) and every push the FCM stand-in received.

The random bodies come from a seed printed in the summary; KEYWATCH_LEAK_SEED replays one.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import json
import os
import random
import secrets
import string
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis
from google.cloud import firestore

from keywatch_ops.devstack.stack import Stack
from tests.e2e.conftest import eventually, log_entries
from tests.e2e.test_untrusted import documents_when, failure_doc, group_doc, raw, tallies_doc
from tests.stackfixtures import running

pytestmark = pytest.mark.e2e

SEED = int(os.environ.get("KEYWATCH_LEAK_SEED") or secrets.randbits(32))
RUN = uuid.uuid4().hex[:6]
WINDOW = 12  # a run of this many characters of a key's secret part is a leak

ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
BASE32 = string.ascii_uppercase + "234567"


# -- keys -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    text: str  # as planted
    secret: tuple[str, ...]  # the secret part(s): what follows the prefix, in each spelling


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def _b64url_json(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def _keys(rng: random.Random) -> dict[str, Callable[[], Key]]:
    def body(alphabet: str, n: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    def prefixed(prefix: str, alphabet: str, n: int, suffix: str = "") -> Callable[[], Key]:
        def make() -> Key:
            b = body(alphabet, n) + suffix
            return Key(prefix + b, (b,))

        return make

    def jwt() -> Key:
        # The header is the same in every HS256 JWT, so it is not what is looked for; the
        # payload is random after its `eyJ` (a JSON object's `{"`), as is the signature.
        header = _b64url_json({"alg": "HS256", "typ": "JWT"})
        payload, signature = body(B64URL, 120), body(B64URL, 43)
        return Key(f"{header}.eyJ{payload}.{signature}", (payload, signature))

    def fullwidth() -> Key:
        b = body(ALNUM, 100)
        return Key(_fullwidth("sk-proj-" + b), (b, _fullwidth(b)))

    def split() -> Key:
        b = body(B64URL, 120)
        return Key(f"sk-proj-{b[:60]}\n{b[60:]}", (b,))

    def bearer() -> Key:
        b = body(ALNUM + "-._~", 40)
        return Key(f"Bearer {b}", (b,))

    return {
        "openai sk-proj-": prefixed("sk-proj-", B64URL, 156),
        "openai legacy sk-": prefixed("sk-", ALNUM, 48),
        "deepseek sk- hex": prefixed("sk-", HEX, 32),
        "anthropic sk-ant-api03-": prefixed("sk-ant-api03-", B64URL, 93, "AA"),
        "openrouter sk-or-v1-": prefixed("sk-or-v1-", HEX, 64),
        "google AIza": prefixed("AIza", B64URL, 35),
        "google oauth ya29.": prefixed("ya29.", B64URL, 150),
        "groq gsk_": prefixed("gsk_", ALNUM, 52),
        "xai xai-": prefixed("xai-", ALNUM, 80),
        "perplexity pplx-": prefixed("pplx-", ALNUM, 48),
        "huggingface hf_": prefixed("hf_", ALNUM, 34),
        "replicate r8_": prefixed("r8_", ALNUM, 37),
        "nvidia nvapi-": prefixed("nvapi-", B64URL, 64),
        "aws AKIA": prefixed("AKIA", BASE32, 16),
        "jwt eyJ": jwt,
        "azure 32 hex": prefixed("", HEX, 32),
        "full-width sk-proj-": fullwidth,
        "split over two lines": split,
        "bearer token": bearer,
    }


FORMATS = list(_keys(random.Random(0)))

# Where a key is planted: a failure's fields, a tally group's, and a Pub/Sub attribute.
FAILURE_FIELDS = [
    "model",
    "feature",
    "operation",
    "request_id",
    "region",
    "uid",
    "error_type",
    "error_code",
    "error_message",
    "error_message in a sentence",
    "provider",
    "key_fingerprint",
]
TALLY_FIELDS = [
    "tally model",
    "tally provider",
    "tally key_fingerprint",
    "tally minute (a key of successes_by_minute)",
]
FIELDS = [*FAILURE_FIELDS, *TALLY_FIELDS, "attribute provider"]

# Leaks this test found, each kept as a strict xfail with its cause: when one is fixed, its
# case passes, and the xfail must go. Found and fixed since: a tally minute that is a key was
# echoed by an invalid group's why (the error location holds dict keys); `AIza`/`AKIA` keys
# passed as a provider once lower-cased; a bare 32-hex key passed as a model or provider, and
# as a whole error message.
_ID = (
    "by design: ids are random (events.py types {field} as a label: scrubbed, never refused or"
    " replaced for being random), so a bare 32-hex key in it is kept as an id: {where}"
)
KNOWN_LEAKS: dict[tuple[str, str], str] = {
    ("azure 32 hex", "request_id"): _ID.format(field="request_id", where="classify's log"),
    ("azure 32 hex", "uid"): _ID.format(
        field="uid",
        where="classify's and notify's logs, and Redis (the key names kw:alerted:<uid>:... and"
        " kw:usercap:<uid>:..., and the members of kw:told:<fingerprint>)",
    ),
}


@dataclass
class Plant:
    case: tuple[str, str]  # (format, field)
    key: Key
    message_id: str = ""
    event_id: str = ""  # a failure's
    batch_id: str = ""  # a tally's


# -- planting ---------------------------------------------------------------------------------


def _failure(plant: Plant, i: int, uid: str) -> tuple[dict[str, Any], dict[str, str]]:
    _, where = plant.case
    key = plant.key.text
    doc = failure_doc(
        f"lk{RUN}f{i}",
        uid=uid,
        source="byok",
        status_code=401,
        error_type="AuthenticationError",
        error_code="invalid_api_key",
        error_message="Incorrect API key provided.",
    )
    attrs = {"type": "failure", "provider": doc["provider"]}
    if where == "error_message in a sentence":
        doc["error_message"] = (
            f"Incorrect API key provided: {key}. You can find your API key at"
            " https://platform.openai.com/account/api-keys."
        )
    elif where == "attribute provider":
        attrs["provider"] = key
    else:
        doc[where] = key
    return doc, attrs


def _tally(plant: Plant, i: int) -> dict[str, Any]:
    _, where = plant.case
    minute = str(int(time.time() // 60))
    group = group_doc(f"lk{RUN}t{i}", {minute: 5}, source="byok")
    if where == "tally minute (a key of successes_by_minute)":
        group["successes_by_minute"] = {plant.key.text: 5, minute: 5}
    else:
        group[where.removeprefix("tally ")] = plant.key.text
    return tallies_doc([group])


@dataclass
class Planting:
    plants: dict[tuple[str, str], Plant]
    normal_provider: str
    normal_events: list[str]
    published: list[bytes]  # every planted payload, for the scanner's own check
    hits: dict[str, dict[tuple[str, str], list[str]]] = field(default_factory=dict)
    scanned: dict[str, int] = field(default_factory=dict)


def _seed_tokens(stack: Stack, uids: list[str]) -> None:
    db = firestore.Client(project=stack.project)
    for start in range(0, len(uids), 400):
        batch = db.batch()
        for uid in uids[start : start + 400]:
            batch.set(db.document(f"users/{uid}/fcm_tokens/phone"), {"token": f"tok-{uid}"})
        batch.commit()


# -- scanning ---------------------------------------------------------------------------------


class Needles:
    """Every 12-character run of every planted secret, mapped to the case it came from."""

    def __init__(self, plants: Iterable[Plant]) -> None:
        self.runs: dict[str, tuple[str, str]] = {}
        for p in plants:
            for secret in p.key.secret:
                for s in {secret, secret.lower()}:
                    for i in range(len(s) - WINDOW + 1):
                        self.runs[s[i : i + WINDOW]] = p.case

    def find(self, text: str) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for t in {text, text.lower()}:
            for i in range(len(t) - WINDOW + 1):
                case = self.runs.get(t[i : i + WINDOW])
                if case is not None:
                    found.add(case)
        return found


def _spellings(text: str) -> Iterator[str]:
    """A stored text as it is, JSON-decoded (escapes such as \\uff53 undone) and
    percent-decoded (document ids)."""
    yield text
    with contextlib.suppress(ValueError):
        yield json.dumps(json.loads(text), ensure_ascii=False)
    unquoted = urllib.parse.unquote(text)
    if unquoted != text:
        yield unquoted


def _log_items(stack: Stack) -> Iterator[tuple[str, str]]:
    for fn in ("classify", "notify", "health"):
        path = stack.log_path(fn)
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            yield f"{fn}.log:{n}", line


def _redis_items(stack: Stack) -> Iterator[tuple[str, str]]:
    r = redis.Redis.from_url(stack.env["KEYWATCH_REDIS_URL"], decode_responses=False)

    def text(b: Any) -> str:
        return b.decode("utf-8", "replace") if isinstance(b, bytes) else str(b)

    for k in r.scan_iter(count=1000):
        kind = text(r.type(k))
        if kind == "string":
            value: Any = r.get(k)
        elif kind == "hash":
            value = r.hgetall(k)
        elif kind == "set":
            value = r.smembers(k)
        elif kind == "zset":
            value = r.zrange(k, 0, -1, withscores=True)
        elif kind == "list":
            value = r.lrange(k, 0, -1)
        elif kind == "stream":
            value = r.xrange(k)
        else:
            value = b""
        yield text(k), f"{text(k)} {kind} {_flatten(value, text)}"


def _flatten(value: Any, text: Callable[[Any], str]) -> str:
    if isinstance(value, dict):
        return " ".join(f"{text(k)}={_flatten(v, text)}" for k, v in value.items())
    if isinstance(value, list | set | tuple):
        return " ".join(_flatten(v, text) for v in value)
    return text(value)


def _firestore_items(stack: Stack) -> Iterator[tuple[str, str]]:
    databases = {"(default)", stack.settings.health_database}
    for database in sorted(databases):
        db = firestore.Client(project=stack.project, database=database)

        def walk(collections_: Iterable[Any]) -> Iterator[tuple[str, str]]:
            for coll in collections_:
                for ref in coll.list_documents():  # documents with subcollections only, too
                    snap = ref.get()
                    data = snap.to_dict() if snap.exists else None
                    yield (
                        ref.path,
                        f"{ref.path} {json.dumps(data, default=str, ensure_ascii=False)}",
                    )
                    yield from walk(ref.collections())

        yield from walk(db.collections())


def _fcm_items(stack: Stack) -> Iterator[tuple[str, str]]:
    assert stack.fcm is not None
    for n, m in enumerate(stack.fcm.delivered()):
        yield f"delivered {n}", json.dumps(m, ensure_ascii=False)
    for n, a in enumerate(stack.fcm.attempts()):
        yield f"attempt {n}", json.dumps(a, ensure_ascii=False)


STORES: dict[str, Callable[[Stack], Iterator[tuple[str, str]]]] = {
    "function logs (lines)": _log_items,
    "redis (keys)": _redis_items,
    "firestore (documents)": _firestore_items,
    "fcm stand-in (pushes and attempts)": _fcm_items,
}


# -- the run ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own. A planted message that classify answers 500 once (it happens under
    this burst of 330) must be redelivered, and the Pub/Sub emulator stops redelivering on a
    subscription for good once several messages failed on it together, which earlier tests of
    the session do (tests/e2e/test_untrusted.py, `outage_stack`)."""
    yield from running(
        Stack(
            workdir=tmp_path_factory.mktemp("leaks-stack"),
            retry_min_backoff_s=1,
            retry_max_backoff_s=2,
            max_delivery_attempts=5,
        )
    )


@pytest.fixture(scope="module")
def planting(stack: Stack) -> Planting:
    rng = random.Random(SEED)
    makers = _keys(rng)
    plants = {
        (fmt, where): Plant((fmt, where), makers[fmt]()) for fmt in FORMATS for where in FIELDS
    }
    uids = [f"lk-{RUN}-{i}" for i in range(len(plants))]
    _seed_tokens(stack, uids)

    topic = stack.publisher.topic_path(stack.project, stack.settings.events_topic)
    published: list[bytes] = []
    futures: list[tuple[Plant | None, Any]] = []
    for i, plant in enumerate(plants.values()):
        if plant.case[1] in TALLY_FIELDS:
            doc = _tally(plant, i)
            plant.batch_id = doc["batch_id"]
            attrs = {"type": "tallies"}
        else:
            doc, attrs = _failure(plant, i, uids[i])
            plant.event_id = doc["event_id"]
        data = raw(doc)
        published.append(data)
        futures.append((plant, stack.publisher.publish(topic, data, **attrs)))
        # Paced: a burst of 330 pushes at once can overflow functions-framework's listen
        # backlog on a busy machine (the emulator logged `Connection reset`), and a push the
        # emulator must retry after several failed together is never retried (see `stack`).
        time.sleep(0.03)
    # Ordinary traffic alongside.
    normal = f"lkn{RUN}"
    normal_docs = [failure_doc(normal) for _ in range(3)]
    for d in normal_docs:
        futures.append((None, stack.publisher.publish(topic, raw(d), type="failure")))
    minute = str(int(time.time() // 60))
    futures.append(
        (
            None,
            stack.publisher.publish(
                topic, raw(tallies_doc([group_doc(normal, {minute: 17})])), type="tallies"
            ),
        )
    )
    for planted, f in futures:
        mid = str(f.result(timeout=60))
        if planted is not None:
            planted.message_id = mid

    def classified() -> bool:
        poisoned = {
            e.get("message_id") for e in log_entries(stack, "classify", event="poison_message")
        }
        logged = {e.get("event_id") for e in log_entries(stack, "classify", event="llm_failure")}
        tallied = {e.get("batch_id") for e in log_entries(stack, "classify", event="tally")}
        return (
            all(
                p.message_id in poisoned or (p.event_id or p.batch_id) in (logged | tallied)
                for p in plants.values()
            )
            and {d["event_id"] for d in normal_docs} <= logged
        )

    eventually(classified, timeout_s=240, what="classify to take every planted message")

    # Every alert classify sent reaches notify's log (sent, no tokens, ...).
    ours = {p.event_id for p in plants.values() if p.event_id}
    alerted = {
        e["event_id"]
        for e in log_entries(stack, "classify", event="llm_failure")
        if e["event_id"] in ours and e["source"] == "byok" and e["user_actionable"]
    }

    def notified() -> bool:
        told = {e.get("event_id") for e in log_entries(stack, "notify", event="notify")}
        return alerted <= told

    eventually(notified, timeout_s=240, what=f"notify to decide {len(alerted)} alerts")
    documents_when(stack, {normal: lambda d: d["1h"]["requests"] == 20})
    return Planting(plants, normal, [d["event_id"] for d in normal_docs], published)


@pytest.fixture(scope="module")
def scan(stack: Stack, planting: Planting) -> Planting:
    needles = Needles(planting.plants.values())
    for store, items in STORES.items():
        hits: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
        n = 0
        for where, text in items(stack):
            n += 1
            for spelling in _spellings(text):
                for case in needles.find(spelling):
                    if where not in hits[case]:
                        hits[case].append(where)
        planting.scanned[store] = n
        planting.hits[store] = dict(hits)
    return planting


def test_the_scanner_finds_every_planted_key_in_what_was_published(planting: Planting) -> None:
    """The scan is not blind: run over the published payloads, it finds every planted key."""
    needles = Needles(planting.plants.values())
    found: set[tuple[str, str]] = set()
    for data in planting.published:
        for spelling in _spellings(data.decode()):
            found |= needles.find(spelling)
    attributes_only = {case for case in planting.plants if case[1] == "attribute provider"}
    assert found == set(planting.plants) - attributes_only


def test_ordinary_traffic_went_through(stack: Stack, planting: Planting) -> None:
    """The pipeline was serving while the keys were planted: the ordinary failures are logged,
    and pushes went out for planted failures whose owner has a device."""
    for eid in planting.normal_events:
        assert log_entries(stack, "classify", event="llm_failure", event_id=eid)
    assert stack.fcm is not None
    pushed = {m["token"] for m in stack.fcm.delivered() if m["token"].startswith(f"tok-lk-{RUN}")}
    assert len(pushed) >= len(FORMATS)  # at least one per format (its feature, code, ...)


def test_summary(scan: Planting, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints what was scanned and found, per store (the figures of the report)."""
    lines = [
        f"\nleak scan, seed {SEED}: {len(scan.plants)} keys planted"
        f" ({len(FORMATS)} formats x {len(FIELDS)} fields)"
    ]
    for store, n in scan.scanned.items():
        hits = scan.hits[store]
        total = sum(len(v) for v in hits.values())
        lines.append(f"  {store:36} {n:6} scanned {total:4} hits {len(hits):3} cases")
        for case, where in sorted(hits.items()):
            lines.append(f"      {case[0]} in {case[1]}: {', '.join(where[:3])}")
    with capsys.disabled():
        print("\n".join(lines))
    assert all(n > 0 for n in scan.scanned.values())


def _case_params() -> list[Any]:
    out = []
    for fmt in FORMATS:
        for where in FIELDS:
            reason = KNOWN_LEAKS.get((fmt, where))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(fmt, where, id=f"{fmt} in {where}", marks=marks))
    return out


@pytest.mark.parametrize(("fmt", "where"), _case_params())
def test_no_planted_key_comes_out(scan: Planting, fmt: str, where: str) -> None:
    """No 12-character run of this key's secret part in any log line, Redis key or value,
    Firestore document or push."""
    found = {store: hits[(fmt, where)] for store, hits in scan.hits.items() if (fmt, where) in hits}
    assert found == {}, found
