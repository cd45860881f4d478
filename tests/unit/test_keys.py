"""Every Redis key keywatch writes is named by keywatch.core.keys.Layout, under its prefix."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime
from pathlib import Path

from keywatch.core.keys import Layout

REPO = Path(__file__).resolve().parents[2]
SAMPLE: dict[str, object] = {
    "int": 29_000_000,
    "datetime": datetime(2026, 12, 7, tzinfo=UTC),
    "Iterable[int]": [7, 8],
}


def _names(layout: Layout) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, member in inspect.getmembers(Layout):
        if name.startswith("_") or name in ("prefix", "pending", "on_channel"):
            continue
        if isinstance(member, property):
            out[name] = getattr(layout, name)
            continue
        params = list(inspect.signature(member).parameters.values())[1:]
        args = [SAMPLE.get(str(p.annotation), f"<{p.name}>") for p in params]
        got = getattr(layout, name)(*args)
        for i, key in enumerate(got if isinstance(got, list) else [got]):
            out[f"{name}[{i}]"] = key
    return out


def test_every_name_starts_with_the_prefix_so_one_setting_moves_them_all() -> None:
    """KEYWATCH_COUNTING_PREFIX renames every key classify, notify and health use."""
    names = _names(Layout("zz"))
    assert len(names) > 25
    assert {n for n, key in names.items() if not key.startswith("zz:")} == set()
    assert names == {n: k.replace("kw:", "zz:", 1) for n, k in _names(Layout()).items()}


def test_the_incident_keys_share_one_cluster_slot() -> None:
    """A script's keys must hash to one slot in a cluster: the guard's share a hash tag."""
    layout = Layout()
    keys = [
        layout.incident_open("openai", "invalid_key"),
        layout.incident_baseline("openai", "invalid_key", 7),
        layout.incident_bucket("openai", "invalid_key", 7),
    ]
    assert {re.search(r"\{([^}]*)\}", k).group(1) for k in keys} == {"inc:openai:invalid_key"}  # type: ignore[union-attr]


def test_no_module_but_the_layout_spells_a_key_name() -> None:
    """A `kw:` literal anywhere else in the code would escape the prefix setting."""
    found = []
    for room in ("shared", "functions", "ops"):
        for path in (REPO / room).rglob("*.py"):
            if path.name == "keys.py":
                continue
            for i, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"""f?["']kw:""", line):
                    found.append(f"{path.relative_to(REPO)}:{i}")
    assert found == []
