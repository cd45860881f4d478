"""The functions' settings: the backend library's (keywatch.settings) and everything classify,
notify and health read besides, from the same `KEYWATCH_*` variables.

Explicit arguments beat the environment, which beats the defaults. The tools (keywatch_ops)
read these too: they deploy and run the functions.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator

from keywatch.core.health import KeyThresholds, Thresholds
from keywatch.core.writes import Margins
from keywatch.settings import Settings

# The health rules' defaults live with the rules (core/health.py, core/writes.py).
_T, _K, _M = Thresholds(), KeyThresholds(), Margins()


class FunctionSettings(Settings):
    """The backend library's settings, and classify's, notify's and health's."""

    # The other Pub/Sub topics: alerts (classify to notify) and the health tick.
    alerts_topic: str = "keywatch-alerts"
    health_tick_topic: str = "keywatch-health-tick"

    # Memorystore (Redis). Production: `rediss://<host>:6378/0` (in-transit encryption on).
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_timeout_s: float = 2.0
    # The instance's AUTH string (from Secret Manager in production); a SecretStr, so it never
    # shows in a repr or a log line. None: no AUTH (the local stack).
    redis_password: SecretStr | None = None
    # The instance's server CA certificate(s), PEM text. Set, or with a `rediss://` URL: TLS,
    # the server certificate verified against this CA (the system trust store when empty).
    redis_ca_pem: str = ""

    # FCM. Empty means Google's real endpoint; the local stack points it at the stand-in.
    fcm_endpoint: str = ""
    fcm_timeout_s: float = 10.0

    # Device tokens: users/{uid}/fcm_tokens/{doc} with the token in field `token`.
    tokens_collection: str = "users"
    tokens_subcollection: str = "fcm_tokens"
    token_field: str = "token"
    tokens_timeout_s: float = 10.0  # notify's token read, retries included

    # The key status the app shows (docs/key_status.md): {collection}/{uid}/{subcollection}/
    # {provider}, written by notify. False: none is written.
    key_status: bool = True
    key_status_collection: str = "users"
    key_status_subcollection: str = "keywatch_keys"
    key_status_timeout_s: float = 5.0  # one transaction, its retries included

    # How notify tells a user: FCM pushes, a signed webhook to the app (docs/webhook.md), or
    # both. The webhook's secret comes from Secret Manager (infra/webhook.tf).
    notify_channels: Literal["fcm", "webhook", "both"] = "fcm"
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_timeout_s: float = 10.0
    # Tell the user when a key they were told about works again (`byok_key_restored`).
    notify_restored: bool = False
    # While FCM fails, notify logs the outage once per this many seconds per instance, with
    # how many attempts failed since, instead of one entry per failed alert. 0: every one.
    outage_log_interval_s: float = Field(default=60.0, ge=0)

    # Notification dedup and storm control.
    dedup_ttl_s: int = 24 * 3600
    user_daily_cap: int = 5
    # classify publishes one alert per (uid, provider, reason, key) per this window.
    alert_window_s: int = 600
    # notify's function timeout (infra/topology.tf). Cloud Run stops waiting for a request then,
    # but does not stop its thread: the pending marker outlives twice that, so a sender that
    # overruns its request still holds it (see pending_ttl_s).
    notify_timeout_s: int = 120
    # An alert older than this is acknowledged as `stale`, not pushed (a dead letter replayed a
    # day later is about a key the user may have replaced).
    alert_max_age_s: int = 6 * 3600
    # The provider-incident guard (README, "Provider incidents"): pushes for a (provider,
    # reason) are held when the distinct keys failing with it in 3 minutes reach
    # max(incident_min_keys, incident_factor x the hour's median for 3 minutes). A young alert
    # waits until it is incident_settle_s old, so that an incident's first keys are counted
    # before any is pushed. An open incident lasts incident_open_s past its last held alert.
    incident_guard: bool = True
    incident_min_keys: int = Field(default=20, ge=2)
    incident_factor: float = Field(default=10.0, ge=2.0)
    incident_settle_s: float = Field(default=15.0, ge=0)
    incident_open_s: int = Field(default=15 * 60, ge=60)

    # Memorystore: every Redis key classify, notify and health use starts with this prefix
    # (keywatch.core.keys.Layout names them all).
    counting_prefix: str = "kw"
    # Each provider's daily totals (the status page, `keywatch slo`): {this}/{provider}/days/...
    provider_days_collection: str = "provider_days"
    # The suspected provider incidents the status page shows: {this}/{id} (health writes them).
    incidents_collection: str = "incidents"
    # Each open incident is checked against its provider's own status feed
    # (docs/status_feeds.md): the defaults, with this JSON object's changes over them. Against
    # emulators only a feed set here is asked (the local stack points them at its stand-in).
    status_feeds_enabled: bool = True
    status_feeds: str = ""
    status_feed_timeout_s: float = 3.0
    # The availability SLI exported to Cloud Monitoring for the SLOs (infra/slo.tf), per
    # provider and per listed model ("provider/model,provider/model"). The endpoint is for the
    # local stand-in only (loopback); against emulators without one, nothing is exported.
    sli_export: bool = True
    slo_models: str = ""
    monitoring_endpoint: str = ""
    monitoring_timeout_s: float = 10.0
    firestore_timeout_s: float = 20.0  # per call, retries included; then the message is retried
    # Documents one health run writes at most; the rest stay due for the next run. Firestore
    # ramps a new collection up from 500 writes/s ("500/50/5" in its best practices).
    health_max_writes: int = 20_000

    # Health status thresholds over a window.
    health_min_requests: int = _T.min_requests
    health_degraded_rate: float = _T.degraded_rate
    health_down_rate: float = _T.down_rate
    # A key cools down after this many failures since its last success, or at this 5-minute
    # error rate with at least this many requests.
    key_cooling_consecutive: int = _K.cooling_consecutive
    key_cooling_rate: float = _K.cooling_rate
    key_cooling_min_requests: int = _K.cooling_min_requests
    # Back-offs before a probe of an invalid or cooling-down key: the first, doubled by every
    # failure since, up to the cap (README, "Key states").
    key_invalid_backoff_s: float = _K.invalid_backoff_s
    key_invalid_backoff_max_s: float = _K.invalid_backoff_max_s
    key_cooling_backoff_s: float = _K.cooling_backoff_s
    key_cooling_backoff_max_s: float = _K.cooling_backoff_max_s
    # What a health run writes at once and what waits (docs/counting.md, "What a run
    # writes"): changes a reader does not act on wait this long from a document's last write,
    # busy (health_min_requests in its hour) and quiet; 0 and 0 write every change at once.
    health_heartbeat_minutes: int = Field(default=_M.heartbeat_minutes, ge=0, le=24 * 60)
    health_quiet_heartbeat_minutes: int = Field(
        default=_M.quiet_heartbeat_minutes, ge=0, le=18 * 60
    )

    @model_validator(mode="after")
    def _notify_fits_its_timeout(self) -> FunctionSettings:
        """notify's attempt, settle wait included, ends within its function timeout; the
        pending marker (twice the timeout) then outlives any send (README, "Notifications")."""
        budget = self.notify_attempt_budget_s
        if budget >= self.notify_timeout_s:
            raise ValueError(
                f"notify's attempt can take {budget:g} s (KEYWATCH_INCIDENT_SETTLE_S"
                f" {self.incident_settle_s:g}, KEYWATCH_TOKENS_TIMEOUT_S"
                f" {self.tokens_timeout_s:g} and KEYWATCH_FCM_TIMEOUT_S {self.fcm_timeout_s:g}"
                f" for FCM, KEYWATCH_WEBHOOK_TIMEOUT_S {self.webhook_timeout_s:g} for the"
                f" webhook, 2 x KEYWATCH_KEY_STATUS_TIMEOUT_S {self.key_status_timeout_s:g},"
                f" Redis calls of 2 x KEYWATCH_REDIS_TIMEOUT_S {self.redis_timeout_s:g}),"
                f" which must stay under KEYWATCH_NOTIFY_TIMEOUT_S {self.notify_timeout_s}"
            )
        return self

    @model_validator(mode="after")
    def _webhook_is_configured(self) -> FunctionSettings:
        if self.notify_channels != "fcm" and not (self.webhook_url and self.webhook_secret):
            raise ValueError(
                f"KEYWATCH_NOTIFY_CHANNELS is {self.notify_channels!r}: set KEYWATCH_WEBHOOK_URL"
                " and KEYWATCH_WEBHOOK_SECRET (from Secret Manager: infra/webhook.tf)"
            )
        return self

    @property
    def channels(self) -> tuple[str, ...]:
        return ("fcm", "webhook") if self.notify_channels == "both" else (self.notify_channels,)

    @property
    def notify_attempt_budget_s(self) -> float:
        """The longest notify attempt up to its last commit: the settle wait, then per channel
        its requests (FCM: the token read and one request, no SDK retries; the webhook: one
        POST), two key status transactions (broken, then told), and the Redis calls (is_done
        per channel, two guard checks, the owner note, acquire and commit per channel; each
        with one quick retry)."""
        settle = self.incident_settle_s if self.incident_guard else 0.0
        fcm = self.tokens_timeout_s + self.fcm_timeout_s if "fcm" in self.channels else 0.0
        webhook = self.webhook_timeout_s if "webhook" in self.channels else 0.0
        status = 2 * self.key_status_timeout_s if self.key_status else 0.0
        redis = (3 + 3 * len(self.channels)) * 2 * self.redis_timeout_s
        return settle + fcm + webhook + status + redis

    @property
    def pending_ttl_s(self) -> int:
        return pending_ttl_s(self.notify_timeout_s)

    @property
    def emulated(self) -> bool:
        """True when the Google clients talk to local emulators (no credentials needed)."""
        return bool(
            os.environ.get("PUBSUB_EMULATOR_HOST") or os.environ.get("FIRESTORE_EMULATOR_HOST")
        )


def pending_ttl_s(notify_timeout_s: int) -> int:
    """The pending marker's TTL: twice notify's timeout (README, "Notifications")."""
    return 2 * notify_timeout_s


def default(name: str) -> Any:
    """A setting's default: what a service's Deps takes when a test builds it without
    settings, so that each default lives here only."""
    return FunctionSettings.model_fields[name].default


@lru_cache(maxsize=1)
def get_settings() -> FunctionSettings:
    """The instance's settings, read from the environment on first use."""
    return FunctionSettings()


__all__ = ["FunctionSettings", "default", "get_settings", "pending_ttl_s"]
