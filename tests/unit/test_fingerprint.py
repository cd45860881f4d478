"""Fingerprints are an HMAC under the deployment's secret; known keys are removed whole and in
fragments."""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
from collections.abc import Iterator

import pytest

from keywatch import fingerprint
from keywatch.fingerprint import ENV_VAR, is_fingerprint, key_fingerprint, set_fingerprint_secret
from keywatch.scrub import REDACTED, KeyScrubber, remove_key

KEY = "Zq8" + "xY2" * 10 + "tail9"


@pytest.fixture(autouse=True)
def _fresh_secret() -> Iterator[None]:
    set_fingerprint_secret(None)
    yield
    set_fingerprint_secret(None)


def test_a_fingerprint_is_an_hmac_under_the_secret_in_the_same_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV_VAR, "s" * 32)
    fp = key_fingerprint(KEY)
    digest = hmac.new(b"s" * 32, KEY.encode(), hashlib.sha256).hexdigest()
    assert fp == "kf_" + digest[:16] and is_fingerprint(fp)
    assert fp != "kf_" + hashlib.sha256(KEY.encode()).hexdigest()[:16]  # not the bare hash
    assert key_fingerprint(f"  {KEY}\n") == fp  # whitespace around a key is not the key


def test_another_secret_gives_other_fingerprints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "a" * 32)
    first = key_fingerprint(KEY)
    set_fingerprint_secret("b" * 32)
    assert key_fingerprint(KEY) != first
    set_fingerprint_secret(None)  # back to the environment
    assert key_fingerprint(KEY) == first


def test_without_a_secret_the_development_default_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    with caplog.at_level(logging.WARNING, logger="keywatch"):
        fps = {key_fingerprint(KEY) for _ in range(3)}
        key_fingerprint("another")
    assert len(fps) == 1
    warnings = [r for r in caplog.records if ENV_VAR in r.getMessage()]
    assert len(warnings) == 1


def test_a_short_secret_is_refused_when_set_and_used_loudly_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        set_fingerprint_secret("short")
    monkeypatch.setenv(ENV_VAR, "short")
    with caplog.at_level(logging.ERROR, logger="keywatch"):
        assert is_fingerprint(key_fingerprint(KEY))  # reports keep flowing
    assert any("at least 16 bytes" in r.getMessage() for r in caplog.records)


def test_the_secret_is_read_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "x" * 32)
    first = key_fingerprint(KEY)
    monkeypatch.setenv(ENV_VAR, "y" * 32)
    assert key_fingerprint(KEY) == first
    assert fingerprint._base is not None


# -- known keys ------------------------------------------------------------------------------


def test_the_key_and_every_fragment_of_eight_or_more_are_removed() -> None:
    text = f"bad key {KEY}; echoed {KEY[:10]}****{KEY[-4:]}; cut {KEY[5:20]}"
    out = remove_key(text, KEY)
    assert out == f"bad key {REDACTED}; echoed {REDACTED}****{KEY[-4:]}; cut {REDACTED}"


def test_fragments_shorter_than_eight_and_other_text_stay() -> None:
    assert remove_key(f"prefix {KEY[:7]} and words", KEY) == f"prefix {KEY[:7]} and words"
    assert remove_key("nothing here", KEY) == "nothing here"
    assert remove_key("", KEY) == ""
    assert remove_key("short key abc", "abc") == f"short key {REDACTED}"  # exact, any length


def test_a_key_scrubber_shows_only_its_fingerprint_and_cannot_be_pickled() -> None:
    s = KeyScrubber(KEY)
    assert s.fingerprint == key_fingerprint(KEY)
    assert KEY not in repr(s) and s.fingerprint in repr(s)
    assert KEY not in str(s)
    with pytest.raises(TypeError, match="never leaves the process"):
        pickle.dumps(s)
    assert s(f"x {KEY} y") == f"x {REDACTED} y"
    assert not hasattr(s, "__dict__")  # nothing else can be hung on it
