"""The loop for a user whose own key broke, through the whole local stack (issue 25, part 6):

1. the key fails and the user is told (an FCM push and a signed webhook);
2. the key's status document says `broken`;
3. the user saves a new key and `keywatch.validate_key` says `ok` (against the provider
   stand-in, as the backend would call the provider);
4. the status says `ok`, and the "works again" push and webhook go out;
5. the new key breaks again later and is told again.

And the other way back to `ok`: a key that works again by itself (the user topped up), seen
in the backend's success tallies.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.cloud import firestore

import keywatch
from keywatch.events import SuccessTally
from keywatch.fingerprint import key_fingerprint
from keywatch_ops.devstack.provider_standin import ProviderStandIn
from keywatch_ops.devstack.stack import Stack
from tests.e2e.conftest import eventually, log_entries
from tests.e2e.test_pipeline import byok_failure, publish_event, seed_token
from tests.stackfixtures import running

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def loop_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Both channels (FCM and the webhook) and the "works again" signal on."""
    stack = Stack(
        workdir=tmp_path_factory.mktemp("key-loop"), channels="both", notify_restored=True
    )
    yield from running(stack)


def status(stack: Stack, uid: str, provider: str) -> dict[str, Any] | None:
    snap = (
        firestore.Client(project=stack.project)
        .document(f"users/{uid}/keywatch_keys/{provider}")
        .get()
    )
    return snap.to_dict() if snap.exists else None


def pushes(stack: Stack, uid: str) -> list[str]:
    assert stack.fcm is not None
    return [m["data"]["type"] for m in stack.fcm.delivered() if m["token"] == f"tok-{uid}"]


def webhooks(stack: Stack, uid: str) -> list[dict[str, Any]]:
    assert stack.webhook is not None
    return [d for d in stack.webhook.deliveries() if (d.get("data") or {}).get("uid") == uid]


def test_broken_told_validated_restored_then_broken_again_told_again(loop_stack: Stack) -> None:
    stack = loop_stack
    uid = f"loop-{uuid.uuid4().hex[:8]}"
    seed_token(stack, uid, f"tok-{uid}")
    old_key = f"sk-old-{uuid.uuid4().hex}"
    # 1. The key fails (three hours ago, so that "later" below is later) and the user is told.
    first = byok_failure(
        uid,
        key_fingerprint=key_fingerprint(old_key),
        occurred_at=datetime.now(UTC) - timedelta(hours=3),
    )
    publish_event(stack, first)
    eventually(lambda: pushes(stack, uid) == ["byok_key_alert"] or None, what="the alert push")
    eventually(lambda: len(webhooks(stack, uid)) == 1 or None, what="the alert webhook")
    # 2. The status says broken, with the remedy to show, and that the user was told.
    broken = eventually(
        lambda: (s := status(stack, uid, "openai")) and s.get("told_at") and s,
        what="the broken status, told",
    )
    assert broken["state"] == "broken" and broken["remedy"] == "replace_key"
    assert broken["key_fingerprint"] == key_fingerprint(old_key)
    assert old_key not in str(broken)
    # 3. The user saves a new key: validate_key asks the provider (the stand-in) and says ok.
    with ProviderStandIn() as provider, stack.client_env():
        reporter = keywatch.init()
        try:
            check = keywatch.validate_key(
                "openai", "good", base_url=provider.base_url("openai"), uid=uid
            )
        finally:
            reporter.close()
    assert check.ok and check.result.value == "ok"
    new_fp = key_fingerprint("good")
    assert check.key_fingerprint == new_fp
    # 4. The status turns ok on the new key, and the user hears it works again, once.
    ok = eventually(
        lambda: (s := status(stack, uid, "openai")) and s["state"] == "ok" and s,
        what="the status ok",
    )
    assert ok["key_fingerprint"] == new_fp and ok["remedy"] is None
    eventually(
        lambda: pushes(stack, uid) == ["byok_key_alert", "byok_key_restored"] or None,
        what="the works-again push",
    )
    eventually(lambda: len(webhooks(stack, uid)) == 2 or None, what="the works-again webhook")
    # 5. The new key breaks later (here: now): the status is broken again and the user is told.
    publish_event(stack, byok_failure(uid, key_fingerprint=new_fp, error_code="invalid_api_key"))
    eventually(
        lambda: (
            pushes(stack, uid) == ["byok_key_alert", "byok_key_restored", "byok_key_alert"] or None
        ),
        what="the second alert push",
    )
    again = eventually(
        lambda: (s := status(stack, uid, "openai")) and s["state"] == "broken" and s,
        what="broken again",
    )
    assert again["key_fingerprint"] == new_fp
    # The same decisions reached the app's webhook, each signed and verified by the library.
    got = eventually(lambda: (w := webhooks(stack, uid)) and len(w) == 3 and w, what="webhooks")
    assert [d["type"] for d in got] == ["byok_key.alert", "byok_key.restored", "byok_key.alert"]
    assert all(d["verified"] and not d["duplicate"] for d in got)
    assert len({d["id"] for d in got}) == 3


