"""The first screen: the document on the terminal before the framework is up (issue 11).

Through a real pty: keys typed before the app is up are acted on once it is; nothing clears
the screen between the first screen and the app's frames (the app draws over the same text);
a document's control bytes reach the terminal only sanitized; and a start-up that fails
leaves the terminal as it was (normal screen, cursor shown, terminal modes restored).
"""

from __future__ import annotations

import os
import re
import select
import shlex
import time
from pathlib import Path

import pyte
from ptyprocess import PtyProcess

from seedreader.documents import sanitize
from tests.conftest import ROOT
from tests.e2e.conftest import Spawn
from tests.e2e.terminal import COLS, ROWS, SEEDREADER, Terminal

SEED = next((ROOT / "seeds").glob("*.txt"))
DRIVER_STARTED = b"\x1b[?1000h"
"""The app's driver turns on mouse reporting first thing: the framework is up from here."""
FIRST_SCREEN_END = b"\x1b[?2026l"
CLEARS = (b"\x1b[2J", b"\x1b[J", b"\x1b[0J", b"\x1b[1J", b"\x1b[3J", b"\x1bc")


def _first_screen_bytes(terminal: Terminal) -> bytes:
    terminal.wait_until(lambda _: FIRST_SCREEN_END in terminal.raw_bytes(), what="the first screen")
    raw = terminal.raw_bytes()
    return raw[: raw.index(FIRST_SCREEN_END) + len(FIRST_SCREEN_END)]


def _drawn(data: bytes) -> pyte.Screen:
    screen = pyte.Screen(COLS, ROWS)
    pyte.ByteStream(screen).feed(data)
    return screen


def _cells(screen: pyte.Screen, y: int) -> list[tuple[str, str, bool]]:
    return [(cell.data, cell.bg, cell.bold) for cell in screen.buffer[y].values()]


def test_keys_typed_before_the_app_is_up_are_acted_on(spawn: Spawn) -> None:
    terminal = spawn(SEED)
    terminal.wait_for("seedreader │")
    terminal.press("j", "j", "j")
    assert DRIVER_STARTED not in terminal.raw_bytes(), "the keys came after the app was up"
    terminal.wait_for("^p palette")
    terminal.wait_until(lambda _: terminal.cursor_line() == 4, what="the cursor on line 4")

    other = spawn(SEED)
    other.wait_for("seedreader │")
    other.press("G")
    assert DRIVER_STARTED not in other.raw_bytes(), "G came after the app was up"
    other.wait_until(lambda _: re.search(r"line 41/41", other.status_line()), what="line 41/41")

    # Enter is CR: the terminal must not turn it into LF (ctrl+j) while the first screen is up.
    third = spawn(SEED)
    third.wait_for("seedreader │")
    third.press(":", "3", "0", "enter")
    assert DRIVER_STARTED not in third.raw_bytes(), ":30 Enter came after the app was up"
    third.wait_until(lambda _: re.search(r"line 30/41", third.status_line()), what="line 30/41")


def test_the_app_takes_over_without_clearing_the_screen(spawn: Spawn) -> None:
    terminal = spawn(SEED)
    first = _first_screen_bytes(terminal)
    terminal.wait_for("^p palette")
    time.sleep(0.3)
    raw = terminal.raw_bytes()
    assert raw.count(b"\x1b[?1049h") == 1, "the alternate screen is entered once, not re-entered"
    for clear in CLEARS:
        assert clear not in raw, f"{clear!r} clears the screen"
    early, app = _drawn(first), terminal.screen
    # The title, the document's rows and the status bar stay as they were (the footer's row
    # gets the footer).
    for y in range(ROWS - 1):
        assert _cells(early, y) == _cells(app, y), f"row {y} changed: {app.display[y]!r}"


