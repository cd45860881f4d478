"""The llmgateway seed's scenario through the local stack: a backend with three platform keys
for one provider, calling a real openai client whose transport plays the provider, reporting
with keywatch's own track() over the real Pub/Sub emulator; classify, the health function and
Firestore as deployed; the router's ranking read back.

1. Key A is revoked (OpenAI's real 401 body): after one tick A is left out until its probe.
2. Retries that succeed on key B do not lower the provider's uptime.
3. Key C failing on model X stays healthy on model Y.
4. A is fixed: once its back-off passes it is ranked as a probe; the probe succeeds; A is
   healthy again.
5. A single 502 whose text mentions a 401 invalidates no key.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2  # what the openai SDK is built on
import openai
import pytest
from google.cloud import firestore

import keywatch
from keywatch.reporting import Reporter
from keywatch.routing import HealthReader
from keywatch_ops.devstack.stack import Stack
from tests.e2e.conftest import eventually

pytestmark = pytest.mark.e2e

REVOKED_401 = {  # https://platform.openai.com/docs/guides/error-codes
    "error": {
        "message": "Incorrect API key provided: sk-proj-****abcd. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
}
PROXY_502 = "<html><body><h1>502 Bad Gateway</h1>upstream answered 401 Unauthorized</body></html>"


def completion(model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-seed", "object": "chat.completion", "created": 1, "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": "ok"}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }  # fmt: skip


class Provider:
    """The provider, by key and model: A revoked until fixed, C failing on model X, and one
    502 from a proxy on B."""

    def __init__(self, keys: dict[str, str]) -> None:
        self.by_key = {v: k for k, v in keys.items()}
        self.a_fixed = False
        self.proxy_blip = False

    def __call__(self, request: Any) -> Any:
        name = self.by_key[request.headers["authorization"].removeprefix("Bearer ")]
        model = json.loads(request.content)["model"]
        if name == "A" and not self.a_fixed:
            return httpx2.Response(401, json=REVOKED_401)
        if name == "C" and model == "gpt-x":
            return httpx2.Response(500, json={"error": {"message": "The server had an error",
                                                        "type": "server_error"}})  # fmt: skip
        if name == "B" and self.proxy_blip:
            self.proxy_blip = False
            return httpx2.Response(502, text=PROXY_502)
        return httpx2.Response(200, json=completion(model))


def test_key_health_steers_the_router(stack: Stack) -> None:
    provider = f"seed{uuid.uuid4().hex[:6]}"
    keys = {n: f"sk-{uuid.uuid4().hex}{uuid.uuid4().hex}" for n in "ABC"}  # random, as keys are
    fp = {n: keywatch.key_fingerprint(k) for n, k in keys.items()}
    upstream = Provider(keys)
    http = httpx2.Client(transport=httpx2.MockTransport(upstream))
    clients = {
        n: openai.OpenAI(api_key=k, max_retries=0, http_client=http) for n, k in keys.items()
    }
    reporter = Reporter(stack.settings)

    def call(order: str, model: str) -> str | None:
        """One request of the backend: try keys in `order`, one attempt each, until one works."""
        with keywatch.request_context(uid=None):
            for name in order:
                try:
                    with keywatch.track(provider, model, api_key=keys[name], reporter=reporter):
                        clients[name].chat.completions.create(
                            model=model, messages=[{"role": "user", "content": "hi"}]
                        )
                    return name
                except openai.APIError:
                    continue
        return None

    for _ in range(10):
        assert call("AB", "gpt-x") == "B"  # A revoked: each retry succeeds on B
        assert call("CB", "gpt-x") == "B"  # C fails on X: retried on B
        assert call("C", "gpt-y") == "C"  # C works on Y
    upstream.proxy_blip = True
    assert call("BC", "gpt-y") == "C"  # one 502 mentioning 401, on B
    assert reporter.flush(30)

    db = firestore.Client(project=stack.project)
    keys_coll = stack.settings.key_health_collection

    def doc(path: str) -> dict[str, Any] | None:
        snap = db.document(path).get()
        return snap.to_dict() if snap.exists else None

    def computed() -> bool:
        stack.publish_tick()
        time.sleep(1)
        a = doc(f"{keys_coll}/{fp['A']}")
        c_y = doc(f"{keys_coll}/{fp['C']}/models/gpt-y")
        c_x = doc(f"{keys_coll}/{fp['C']}/models/gpt-x")
        p = doc(f"{stack.settings.provider_health_collection}/{provider}")
        return bool(
            a and a.get("invalid") and c_y and c_x and c_x.get("state") == "cooling_down"
            and p and p["5m"]["requests"] == 52
        )  # fmt: skip

    try:
        eventually(computed, timeout_s=60, what="one health tick over the scenario")
    except AssertionError:
        seen = {
            "A": doc(f"{keys_coll}/{fp['A']}"),
            "C/x": doc(f"{keys_coll}/{fp['C']}/models/gpt-x"),
            "provider": doc(f"{stack.settings.provider_health_collection}/{provider}"),
        }
        raise AssertionError(f"after the ticks: {seen}; reporter {reporter.stats()}") from None

    # 1. A is left out, with the time its probe is due.
    health = HealthReader(db, stack.settings)
    ranking = health.rank_keys(provider, "gpt-x", [fp["A"], fp["B"], fp["C"]])
    assert ranking.fingerprints[0] == fp["B"]
    excluded = {k.fingerprint: k for k in ranking.excluded}
    assert excluded[fp["A"]].state == "invalid" and not excluded[fp["A"]].probe
    a_probe = excluded[fp["A"]].probe_at
    assert a_probe is not None and a_probe > datetime.now(UTC)
    # 2. Every failure was recovered by a retry on B: the provider's uptime is whole.
    p = doc(f"{stack.settings.provider_health_collection}/{provider}")
    assert p is not None and p["5m"]["failures"] == 21 and p["5m"]["provider_failures"] == 0
    assert p["5m"]["uptime"] == 1.0
    # 3. C cools down on X and stays healthy on Y.
    assert doc(f"{keys_coll}/{fp['C']}/models/gpt-y")["state"] == "healthy"  # type: ignore[index]
    assert health.rank_keys(provider, "gpt-y", [fp["C"]]).keys[0].state == "healthy"
    # 5. The 502 that mentions 401 invalidated nothing. One failure that leaves B healthy on
    # gpt-y changes nothing a router does: its documents wait for their heartbeat.
    b = doc(f"{keys_coll}/{fp['B']}")
    assert b is None or b["invalid"] is False
    b_y = doc(f"{keys_coll}/{fp['B']}/models/gpt-y")
    assert b_y is None or (b_y["state"], b_y["last_reason"]) == ("healthy", "server_error")
    assert health.rank_keys(provider, "gpt-y", [fp["B"]]).fingerprints == [fp["B"]]

    # 4. A is fixed. When its back-off has passed the router ranks it last, as a probe.
    upstream.a_fixed = True
    later = HealthReader(db, stack.settings, now=lambda: a_probe + timedelta(seconds=1))
    ranking = later.rank_keys(provider, "gpt-x", [fp["A"], fp["B"]])
    assert ranking.fingerprints == [fp["B"], fp["A"]] and ranking.keys[-1].probe
    assert call("A", "gpt-x") == "A"  # the probe succeeds
    assert reporter.flush(30)

    def restored() -> bool:
        stack.publish_tick()
        time.sleep(1)
        a = doc(f"{keys_coll}/{fp['A']}")
        return bool(a and a.get("invalid") is False)

    eventually(restored, timeout_s=120, what="A restored after its probe")
    fresh = HealthReader(db, stack.settings)
    ranking = fresh.rank_keys(provider, "gpt-x", [fp["A"], fp["B"]])
    assert fp["A"] in ranking.fingerprints
    assert {k.fingerprint: k.state for k in ranking.keys}[fp["A"]] == "healthy"
    reporter.close()