def test_a_key_that_works_again_by_itself_turns_ok_from_the_tallies(loop_stack: Stack) -> None:
    """Out of credit, told; the user tops up and the backend's next calls succeed: the success
    tally names only the key, and the owners index finds the user's status to turn ok."""
    stack = loop_stack
    uid = f"loop-{uuid.uuid4().hex[:8]}"
    seed_token(stack, uid, f"tok-{uid}")
    fp = key_fingerprint(f"sk-topup-{uuid.uuid4().hex}")
    failed_at = datetime.now(UTC) - timedelta(minutes=10)
    publish_event(
        stack,
        byok_failure(
            uid,
            "anthropic",
            key_fingerprint=fp,
            occurred_at=failed_at,
            status_code=400,
            error_type="BadRequestError",
            error_code="invalid_request_error",
            error_message="Your credit balance is too low to access the Anthropic API. "
            "Please go to Plans & Billing to upgrade or purchase credits.",
        ),
    )
    eventually(
        lambda: (s := status(stack, uid, "anthropic")) and s.get("told_at") and s,
        what="quota_exhausted, told",
    )
    assert status(stack, uid, "anthropic")["remedy"] == "add_credit"  # type: ignore[index]
    now = datetime.now(UTC)
    publish_event(
        stack,
        SuccessTally(
            window_start=now - timedelta(seconds=30),
            window_end=now,
            source="byok",
            provider="anthropic",
            model="claude-sonnet-4-5",
            key_fingerprint=fp,
            successes=3,
            last_success_at=now,
        ),
    )
    eventually(
        lambda: (s := status(stack, uid, "anthropic")) and s["state"] == "ok" and s,
        what="the status ok after the success",
    )
    eventually(
        lambda: pushes(stack, uid) == ["byok_key_alert", "byok_key_restored"] or None,
        what="the works-again push",
    )
    [restored] = eventually(
        lambda: log_entries(stack, "notify", event="notify", kind="restored", uid=uid) or None,
        what="notify's restored entry",
    )
    assert restored["outcome"] == "restored" and restored["key_status"] == "ok"


def test_a_webhook_redelivered_after_a_timeout_is_deduplicated_by_its_id(
    loop_stack: Stack,
) -> None:
    """The app's endpoint takes longer than notify waits: notify retries with the same
    webhook-id, and the receiver, which processed the first, sees a duplicate."""
    stack = loop_stack
    assert stack.webhook is not None
    uid = f"loop-{uuid.uuid4().hex[:8]}"
    seed_token(stack, uid, f"tok-{uid}")
    stack.webhook.hang(12, times=1)  # past notify's 10 s webhook timeout
    publish_event(stack, byok_failure(uid, "mistral", key_fingerprint=key_fingerprint(uid)))
    got = eventually(
        lambda: (w := webhooks(stack, uid)) and len(w) >= 2 and w,
        timeout_s=90,
        what="the webhook and its redelivery",
    )
    assert len({d["id"] for d in got}) == 1 and [d["duplicate"] for d in got] == [False, True]
    assert pushes(stack, uid) == ["byok_key_alert"]  # FCM was told once, on the first attempt
