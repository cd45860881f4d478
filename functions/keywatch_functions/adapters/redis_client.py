"""The Redis client every Redis adapter is built on, and how their errors are mapped.

`redis_client` builds the client from the settings (a misconfiguration raises
RedisConfigError there, once); `redis_errors` turns any redis-py error inside it into the
adapter's own TransientError, the password masked."""

from __future__ import annotations

import ssl
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from keywatch_functions.errors import KeywatchError, RedisConfigError, map_errors


def redis_errors(
    raise_as: type[KeywatchError], secret: str | None = None
) -> AbstractContextManager[None]:
    """`with redis_errors(CountingStoreError, secret): ...`: a redis-py error inside is raised
    as `raise_as("redis: ...")`, chained, with `secret` masked."""
    return map_errors(redis.RedisError, raise_as, label="redis", secret=secret)


_PEM_BEGIN = "-----BEGIN CERTIFICATE-----"


def _tls_options(ca_pem: str) -> dict[str, Any]:
    """redis-py SSLConnection options: the server certificate is always verified (CERT_REQUIRED).

    With a CA PEM (Memorystore's `server_ca_certs`): the chain must end at that CA, and the
    host name is not checked. Google gives every instance its own CA ("one or more unique
    Certificate Authorities (CA) that are used to verify the identity of the server",
    https://cloud.google.com/memorystore/docs/redis/in-transit-encryption), so a certificate
    that chains to it already identifies the instance. Clients reach the instance by IP (the
    `host` attribute, port 6378), and the server certificate names that IP in its CN only
    ("GCP Memorystore which sets the CN to an IP address",
    https://github.com/envoyproxy/ratelimit/pull/409, which added a skip-hostname-verification
    flag for it). An IP is matched only against iPAddress subjectAltNames (RFC 2818 3.1), never
    a CN, so the check redis-py turns on by default (ssl_check_hostname=True since 6.0) would
    refuse it. The workaround passed on for Memorystore in
    https://github.com/StackExchange/StackExchange.Redis/issues/2299 is the same: validate the
    chain against the instance CA, nothing more.

    Without a CA PEM (`rediss://` only): the system trust store, and the host name checked, as
    a public CA vouches for names, not for one server.
    """
    options: dict[str, Any] = {
        "ssl_cert_reqs": "required",
        "ssl_min_version": ssl.TLSVersion.TLSv1_2,  # Memorystore accepts TLS 1.2 and later only
    }
    if not ca_pem:
        options["ssl_check_hostname"] = True
        return options
    hint = " (it holds a literal \\n: pass real line breaks)" if "\\n" in ca_pem else ""
    if _PEM_BEGIN not in ca_pem:
        raise RedisConfigError(
            f"KEYWATCH_REDIS_CA_PEM (redis_ca_pem) is not PEM text: expected {_PEM_BEGIN!r}"
            f" (the instance's server_ca_certs[*].cert){hint}"
        )
    try:
        ssl.create_default_context().load_verify_locations(cadata=ca_pem)
    except (ssl.SSLError, ValueError) as exc:
        raise RedisConfigError(
            f"KEYWATCH_REDIS_CA_PEM (redis_ca_pem) does not parse as CA certificates: {exc}{hint}"
        ) from None
    options["ssl_ca_data"] = ca_pem  # one PEM or several concatenated (during a CA rotation)
    options["ssl_check_hostname"] = False
    return options


def redis_client(
    url: str, timeout_s: float = 2.0, password: str | None = None, ca_pem: str = ""
) -> redis.Redis:
    """A client for `url`: `redis://` plain TCP (the local stack); TLS with `rediss://` or a
    CA PEM, verified as `_tls_options` says; AUTH with `password` when given. Nothing connects
    until the first command."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise RedisConfigError(
            "KEYWATCH_REDIS_URL (redis_url) must start with redis://, rediss:// or unix://"
        )
    if password and parts.password:
        raise RedisConfigError(
            "KEYWATCH_REDIS_URL (redis_url) carries a password and KEYWATCH_REDIS_PASSWORD is"
            " set as well: keep the password in KEYWATCH_REDIS_PASSWORD only"
        )
    if any(name.startswith("ssl") for name in parse_qs(parts.query)):
        # redis-py lets query options override keyword arguments, `ssl_cert_reqs=none` too.
        raise RedisConfigError(
            "KEYWATCH_REDIS_URL (redis_url) carries ssl_* query options: TLS is configured by"
            " the rediss:// scheme and KEYWATCH_REDIS_CA_PEM only"
        )
    ca = ca_pem.strip()
    options: dict[str, Any] = {
        "socket_timeout": timeout_s,
        "socket_connect_timeout": timeout_s,
        # One quick retry (a failover drops connections), then fail: the function raises
        # and Pub/Sub redelivers with its own backoff. redis-py's default backs off for
        # seconds, three times, inside the request.
        "retry": Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
    }
    if password:
        options["password"] = password
    if ca or parts.scheme == "rediss":
        if parts.scheme == "unix":
            raise RedisConfigError(
                "KEYWATCH_REDIS_CA_PEM (redis_ca_pem) is set but KEYWATCH_REDIS_URL is a unix"
                " socket: TLS needs redis:// or rediss://"
            )
        options.update(_tls_options(ca))
        options["connection_class"] = redis.SSLConnection  # for redis:// with a CA PEM too
    return redis.Redis.from_url(url, **options)


__all__ = ["redis_client", "redis_errors"]
