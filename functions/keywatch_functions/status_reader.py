"""The status page's one port: read the health database's documents the page shows.

The adapter (adapters/status_docs.py, `FirestoreStatusDocs`) reads them with bounded queries;
the page (status.py) sees only this Protocol, so its tests hand it a fake.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from keywatch.core.statuspage import StatusDocs


class StatusReader(Protocol):
    def read(self, days_since: date, incidents_since: datetime) -> StatusDocs:
        """Every provider and model document, the daily documents dated `days_since` or later,
        and the incidents open or opened at `incidents_since` or later, within the reader's
        limits (StatusDocs.truncated says when one was reached). Raises StatusReadError."""
        ...
