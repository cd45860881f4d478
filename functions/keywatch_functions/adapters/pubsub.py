"""Pub/Sub: the alerts topic that classify publishes to and notify is triggered by."""

from __future__ import annotations

from google.api_core import exceptions as gexc
from google.cloud.pubsub_v1 import PublisherClient

from keywatch.events import Alert
from keywatch_functions.ports import AlertPublisherError


def attributes_of(alert: Alert) -> dict[str, str]:
    """Attributes for subscription filters (which the emulator ignores: never rely on them)."""
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

    def publish(self, alert: Alert) -> None:
        try:
            future = self._client.publish(
                self._topic, alert.model_dump_json().encode(), **attributes_of(alert)
            )
            future.result(timeout=self._timeout)
        except (gexc.GoogleAPICallError, gexc.RetryError, TimeoutError) as exc:
            raise AlertPublisherError(f"publishing the alert failed: {exc}") from exc
