"""firestore.rules under the real Firestore emulator's rules engine, as app clients meet them,
and the key status listener of docs/key_status.md run as a signed-in user.

The emulator here is one of this module's own, so that loading rules cannot close the shared
integration emulator to the other tests (whose clients act as its admin anyway). Documents are
written as the admin (rules bypassed, as notify's service account is in production); clients
act over the REST API or gRPC with unsigned ID tokens (tests/firestore_rest.py).
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from google.api_core import exceptions as gexc

from keywatch.core.keystatus import after_failure, after_restore
from keywatch_functions.adapters.firestore import FirestoreKeyStatusStore
from keywatch_ops.devstack.stack import (
    LOOPBACK,
    Stack,
    StackError,
    firestore_emulator_cmd,
    free_port,
)
from tests.firestore_rest import ADMIN, FirestoreRest, Response, id_token

pytestmark = pytest.mark.integration

PROJECT = "demo-keywatch-rules"
REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "firestore.rules"
DOC = REPO / "docs" / "key_status.md"
PROVIDER = "openai"
MODEL = "gpt-4o"
FINGERPRINT = "9c0f4e1b7a2d3c5e"


def doc_block(name: str) -> str:
    """The fenced block of docs/key_status.md marked `<!-- tested: name -->`."""
    found = re.search(
        rf"<!-- tested: {re.escape(name)} -->\n```\w*\n(.*?)\n```", DOC.read_text(), re.S
    )
    assert found, f"docs/key_status.md has no block marked {name!r}"
    return found.group(1)


@contextlib.contextmanager
def emulator_host(host: str) -> Iterator[None]:
    """FIRESTORE_EMULATOR_HOST while clients are built: a Firestore client reads it then, and
    never again, so the variable never leaks to other tests."""
    saved = os.environ.get("FIRESTORE_EMULATOR_HOST")
    os.environ["FIRESTORE_EMULATOR_HOST"] = host
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("FIRESTORE_EMULATOR_HOST", None)
        else:
            os.environ["FIRESTORE_EMULATOR_HOST"] = saved


@dataclass
class Emulator:
    host: str
    rest: FirestoreRest  # PROJECT, with firestore.rules loaded
    admin: Any  # a google-cloud-firestore Client: the emulator's admin, rules bypassed

    def project(self, project: str) -> FirestoreRest:
        """Another project on the same emulator: rules are per project."""
        return FirestoreRest(self.host, project)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    from google.cloud import firestore

    # A Stack only for its process handling: `_spawn` starts the emulator in a process group
    # of its own, under setpriv so that it gets SIGTERM should this process die (stack.py says
    # why not a preexec_fn), and `stop()` ends the whole group.
    stack = Stack(
        workdir=tmp_path_factory.mktemp("firestore-rules"), project=PROJECT, with_functions=False
    )
    (stack.workdir / "logs").mkdir()
    try:
        port = free_port()
        proc = stack._spawn("firestore", firestore_emulator_cmd(port, PROJECT), port).proc
        host = f"{LOOPBACK}:{port}"
        rest = FirestoreRest(host, PROJECT)
        deadline = time.monotonic() + 90
        while not rest.ready():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise StackError(
                    f"Firestore emulator did not start (exit code {proc.poll()}; its log:"
                    f" {stack.log_path('firestore')})"
                )
            time.sleep(0.1)
        rest.load_rules(RULES.read_text())
        with emulator_host(host):
            admin = firestore.Client(project=PROJECT)
        yield Emulator(host, rest, admin)
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def recipe() -> dict[str, Any]:
    """The Python listener of docs/key_status.md, run as it is written there."""
    namespace: dict[str, Any] = {}
    exec(compile(doc_block("python-listener"), f"{DOC}#python-listener", "exec"), namespace)
    return namespace


@pytest.fixture
def store(emulator: Emulator) -> FirestoreKeyStatusStore:
    """notify's own writer of key statuses, as the admin."""
    return FirestoreKeyStatusStore(emulator.admin)


@pytest.fixture
def owner(store: FirestoreKeyStatusStore) -> str:
    """A user whose key for PROVIDER has just been found broken (invalid_key)."""
    uid = f"alice-{uuid.uuid4().hex[:10]}"
    failed = datetime.now(UTC) - timedelta(minutes=1)
    written = store.update(
        uid,
        PROVIDER,
        lambda current: after_failure(
            current,
            provider=PROVIDER,
            model=MODEL,
            fingerprint=FINGERPRINT,
            reason="invalid_key",
            failed_at=failed,
            incident=False,
            now=failed,
        ),
    )
    assert written is None  # the document was new
    return uid


def token(uid: str) -> str:
    return id_token(uid, PROJECT)


