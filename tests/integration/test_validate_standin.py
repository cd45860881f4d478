"""keywatch.validate_key over real sockets, against the provider stand-in, and the stand-in
against the real openai and anthropic SDKs (so that it is known to answer as they expect)."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import logging
import re
import secrets
import ssl
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import keywatch
from keywatch import validate as v
from keywatch.validate import KeyCheck, KeyCheckResult, Remedy, avalidate_key, validate_key
from keywatch_ops.devstack.provider_standin import COMMON_KINDS, KINDS, ProviderStandIn

pytestmark = pytest.mark.integration

DOC = Path(__file__).resolve().parents[2] / "docs" / "validate_key.md"

OK = (KeyCheckResult.OK, Remedy.NONE)
INVALID = (KeyCheckResult.INVALID_KEY, Remedy.REPLACE_KEY)
QUOTA = (KeyCheckResult.QUOTA_EXHAUSTED, Remedy.ADD_CREDIT)
DENIED = (KeyCheckResult.PERMISSION_DENIED, Remedy.CHECK_KEY_PERMISSIONS)
NO_MODEL = (KeyCheckResult.PERMISSION_DENIED, Remedy.CHECK_MODEL_ACCESS)
UNVERIFIED = (KeyCheckResult.COULD_NOT_VERIFY, Remedy.TRY_AGAIN_LATER)

# What each kind of key must come back as, at every provider that has it.
EXPECTED = {
    "good": OK,
    "bad": INVALID,
    "broke": QUOTA,
    "empty": QUOTA,
    "limited": UNVERIFIED,
    "down": UNVERIFIED,
    "forbidden": DENIED,
    "slow": UNVERIFIED,
    "trickle": UNVERIFIED,
    "redirect": UNVERIFIED,
    "garbage": UNVERIFIED,
    "huge": UNVERIFIED,
}
WAITS = ("slow", "trickle")
# The stand-in's name for a provider -> the name validate_key is called with.
CALLED_AS = {"compat": "my-gateway", "azure": "azure"}
HEADER = {"anthropic": "x-api-key", "gemini": "x-goog-api-key", "azure": "api-key"}
CASES = [(p, k) for p, kinds in KINDS.items() for k in kinds]
TAIL = "QZXW"  # every test key ends so: a masked echo shows it


def _key(kind: str) -> str:
    return f"{kind}.{secrets.token_hex(12)}{TAIL}"


def _text(check: KeyCheck) -> str:
    return repr(check) + " ".join(str(getattr(check, f.name)) for f in fields(check))


def _assert_secret(check: KeyCheck, key: str) -> None:
    text = _text(check)
    secret = key.split(".", 1)[1]
    assert key not in text
    assert secret[:8] not in text and secret[8:16] not in text
    assert TAIL not in text


@pytest.fixture(scope="module")
def standin() -> Iterator[ProviderStandIn]:
    with ProviderStandIn(slow_s=5.0) as s:
        yield s


def _check(standin: ProviderStandIn, provider: str, key: str, **kwargs: Any) -> KeyCheck:
    kind = key.split(".", 1)[0]
    kwargs.setdefault("timeout_s", 1.0 if kind in WAITS else 5.0)
    kwargs.setdefault("report", False)
    return validate_key(
        CALLED_AS.get(provider, provider), key, base_url=standin.base_url(provider), **kwargs
    )


@pytest.mark.parametrize(("provider", "kind"), CASES)
def test_every_provider_and_kind_of_key(standin: ProviderStandIn, provider: str, kind: str) -> None:
    """Each provider's documented answer for each kind of key gives the result it calls for;
    the key is sent in that provider's header and never comes back in the check."""
    key = _key(kind)
    standin.clear()
    started = time.monotonic()
    check = _check(standin, provider, key)
    elapsed = time.monotonic() - started
    assert (check.result, check.remedy) == EXPECTED[kind], check.detail
    _assert_secret(check, key)
    assert check.checked_at.tzinfo is not None
    if kind in WAITS:
        assert elapsed < 3, elapsed
        assert check.http_status is None and check.reason == "timeout"
    elif kind == "redirect":
        assert check.http_status == 302
        assert "not followed" in check.detail
    else:
        assert check.http_status is not None
    seen = standin.requests
    assert len(seen) == 1
    assert seen[0].provider == provider and seen[0].kind == kind
    assert seen[0].auth_header == HEADER.get(provider, "authorization")
    assert "key" not in seen[0].query
    if provider == "anthropic":
        assert "anthropic-version" in seen[0].header_names
    if provider == "azure":
        assert "api-version" in seen[0].query


