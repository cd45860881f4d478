"""Pub/Sub: the alerts topic that classify publishes to (alerts, and keys that work again) and
notify is triggered by."""

from __future__ import annotations

from google.api_core import exceptions as gexc
from google.cloud.pubsub_v1 import PublisherClient

from keywatch.events import Alert, KeyRestored
from keywatch_functions.errors import AlertPublisherError


def attributes_of(alert: Alert | KeyRestored) -> dict[str, str]:
    """Attributes for subscription filters (which the emulator ignores: never rely on them)."""
    if isinstance(alert, KeyRestored):
        return {
            "type": alert.type.value,
            "schema_version": str(alert.schema_version),
            "provider": alert.provider,
        }
    return {
        "type": alert.type.value,
        "schema_version": str(alert.schema_version),
        "source": alert.source.value,
        "provider": alert.provider,
        "reason": alert.reason,
    }


class PubsubAlertPublisher:
    def __init__(self, client: PublisherClient, topic_path: str, timeout_s: float = 30):
        self._client = client
        self._topic = topic_path
        self._timeout = timeout_s

    def publish(self, alert: Alert | KeyRestored) -> None:
        try:
            future = self._client.publish(
                self._topic, alert.model_dump_json().encode(), **attributes_of(alert)
            )
            future.result(timeout=self._timeout)
        except (gexc.GoogleAPICallError, gexc.RetryError, TimeoutError) as exc:
            raise AlertPublisherError(f"publishing the alert failed: {exc}") from exc
