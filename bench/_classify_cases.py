"""classify() per case, over a corpus of real provider errors, as JSON on stdout.

Run by bench_classify.py twice in one run: against this tree, and against the rules of a
baseline commit (a git worktree on PYTHONPATH), so the two are timed side by side on the same
machine in the same minute. Uses only the public `classify()` both trees have.

Three figures, each a case decided afresh (the decision cache cleared before each pass):
- `warm_us`: the corpus as it is, the best of 5 passes (the texts already seen by RE2);
- `body_json_us`: every case that has a body, the body as the raw JSON text it arrives as,
  the best of 5 passes;
- `new_text_us`: the corpus with a fresh request id in every message, a new text each pass (as
  a running service sees), the median of passes 2 to 6 and, apart, the first pass.

    python bench/_classify_cases.py CORPUS
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from keywatch.core import classify as C


def _pass(cases: list[tuple[Any, ...]]) -> float:
    C._remembered.cache_clear()
    t0 = time.perf_counter()
    for status, etype, code, message, provider, body in cases:
        C.classify(status, etype, code, message, provider=provider, body=body)
    return (time.perf_counter() - t0) / len(cases) * 1e6


def _fresh(cases: list[dict[str, Any]], k: int) -> list[tuple[Any, ...]]:
    out = []
    for c in cases:
        rid = f"req_{os.urandom(6).hex()}{k}"
        message = f"{c['error_message'] or ''} (request id: {rid})"
        out.append((c["status_code"], c["error_type"], c["error_code"], message, c["provider"],
                    c["body"]))  # fmt: skip
    return out


def main(path: str) -> None:
    cases = [json.loads(x) for x in Path(path).read_text(encoding="utf-8").splitlines() if x]
    plain = [
        (c["status_code"], c["error_type"], c["error_code"], c["error_message"], c["provider"],
         c["body"])
        for c in cases
    ]  # fmt: skip
    raw = [
        (c["status_code"], c["error_type"], c["error_code"], c["error_message"], c["provider"],
         c["body"] if isinstance(c["body"], str) else json.dumps(c["body"]))
        for c in cases
        if c["body"] is not None
    ]  # fmt: skip
    first = _pass(_fresh(cases, 0))
    fresh = [_pass(_fresh(cases, k)) for k in range(1, 6)]
    warm = min(_pass(plain) for _ in range(5))
    body = min(_pass(raw) for _ in range(5))
    json.dump(
        {
            "engine": C.RULES.engine,
            "cases": len(cases),
            "bodies": len(raw),
            "warm_us": round(warm, 1),
            "body_json_us": round(body, 1),
            "new_text_us": round(statistics.median(fresh), 1),
            "new_text_first_pass_us": round(first, 1),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main(sys.argv[1])
