"""keywatch: what happens after an LLM call fails.

The backend's surface. Importing keywatch pulls in neither firebase-admin, redis, Firestore nor
even google-cloud-pubsub (loaded by the reporter's thread on first use); LangChain capture lives
in `keywatch.langchain` (the `langchain` extra).

    import keywatch

    keywatch.init()                                   # once, at start-up (KEYWATCH_* settings)
    with keywatch.request_context(uid=user.id, byok={"openai"}):
        with keywatch.track("openai", "gpt-4o", api_key=key, feature="chat"):
            client.chat.completions.create(...)

    keywatch.classify(exc, provider="openai")         # the pipeline's reason, in process
    keywatch.validate_key("openai", key, uid=user.id)  # the app's "save key" check
"""

from typing import TYPE_CHECKING, Any

from keywatch.classifier import classify
from keywatch.context import (
    KeywatchContextMiddleware,
    RequestContext,
    carry,
    current,
    request_context,
    submit,
)
from keywatch.events import (
    SCHEMA_VERSION,
    Alert,
    FailureEvent,
    Source,
    SuccessTally,
    TallyBatch,
    TallyGroup,
)
from keywatch.fingerprint import key_fingerprint, set_fingerprint_secret
from keywatch.reporting import Reporter, init, report, reporter, success
from keywatch.settings import Settings, get_settings
from keywatch.track import track, tracked

if TYPE_CHECKING:
    from keywatch.core.classify import Classification, Reason
    from keywatch.validate import KeyCheck, KeyCheckResult, avalidate_key, validate_key

_VALIDATE = ("KeyCheck", "KeyCheckResult", "avalidate_key", "validate_key")

__all__ = [
    "SCHEMA_VERSION",
    "Alert",
    "Classification",
    "FailureEvent",
    "KeyCheck",
    "KeyCheckResult",
    "KeywatchContextMiddleware",
    "Reason",
    "Reporter",
    "RequestContext",
    "Settings",
    "Source",
    "SuccessTally",
    "TallyBatch",
    "TallyGroup",
    "avalidate_key",
    "carry",
    "classify",
    "current",
    "get_settings",
    "init",
    "key_fingerprint",
    "report",
    "reporter",
    "request_context",
    "set_fingerprint_secret",
    "submit",
    "success",
    "track",
    "tracked",
    "validate_key",
]


def __getattr__(name: str) -> Any:
    # The classifier's types load with its rules, on first use, not with `import keywatch`.
    if name in ("Classification", "Reason"):
        from keywatch.core import classify as core

        return getattr(core, name)
    if name in _VALIDATE:
        # The key check loads ssl and its endpoint table on first use, not with `import keywatch`.
        from keywatch import validate

        return getattr(validate, name)
    raise AttributeError(f"module 'keywatch' has no attribute {name!r}")
