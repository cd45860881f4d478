"""`keywatch dev up` and `keywatch dev demo`: the local stack started and left running, or
run through a sample workload, waited on until the pipeline has drained it, and summarized."""

from __future__ import annotations

import signal
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from keywatch.core.opsevents import Event
from keywatch_ops.devstack.stack import Stack, read_json_lines


def _start(workdir: Path | None, tick: float, **options: Any) -> Any:
    """Start the local stack in `workdir` (default: a new temp dir), saying what runs where."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="keywatch-dev-"))
    print(
        "starting the local stack (Pub/Sub and Firestore emulators, redis, FCM stand-in, "
        "classify, notify, health, the status page)...",
        flush=True,
    )
    stack = Stack(workdir=workdir, tick_interval_s=tick, **options).start()
    for what, where in stack.describe():
        print(f"  {what:<20} {where}")
    print(f"started in {stack.startup_s:.1f}s", flush=True)
    return stack


def up(workdir: Path | None, tick: float) -> int:
    """`keywatch dev up`: start the stack, print the environment that publishes to it, and run
    until Ctrl-C or SIGTERM."""
    stack = _start(workdir, tick)
    print("\nexport these to publish to it:")
    for k, v in stack.env.items():
        print(f"  export {k}={v}")
    # Ctrl-C and SIGTERM only set an event, installed before we say Ctrl-C works: a
    # KeyboardInterrupt raised in the middle of stopping could leave processes behind.
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        print("\nCtrl-C stops everything.", flush=True)
        while not done.wait(0.5):
            pass
    finally:
        stack.stop()
        print("stopped.", flush=True)
    return 0


def run(workdir: Path | None) -> int:
    """`keywatch dev demo`: start the stack, publish the sample workload, wait until the
    pipeline has drained it, print the summary and the key loop, then stop."""
    from keywatch_ops.devstack import workload as wl

    # Both channels (FCM and a signed webhook to the local receiver) and the "works again"
    # signal, so that the demo walks the whole loop of a user whose key broke.
    stack = _start(workdir, tick=0, channels="both", notify_restored=True)
    try:
        with stack.client_env():
            w = wl.build()
            wl.seed_tokens(w, stack.project)
            topic = stack.publisher.topic_path(stack.project, stack.settings.events_topic)
            took = wl.publish(stack.publisher, topic, w)
            n_alerts = wl.expected_alerts(w)
            print(
                f"\npublished {len(w.failures)} failures, {len(w.tallies)} tally batches and "
                f"{len(w.poison)} malformed messages in {took:.2f}s",
                flush=True,
            )
            t0 = time.monotonic()
            _wait_drained(stack, len(w.failures), n_alerts, len(w.poison), len(w.tallies))
            stack.publish_tick()
            health = _wait_health(stack)
            print(f"pipeline drained in {time.monotonic() - t0:.1f}s")
            summary = _summary(stack, health)
            summary.actionable, summary.alerts = wl.actionable_failures(w), n_alerts
            print(summary.render())
            print(_key_loop(stack))
    finally:
        stack.stop()
    return 0


def _wait_drained(
    stack: Any, failures: int, alerts: int, poison: int, tallies: int = 0, timeout_s: float = 120
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        classify_log = read_json_lines(stack.log_path("classify"))
        logged = {e.get("event_id") for e in classify_log if e.get("event") == Event.LLM_FAILURE}
        dropped = sum(e.get("event") == Event.POISON_MESSAGE for e in classify_log)
        counted = {e.get("batch_id") for e in classify_log if e.get("event") == Event.TALLY}
        notified = {
            e.get("event_id")
            for e in read_json_lines(stack.log_path("notify"))
            if e.get("event") == Event.NOTIFY
        }
        done = len(logged) >= failures and len(notified) >= alerts and dropped >= poison
        if done and len(counted) >= tallies:
            return
        time.sleep(0.25)
    raise TimeoutError("the pipeline did not drain the sample workload in time")


def _wait_health(stack: Any, timeout_s: float = 60) -> list[dict[str, Any]]:
    from google.cloud import firestore

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(
            e.get("event") == Event.HEALTH_RUN for e in read_json_lines(stack.log_path("health"))
        ):
            db = firestore.Client(project=stack.project)
            coll = db.collection(stack.settings.provider_health_collection)
            return [d.to_dict() or {} for d in coll.stream()]
        time.sleep(0.25)
    raise TimeoutError("the health function did not run in time")


def _summary(stack: Any, health: list[dict[str, Any]]) -> Any:
    from keywatch_ops.devstack.workload import Summary

    classify_log = read_json_lines(stack.log_path("classify"))
    seen: dict[str, tuple[str, str]] = {}
    for e in classify_log:
        if e.get("event") == Event.LLM_FAILURE:
            seen[e["event_id"]] = (e["source"], e["reason"])
    outcomes: Counter[str] = Counter()
    pruned = 0
    for e in read_json_lines(stack.log_path("notify")):
        if e.get("event") == Event.NOTIFY and e.get("kind", "alert") == "alert":
            # FCM's own outcome: with the webhook on too, the message's is either channel's.
            outcomes[(e.get("channels") or {}).get("fcm", e["outcome"])] += 1
            pruned += int(e.get("pruned", 0))
    return Summary(
        by_source_reason=Counter(seen.values()),
        notify_outcomes=outcomes,
        devices_reached=len(stack.fcm.delivered()),
        pruned=pruned,
        poison=sum(e.get("event") == Event.POISON_MESSAGE for e in classify_log),
        health=sorted(health, key=lambda d: str(d.get("provider"))),
    )


def _statuses(stack: Any) -> list[tuple[str, dict[str, Any]]]:
    from google.cloud import firestore

    db = firestore.Client(project=stack.project)
    docs = db.collection_group(stack.settings.key_status_subcollection).stream()
    return sorted((d.reference.path, d.to_dict() or {}) for d in docs)


def _key_loop(stack: Any, timeout_s: float = 60) -> str:
    """The loop beyond the push: the key statuses the app shows, then one user saving a new
    key that validate_key passes (against the provider stand-in), which turns their status ok
    and sends the "works again" push and webhook."""
    import keywatch
    from keywatch.fingerprint import key_fingerprint
    from keywatch_ops.devstack.provider_standin import ProviderStandIn

    before = _statuses(stack)
    states = Counter(doc.get("state") for _, doc in before)
    path, doc = next((p, d) for p, d in before if d.get("state") == "broken")
    uid, provider = path.split("/")[1], doc["provider"]
    with ProviderStandIn() as standin:
        reporter = keywatch.init()
        try:
            check = keywatch.validate_key(
                provider, "good", base_url=standin.base_url(provider), uid=uid
            )
        finally:
            reporter.close()
    new_fp = key_fingerprint("good")
    deadline = time.monotonic() + timeout_s
    restored: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not restored:
        restored = [
            e
            for e in read_json_lines(stack.log_path("notify"))
            if e.get("kind") == "restored" and e.get("uid") == uid
        ]
        time.sleep(0.25)
    after = dict(_statuses(stack))
    ok = after.get(path, {})
    if not restored or ok.get("state") != "ok" or ok.get("key_fingerprint") != new_fp:
        raise TimeoutError("the validated key did not turn its status ok in time")
    now = Counter(d.get("state") for d in after.values())
    hooks = stack.webhook.deliveries() if stack.webhook else []
    verified = sum(bool(h["verified"]) for h in hooks)
    lines = [
        "",
        "Key statuses for the app (notify -> Firestore users/{uid}/keywatch_keys/{provider})",
        "  "
        + ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        + " after the workload",
        f"  user {uid} saves a new {provider} key: validate_key says {check.result.value}"
        f" in {check.latency_ms:.0f} ms; the status turns ok, works-again push"
        f" {'sent' if restored[0].get('delivered') else 'not sent'}",
        f"  key statuses: {now.get('broken', 0)} broken, {now.get('ok', 0)} restored"
        + (
            f", {now['provider_incident']} held in a provider incident"
            if now.get("provider_incident")
            else ""
        ),
        "",
        "Webhook (notify -> the app's endpoint, Standard Webhooks signatures)",
        f"  deliveries {len(hooks)}, signatures verified {verified},"
        f" duplicates {sum(bool(h['duplicate']) for h in hooks)}",
    ]
    return "\n".join(lines)
