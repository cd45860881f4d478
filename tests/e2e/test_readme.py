"""The README's code is real: its Python snippet runs against the local stack."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2  # what the openai SDK is built on
import openai
import pytest

import keywatch
import keywatch.reporting as reporting
from keywatch_ops.devstack.stack import Stack
from tests.e2e.conftest import eventually, log_entries

pytestmark = pytest.mark.e2e
README = Path(__file__).resolve().parents[2] / "README.md"


@dataclass
class User:
    id: str
    brings_own_openai_key: bool


def openai_answers_401(request: Any) -> Any:
    # https://platform.openai.com/docs/guides/error-codes (401 invalid_api_key)
    return httpx2.Response(
        401,
        json={
            "error": {
                "message": "Incorrect API key provided: sk-proj-****abcd. You can find your "
                "API key at https://platform.openai.com/account/api-keys.",
                "type": "invalid_request_error",
                "param": None,
                "code": "invalid_api_key",
            }
        },
    )


def test_readme_snippet_reports_a_byok_failure(stack: Stack) -> None:
    """The integration snippet, driven by a real openai client, lands in classify's log."""
    block = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)[0]  # integrating
    saved, reporting._default = reporting._default, None  # the snippet's init() builds one
    try:
        namespace: dict[str, Any] = {}
        exec(compile(block, str(README), "exec"), namespace)
        client = openai.OpenAI(
            api_key="the user's key",
            max_retries=0,
            http_client=httpx2.Client(transport=httpx2.MockTransport(openai_answers_401)),
        )
        with pytest.raises(openai.AuthenticationError):
            namespace["summarize"](client, User("readme-user", True), "hello")
        assert keywatch.reporter().flush(30)
    finally:
        keywatch.reporter().close()
        reporting._default = saved
    [entry] = eventually(lambda: log_entries(stack, "classify", uid="readme-user"), what="log")
    assert (entry["source"], entry["reason"], entry["status"]) == ("byok", "invalid_key", 401)
    assert entry["key_fingerprint"] == keywatch.key_fingerprint("the user's key")
