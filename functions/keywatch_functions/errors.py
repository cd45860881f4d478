"""keywatch's own errors, by what the entry point does with a message that raised one.

- `PoisonMessageError`: the message can never succeed (bad JSON, wrong schema). The entry point
  logs why, once, and acknowledges it.
- `TransientError` and its subclasses, one for each role of ports.py: a dependency is down or
  slow. The entry point raises, so Pub/Sub redelivers the message and, after the last attempt,
  dead-letters it.
- `ConfigError`: the settings cannot work. It is raised when an adapter is built, never for
  one message.

Adapters wrap an SDK's errors with `map_errors` (adapters/redis_client.py's `redis_errors` for
Redis), so a secret the SDK echoes never reaches a log line. `validation_why` is the one way a
pydantic error is put into words: field locations and error kinds, never the input.
(httpx's `_exceptions.py` and its `map_exceptions`, and powertools' `exceptions.py`.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from keywatch.events import error_location


class KeywatchError(Exception):
    """Base of keywatch's own errors."""


class PoisonMessageError(KeywatchError):
    """This message can never succeed; acknowledge it after logging why."""


class ConfigError(KeywatchError, ValueError):
    """A setting cannot work. The message names the setting, never a secret's value."""


class RedisConfigError(ConfigError):
    """The Redis settings cannot work. Raised when the client is built, never per call; the
    message names the setting and never carries the password."""


class TransientError(KeywatchError):
    """A dependency is down or slow: raise it so Pub/Sub redelivers the message."""


class AlertPublisherError(TransientError):
    pass


class DedupLockError(TransientError):
    pass


class TokenStoreError(TransientError):
    pass


class PushSenderError(TransientError):
    pass


class HealthStoreError(TransientError):
    pass


class KeyStatusStoreError(TransientError):
    pass


class WebhookError(TransientError):
    """The app's endpoint did not answer 2xx, 4xx nor 410 in time: retried."""


class CountingStoreError(TransientError):
    pass


class SliSinkError(TransientError):
    """Cloud Monitoring refused or did not answer the SLI export: the next run writes the
    cumulative totals again."""


class StatusReadError(TransientError):
    """Firestore did not answer the status page's reads (down, refused, or past the deadline):
    the page answers 503."""


class AlertInFlightError(TransientError):
    """Another delivery of this alert holds the pending marker and is sending it now."""


@contextmanager
def map_errors(
    catch: type[BaseException] | tuple[type[BaseException], ...],
    raise_as: type[KeywatchError],
    *,
    label: str,
    secret: str | None = None,
) -> Iterator[None]:
    """Re-raise `catch` as `raise_as("<label>: <error>")`, chained, with `secret` masked (a
    client may echo its password in an error)."""
    try:
        yield
    except catch as exc:
        message = f"{label}: {exc}"
        if secret:
            message = message.replace(secret, "***")
        raise raise_as(message) from exc


def validation_why(exc: ValidationError, *, where: str = "payload", limit: int = 5) -> str:
    """`loc: kind; ...` for the first `limit` errors; `where` names an error at the root. Never
    the input's values, nor a dict's keys (either may hold a secret)."""
    return "; ".join(
        f"{error_location(e['loc']) or where}: {e['type']}"
        for e in exc.errors(include_input=False, include_url=False)[:limit]
    )


__all__ = [
    "AlertInFlightError",
    "AlertPublisherError",
    "ConfigError",
    "CountingStoreError",
    "DedupLockError",
    "HealthStoreError",
    "KeyStatusStoreError",
    "KeywatchError",
    "PoisonMessageError",
    "PushSenderError",
    "RedisConfigError",
    "SliSinkError",
    "StatusReadError",
    "TokenStoreError",
    "TransientError",
    "WebhookError",
    "map_errors",
    "validation_why",
]
