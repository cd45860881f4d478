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

A bounded gap (`[^.\\n]{0,80}?`) must not go into a Set: the Set's DFA tracks every gap of
every group at once, so its states multiply, nearly every new text builds new ones (0.3 to
1.4 ms a text where a known one takes 10 us) and the state cache fills and is thrown away. So
each group is split into its alternatives; those without a counted repetition go into the Set,
and each one with a gap is searched alone, only when the Set found both what must come before
its first gap and what must come after its last (added to the Set as plain patterns). A match
of the whole alternative contains a match of each, so the answers are the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

try:  # pragma: no cover - which branch runs depends on the installation
    import re2 as _re2
except ImportError:  # pragma: no cover
    _re2 = None


def _skip_class(p: str, i: int) -> int:
    """The index just past the character class that starts at p[i] == '['."""
    i += 1
    if p[i : i + 1] == "^":
        i += 1
    if p[i : i + 1] == "]":
        i += 1
    while p[i] != "]":
        i += 2 if p[i] == "\\" else 1
    return i + 1


def _atoms(p: str) -> list[tuple[int, int, int]]:
    """The top-level pieces of a pattern: (start, end of the atom, end of its quantifier).
    A top-level '|' is an atom of its own, start == end == its index, quantifier empty."""
    out: list[tuple[int, int, int]] = []
    i = 0
    n = len(p)
    while i < n:
        c = p[i]
        start = i
        if c == "|":
            out.append((i, i, i + 1))
            i += 1
            continue
        if c == "\\":
            i += 2
        elif c == "[":
            i = _skip_class(p, i)
        elif c == "(":
            depth = 0
            while True:
                c = p[i]
                if c == "\\":
                    i += 2
                    continue
                if c == "[":
                    i = _skip_class(p, i)
                    continue
                i += 1
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        break
        else:
            i += 1
        end = i
        if i < n and p[i] in "*+?":
            i += 1
        elif i < n and p[i] == "{" and re.match(r"\{\d*(?:,\d*)?\}", p[i:]):
            i = p.index("}", i) + 1
        if end < i and i < n and p[i] == "?":  # lazy
            i += 1
        out.append((start, end, i))
    return out


def _alternatives(p: str) -> list[str]:
    """The top-level alternatives of a pattern, groups that enclose a whole one opened."""
    if _INLINE_FLAGS.search(p):  # "(?i)" reaches past a '|': keep the pattern whole
        return [p]
    pieces = _atoms(p)
    if any(s == e for s, e, _ in pieces):  # a top-level '|'
        out: list[str] = []
        start = 0
        for s, e, _ in pieces:
            if s == e:
                out.extend(_alternatives(p[start:s]))
                start = s + 1
        out.extend(_alternatives(p[start:]))
        return out
    if len(pieces) == 1 and pieces[0][1] == pieces[0][2] and p.startswith("(?:"):
        return _alternatives(p[3:-1])
    return [p]


_COUNTED = re.compile(r"\{\d*,\d*\}")
_INLINE_FLAGS = re.compile(r"\(\?[imsU-]+\)")


def _gates(p: str) -> tuple[str, ...] | None:
    """What every match of a gapped alternative contains: the part before its first
    top-level counted repetition and the part after its last. None: it has a counted
    repetition inside a group, or nothing to gate on."""
    pieces = _atoms(p)
    gaps = [(s, q) for s, e, q in pieces if _COUNTED.fullmatch(p[e:q].rstrip("?"))]
    if len(_COUNTED.findall(p)) != len(gaps):
        return None
    gates = tuple(g for g in (p[: gaps[0][0]], p[gaps[-1][1] :]) if g.replace(r"\b", ""))
    return gates or None