def someone_else() -> str:
    return f"mallory-{uuid.uuid4().hex[:10]}"


def status_path(uid: str, provider: str = PROVIDER) -> str:
    return f"users/{uid}/keywatch_keys/{provider}"


def assert_denied(resp: Response) -> None:
    assert (resp.status, resp.body.get("error", {}).get("status")) == (403, "PERMISSION_DENIED")


# -- the rules, over REST ---------------------------------------------------------------------


def test_the_emulator_enforces_the_shipped_rules(emulator: Emulator) -> None:
    """The rules in force are firestore.rules, not the emulator's open default."""
    assert emulator.rest.rules() == RULES.read_text()


def test_the_owner_gets_and_lists_their_own_status(emulator: Emulator, owner: str) -> None:
    """The signed-in owner reads their document and lists their collection."""
    got = emulator.rest.get(status_path(owner), token(owner))
    assert got.status == 200
    assert got.body["fields"]["state"] == {"stringValue": "broken"}
    assert got.body["fields"]["remedy"] == {"stringValue": "replace_key"}

    listed = emulator.rest.list(f"users/{owner}/keywatch_keys", token(owner))
    assert listed.status == 200
    assert [d["name"].rsplit("/", 1)[1] for d in listed.body["documents"]] == [PROVIDER]


@pytest.mark.parametrize("who", ["another user", "anonymous"])
@pytest.mark.parametrize("read", ["get", "list"])
def test_nobody_else_reads_a_status(emulator: Emulator, owner: str, who: str, read: str) -> None:
    """Another signed-in user and an anonymous client are refused both get and list."""
    as_whom = token(someone_else()) if who == "another user" else None
    if read == "get":
        resp = emulator.rest.get(status_path(owner), as_whom)
    else:
        resp = emulator.rest.list(f"users/{owner}/keywatch_keys", as_whom)
    assert_denied(resp)


@pytest.mark.parametrize("who", ["owner", "another user", "anonymous"])
@pytest.mark.parametrize("write", ["create", "update", "delete"])
def test_no_client_writes_a_status(emulator: Emulator, owner: str, who: str, write: str) -> None:
    """Creating, updating and deleting a status is refused to every client, the owner too, and
    the document stays as the server wrote it."""
    as_whom = {"owner": token(owner), "another user": token(someone_else()), "anonymous": None}[who]
    rest = emulator.rest
    if write == "create":
        resp = rest.create(f"users/{owner}/keywatch_keys", "anthropic", {"state": "ok"}, as_whom)
    elif write == "update":
        resp = rest.patch(status_path(owner), {"state": "ok", "remedy": None}, as_whom)
    else:
        resp = rest.delete(status_path(owner), as_whom)
    assert_denied(resp)

    assert emulator.admin.document(status_path(owner)).get().get("state") == "broken"
    assert not emulator.admin.document(status_path(owner, "anthropic")).get().exists


HEALTH_DOCS = [
    "provider_health/openai",
    "provider_health/openai/models/gpt-4o",
    f"key_health/{FINGERPRINT}",
    f"key_health/{FINGERPRINT}/models/gpt-4o",
]
HEALTH_COLLECTIONS = ["provider_health", "provider_health/openai/models", "key_health"]


@pytest.fixture(scope="module")
def health_docs(emulator: Emulator) -> None:
    """Health documents as the health function writes them (as the admin)."""
    for path in HEALTH_DOCS:
        emulator.admin.document(path).set({"status": "down"})


@pytest.mark.usefixtures("health_docs")
@pytest.mark.parametrize(
    ("read", "path"),
    [("get", p) for p in HEALTH_DOCS] + [("list", p) for p in HEALTH_COLLECTIONS],
)
def test_health_documents_are_closed_to_app_clients(
    emulator: Emulator, read: str, path: str
) -> None:
    """A signed-in user reads no provider or key health (routers read them with service
    accounts), and writes none."""
    user = token(someone_else())
    resp = emulator.rest.get(path, user) if read == "get" else emulator.rest.list(path, user)
    assert_denied(resp)
    if read == "get":
        assert_denied(emulator.rest.patch(path, {"status": "healthy"}, user))
        assert emulator.admin.document(path).get().get("status") == "down"


def test_the_sample_device_token_rule(emulator: Emulator) -> None:
    """The sample rule lets a user write their own device tokens and nobody else's."""
    uid = f"alice-{uuid.uuid4().hex[:10]}"
    path = f"users/{uid}/fcm_tokens/phone"
    assert emulator.rest.patch(path, {"token": "fcm-token-1"}, token(uid)).status == 200
    assert_denied(emulator.rest.patch(path, {"token": "fcm-token-2"}, token(someone_else())))
    assert_denied(emulator.rest.get(path, token(someone_else())))


