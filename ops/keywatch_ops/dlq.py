"""Dead letters: look at what a route's hold subscription keeps, and replay it.

Every route dead-letters to `{topic}-dead`, kept by the pull subscription `{topic}-dead-hold`
(see `keywatch_ops.topology`). `peek` shows what is there without consuming it; `replay` republishes
each message, data and attributes, to the route's original topic and acknowledges it in the hold
subscription only once the publish is confirmed: at least once, never lost (the handlers are
idempotent, so a duplicate is harmless).

A replayed message carries `keywatch_replayed`, the number of times it was replayed; one that
reached `max_replays` is left in place and reported, so a message that keeps failing is not
replayed forever. Replaying publishes to the topic, so every subscription on that topic gets
the message again, not only the one that dead-lettered it. An ordering key is not carried over
(the topology does not use message ordering).

Nothing here prints a message's data (it may carry user data): only its size, its id and a few
attributes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from keywatch_functions.settings import FunctionSettings
from keywatch_ops.topology import Route, routes

REPLAY_ATTR = "keywatch_replayed"
DEFAULT_MAX_REPLAYS = 3
# Added by Pub/Sub when it dead-letters a message; they describe that event, not the message.
DEAD_LETTER_PREFIX = "CloudPubSubDeadLetter"
DELIVERY_COUNT_ATTR = "CloudPubSubDeadLetterSourceDeliveryCount"
SOURCE_SUBSCRIPTION_ATTR = "CloudPubSubDeadLetterSourceSubscription"
SOURCE_PROJECT_ATTR = "CloudPubSubDeadLetterSourceSubscriptionProject"
SOURCE_PUBLISH_TIME_ATTR = "CloudPubSubDeadLetterSourceTopicPublishTime"
# Pub/Sub rejects published attribute keys with this prefix; it reserves them for itself.
RESERVED_PREFIX = "goog"
# The attributes safe to print: they name the message, they carry no user data.
SHOWN_ATTRS = ("type", "event_id")

PULL_BATCH = 100
CHECK_TIMEOUT_S = 10.0  # how long to wait for Pub/Sub to answer the first call, retries included
LEASE_S = 120  # how long a message held back during a run stays invisible to other pullers
_ACK_CHUNK = 500


class DlqError(RuntimeError):
    """The operation could not run: the message says what is missing or unreachable."""


class UnknownRouteError(DlqError, ValueError):
    """No route of the topology matches the name given."""


# -- routes -----------------------------------------------------------------------------------


def resolve_route(name: str, settings: FunctionSettings) -> Route:
    """The route named by its function (classify, notify, health), its topic, its push
    subscription, its dead-letter topic or its hold subscription; a full resource path
    (`projects/p/topics/t`) is read by its last segment."""
    wanted = name.strip().rsplit("/", 1)[-1]
    all_routes = routes(settings)
    for r in all_routes:
        names = (
            r.function,
            r.topic,
            r.subscription,
            r.dead_letter_topic,
            r.dead_letter_subscription,
        )
        if wanted and wanted in names:
            return r
    known = ", ".join(r.function for r in all_routes)
    raise UnknownRouteError(
        f"unknown route {name!r}: give one of {known}, or a topic, dead-letter topic or hold"
        f" subscription of the topology ({', '.join(r.topic for r in all_routes)}, ...)"
    )


def subscription_path(project: str, name: str) -> str:
    return f"projects/{project}/subscriptions/{name}"


def topic_path(project: str, name: str) -> str:
    return f"projects/{project}/topics/{name}"


# -- attributes -------------------------------------------------------------------------------


def replay_count(attributes: Mapping[str, str]) -> int:
    """How many times the message was replayed already (a malformed counter counts as 0)."""
    try:
        return max(0, int(attributes.get(REPLAY_ATTR, "0")))
    except ValueError:
        return 0


def replay_attributes(attributes: Mapping[str, str]) -> dict[str, str]:
    """The attributes to republish with: the message's own, without what Pub/Sub added when it
    dead-lettered it (or reserves for itself), with the replay counter incremented."""
    out = {
        k: v
        for k, v in attributes.items()
        if not k.startswith(DEAD_LETTER_PREFIX) and not k.startswith(RESERVED_PREFIX)
    }
    out[REPLAY_ATTR] = str(replay_count(attributes) + 1)
    return out


def over_cap(attributes: Mapping[str, str], max_replays: int) -> bool:
    return replay_count(attributes) >= max_replays


# -- summaries --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """What may be shown of a dead letter: never its data, only its size."""

    message_id: str
    publish_time: str  # when it was published to the dead-letter topic (RFC 3339, UTC)
    size: int  # bytes of data
    attributes: Mapping[str, str]  # its own attributes, without the dead-letter ones
    delivery_count: int | None  # delivery attempts before it was dead-lettered
    source_subscription: str
    source_project: str
    source_publish_time: str  # when it was first published to the original topic

    @property
    def replays(self) -> int:
        return replay_count(self.attributes)

    @classmethod
    def of(cls, message: Any) -> DeadLetter:
        attrs = dict(message.attributes)
        count = attrs.get(DELIVERY_COUNT_ATTR, "")
        return cls(
            message_id=str(message.message_id),
            publish_time=_rfc3339(message.publish_time),
            size=len(message.data),
            attributes={k: v for k, v in attrs.items() if not k.startswith(DEAD_LETTER_PREFIX)},
            delivery_count=int(count) if count.isdigit() else None,
            source_subscription=attrs.get(SOURCE_SUBSCRIPTION_ATTR, ""),
            source_project=attrs.get(SOURCE_PROJECT_ATTR, ""),
            source_publish_time=attrs.get(SOURCE_PUBLISH_TIME_ATTR, ""),
        )


def _rfc3339(t: Any) -> str:
    if isinstance(t, datetime):
        dt: datetime = t.astimezone(UTC) if t.tzinfo is not None else t
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
    return str(t or "")


def describe(letter: DeadLetter) -> str:
    """One line about a dead letter, safe to print: no data, no attribute but type/event_id."""
    parts = [letter.message_id, f"published {letter.publish_time or '?'}", f"{letter.size} B"]
    parts += [f"{k}={letter.attributes[k]}" for k in SHOWN_ATTRS if k in letter.attributes]
    if letter.delivery_count is not None:
        parts.append(f"attempts={letter.delivery_count}")
    if letter.source_subscription:
        parts.append(f"from={letter.source_subscription}")
    parts.append(f"replayed={letter.replays}")
    return "  ".join(parts)


# -- peek and replay --------------------------------------------------------------------------


@dataclass
class ReplayReport:
    """What a replay did (or, dry, would do)."""

    dry_run: bool = False
    replayed: list[tuple[DeadLetter, str]] = field(default_factory=list)  # (letter, new id)
    would_replay: list[DeadLetter] = field(default_factory=list)  # dry run only
    skipped: list[DeadLetter] = field(default_factory=list)  # at the cap: left in place
    failed: list[tuple[DeadLetter, str]] = field(default_factory=list)  # (letter, why)

    @property
    def replayed_ids(self) -> list[str]:
        """The dead letters' message ids (in the hold subscription) that were replayed."""
        return [letter.message_id for letter, _ in self.replayed]

    @property
    def counts(self) -> tuple[int, int, int]:
        """(replayed, skipped over the cap, failed)."""
        return len(self.replayed), len(self.skipped), len(self.failed)

    @property
    def ok(self) -> bool:
        return not self.skipped and not self.failed


