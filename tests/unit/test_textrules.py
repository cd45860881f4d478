"""The wording rules give the same answers on RE2 (one pass) and on `re` (group by group)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keywatch.core.classify import RULES
from keywatch.core.textrules import TextRules

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "provider_errors.jsonl"


def _texts() -> list[str]:
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        out.append(" ".join(str(case[k] or "") for k in ("error_code", "error_message")).lower())
        out.append(json.dumps(case["body"]).lower())
    return out


re2 = pytest.importorskip("re2")


def test_both_engines_find_the_same_groups() -> None:
    """Every group, compiled by RE2 and by `re`, hits the same corpus texts."""
    fast = TextRules(RULES.groups, engine="re2")
    slow = TextRules(RULES.groups, engine="re")
    for text in _texts():
        want = {g for g in RULES.groups if g in slow.hits(text)}
        got = {g for g in RULES.groups if g in fast.hits(text)}
        assert got == want, text[:200]


def test_every_group_compiles_alone_in_re2() -> None:
    """Each group keeps to the syntax both engines share (no look-around, no back-references)."""
    for name, pattern in RULES.groups.items():
        assert re2.compile(pattern) is not None, name


def test_the_deployed_engine_is_re2() -> None:
    """With the functions' dependencies installed, classify uses the one-pass engine."""
    assert RULES.engine == "re2"
