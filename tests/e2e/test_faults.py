"""Faults through a real terminal: SIGKILL while saving notes, tiny terminals, key bursts, a
data folder that cannot be written and a full disk."""

from __future__ import annotations

import os
import random
import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from seedreader.notes import DB_NAME, NotesStore
from tests.disks import fill, small_disk
from tests.e2e.conftest import Spawn
from tests.e2e.terminal import Terminal, misalignment

SLOW = bool(os.environ.get("SEEDREADER_SLOW"))
KILL_TRIALS = 30 if SLOW else 3
BURST = 1000


def write_numbered(path: Path, count: int) -> Path:
    path.write_text("".join(f"line {i:05} of the fault document\n" for i in range(1, count + 1)))
    return path


def add_notes_until_killed(terminal: Terminal, trial: int, stop: threading.Event) -> list[str]:
    """Add notes one after another; returns the bodies whose save the app confirmed on screen.

    The editor closes with "Note saved." only once the note is committed, and the next note is
    started only after that, so each confirmation seen belongs to exactly one body (older
    "Note saved." toasts may still be up: the editor closing is what tells them apart).
    """
    confirmed: list[str] = []
    try:
        for k in range(1000):
            if stop.is_set():
                break
            body = f"trial {trial} note {k}"
            terminal.press("j", "a")
            terminal.wait_for("ctrl+s save · Esc cancel", 5)
            terminal.press(body)
            terminal.wait_for(f"▊ {body}", 5)
            terminal.press("ctrl+s")
            # The editor closes only after the commit (an Esc would ask first), then tells.
            terminal.wait_gone("ctrl+s save · Esc cancel", 5)
            terminal.wait_for("Note saved.", 5)
            confirmed.append(body)
    except AssertionError:
        if not stop.is_set():
            raise  # a real failure, not the kill
    return confirmed


@pytest.mark.slow
def test_sigkill_while_saving_notes_loses_no_confirmed_note(
    spawn: Spawn, data_dir: Path, tmp_path: Path
) -> None:
    """Kill -9 at random moments while notes are being saved; every note shown as saved is in
    the database afterwards, and the database passes its integrity check."""
    doc = write_numbered(tmp_path / "doc.txt", 500)
    rng = random.Random(int(os.environ.get("SEEDREADER_SEED", "6")))
    all_confirmed: list[str] = []
    for trial in range(KILL_TRIALS):
        terminal = spawn(doc)
        terminal.wait_for("/ Search")
        terminal.wait_for("line 1/500")
        stop = threading.Event()
        delay = rng.uniform(0.3, 3.0)

        def kill(terminal: Terminal = terminal, stop: threading.Event = stop) -> None:
            stop.set()
            terminal.kill()

        timer = threading.Timer(delay, kill)
        timer.start()
        confirmed = add_notes_until_killed(terminal, trial, stop)
        timer.join()
        assert terminal.wait_exit(5) == -9
        all_confirmed += confirmed

        with sqlite3.connect(data_dir / DB_NAME) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        with NotesStore(data_dir) as store:
            assert not store.warnings
            bodies = {note.body for note in store.all_notes()}
        missing = [body for body in all_confirmed if body not in bodies]
        assert missing == [], f"trial {trial}: notes shown as saved but lost: {missing}"
    # The trials did save notes, or they tested nothing.
    assert all_confirmed
    print(f"{KILL_TRIALS} kill trials, {len(all_confirmed)} notes shown as saved, 0 lost")


def test_tiny_terminal_and_back(spawn: Spawn, tmp_path: Path) -> None:
    doc = write_numbered(tmp_path / "doc.txt", 300)
    terminal = spawn(doc)
    terminal.wait_for("/ Search")
    terminal.press("j", "j")
    terminal.wait_until(lambda _: terminal.cursor_line() == 3, 5, "line 3")
    time.sleep(0.3)
    before = terminal.screen_lines()
    terminal.resize(5, 20)
    time.sleep(0.5)
    terminal.press("j", "k")  # keys still work in a 20x5 terminal
    time.sleep(0.3)
    assert terminal.process.isalive()
    terminal.resize(40, 120)
    # Right again: the same title, status and footer, the cursor line on screen, consecutive
    # document lines filling every row, and nothing out of line.
    terminal.wait_until(lambda lines: lines.count("line 0") >= 36, 5, "a full screen of lines")
    time.sleep(0.3)
    after = terminal.screen_lines()
    assert after[0] == before[0] and after[-1] == before[-1]
    assert terminal.cursor_line() == 3
    numbers = [int(n) for n in re.findall(r"line (\d{5}) of", "\n".join(after[1:-2]))]
    assert len(numbers) == 37 and numbers == list(range(numbers[0], numbers[0] + 37))
    assert numbers[0] <= 3 <= numbers[-1]
    terminal.screen.overflows.clear()
    terminal.answers_a_key()
    assert misalignment(terminal) == []
    terminal.press("q")
    assert terminal.wait_exit() == 0


