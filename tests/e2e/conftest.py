"""The whole local stack, once for the e2e tier, with short retry backoff so that
redelivery and dead-lettering show within seconds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from keywatch_ops.devstack.stack import Stack
from tests.stackfixtures import running

T = TypeVar("T")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from running(
        Stack(
            workdir=tmp_path_factory.mktemp("stack"),
            retry_min_backoff_s=1,
            retry_max_backoff_s=2,
            max_delivery_attempts=5,
        )
    )


def eventually(probe: Callable[[], T | None], timeout_s: float = 60, what: str = "condition") -> T:
    """Poll `probe` until it returns something truthy (no fixed sleeps)."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = probe()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")


def log_entries(stack: Stack, function: str, **match: Any) -> list[dict[str, Any]]:
    from keywatch_ops.devstack.stack import read_json_lines

    return [
        e
        for e in read_json_lines(stack.log_path(function))
        if all(e.get(k) == v for k, v in match.items())
    ]
