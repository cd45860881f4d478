"""The dedup lock over TLS with AUTH, as against Memorystore with in-transit encryption: a
redis-server of our own with a throwaway CA, on loopback, TLS port only, password required."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from keywatch_functions.adapters.redis_lock import RedisDedupLock
from keywatch_functions.bootstrap import build_notify_deps
from keywatch_functions.errors import DedupLockError
from keywatch_functions.settings import FunctionSettings
from keywatch_ops.devstack.stack import LOOPBACK, free_port

pytestmark = pytest.mark.integration
FP = "kf_" + "7" * 16

REDIS_SERVER = Path("/usr/bin/redis-server")
PASSWORD = "kw-test-Auth-5tring-9f3c1e"  # distinctive, to search error messages for


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ca(cn: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _server_cert(
    ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, cn: str
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """Like Memorystore's: the instance IP as CN, no subjectAltName."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclass(frozen=True)
class TlsRedis:
    port: int
    ca_pem: str  # the CA that signed the server certificate
    other_ca_pem: str  # a CA that did not

    def settings(self, **overrides: object) -> FunctionSettings:
        values: dict[str, object] = {
            "redis_url": f"rediss://{LOOPBACK}:{self.port}/0",
            "redis_password": PASSWORD,
            "redis_ca_pem": self.ca_pem,
            "redis_timeout_s": 2.0,
            "fcm_endpoint": "http://127.0.0.1:9/",  # never called: only keeps FCM credential-free
        }
        values.update(overrides)
        return FunctionSettings(**values)  # type: ignore[arg-type]


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited ({proc.returncode}): {log.read_text()}")
        try:
            socket.create_connection((LOOPBACK, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server did not listen on {port}: {log.read_text()}")


@pytest.fixture(scope="module")
def tls_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsRedis]:
    if not REDIS_SERVER.is_file():
        pytest.fail(f"{REDIS_SERVER} not found: apt-get install -y redis-server (TLS build)")
    work = tmp_path_factory.mktemp("redis-tls")
    ca_key, ca_cert = _ca("keywatch test CA")
    _, other_ca = _ca("keywatch unrelated CA")
    key, cert = _server_cert(ca_key, ca_cert, LOOPBACK)
    (work / "ca.crt").write_text(_pem(ca_cert))
    (work / "server.crt").write_text(_pem(cert))
    key_file = work / "server.key"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    port = free_port()
    log = work / "redis.log"
    cmd = [
        str(REDIS_SERVER), "--bind", LOOPBACK, "--port", "0", "--tls-port", str(port),
        "--tls-cert-file", str(work / "server.crt"), "--tls-key-file", str(key_file),
        "--tls-ca-cert-file", str(work / "ca.crt"), "--tls-auth-clients", "no",
        "--requirepass", PASSWORD, "--save", "", "--appendonly", "no",
        "--protected-mode", "yes", "--dir", str(work),
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=str(work),
            start_new_session=True,  # its own process group, as the devstack does
        )
    try:
        _wait_listening(port, proc, log)
        yield TlsRedis(port, _pem(ca_cert), _pem(other_ca))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture
def emulated_firestore(monkeypatch: pytest.MonkeyPatch) -> None:
    """build_notify_deps also builds a Firestore client: point it at a (never used) emulator
    address so that it needs no credentials."""
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"{LOOPBACK}:{free_port()}")


def test_settings_build_a_working_tls_lock(
    tls_redis: TlsRedis, emulated_firestore: None, unique: str
) -> None:
    """The notify lock built from the settings commits a key over TLS + AUTH (IP only in the CN)."""
    lock = build_notify_deps(tls_redis.settings()).lock
    key = f"kw:tls:{unique}"
    assert not lock.is_done(key)
    assert lock.acquire(key, "t", 30, f"{key}:cap", 5) == "ok"
    assert lock.commit(key, "t", 60, FP, 1.0) is True
    assert lock.is_done(key)
    assert lock.commit(key, "t", 60, FP, 1.0) is False
    assert PASSWORD not in repr(lock)


def test_ca_pem_turns_tls_on_for_a_redis_url(tls_redis: TlsRedis) -> None:
    """A CA PEM turns TLS on for a redis:// URL too (same server, same key space)."""
    lock = RedisDedupLock.from_url(
        f"redis://{LOOPBACK}:{tls_redis.port}/0", 2.0, PASSWORD, tls_redis.ca_pem
    )
    assert lock.user_count("kw:tls:absent") == 0


def test_wrong_password_is_a_dedup_lock_error_without_the_password(tls_redis: TlsRedis) -> None:
    """A wrong AUTH string raises DedupLockError whose message holds neither password."""
    wrong = "kw-wrong-Pass-77a0"
    lock = RedisDedupLock.from_url(
        f"rediss://{LOOPBACK}:{tls_redis.port}/0", 2.0, wrong, tls_redis.ca_pem
    )
    with pytest.raises(DedupLockError) as info:
        lock.is_done("kw:any")
    assert wrong not in str(info.value)
    assert PASSWORD not in str(info.value)


def test_missing_password_is_a_dedup_lock_error(tls_redis: TlsRedis) -> None:
    """Without the AUTH string the server refuses the command: DedupLockError."""
    lock = RedisDedupLock.from_url(
        f"rediss://{LOOPBACK}:{tls_redis.port}/0", 2.0, None, tls_redis.ca_pem
    )
    with pytest.raises(DedupLockError):
        lock.is_done("kw:any")


def test_unrelated_ca_fails_verification(tls_redis: TlsRedis) -> None:
    """A CA that did not sign the server certificate: the handshake fails, DedupLockError."""
    lock = RedisDedupLock.from_url(
        f"rediss://{LOOPBACK}:{tls_redis.port}/0", 2.0, PASSWORD, tls_redis.other_ca_pem
    )
    with pytest.raises(DedupLockError, match="CERTIFICATE_VERIFY_FAILED") as info:
        lock.is_done("kw:any")
    assert PASSWORD not in str(info.value)


def test_rediss_without_ca_pem_uses_the_system_trust_store(tls_redis: TlsRedis) -> None:
    """rediss:// with no CA PEM verifies against the system store, which lacks our test CA."""
    lock = RedisDedupLock.from_url(f"rediss://{LOOPBACK}:{tls_redis.port}/0", 2.0, PASSWORD)
    with pytest.raises(DedupLockError, match="CERTIFICATE_VERIFY_FAILED"):
        lock.is_done("kw:any")


def test_plain_tcp_to_the_tls_port_fails(tls_redis: TlsRedis) -> None:
    """A plain redis:// client (no CA PEM) cannot talk to the TLS-only port."""
    lock = RedisDedupLock.from_url(f"redis://{LOOPBACK}:{tls_redis.port}/0", 1.0, PASSWORD)
    with pytest.raises(DedupLockError) as info:
        lock.is_done("kw:any")
    assert PASSWORD not in str(info.value)


def test_settings_repr_hides_the_password(tls_redis: TlsRedis) -> None:
    """repr(FunctionSettings) and str(FunctionSettings) show the CA but never the AUTH string."""
    settings = tls_redis.settings()
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in str(settings)
    assert settings.redis_password is not None
    assert settings.redis_password.get_secret_value() == PASSWORD
