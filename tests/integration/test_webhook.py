"""WebhookSender (http.client, standardwebhooks) against the local receiver, which verifies with
the same library, and against raw sockets for what a well-behaved server would not do."""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import logging
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from keywatch_functions.adapters.webhook import USER_AGENT, WebhookResult, WebhookSender
from keywatch_ops.devstack.webhook_receiver import WebhookReceiver, WebhookReceiverClient

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / "shared"
DOC = REPO / "docs" / "webhook.md"
ALERT = {
    "uid": "u1",
    "provider": "openai",
    "model": "gpt-4o",
    "reason": "invalid_key",
    "remedy": "replace_key",
    "key_fingerprint": "kf_0123456789abcdef",
    "occurred_at": "2026-01-02T03:04:05.000000Z",
}
OCCURRED = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def new_secret(size: int = 32) -> str:
    return "whsec_" + base64.b64encode(os.urandom(size)).decode()


@pytest.fixture
def secret() -> str:
    return new_secret()


@pytest.fixture
def receiver(secret: str) -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret) as r:
        yield r


def sender_for(url: str, secret: str, timeout_s: float = 2.0) -> WebhookSender:
    return WebhookSender(url, secret, timeout_s, allow_loopback_http=True)


@pytest.fixture
def sender(receiver: WebhookReceiver, secret: str) -> WebhookSender:
    return sender_for(f"{receiver.url}/hooks/keywatch", secret)


# -- raw servers: one canned answer, recorded requests ------------------------------------------


@dataclass
class Captured:
    headers: dict[str, str]
    body: bytes


@dataclass
class RawServer:
    """Accepts connections on loopback, records each request and writes `reply` (bytes sent
    one `drip` apart when `drip` is set)."""

    reply: bytes
    drip: float = 0.0
    requests: list[Captured] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/hook"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            with conn:
                self._one(conn)

    def _one(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")[1:]
        headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines)}
        while len(body) < int(headers.get("content-length", 0)):
            body += conn.recv(4096)
        self.requests.append(Captured(headers, body))
        try:
            if not self.drip:
                conn.sendall(self.reply)
                return
            for byte in self.reply:
                if self._stop.wait(self.drip):
                    return
                conn.sendall(bytes([byte]))
        except OSError:
            pass  # the sender gave up

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()


@pytest.fixture
def raw_server() -> Iterator[list[RawServer]]:
    made: list[RawServer] = []
    yield made
    for s in made:
        s.close()


def serve(made: list[RawServer], reply: bytes, drip: float = 0.0) -> RawServer:
    made.append(s := RawServer(reply, drip))
    return s


NO_CONTENT = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


# -- the request on the wire ---------------------------------------------------------------


def test_the_request_is_a_standard_webhook_the_library_verifies(
    raw_server: list[RawServer], secret: str
) -> None:
    """The body is the compact envelope {type, timestamp, data} in ASCII; the webhook-* headers
    carry a signature that standardwebhooks verifies; content-type and user-agent are set."""
    server = serve(raw_server, NO_CONTENT)
    before = time.time()
    data = {**ALERT, "model": "modèle-ü"}
    result = sender_for(server.url, secret).deliver("msg_a1", "byok_key.alert", data, OCCURRED)
    assert result == WebhookResult("delivered", 204, "HTTP 204: delivered")
    [req] = server.requests
    payload = Webhook(secret).verify(req.body, req.headers)
    assert payload == {
        "type": "byok_key.alert",
        "timestamp": "2026-01-02T03:04:05.000000Z",
        "data": data,
    }
    assert req.body == json.dumps(payload, separators=(",", ":")).encode()
    assert req.body.isascii()
    assert req.headers["webhook-id"] == "msg_a1"
    assert before - 1 <= int(req.headers["webhook-timestamp"]) <= time.time()
    assert req.headers["webhook-signature"].startswith("v1,")
    assert req.headers["content-type"] == "application/json"
    assert req.headers["user-agent"] == USER_AGENT == "keywatch-notify"