class _Shard:
    """One RE2 set of groups, their gapped alternatives searched alone behind gates."""

    __slots__ = ("_by_gate", "_names", "_set")

    def __init__(self, groups: Mapping[str, str]) -> None:
        assert _re2 is not None
        options = _re2.Options()
        options.max_mem = 64 << 20  # the DFA of the set, with room to spare
        index: dict[str, int] = {}
        names: list[frozenset[str]] = []

        def add(pattern: str) -> int:
            if pattern not in index:
                index[pattern] = len(index)
                names.append(frozenset())
            return index[pattern]

        gapped: dict[str, set[str]] = {}  # each gapped alternative, with its groups
        for name, pattern in groups.items():
            plain = []
            for alt in _alternatives(pattern):
                if _COUNTED.search(alt) and _gates(alt):
                    gapped.setdefault(alt, set()).add(name)
                else:  # no gap, or nothing to gate on: the set searches it whole
                    plain.append(alt)
            if plain:
                # A group's plain alternatives stay one pattern: one index a group, not one an
                # alternative, for the set to report and this class to read.
                i = add("|".join(f"(?:{alt})" for alt in plain))
                names[i] = names[i] | {name}
        alone: list[tuple[frozenset[int], frozenset[str], Any]] = []
        for alt, owner in gapped.items():
            need = frozenset(add(part) for part in _gates(alt) or ())
            # Alone, a gapped alternative is a small program: RE2 (unlike a set) falls back
            # to its NFA rather than fail if its DFA runs out of memory.
            alone.append((need, frozenset(owner), _re2.compile(alt)))
        s = _re2.Set.SearchSet(options)
        for pattern in index:
            s.Add(pattern)
        s.Compile()
        # For each gate, the gapped alternatives it opens (each checked once all its gates
        # fired): the few a text opens are searched, not all of them.
        by_gate: dict[int, list[tuple[frozenset[int], frozenset[str], Any]]] = {}
        for entry in alone:
            for i in entry[0]:
                by_gate.setdefault(i, []).append(entry)
        self._set = s
        self._names = names
        self._by_gate = by_gate

    def match(self, data: bytes, text: str) -> set[str]:
        matched = self._set.Match(data)
        if not matched:
            return set()
        names = self._names
        found: set[str] = set().union(*[names[i] for i in matched])
        by_gate = self._by_gate
        if by_gate:
            opened = [e for i in matched if i in by_gate for e in by_gate[i]]
            if opened:
                fired = set(matched)
                for need, owner, alone in opened:
                    if not owner <= found and need <= fired and alone.search(text) is not None:
                        found |= owner
        return found


class Hits:
    """Which groups a text contains. With RE2 the first shard (the wording every decision
    reads) is searched at once and each other shard the first time one of its groups is asked
    about (a decision taken on the wording never searches the documented messages); with `re`,
    group by group."""

    __slots__ = ("_data", "_found", "_rules", "_searched", "_text")

    def __init__(self, rules: TextRules, text: str) -> None:
        self._rules = rules
        self._text = text
        self._searched = 1  # a bit per shard already searched
        if rules._shards:
            self._data = text.encode()  # once, for every shard
            self._found = rules._shards[0].match(self._data, text)
        else:
            self._found = set()

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
        self._found |= self._rules._shards[shard].match(self._data, self._text)

    def among(self, groups: frozenset[str]) -> set[str]:
        """Which of `groups` the text contains (one search per shard, with RE2)."""
        rules = self._rules
        if not rules._shards:
            return {g for g in groups if g in self}
        shards = rules._shards_of.get(groups)
        if shards is None:
            shards = rules._shards_of[groups] = frozenset(rules._shard_of[g] for g in groups)
        for shard in shards:
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
        self._shards: list[_Shard] = []
        self._shard_names: list[tuple[str, ...]] = []
        self._shard_of: dict[str, int] = {}
        self._later: dict[str, int] = {}
        self._shards_of: dict[frozenset[str], frozenset[int]] = {}  # for among()
        use_re2 = engine == "re2" or (engine is None and _re2 is not None)
        if use_re2:
            if _re2 is None:
                raise RuntimeError("google-re2 is not installed")
            for names in shards or (tuple(self.groups),):
                self._shards.append(_Shard({n: self.groups[n] for n in names}))
                self._shard_names.append(tuple(names))
            self._shard_of = {n: i for i, names in enumerate(self._shard_names) for n in names}
            # The groups of every shard after the first, searched when first asked about.
            self._later = {n: i for n, i in self._shard_of.items() if i}
            if set(self._shard_of) != set(self.groups):
                missing = sorted(set(self.groups) - set(self._shard_of))
                raise ValueError(f"groups in no shard: {missing}")
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