Progress = Callable[[str, DeadLetter, str], None]  # (outcome, letter, detail)


def check_subscription(subscriber: Any, path: str, timeout_s: float | None = None) -> None:
    """Fail with one clear line if the subscription is missing or Pub/Sub is unreachable."""
    _check_exists("subscription", subscriber.get_subscription, path, timeout_s)


def check_topic(publisher: Any, path: str, timeout_s: float | None = None) -> None:
    """Fail with one clear line if the topic is missing or Pub/Sub is unreachable."""
    _check_exists("topic", publisher.get_topic, path, timeout_s)


def _check_exists(kind: str, get: Callable[..., Any], path: str, timeout_s: float | None) -> None:
    from google.api_core import exceptions as gexc

    timeout_s = timeout_s or CHECK_TIMEOUT_S
    try:
        get(request={kind: path}, timeout=timeout_s, retry=_short_retry(timeout_s))
    except gexc.NotFound as exc:
        raise DlqError(f"{kind} {path} not found") from exc
    except gexc.GoogleAPIError as exc:
        raise DlqError(f"cannot read {kind} {path}: {_why(exc)}") from exc


def peek(
    subscriber: Any,
    route: Route,
    limit: int,
    *,
    project: str | None = None,
    empty_pulls: int = 2,
    pull_timeout_s: float = 2.0,
) -> list[DeadLetter]:
    """Up to `limit` messages of the route's hold subscription, left in place: each is pulled,
    held while the others are pulled, then released (ack deadline 0) for the next puller."""
    path = subscription_path(
        project or FunctionSettings().project_id, route.dead_letter_subscription
    )
    check_subscription(subscriber, path)
    letters: dict[str, DeadLetter] = {}
    held: list[str] = []
    try:
        for batch in _pull_batches(subscriber, path, limit, empty_pulls, pull_timeout_s, letters):
            for rm in batch:
                held.append(rm.ack_id)
                if rm.message.message_id not in letters and len(letters) < limit:
                    letters[rm.message.message_id] = DeadLetter.of(rm.message)
            _modify(subscriber, path, [rm.ack_id for rm in batch], LEASE_S)
    finally:
        with contextlib.suppress(Exception):  # the leases expire on their own anyway
            _modify(subscriber, path, held, 0)
    return list(letters.values())


