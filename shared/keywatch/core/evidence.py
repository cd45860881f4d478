"""What a failure says about itself: its codes (innermost first), its wording, its status.

The rules (core/classify.py) never walk a body; they read the Facts gathered here. Codes are
kept with their depth, deeper being closer to the provider: an upstream error a gateway keeps
(OpenRouter's metadata.raw, LiteLLM's wrapped message) is read as the innermost. Numeric codes
(Zhipu's 1113, iFlytek's 10013, MiniMax's base_resp.status_code) are kept apart from string
codes, since only the provider's own table gives them a meaning; a number in 400-599 is also
read as the status.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping
from typing import Any

from keywatch.core.errorbody import json_text, retry_delay_s, upstream_raw

_GEMINI_BLOCK_FINISH = frozenset(
    {"safety", "prohibited_content", "blocklist", "spii", "recitation", "image_safety"}
)


class Facts:
    """Codes (with their depth: deeper is closer to the provider), numbers and wording."""

    __slots__ = ("codes", "numbers", "status", "texts", "wait_s")

    def __init__(self) -> None:
        self.codes: list[tuple[int, str]] = []
        self.numbers: list[tuple[int, str]] = []  # numeric codes, as digits
        self.texts: list[str] = []
        self.status: int | None = None
        self.wait_s: float | None = None  # a wait the provider asked for, in seconds

    def add_text(self, value: str) -> None:
        if value not in self.texts:  # the body's message is often the exception's too
            self.texts.append(value)

    def code(self, value: object, depth: int, *, as_text: bool = True) -> None:
        if value.__class__ is bool:
            return
        if value.__class__ is int:
            self.number(str(value), depth)
            return
        if not isinstance(value, str) or not value:
            return
        if value.isdigit():  # Azure's "429", LiteLLM's "400": the status again
            self.number(value, depth)
            return
        self.codes.append((depth, value.strip().lower()))
        if as_text:
            self.add_text(value)

    def number(self, digits: str, depth: int) -> None:
        if len(digits) > 12:
            return
        self.numbers.append((depth, digits.lstrip("0") or "0"))
        self.status_at(int(digits))

    def status_at(self, value: int) -> None:
        if 400 <= value <= 599:
            self.status = value  # the last read is the innermost

    def innermost(self) -> list[str]:
        """The string codes, innermost first."""
        return [c for _, c in sorted(self.codes, key=lambda dc: -dc[0])]

    def innermost_numbers(self) -> list[str]:
        return [c for _, c in sorted(self.numbers, key=lambda dc: -dc[0])]


_RAW_DEPTH_BONUS = 16  # an upstream error kept by a gateway is closer to the provider
_MAX_DEPTH = 3 * _RAW_DEPTH_BONUS  # room for two gateways, each a few levels deep

_CODE_KEYS = (
    "type",
    "code",
    "Code",  # Tencent Cloud API 3.0 Response.Error, botocore Error
    "status",
    "reason",
    "error_code",
    "errorCode",
    "type_",
    "__type",
    "status_code",  # MiniMax base_resp
    "errcode",
    "err_code",
)
_TEXT_KEYS = (
    "message",
    "Message",
    "msg",
    "detail",
    "error_description",
    "errorMessage",
    "error_msg",  # Baidu
    "status_msg",  # MiniMax base_resp
    "errmsg",
    "errorMsg",
)
_NESTED_KEYS = (
    "details",
    "innererror",
    "errors",
    "violations",
    "provider_specific_fields",
    "Error",
    "base_resp",  # MiniMax
    "header",  # iFlytek Spark
    "Response",  # Tencent Cloud API 3.0
)
_EXTRA_TEXT_KEYS = ("quotaId", "quotaMetric", "description", "domain")


def read_body(body: object, facts: Facts) -> None:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        parsed = json_text(body)
        if parsed is None:
            facts.add_text(body)
            return
        body = parsed
    _collect(body, facts, 0)


def read_embedded(message: str, facts: Facts) -> None:
    """An error re-wrapped as text ("AnthropicError - {...}", openai's "Error code: 400 -
    {'error': {...}}"): the structure inside is the provider's own, read as the innermost."""
    start = message.find("{")
    end = message.rfind("}")
    if start < 0 or end <= start or end - start > 20_000:
        return
    chunk = message[start : end + 1]
    try:
        parsed: object = json.loads(chunk)
    except ValueError:
        try:
            parsed = ast.literal_eval(chunk)  # a Python repr of the body: literals only
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return
    _collect(parsed, facts, _RAW_DEPTH_BONUS)


# Each key the reader knows, with what it holds and its rank among its kind: a body is read in
# one pass over its own keys (a few), not by asking it for each of some forty.
_CODE, _TEXT, _EXTRA, _ERROR, _NESTED = range(5)
_KIND: dict[str, tuple[int, int]] = {}
for _kind, _keys in (
    (_CODE, _CODE_KEYS),
    (_TEXT, _TEXT_KEYS),
    (_EXTRA, _EXTRA_TEXT_KEYS),
    (_ERROR, ("error",)),
    (_NESTED, _NESTED_KEYS),
):
    for _rank, _k in enumerate(_keys):
        _KIND.setdefault(_k, (_kind, _rank))


def _collect(node: object, facts: Facts, depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if node.__class__ is list:
        for item in node[:8]:
            _collect(item, facts, depth + 1)
        return
    if node.__class__ is not dict and not isinstance(node, Mapping):
        return
    found: list[list[tuple[int, Any]]] = [[], [], [], [], []]
    exceptions: list[tuple[str, Any]] = []
    kind_of = _KIND.get
    for key, value in node.items():
        kind = kind_of(key)
        if kind is not None:
            if value is not None:
                found[kind[0]].append((kind[1], key, value))  # type: ignore[arg-type]
        elif key.__class__ is str and key.endswith("Exception") and isinstance(value, Mapping):
            exceptions.append((key, value))  # Bedrock stream events: {"throttlingException": …}
    codes, texts, extra, error, nested = (sorted(f) if len(f) > 1 else f for f in found)
    for _, key, value in codes:  # type: ignore[misc]
        if key == "type" and value == "error":  # Anthropic's envelope
            continue
        if key == "__type" and isinstance(value, str):  # AWS JSON: "prefix#ThrottlingException"
            value = re.split(r"[#:]", value)[-1] if "#" in value else value.split(":")[0]
        if isinstance(value, str) and len(value) > 200:
            continue
        facts.code(value, depth)
    if codes and node.get("code") == "bad_response_status_code":
        # new-api names the upstream's status in `param` (relay/helper: "bad response status
        # code %d"): the upstream's answer is the innermost status.
        param = node.get("param")
        if isinstance(param, str) and param.isdigit():
            facts.status_at(int(param))
    for _, _key, value in texts:  # type: ignore[misc]
        if isinstance(value, str):
            facts.add_text(value)
        elif isinstance(value, Mapping | list):  # Mistral's 422, FastAPI's detail list
            _collect(value, facts, depth + 1)
            facts.add_text(str(value))
    for _, _key, value in extra:  # type: ignore[misc]
        if isinstance(value, str):
            facts.add_text(value)
    if "retryDelay" in node:  # google.rpc.RetryInfo
        delay = retry_delay_s(node)
        if delay is not None:
            facts.wait_s = delay
    for _, _key, value in error:  # type: ignore[misc]
        if isinstance(value, str):  # xAI {"code": ..., "error": "..."}, plain {"error": "..."}
            facts.add_text(value)
        else:
            _collect(value, facts, depth + 1)
    for _, _key, value in nested:  # type: ignore[misc]
        if isinstance(value, Mapping | list):
            _collect(value, facts, depth + 1)
    if "ResponseMetadata" in node:  # botocore ClientError.response
        meta = node.get("ResponseMetadata")
        if isinstance(meta, Mapping):
            facts.code(meta.get("HTTPStatusCode"), depth)
    for key, value in exceptions:
        facts.code(key, depth + 1)
        _collect(value, facts, depth + 1)
    if "metadata" in node:
        _read_gateway(node, facts, depth)
    if "promptFeedback" in node or "candidates" in node or "choices" in node:
        _read_blocks(node, facts, depth)


def _read_gateway(node: Mapping[str, Any], facts: Facts, depth: int) -> None:
    """OpenRouter keeps the upstream error in metadata.raw, sometimes as a JSON string."""
    metadata = node.get("metadata")
    if not isinstance(metadata, Mapping):
        return
    if "flagged_input" in metadata or "reasons" in metadata:  # moderation
        facts.code("moderation_blocked", depth + 1)
    raw = upstream_raw(node)
    if isinstance(raw, str):
        facts.add_text(raw)
    elif raw is not None:
        _collect(raw, facts, depth + _RAW_DEPTH_BONUS)


def _read_blocks(node: Mapping[str, Any], facts: Facts, depth: int) -> None:
    """A 200 whose content was withheld: Gemini blockReason/finishReason, OpenAI finish_reason."""
    feedback = node.get("promptFeedback")
    if isinstance(feedback, Mapping) and feedback.get("blockReason"):
        facts.code("content_filter", depth + 1)
        facts.add_text(str(feedback.get("blockReason")))
    for key in ("candidates", "choices"):
        items = node.get(key)
        if not isinstance(items, list):
            continue
        for item in items[:4]:
            if not isinstance(item, Mapping):
                continue
            finish = item.get("finishReason") or item.get("finish_reason")
            if not isinstance(finish, str):
                continue
            finish = finish.lower()
            if finish in _GEMINI_BLOCK_FINISH or finish == "content_filter":
                facts.code("content_filter", depth + 1)
