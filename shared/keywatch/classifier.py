"""`keywatch.classify`: the pipeline's rules, in the backend's process.

The classify function logs every failure by these rules; a backend can ask them first and act
in process: retry, rotate to another key, or give up and tell the user.

    try:
        client.chat.completions.create(...)
    except Exception as exc:
        verdict = keywatch.classify(exc, provider="openai")
        if verdict.retryable:
            ...  # rate_limited, overloaded, server_error, timeout, network: back off and retry
        elif verdict.user_actionable:
            ...  # invalid_key, permission_denied, quota_exhausted: another key, or tell the user
        raise

Nothing here does I/O or keeps the key. The rules load on the first call (about 20 ms); with
google-re2 installed (`keywatch[fast]`) each distinct failure takes about 18 µs, 178 µs without,
and a repeated one (the same fields again) comes from a cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from keywatch.core.classify import Classification


def classify(
    error: BaseException | None = None,
    *,
    provider: str | None = None,
    status_code: int | None = None,
    error_type: str | None = None,
    error_code: str | None = None,
    message: str | None = None,
    body: Mapping[str, Any] | list[Any] | str | None = None,
    retry_after_s: float | None = None,
) -> Classification:
    """The reason for one failed LLM call, with `user_actionable` and `retryable`.

    Pass the exception an SDK raised (openai, anthropic, google-genai, botocore, httpx,
    LangChain and LiteLLM wrappers: read by duck typing, the innermost provider error first),
    or the raw fields; a field given explicitly overrides what the exception says.
    """
    from keywatch.core.classify import classify as classify_fields

    if error is not None:
        from keywatch.extract import describe_exception

        info = describe_exception(error)
        status_code = status_code if status_code is not None else info.status_code
        error_type = error_type or info.error_type
        error_code = error_code or info.error_code
        message = message or info.error_message
        retry_after_s = retry_after_s if retry_after_s is not None else info.retry_after_s
    return classify_fields(
        status_code,
        error_type,
        error_code,
        message,
        provider=provider,
        body=body,
        retry_after_s=retry_after_s,
    )