# -- the rules the app developer merges (docs/key_status.md) ----------------------------------


def test_the_documented_block_is_the_shipped_rule() -> None:
    """The block the doc tells the app to merge is firestore.rules' own, comments aside."""

    def normalized(rules: str) -> str:
        return " ".join(re.sub(r"//[^\n]*", "", rules).split())

    assert normalized(doc_block("keywatch-block")) in normalized(RULES.read_text())


def _merged(emulator: Emulator, block: str) -> tuple[FirestoreRest, str]:
    """A project of its own with the doc's ruleset `block`, and an owner with a status."""
    rest = emulator.project(f"{PROJECT}-{block}")
    rest.load_rules(doc_block(block))
    uid = f"alice-{uuid.uuid4().hex[:10]}"
    assert rest.patch(status_path(uid), {"state": "broken"}, ADMIN).status == 200
    return rest, uid


def test_the_safe_merge_keeps_key_statuses_read_only(emulator: Emulator) -> None:
    """The doc's merged example: the app's broad rule still serves the app's own documents,
    while key statuses stay read-only and the owner's."""
    rest, uid = _merged(emulator, "safe-merge")
    assert rest.patch(f"users/{uid}", {"name": "Alice"}, token(uid)).status == 200
    assert rest.patch(f"users/{uid}/settings/ui", {"theme": "dark"}, token(uid)).status == 200
    assert rest.get(status_path(uid), token(uid)).status == 200
    assert rest.list(f"users/{uid}/keywatch_keys", token(uid)).status == 200
    assert_denied(rest.patch(status_path(uid), {"state": "ok"}, token(uid)))
    assert_denied(rest.delete(status_path(uid), token(uid)))
    assert_denied(rest.get(status_path(uid), token(someone_else())))


def test_the_unsafe_merge_lets_the_owner_forge_a_status(emulator: Emulator) -> None:
    """The doc's warning holds: a recursive rule of the app's overrides keywatch's denial."""
    rest, uid = _merged(emulator, "unsafe-merge")
    assert rest.patch(status_path(uid), {"state": "ok"}, token(uid)).status == 200


# -- the listener recipe (docs/key_status.md, Python) -----------------------------------------


def as_user(emulator: Emulator, recipe: dict[str, Any], uid: str) -> Any:
    with emulator_host(emulator.host):
        return recipe["UserFirestore"](PROJECT, token(uid))


def test_the_owner_listening_sees_broken_turn_ok(
    emulator: Emulator, recipe: dict[str, Any], store: FirestoreKeyStatusStore, owner: str
) -> None:
    """The recipe, as the signed-in owner under the rules, gets the current `broken` status,
    then sees it turn `ok` when notify's store records the key working again."""
    statuses: queue.Queue[tuple[str, dict[str, Any] | None]] = queue.Queue()

    def on_status(provider: str, fields: dict[str, Any] | None) -> None:
        statuses.put((provider, fields))

    watch = recipe["watch_key_status"](as_user(emulator, recipe, owner), owner, on_status)
    try:
        provider, fields = statuses.get(timeout=30)
        assert provider == PROVIDER and fields is not None
        assert (fields["state"], fields["reason"], fields["remedy"]) == (
            "broken",
            "invalid_key",
            "replace_key",
        )

        restored = datetime.now(UTC)
        store.update(
            owner,
            PROVIDER,
            lambda current: (
                after_restore(
                    current,
                    provider=PROVIDER,
                    model=MODEL,
                    fingerprint=FINGERPRINT,
                    restored_at=restored,
                    validated=False,
                    now=restored,
                ).status
            ),
        )
        provider, fields = statuses.get(timeout=30)
        assert provider == PROVIDER and fields is not None
        assert (fields["state"], fields["remedy"]) == ("ok", None)
        assert fields["restored_at"] == restored
        assert fields["key_fingerprint"] == FINGERPRINT
    finally:
        watch.unsubscribe()


def test_another_users_listen_is_refused(
    emulator: Emulator, recipe: dict[str, Any], owner: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The recipe, as another signed-in user, is refused the owner's collection: no status
    arrives, the Watch stops, and the logged cause is PERMISSION_DENIED."""
    seen: list[tuple[str, Any]] = []
    db = as_user(emulator, recipe, someone_else())
    watch = recipe["watch_key_status"](db, owner, lambda p, f: seen.append((p, f)))
    try:
        deadline = time.monotonic() + 30
        while watch.is_active and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not watch.is_active
        assert seen == []
        causes = [r.exc_info[1].__cause__ for r in caplog.records if r.exc_info and r.exc_info[1]]
        assert any(isinstance(c, gexc.PermissionDenied) for c in causes), caplog.text
    finally:
        watch.unsubscribe()
