"""The LangChain callback handler and the embeddings wrapper, with real langchain-core models."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest
from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult

import keywatch
from keywatch.langchain import KeywatchCallbackHandler, TrackedEmbeddings
from keywatch.reporting import Reporter
from keywatch.settings import Settings
from tests.fakes import FakePublisherClient


class QuotaChatModel(BaseChatModel):
    """A chat model whose provider SDK raises OpenAI's insufficient_quota 429."""

    model_name: str = "gpt-4o"

    @property
    def _llm_type(self) -> str:
        return "openai-chat"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        # https://platform.openai.com/docs/guides/error-codes (429 insufficient_quota)
        body = {
            "message": "You exceeded your current quota, please check your plan and billing "
            "details.",
            "type": "insufficient_quota",
            "param": None,
            "code": "insufficient_quota",
        }
        response = httpx.Response(
            429,
            json={"error": body},
            request=httpx.Request("POST", "https://api.openai.com/v1/chat/completions"),
        )
        raise openai.RateLimitError("Error code: 429", response=response, body=body)

    def _get_ls_params(self, stop: Any = None, **kwargs: Any) -> Any:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = "openai"
        params["ls_model_name"] = self.model_name
        return params


@pytest.fixture
def reporter() -> Any:
    client = FakePublisherClient()
    r = Reporter(Settings(project_id="p"), client_factory=lambda: client)
    r.client = client  # type: ignore[attr-defined]
    import keywatch.reporting as mod

    saved, mod._default = mod._default, r
    yield r
    mod._default = saved
    r.close()


def test_chat_model_error_is_reported_as_byok_quota(reporter: Any) -> None:
    """A chat call failing inside the SDK becomes a BYOK failure with the provider's code."""
    handler = KeywatchCallbackHandler(api_key="user-key", feature="summarize")
    with keywatch.request_context(uid="u5", byok={"openai"}), pytest.raises(openai.RateLimitError):
        QuotaChatModel().invoke("hi", config={"callbacks": [handler]})
    assert reporter.flush(5)
    [e] = reporter.client.events()
    assert (e["provider"], e["model"], e["source"], e["uid"]) == ("openai", "gpt-4o", "byok", "u5")
    assert (e["status_code"], e["error_code"], e["feature"]) == (
        429,
        "insufficient_quota",
        "summarize",
    )


def test_chat_model_success_is_tallied(reporter: Any) -> None:
    """A successful LangChain call counts a success for its provider and model."""
    handler = KeywatchCallbackHandler(api_key="k")
    FakeListChatModel(responses=["ok"]).invoke("hi", config={"callbacks": [handler]})
    assert reporter.flush(5)
    [tally] = reporter.client.tally_groups()
    assert tally["successes"] == 1


def test_embeddings_wrapper_reports(reporter: Any) -> None:
    """Embeddings have no callbacks in LangChain: the wrapper reports operation=embedding."""

    class Broken(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [[0.0, 1.0] for _ in texts]

        def embed_query(self, text: str) -> list[float]:
            raise TimeoutError("Request timed out.")

    emb = TrackedEmbeddings(Broken(), "openai", "text-embedding-3-small", api_key="k")
    assert len(emb.embed_documents(["a", "b"])) == 2
    with pytest.raises(TimeoutError):
        emb.embed_query("q")
    assert reporter.flush(5)
    [failure] = [e for e in reporter.client.events() if e["type"] == "failure"]
    assert failure["operation"] == "embedding" and failure["error_type"] == "TimeoutError"
