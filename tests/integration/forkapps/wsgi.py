"""A WSGI app as backends write them: keywatch.init() at import, one report per request.

Under `gunicorn --preload` the import, and so init(), runs in the master, which then forks the
workers. With KW_REPORT_AT_IMPORT=1 the master also reports (and so holds a live Pub/Sub
channel) before it forks: the hardest case.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import keywatch

MARK = os.environ["KW_TEST_MARK"]
keywatch.init()
if os.environ.get("KW_REPORT_AT_IMPORT") == "1":
    keywatch.report("openai", "gpt-4o", request_id=f"{MARK}-master", status_code=401)
    keywatch.reporter().flush(30)


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    keywatch.report(
        "openai",
        "gpt-4o",
        request_id=f"{MARK}-{os.getpid()}-{uuid.uuid4().hex[:8]}",
        status_code=401,
        error_message="Incorrect API key provided",
    )
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
