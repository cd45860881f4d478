"""The LiteLLM logger with the real litellm package calling a local stand-in of the providers'
chat APIs over HTTP (ops/keywatch_ops/devstack/chat_standin.py): the SDK sync and async, the
Router's retries and fallbacks, streams that complete or break; and the real LiteLLM proxy
(`litellm --config`) loading `keywatch.litellm.proxy_handler_instance`, publishing to the
Pub/Sub emulator. Loopback only."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

# LiteLLM fetches its model cost map from GitHub at import unless told not to (docs/litellm.md).
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
litellm = pytest.importorskip("litellm")

import keywatch  # noqa: E402
from keywatch.fingerprint import key_fingerprint  # noqa: E402
from keywatch.litellm import KeywatchLogger  # noqa: E402
from keywatch.reporting import Reporter  # noqa: E402
from keywatch.settings import Settings  # noqa: E402
from keywatch_ops.devstack.chat_standin import ChatStandIn  # noqa: E402
from keywatch_ops.devstack.stack import Stack, free_port  # noqa: E402
from tests.fakes import FakePublisherClient  # noqa: E402

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore:.*`ReadOnly` qualifier:UserWarning"),
]

REPO = Path(__file__).resolve().parents[2]
MESSAGES = [{"role": "user", "content": "hi"}]
# Keys in each provider's format, random like real ones. The stand-in answers a key of no
# known kind with a 401; "echo." in front makes it echo the whole key back in the message.
KEYS = {
    "openai": "sk-proj-u8jzPde0IgxLd6GncfBA_epfJBd0Kh8oOOL8dKLzdocJ2isA-jIhKtJ0RlgLKOmxgJTeK",
    "anthropic": "sk-ant-api03-dNnFRIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj-7FAc9QeWJKY40uvSwMFLZD"
    "e1f8rESQedUStPKR0CAA",
    "gemini": "AIzasTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0",
    "groq": "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",
    "xai": "xai-ZJzzzzgEOzdmenCkhvMdgaKjIg8xNbe3nNyjOq9wMxEhh2FDEEtfjgVvVqE1SkHbn88HxjSI6bWHtP3f",
    "openrouter": "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",
    "mistral": "B3m03nbqnsGpWLuqIA1id6Vw5DQL05HA",
    "azure": "440e50454f31af3176813e02ea68ef78",
}


@pytest.fixture(scope="module")
def standin() -> Iterator[ChatStandIn]:
    with ChatStandIn() as s:
        yield s


@pytest.fixture
def reporter() -> Iterator[Reporter]:
    client = FakePublisherClient()
    r = Reporter(Settings(project_id="p"), client_factory=lambda: client)
    r.client = client  # type: ignore[attr-defined]
    import keywatch.reporting as mod

    saved, mod._default = mod._default, r
    yield r
    mod._default = saved
    r.close()


@pytest.fixture
def logger(reporter: Reporter) -> Iterator[KeywatchLogger]:
    """A KeywatchLogger as the only LiteLLM callback, LiteLLM's callback lists restored after."""
    names = (
        "callbacks",
        "input_callback",
        "success_callback",
        "failure_callback",
        "_async_success_callback",
        "_async_failure_callback",
    )
    saved = {name: list(getattr(litellm, name)) for name in names}
    lg = KeywatchLogger(reporter=reporter)
    litellm.callbacks = [lg]
    yield lg
    for name, value in saved.items():
        setattr(litellm, name, value)


def _outcomes(logger: KeywatchLogger) -> int:
    stats = logger.stats()
    return stats["successes"] + stats["failures"] + stats["not_announced"]


def _settle(logger: KeywatchLogger, outcomes: int) -> None:
    """Wait for a sync call's success hook, which LiteLLM runs in its logging thread pool."""
    deadline = time.monotonic() + 10
    while _outcomes(logger) < outcomes and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _outcomes(logger) >= outcomes, logger.stats()


