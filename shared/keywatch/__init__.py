"""keywatch: what happens after an LLM call fails.

The backend imports from here; importing keywatch pulls in neither firebase-admin, redis nor
Firestore (those are the `functions` extra).
"""

from keywatch.events import SCHEMA_VERSION, Alert, FailureEvent, Source, SuccessTally
from keywatch.fingerprint import key_fingerprint
from keywatch.settings import Settings, get_settings

__all__ = [
    "SCHEMA_VERSION",
    "Alert",
    "FailureEvent",
    "Settings",
    "Source",
    "SuccessTally",
    "get_settings",
    "key_fingerprint",
]
