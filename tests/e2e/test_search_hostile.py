"""Search through a real terminal against hostile input: naughty queries typed into the search
bar of a library holding a line of megabytes and a file named with bytes that are not UTF-8,
then quitting at once (issue 10)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import Spawn
from tests.e2e.terminal import Terminal, type_keys
from tests.hostile import long_line

QUIT_SECONDS = 5.0
"""Quitting takes a fraction of a second; this only catches a hang (it took 10 to 18 s)."""


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "one-line.txt").write_bytes(long_line(4_000_000))  # "lorem ipsum dolor sit amet"
    (folder / os.fsdecode(b"bad\xff\xfe.txt")).write_text("hello\nthe gaddafi line\n")
    # Read first (paths sort by their bytes); quitting remembers the place in it.
    (folder / "0-notes.txt").write_text("another gaddafi here\n\ndolorous words\n")
    return folder


def open_search(terminal: Terminal) -> None:
    terminal.wait_for("/ Search")
    terminal.press("/")
    terminal.wait_for("Type to search.", 30)  # the index is built: no stall at "Indexing N%"


def settled(terminal: Terminal, quiet: float = 0.3, timeout: float = 20.0) -> None:
    """Wait until the app has drawn nothing for `quiet` seconds: it has taken every key."""
    deadline = time.monotonic() + timeout
    while time.monotonic() - terminal.last_output < quiet:
        assert time.monotonic() < deadline, "the app never settled"
        time.sleep(0.05)


def quits_at_once(terminal: Terminal) -> float:
    """Esc then q, as a person types them; returns how long the app took to end."""
    type_keys(terminal, "escape")
    started = time.monotonic()
    type_keys(terminal, "q")
    assert terminal.wait_exit(QUIT_SECONDS * 4) == 0
    return time.monotonic() - started


def test_a_naughty_query_typed_then_quit(spawn: Spawn, library: Path) -> None:
    terminal = spawn(library)
    open_search(terminal)
    query = "d" + "\u0301" * 200  # one letter and 200 combining accents, key by key
    for ch in query:
        terminal.send(ch.encode())
    terminal.wait_for("hits in")
    assert quits_at_once(terminal) < QUIT_SECONDS


def test_many_naughty_queries_then_quit(spawn: Spawn, library: Path) -> None:
    terminal = spawn(library)
    open_search(terminal)
    queries = ["a" + "\u0301" * 200, "lorem " * 150, "e" + "\u0300\u0301\u0302" * 70]
    queries += ["ipsum-dolor-" * 80, "\u202e" * 100 + "amet", "s" * 3000, "dolor sit"]
    for query in queries * 2:
        # `/` opens the bar with the last query selected: the next one replaces it.
        type_keys(terminal, "slash")
        terminal.send(query.encode())
        settled(terminal)  # Esc acts before the box has taken the keys typed before it
        type_keys(terminal, "escape")
    type_keys(terminal, "slash")
    terminal.send(b"gaddafi")
    terminal.wait_for("2 hits in 2 documents")  # in both files (the bad name too)
    assert quits_at_once(terminal) < QUIT_SECONDS


def test_ten_thousand_keys_then_quit(spawn: Spawn, library: Path) -> None:
    terminal = spawn(library)
    open_search(terminal)
    for _ in range(20):
        terminal.send(b"a" * 500)
    assert quits_at_once(terminal) < QUIT_SECONDS
