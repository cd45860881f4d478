"""The functions' own log lines (poison, transient failures, tallies, notify outcomes, health
runs): one Cloud Logging JSON object per line on stdout. Tests point it elsewhere."""

from __future__ import annotations

import logging


def logger() -> logging.Logger:
    from keywatch_functions.adapters.cloud_logging import structured_logger

    return structured_logger()