async def _asettle(logger: KeywatchLogger, outcomes: int) -> None:
    """The async hooks are tasks of LiteLLM's logging worker: keep the loop running for them."""
    deadline = time.monotonic() + 10
    while _outcomes(logger) < outcomes and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert _outcomes(logger) >= outcomes, logger.stats()


def _published(reporter: Reporter) -> tuple[list[dict[str, Any]], bytes]:
    for callback in litellm.callbacks:  # the logger hands outcomes over from a thread of its own
        if isinstance(callback, KeywatchLogger):
            assert callback.flush(10)
    assert reporter.flush(10)
    client: FakePublisherClient = reporter.client  # type: ignore[attr-defined]
    raw = b"\n".join(data + repr(attrs).encode() for data, attrs in client.messages)
    return client.events(), raw


def _failures(reporter: Reporter) -> list[dict[str, Any]]:
    return [e for e in _published(reporter)[0] if e["type"] == "failure"]


def _tallies(reporter: Reporter) -> list[dict[str, Any]]:
    _published(reporter)
    groups: list[dict[str, Any]] = reporter.client.tally_groups()  # type: ignore[attr-defined]
    return groups


def _router(standin: ChatStandIn, fallback_to: str, **settings: Any) -> Any:
    """Deployments on the stand-in: "primary" (OpenAI, rate-limited), "backup" (OpenAI, works),
    "claude" (Anthropic, works), "flaky" (OpenAI, 429 once, then works)."""
    openai_base, anthropic_base = standin.base_url(), standin.base_url(api="anthropic")
    deployments = [
        ("primary", "openai/gpt-4o", f"limited.{KEYS['openai']}", openai_base),
        ("backup", "openai/gpt-4o-mini", f"good.{KEYS['azure']}", openai_base),
        ("claude", "anthropic/claude-sonnet-4-5", f"good.{KEYS['anthropic']}", anthropic_base),
        ("flaky", "openai/gpt-4o", f"flaky.{KEYS['mistral']}.{time.monotonic_ns()}", openai_base),
    ]
    return litellm.Router(
        model_list=[
            {"model_name": name, "litellm_params": {"model": m, "api_key": k, "api_base": base}}
            for name, m, k, base in deployments
        ],
        fallbacks=[{"primary": [fallback_to]}],
        **settings,
    )


