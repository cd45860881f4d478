"""End to end: the Node example (examples/node/report.mjs) publishes the event contract with
@google-cloud/pubsub to the local stack, and classify reads it as it reads the Python
reporter's events: the same schema, the same fingerprint for the same key, the key scrubbed."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from keywatch.events import FailureEvent, TallyBatch
from keywatch.fingerprint import key_fingerprint, set_fingerprint_secret
from keywatch_functions.decode import decode_ingest
from keywatch_ops.devstack.stack import Stack
from tests.e2e.conftest import eventually, log_entries

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "node"
SCRIPT = EXAMPLE / "report.mjs"
SCHEMAS = ROOT / "schemas"
DOC = ROOT / "docs" / "other-languages.md"
NODE = shutil.which("node")

needs_node = pytest.mark.skipif(
    NODE is None, reason="node is not on PATH: the Node example needs Node 20 or later"
)
needs_modules = pytest.mark.skipif(
    not (EXAMPLE / "node_modules" / "@google-cloud" / "pubsub").is_dir(),
    reason="examples/node/node_modules is not installed: run scripts/ensure-node-example.sh",
)

# The test vectors of docs/other-languages.md: (secret, key, fingerprint).
SECRET = "keywatch fingerprint test vector secret"
KEY = "keywatch-test-vector-key-0001"
VECTORS = [
    (SECRET, KEY, "kf_5af24b89df206688"),
    (SECRET, f" {KEY}\n", "kf_5af24b89df206688"),  # the key is stripped
    (SECRET, "clé-de-test-ü-0001", "kf_54c1c191f34655ab"),  # UTF-8
    (f"  {SECRET}\n", KEY, "kf_5af24b89df206688"),  # the secret is stripped
    ("keywatch local stack, not a secret", KEY, "kf_eb0e61f2cd3e7baf"),  # the local stack's
]


@contextmanager
def fingerprint_secret(secret: str) -> Iterator[None]:
    set_fingerprint_secret(secret)
    try:
        yield
    finally:
        set_fingerprint_secret(None)  # back to KEYWATCH_FINGERPRINT_SECRET


def node(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run(
        [NODE, str(SCRIPT), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def publish_with_node(stack: Stack, key: str, *args: str) -> list[dict[str, Any]]:
    """Run the example's CLI against the stack; one object per message it published."""
    env = {**stack.env, "KEYWATCH_EVENTS_TOPIC": stack.settings.events_topic, "LLM_API_KEY": key}
    out = node([*args, "--json"], env)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


# -- the JSON Schema files, read without a jsonschema dependency --------------------------------


def _is_date_time(v: str) -> bool:
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def _is_uuid(v: str) -> bool:
    try:
        return str(uuid.UUID(v)) == v.lower()
    except ValueError:
        return False


_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_FORMATS = {"date-time": _is_date_time, "uuid": _is_uuid}


