"""`keywatch classify --coverage`: does every documented code get the reason its table gives it?

For each entry of every published table (keywatch.core.tables), the error its source documents
is rebuilt (the provider, the status, the code in the body, the documented message) and
classified; for each term of every runtime's network vocabulary, the phrase or class alone is.
An entry is covered when the rules give it the table's reason; for a limit code (By.WINDOW) any
limit reason the wording justifies (rate_limited, quota_exhausted, overloaded) counts, and for a
code the provider reuses for many things (By.WORDING) anything but unknown. The report names,
per provider and source, how many are covered and which are not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from keywatch.core.classify import Reason, classify
from keywatch.core.tables import (
    TABLES,
    VOCABULARIES,
    By,
    Code,
    ErrorTable,
    Kind,
    Term,
    is_status_table,
)

_LIMITS = frozenset({Reason.RATE_LIMITED, Reason.QUOTA_EXHAUSTED, Reason.OVERLOADED})


@dataclass(frozen=True, slots=True)
class Row:
    owner: str  # a provider, or a runtime
    source: str
    code: str
    want: Reason
    got: Reason
    covered: bool


def _body(table: ErrorTable, entry: Code) -> dict[str, Any]:
    value: object = int(entry.code) if entry.code.isdigit() else entry.code
    error: dict[str, Any] = {"code": value}
    if entry.message:
        error["message"] = entry.message
    return {"error": error}


def _entry_covered(entry: Code, got: Reason) -> bool:
    if entry.by is By.WINDOW:
        return got is entry.reason or got in _LIMITS
    if entry.by is By.WORDING:
        return got is entry.reason or got is not Reason.UNKNOWN
    return got is entry.reason


def table_rows(tables: Iterable[ErrorTable] = TABLES) -> Iterator[Row]:
    for table in tables:
        for entry in table.codes:
            if is_status_table(table):
                status = entry.status if entry.status is not None else _int(entry.code)
                got = classify(status, None, None, entry.message or None, provider=table.provider)
            else:
                got = classify(
                    entry.status,
                    None,
                    None,
                    entry.message or None,
                    provider=table.provider,
                    body=_body(table, entry),
                )
            yield Row(
                table.provider,
                table.source,
                entry.code,
                entry.reason,
                got.reason,
                _entry_covered(entry, got.reason),
            )


def _int(code: str) -> int | None:
    return int(code) if code.isdigit() and 100 <= int(code) <= 599 else None


def _term_got(term: Term) -> Reason:
    if term.kind is Kind.CLASS:
        return classify(None, term.text, None, None).reason
    return classify(None, None, None, term.text).reason


def vocabulary_rows() -> Iterator[Row]:
    for vocabulary in VOCABULARIES:
        for term in vocabulary.terms:
            got = _term_got(term)
            yield Row(
                vocabulary.runtime,
                vocabulary.source,
                term.text,
                term.reason,
                got,
                got is term.reason,
            )


def coverage_lines(out: IO[str], *, missing: bool = True) -> int:
    """Prints coverage per provider and source, with the codes not covered; returns the number
    of entries not covered."""
    rows = [*table_rows(), *vocabulary_rows()]
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.owner, row.source), []).append(row)
    out.write(f"{'provider or runtime':<26}{'codes':>6}{'covered':>9}  source\n")
    for (owner, source), items in sorted(groups.items()):
        covered = sum(r.covered for r in items)
        out.write(f"{owner[:25]:<26}{len(items):>6}{covered:>9}  {source}\n")
        if missing:
            for r in items:
                if not r.covered:
                    out.write(
                        f"    not covered: {r.code} wants {r.want.value}, gets {r.got.value}\n"
                    )
    total = len(rows)
    covered = sum(r.covered for r in rows)
    share = covered / total if total else 0.0
    out.write(f"{'overall':<26}{total:>6}{covered:>9}  {share:.1%} of documented codes covered\n")
    return total - covered