def test_a_redirect_is_not_followed(standin: ProviderStandIn) -> None:
    """A 302 to another host: could_not_verify, and nothing (no key) reaches that host."""
    standin.clear()
    for provider in KINDS:
        check = _check(standin, provider, _key("redirect"))
        assert (check.result, check.remedy) == UNVERIFIED
    assert len(standin.requests) == len(KINDS)
    assert standin.elsewhere_requests == []


def test_the_deadline_bounds_a_slow_and_a_trickling_server(standin: ProviderStandIn) -> None:
    """One deadline over connect and every read: a server that sends a byte at a time cannot
    hold a check past it."""
    for kind in WAITS:
        started = time.monotonic()
        check = _check(standin, "openai", _key(kind), timeout_s=0.5)
        assert time.monotonic() - started < 1.5
        assert (check.result, check.remedy) == UNVERIFIED
        assert "0.5 s" in check.detail


@pytest.mark.parametrize(
    ("provider", "model", "want"),
    [
        ("openai", "gpt-4o-mini", OK),
        ("openai", "gpt-5-pro", NO_MODEL),
        ("anthropic", "claude-sonnet-4-0", OK),
        ("anthropic", "claude-opus-4-1", NO_MODEL),
        ("gemini", "gemini-2.5-pro", OK),
        ("gemini", "models/gemini-2.5-flash", OK),
        ("gemini", "gemini-1.0-ultra", NO_MODEL),
        ("cohere", "command-a-03-2025", OK),
        ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", OK),
        ("compat", "meta-llama/Llama-3.1-8B-Instruct", OK),
        ("compat", "qwen", NO_MODEL),
        ("openrouter", "anthropic/claude-sonnet-4", OK),  # no per-key list: not checked
        ("deepseek", "deepseek-chat", OK),
        ("azure", "my-gpt-4o-deployment", OK),
        ("fireworks", "accounts/me/deployedModels/mine", OK),
    ],
)
def test_model_access(standin: ProviderStandIn, provider: str, model: str, want: Any) -> None:
    """With a model: absent from a complete list of the key's models is check_model_access;
    where the answer does not list them, the detail says it was not checked."""
    check = _check(standin, provider, _key("good"), model=model)
    assert (check.result, check.remedy) == want, check.detail
    assert check.model == model
    if provider in ("openrouter", "deepseek", "azure", "fireworks"):
        assert "was not checked" in check.detail


def test_credit_is_handed_on(standin: ProviderStandIn) -> None:
    """OpenRouter's key limit and DeepSeek's balance come back in `credit`, without the masked
    key OpenRouter puts in `label`."""
    key = _key("good")
    check = _check(standin, "openrouter", key)
    assert check.ok and check.credit is not None
    assert check.credit["limit"] == 10.0 and check.credit["limit_remaining"] == 7.5
    assert "label" not in check.credit
    broke = _check(standin, "openrouter", _key("broke"))
    assert (broke.result, broke.remedy) == QUOTA
    assert broke.credit is not None and broke.credit["limit_remaining"] == 0.0
    empty = _check(standin, "deepseek", _key("empty"))
    assert (empty.result, empty.remedy) == QUOTA
    assert empty.credit is not None and empty.credit["is_available"] is False


def test_avalidate_key_gives_the_same_results(standin: ProviderStandIn) -> None:
    """The async form, many checks at once, each the same as the sync one."""

    async def run_all() -> list[KeyCheck]:
        return await asyncio.gather(
            *(
                avalidate_key(
                    CALLED_AS.get(p, p),
                    _key(k),
                    base_url=standin.base_url(p),
                    timeout_s=1.0 if k in WAITS else 5.0,
                    report=False,
                )
                for p, k in CASES
            )
        )

    started = time.monotonic()
    checks = asyncio.run(run_all())
    assert time.monotonic() - started < 20
    for (provider, kind), check in zip(CASES, checks, strict=True):
        assert (check.result, check.remedy) == EXPECTED[kind], (provider, kind, check.detail)