def schema_errors(
    value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "$"
) -> list[str]:
    """The keywords schemas/*.json use (a test fails when another appears), and one stricter
    rule: an object holds no field outside `properties`. The contract lets a producer add
    fields, but here one means a misspelt name that consumers would silently ignore."""
    if "$ref" in schema:
        return schema_errors(
            value, root["$defs"][schema["$ref"].removeprefix("#/$defs/")], root, at
        )
    if "anyOf" in schema:
        tries = [schema_errors(value, s, root, at) for s in schema["anyOf"]]
        return [] if any(not t for t in tries) else [f"{at}: matches no anyOf branch: {tries}"]
    t = schema.get("type")
    if t is not None and not _TYPES[t](value):
        return [f"{at}: not a {t}"]
    errs = []
    if "const" in schema and value != schema["const"]:
        errs.append(f"{at}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errs.append(f"{at}: not one of {schema['enum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 1e9):
            errs.append(f"{at}: length {len(value)} out of bounds")
        if "format" in schema and not _FORMATS[schema["format"]](value):
            errs.append(f"{at}: not a {schema['format']}")
    if _TYPES["integer"](value) and not (
        schema.get("minimum", -1e18) <= value <= schema.get("maximum", 1e18)
    ):
        errs.append(f"{at}: {value} out of bounds")
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", 1e9):
            errs.append(f"{at}: too many items")
        for i, item in enumerate(value):
            errs += schema_errors(item, schema.get("items", {}), root, f"{at}[{i}]")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        errs += [
            f"{at}: {name} missing" for name in schema.get("required", []) if name not in value
        ]
        if len(value) > schema.get("maxProperties", 1e9):
            errs.append(f"{at}: too many properties")
        for name, v in value.items():
            if name in props:
                errs += schema_errors(v, props[name], root, f"{at}.{name}")
            elif "additionalProperties" in schema:
                errs += schema_errors(v, schema["additionalProperties"], root, f"{at}[{name}]")
            else:
                errs.append(f"{at}: {name} is not in the schema")
    return errs


def check_message(published: dict[str, Any]) -> dict[str, Any]:
    """A message the example published: valid against its schema file, read by classify's own
    decode, its attributes those the Python reporter sets. Returns its JSON."""
    doc = json.loads(published["data"])
    schema = json.loads((SCHEMAS / f"{doc['type']}.v{doc['schema_version']}.json").read_text())
    assert schema_errors(doc, schema, schema) == []
    event = decode_ingest(published["data"].encode())
    assert event.type.value == published["type"] == published["attributes"]["type"]
    attrs = {"type": doc["type"], "schema_version": "1"}
    if not isinstance(event, TallyBatch):
        attrs.update(source=doc["source"], provider=doc["provider"])
    assert published["attributes"] == attrs
    assert published["message_id"]
    return doc


def assert_no_key(text: str, key: str) -> None:
    """No run of 12 characters of the key survives, its prefix aside."""
    body = key.removeprefix("sk-proj-")
    assert not [body[i : i + 12] for i in range(len(body) - 11) if body[i : i + 12] in text]


# The keywords schema_errors reads, and those it may ignore (annotations).
_CHECKED = {"$ref", "anyOf", "type", "const", "enum", "minLength", "maxLength", "format"}
_CHECKED |= {"minimum", "maximum", "maxItems", "items", "maxProperties", "required"}
_CHECKED |= {"properties", "additionalProperties"}
_ANNOTATIONS = {"$defs", "$id", "$schema", "default", "description", "title"}


def _keywords(schema: Any) -> set[str]:
    """The keywords a schema uses (a property's or a definition's name is not one)."""
    if isinstance(schema, list):
        return {k for s in schema for k in _keywords(s)}
    if not isinstance(schema, dict):
        return set()
    out = set(schema)
    for k, v in schema.items():
        if k in ("properties", "$defs"):
            out |= {n for s in v.values() for n in _keywords(s)}
        elif k not in ("const", "default", "enum"):
            out |= _keywords(v)
    return out


def test_schema_check_reads_every_keyword_the_schemas_use() -> None:
    """schema_errors checks every keyword of schemas/*.json: a new one fails here first."""
    used = {k for p in SCHEMAS.glob("*.json") for k in _keywords(json.loads(p.read_text()))}
    assert used <= _CHECKED | _ANNOTATIONS


@needs_node
@pytest.mark.parametrize(("secret", "key", "expected"), VECTORS)
def test_node_fingerprint_is_pythons(secret: str, key: str, expected: str) -> None:
    """Node's HMAC construction gives keywatch.key_fingerprint's value, the one the doc shows."""
    with fingerprint_secret(secret):
        assert key_fingerprint(key) == expected
    out = node(["fingerprint"], {"KEYWATCH_FINGERPRINT_SECRET": secret, "LLM_API_KEY": key})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected
    assert f"`{expected}`" in DOC.read_text()


@needs_node
@needs_modules
def test_node_failure_and_tally_reach_classify(stack: Stack) -> None:
    """A BYOK 401 and a tally published from Node: classify logs invalid_key with Python's
    fingerprint of the key, never the key, and counts the tally."""
    key = "sk-proj-" + secrets.token_urlsafe(36)
    provider = f"node{uuid.uuid4().hex[:6]}"
    message = (
        f"Incorrect API key provided: {key[:12]}****{key[-4:]}. You can find your API key at "
        f"https://platform.openai.com/account/api-keys. (sent: {key})"
    )
    [failure] = publish_with_node(
        stack, key, "failure", "--source", "byok", "--provider", provider, "--model", "gpt-4o",
        "--status", "401", "--error-type", "AuthenticationError", "--error-code",
        "invalid_api_key", "--message", message, "--uid", f"e2e-{uuid.uuid4().hex[:8]}",
        "--request-id", f"req-{uuid.uuid4().hex[:8]}",
    )  # fmt: skip
    doc = check_message(failure)
    assert_no_key(failure["data"], key)
    with fingerprint_secret(stack.env["KEYWATCH_FINGERPRINT_SECRET"]):
        fingerprint = key_fingerprint(key)
    assert doc["key_fingerprint"] == fingerprint
    assert isinstance(decode_ingest(failure["data"].encode()), FailureEvent)

    [entry] = eventually(
        lambda: log_entries(stack, "classify", event_id=failure["id"]), what="the failure's entry"
    )
    assert (entry["severity"], entry["source"], entry["provider"], entry["reason"]) == (
        "WARNING",
        "byok",
        provider,
        "invalid_key",
    )
    assert entry["key_fingerprint"] == fingerprint
    assert_no_key(json.dumps(entry), key)

    [tallies] = publish_with_node(
        stack, key, "success", "--source", "byok", "--provider", provider, "--model", "gpt-4o",
        "--count", "3",
    )  # fmt: skip
    batch = check_message(tallies)
    assert batch["batch_id"] == tallies["id"]
    assert [g["key_fingerprint"] for g in batch["groups"]] == [fingerprint]
    [counted] = eventually(
        lambda: log_entries(stack, "classify", event="tally", batch_id=tallies["id"]),
        what="the tally's entry",
    )
    assert (counted["counted"], counted["groups"], counted["successes"]) == (True, 1, 3)
    assert counted["invalid_groups"] == 0


@needs_node
@needs_modules
def test_node_success_recovers_a_failed_attempt(stack: Stack) -> None:
    """A 503 on attempt 1, then a success naming it in `recovered_event_ids`: classify applies
    the recovery, so the failure does not count against the provider."""
    key = "sk-proj-" + secrets.token_urlsafe(36)
    provider = f"node{uuid.uuid4().hex[:6]}"
    group = ["--source", "platform", "--provider", provider, "--model", "gpt-4o"]
    [failure] = publish_with_node(
        stack, key, "failure", *group, "--status", "503", "--message", "The server is overloaded",
        "--request-id", f"req-{uuid.uuid4().hex[:8]}", "--will-retry",
    )  # fmt: skip
    check_message(failure)
    [entry] = eventually(lambda: log_entries(stack, "classify", event_id=failure["id"]), what="log")
    assert entry["source"] == "platform" and entry["retryable"] is True

    [tallies] = publish_with_node(stack, key, "success", *group, "--recovers", failure["id"])
    batch = check_message(tallies)
    assert batch["groups"][0]["recovered_event_ids"] == [failure["id"]]
    [counted] = eventually(
        lambda: log_entries(stack, "classify", event="tally", batch_id=tallies["id"]), what="tally"
    )
    assert (counted["successes"], counted["recoveries_applied"]) == (1, 1)
