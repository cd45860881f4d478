"""LangChain capture (the `langchain` extra): a callback handler for chat models and LLMs, and
a wrapper for embeddings (LangChain's Embeddings interface has no callbacks).

    handler = KeywatchCallbackHandler(api_key=user_key, feature="chat")
    llm = ChatOpenAI(model="gpt-4o", api_key=user_key, callbacks=[handler])

Provider and model come from LangChain's own `ls_provider` / `ls_model_name` metadata; the
BYOK context (`keywatch.request_context`) says whose key it was.
"""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.embeddings import Embeddings

from keywatch.scrub import KeyScrubber
from keywatch.track import track

# LangChain's ls_provider names -> keywatch's provider names.
_PROVIDERS = {
    "google_genai": "gemini",
    "google_vertexai": "vertex_ai",
    "azure": "azure_openai",
    "amazon_bedrock": "bedrock",
    "bedrock_converse": "bedrock",
}


class KeywatchCallbackHandler(BaseCallbackHandler):
    """Reports each chat model / LLM run: an error as a failure event, an end as a success."""

    raise_error = False  # a reporting problem must never break the chain

    def __init__(
        self,
        *,
        api_key: str | None = None,
        key_fingerprint: str | None = None,
        feature: str | None = None,
        provider: str | None = None,
        model: str | None = None,
    ) -> None:
        # A scrubber and a fingerprint, never the key as a plain attribute (handlers are
        # printed, logged and serialised by LangChain's tracers).
        self._options: dict[str, Any] = {
            "api_key": KeyScrubber(api_key) if api_key else None,
            "key_fingerprint": key_fingerprint,
            "feature": feature,
        }
        self._provider = provider
        self._model = model
        self._runs: dict[UUID, track] = {}
        self._lock = threading.Lock()

    def _start(
        self, serialized: dict[str, Any] | None, run_id: UUID, kwargs: dict[str, Any]
    ) -> None:
        metadata = kwargs.get("metadata") or {}
        params = kwargs.get("invocation_params") or {}
        provider = self._provider or metadata.get("ls_provider") or _from_serialized(serialized)
        model = (
            self._model
            or metadata.get("ls_model_name")
            or params.get("model")
            or params.get("model_name")
            or "unknown"
        )
        provider = _PROVIDERS.get(str(provider), str(provider or "unknown"))
        t = track(provider, str(model), operation="chat", **self._options)
        with self._lock:
            self._runs[run_id] = t

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: Any, *, run_id: UUID, **kwargs: Any
    ) -> None:
        self._start(serialized, run_id, kwargs)

    def on_llm_start(
        self, serialized: dict[str, Any], prompts: list[str], *, run_id: UUID, **kwargs: Any
    ) -> None:
        self._start(serialized, run_id, kwargs)

    def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        with self._lock:
            t = self._runs.pop(run_id, None)
        if t is not None:
            t.succeeded()

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        with self._lock:
            t = self._runs.pop(run_id, None)
        if t is not None:
            t.failed(error)


def _from_serialized(serialized: dict[str, Any] | None) -> str | None:
    # e.g. ["langchain", "chat_models", "openai", "ChatOpenAI"] -> "openai"
    ident = (serialized or {}).get("id") or []
    return str(ident[-2]) if len(ident) >= 2 else None


class TrackedEmbeddings(Embeddings):
    """Wraps any LangChain Embeddings so that its calls are reported like chat calls."""

    def __init__(self, inner: Embeddings, provider: str, model: str, **options: Any) -> None:
        self.inner = inner
        self._args = (provider, model)
        self._options = {"operation": "embedding", **options}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with track(*self._args, **self._options):
            result: list[list[float]] = self.inner.embed_documents(texts)
            return result

    def embed_query(self, text: str) -> list[float]:
        with track(*self._args, **self._options):
            result: list[float] = self.inner.embed_query(text)
            return result

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        async with track(*self._args, **self._options):
            result: list[list[float]] = await self.inner.aembed_documents(texts)
            return result

    async def aembed_query(self, text: str) -> list[float]:
        async with track(*self._args, **self._options):
            result: list[float] = await self.inner.aembed_query(text)
            return result
