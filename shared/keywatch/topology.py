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


def routes(s: Settings) -> tuple[Route, ...]:
    def route(function: str, topic: str, filter: str = "") -> Route:
        return Route(
            function=function,
            topic=topic,
            subscription=f"{topic}-{function}",
            dead_letter_topic=f"{topic}-dead",
            dead_letter_subscription=f"{topic}-dead-hold",
            filter=filter,
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
        route("health", s.health_tick_topic),
    )
