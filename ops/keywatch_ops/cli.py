"""The `keywatch` command.

keywatch dev up           the whole pipeline on this machine, until Ctrl-C
keywatch dev demo         the same, with a sample workload and a summary, then stop
keywatch classify [FILE]  add reason, user_actionable, retryable to JSON-line records
                          (--explain: the rule that decided; --unknowns: group unknown
                          entries of a log export; --accuracy: score a labelled corpus)
keywatch health           print provider, model and key health from Firestore
keywatch slo              provider SLO burn rates, the alerts that would fire, budget left
keywatch dlq peek ROUTE   show a route's dead letters without consuming them
keywatch dlq replay ROUTE republish a route's dead letters to its topic (--dry-run, --limit,
                          --max-replays); ROUTE: classify, notify, health, or a topic or
                          subscription of the topology
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("NO_GCE_CHECK", "true")  # never probe the metadata server from the CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="keywatch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="the local stack").add_subparsers(dest="dev", required=True)
    for name, text in (("up", "run until Ctrl-C"), ("demo", "sample workload, summary, stop")):
        p = dev.add_parser(name, help=text)
        p.add_argument("--workdir", type=Path, help="where logs go (default: a temp dir)")
        p.add_argument(
            "--tick",
            type=float,
            default=60.0 if name == "up" else 0.0,
            help="seconds between health ticks, as Cloud Scheduler (0: off)",
        )
    cls = sub.add_parser(
        "classify",
        help="classify failure records (JSON lines) from FILE or stdin",
        description="Reads one JSON object per line (fields provider, status_code, error_type,"
        " error_code, error_message or body; a Cloud Logging export's jsonPayload works too) and"
        " writes each back, every field kept, with reason, user_actionable and retryable added.",
    )
    cls.add_argument("file", nargs="?", default="-", help="a JSON-lines file (default: stdin)")
    mode = cls.add_mutually_exclusive_group()
    mode.add_argument(
        "--explain",
        dest="mode",
        action="store_const",
        const="explain",
        help="print, for each record, the rule that decided, its evidence and why",
    )
    mode.add_argument(
        "--unknowns",
        dest="mode",
        action="store_const",
        const="unknowns",
        help="group a Logs Explorer export of reason=unknown entries by unknown_fingerprint,"
        " with counts and one scrubbed example each",
    )
    mode.add_argument(
        "--accuracy",
        dest="mode",
        action="store_const",
        const="accuracy",
        help="score a labelled corpus (an `expected` reason per record) overall and per"
        " provider; exit 1 below 95%% overall or 85%% for any provider",
    )
    mode.add_argument(
        "--coverage",
        dest="mode",
        action="store_const",
        const="coverage",
        help="for every code of every published error table and runtime vocabulary the rules"
        " read, whether it gets its documented reason; per provider and source (no FILE)",
    )
    cls.add_argument(
        "--top",
        type=_positive_int,
        default=50,
        help="with --unknowns: how many shapes to print (default 50)",
    )
    hp = sub.add_parser("health", help="print provider, model and key health from Firestore")
    hp.add_argument("--window", choices=("5m", "1h", "24h"), default="1h")
    _add_dlq_parser(sub)
    from keywatch_ops.slo import add_parser as add_slo_parser

    add_slo_parser(sub)
    args = parser.parse_args(argv)

    if args.command == "health":
        from keywatch_ops.health import run as run_health

        return run_health(args.window)
    if args.command == "classify":
        if args.mode == "coverage":
            from keywatch_ops.coverage import coverage_lines

            coverage_lines(sys.stdout)
            return 0
        from keywatch_ops.classify import run

        return run(args.file, args.mode or "classify", args.top)
    if args.command == "slo":
        from keywatch_ops.slo import main as run_slo

        return run_slo(args)
    if args.command == "dlq":
        return _dlq(args)

    from keywatch_ops.devstack import demo
    from keywatch_ops.devstack.stack import StackError

    try:
        if args.dev == "up":
            return demo.up(args.workdir, args.tick)
        return demo.run(args.workdir)
    except StackError as exc:
        print(f"keywatch: {exc}", file=sys.stderr)
        return 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _add_dlq_parser(sub: Any) -> None:
    dlq = sub.add_parser(
        "dlq",
        help="peek at or replay a route's dead letters",
        description="Each route dead-letters to <topic>-dead, kept by the pull subscription"
        " <topic>-dead-hold. ROUTE is classify, notify or health, or a topic, dead-letter topic"
        " or subscription of the topology. Message data is never printed, only its size.",
    ).add_subparsers(dest="dlq", required=True)
    route_help = "classify, notify, health, or a topic or subscription name of the topology"
    pk = dlq.add_parser(
        "peek",
        help="show dead letters without consuming them",
        description="Pulls up to --limit messages from the hold subscription and releases them"
        " at once: nothing is acknowledged.",
    )
    rp = dlq.add_parser(
        "replay",
        help="republish dead letters to the route's topic",
        description="Republishes each dead letter, data and attributes (without the"
        " CloudPubSubDeadLetter* ones, with keywatch_replayed incremented), to the route's"
        " original topic, and acknowledges it only once the publish is confirmed. A message"
        " replayed --max-replays times already stays in place. Exit status: 0 all replayed,"
        " 1 some skipped over the cap or failed (a dry run: would be), 2 bad arguments or"
        " Pub/Sub unusable.",
    )
    for p, limit in ((pk, 10), (rp, 1000)):
        p.add_argument("route", metavar="ROUTE", help=route_help)
        p.add_argument(
            "--limit",
            type=_positive_int,
            default=limit,
            help=f"at most this many (default {limit})",
        )
        p.add_argument(
            "--project",
            help="the Google Cloud project (default: KEYWATCH_PROJECT_ID, GOOGLE_CLOUD_PROJECT)",
        )
    from keywatch_ops.dlq import DEFAULT_MAX_REPLAYS

    rp.add_argument(
        "--max-replays",
        type=_positive_int,
        default=DEFAULT_MAX_REPLAYS,
        help=f"leave a message alone once replayed this many times (default {DEFAULT_MAX_REPLAYS})",
    )
    rp.add_argument(
        "--dry-run", action="store_true", help="only show what would be replayed (as peek)"
    )


def _dlq(args: argparse.Namespace) -> int:
    from google.api_core.exceptions import GoogleAPIError
    from google.auth.exceptions import GoogleAuthError

    from keywatch_functions.settings import FunctionSettings
    from keywatch_ops import dlq

    settings = FunctionSettings(project_id=args.project) if args.project else FunctionSettings()
    try:
        route = dlq.resolve_route(args.route, settings)
    except dlq.UnknownRouteError as exc:
        print(f"keywatch: {exc}", file=sys.stderr)
        return 2
    project = settings.project_id
    hold = dlq.subscription_path(project, route.dead_letter_subscription)
    topic = dlq.topic_path(project, route.topic)
    subscriber = publisher = None
    try:
        from google.cloud.pubsub_v1 import PublisherClient, SubscriberClient

        subscriber = SubscriberClient()
        if args.dlq == "peek":
            letters = dlq.peek(subscriber, route, args.limit, project=project)
            print(f"{route.function}: {hold} (replays to {topic})")
            for letter in letters:
                print(f"  {dlq.describe(letter)}")
            more = "; the limit was reached, more may remain" if len(letters) >= args.limit else ""
            print(f"{len(letters)} dead letter(s) shown, none consumed{more}")
            return 0

        publisher = PublisherClient()

        def progress(outcome: str, letter: dlq.DeadLetter, detail: str) -> None:
            print(f"  {outcome:<12} {dlq.describe(letter)}  ({detail})", flush=True)

        verb = "checking" if args.dry_run else "replaying"
        print(f"{route.function}: {verb} up to {args.limit} dead letter(s): {hold} -> {topic}")
        report = dlq.replay(
            subscriber,
            publisher,
            route,
            args.limit,
            args.dry_run,
            max_replays=args.max_replays,
            project=project,
            progress=progress,
        )
    except (dlq.DlqError, GoogleAPIError, GoogleAuthError) as exc:
        print(f"keywatch: {_one_line(exc)}", file=sys.stderr)
        return 2
    finally:
        _close_clients(subscriber, publisher)
    replayed, skipped, failed = report.counts
    handled = replayed + skipped + failed + len(report.would_replay)
    more = "; the limit was reached, more may remain" if handled >= args.limit else ""
    cap = f"over the cap (--max-replays {args.max_replays})"
    if report.dry_run:
        print(
            f"dry run: would replay {len(report.would_replay)}, would skip {skipped} {cap};"
            f" nothing published or acknowledged{more}"
        )
    else:
        left = "; those skipped or failed stay in the hold subscription" if not report.ok else ""
        print(f"replayed {replayed}, skipped {skipped} {cap}, failed {failed}{left}{more}")
    return 0 if report.ok else 1


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _close_clients(subscriber: Any, publisher: Any) -> None:
    import contextlib

    if publisher is not None:
        with contextlib.suppress(Exception):
            publisher.stop()
    if subscriber is not None:
        with contextlib.suppress(Exception):
            subscriber.close()


if __name__ == "__main__":
    sys.exit(main())
