"""A missing prerequisite of the local stack is named in one line, with how to install it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from keywatch_ops import cli
from keywatch_ops.devstack import stack


def test_missing_java_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No java on PATH: the error says Java 17+ and the apt-get line."""
    (tmp_path / "platform" / "pubsub-emulator" / "lib").mkdir(parents=True)
    (tmp_path / "platform" / "pubsub-emulator" / "lib" / "cloud-pubsub-emulator-1-all.jar").touch()
    monkeypatch.setenv("KEYWATCH_GCLOUD_SDK_ROOT", str(tmp_path))
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda n: None if n == "java" else real_which(n))
    with pytest.raises(stack.StackError, match=r"Java not found.*openjdk-17"):
        stack.pubsub_emulator_cmd(1)


@pytest.mark.parametrize(
    ("build", "component"),
    [
        (lambda: stack.pubsub_emulator_cmd(1), "pubsub-emulator"),
        (lambda: stack.firestore_emulator_cmd(1, "p"), "cloud-firestore-emulator"),
    ],
    ids=["pubsub", "firestore"],
)
def test_missing_emulator_names_the_component(
    build: object, component: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An SDK without the emulator: the error names the gcloud component to install."""
    monkeypatch.setenv("KEYWATCH_GCLOUD_SDK_ROOT", str(tmp_path))
    with pytest.raises(stack.StackError, match=f"gcloud components install {component}"):
        build()  # type: ignore[operator]


def test_cli_prints_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`keywatch dev demo` without the emulators: one line on stderr, exit code 2, no traceback."""
    monkeypatch.setenv("KEYWATCH_GCLOUD_SDK_ROOT", str(tmp_path))
    assert cli.main(["dev", "demo", "--workdir", str(tmp_path / "w")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("keywatch: Pub/Sub emulator not found")