def replay(
    subscriber: Any,
    publisher: Any,
    route: Route,
    limit: int,
    dry_run: bool = False,
    *,
    max_replays: int = DEFAULT_MAX_REPLAYS,
    project: str | None = None,
    empty_pulls: int = 3,
    pull_timeout_s: float = 2.0,
    publish_timeout_s: float = 60.0,
    progress: Progress | None = None,
) -> ReplayReport:
    """Republish up to `limit` dead letters of `route` to its original topic.

    Each message is acknowledged in the hold subscription only after its publish is confirmed.
    One already replayed `max_replays` times, or whose publish failed, is held until the run
    ends and then released (ack deadline 0): it stays in the hold subscription. The run stops
    at `limit` messages, or after `empty_pulls` pulls in a row bring nothing new (the emulator,
    and Pub/Sub itself, may answer a pull with nothing while messages remain).
    """
    project = project or FunctionSettings().project_id
    hold = subscription_path(project, route.dead_letter_subscription)
    topic = topic_path(project, route.topic)
    check_topic(publisher, topic)
    if dry_run:
        letters = peek(
            subscriber,
            route,
            limit,
            project=project,
            empty_pulls=empty_pulls,
            pull_timeout_s=pull_timeout_s,
        )
        return _dry_run_report(letters, max_replays, progress)

    check_subscription(subscriber, hold)
    run = _ReplayRun(
        subscriber, publisher, hold, topic, limit, max_replays, publish_timeout_s, progress
    )
    try:
        for batch in _pull_batches(subscriber, hold, limit, empty_pulls, pull_timeout_s, run.seen):
            run.replay_batch(batch)
    finally:
        with contextlib.suppress(Exception):
            _modify(subscriber, hold, run.held, 0)
    return run.report


def _tell(progress: Progress | None, outcome: str, letter: DeadLetter, detail: str) -> None:
    if progress:
        progress(outcome, letter, detail)