# -- a key that does not work -------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("provider", sorted(KEYS))
@pytest.mark.parametrize("echo", [False, True], ids=["masked-echo", "whole-key-echo"])
def test_invalid_key_in_a_byok_request_is_reported_by_fingerprint(
    mode: str,
    provider: str,
    echo: bool,
    standin: ChatStandIn,
    reporter: Reporter,
    logger: KeywatchLogger,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 401 for the user's own key, inside request_context: one failure event naming the user,
    invalid_api_key and the key's fingerprint; the key is in no event, attribute or keywatch log
    line, even when the provider echoes it whole."""
    key = f"echo.{KEYS[provider]}" if echo else KEYS[provider]
    caplog.set_level(logging.DEBUG, logger="keywatch")
    call = {"model": "openai/gpt-4o", "messages": MESSAGES, "api_key": key}
    call["api_base"] = standin.base_url()

    async def acall() -> None:
        with pytest.raises(litellm.AuthenticationError):
            await litellm.acompletion(**call)
        await _asettle(logger, 1)

    with keywatch.request_context(uid="u-401", byok={"openai"}, feature="chat"):
        if mode == "sync":
            with pytest.raises(litellm.AuthenticationError):
                litellm.completion(**call)
        else:
            asyncio.run(acall())
    [event] = _failures(reporter)
    assert (event["source"], event["uid"], event["feature"]) == ("byok", "u-401", "chat")
    assert (event["provider"], event["model"], event["status_code"]) == ("openai", "gpt-4o", 401)
    assert event["error_code"] == "invalid_api_key"
    assert event["key_fingerprint"] == key_fingerprint(key)
    _, raw = _published(reporter)
    secret = KEYS[provider][-16:]
    assert key.encode() not in raw and secret.encode() not in raw
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("keywatch")]
    assert not any(secret in line for line in lines)


# -- retries and fallbacks ----------------------------------------------------------------------


def test_a_429_then_a_fallback_on_the_same_provider_recovers_it(
    standin: ChatStandIn, reporter: Reporter, logger: KeywatchLogger
) -> None:
    """Router: the rate-limited deployment fails, the fallback group on the same provider
    serves the call; the failure is reported and the success's tally recovers it."""
    router = _router(standin, "backup", num_retries=0)

    async def call() -> Any:
        reply = await router.acompletion(model="primary", messages=MESSAGES)
        await _asettle(logger, 2)
        return reply

    assert asyncio.run(call()).choices[0].message.content
    [failure] = _failures(reporter)
    assert (failure["status_code"], failure["error_code"]) == (429, "rate_limit_exceeded")
    assert (failure["model"], failure["source"]) == ("gpt-4o", "platform")
    [group] = _tallies(reporter)
    assert (group["model"], group["successes"]) == ("gpt-4o-mini", 1)
    assert group["recovered_event_ids"] == [failure["event_id"]]


def test_a_retry_on_the_same_deployment_recovers_its_failure(
    standin: ChatStandIn, reporter: Reporter, logger: KeywatchLogger
) -> None:
    """Router num_retries: a 429, then the retry succeeds: attempt 1 failed and is recovered."""
    router = _router(standin, "backup", num_retries=2, retry_after=0)
    router.completion(model="flaky", messages=MESSAGES)
    _settle(logger, 2)
    [failure] = _failures(reporter)
    assert (failure["status_code"], failure["attempt"]) == (429, 1)
    [group] = _tallies(reporter)
    assert group["recovered_event_ids"] == [failure["event_id"]]


def test_a_fallback_to_another_provider_recovers_nothing(
    standin: ChatStandIn, reporter: Reporter, logger: KeywatchLogger
) -> None:
    """Anthropic serving what OpenAI rate-limited leaves OpenAI's failure standing."""
    router = _router(standin, "claude", num_retries=0)
    router.completion(model="primary", messages=MESSAGES)
    _settle(logger, 2)
    [failure] = _failures(reporter)
    assert failure["provider"] == "openai"
    [group] = _tallies(reporter)
    assert group["provider"] == "anthropic" and not group.get("recovered_event_ids")


# -- streams --------------------------------------------------------------------------------------


def _consume(mode: str, call: dict[str, Any], logger: KeywatchLogger) -> None:
    if mode == "sync":
        for _ in litellm.completion(**call, stream=True):
            pass
        return

    async def consume() -> None:
        try:
            async for _ in await litellm.acompletion(**call, stream=True):
                pass
        finally:
            await _asettle(logger, 1)

    asyncio.run(consume())


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("api", ["openai", "anthropic"])
def test_a_stream_that_completes_is_one_success(
    mode: str, api: str, standin: ChatStandIn, reporter: Reporter, logger: KeywatchLogger
) -> None:
    """A stream read to its end counts one success (not one per chunk)."""
    model = "openai/gpt-4o" if api == "openai" else "anthropic/claude-sonnet-4-5"
    base = standin.base_url(api="anthropic" if api == "anthropic" else "openai")
    call = {"model": model, "messages": MESSAGES, "api_key": f"good.{KEYS[api]}"}
    _consume(mode, {**call, "api_base": base}, logger)
    _settle(logger, 1)
    assert _failures(reporter) == []
    [group] = _tallies(reporter)
    assert (group["provider"], group["successes"]) == (api, 1)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("api", "kind"), [("openai", "midstream"), ("openai", "cut"), ("anthropic", "midstream")]
)
def test_a_stream_that_breaks_mid_way_is_a_failure(
    mode: str,
    api: str,
    kind: str,
    standin: ChatStandIn,
    reporter: Reporter,
    logger: KeywatchLogger,
) -> None:
    """Two chunks, then the provider's error event or a dropped connection: one failure, no
    success, and the caller still gets LiteLLM's exception."""
    model = "openai/gpt-4o" if api == "openai" else "anthropic/claude-sonnet-4-5"
    base = standin.base_url(api="anthropic" if api == "anthropic" else "openai")
    call = {"model": model, "messages": MESSAGES, "api_key": f"{kind}.{KEYS[api]}"}
    with pytest.raises(openai.APIError):  # LiteLLM's MidStreamFallbackError
        _consume(mode, {**call, "api_base": base}, logger)
    _settle(logger, 1)
    [failure] = _failures(reporter)
    assert failure["provider"] == api
    assert _tallies(reporter) == []


