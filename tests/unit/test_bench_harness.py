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


def _module(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_changed_rows_sees_text_and_style(bench: ModuleType) -> None:
    before = [("a", "b"), ("c", "d"), ("e", "f")]
    assert bench.changed_rows(before, list(before)) == []
    assert bench.changed_rows(before, [("a", "b"), ("c", "X"), ("e", "f")]) == [1]
    # A screen that grew or shrank differs in the rows only one of them has.
    assert bench.changed_rows(before, before[:2]) == [2]


def test_snapshot_changes_when_only_the_colour_moves(bench: ModuleType) -> None:
    # A cursor line drawn in reverse video moves down: the text is the same, the style is not.
    program = (
        r"printf 'one\r\ntwo\r\n'; read x; printf '\033[1;1Hone\033[2;1H\033[7mtwo\033[0m'; sleep 5"
    )
    with bench.PtyScreen(["sh", "-c", program]) as screen:
        screen.wait_for("two", timeout=10)
        assert screen.wait_quiet(0.05)
        before = screen.snapshot()
        text_before = screen.text()
        sent = screen.send("\r")
        elapsed = screen.wait_until(
            lambda s: bool(bench.changed_rows(before, s.snapshot())), timeout=10, since=sent
        )
        assert 0 <= elapsed < 10
        assert screen.text() == text_before
        assert bench.changed_rows(before, screen.snapshot()) == [1]


def test_a_synchronized_update_is_not_judged_half_drawn(bench: ModuleType) -> None:
    # The text appears inside a frame (?2026h .. ?2026l): it counts only once the frame ends.
    program = r"printf '\033[?2026hready'; sleep 0.3; printf '\033[?2026l'; sleep 5"
    with bench.PtyScreen(["sh", "-c", program]) as screen:
        elapsed = screen.wait_until(lambda s: "ready" in s.text(), timeout=10)
        assert elapsed >= 0.25
        assert not screen.in_frame()


def test_wait_until_times_out_with_the_screen(bench: ModuleType) -> None:
    with (
        bench.PtyScreen(["sh", "-c", "echo visible; sleep 5"]) as screen,
        pytest.raises(bench.ScreenTimeout, match="visible"),
    ):
        screen.wait_until(lambda s: False, timeout=0.3, what="nothing")


def test_find_clears_names_what_blanks_the_screen(bench: ModuleType) -> None:
    data = b"text\x1b[2Jmore\x1b[H\x1b[Jx\x1b[1;1H\x1b[0Jy\x1b[?1049hz\x1b[?1049l\x1bc"
    found = bench.find_clears(data)
    names = [name for _, name in found]
    assert names[0].startswith("ESC[2J")
    assert sum(name.startswith("ESC[H ESC[J") for name in names) == 2
    assert sum(name.startswith("alternate screen") for name in names) == 2
    assert names[-1].startswith("ESC c")
    assert [at for at, _ in found] == sorted(at for at, _ in found)
    assert found[0][0] == data.index(b"\x1b[2J")
    # Drawing, colours, erasing a line and moving home without erasing clear nothing.
    harmless = b"\x1b[H\x1b[1;31mred\x1b[0m\x1b[K\x1b[5;1Hrow\x1b[?25l\x1b[?2026h\x1b[?2026l"
    assert bench.find_clears(harmless) == []


def test_replay_offset_finds_the_exact_byte(bench: ModuleType) -> None:
    data = b"\x1b[1;1Hfirst line\r\n\x1b[40;1H? Help  q Quit"
    reads = [5, 12, len(data)]  # the text arrives split over reads
    at = bench.replay_offset(data, reads, lambda s: any("first line" in r for r in s.display))
    assert at == data.index(b"first line") + len(b"first line")
    footer = bench.replay_offset(data, reads, lambda s: "? Help" in s.display[-1])
    assert footer == data.index(b"? Help") + len(b"? Help")
    assert bench.replay_offset(data, reads, lambda s: False) is None
    # Drawn inside a synchronized update, the text shows only when the frame ends.
    framed = b"\x1b[?2026h\x1b[1;1Hfirst line\x1b[?2026l"
    at = bench.replay_offset(framed, [len(framed)], lambda s: "first line" in s.display[0])
    assert at == len(framed)


def test_absent_at_finds_a_blank_frame_between_two_instants(bench: ModuleType) -> None:
    shown = b"\x1b[1;1Hfirst line"
    data = shown + b"\x1b[2J" + shown + b"\x1b[40;1Hfooter"
    reads = [len(shown), len(shown) + 4, 2 * len(shown) + 4, len(data)]
    # The first line vanished after the second read (a clear) and came back with the third.
    assert bench.absent_at(data, reads, "first line", reads[0], len(data)) == [reads[1]]
    held = shown + b"\x1b[40;1Hfooter"
    assert bench.absent_at(held, [len(shown), len(held)], "first line", len(shown), len(held)) == []


def test_footer_marks_the_app_ready() -> None:
    bench_start = _module("bench_start")
    rows = ["", "text", " / Search  a Add note  ? Help  q Quit"]
    assert bench_start.footer_shown(rows)
    # The help key elsewhere on the screen (the help dialog) is not the footer.
    assert not bench_start.footer_shown(["? Help", "text", ""])
    assert not bench_start.footer_shown([])


def test_library_order_and_opening_lines(tmp_path: Path) -> None:
    bench_library = _module("bench_library")
    for name, body in [("b.txt", "\n\n  Second doc\n"), ("a.txt", "First doc\n"), ("B.md", "x")]:
        (tmp_path / name).write_text(body)
    (tmp_path / "sub").mkdir()
    order = bench_library.library_order(tmp_path)
    # By the bytes of the names, as the app sorts them: capitals first; folders left out.
    assert [p.name for p in order] == ["B.md", "a.txt", "b.txt"]
    assert bench_library.opening_line(order[1]) == "First doc"
    # Leading blank lines are skipped: the needle is what a reader sees first.
    assert bench_library.opening_line(order[2]) == "Second doc"


def test_key_percentile() -> None:
    bench_keys = _module("bench_keys")
    values = [float(n) for n in range(1, 101)]
    assert 94 <= bench_keys.p95(values) <= 96
    assert bench_keys.p95([3.0]) == 3.0
