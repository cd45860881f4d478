"""The reporter's circuit breaker: when Pub/Sub is taken to be down, and when to probe it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

TRIP_AFTER = 3  # publishes failed in a row before Pub/Sub is taken to be down


class Breaker:
    """Counts publishes that failed in a row; open (Pub/Sub down) from TRIP_AFTER of them until
    one succeeds. While open, one probe at a time tests Pub/Sub, no sooner than the interval
    after the last."""

    __slots__ = ("failures", "next_probe", "probe")

    def __init__(self) -> None:
        self.failures = 0  # publishes failed in a row
        self.probe: Any = None  # the probe's publish future, while one is out
        self.next_probe = 0.0  # time.monotonic() before which no probe goes

    @property
    def open(self) -> bool:
        return self.failures >= TRIP_AFTER

    def failed(self) -> None:
        self.failures += 1

    def succeeded(self) -> bool:
        """Close the breaker after a confirmed publish; True when publishes had failed before it
        (Pub/Sub is back: what waited can go)."""
        if not self.failures:
            return False
        self.failures = 0
        return True

    def may_probe(self) -> bool:
        """No probe is out and the interval since the last one has passed."""
        if self.probe is not None and not self.probe.done():
            return False
        return time.monotonic() >= self.next_probe

    def send_probe(self, send: Callable[[], Any], interval_s: float) -> None:
        """Send one probe with `send` (which returns its future, or None) and set the time the
        next may go."""
        self.next_probe = time.monotonic() + interval_s
        self.probe = send()
