"""The whole pipeline on this machine: the real Google emulators, redis-server, the FCM
stand-in and the three functions under functions-framework, wired by Pub/Sub push
subscriptions as in production. Everything listens on 127.0.0.1, on free ports.

Each server runs in a process group of its own (the java processes started directly, not via
the SDK's wrapper scripts), so stopping the stack leaves nothing behind.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from keywatch_functions.settings import FunctionSettings
from keywatch_ops.devstack.fcm_standin import FcmStandIn
from keywatch_ops.devstack.monitoring_standin import MonitoringStandIn
from keywatch_ops.devstack.statusfeed_standin import StatusFeedStandIn, path_for
from keywatch_ops.devstack.webhook_receiver import WebhookReceiver
from keywatch_ops.topology import MAX_BACKOFF_S, MIN_ATTEMPTS, Route, attempts_to_cover, routes

REPO_ROOT = Path(__file__).resolve().parents[3]
LOCAL_FEED = "localfeed"
# What functions/main.py serves: three Pub/Sub-triggered functions and the status page (HTTP).
FUNCTIONS = ("classify", "notify", "health", "status_page")
LOOPBACK = "127.0.0.1"


class StackError(RuntimeError):
    """The local stack could not start; the message says what to install or check."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the parent dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait(
    check: Callable[[], bool], what: str, timeout_s: float, proc: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StackError(f"{what} exited with code {proc.returncode} while starting")
        if check():
            return
        time.sleep(0.05)
    raise StackError(f"{what} did not become ready within {timeout_s:.0f}s")


def _tcp_open(port: int) -> Callable[[], bool]:
    def check() -> bool:
        try:
            socket.create_connection((LOOPBACK, port), timeout=0.2).close()
            return True
        except OSError:
            return False

    return check


def _http_ok(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=0.5) as resp:
                return bool(resp.status == 200)
        except OSError:
            return False

    return check


def sdk_root() -> Path:
    """The Google Cloud SDK root, which holds the emulators under platform/."""
    env = os.environ.get("KEYWATCH_GCLOUD_SDK_ROOT")
    if env:
        return Path(env)
    gcloud = shutil.which("gcloud")
    if gcloud:
        root = Path(gcloud).resolve().parent.parent
        if (root / "platform").is_dir():
            return root
        try:
            out = subprocess.run(
                [gcloud, "info", "--format=value(installation.sdk_root)"],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            ).stdout.strip()
            if out:
                return Path(out)
        except (subprocess.SubprocessError, OSError):
            pass
    raise StackError(
        "Google Cloud CLI not found: install it (Debian: apt-get install google-cloud-cli) or set"
        " KEYWATCH_GCLOUD_SDK_ROOT to the SDK root that `gcloud info` names"
    )


def _java() -> str:
    java = shutil.which("java")
    if not java:
        raise StackError(
            "Java not found: the Google emulators need Java 17+ (apt-get install -y"
            " openjdk-17-jre-headless)"
        )
    return java


def pubsub_emulator_cmd(port: int) -> list[str]:
    jars = sorted(
        (sdk_root() / "platform" / "pubsub-emulator" / "lib").glob("cloud-pubsub-emulator-*.jar")
    )
    if not jars:
        raise StackError(
            "Pub/Sub emulator not found: install it with"
            " `gcloud components install pubsub-emulator`"
            " (Debian: apt-get install google-cloud-cli-pubsub-emulator)"
        )
    return [_java(), "-jar", str(jars[-1]), f"--host={LOOPBACK}", f"--port={port}"]


def firestore_emulator_cmd(port: int, project: str) -> list[str]:
    jar = sdk_root() / "platform" / "cloud-firestore-emulator" / "cloud-firestore-emulator.jar"
    if not jar.is_file():
        raise StackError(
            "Firestore emulator not found: install it with `gcloud components install"
            " cloud-firestore-emulator`"
            " (Debian: apt-get install google-cloud-cli-firestore-emulator)"
        )
    return [
        _java(), "-Duser.language=en", "-cp", str(jar),
        "com.google.cloud.datastore.emulator.firestore.CloudFirestore", "start",
        f"--host={LOOPBACK}", f"--port={port}", f"--project_id={project}",
    ]  # fmt: skip


def redis_cmd(port: int) -> list[str]:
    server = shutil.which("redis-server")
    if not server:
        raise StackError(
            "redis-server not found: run `make setup` (apt-get install -y redis-server)"
        )
    return [
        server, "--bind", LOOPBACK, "--port", str(port), "--save", "", "--appendonly", "no",
        "--protected-mode", "yes",
    ]  # fmt: skip


@dataclass
class Service:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path