# -- success tallies ------------------------------------------------------------------------------


def test_successes_are_tallied_per_model_and_key(
    standin: ChatStandIn, reporter: Reporter, logger: KeywatchLogger
) -> None:
    """Ten calls on two models with two keys: counted in process, one group per model and key."""
    for i in range(10):
        key = KEYS["openai"] if i % 2 else KEYS["azure"]
        litellm.completion(
            model="openai/gpt-4o" if i < 6 else "openai/gpt-4o-mini",
            messages=MESSAGES,
            api_key=f"good.{key}",
            api_base=standin.base_url(),
        )
    _settle(logger, 10)
    got = {(g["model"], g["key_fingerprint"]): g["successes"] for g in _tallies(reporter)}
    fp = {k: key_fingerprint(f"good.{KEYS[k]}") for k in ("openai", "azure")}
    assert got == {
        ("gpt-4o", fp["openai"]): 3,
        ("gpt-4o", fp["azure"]): 3,
        ("gpt-4o-mini", fp["openai"]): 2,
        ("gpt-4o-mini", fp["azure"]): 2,
    }


# -- the LiteLLM proxy ----------------------------------------------------------------------------


def _proxy_launcher() -> str:
    """docs/litellm.md's launcher, loopback-only here (tests/netguard.py installed first).

    uvicorn, on SIGTERM, shuts down and then raises the signal again with the handler it found
    at start: the default one kills the process before any exit hook (keywatch's final flush
    among them) runs. The launcher's handler exits instead."""
    doc = (REPO / "docs" / "litellm.md").read_text()
    block = doc.split("<!-- proxy launcher: run by tests/integration/test_litellm_real.py -->")[1]
    code = block.split("```python\n", 1)[1].split("```", 1)[0]
    guard = f"import sys\nsys.path.insert(0, {str(REPO / 'tests')!r})\nimport netguard\n"
    return guard + "netguard.install()\n" + code


# A Python with `litellm[proxy]` installed (see docs/litellm.md); this one by default.
PROXY_PYTHON = os.environ.get("KEYWATCH_LITELLM_PROXY_PYTHON", sys.executable)


@pytest.fixture(scope="session")
def proxy_python() -> str:
    """The interpreter that runs the proxy; asked for first, so a skip starts no emulator."""
    missing = _proxy_missing()
    if missing:
        pytest.skip(missing)
    return PROXY_PYTHON


def _proxy_missing() -> str | None:
    probe = subprocess.run(
        [PROXY_PYTHON, "-c", "import litellm.proxy.proxy_server"],
        capture_output=True,
        text=True,
        env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"},
        timeout=120,
    )
    if probe.returncode == 0:
        return None
    last = (probe.stderr.strip().splitlines() or ["?"])[-1]
    return f"litellm[proxy] is not importable by {PROXY_PYTHON} ({last})"


def _pull(subscription: str, want: int, timeout_s: float = 30) -> list[dict[str, Any]]:
    from google.cloud import pubsub_v1

    sub = pubsub_v1.SubscriberClient()
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    while len(got) < want and time.monotonic() < deadline:
        resp = sub.pull(subscription=subscription, max_messages=100, timeout=10)
        got += [json.loads(m.message.data) for m in resp.received_messages]
        if resp.received_messages:
            sub.acknowledge(
                subscription=subscription, ack_ids=[m.ack_id for m in resp.received_messages]
            )
    return got


# The proxy refuses to start without a master key; its callers send it (no database: no
# virtual keys).
MASTER_KEY = "sk-" + os.urandom(24).hex()


