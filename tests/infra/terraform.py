"""infra/*.tf read with python-hcl2, into plain values the tests can compare with the code."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
HCL2_OPTIONS = hcl2.SerializationOptions(with_comments=False)
_LOCAL_REF = re.compile(r"^\$\{local\.([A-Za-z0-9_.]+)\}$")


def tf_files() -> list[Path]:
    return sorted(INFRA.glob("*.tf"))


def unquote(value: Any) -> Any:
    """hcl2 keeps a string literal's quotes and escapes: '"a \\"b\\""' is the string 'a "b"'.
    Its bookkeeping keys (`__is_block__`, ...) are dropped."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            decoded: str = json.loads(value)
        except ValueError:  # an expression that merely starts and ends with a string
            return value
        return decoded
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [unquote(v) for v in value]
    return value


@dataclass
class Config:
    resources: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    data: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    text: str = ""

    def resource(self, rtype: str, name: str) -> dict[str, Any]:
        return self.resources[rtype][name]

    def local(self, dotted: str) -> Any:
        value: Any = self.locals
        for part in dotted.split("."):
            value = value[part]
        return value

    def resolve(self, value: Any) -> Any:
        """A `${local.a.b}` reference, followed; anything else, as it is."""
        if isinstance(value, str) and (m := _LOCAL_REF.match(value)):
            return self.resolve(self.local(m.group(1)))
        return value


def load() -> Config:
    cfg = Config()
    texts = []
    for path in tf_files():
        text = path.read_text()
        texts.append(text)
        doc = unquote(hcl2.loads(text, serialization_options=HCL2_OPTIONS))
        for block in doc.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    cfg.resources.setdefault(rtype, {})[name] = body
        for block in doc.get("data", []):
            for dtype, named in block.items():
                for name, body in named.items():
                    cfg.data.setdefault(dtype, {})[name] = body
        for block in doc.get("locals", []):
            cfg.locals.update(block)
        for block in doc.get("variable", []):
            cfg.variables.update(block)
    cfg.text = "\n".join(texts)
    return cfg