@dataclass
class Stack:
    """Start with `start()` (or as a context manager); `stop()` ends every process it started."""

    workdir: Path
    project: str = "demo-keywatch"
    tick_interval_s: float = 0  # > 0: publish a health tick this often, as Cloud Scheduler would
    retry_min_backoff_s: int = 1
    retry_max_backoff_s: int = 10
    # None: each route's own attempts, at the stack's time scale (the alerts route outlasts an
    # FCM outage until its alerts are stale: topology.py); a number: every route the same.
    max_delivery_attempts: int | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    with_functions: bool = True  # False: only the emulators, redis and the FCM stand-in
    # How notify tells users (KEYWATCH_NOTIFY_CHANNELS): "webhook" or "both" start a local
    # Standard Webhooks receiver (webhook_receiver.py) that verifies every signature.
    channels: str = "fcm"
    notify_restored: bool = False  # the "works again" signal (KEYWATCH_NOTIFY_RESTORED)
    services: dict[str, Service] = field(default_factory=dict)
    fcm: FcmStandIn | None = None
    webhook: WebhookReceiver | None = None
    monitoring: MonitoringStandIn | None = None  # Cloud Monitoring's MetricService (the SLI)
    feeds: StatusFeedStandIn | None = None  # the providers' status feeds, recorded
    webhook_secret: str = field(
        default_factory=lambda: "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    )
    startup_s: float = 0.0
    settings: FunctionSettings = field(init=False)
    _stop_tick: threading.Event = field(default_factory=threading.Event)
    _tick_thread: threading.Thread | None = None
    _stopped: bool = False
    publisher: Any = None  # a PublisherClient bound to the emulator, once started
    subscriber: Any = None

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> Stack:
        t0 = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "logs").mkdir(exist_ok=True)
        try:
            self._start_backends()
            self.settings = FunctionSettings(
                project_id=self.project,
                redis_url=f"redis://{LOOPBACK}:{self.services['redis'].port}/0",
                fcm_endpoint=self.fcm.url if self.fcm else "",
            )
            if self.with_functions:
                for name in FUNCTIONS:
                    self._start_function(name)
                self._wait_functions()
            self._create_topology()
            if self.tick_interval_s > 0:
                self._tick_thread = threading.Thread(target=self._tick_loop, daemon=True)
                self._tick_thread.start()
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.monotonic() - t0
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._stop_tick.set()
        if self._tick_thread:
            self._tick_thread.join(timeout=5)
        for svc in reversed(list(self.services.values())):
            _terminate(svc.proc)
        if self.fcm:
            self.fcm.stop()
        if self.webhook:
            self.webhook.stop()
        if self.monitoring:
            self.monitoring.stop()
        if self.feeds:
            self.feeds.stop()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what clients need ------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        """The environment a client of this stack (a function, a test, the backend) runs with."""
        env = {
            "PUBSUB_EMULATOR_HOST": f"{LOOPBACK}:{self.services['pubsub'].port}",
            "FIRESTORE_EMULATOR_HOST": f"{LOOPBACK}:{self.services['firestore'].port}",
            "GOOGLE_CLOUD_PROJECT": self.project,
            "NO_GCE_CHECK": "true",  # never ask the metadata server
            "KEYWATCH_PROJECT_ID": self.project,
            # The local stack's own secret, unless the caller has one: no development warning.
            "KEYWATCH_FINGERPRINT_SECRET": os.environ.get(
                "KEYWATCH_FINGERPRINT_SECRET", "keywatch local stack, not a secret"
            ),
            # notify's incident guard waits 2 s here, not 15: the demo's pushes stay quick, and
            # the local stack's counts rise within that (README, "Provider incidents").
            "KEYWATCH_INCIDENT_SETTLE_S": "2",
            # Every failed attempt logged (tests trace retries per message id); production
            # logs an FCM outage once a minute (test_fcm_outage sets it back to 60).
            "KEYWATCH_OUTAGE_LOG_INTERVAL_S": "0",
            "KEYWATCH_NOTIFY_CHANNELS": self.channels,
            "KEYWATCH_NOTIFY_RESTORED": "true" if self.notify_restored else "false",
        }
        if self.webhook:
            env["KEYWATCH_WEBHOOK_URL"] = self.webhook.url + "/keywatch"
            env["KEYWATCH_WEBHOOK_SECRET"] = self.webhook_secret
        if "redis" in self.services:
            env["KEYWATCH_REDIS_URL"] = f"redis://{LOOPBACK}:{self.services['redis'].port}/0"
        if self.fcm:
            env["KEYWATCH_FCM_ENDPOINT"] = self.fcm.url
        if self.monitoring:
            env["KEYWATCH_MONITORING_ENDPOINT"] = self.monitoring.endpoint
        if self.feeds:
            # The defaults pointed at the stand-in, and `localfeed`, a provider of the local
            # stack's own whose page a test or a developer can fill (docs/status_feeds.md).
            feeds: dict[str, dict[str, Any]] = {
                p: {"url": f.url} for p, f in self.feeds.feeds().items()
            }
            feeds[LOCAL_FEED] = {"url": f"{self.feeds.url}/{LOCAL_FEED}/api/v2/summary.json"}
            env["KEYWATCH_STATUS_FEEDS"] = json.dumps(feeds)
        return {**env, **self.extra_env}

    @contextlib.contextmanager
    def client_env(self) -> Iterator[None]:
        """Point this process's Google clients at the stack for the duration."""
        saved = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)
        try:
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def function_url(self, name: str) -> str:
        return f"http://{LOOPBACK}:{self.services[name].port}/"

    def log_path(self, name: str) -> Path:
        return self.services[name].log

    def describe(self) -> list[tuple[str, str]]:
        rows = [
            ("Pub/Sub emulator", f"{LOOPBACK}:{self.services['pubsub'].port}"),
            ("Firestore emulator", f"{LOOPBACK}:{self.services['firestore'].port}"),
            ("redis-server", f"{LOOPBACK}:{self.services['redis'].port}"),
        ]
        if self.fcm:
            rows.append(("FCM stand-in", self.fcm.url))
        if self.webhook:
            rows.append(("webhook receiver", self.webhook.url))
        if self.monitoring:
            rows.append(("Monitoring stand-in", self.monitoring.endpoint))
        for name in ("classify", "notify", "health"):
            if name in self.services:
                rows.append((f"function {name}", self.function_url(name)))
        if "status_page" in self.services:
            rows.append(("status page", self.function_url("status_page")))
        rows.append(("logs", str(self.workdir / "logs")))
        return rows

    def publish_tick(self) -> str:
        """Fire the health function now, as Cloud Scheduler does: a message on the tick topic."""
        client = self.publisher
        topic = client.topic_path(self.project, self.settings.health_tick_topic)
        body = f'{{"scheduled_for": "{datetime.now(UTC).isoformat()}"}}'.encode()
        return str(client.publish(topic, body, type="health_tick").result(timeout=30))

    # -- internals --------------------------------------------------------------------------

    def _spawn(
        self, name: str, cmd: list[str], port: int, env: dict[str, str] | None = None
    ) -> Service:
        log = self.workdir / "logs" / f"{name}.log"
        out: IO[bytes] = open(log, "wb")  # noqa: SIM115 (the child owns it)
        # The child must get SIGTERM if this process dies, even by SIGKILL. Done by setpriv
        # (util-linux) before it execs the command, not by a preexec_fn: a preexec_fn makes
        # Python fork instead of vfork, and then grpc's fork handlers run in the child of a
        # process whose Pub/Sub client has live threads, which once aborted the Firestore
        # emulator's start (exit -6, "epoll_wait error: Bad file descriptor" in its log).
        setpriv = shutil.which("setpriv")
        proc = subprocess.Popen(
            [setpriv, "--pdeathsig", "TERM", "--", *cmd] if setpriv else cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=str(self.workdir),
            start_new_session=True,  # its own process group: stopped whole
            preexec_fn=None if setpriv else _die_with_parent,
        )
        out.close()
        svc = Service(name, proc, port, log)
        self.services[name] = svc
        return svc

    def _start_backends(self) -> None:
        # Start all three before waiting on any: the JVMs take the longest.
        ps = self._spawn("pubsub", pubsub_emulator_cmd(p := free_port()), p)
        fs = self._spawn("firestore", firestore_emulator_cmd(q := free_port(), self.project), q)
        rd = self._spawn("redis", redis_cmd(r := free_port()), r)
        self.fcm = FcmStandIn(port=0)
        self.fcm.start()
        self.monitoring = MonitoringStandIn().start()
        self.feeds = StatusFeedStandIn()
        self.feeds.start()
        # Every provider's feed says all is well until a test serves an incident.
        recorded = REPO_ROOT / "tests" / "corpus" / "statusfeeds"
        for feed in self.feeds.feeds().values():
            name = (
                "google_incidents_closed"
                if feed.kind == "google_cloud"
                else "openai_summary_operational"
            )
            self.feeds.serve_file(path_for(feed), recorded / f"{name}.json")
        if self.channels != "fcm":
            self.webhook = WebhookReceiver(
                self.webhook_secret, record=self.workdir / "logs" / "webhook.jsonl"
            )
            self.webhook.start()
        _wait(_tcp_open(rd.port), "redis-server", 20, rd.proc)
        _wait(_http_ok(f"http://{LOOPBACK}:{fs.port}/"), "Firestore emulator", 90, fs.proc)
        _wait(_tcp_open(ps.port), "Pub/Sub emulator", 90, ps.proc)

    def _start_function(self, name: str) -> None:
        """A Pub/Sub-triggered function as a CloudEvent target; the status page over HTTP."""
        port = free_port()
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        if name == "notify":
            # Its alerts wait out the incident guard's settle time idle; infra serves 80 at
            # once per instance, functions-framework's default here would be 8.
            env.setdefault("THREADS", "32")
        cmd = [
            sys.executable, "-m", "functions_framework",
            "--target", name,
            "--source", str(REPO_ROOT / "functions" / "main.py"),
            "--signature-type", "http" if name == "status_page" else "cloudevent",
            "--host", LOOPBACK,
            "--port", str(port),
        ]  # fmt: skip
        self._spawn(name, cmd, port, env)

    def _wait_functions(self) -> None:
        for name in FUNCTIONS:
            svc = self.services[name]
            _wait(_tcp_open(svc.port), f"function {name}", 60, svc.proc)

    def _create_topology(self) -> None:
        from google.api_core import exceptions as gexc
        from google.cloud.pubsub_v1 import PublisherClient, SubscriberClient
        from google.protobuf import duration_pb2
        from google.pubsub_v1.types import DeadLetterPolicy, PushConfig, RetryPolicy

        def duration(s: int) -> duration_pb2.Duration:
            return duration_pb2.Duration(seconds=s)

        with self.client_env():
            # Clients read the emulator host when built: build them once, here.
            pub = self.publisher = PublisherClient()
            sub = self.subscriber = SubscriberClient()
            deadline = time.monotonic() + 30
            while True:  # the emulator accepts connections a little before it serves RPCs
                try:
                    pub.list_topics(request={"project": f"projects/{self.project}"}, timeout=5)
                    break
                except gexc.GoogleAPICallError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            for route in self.routes if self.with_functions else ():
                topic = pub.topic_path(self.project, route.topic)
                dead = pub.topic_path(self.project, route.dead_letter_topic)
                for t in (topic, dead):
                    with contextlib.suppress(gexc.AlreadyExists):
                        pub.create_topic(name=t)
                with contextlib.suppress(gexc.AlreadyExists):
                    sub.create_subscription(
                        name=sub.subscription_path(self.project, route.dead_letter_subscription),
                        topic=dead,
                    )
                with contextlib.suppress(gexc.AlreadyExists):
                    sub.create_subscription(
                        request={
                            "name": sub.subscription_path(self.project, route.subscription),
                            "topic": topic,
                            "push_config": PushConfig(
                                push_endpoint=self.function_url(route.function)
                            ),
                            "ack_deadline_seconds": route.ack_deadline_s,
                            "filter": route.filter,
                            "retry_policy": RetryPolicy(
                                minimum_backoff=duration(self.retry_min_backoff_s),
                                maximum_backoff=duration(self.retry_max_backoff_s),
                            ),
                            "dead_letter_policy": DeadLetterPolicy(
                                dead_letter_topic=dead,
                                max_delivery_attempts=self.attempts(route),
                            ),
                        }
                    )

    @property
    def routes(self) -> tuple[Route, ...]:
        return routes(self.settings)

    @property
    def time_scale(self) -> float:
        """The stack's time against production's: its longest backoff against 600 s."""
        return self.retry_max_backoff_s / MAX_BACKOFF_S

    def attempts(self, route: Route) -> int:
        """A route's delivery attempts here: the override, else the production plan scaled to
        this stack's backoff (the alerts route covers its alerts' scaled age)."""
        if self.max_delivery_attempts is not None:
            return self.max_delivery_attempts
        if route.max_delivery_attempts == MIN_ATTEMPTS:
            return MIN_ATTEMPTS
        return attempts_to_cover(
            self.settings.alert_max_age_s * self.time_scale,
            self.retry_min_backoff_s,
            self.retry_max_backoff_s,
        )

    def _tick_loop(self) -> None:
        while not self._stop_tick.wait(self.tick_interval_s):
            with contextlib.suppress(Exception):
                self.publish_tick()


def _terminate(proc: subprocess.Popen[bytes], grace_s: float = 10) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def read_json_lines(path: Path) -> list[dict[str, Any]]:
    """The structured entries a function wrote (other lines, such as server banners, skipped)."""
    out: list[dict[str, Any]] = []
    if not path.exists():
        return out
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                out.append(json.loads(line))
    return out
