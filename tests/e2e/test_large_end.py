"""`G` right after the first line of a large file shows: the end is on screen at once (read
directly, its line number estimated while the index runs), then the exact line number.

Speed targets live in benchmarks/; the bounds here are only generous "not waiting for ever".
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.e2e.conftest import Spawn
from tests.e2e.terminal import Terminal, send_when_shown, status_row

FIRST = "opening line of the large file"
LAST = "the very last line of the large file"
BLOCK_LINES = 2000
REPEATS = 400  # about 50 MB


def large_file(folder: Path) -> tuple[Path, int]:
    """A file of about 50 MB with known first and last lines; (path, its line count)."""
    block = "".join(
        f"{i:05d} {'some ordinary words of a long log file ' * (1 + i % 3)}\n"[: 20 + i % 120]
        + ("\n" if i % 120 < 60 else "")
        for i in range(BLOCK_LINES)
    )
    block_lines = block.count("\n")
    path = folder / "large.txt"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(FIRST + "\n")
        data = block * REPEATS
        handle.write(data)
        handle.write(LAST + "\n")
    assert path.stat().st_size > 40 * 1024 * 1024
    return path, 1 + block_lines * REPEATS + 1


def text_rows(terminal: Terminal) -> list[str]:
    """The document's rows, without the overview bar (its scale moves with the line count)."""
    return [line[:-1] for line in terminal.screen_lines()[1:-2]]


def status_numbers(terminal_status: str) -> tuple[str, str] | None:
    match = re.search(r"line (~?[\d,]+)/(~?[\d,]+\+?)", terminal_status)
    return (match.group(1), match.group(2)) if match else None


def test_g_at_once_on_a_large_file(spawn: Spawn, tmp_path: Path) -> None:
    path, lines = large_file(tmp_path)
    terminal = spawn(path)
    send_when_shown(terminal, FIRST, b"G", timeout=20)
    terminal.wait_for(LAST, timeout=10)
    # The last line is where G puts it: at the bottom of the text.
    terminal.wait_until(
        lambda _screen: (
            status_numbers(status_row(terminal)) is not None and LAST in terminal.screen_lines()[-3]
        ),
        timeout=10,
        what="the last line at the bottom",
    )
    time.sleep(0.2)  # the frame drawn whole
    shown = text_rows(terminal)
    # Then, once indexed, the exact number, and the same text on screen.
    exact = f"{lines:,}"
    terminal.wait_until(
        lambda _screen: status_numbers(status_row(terminal)) == (exact, exact),
        timeout=30,
        what=f"the exact line number {exact}",
    )
    assert text_rows(terminal) == shown
    assert "100%" in status_row(terminal)


def test_up_from_the_end_and_back(spawn: Spawn, tmp_path: Path) -> None:
    path, lines = large_file(tmp_path)
    terminal = spawn(path, rows=24, cols=80)
    send_when_shown(terminal, FIRST, b"Gbbbkkk", timeout=20)
    terminal.wait_until(
        lambda _screen: (
            status_numbers(status_row(terminal)) is not None and LAST not in terminal.screen_text()
        ),
        timeout=10,
        what="the view up from the end",
    )
    exact = f"{lines:,}"
    terminal.wait_until(
        lambda _screen: (status_numbers(status_row(terminal)) or ("", ""))[1] == exact,
        timeout=30,
        what="the index done",
    )
    before = terminal.screen_lines()[:-2]
    terminal.press("G")
    terminal.wait_for(LAST, timeout=10)
    terminal.wait_until(
        lambda _screen: status_numbers(status_row(terminal)) == (exact, exact),
        timeout=10,
        what="the last line, exact",
    )
    terminal.press("g")
    terminal.wait_for(FIRST, timeout=10)
    assert before != terminal.screen_lines()[:-2]
