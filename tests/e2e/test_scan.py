"""The app over a folder with links out of it, loops and special files, at 80x24: a notice at
start says what was skipped, and the command palette lists every skipped path with its reason
(issue 10)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.e2e.conftest import Spawn
from tests.e2e.terminal import Terminal, type_keys
from tests.hostile import binary_blob


def listed(terminal: Terminal, name: str, reason: str) -> bool:
    """Whether the list shows `name` and its `reason` on one row."""
    entry = re.compile(rf"^\W\s{re.escape(name)}  {re.escape(reason)}\s")
    return any(entry.match(row) for row in terminal.screen_lines())


def test_the_app_says_what_the_scan_skipped_and_lists_it(spawn: Spawn, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("outsidesecretword\n")
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "real.txt").write_text("the only real document here\n")
    (folder / "passwd").symlink_to(outside / "secret.txt")
    (folder / "parent").symlink_to("..")
    (folder / "loop").symlink_to("loop")
    os.mkfifo(folder / "pipe.txt")
    (folder / "blob.txt").write_bytes(binary_blob())
    (folder / "esc\x1b]0;title\x07.png").write_text("not a text document by its name\n")

    terminal = spawn(folder, rows=24, cols=80)
    terminal.wait_for("the only real document here")
    terminal.wait_for("Skipped 6 entries")
    terminal.wait_for("Skipped files")  # the notice names where the list is
    assert "outsidesecretword" not in terminal.screen_text()

    type_keys(terminal, "ctrl+p")
    terminal.wait_for("Search for commands")
    type_keys(terminal, "Skipped files")
    terminal.wait_for("What the folder scan did not open")
    type_keys(terminal, "enter")
    terminal.wait_for("Skipped files (6) in ")
    terminal.wait_gone("What the folder scan did not open")
    terminal.wait_gone("ctrl+p › Skipped files")  # the notice is put away
    screen = terminal.screen_text()
    for name, reason in [
        ("blob.txt", "binary file"),
        ("loop", "symlink loop"),
        ("parent", "symlink to a folder (not followed; use --follow)"),
        ("passwd", "outside the folder"),
        ("pipe.txt", "FIFO (named pipe)"),
        ("esc␛]0;title␇.png", "not a text document (by its name)"),
    ]:
        assert listed(terminal, name, reason), f"{name}: {reason} is not listed:\n{screen}"
    # The filter narrows the list by reason.
    type_keys(terminal, "loop")
    terminal.wait_gone("blob.txt")
    assert listed(terminal, "loop", "symlink loop")
    type_keys(terminal, "escape")
    terminal.wait_gone("Skipped files (6)")
    type_keys(terminal, "q")
    assert terminal.wait_exit() == 0
    raw = terminal.raw_bytes()
    assert b"\x1b]0;title" not in raw and b"Traceback" not in raw