def test_no_log_record_holds_the_key(
    standin: ProviderStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """Every record written during checks of every kind, message, arguments and JSON fields
    alike, is free of the key."""
    keys = []
    with caplog.at_level(logging.DEBUG):
        for provider, kind in CASES:
            if kind in WAITS:
                continue
            key = _key(kind)
            keys.append(key)
            _check(standin, provider, key)
    assert caplog.records
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + repr(record.__dict__)
        for key in keys:
            assert key not in text
            assert key.split(".", 1)[1][:12] not in text
        assert TAIL not in text
    checks = [
        r
        for r in caplog.records
        if getattr(r, "json_fields", {}).get("event") == "keywatch_validate_key"
    ]
    assert len(checks) == len(keys)
    assert all(r.json_fields["key_fingerprint"].startswith("kf_") for r in checks)  # type: ignore[attr-defined]


# -- the stand-in, as the SDKs see it --------------------------------------------------------


def _openai(standin: ProviderStandIn, kind: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=_key(kind), base_url=standin.base_url("openai"), max_retries=0)


def _anthropic(standin: ProviderStandIn, kind: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key=_key(kind), base_url=standin.base_url("anthropic"), max_retries=0
    )


def test_the_openai_sdk_reads_the_standin_as_openai(standin: ProviderStandIn) -> None:
    """openai's own client: a model list for "good", AuthenticationError for "bad",
    RateLimitError with code insufficient_quota for "broke", and classify agrees with
    validate_key on each."""
    assert [m.id for m in _openai(standin, "good").models.list()] == [
        "gpt-4o-mini",
        "gpt-4o",
        "o3-mini",
    ]
    with pytest.raises(openai.AuthenticationError) as bad:
        _openai(standin, "bad").models.list()
    assert bad.value.code == "invalid_api_key"
    with pytest.raises(openai.RateLimitError) as broke:
        _openai(standin, "broke").models.list()
    assert broke.value.code == "insufficient_quota"
    with pytest.raises(openai.RateLimitError) as limited:
        _openai(standin, "limited").models.list()
    assert limited.value.code == "rate_limit_exceeded"
    with pytest.raises(openai.PermissionDeniedError):
        _openai(standin, "forbidden").models.list()
    with pytest.raises(openai.InternalServerError):
        _openai(standin, "down").models.list()
    for exc, kind in ((bad.value, "bad"), (broke.value, "broke"), (limited.value, "limited")):
        assert (
            keywatch.classify(exc, provider="openai").reason
            == _check(standin, "openai", _key(kind)).reason
        )


def test_the_anthropic_sdk_reads_the_standin_as_anthropic(standin: ProviderStandIn) -> None:
    """anthropic's own client: a model list for "good", AuthenticationError for "bad",
    BadRequestError (credit too low) for "broke", PermissionDeniedError for "forbidden"."""
    ids = [m.id for m in _anthropic(standin, "good").models.list()]
    assert ids == ["claude-sonnet-4-20250514", "claude-3-5-haiku-20241022"]
    with pytest.raises(anthropic.AuthenticationError) as bad:
        _anthropic(standin, "bad").models.list()
    with pytest.raises(anthropic.BadRequestError) as broke:
        _anthropic(standin, "broke").models.list()
    with pytest.raises(anthropic.PermissionDeniedError):
        _anthropic(standin, "forbidden").models.list()
    with pytest.raises(anthropic.RateLimitError):
        _anthropic(standin, "limited").models.list()
    with pytest.raises(anthropic.InternalServerError):
        _anthropic(standin, "down").models.list()
    assert keywatch.classify(bad.value, provider="anthropic").reason == "invalid_key"
    assert keywatch.classify(broke.value, provider="anthropic").reason == "quota_exhausted"
    # The API reference's header is x-api-key; anthropic 2.x sends Authorization: Bearer.
    sent = [s for s in standin.requests if s.provider == "anthropic"]
    assert all(s.auth_header in ("x-api-key", "authorization") for s in sent)


# -- the documentation's snippets, run -------------------------------------------------------


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)


class _HTTPException(Exception):  # FastAPI's name
    def __init__(self, status_code: int, detail: Any = None) -> None:
        super().__init__(status_code, detail)
        self.status_code, self.detail = status_code, detail


class _APIRouter:
    def post(self, path: str) -> Any:
        return lambda fn: fn


