"""Starting the real local servers for the integration and e2e tiers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from keywatch_ops.devstack.stack import Stack


def running(stack: Stack) -> Iterator[Stack]:
    """Start `stack`, point this process's Google clients at it, stop it afterwards."""
    stack.start()
    saved = {k: os.environ.get(k) for k in stack.env}
    os.environ.update(stack.env)
    try:
        yield stack
    finally:
        stack.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def backends_only(workdir: Path) -> Stack:
    return Stack(workdir=workdir, with_functions=False)
