"""The Pub/Sub topology, declared once: the local stack builds it, the Terraform mirrors it.

Every push subscription retries with backoff and dead-letters after `max_delivery_attempts`;
every dead-letter topic has a pull subscription, because Pub/Sub drops what a topic without
subscriptions receives.
"""

from __future__ import annotations

from dataclasses import dataclass

from keywatch.settings import Settings


@dataclass(frozen=True, slots=True)
class Route:
    function: str  # the entry point the subscription pushes to
    topic: str
    subscription: str
    dead_letter_topic: str
    dead_letter_subscription: str
    filter: str = ""  # a subscription filter; the emulator ignores it, so never rely on it alone
    max_delivery_attempts: int = 5
    # How long Pub/Sub waits for the function's answer: at least the function's timeout, so a
    # message is not redelivered while its first delivery is still being handled.
    ack_deadline_s: int = 60
    # Redelivery backoff in production; the local stack uses seconds so tests see retries fast.
    min_backoff_s: int = 10
    max_backoff_s: int = 600


def routes(s: Settings) -> tuple[Route, ...]:
    def route(function: str, topic: str, filter: str = "", ack_deadline_s: int = 60) -> Route:
        return Route(
            function=function,
            topic=topic,
            subscription=f"{topic}-{function}",
            dead_letter_topic=f"{topic}-dead",
            dead_letter_subscription=f"{topic}-dead-hold",
            filter=filter,
            ack_deadline_s=ack_deadline_s,
        )

    return (
        route("classify", s.events_topic),
        route(
            "notify",
            s.alerts_topic,
            'attributes.source = "byok" AND (attributes.reason = "invalid_key"'
            ' OR attributes.reason = "permission_denied"'
            ' OR attributes.reason = "quota_exhausted")',
        ),
        # A health run reads every bucket of the last 24 hours: minutes at scale, not seconds.
        route("health", s.health_tick_topic, ack_deadline_s=600),
    )
