"""docs/benchmarks.md: every figure names a command that exists and the day it was measured."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "benchmarks.md"


def _rows() -> list[tuple[str, str, str]]:
    """(what, command, measured) of each row of the document's main table."""
    text = DOC.read_text()
    table = text[text.index("| what | figure | command | measured |") :].split("\n\n")[0]
    out = []
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        out.append((cells[0], cells[-2], cells[-1]))
    return out


def _make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z0-9_.-]+):", (REPO / "Makefile").read_text(), re.M))


@pytest.mark.parametrize(("what", "command", "measured"), _rows(), ids=lambda v: str(v)[:40])
def test_each_figure_names_a_command_that_exists_and_a_day(
    what: str, command: str, measured: str
) -> None:
    """A figure without a command that runs cannot be measured again."""
    assert re.fullmatch(r"`[^`]+`", command), (what, command)
    words = shlex.split(command.strip("`"))
    words = [w for w in words if w not in ("time", "/usr/bin/time")]
    if words[0] == "make":
        assert words[1] in _make_targets(), command
    elif "-m" in words:
        module = words[words.index("-m") + 1]
        assert importlib.util.find_spec(module) is not None, command
    else:
        scripts = [w for w in words if w.endswith(".py")]
        assert scripts and all((REPO / s).is_file() for s in scripts), command
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(, \d{4}-\d{2}-\d{2})*", measured), (what, measured)


def test_the_table_has_every_benchmark_in_bench() -> None:
    """Each bench/bench_*.py has its figure in the table."""
    named = " ".join(command for _, command, _ in _rows())
    missing = sorted(
        p.name
        for p in (REPO / "bench").glob("bench_*.py")
        if p.name not in named and not (p.name == "bench_report.py" and "make bench" in named)
    )
    assert missing == []
