"""Named groups of wording, all searched in one pass over a text.

The classifier asks of one lower-cased text which of some thirty groups of phrases it contains.
Asked one group at a time, CPython's backtracking `re` scans the text once a group, each scan
trying every alternative at every position: about 250 µs for a 200-character error message.
RE2's `Set` (google-re2: a dependency of the functions, and the `fast` extra) answers for
every group in one linear pass, about 4 µs. Without google-re2 the same patterns run on `re`
with the ASCII flag, which gives RE2's meaning of `\\b` and `\\w`, group by group and only
when asked: the same answers, slower. Patterns therefore keep to the syntax both engines
share (no look-around, no back-references); a test compiles every group with both and
compares their answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

try:  # pragma: no cover - which branch runs depends on the installation
    import re2 as _re2
except ImportError:  # pragma: no cover
    _re2 = None


class Hits:
    """Which groups a text contains: computed at once (RE2) or group by group (re)."""

    __slots__ = ("_found", "_rules", "_text")

    def __init__(self, rules: TextRules, text: str, found: frozenset[str] | None) -> None:
        self._rules = rules
        self._text = text
        self._found = found

    def __contains__(self, group: str) -> bool:
        if self._found is not None:
            return group in self._found
        return self._rules.compiled(group).search(self._text) is not None


class TextRules:
    """Named groups of patterns, searched together.

    `shards` splits the groups into several RE2 sets searched one after another: one set of
    every group can be far slower than its parts (RE2's DFA for the whole grows past its memory
    budget and is rebuilt as it goes: 2.7 ms a text against 15 us for three sets, measured on
    the corpus), so unrelated families of patterns (the wording, the transport vocabulary, the
    documented messages) each get their own.
    """

    def __init__(
        self,
        groups: Mapping[str, str],
        *,
        engine: str | None = None,
        shards: tuple[tuple[str, ...], ...] | None = None,
    ) -> None:
        self.groups = dict(groups)
        self._py: dict[str, re.Pattern[str]] = {}  # compiled on first use (about 20 ms for all)
        self._shards: list[tuple[list[str], Any]] = []
        use_re2 = engine == "re2" or (engine is None and _re2 is not None)
        if use_re2:
            if _re2 is None:
                raise RuntimeError("google-re2 is not installed")
            for names in shards or (tuple(self.groups),):
                options = _re2.Options()
                options.max_mem = 64 << 20  # the DFA of a shard's groups, with room to spare
                s = _re2.Set.SearchSet(options)
                for name in names:
                    s.Add(self.groups[name])
                s.Compile()
                self._shards.append((list(names), s))
            covered = {n for names, _ in self._shards for n in names}
            if covered != set(self.groups):
                raise ValueError(f"groups in no shard: {sorted(set(self.groups) - covered)}")
        self.shards = shards
        self.engine = "re2" if self._shards else "re"

    def hits(self, text: str) -> Hits:
        if not self._shards:
            return Hits(self, text, None)
        found: set[str] = set()
        for names, s in self._shards:
            matched = s.Match(text)
            if matched:
                found.update(names[i] for i in matched)
        return Hits(self, text, frozenset(found))

    def compiled(self, group: str) -> re.Pattern[str]:
        found = self._py.get(group)
        if found is None:
            found = self._py[group] = re.compile(self.groups[group], re.ASCII)
        return found

    def phrase(self, group: str, text: str) -> str | None:
        """The words of `text` that put it in `group` (for --explain)."""
        m = self.compiled(group).search(text)
        return m.group(0) if m else None


def any_of(*patterns: str) -> str:
    return "|".join(f"(?:{p})" for p in patterns)
