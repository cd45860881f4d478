"""The reasons a failure can have, and what each one means for the key's owner and the provider.

Kept apart from the rules (core/classify.py) so that the data modules of core/tables can name
reasons without importing the rules that read them.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    INVALID_KEY = "invalid_key"
    PERMISSION_DENIED = "permission_denied"
    QUOTA_EXHAUSTED = "quota_exhausted"
    RATE_LIMITED = "rate_limited"
    MODEL_NOT_FOUND = "model_not_found"
    CONTEXT_LENGTH = "context_length"
    CONTENT_FILTER = "content_filter"
    BAD_REQUEST = "bad_request"
    OVERLOADED = "overloaded"
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    NETWORK = "network"
    UNKNOWN = "unknown"


# The key's owner must act (fix, replace or top up the key).
USER_ACTIONABLE = frozenset({Reason.INVALID_KEY, Reason.PERMISSION_DENIED, Reason.QUOTA_EXHAUSTED})
RETRYABLE = frozenset(
    {Reason.RATE_LIMITED, Reason.OVERLOADED, Reason.SERVER_ERROR, Reason.TIMEOUT, Reason.NETWORK}
)
# The provider's fault: these count against its health when no retry recovered them.
PROVIDER_FAULT = frozenset(
    {Reason.OVERLOADED, Reason.SERVER_ERROR, Reason.TIMEOUT, Reason.NETWORK, Reason.UNKNOWN}
)
