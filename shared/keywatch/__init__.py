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

__all__ = [
    "SCHEMA_VERSION",
    "Alert",
    "Classification",
    "FailureEvent",
    "KeywatchContextMiddleware",
    "Reason",
    "Reporter",
    "RequestContext",
    "Settings",
    "Source",
    "SuccessTally",
    "TallyBatch",
    "TallyGroup",
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
]


def __getattr__(name: str) -> Any:
    # The classifier's types load with its rules, on first use, not with `import keywatch`.
    if name in ("Classification", "Reason"):
        from keywatch.core import classify as core

        return getattr(core, name)
    raise AttributeError(f"module 'keywatch' has no attribute {name!r}")