def test_every_attempt_at_a_message_carries_the_same_id_and_body(
    raw_server: list[RawServer], secret: str
) -> None:
    """A retry is the same message: same webhook-id, same envelope (its timestamp is the
    event's); only the attempt's timestamp and signature may differ, and both verify."""
    server = serve(raw_server, NO_CONTENT)
    sender = sender_for(server.url, secret)
    for _ in range(2):
        assert sender.deliver("msg_same", "byok_key.alert", ALERT, OCCURRED).outcome == "delivered"
    first, second = server.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == "msg_same"
    assert first.body == second.body
    for req in (first, second):
        Webhook(secret).verify(req.body, req.headers)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "delivered"),
        (204, "delivered"),
        (410, "gone"),
        (400, "rejected"),
        (404, "rejected"),
        (422, "rejected"),
        (429, "retry"),
        (500, "retry"),
        (502, "retry"),
        (503, "retry"),
        (504, "retry"),
    ],
)
def test_each_answer_has_its_outcome(
    receiver: WebhookReceiver, sender: WebhookSender, status: int, outcome: str
) -> None:
    """2xx delivered; 410 gone (disable the endpoint); other 4xx rejected (dropped); 429 and
    5xx retried (Standard Webhooks, "Delivery success and failure")."""
    receiver.answer(status, times=1)
    result = sender.deliver("msg_status", "byok_key.alert", ALERT)
    assert (result.outcome, result.status) == (outcome, status)
    assert result.why.startswith(f"HTTP {status}: ")
    [seen] = receiver.deliveries()
    assert seen["verified"] and seen["status"] == status


def test_a_redirect_is_not_followed_and_rejects_the_delivery(
    receiver: WebhookReceiver, sender: WebhookSender
) -> None:
    """A 3xx is the endpoint misconfigured: never followed, not retried, and `why` says so."""
    receiver.answer(307, times=1)
    result = sender.deliver("msg_redirect", "byok_key.alert", ALERT)
    assert (result.outcome, result.status) == ("rejected", 307)
    assert "redirect not followed" in result.why and "http://127.0.0.1" in result.why
    assert [d["path"] for d in receiver.deliveries()] == ["/hooks/keywatch"]  # not /moved


def test_retry_after_is_reported_and_the_answer_is_cut_to_200_characters(
    raw_server: list[RawServer], secret: str
) -> None:
    """A 503's Retry-After is in `why`, with at most 200 characters of the answer, on one line."""
    junk = ("x" * 150 + "\n\x00" + "y" * 500).encode()
    reply = (
        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\n"
        + f"Content-Length: {len(junk)}\r\nConnection: close\r\n\r\n".encode()
        + junk
    )
    server = serve(raw_server, reply)
    result = sender_for(server.url, secret).deliver("msg_busy", "byok_key.alert", ALERT)
    assert (result.outcome, result.status) == ("retry", 503)
    assert "Retry-After 120 s" in result.why
    answer = result.why.split("answer: ", 1)[1]
    assert len(answer) == 200 and answer.endswith("…")
    assert "\n" not in result.why and "\x00" not in result.why


# -- timeouts ----------------------------------------------------------------------------------


def test_a_hanging_endpoint_is_retried_within_the_timeout_and_the_retry_is_a_duplicate(
    receiver: WebhookReceiver, secret: str
) -> None:
    """An endpoint that does not answer in time is `retry`, after timeout_s and not much more;
    it processed the message all the same, so the redelivery is answered 2xx as a duplicate."""
    sender = sender_for(receiver.url, secret, timeout_s=0.5)
    receiver.hang(10)
    start = time.monotonic()
    result = sender.deliver("msg_hang", "byok_key.alert", ALERT)
    elapsed = time.monotonic() - start
    assert result == WebhookResult("retry", None, "timed out after 0.5 s")
    assert 0.45 <= elapsed < 1.0
    assert sender.deliver("msg_hang", "byok_key.alert", ALERT).outcome == "delivered"
    assert [d["duplicate"] for d in receiver.deliveries()] == [False, True]


def test_the_timeout_bounds_the_whole_attempt_not_each_read(
    raw_server: list[RawServer], secret: str
) -> None:
    """An endpoint that sends its answer a byte every 0.1 s never trips a per-read timeout; the
    attempt still ends at timeout_s."""
    server = serve(raw_server, b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"z" * 500, drip=0.1)
    start = time.monotonic()
    result = sender_for(server.url, secret, timeout_s=0.6).deliver("msg_drip", "a.b", {})
    assert result == WebhookResult("retry", None, "timed out after 0.6 s")
    assert time.monotonic() - start < 1.1