def test_the_save_key_snippet_runs(
    standin: ProviderStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/validate_key.md's FastAPI endpoint, with FastAPI's two names stood in for: a good
    key is stored with its fingerprint, a bad one is 422 with its remedy, a provider that is
    down is 503, an unconfigured provider is 422."""
    snippet = next(b for b in _blocks() if "async def save_key" in b)
    fastapi = types.ModuleType("fastapi")
    fastapi.APIRouter = _APIRouter  # type: ignore[attr-defined]
    fastapi.HTTPException = _HTTPException  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fastapi", fastapi)
    # Until keywatch/__init__.py exports it (then this sets the same function again).
    monkeypatch.setattr(keywatch, "avalidate_key", avalidate_key, raising=False)
    stored: list[tuple[str, str, str]] = []

    async def store_key(provider: str, key: str, *, fingerprint: str) -> None:
        stored.append((provider, key, fingerprint))

    namespace: dict[str, Any] = {"store_key": store_key}
    exec(compile(snippet, str(DOC), "exec"), namespace)
    namespace["BASE_URLS"].update(
        {"anthropic": standin.base_url("anthropic"), "my-gateway": standin.base_url("compat")}
    )
    save_key, body = namespace["save_key"], namespace["SaveKey"]

    good = _key("good")
    answer = asyncio.run(save_key(body(provider="anthropic", key=good, model="claude-sonnet-4-0")))
    assert answer["result"] == "ok" and stored[0][:2] == ("anthropic", good)
    assert stored[0][2].startswith("kf_")
    for kind, status, remedy in (
        ("bad", 422, "replace_key"),
        ("broke", 422, "add_credit"),
        ("down", 503, "try_again_later"),
    ):
        with pytest.raises(_HTTPException) as caught:
            asyncio.run(save_key(body(provider="my-gateway", key=_key(kind))))
        assert caught.value.status_code == status
        assert caught.value.detail["remedy"] == remedy
    with pytest.raises(_HTTPException) as unknown:
        asyncio.run(save_key(body(provider="acme", key=good)))
    assert unknown.value.status_code == 422 and good not in str(unknown.value.detail)
    assert len(stored) == 1


def test_the_standin_snippet_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/validate_key.md's stand-in example."""
    # Until keywatch/__init__.py exports it (then this sets the same function again).
    monkeypatch.setattr(keywatch, "validate_key", validate_key, raising=False)
    snippet = next(b for b in _blocks() if "ProviderStandIn()" in b)
    exec(compile(snippet, str(DOC), "exec"), {})


def test_kinds_cover_the_brief() -> None:
    """Every provider answers the common kinds, and the kinds the tests expect exist."""
    for provider, kinds in KINDS.items():
        assert set(COMMON_KINDS) <= set(kinds), provider
        assert {"good", "bad", "limited", "down"} <= set(kinds), provider
        assert set(kinds) <= set(EXPECTED), provider


# -- over TLS --------------------------------------------------------------------------------


def _certificate(tmp: Path) -> tuple[Path, Path, str]:
    """A throwaway CA-signed certificate for 127.0.0.1: (cert file, key file, the CA's PEM)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "keywatch test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = tmp / "server.pem", tmp / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file, ca.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def tls_standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ProviderStandIn, str]]:
    cert_file, key_file, ca_pem = _certificate(tmp_path_factory.mktemp("tls"))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    with ProviderStandIn(slow_s=5.0, tls=server) as s:
        yield s, ca_pem


def test_an_untrusted_certificate_gets_no_key(tls_standin: tuple[ProviderStandIn, str]) -> None:
    """HTTPS with a certificate the system does not trust: could_not_verify, and the server
    never receives a request, so never the key."""
    standin, _ = tls_standin
    standin.clear()
    assert standin.url.startswith("https://")
    check = validate_key("openai", _key("good"), base_url=standin.base_url("openai"), report=False)
    assert (check.result, check.remedy) == UNVERIFIED
    assert "TLS" in check.detail and "SSLCertVerificationError" in check.detail
    assert standin.requests == []


def test_a_check_over_verified_tls(
    tls_standin: tuple[ProviderStandIn, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the certificate's CA trusted, a check runs over TLS as over plain HTTP, and the
    deadline still bounds a server that trickles its answer."""
    standin, ca_pem = tls_standin
    monkeypatch.setattr(v, "_tls", lambda: ssl.create_default_context(cadata=ca_pem))
    for kind, want in (("good", OK), ("bad", INVALID), ("broke", QUOTA), ("huge", UNVERIFIED)):
        check = validate_key(
            "anthropic", _key(kind), base_url=standin.base_url("anthropic"), report=False
        )
        assert (check.result, check.remedy) == want, check.detail
    started = time.monotonic()
    check = validate_key(
        "gemini", _key("trickle"), base_url=standin.base_url("gemini"), timeout_s=1, report=False
    )
    assert time.monotonic() - started < 3
    assert (check.result, check.remedy) == UNVERIFIED and check.reason == "timeout"


def test_the_standin_never_records_a_key(standin: ProviderStandIn) -> None:
    """A key with no known kind (a real key pasted by mistake) is answered as "bad" and
    recorded as "other": what the stand-in keeps holds no key."""
    standin.clear()
    key = f"sk-proj-{secrets.token_hex(16)}"
    check = _check(standin, "openai", key)
    assert (check.result, check.remedy) == INVALID
    assert [s.kind for s in standin.requests] == ["other"]
    assert key not in repr(standin.requests)