def _dry_run_report(
    letters: list[DeadLetter], max_replays: int, progress: Progress | None
) -> ReplayReport:
    """What a replay of `letters` would do: each replayed, or skipped over the cap."""
    report = ReplayReport(dry_run=True)
    for letter in letters:
        if letter.replays >= max_replays:
            report.skipped.append(letter)
            _tell(progress, "would skip", letter, f"replayed {letter.replays} times already")
        else:
            report.would_replay.append(letter)
            _tell(progress, "would replay", letter, f"as replay {letter.replays + 1}/{max_replays}")
    return report


@dataclass
class _ReplayRun:
    """One replay's state across the batches it pulls from the hold subscription `hold`."""

    subscriber: Any
    publisher: Any
    hold: str
    topic: str
    limit: int
    max_replays: int
    publish_timeout_s: float
    progress: Progress | None = None
    report: ReplayReport = field(default_factory=ReplayReport)
    seen: dict[str, DeadLetter] = field(default_factory=dict)
    republished: set[str] = field(default_factory=set)  # message ids published in this run
    held: list[str] = field(default_factory=list)  # ack ids to release when the run ends

    def replay_batch(self, batch: list[Any]) -> None:
        """Republish the batch's new messages, acknowledge those confirmed, and hold the rest
        (a message seen already, over the cap, or whose publish failed) until the run ends."""
        fresh, done_again, held_again = self._sort(batch)
        if done_again:
            with contextlib.suppress(Exception):
                _ack(self.subscriber, self.hold, done_again)
        pending, refused = self._publish(fresh)
        confirmed, unconfirmed = self._confirm(pending)
        hold_now = held_again + refused + unconfirmed
        self.held += hold_now
        if hold_now:
            with contextlib.suppress(Exception):
                _modify(self.subscriber, self.hold, hold_now, LEASE_S)
        if confirmed:
            self._acknowledge(confirmed)

    def _sort(self, batch: list[Any]) -> tuple[list[Any], list[str], list[str]]:
        """The batch's messages new to this run (recorded in `seen`); the ack ids of those
        redelivered after their replay; those of the rest, to hold."""
        fresh: list[Any] = []
        done_again: list[str] = []
        held_again: list[str] = []
        for rm in batch:
            mid = rm.message.message_id
            if mid in self.republished:
                done_again.append(rm.ack_id)  # redelivered after its replay: ack it again
            elif mid in self.seen or len(self.seen) >= self.limit:
                held_again.append(rm.ack_id)
            else:
                self.seen[mid] = DeadLetter.of(rm.message)
                fresh.append(rm)
        return fresh, done_again, held_again

    def _publish(self, fresh: list[Any]) -> tuple[list[tuple[Any, DeadLetter, Any]], list[str]]:
        """Publish each message under the cap to the topic: (message, letter, future) of each
        publish under way, and the ack ids of the others (over the cap, or refused)."""
        pending: list[tuple[Any, DeadLetter, Any]] = []
        held: list[str] = []
        for rm in fresh:
            letter = self.seen[rm.message.message_id]
            if over_cap(rm.message.attributes, self.max_replays):
                self.report.skipped.append(letter)
                _tell(self.progress, "skipped", letter, f"replayed {letter.replays} times already")
                held.append(rm.ack_id)
                continue
            try:
                future = self.publisher.publish(
                    self.topic, rm.message.data, **replay_attributes(rm.message.attributes)
                )
            except Exception as exc:
                self._fail(letter, f"publish refused: {_why(exc)}")
                held.append(rm.ack_id)
                continue
            pending.append((rm, letter, future))
        return pending, held

    def _confirm(
        self, pending: list[tuple[Any, DeadLetter, Any]]
    ) -> tuple[list[tuple[Any, DeadLetter, str]], list[str]]:
        """Wait for each publish: (message, letter, new message id) of those confirmed, and
        the ack ids of those that failed."""
        confirmed: list[tuple[Any, DeadLetter, str]] = []
        held: list[str] = []
        for rm, letter, future in pending:
            try:
                new_id = str(future.result(timeout=self.publish_timeout_s))
            except Exception as exc:
                self._fail(letter, f"publish failed: {_why(exc)}")
                held.append(rm.ack_id)
                continue
            self.republished.add(letter.message_id)
            confirmed.append((rm, letter, new_id))
        return confirmed, held

    def _acknowledge(self, confirmed: list[tuple[Any, DeadLetter, str]]) -> None:
        """Acknowledge the republished messages in the hold subscription; they are replayed
        once that succeeds, and failed (republished, still held) if it does not."""
        try:
            _ack(self.subscriber, self.hold, [rm.ack_id for rm, _, _ in confirmed])
        except Exception as exc:
            for _, letter, new_id in confirmed:
                self._fail(
                    letter,
                    f"republished as {new_id} but not acknowledged ({_why(exc)}): it stays"
                    " in the hold subscription, and a later replay republishes it again",
                )
            return
        for _, letter, new_id in confirmed:
            self.report.replayed.append((letter, new_id))
            detail = f"as {new_id}, replay {letter.replays + 1}/{self.max_replays}"
            _tell(self.progress, "replayed", letter, detail)

    def _fail(self, letter: DeadLetter, why: str) -> None:
        self.report.failed.append((letter, why))
        _tell(self.progress, "failed", letter, why)