def _post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    headers = {"content-type": "application/json", "authorization": f"Bearer {MASTER_KEY}"}
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_the_proxy_loads_the_logger_from_its_config(
    proxy_python: str,
    tmp_path: Path,
    standin: ChatStandIn,
    backends: Stack,
    events_topic: tuple[str, str],
) -> None:
    """`litellm --config` with `callbacks: [keywatch.litellm.proxy_handler_instance]`, run
    loopback-only (tests/netguard.py): a fallback on the same provider is recovered, a BYOK
    401 named in the request's metadata is reported, and the tallies reach Pub/Sub at exit."""
    topic, subscription = events_topic
    base = standin.base_url()
    byok_key = KEYS["openai"]
    config = {
        "model_list": [
            {
                "model_name": "primary",
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": f"limited.{KEYS['groq']}",
                    "api_base": base,
                },
            },
            {
                "model_name": "backup",
                "litellm_params": {
                    "model": "openai/gpt-4o-mini",
                    "api_key": f"good.{KEYS['azure']}",
                    "api_base": base,
                },
            },
            {
                "model_name": "byok",
                "litellm_params": {"model": "openai/gpt-4o", "api_key": byok_key, "api_base": base},
            },
        ],
        "router_settings": {"fallbacks": [{"primary": ["backup"]}], "num_retries": 0},
        "litellm_settings": {"callbacks": ["keywatch.litellm.proxy_handler_instance"]},
    }
    (tmp_path / "config.yaml").write_text(json.dumps(config))  # JSON is YAML
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "shared"), str(REPO)]),
        "KEYWATCH_PROJECT_ID": backends.project,
        "KEYWATCH_EVENTS_TOPIC": topic,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "LITELLM_OFFLINE_MODE": "true",
        "LITELLM_TELEMETRY_DISABLED": "true",
        "LITELLM_MASTER_KEY": MASTER_KEY,
    }
    env.pop("DATABASE_URL", None)
    args = ["--config", str(tmp_path / "config.yaml"), "--host", "127.0.0.1", "--port", str(port)]
    cmd = [proxy_python, "-c", _proxy_launcher(), *args]
    log = (tmp_path / "proxy.log").open("wb")
    proxy = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proxy.poll() is None, (tmp_path / "proxy.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/health/liveliness", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the proxy did not start: " + (tmp_path / "proxy.log").read_text()[-3000:])
        status, body = _post(
            f"{url}/v1/chat/completions", {"model": "primary", "messages": MESSAGES}
        )
        assert status == 200, body
        meta = {"keywatch": {"uid": "u-proxy", "byok": True, "feature": "support"}}
        status, body = _post(
            f"{url}/v1/chat/completions", {"model": "byok", "messages": MESSAGES, "metadata": meta}
        )
        assert status == 401, body
    finally:
        proxy.terminate()  # SIGTERM, as Cloud Run and Kubernetes stop a container
        try:
            returncode = proxy.wait(60)
        finally:
            log.close()
    # The launcher's exit code: uvicorn shut down, then the exit ran keywatch's flush.
    assert returncode == 143, (tmp_path / "proxy.log").read_text()[-3000:]
    ours = [
        line for line in (tmp_path / "proxy.log").read_text().splitlines() if "keywatch" in line
    ]
    assert not any(byok_key[-16:] in line or KEYS["groq"][-16:] in line for line in ours)
    events = _pull(subscription, 3)
    failures = {
        e["model"] + ":" + str(e["status_code"]): e for e in events if e["type"] == "failure"
    }
    assert set(failures) == {"gpt-4o:429", "gpt-4o:401"}, events
    byok = failures["gpt-4o:401"]
    assert (byok["uid"], byok["source"], byok["feature"]) == ("u-proxy", "byok", "support")
    assert byok["key_fingerprint"] == key_fingerprint(byok_key)
    groups = [g for e in events if e["type"] == "tallies" for g in e["groups"]]
    assert [g["model"] for g in groups] == ["gpt-4o-mini"]
    assert groups[0]["recovered_event_ids"] == [failures["gpt-4o:429"]["event_id"]]
    assert byok_key.encode() not in json.dumps(events).encode()
