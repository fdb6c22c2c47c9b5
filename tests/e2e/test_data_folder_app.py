"""The data folder through a real terminal: a file name that is not UTF-8, a data folder the user
cannot write (run as nobody, for real) and an empty notes file (issue 10)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedreader.notes import DB_NAME
from seedreader.pathnames import path_from_db
from tests.e2e import terminal as terminal_module
from tests.e2e.conftest import Spawn
from tests.e2e.terminal import Terminal


def write_numbered(path: Path, count: int) -> Path:
    path.write_text("".join(f"line {i:05} of the data document\n" for i in range(1, count + 1)))
    return path


def test_a_name_that_is_not_utf8_is_read_noted_and_remembered(
    spawn: Spawn, tmp_path: Path, data_dir: Path
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    doc = write_numbered(folder / os.fsdecode(b"bad\xff\xfe name.txt"), 300)
    first = spawn(doc)
    first.wait_for("/ Search")
    first.wait_for("bad\\xff\\xfe name.txt")  # shown escaped
    first.press("j", "j", "j", "j")
    first.wait_until(lambda _: first.cursor_line() == 5, 5, "line 5")
    first.press("a")
    first.wait_for("New note on line 5")
    first.press("kept under an odd name")
    first.wait_for("▊ kept under an odd name")
    first.press("ctrl+s")
    first.wait_for("Note saved.")
    first.press("q")
    assert first.wait_exit() == 0
    assert b"Traceback" not in first.raw
    # Both stores keep the name's bytes.
    db = sqlite3.connect(data_dir / DB_NAME)
    [(path, body)] = db.execute("SELECT path, body FROM notes").fetchall()
    db.close()
    assert (path_from_db(path), body) == (str(doc), "kept under an odd name")
    db = sqlite3.connect(data_dir / "state.sqlite3")
    paths = [path_from_db(row[0]) for row in db.execute("SELECT path FROM positions")]
    db.close()
    assert str(doc) in paths

    again = spawn(doc)
    again.wait_for("/ Search")
    again.wait_until(lambda _: again.cursor_line() == 5, 5, "the place remembered")
    again.press("s")
    again.wait_for("Notes · 1 note")
    again.wait_for("kept under an odd name")
    again.press("q")
    assert again.wait_exit() == 0
    assert b"Traceback" not in again.raw


def test_an_empty_notes_file_is_reported(spawn: Spawn, tmp_path: Path, data_dir: Path) -> None:
    doc = write_numbered(tmp_path / "doc.txt", 50)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / DB_NAME).write_bytes(b"")
    terminal = spawn(doc)
    terminal.wait_for("/ Search")
    terminal.wait_for("was empty (0 bytes) and was started afresh")
    terminal.press("q")
    assert terminal.wait_exit() == 0


@pytest.fixture
def public_tmp() -> Iterator[Path]:
    """A folder nobody can enter (pytest's own tmp folders are private to root)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the app as nobody")
    folder = Path(tempfile.mkdtemp(prefix="seedreader-e2e-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _spawn_as_nobody(
    monkeypatch: pytest.MonkeyPatch, folder: Path, *args: str | os.PathLike[str]
) -> Terminal:
    """`seedreader ARGS` as the user nobody (Terminal runs its SEEDREADER: setpriv, here)."""
    seedreader = terminal_module.SEEDREADER
    setpriv = shutil.which("setpriv")
    assert setpriv is not None
    monkeypatch.setattr(terminal_module, "SEEDREADER", Path(setpriv))
    cache = folder / "cache"
    cache.mkdir(exist_ok=True)
    cache.chmod(0o777)
    env = {"SEEDREADER_CACHE_DIR": str(cache), "HOME": "/nonexistent"}
    try:
        return Terminal(
            ["--reuid=65534", "--regid=65534", "--clear-groups", seedreader, *args], env=env
        )
    finally:
        monkeypatch.setattr(terminal_module, "SEEDREADER", seedreader)


def test_a_data_folder_nobody_may_write(monkeypatch: pytest.MonkeyPatch, public_tmp: Path) -> None:
    """A data folder inside a root-owned 0700 folder: reading goes on, with notices for the
    reading places and the notes, and a note that cannot be saved stays in the editor."""
    doc = write_numbered(public_tmp / "doc.txt", 300)
    doc.chmod(0o644)
    locked = public_tmp / "locked"
    locked.mkdir(mode=0o700)
    data = locked / "data"
    terminal = _spawn_as_nobody(monkeypatch, public_tmp, "--data-dir", data, doc)
    try:
        terminal.wait_for("/ Search")
        terminal.wait_for("not remembered this time")
        terminal.wait_for("cannot create the notes folder")
        terminal.press("j", "j")
        terminal.wait_until(lambda _: terminal.cursor_line() == 3, 5, "line 3")
        terminal.press("a")
        terminal.wait_for("New note on line 3")
        terminal.press("not lost")
        terminal.wait_for("▊ not lost")
        terminal.press("ctrl+s")
        terminal.wait_for("cannot save the note")
        assert "▊ not lost" in terminal.screen_text()  # the text stays in the editor
        terminal.press("escape")
        terminal.wait_for("Discard your changes?")
        terminal.press("escape")
        terminal.wait_gone("New note on line 3")
        terminal.press("q")
        assert terminal.wait_exit() == 0
        assert b"Traceback" not in terminal.raw
        assert b"PermissionError" not in terminal.raw
    finally:
        terminal.close()
    assert list(locked.iterdir()) == []
