"""The benchmark harness itself: the pty screen sees what a program draws, and times it."""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks/ptyscreen.py, imported the way the benchmark scripts import it."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        return importlib.import_module("ptyscreen")
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_screen_shows_what_the_program_prints(bench: ModuleType) -> None:
    with bench.PtyScreen(["printf", r"first row\r\n\033[1;31msecond\033[0m row\r\n"]) as screen:
        elapsed = screen.wait_for("second row", timeout=10)
        assert 0 < elapsed < 10
        rows = screen.text().splitlines()
        # Escape sequences are interpreted, not shown: the colour code leaves no trace.
        assert rows[0].rstrip() == "first row"
        assert rows[1].rstrip() == "second row"
        assert len(rows) == bench.ROWS


def test_program_sees_a_120x40_terminal(bench: ModuleType) -> None:
    with bench.PtyScreen(["stty", "size"]) as screen:
        screen.wait_for("40 120", timeout=10)


def test_cursor_movement_is_drawn_like_a_terminal(bench: ModuleType) -> None:
    # Full-screen apps draw by moving the cursor; text must land where the program put it.
    program = r"printf '\033[2J\033[5;10Hhello\033[1;1Htop'"
    with bench.PtyScreen(["sh", "-c", program]) as screen:
        screen.wait_for("hello", timeout=10)
        rows = screen.screen.display
        assert rows[4][9:14] == "hello"
        assert rows[0].startswith("top")


def test_missing_text_times_out_with_the_screen_in_the_message(bench: ModuleType) -> None:
    started = time.perf_counter()
    with (
        bench.PtyScreen(["sh", "-c", "echo something else; sleep 5"]) as screen,
        pytest.raises(bench.ScreenTimeout, match="something else"),
    ):
        screen.wait_for("never printed", timeout=0.3)
    # close() ends the sleeping program instead of waiting for it.
    assert time.perf_counter() - started < 4


def test_keys_reach_the_program_and_time_is_measured_from_sending(bench: ModuleType) -> None:
    with bench.PtyScreen(["sh", "-c", "read line; echo got:$line"]) as screen:
        sent = screen.send("abc\r")
        elapsed = screen.wait_for("got:abc", timeout=10, since=sent)
        assert 0 <= elapsed < 10


def test_resident_memory_counts_the_process_tree(bench: ModuleType) -> None:
    with bench.PtyScreen(["sh", "-c", "sleep 30 & sleep 30 & echo ready; wait"]) as screen:
        screen.wait_for("ready", timeout=10)
        alone = bench.tree_rss(os.getpid())
        tree = screen.rss_bytes()
        # sh plus two sleeps: more than a few hundred KB, less than this Python process.
        assert 300_000 < tree < alone
        assert tree > bench._vm_rss(screen.pid)
    assert bench.tree_rss(screen.pid) == 0


@pytest.mark.skipif(shutil.which("less") is None, reason="less not installed")
def test_less_shows_the_first_line_of_a_file(bench: ModuleType, tmp_path: Path) -> None:
    document = tmp_path / "doc.txt"
    document.write_text("".join(f"line number {n}\n" for n in range(1, 200)))
    env = dict(os.environ, LESSHISTFILE="-")
    with bench.PtyScreen(["less", str(document)], env=env) as screen:
        screen.wait_for("line number 1", timeout=10)
        sent = screen.send("G")
        screen.wait_for("line number 199", timeout=10, since=sent)
        rows = [row.rstrip() for row in screen.screen.display]
        # The top scrolled away: the screen is redrawn in place, not appended to.
        assert "line number 2" not in rows


def test_floor_app_shows_the_first_line_literally(bench: ModuleType, tmp_path: Path) -> None:
    document = tmp_path / "doc.txt"
    document.write_text("[bold]first[/bold] line\nsecond line\n")
    env = dict(os.environ, TERM="xterm-256color")
    argv = [sys.executable, str(BENCHMARKS / "floor_app.py"), str(document)]
    with bench.PtyScreen(argv, env=env) as screen:
        screen.wait_for("[bold]first[/bold] line", timeout=30)
        assert "second line" not in screen.text()


def test_reader_bench_looks_for_the_real_first_and_last_lines(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        bench_reader = importlib.import_module("bench_reader")
    finally:
        sys.path.remove(str(BENCHMARKS))
    document = tmp_path / "doc.txt"
    body = "".join(f"filler line {n}\n" for n in range(5000))
    head = "Libya's interim leader urged NATO Wednesday to maintain\n"
    document.write_text(head + body + "the end.\n\n")
    # Cut at a word boundary, short enough for one row of a narrow pane.
    needle = bench_reader.needle(bench_reader.first_line(document))
    assert needle == "Libya's interim leader urged NATO"
    assert bench_reader.last_line(document) == "the end."
