"""The Pub/Sub topology, declared once: the local stack builds it, the Terraform mirrors it.

Every push subscription retries with backoff and dead-letters after `max_delivery_attempts`;
every dead-letter topic has a pull subscription, because Pub/Sub drops what a topic without
subscriptions receives.

The alerts route's retry budget is designed, not inherited: a push that fails because FCM is
down is retried until the alert is stale (`FunctionSettings.alert_max_age_s`, 6 h), so an FCM outage
of any length under that loses no push. Each attempt fails fast (firebase-admin's own retries
are off), so the budget is the waits between attempts: Pub/Sub's backoff grows exponentially
from the minimum to the maximum (600 s at most), and its delays are "best effort ... more or
less than configured" (RetryPolicy, https://cloud.google.com/pubsub/docs/subscription-retry-
policy), so the waits are taken as doubling and the budget planned a quarter over the horizon.
With 10 to 600 s that is 51 attempts (Pub/Sub allows 5 to 100); the local stack runs the same
plan at a sixtieth of the time (1 to 10 s, a horizon of 6 minutes).
"""

from __future__ import annotations

from dataclasses import dataclass

from keywatch_functions.settings import FunctionSettings

# DeadLetterPolicy.max_delivery_attempts: 5 to 100 (Pub/Sub's limits).
MIN_ATTEMPTS = 5
MAX_ATTEMPTS = 100
# A retry's delay may be shorter than configured: plan the budget a quarter over its horizon.
BUDGET_MARGIN = 1.25
# Production's backoff (RetryPolicy: 10 s default minimum, 600 s the most Pub/Sub allows).
MIN_BACKOFF_S = 10
MAX_BACKOFF_S = 600


def retry_budget_s(min_backoff_s: float, max_backoff_s: float, attempts: int) -> float:
    """The time `attempts` deliveries span, their waits doubling from the minimum backoff up
    to the maximum: how long an outage the last attempt still outlasts."""
    return float(sum(min(max_backoff_s, min_backoff_s * 2.0**k) for k in range(attempts - 1)))


def attempts_to_cover(horizon_s: float, min_backoff_s: float, max_backoff_s: float) -> int:
    """The fewest attempts whose budget covers `horizon_s` with the margin; refuses a horizon
    Pub/Sub's 100 attempts cannot cover."""
    need = horizon_s * BUDGET_MARGIN
    for attempts in range(MIN_ATTEMPTS, MAX_ATTEMPTS + 1):
        if retry_budget_s(min_backoff_s, max_backoff_s, attempts) >= need:
            return attempts
    raise ValueError(
        f"{MAX_ATTEMPTS} attempts at {min_backoff_s}-{max_backoff_s} s cover"
        f" {retry_budget_s(min_backoff_s, max_backoff_s, MAX_ATTEMPTS):.0f} s, not the"
        f" {need:.0f} s an alert stays worth pushing (alert_max_age_s): raise the backoff"
        " or lower the age"
    )


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
    min_backoff_s: int = MIN_BACKOFF_S
    max_backoff_s: int = MAX_BACKOFF_S


def routes(s: FunctionSettings, *, time_scale: float = 1.0) -> tuple[Route, ...]:
    """The routes; `time_scale` below 1 runs the same plan faster (the local stack: 1/60)."""
    min_backoff_s = max(1, round(MIN_BACKOFF_S * time_scale))
    max_backoff_s = max(min_backoff_s, round(MAX_BACKOFF_S * time_scale))
    # The alerts route outlasts an FCM outage until the alert is stale.
    alert_attempts = attempts_to_cover(s.alert_max_age_s * time_scale, min_backoff_s, max_backoff_s)

    def route(
        function: str, topic: str, filter: str = "", ack_deadline_s: int = 60, attempts: int = 5
    ) -> Route:
        return Route(
            function=function,
            topic=topic,
            subscription=f"{topic}-{function}",
            dead_letter_topic=f"{topic}-dead",
            dead_letter_subscription=f"{topic}-dead-hold",
            filter=filter,
            max_delivery_attempts=attempts,
            ack_deadline_s=ack_deadline_s,
            min_backoff_s=min_backoff_s,
            max_backoff_s=max_backoff_s,
        )

    return (
        route("classify", s.events_topic),
        route(
            "notify",
            s.alerts_topic,
            '(attributes.source = "byok" AND (attributes.reason = "invalid_key"'
            ' OR attributes.reason = "permission_denied"'
            ' OR attributes.reason = "quota_exhausted"))'
            ' OR attributes.type = "key_restored"',
            # At least notify's function timeout (FunctionSettings.notify_timeout_s).
            ack_deadline_s=s.notify_timeout_s,
            attempts=alert_attempts,
        ),
        # A health run reads every bucket of the last 24 hours: minutes at scale, not seconds.
        route("health", s.health_tick_topic, ack_deadline_s=600),
    )
