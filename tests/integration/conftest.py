"""One set of real servers for the whole integration tier: both emulators, redis, FCM stand-in."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from keywatch_ops.devstack.stack import Stack
from tests.stackfixtures import backends_only, running


@pytest.fixture(scope="session")
def backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from running(backends_only(tmp_path_factory.mktemp("backends")))


@pytest.fixture
def redis_client(backends: Stack) -> redis.Redis:
    return redis.Redis(port=backends.services["redis"].port, socket_timeout=2)


@pytest.fixture
def firestore_client(backends: Stack):  # type: ignore[no-untyped-def]
    from google.cloud import firestore

    return firestore.Client(project=backends.project)


@pytest.fixture
def unique() -> str:
    """A prefix that keeps tests sharing one emulator out of each other's way."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def events_topic(backends: Stack, unique: str) -> tuple[str, str]:
    """A topic of its own and a pull subscription on it: (topic name, subscription path)."""
    from google.cloud import pubsub_v1

    name = f"events-{unique}"
    pub, sub = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    topic = pub.topic_path(backends.project, name)
    subscription = sub.subscription_path(backends.project, f"{name}-pull")
    pub.create_topic(name=topic)
    sub.create_subscription(name=subscription, topic=topic)
    return name, subscription
