"""The backend library's settings, read lazily from `KEYWATCH_*` variables.

Explicit arguments beat the environment, which beats the defaults: `Settings(foo=...)` in a
test, `KEYWATCH_FOO=...` in a deployment, the default here otherwise. The reporter reads
`ReporterSettings`, a router `RouterSettings`; `Settings` is both. The functions' own settings
(Redis, FCM, notify, health) extend it in `keywatch_functions.settings`, so that the names the
backend and the functions share have one default, here.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ProjectSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEYWATCH_", extra="ignore", frozen=True)

    project_id: str = Field(
        default_factory=lambda: os.environ.get("GOOGLE_CLOUD_PROJECT", "demo-keywatch")
    )


class ReporterSettings(ProjectSettings):
    """What `keywatch.report` and `keywatch.success` need: where to publish."""

    # The Pub/Sub topic of failures and success tallies (attribute `type`).
    events_topic: str = "keywatch-events"


class RouterSettings(ProjectSettings):
    """What `keywatch.routing` needs: where health writes the documents it reads."""

    # The Firestore database health writes to (and routers read from): a database of its own
    # in production (infra/firestore.tf), so that a router's read access, conditioned on it,
    # reaches no device token. The local stack uses the emulator's default database.
    health_database: str = "(default)"
    # Firestore collections written by health (read by routers).
    provider_health_collection: str = "provider_health"
    key_health_collection: str = "key_health"


class Settings(ReporterSettings, RouterSettings):
    """Everything the backend's library reads: the reporter's and the router's."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()


__all__ = ["ProjectSettings", "ReporterSettings", "RouterSettings", "Settings", "get_settings"]
