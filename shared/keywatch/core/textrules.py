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
    """Which groups a text contains. With RE2 the first shard (the wording every decision
    reads) is searched at once and each other shard the first time one of its groups is asked
    about (a decision taken on the wording never searches the documented messages); with `re`,
    group by group."""

    __slots__ = ("_found", "_rules", "_searched", "_text")

    def __init__(self, rules: TextRules, text: str) -> None:
        self._rules = rules
        self._text = text
        self._found: set[str] = set()
        self._searched = 1  # a bit per shard already searched
        if rules._shards:
            names, s = rules._shards[0]
            matched = s.Match(text)
            if matched:
                self._found.update(names[i] for i in matched)

    def __contains__(self, group: str) -> bool:
        if group in self._found:
            return True
        rules = self._rules
        if not rules._shards:
            return rules.compiled(group).search(self._text) is not None
        shard = rules._later.get(group)
        if shard is None or self._searched & (1 << shard):
            return False
        self._search(shard)
        return group in self._found

    def _search(self, shard: int) -> None:
        self._searched |= 1 << shard
        names, s = self._rules._shards[shard]
        matched = s.Match(self._text)
        if matched:
            self._found.update(names[i] for i in matched)

    def among(self, groups: frozenset[str]) -> set[str]:
        """Which of `groups` the text contains (one search per shard, with RE2)."""
        rules = self._rules
        if not rules._shards:
            return {g for g in groups if g in self}
        for shard in {rules._shard_of[g] for g in groups}:
            if not self._searched & (1 << shard):
                self._search(shard)
        return self._found & groups


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
        self._shard_of: dict[str, int] = {}
        self._later: dict[str, int] = {}
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
            self._shard_of = {n: i for i, (names, _) in enumerate(self._shards) for n in names}
            # The groups of every shard after the first, searched when first asked about.
            self._later = {n: i for n, i in self._shard_of.items() if i}
            if set(self._shard_of) != set(self.groups):
                missing = sorted(set(self.groups) - set(self._shard_of))
                raise ValueError(f"groups in no shard: {missing}")
        self.shards = shards
        self.engine = "re2" if self._shards else "re"

    def hits(self, text: str) -> Hits:
        return Hits(self, text)

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