def test_control_bytes_reach_the_first_screen_only_sanitized(spawn: Spawn, tmp_path: Path) -> None:
    hostile = [
        "Title \x1b]0;owned\x07 and \x1b[2J clear",
        "colour \x1b[31mred\x1b[0m bell \x07 C1 \x9b31m csi",
        "backspace a\x08b and DEL \x7f and a NUL-free line",
    ]
    path = tmp_path / "hostile.txt"
    path.write_text("\n".join(hostile) + "\n", encoding="utf-8")
    terminal = spawn(path)
    first = _first_screen_bytes(terminal)
    body = first[first.index(b"\x1b[2;1H") :]
    for line in hostile:
        for raw_part in re.findall(r"[\x00-\x1f\x7f-\x9f]", line):
            assert raw_part.encode() not in body.replace(b"\x1b[", b"").replace(b"\x1b]", b"")
    assert b"\x1b]0;owned" not in first and b"\x1b[31m" not in first and b"\x1b[2J" not in first
    shown = "\n".join(_drawn(first).display)
    for line in hostile:
        assert sanitize(line) in shown


def _stty_around(tmp_path: Path, env: dict[str, str]) -> tuple[str, str, bytes, int]:
    """Run `seedreader SEED` between two `stty -g` in one pty; the terminal modes before and
    after, everything written, and the exit status."""
    before, after = tmp_path / "before", tmp_path / "after"
    script = (
        f"stty -g > {shlex.quote(str(before))}; "
        f"{shlex.quote(str(SEEDREADER))} {shlex.quote(str(SEED))}; status=$?; "
        f"stty -g > {shlex.quote(str(after))}; exit $status"
    )
    full_env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "SEEDREADER_DATA_DIR": str(tmp_path / "data"),
        "SEEDREADER_CACHE_DIR": str(tmp_path / "cache"),
        **env,
    }
    process = PtyProcess.spawn(["sh", "-c", script], env=full_env, dimensions=(ROWS, COLS))
    out = bytearray()
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([process.fd], [], [], 0.1)
            if ready:
                try:
                    data = os.read(process.fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                out += data
            elif not process.isalive():
                break
        process.wait()
        status = process.exitstatus if process.exitstatus is not None else -1
    finally:
        process.close(force=True)
    return before.read_text(), after.read_text(), bytes(out), status


def test_a_failed_start_leaves_the_terminal_as_it_was(tmp_path: Path) -> None:
    before, after, out, status = _stty_around(tmp_path, {"SEEDREADER_TEST_FAIL_START": "1"})
    assert status != 0
    assert b"\x1b[?1049h" in out, "the first screen was drawn"
    assert before == after, "the terminal modes were restored"
    drawn = out[out.index(b"\x1b[?1049h") :]
    assert b"\x1b[?1049l" in drawn and drawn.rindex(b"\x1b[?25h") > drawn.rindex(b"\x1b[?25l")
    assert b"start-up failure forced" in out


def test_a_normal_run_restores_the_terminal_too(tmp_path: Path) -> None:
    # `q` typed at once: quits as soon as the app is up; the modes are the ones from before.
    before, after, out, status = _stty_around_with_keys(tmp_path)
    assert status == 0
    assert before == after
    assert out.rindex(b"\x1b[?1049l") > out.rindex(b"\x1b[?1049h")


def _stty_around_with_keys(tmp_path: Path) -> tuple[str, str, bytes, int]:
    before, after = tmp_path / "before", tmp_path / "after"
    script = (
        f"stty -g > {shlex.quote(str(before))}; "
        f"{shlex.quote(str(SEEDREADER))} {shlex.quote(str(SEED))}; status=$?; "
        f"stty -g > {shlex.quote(str(after))}; exit $status"
    )
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "SEEDREADER_DATA_DIR": str(tmp_path / "data"),
        "SEEDREADER_CACHE_DIR": str(tmp_path / "cache"),
    }
    process = PtyProcess.spawn(["sh", "-c", script], env=env, dimensions=(ROWS, COLS))
    out = bytearray()
    sent = False
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([process.fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(process.fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                out += data
                if not sent and FIRST_SCREEN_END in out:
                    os.write(process.fd, b"q")
                    sent = True
            elif not process.isalive():
                break
        process.wait()
        status = process.exitstatus if process.exitstatus is not None else -1
    finally:
        process.close(force=True)
    return before.read_text(), after.read_text(), bytes(out), status