# -- Pub/Sub plumbing -------------------------------------------------------------------------


def _pull_batches(
    subscriber: Any,
    path: str,
    limit: int,
    empty_pulls: int,
    timeout_s: float,
    seen: Mapping[str, object],
) -> Iterator[list[Any]]:
    """Pulled batches until `seen` (kept up to date by the caller) holds `limit` messages, or
    `empty_pulls` pulls in a row brought no message not seen already."""
    empty = 0
    while len(seen) < limit and empty < empty_pulls:
        batch = _pull(subscriber, path, min(PULL_BATCH, limit - len(seen)), timeout_s)
        empty = 0 if any(rm.message.message_id not in seen for rm in batch) else empty + 1
        if batch:
            yield batch


def _pull(subscriber: Any, path: str, max_messages: int, timeout_s: float) -> list[Any]:
    from google.api_core import exceptions as gexc

    try:
        resp = subscriber.pull(
            request={"subscription": path, "max_messages": max_messages}, timeout=timeout_s
        )
    except gexc.DeadlineExceeded:
        return []  # nothing arrived within the timeout
    except gexc.GoogleAPIError as exc:
        raise DlqError(f"pull from {path} failed: {_why(exc)}") from exc
    return list(resp.received_messages)


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _ACK_CHUNK):
        yield items[i : i + _ACK_CHUNK]


def _ack(subscriber: Any, path: str, ack_ids: list[str]) -> None:
    for chunk in _chunks(ack_ids):
        subscriber.acknowledge(request={"subscription": path, "ack_ids": chunk})


def _modify(subscriber: Any, path: str, ack_ids: list[str], deadline_s: int) -> None:
    for chunk in _chunks(ack_ids):
        subscriber.modify_ack_deadline(
            request={"subscription": path, "ack_ids": chunk, "ack_deadline_seconds": deadline_s}
        )


def _short_retry(timeout_s: float) -> Any:
    from google.api_core import exceptions as gexc
    from google.api_core import retry as retries

    return retries.Retry(
        initial=0.2,
        maximum=2.0,
        multiplier=2.0,
        predicate=retries.if_exception_type(gexc.ServiceUnavailable, gexc.InternalServerError),
        timeout=timeout_s,
    )


def _why(exc: BaseException) -> str:
    from google.api_core import exceptions as gexc

    if isinstance(exc, gexc.RetryError) and exc.cause is not None:
        exc = exc.cause
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