def test_burst_of_a_thousand_keys(spawn: Spawn, tmp_path: Path) -> None:
    doc = write_numbered(tmp_path / "doc.txt", 3000)
    terminal = spawn(doc)
    terminal.wait_for("/ Search")
    started = time.monotonic()
    terminal.send(b"j" * BURST)  # as fast as the pty takes them
    terminal.wait_until(
        lambda _: terminal.status_line() and terminal.cursor_line() == BURST + 1,
        20,
        f"line {BURST + 1}",
    )
    elapsed = time.monotonic() - started
    assert f"line {BURST + 1:05} of the fault document" in terminal.screen_text()
    time.sleep(0.3)
    assert terminal.cursor_line() == BURST + 1  # and not one line further
    terminal.answers_a_key()
    assert elapsed < 15, f"{BURST} keys took {elapsed:.1f}s"
    terminal.press("q")
    assert terminal.wait_exit() == 0


def test_data_folder_that_cannot_be_created(spawn: Spawn, tmp_path: Path) -> None:
    """--data-dir under a regular file (unwritable even for root): a clear message, reading
    goes on, and the text typed into a note is kept in the open editor."""
    doc = write_numbered(tmp_path / "doc.txt", 300)
    (tmp_path / "a-file").write_text("not a folder\n")
    terminal = spawn("--data-dir", tmp_path / "a-file" / "data", doc)
    terminal.wait_for("/ Search")
    terminal.wait_for("cannot create the notes folder")
    terminal.press("j", "j")
    terminal.wait_until(lambda _: terminal.cursor_line() == 3, 5, "line 3")
    terminal.press("a")
    terminal.wait_for("New note on line 3")
    terminal.press("words I do not want to lose")
    terminal.wait_for("▊ words I do not want to lose")
    terminal.press("ctrl+s")
    terminal.wait_for("cannot save the note")
    time.sleep(0.5)
    text = terminal.screen_text()
    assert "New note on line 3" in text  # the editor stays open...
    assert "▊ words I do not want to lose" in text  # ...with the text in it
    terminal.press("escape")
    terminal.wait_for("Discard your changes?")  # one Esc never throws typed text away
    terminal.press("escape")
    terminal.wait_gone("New note on line 3")
    terminal.press("j")
    terminal.wait_until(lambda _: terminal.cursor_line() == 4, 5, "reading goes on")
    terminal.press("q")
    assert terminal.wait_exit() == 0


def test_a_full_disk_says_so_and_keeps_the_note(spawn: Spawn, tmp_path: Path) -> None:
    """Saving on a full disk says "the disk is full" (not "disk I/O error"), the text stays in
    the editor, and once there is room the same note is saved."""
    doc = write_numbered(tmp_path / "doc.txt", 60)
    with small_disk(tmp_path / "disk") as disk:
        data = disk / "data"
        terminal = spawn("--data-dir", data, doc)
        terminal.wait_for("/ Search")
        filler = fill(disk)
        terminal.press("a")
        terminal.wait_for("New note on line 1")
        terminal.press("words I do not want to lose")
        terminal.wait_for("▊ words I do not want to lose")
        terminal.press("ctrl+s")
        terminal.wait_for("the disk is full")
        time.sleep(0.3)
        text = terminal.screen_text()
        assert "I/O error" not in text
        assert "▊ words I do not want to lose" in text  # the editor keeps the text
        filler.unlink()
        terminal.press("ctrl+s")  # room again: the same note is saved
        terminal.wait_for("Note saved.")
        terminal.press("q")
        assert terminal.wait_exit() == 0
        with NotesStore(data, read_only=True) as store:
            assert [n.body for n in store.all_notes()] == ["words I do not want to lose"]
