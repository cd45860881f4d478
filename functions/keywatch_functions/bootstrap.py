"""Build each function's dependencies once per instance, from FunctionSettings, never on
import."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from keywatch.core.health import KeyThresholds, Thresholds
from keywatch.core.keys import Layout
from keywatch.core.writes import Margins
from keywatch_functions.service.classify import ClassifyDeps
from keywatch_functions.service.health import HealthDeps
from keywatch_functions.service.notify import NotifyDeps
from keywatch_functions.settings import FunctionSettings, get_settings


def _firestore(settings: FunctionSettings, database: str | None = None):  # type: ignore[no-untyped-def]
    from google.cloud import firestore

    # With FIRESTORE_EMULATOR_HOST set, the client itself uses anonymous credentials.
    return firestore.Client(project=settings.project_id, database=database)


def _redis_secret(settings: FunctionSettings) -> str | None:
    """The Redis AUTH string, handed to each Redis adapter so that it masks it in errors."""
    return settings.redis_password.get_secret_value() if settings.redis_password else None


def _layout(settings: FunctionSettings) -> Layout:
    """Every Redis key name, under the one prefix."""
    return Layout(settings.counting_prefix)


def _redis(settings: FunctionSettings):  # type: ignore[no-untyped-def]
    from keywatch_functions.adapters.redis_client import redis_client

    return redis_client(
        settings.redis_url,
        settings.redis_timeout_s,
        password=_redis_secret(settings),
        ca_pem=settings.redis_ca_pem,
    )


def _counting(settings: FunctionSettings, client: Any = None):  # type: ignore[no-untyped-def]
    from keywatch_functions.adapters.redis_counting import RedisCountingStore

    secret = _redis_secret(settings)
    return RedisCountingStore(client or _redis(settings), _layout(settings), secret=secret)


def _alert_gate(settings: FunctionSettings, client: Any):  # type: ignore[no-untyped-def]
    from keywatch_functions.adapters.redis_lock import RedisAlertGate

    secret = _redis_secret(settings)
    return RedisAlertGate(client, secret=secret, layout=_layout(settings))


def build_classify_deps(settings: FunctionSettings) -> ClassifyDeps:
    from google.cloud.pubsub_v1 import PublisherClient
    from google.cloud.pubsub_v1.types import BatchSettings

    from keywatch_functions.adapters.cloud_logging import StructuredLogSink
    from keywatch_functions.adapters.pubsub import PubsubAlertPublisher

    # classify confirms each alert before it acknowledges its event (nothing lost), so the
    # client's default 10 ms batching window would be 10 ms added to every alerting event.
    publisher = PublisherClient(batch_settings=BatchSettings(max_latency=0.001))
    client = _redis(settings)  # one pool for counting and the alert gate
    return ClassifyDeps(
        log=StructuredLogSink(),
        alerts=PubsubAlertPublisher(
            publisher, publisher.topic_path(settings.project_id, settings.alerts_topic)
        ),
        counter=_counting(settings, client),
        gate=_alert_gate(settings, client),
        alert_window_s=settings.alert_window_s,
        layout=_layout(settings),
    )


def build_notify_deps(settings: FunctionSettings) -> NotifyDeps:
    from keywatch_functions.adapters.fcm import FcmPushSender
    from keywatch_functions.adapters.firestore import FirestoreKeyStatusStore, FirestoreTokenStore
    from keywatch_functions.adapters.redis_lock import RedisDedupLock, RedisIncidentGuard

    secret = _redis_secret(settings)
    client = _redis(settings)  # one pool for the lock and the guard
    guard = (
        RedisIncidentGuard(
            client,
            min_keys=settings.incident_min_keys,
            factor=settings.incident_factor,
            open_ttl_s=settings.incident_open_s,
            secret=secret,
            layout=_layout(settings),
        )
        if settings.incident_guard
        else None
    )
    from keywatch_functions.service.notify import OutageLog

    db = _firestore(settings)
    statuses = (
        FirestoreKeyStatusStore(
            db,
            settings.key_status_collection,
            settings.key_status_subcollection,
            settings.key_status_timeout_s,
        )
        if settings.key_status
        else None
    )
    webhook = None
    if "webhook" in settings.channels:
        from keywatch_functions.adapters.webhook import WebhookSender

        assert (
            settings.webhook_secret is not None
        )  # FunctionSettings refuses the channel without it
        webhook = WebhookSender(
            settings.webhook_url,
            settings.webhook_secret.get_secret_value(),
            settings.webhook_timeout_s,
            allow_loopback_http=settings.emulated,
        )
    return NotifyDeps(
        lock=RedisDedupLock(client, secret=secret, layout=_layout(settings)),
        tokens=FirestoreTokenStore(
            db,
            settings.tokens_collection,
            settings.tokens_subcollection,
            settings.token_field,
            settings.tokens_timeout_s,
        ),
        sender=FcmPushSender(settings.project_id, settings.fcm_endpoint, settings.fcm_timeout_s),
        dedup_ttl_s=settings.dedup_ttl_s,
        pending_ttl_s=settings.pending_ttl_s,
        user_daily_cap=settings.user_daily_cap,
        alert_max_age_s=settings.alert_max_age_s,
        guard=guard,
        settle_s=settings.incident_settle_s,
        statuses=statuses,
        channels=settings.channels,
        webhook=webhook,
        webhook_url=settings.webhook_url,
        notify_restored=settings.notify_restored,
        outage_log=OutageLog(settings.outage_log_interval_s),
        layout=_layout(settings),
    )


def build_health_deps(settings: FunctionSettings) -> HealthDeps:
    from keywatch_functions.adapters.firestore import FirestoreHealthDocs
    from keywatch_functions.adapters.redis_lock import RedisIncidentLedger

    client = _redis(settings)  # one pool for the counts and the incidents

    sli = None
    if settings.sli_export and (settings.monitoring_endpoint or not settings.emulated):
        from keywatch_functions.adapters import monitoring

        sli = monitoring.MonitoringSliSink(
            monitoring.client(settings.monitoring_endpoint),
            settings.project_id,
            settings.monitoring_timeout_s,
        )
    return HealthDeps(
        days_collection=settings.provider_days_collection,
        incidents=RedisIncidentLedger(client, _layout(settings)),
        feeds=_feeds(settings),
        incidents_collection=settings.incidents_collection,
        sli=sli,
        slo_models=frozenset(m.strip() for m in settings.slo_models.split(",") if m.strip()),
        counts=_counting(settings, client),
        docs=FirestoreHealthDocs(
            _firestore(settings, settings.health_database), settings.firestore_timeout_s
        ),
        max_writes=settings.health_max_writes,
        provider_collection=settings.provider_health_collection,
        key_collection=settings.key_health_collection,
        thresholds=Thresholds(
            settings.health_min_requests, settings.health_degraded_rate, settings.health_down_rate
        ),
        margins=Margins(
            min_requests=settings.health_min_requests,
            heartbeat_minutes=settings.health_heartbeat_minutes,
            quiet_heartbeat_minutes=settings.health_quiet_heartbeat_minutes,
        ),
        key_thresholds=KeyThresholds(
            settings.key_cooling_consecutive,
            settings.key_cooling_rate,
            settings.key_cooling_min_requests,
            settings.key_invalid_backoff_s,
            settings.key_invalid_backoff_max_s,
            settings.key_cooling_backoff_s,
            settings.key_cooling_backoff_max_s,
        ),
    )


def _feeds(settings: FunctionSettings) -> Any:
    """The providers' status feeds client (adapters/statusfeed.py), or None: turned off, or
    against emulators with no feed set (a local stack never reaches a provider's host)."""
    if not settings.status_feeds_enabled or (settings.emulated and not settings.status_feeds):
        return None
    from keywatch.core.statusfeed import feeds_from_setting
    from keywatch_functions.adapters.statusfeed import StatusFeedClient

    return StatusFeedClient(
        feeds_from_setting(settings.status_feeds), timeout_s=settings.status_feed_timeout_s
    )


T = TypeVar("T")
_built: dict[str, object] = {}
_build_lock = threading.Lock()


def _once(name: str, build: Callable[[FunctionSettings], T]) -> T:
    """Built once per instance, on first use. classify serves several requests at once, so two
    first requests must not build two sets of clients."""
    got = _built.get(name)
    if got is None:
        with _build_lock:
            got = _built.get(name)
            if got is None:
                got = _built[name] = build(get_settings())
    return got  # type: ignore[return-value]


def classify_deps() -> ClassifyDeps:
    return _once("classify", build_classify_deps)


def notify_deps() -> NotifyDeps:
    return _once("notify", build_notify_deps)


def health_deps() -> HealthDeps:
    return _once("health", build_health_deps)
