"""`keywatch classify`: classify failure records in bulk, for backfills and exported logs.

Four modes over one file (JSON lines, or a JSON array as Logs Explorer downloads it):
- default: each record back, every field kept, with reason, user_actionable and retryable;
- `--explain`: for each record, the rule that decided, its evidence and why, for an operator
  checking a surprising reason;
- `--unknowns`: a Logs Explorer export of `reason="unknown"` entries grouped by
  `unknown_fingerprint`, most frequent first, with one scrubbed example each and what today's
  rules make of it: the input for the next rules;
- `--accuracy`: a labelled corpus (the fields of tests/corpus/provider_errors.jsonl) scored
  overall and per provider, with every miss listed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from itertools import chain
from typing import IO, Any

from keywatch.core.classify import (
    USER_ACTIONABLE,
    Explanation,
    Reason,
    classify,
    explain,
    unknown_fingerprint,
)
from keywatch.scrub import scrub


def _status(value: Any) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 100 <= n <= 599 else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _fields(record: Mapping[str, Any]) -> Mapping[str, Any]:
    # A Cloud Logging export nests keywatch's fields in jsonPayload (where status is `status`).
    payload = record.get("jsonPayload")
    return payload if isinstance(payload, Mapping) else record


def _args(fields: Mapping[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return (
        _status(fields.get("status_code", fields.get("status"))),
        _text(fields.get("error_type")),
        _text(fields.get("error_code")),
        _text(fields.get("error_message")),
    ), {"provider": _text(fields.get("provider")), "body": fields.get("body")}


def classify_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record, every field kept as it was, with reason, user_actionable and retryable."""
    args, kwargs = _args(_fields(record))
    c = classify(*args, **kwargs)
    return {
        **record,
        "reason": c.reason.value,
        "user_actionable": c.user_actionable,
        "retryable": c.retryable,
    }