def test_a_closed_port_is_retried_at_once(secret: str) -> None:
    """Nothing listening: `retry`, without waiting for the timeout."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    start = time.monotonic()
    result = sender_for(f"http://127.0.0.1:{port}/", secret, 5).deliver("msg_x", "a.b", {})
    assert (result.outcome, result.status, result.why) == ("retry", None, "connection refused")
    assert time.monotonic() - start < 1


# -- verification and dedup at the receiver ----------------------------------------------------


def test_a_redelivered_id_is_acknowledged_and_recorded_as_a_duplicate(
    receiver: WebhookReceiver, sender: WebhookSender
) -> None:
    """The receiver deduplicates by webhook-id: the second delivery of an id is answered 2xx
    and marked duplicate; another id is not."""
    for webhook_id in ("msg_d1", "msg_d1", "msg_d2"):
        assert sender.deliver(webhook_id, "byok_key.alert", ALERT).outcome == "delivered"
    seen = receiver.deliveries()
    assert [(d["id"], d["duplicate"], d["status"]) for d in seen] == [
        ("msg_d1", False, 200),
        ("msg_d1", True, 200),
        ("msg_d2", False, 200),
    ]
    assert all(d["verified"] and d["type"] == "byok_key.alert" for d in seen)
    assert seen[0]["data"] == ALERT


def test_an_id_answered_with_a_failure_is_not_yet_processed(
    receiver: WebhookReceiver, sender: WebhookSender
) -> None:
    """Only a 2xx marks an id processed: the retry of a 500 is not a duplicate."""
    receiver.answer(500, times=1)
    assert sender.deliver("msg_r", "byok_key.alert", ALERT).outcome == "retry"
    assert sender.deliver("msg_r", "byok_key.alert", ALERT).outcome == "delivered"
    assert [(d["status"], d["duplicate"]) for d in receiver.deliveries()] == [
        (500, False),
        (200, False),
    ]


def test_a_wrong_secret_is_refused_401_and_recorded_unverified(receiver: WebhookReceiver) -> None:
    """Signed with another secret: 401 from the receiver, `rejected` at the sender."""
    other = sender_for(receiver.url, new_secret())
    result = other.deliver("msg_w", "byok_key.alert", ALERT)
    assert (result.outcome, result.status) == ("rejected", 401)
    [seen] = receiver.deliveries()
    assert (seen["verified"], seen["status"], seen["data"]) == (False, 401, None)
    assert seen["error"] == "No matching signature found"


def test_a_tampered_body_is_refused_401(receiver: WebhookReceiver, secret: str) -> None:
    """A body changed after signing fails the library's verification."""
    import http.client

    body = json.dumps({"type": "byok_key.alert", "timestamp": "x", "data": ALERT}).encode()
    now = dt.datetime.now(dt.UTC)
    headers = {
        "webhook-id": "msg_t",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign("msg_t", now, body),
        "content-type": "application/json",
    }
    tampered = body.replace(b'"u1"', b'"u2"')
    port = int(receiver.url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("POST", "/hooks", body=tampered, headers=headers)
        assert conn.getresponse().status == 401
        conn.close()
        conn.request("POST", "/hooks", body=body, headers=headers)  # the original still verifies
        assert conn.getresponse().status == 200
    finally:
        conn.close()
    assert [(d["verified"], d["status"]) for d in receiver.deliveries()] == [
        (False, 401),
        (True, 200),
    ]


def test_a_scripted_answer_lasts_for_its_count_or_its_duration(
    receiver: WebhookReceiver, sender: WebhookSender
) -> None:
    """answer(status, times=N) covers N deliveries; answer(status, seconds=S) covers S seconds."""
    receiver.answer(503, times=2)
    outcomes = [sender.deliver(f"msg_n{i}", "a.b", {}).outcome for i in range(3)]
    assert outcomes == ["retry", "retry", "delivered"]
    receiver.answer(410, seconds=0.3)
    assert sender.deliver("msg_s1", "a.b", {}).outcome == "gone"
    time.sleep(0.35)
    assert sender.deliver("msg_s2", "a.b", {}).outcome == "delivered"


# -- configuration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allow"),
    [
        ("http://example.com/hook", True),  # http to the internet, even on the local stack
        ("http://10.1.2.3/hook", True),  # nor to a private address
        ("http://127.0.0.1:8080/hook", False),  # loopback http only when allowed
        ("ftp://example.com/hook", True),
        ("example.com/hook", False),
        ("https:///hook", False),
        ("https://user:pass@example.com/hook", False),
        ("https://example.com/ho ok", False),
        ("https://example.com:99999/hook", False),
    ],
)
def test_anything_but_https_is_refused_at_construction(url: str, allow: bool) -> None:
    """HTTPS only (plain http to loopback for the local stack), refused before any I/O: the
    test process may reach loopback only (tests/netguard.py), so a lookup would fail loudly."""
    with pytest.raises(ValueError, match="KEYWATCH_WEBHOOK_URL"):
        WebhookSender(url, new_secret(), allow_loopback_http=allow)


