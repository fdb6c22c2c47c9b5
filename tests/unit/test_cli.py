"""The command line of the reader: version, help, and one-line errors with exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from seedreader import __version__
from seedreader.cli import main
from seedreader.documents import FIFO, NOT_TEXT, Skipped
from tests.hostile import binary_blob


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seedreader", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_version_and_help() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"seedreader {__version__}"
    result = run("--help")
    assert result.returncode == 0
    assert "--data-dir" in result.stdout and "seedreader search" in result.stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: [str(p / "missing.txt")], "no such file or folder"),
        (lambda p: [str(p / "empty-folder")], "no readable document"),
        (lambda p: [str(p / "blob")], "binary file"),
        (lambda p: ["--bogus-option"], "unrecognized arguments"),
    ],
)
def test_errors_are_one_line_with_status_2(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "blob").write_bytes(binary_blob())
    result = run(*make(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("seedreader: ") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_folder_of_binaries_reports_the_count(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).write_bytes(binary_blob())
    result = run(str(tmp_path))
    assert result.returncode == 2 and "skipped 2 entries: 2 binary files" in result.stderr


def test_unreadable_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    # Tests may run as root, who can read anything: make the access check say no.
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    assert main([str(folder)]) == 2
    assert capsys.readouterr().err == f"seedreader: {folder}: unreadable\n"


def test_file_names_in_errors_are_sanitized(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "evil\x1b]0;title\x07.txt")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "␛" in err


def test_folder_of_other_files_reports_the_count(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"not a document by its name")
    result = run(str(tmp_path))
    assert result.returncode == 2
    assert "no readable document" in result.stderr
    assert "skipped 1 entry: 1 file of another type" in result.stderr


def test_reader_is_told_of_skipped_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The start-up messages handed to the reader say how many files the scan passed over."""
    (tmp_path / "a.txt").write_text("text\n", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"not a document by its name")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
    seen: dict[str, object] = {}

    class FakeApp:
        return_code = 0

        def __init__(self, documents: list[object], **options: object) -> None:
            seen.update(options, documents=documents)

        def run(self) -> None:
            pass

    fake_module = types.ModuleType("seedreader.ui.app")
    fake_module.ReaderApp = FakeApp  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "seedreader.ui.app", fake_module)
    monkeypatch.setenv("SEEDREADER_ALLOW_NO_TTY", "1")
    assert main([str(tmp_path)]) == 0
    assert [d.path.name for d in seen["documents"]] == ["a.txt"]  # type: ignore[attr-defined]
    assert seen["skipped"] == [
        Skipped(tmp_path / "photo.png", NOT_TEXT),
        *([Skipped(tmp_path / "pipe", FIFO)] if hasattr(os, "mkfifo") else []),
    ]