class Records:
    """(line number, record) for each JSON object of `lines`, read as they come: one object per
    line, or one JSON array of them (Logs Explorer's download, `gcloud logging read
    --format=json`, which is parsed whole). Anything else is reported on `err`, skipped, and
    counted in `bad`."""

    def __init__(self, lines: Iterable[str], err: IO[str]) -> None:
        self._lines = iter(lines)
        self._err = err
        self.bad = 0

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        head: list[str] = []
        for line in self._lines:
            head.append(line)
            if line.strip():
                break
        if "".join(head).lstrip().startswith("["):
            yield from self._array("".join(head) + "".join(self._lines))
            return
        for n, line in enumerate(chain(head, self._lines), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                self._skip(f"line {n}: not JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                self._skip(f"line {n}: not a JSON object")
                continue
            yield n, record

    def _array(self, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            self._skip(f"line {exc.lineno}: not JSON ({exc.msg})")
            return
        for n, item in enumerate(items, 1):
            if isinstance(item, dict):
                yield n, item
            else:
                self._skip(f"item {n}: not a JSON object")

    def _skip(self, why: str) -> None:
        self.bad += 1
        print(why, file=self._err)


def classify_lines(lines: Iterable[str], out: IO[str], err: IO[str]) -> int:
    """Classify each record; one that is not a JSON object is reported on `err` and skipped.
    Returns the number of such lines."""
    records = Records(lines, err)
    for _, record in records:
        out.write(json.dumps(classify_record(record), ensure_ascii=False) + "\n")
    return records.bad


# --- --explain -----------------------------------------------------------------------------


def explain_record(record: Mapping[str, Any]) -> Explanation:
    args, kwargs = _args(_fields(record))
    return explain(*args, **kwargs)


def explain_lines(lines: Iterable[str], out: IO[str], err: IO[str]) -> int:
    """For each record: the reason, the rule that decided, its evidence, why, and the facts
    read (status, codes innermost first, the wording). The wording is scrubbed."""
    records = Records(lines, err)
    for n, record in records:
        x = explain_record(record)
        c = x.classification
        label = record.get("id", f"line {n}")
        flags = ", ".join(
            f
            for f, on in (("user_actionable", c.user_actionable), ("retryable", c.retryable))
            if on
        )
        out.write(f"{label}: {c.reason.value}{f' ({flags})' if flags else ''}\n")
        out.write(f"  rule      {x.rule}: {x.why}\n")
        if x.evidence:
            out.write(f"  evidence  {scrub(x.evidence, 200)}\n")
        out.write(f"  status    {x.status if x.status is not None else '-'}\n")
        out.write(f"  codes     {', '.join(x.codes) or '-'} (innermost first)\n")
        out.write(f"  wording   {scrub(x.text, 300) or '-'}\n")
        if c.fingerprint:
            out.write(f"  unknown_fingerprint {c.fingerprint}\n")
    return records.bad


# --- --unknowns ------------------------------------------------------------------------------


def group_unknowns(records: Iterable[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Unknown entries grouped by unknown_fingerprint, most frequent first: count, providers,
    statuses, type and code, first and last seen, one scrubbed example, and today's reason for
    that example. Returns the groups and how many entries were not unknown (skipped)."""
    groups: dict[str, dict[str, Any]] = {}
    skipped = 0
    for record in records:
        fields = _fields(record)
        labels = record.get("labels") if isinstance(record.get("labels"), Mapping) else {}
        reason = fields.get("reason", labels.get("reason") if labels else None)
        if reason not in (None, Reason.UNKNOWN.value):
            skipped += 1
            continue
        args, kwargs = _args(fields)
        fp = _text(fields.get("unknown_fingerprint")) or unknown_fingerprint(*args)
        when = _text(record.get("timestamp") or fields.get("occurred_at")) or ""
        g = groups.get(fp)
        if g is None:
            g = groups[fp] = {
                "unknown_fingerprint": fp,
                "count": 0,
                "providers": {},
                "statuses": {},
                "error_type": args[1],
                "error_code": args[2],
                "first_seen": when,
                "last_seen": when,
                "example": scrub(args[3], 300),
                "reason_now": classify(*args, **kwargs).reason.value,
            }
        g["count"] += 1
        provider = kwargs["provider"] or "-"
        g["providers"][provider] = g["providers"].get(provider, 0) + 1
        status = str(args[0]) if args[0] is not None else "-"
        g["statuses"][status] = g["statuses"].get(status, 0) + 1
        if when:
            g["first_seen"] = min(g["first_seen"] or when, when)
            g["last_seen"] = max(g["last_seen"], when)
    ordered = sorted(groups.values(), key=lambda g: (-g["count"], g["unknown_fingerprint"]))
    return ordered, skipped


def unknowns_lines(lines: Iterable[str], out: IO[str], err: IO[str], top: int = 50) -> int:
    records = Records(lines, err)
    groups, skipped = group_unknowns(r for _, r in records)
    total = sum(g["count"] for g in groups)
    out.write(f"{total} unknown entries in {len(groups)} shapes")
    out.write(f" ({skipped} entries of other reasons skipped)\n" if skipped else "\n")
    for g in groups[:top]:
        providers = ", ".join(f"{p} {n}" for p, n in sorted(g["providers"].items()))
        statuses = ", ".join(f"{s} {n}" for s, n in sorted(g["statuses"].items()))
        out.write(f"\n{g['count']:>7}  {g['unknown_fingerprint']}  providers: {providers}\n")
        out.write(f"         status: {statuses}; type: {g['error_type'] or '-'};")
        out.write(f" code: {g['error_code'] or '-'}\n")
        if g["first_seen"]:
            out.write(f"         seen {g['first_seen']} .. {g['last_seen']}\n")
        out.write(f"         example: {g['example'] or '-'}\n")
        if g["reason_now"] != Reason.UNKNOWN.value:
            out.write(f"         today's rules: {g['reason_now']}\n")
    if len(groups) > top:
        out.write(f"\n... and {len(groups) - top} more shapes (--top)\n")
    return records.bad


# --- --accuracy ------------------------------------------------------------------------------


def score(cases: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Accuracy over labelled cases (`expected` is the right reason): overall, per provider,
    and each miss with the rule that decided it."""
    per: dict[str, list[int]] = {}
    misses: list[dict[str, Any]] = []
    clear = [0, 0]  # right, cases: among cases labelled unambiguous
    told = [0, 0, 0]  # actionable and told, actionable, told
    for case in cases:
        x = explain_record(case)
        provider = str(case.get("provider") or "-")
        right = x.classification.reason.value == case.get("expected")
        tally = per.setdefault(provider, [0, 0])
        tally[0] += right
        tally[1] += 1
        if not case.get("ambiguous"):
            clear[0] += right
            clear[1] += 1
        actionable = case.get("expected") in _ACTIONABLE
        told[0] += actionable and x.classification.user_actionable
        told[1] += actionable
        told[2] += x.classification.user_actionable
        if not right:
            misses.append(
                {
                    "id": case.get("id"),
                    "provider": provider,
                    "expected": case.get("expected"),
                    "got": x.classification.reason.value,
                    "rule": x.rule,
                }
            )
    correct = sum(t[0] for t in per.values())
    total = sum(t[1] for t in per.values())
    return {
        "correct": correct,
        "total": total,
        "accuracy": correct / total if total else 0.0,
        "providers": {
            p: {"correct": t[0], "total": t[1], "accuracy": t[0] / t[1]} for p, t in per.items()
        },
        "misses": misses,
        "unambiguous": {"correct": clear[0], "total": clear[1]},
        # Whether the key's owner is told (any user-actionable reason), as a yes/no question.
        "actionable": {"told_right": told[0], "actionable": told[1], "told": told[2]},
    }


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.1%}" if b else "-"


_ACTIONABLE = frozenset(r.value for r in USER_ACTIONABLE)


def accuracy_lines(
    lines: Iterable[str],
    out: IO[str],
    err: IO[str],
    min_overall: float = 0.95,
    min_provider: float = 0.85,
) -> int:
    """Prints the scores; returns 1 when below either bar (or a line was bad), else 0."""
    records = Records(lines, err)
    s = score(r for _, r in records)
    out.write(f"{'provider':<14}{'cases':>6}{'right':>7}{'accuracy':>10}\n")
    for p, t in sorted(s["providers"].items(), key=lambda kv: (kv[1]["accuracy"], kv[0])):
        out.write(f"{p:<14}{t['total']:>6}{t['correct']:>7}{t['accuracy']:>10.1%}\n")
    out.write(f"{'overall':<14}{s['total']:>6}{s['correct']:>7}{s['accuracy']:>10.1%}\n")
    u, a = s["unambiguous"], s["actionable"]
    if u["total"] != s["total"]:
        out.write(f"unambiguous cases: {_ratio(u['correct'], u['total'])}\n")
    out.write(
        f"user-actionable recall {_ratio(a['told_right'], a['actionable'])},"
        f" precision {_ratio(a['told_right'], a['told'])}\n"
    )
    for m in s["misses"]:
        out.write(f"miss {m['id']}: expected {m['expected']}, got {m['got']} ({m['rule']})\n")
    worst = min((t["accuracy"] for t in s["providers"].values()), default=0.0)
    ok = s["total"] > 0 and s["accuracy"] >= min_overall and worst >= min_provider
    if not ok:
        print(
            f"keywatch classify: below the bar (overall {min_overall:.0%},"
            f" every provider {min_provider:.0%})",
            file=err,
        )
    return 0 if ok and not records.bad else 1


MODES = {
    "classify": classify_lines,
    "explain": explain_lines,
    "unknowns": unknowns_lines,
    "accuracy": accuracy_lines,
}


def run(path: str, mode: str = "classify", top: int = 50) -> int:
    """Exit status 0 when every line was read (and, for --accuracy, the bar was met), 1 when
    some were skipped, 2 when the file cannot be read."""
    handler = partial(unknowns_lines, top=top) if mode == "unknowns" else MODES[mode]
    if path == "-":
        bad = handler(sys.stdin, sys.stdout, sys.stderr)
    else:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                bad = handler(f, sys.stdout, sys.stderr)
        except OSError as exc:
            print(f"keywatch classify: {exc}", file=sys.stderr)
            return 2
    if mode == "accuracy":
        return bad
    if bad:
        print(f"keywatch classify: {bad} line(s) skipped", file=sys.stderr)
    return 1 if bad else 0