def test_an_https_url_is_accepted_without_network() -> None:
    """Construction resolves and connects nothing; repr shows the scheme and host only."""
    sender = WebhookSender("https://hooks.example.com:8443/k?token=abc", new_secret())
    assert repr(sender) == str(sender) == "WebhookSender(https://hooks.example.com)"


@pytest.mark.parametrize(
    "bad",
    [
        "plainsecretwithoutprefix",
        "whsec_" + "!" * 40,  # not base64
        "whsec_" + base64.urlsafe_b64encode(b"\xfb\xff" * 16).decode(),  # not standard base64
        "whsec_" + base64.b64encode(os.urandom(16)).decode(),  # 16 bytes: too short
        "whsec_" + base64.b64encode(os.urandom(65)).decode(),  # 65 bytes: too long
        "whsec_",
        "",
        f"{new_secret()} {new_secret()} {new_secret()}",  # two at most: current and previous
        f"{new_secret()} whsec_{base64.b64encode(os.urandom(8)).decode()}",
    ],
)
def test_a_bad_secret_is_refused_without_repeating_it(bad: str) -> None:
    """A ValueError that names KEYWATCH_WEBHOOK_SECRET and never contains the value."""
    with pytest.raises(ValueError, match="KEYWATCH_WEBHOOK_SECRET") as info:
        WebhookSender("https://example.com/", bad)
    for part in bad.split():
        if value := part.removeprefix("whsec_"):
            assert value not in str(info.value) + repr(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None


@pytest.mark.parametrize("size", [24, 64])
def test_secrets_of_24_to_64_bytes_are_accepted(size: int) -> None:
    """The spec's bounds, inclusive, padded or not, with a stray newline from `echo`."""
    WebhookSender("https://example.com/", new_secret(size))
    WebhookSender("https://example.com/", new_secret(size).rstrip("=") + "\n")


def test_two_secrets_sign_twice_for_a_rotation(raw_server: list[RawServer]) -> None:
    """KEYWATCH_WEBHOOK_SECRET="<new> <old>": two space-separated signatures, so an endpoint
    that knows either secret verifies the webhook (the spec's zero-downtime rotation)."""
    new, old = new_secret(), new_secret()
    server = serve(raw_server, NO_CONTENT)
    assert sender_for(server.url, f"{new} {old}").deliver("msg_rot", "a.b", {}).outcome == (
        "delivered"
    )
    [req] = server.requests
    assert len(req.headers["webhook-signature"].split(" ")) == 2
    for known in (new, old):
        assert Webhook(known).verify(req.body, req.headers)["type"] == "a.b"
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(req.body, req.headers)


def test_the_secret_never_shows(
    receiver: WebhookReceiver, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Not in the sender's repr or str, the results, their `why`, or any log record, whatever
    the outcome."""
    caplog.set_level(logging.DEBUG)
    sender = sender_for(receiver.url, secret, timeout_s=0.3)
    results = [sender.deliver("msg_ok", "byok_key.alert", ALERT)]
    receiver.answer(400, times=1)
    results.append(sender.deliver("msg_bad", "byok_key.alert", ALERT))
    receiver.hang(5)
    results.append(sender.deliver("msg_hang", "byok_key.alert", ALERT))
    key = secret.removeprefix("whsec_")
    shown = [repr(sender), str(sender), *map(repr, results), *(r.why for r in results)]
    shown += [r.getMessage() for r in caplog.records] + [repr(r.args) for r in caplog.records]
    shown.append(json.dumps(receiver.deliveries()))
    assert not [s for s in shown if key in s or key.rstrip("=") in s]
    assert [r.outcome for r in results] == ["delivered", "rejected", "retry"]


def test_ids_and_types_that_could_forge_a_signature_are_refused(sender: WebhookSender) -> None:
    """The spec: the id must not contain '.', as it is '.'-joined to what is signed; event types
    are '.'-separated names."""
    with pytest.raises(ValueError, match="webhook_id"):
        sender.deliver("msg.1", "byok_key.alert", ALERT)
    with pytest.raises(ValueError, match="webhook_id"):
        sender.deliver("msg\r\nx-injected: 1", "byok_key.alert", ALERT)
    with pytest.raises(ValueError, match="event_type"):
        sender.deliver("msg_1", "byok key alert", ALERT)
    with pytest.raises(ValueError, match="timezone"):
        sender.deliver("msg_1", "byok_key.alert", ALERT, dt.datetime(2026, 1, 1))


# -- TLS -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "keywatch test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_https_delivers_to_a_trusted_endpoint_and_retries_an_untrusted_one(
    tls_files: tuple[Path, Path], secret: str
) -> None:
    """The production path: TLS with the certificate checked. A certificate the sender does not
    trust is a failed attempt (retried), never a delivery."""
    cert, key = tls_files
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    with WebhookReceiver(secret, ssl_context=server_ctx) as receiver:
        assert receiver.url.startswith("https://127.0.0.1:")
        trusting = ssl.create_default_context(cafile=str(cert))
        sender = WebhookSender(f"{receiver.url}/hooks", secret, 2.0, ssl_context=trusting)
        assert sender.deliver("msg_tls", "byok_key.alert", ALERT).outcome == "delivered"
        untrusting = WebhookSender(f"{receiver.url}/hooks", secret, 2.0)  # the system's CAs
        result = untrusting.deliver("msg_tls2", "byok_key.alert", ALERT)
        assert (result.outcome, result.status) == ("retry", None)
        assert result.why.startswith("TLS certificate not trusted")
        assert [d["id"] for d in receiver.deliveries()] == ["msg_tls"]


# -- as a process ----------------------------------------------------------------------------


def test_module_runs_as_a_process_recording_to_a_file(tmp_path: Path, secret: str) -> None:
    """`python -m keywatch_ops.devstack.webhook_receiver --port 0 --secret-env NAME --record
    FILE` reads the secret from the environment, prints its URL, writes one JSON line per
    delivery, takes controls over HTTP, and exits 0 on SIGTERM."""
    record = tmp_path / "webhooks.jsonl"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SHARED), os.environ.get("PYTHONPATH")])),
        "PYTHONDONTWRITEBYTECODE": "1",
        "KW_TEST_WEBHOOK_SECRET": secret,
    }
    cmd = [
        sys.executable, "-m", "keywatch_ops.devstack.webhook_receiver",
        "--port", "0", "--secret-env", "KW_TEST_WEBHOOK_SECRET", "--record", str(record),
    ]  # fmt: skip
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stderr is not None
            line = proc.stdout.readline().strip()
            prefix = "webhook receiver listening on "
            assert line.startswith(prefix), line
            url = line.removeprefix(prefix)
            sender = sender_for(f"{url}/hooks", secret)
            assert sender.deliver("msg_p1", "byok_key.alert", ALERT).outcome == "delivered"
            control = WebhookReceiverClient(url)
            control.answer(410, times=1)
            assert sender.deliver("msg_p2", "byok_key.restored", ALERT).outcome == "gone"
            assert [d["id"] for d in control.deliveries()] == ["msg_p1", "msg_p2"]
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
            assert proc.stderr.read() == ""
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    lines = [json.loads(x) for x in record.read_text().splitlines()]
    assert [(d["id"], d["type"], d["status"], d["verified"]) for d in lines] == [
        ("msg_p1", "byok_key.alert", 200, True),
        ("msg_p2", "byok_key.restored", 410, True),
    ]
    assert secret.removeprefix("whsec_") not in record.read_text()
    assert secret not in " ".join(cmd)  # from the environment, never the command line


# -- the documentation's receiver --------------------------------------------------------------


def doc_block(name: str) -> str:
    """The fenced block of docs/webhook.md marked `<!-- tested: name -->`."""
    found = re.search(
        rf"<!-- tested: {re.escape(name)} -->\n```\w*\n(.*?)\n```", DOC.read_text(), re.S
    )
    assert found, f"docs/webhook.md has no block marked {name!r}"
    return found.group(1)


def test_the_documented_python_receiver_verifies_dedups_and_refuses(
    raw_server: list[RawServer], secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/webhook.md's Python handler, as written: 204 for a webhook from the sender, 200 for
    its redelivery, 401 for a tampered body."""
    server = serve(raw_server, NO_CONTENT)
    sender_for(server.url, secret).deliver("msg_doc", "byok_key.alert", ALERT, OCCURRED)
    [req] = server.requests
    monkeypatch.setenv("KEYWATCH_WEBHOOK_SECRET", secret)
    namespace: dict[str, object] = {}
    exec(compile(doc_block("python-verify"), str(DOC), "exec"), namespace)
    handle = namespace["handle_keywatch_webhook"]
    assert callable(handle)
    headers = {k.title(): v for k, v in req.headers.items()}  # as a framework may spell them
    assert handle(req.body, headers) == 204
    assert handle(req.body, headers) == 200
    assert handle(req.body.replace(b'"u1"', b'"u2"'), headers) == 401
    assert namespace["processed"] == {"msg_doc"}
