"""The Memorystore settings (AUTH string, server CA) and how the Redis client is built from them."""

from __future__ import annotations

import datetime as dt

import pytest
import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from keywatch_functions.adapters.redis_client import redis_client
from keywatch_functions.adapters.redis_lock import RedisDedupLock
from keywatch_functions.bootstrap import build_notify_deps
from keywatch_functions.errors import DedupLockError, RedisConfigError
from keywatch_functions.settings import FunctionSettings

PASSWORD = "kw-unit-Auth-5tring-41be"


@pytest.fixture(scope="module")
def ca_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "keywatch unit CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_settings_read_password_and_ca_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, ca_pem: str
) -> None:
    """KEYWATCH_REDIS_PASSWORD and KEYWATCH_REDIS_CA_PEM (multi-line PEM) land in the settings."""
    monkeypatch.setenv("KEYWATCH_REDIS_URL", "rediss://10.0.0.3:6378/0")
    monkeypatch.setenv("KEYWATCH_REDIS_PASSWORD", PASSWORD)
    monkeypatch.setenv("KEYWATCH_REDIS_CA_PEM", ca_pem)
    settings = FunctionSettings()
    assert settings.redis_url == "rediss://10.0.0.3:6378/0"
    assert settings.redis_password is not None
    assert settings.redis_password.get_secret_value() == PASSWORD
    assert settings.redis_ca_pem == ca_pem
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in str(settings.model_dump())


def test_settings_default_to_no_password_and_no_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset, there is no AUTH string and no CA: the local stack's plain redis://."""
    monkeypatch.delenv("KEYWATCH_REDIS_PASSWORD", raising=False)
    monkeypatch.delenv("KEYWATCH_REDIS_CA_PEM", raising=False)
    settings = FunctionSettings()
    assert settings.redis_password is None
    assert settings.redis_ca_pem == ""


def test_plain_url_builds_a_plain_client() -> None:
    """redis:// with no password and no CA is the plain TCP client it always was."""
    pool = redis_client("redis://127.0.0.1:6379/0", 0.5).connection_pool
    assert pool.connection_class is redis.Connection
    assert "password" not in pool.connection_kwargs
    assert not any(k.startswith("ssl") for k in pool.connection_kwargs)


def test_ca_pem_verifies_the_chain_not_the_host_name(ca_pem: str) -> None:
    """With a CA PEM: TLS, CERT_REQUIRED against that CA, host name not checked (Memorystore)."""
    pool = redis_client("rediss://10.0.0.3:6378/0", 2.0, PASSWORD, ca_pem).connection_pool
    kwargs = pool.connection_kwargs
    assert pool.connection_class is redis.SSLConnection
    assert kwargs["ssl_cert_reqs"] == "required"
    assert kwargs["ssl_ca_data"] == ca_pem.strip()
    assert kwargs["ssl_check_hostname"] is False
    assert kwargs["password"] == PASSWORD


def test_ca_pem_turns_tls_on_for_a_redis_url(ca_pem: str) -> None:
    """A CA PEM with a redis:// URL still connects with TLS."""
    pool = redis_client("redis://10.0.0.3:6378/0", 2.0, None, ca_pem).connection_pool
    assert pool.connection_class is redis.SSLConnection


def test_rediss_without_ca_uses_the_system_store_and_checks_the_host() -> None:
    """rediss:// with no CA PEM: system trust store, CERT_REQUIRED and host name checked."""
    kwargs = redis_client(
        "rediss://redis.example.internal:6378/0"
    ).connection_pool.connection_kwargs
    assert kwargs["ssl_cert_reqs"] == "required"
    assert kwargs["ssl_check_hostname"] is True
    assert "ssl_ca_data" not in kwargs


@pytest.mark.parametrize(
    "bad",
    [
        "not a certificate",
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
    ],
)
def test_unparsable_ca_pem_fails_at_build_time_naming_the_setting(bad: str) -> None:
    """A CA PEM that does not parse fails in build_notify_deps, naming the setting, no password."""
    with pytest.raises(RedisConfigError, match="KEYWATCH_REDIS_CA_PEM") as info:
        build_notify_deps(
            FunctionSettings(
                redis_url="rediss://10.0.0.3:6378/0",
                redis_password=PASSWORD,  # type: ignore[arg-type]
                redis_ca_pem=bad,
            )
        )
    assert PASSWORD not in str(info.value)


def test_ca_pem_with_literal_backslash_n_says_so(ca_pem: str) -> None:
    """A PEM whose line breaks arrived as literal \\n gets a hint in the error."""
    with pytest.raises(RedisConfigError, match=r"literal \\n"):
        RedisDedupLock.from_url("rediss://10.0.0.3:6378/0", ca_pem=ca_pem.replace("\n", "\\n"))


def test_password_in_url_and_setting_is_refused() -> None:
    """A password both in the URL and in KEYWATCH_REDIS_PASSWORD is an error that echoes neither."""
    with pytest.raises(RedisConfigError, match="KEYWATCH_REDIS_PASSWORD") as info:
        redis_client("rediss://:urlSecret99@10.0.0.3:6378/0", password=PASSWORD)
    assert "urlSecret99" not in str(info.value)
    assert PASSWORD not in str(info.value)


def test_ssl_query_options_are_refused() -> None:
    """ssl_* query options (which would override verification) are refused in the URL."""
    with pytest.raises(RedisConfigError, match="KEYWATCH_REDIS_URL"):
        redis_client("rediss://10.0.0.3:6378/0?ssl_cert_reqs=none")


def test_ca_pem_with_a_unix_socket_is_refused(ca_pem: str) -> None:
    """TLS cannot apply to a unix socket URL: a build-time error naming both settings."""
    with pytest.raises(RedisConfigError, match="KEYWATCH_REDIS_CA_PEM"):
        redis_client("unix:///tmp/redis.sock", ca_pem=ca_pem)


def test_lock_errors_never_carry_the_password() -> None:
    """Should redis ever echo the AUTH string, the DedupLockError a lock raises has it masked."""
    client = redis.Redis()

    def echo(*_: object, **__: object) -> None:
        raise redis.ConnectionError(f"boom {PASSWORD}")

    client.exists = echo  # type: ignore[method-assign]
    lock = RedisDedupLock(client, secret=PASSWORD)
    with pytest.raises(DedupLockError) as raised:
        lock.is_done("k")
    assert PASSWORD not in str(raised.value)
    assert str(raised.value) == "redis: boom ***"
    assert PASSWORD not in repr(RedisDedupLock.from_url("redis://127.0.0.1:1/0", password=PASSWORD))
