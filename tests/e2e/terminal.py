"""A real pseudo-terminal running the installed `seedreader`, read back through a pyte screen."""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import pyte
from ptyprocess import PtyProcess
from wcwidth import wcwidth

SEEDREADER = Path(sys.executable).parent / "seedreader"
"""The installed console script of the virtualenv running the tests."""

ROWS, COLS = 40, 120

RESPONSE_SECONDS = float(os.environ.get("SEEDREADER_E2E_RESPONSE", "1.0"))
"""How soon the app must answer a key (the issue says within a second)."""

HELP_TITLE = "seedreader — keys"

T = TypeVar("T")

KEYS: dict[str, bytes] = {
    "enter": b"\r",
    "escape": b"\x1b",
    "tab": b"\t",
    "backspace": b"\x7f",
    "space": b" ",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
    "ctrl+s": b"\x13",
    "ctrl+d": b"\x04",
    "ctrl+u": b"\x15",
    "ctrl+t": b"\x14",
    "ctrl+c": b"\x03",
}
"""Named keys as a terminal sends them (xterm, normal cursor mode)."""

BAR = set("│┃●━")
"""What the document's overview bar (its right-hand column) is drawn with."""

_ASK_SYNC = b"\x1b[?2026$p"
_FRAME_BEGIN = b"\x1b[?2026h"
_FRAME_END = b"\x1b[?2026l"
_ZERO_WIDTH_RUN = re.compile(r"([^\x00-\x7f])")


class _Screen(pyte.Screen):
    """pyte's screen, except that a zero-width character which is not a combining mark
    (ZWJ, ZWSP, variation selectors...) sticks to the cell before it: pyte 0.8.2 drops the
    rest of the text it was given at such a character, which would fake misalignment."""

    overflows: list[int]
    """Rows where the app drew past the right edge: it counted a character narrower than the
    terminal does, so everything after it on that row was misplaced."""

    def __init__(self, columns: int, lines: int) -> None:
        self.overflows = []
        super().__init__(columns, lines)

    def _draw_run(self, text: str) -> None:
        width = len(text) if text.isascii() else sum(max(wcwidth(ch), 0) for ch in text)
        if self.cursor.x + width > self.columns:
            self.overflows.append(self.cursor.y)
        super().draw(text)

    def draw(self, data: str) -> None:
        start = 0
        for match in _ZERO_WIDTH_RUN.finditer(data):
            char = match.group(1)
            if wcwidth(char) > 0 or unicodedata.combining(char):
                continue
            if match.start() > start:
                self._draw_run(data[start : match.start()])
            start = match.end()
            line = self.buffer[self.cursor.y]
            x = self.cursor.x - 1
            if x >= 0:
                if line[x].data == "" and x > 0:
                    x -= 1  # the stub cell after a wide character
                line[x] = line[x]._replace(data=line[x].data + char)
        if start < len(data):
            self._draw_run(data[start:])


class Terminal:
    """`seedreader ARGS` in a pty of `rows` x `cols`; everything it writes is kept in `raw` and
    fed to a pyte screen from a reader thread, so the app never blocks on a full pty."""

    def __init__(
        self,
        args: Sequence[str | os.PathLike[str]],
        *,
        env: Mapping[str, str],
        cwd: Path | None = None,
        rows: int = ROWS,
        cols: int = COLS,
    ) -> None:
        self.screen = _Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self.raw = bytearray()
        self._pending = b""
        self._closed = False
        self.last_output = time.monotonic()
        """When the reader thread last fed output to the screen (time.monotonic())."""
        full_env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            **env,
        }
        full_env.pop("TEXTUAL", None)
        self.process = PtyProcess.spawn(
            [str(SEEDREADER), *map(str, args)],
            cwd=str(cwd) if cwd else None,
            env=full_env,
            dimensions=(rows, cols),
        )
        # Non-blocking, so that typing into an app that died or hangs fails instead of hanging.
        os.set_blocking(self.process.fd, False)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- output

    def _read(self) -> None:
        fd = self.process.fd
        while True:
            try:
                ready, _, _ = select.select([fd], [], [], 0.1)
                if not ready:
                    continue
                data = os.read(fd, 65536)
            except BlockingIOError:
                continue
            except OSError:  # EIO: the app ended and the pty closed
                break
            if not data:
                break
            with self._changed:
                if _ASK_SYNC in self.raw[-16:] + data:
                    # Say we support synchronized output, as modern terminals do: the app then
                    # brackets each frame, and the screen is only read between whole frames.
                    os.write(self.process.fd, b"\x1b[?2026;2$y")
                self.raw += data
                frame = self._pending + data
                begin, end = frame.rfind(_FRAME_BEGIN), frame.rfind(_FRAME_END)
                cut = begin if begin > end else len(frame)
                self._pending = frame[cut:]
                try:
                    self._stream.feed(frame[:cut])
                except Exception as error:  # noqa: BLE001 - a pyte bug must not hide the output
                    self.raw += f"\n[pyte failed: {error!r}]".encode()
                self.last_output = time.monotonic()
                self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def screen_lines(self) -> list[str]:
        """The rows as a person sees them (a wide character's stub cell is left out)."""
        with self._lock:
            return [
                "".join(self.screen.buffer[y][x].data for x in range(self.screen.columns))
                for y in range(self.screen.lines)
            ]

    def screen_text(self) -> str:
        return "\n".join(self.screen_lines())

    def cells(self, y: int) -> list[str]:
        """Row `y` cell by cell ("" for the stub cell after a wide character)."""
        with self._lock:
            return [self.screen.buffer[y][x].data for x in range(self.screen.columns)]

    def raw_bytes(self) -> bytes:
        with self._lock:
            return bytes(self.raw)

    def wait_until(self, predicate: object, timeout: float = 10.0, what: str = "") -> None:
        """Wait until `predicate(screen_text)` holds; AssertionError with the screen if not."""
        deadline = time.monotonic() + timeout
        assert callable(predicate)

        def holds() -> bool:
            try:
                return bool(predicate(self.screen_text()))
            except AssertionError:  # e.g. no status bar on screen yet
                return False

        while True:
            if holds():
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            with self._changed:
                if self._closed:
                    if holds():
                        return
                    break
                self._changed.wait(min(remaining, 0.05))
        raise AssertionError(
            f"timed out after {timeout}s waiting for {what or predicate!r}; screen:\n"
            + self.screen_text()
        )

    def wait_for(self, text: str, timeout: float = 10.0) -> None:
        """Wait until `text` is on the screen."""
        self.wait_until(lambda screen: text in screen, timeout, repr(text))

    def wait_gone(self, text: str, timeout: float = 10.0) -> None:
        """Wait until `text` is no longer on the screen."""
        self.wait_until(lambda screen: text not in screen, timeout, f"{text!r} to go")

    def wait_for_pattern(self, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        """Wait until the regular expression matches the screen; returns the match."""
        self.wait_until(lambda screen: re.search(pattern, screen), timeout, f"/{pattern}/")
        match = re.search(pattern, self.screen_text())
        assert match is not None
        return match

    # -- input

    def press(self, *keys: str) -> None:
        """Send keys: a name from KEYS, or literal text typed as is."""
        for key in keys:
            self.send(KEYS.get(key, key.encode()))

    def send(self, data: bytes, timeout: float = 10.0) -> None:
        """Write `data` as typed input; AssertionError if the app ended or stops reading."""
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        while view:
            if self._closed:
                raise AssertionError("the app has ended:\n" + self.screen_text())
            try:
                view = view[os.write(self.process.fd, view) :]
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the app read no input for {timeout}s") from None
                select.select([], [self.process.fd], [], 0.05)
            except OSError as error:
                raise AssertionError(f"the pty is gone: {error}") from None

    def resize(self, rows: int, cols: int) -> None:
        """Resize the pty (the app gets SIGWINCH) and the screen we read it through."""
        with self._lock:
            self.screen.resize(rows, cols)
        self.process.setwinsize(rows, cols)

    def answers_a_key(self, timeout: float = RESPONSE_SECONDS) -> None:
        """Press ? and see the help within `timeout`, then close it: the app is not hung."""
        started = time.monotonic()
        self.press("?")
        self.wait_for(HELP_TITLE, timeout)
        elapsed = time.monotonic() - started
        self.press("escape")
        self.wait_gone(HELP_TITLE, timeout)
        assert elapsed <= timeout

    # -- the process

    def status_line(self) -> str:
        """The row holding the status bar ("line N/M ..."), or ""."""
        for line in reversed(self.screen_lines()):
            if re.search(r"line [\d,]+/[\d,]+", line) or " empty " in f" {line} ":
                return line
        return ""

    def cursor_line(self) -> int:
        """The 1-based cursor line the status bar shows."""
        match = re.search(r"line ([\d,]+)/", self.status_line())
        assert match is not None, self.screen_text()
        return int(match.group(1).replace(",", ""))

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the process to end; returns its exit status (or -signal)."""
        deadline = time.monotonic() + timeout
        while self.process.isalive():
            if time.monotonic() > deadline:
                raise AssertionError(f"still running after {timeout}s:\n" + self.screen_text())
            time.sleep(0.02)
        self._reader.join(timeout=2)
        if self.process.signalstatus:
            return -self.process.signalstatus
        return self.process.exitstatus if self.process.exitstatus is not None else -1

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process.isalive():
            self.process.kill(sig)

    def close(self) -> None:
        """Kill the app if it still runs and release the pty."""
        self.kill()
        with contextlib.suppress(OSError):
            self.process.close(force=True)
        self._reader.join(timeout=2)


STATUS_PLACE = re.compile(r"\bline ~?[\d,]+/")
"""How the status bar tells the cursor line (the footer's "Outline" is not it)."""


def misalignment(terminal: Terminal) -> list[str]:
    """What is out of line on the screen: rows drawn past the right edge, and rows whose
    overview bar is not in the same column as on the other rows."""
    problems = [
        f"row {y} drawn past the right edge" for y in sorted(set(terminal.screen.overflows))
    ]
    lines = terminal.screen_lines()
    status = next(
        y
        for y in range(len(lines) - 1, 0, -1)
        if STATUS_PLACE.search(lines[y]) or "empty" in lines[y]
    )
    columns: dict[int, list[int]] = {}
    for y in range(1, status):
        cells = terminal.cells(y)
        xs = [x for x, ch in enumerate(cells) if ch in BAR]
        columns.setdefault(xs[-1] if xs else -1, []).append(y)
    if len(columns) > 1:
        problems.append(f"overview bar at several columns (column: rows): {columns}")
    return problems


# -- helpers of the key matrix (tests/e2e/test_keys.py)

_TEXTUAL_NAMES: dict[str, bytes] = {
    "colon": b":",
    "slash": b"/",
    "question_mark": b"?",
    "left_square_bracket": b"[",
    "right_square_bracket": b"]",
    "exclamation_mark": b"!",
    "full_stop": b".",
    "comma": b",",
    "minus": b"-",
    "plus": b"+",
    "equals_sign": b"=",
    "less_than_sign": b"<",
    "greater_than_sign": b">",
    "number_sign": b"#",
    "apostrophe": b"'",
}


def key_bytes(name: str) -> bytes:
    """What a terminal sends for the Textual key `name` ("j", "G", "colon", "ctrl+d", "pageup")."""
    if name in KEYS:
        return KEYS[name]
    if name in _TEXTUAL_NAMES:
        return _TEXTUAL_NAMES[name]
    if len(name) == 1:
        return name.encode()
    match = re.fullmatch(r"ctrl\+([a-z])", name)
    if match:
        return bytes([ord(match.group(1)) - ord("a") + 1])
    raise AssertionError(f"the test harness does not know how a terminal types {name!r}")


def status_row(terminal: Terminal) -> str:
    """The status bar as the last-but-one row of the screen (the footer is the last)."""
    lines = terminal.screen_lines()
    return lines[-2].strip() if len(lines) >= 2 else ""


def background(terminal: Terminal, y: int, x: int) -> str:
    """The background colour of one cell ("default" or a hex colour)."""
    with terminal._lock:
        return str(terminal.screen.buffer[y][x].bg)


def send_when_shown(terminal: Terminal, text: str, data: bytes, timeout: float = 10.0) -> float:
    """Send `data` as soon as `text` is on the screen; returns how long after the output that
    showed it the keys were written (seconds)."""
    terminal.wait_for(text, timeout)
    shown = terminal.last_output
    terminal.send(data)
    return time.monotonic() - shown


def wait_for_value(
    terminal: Terminal,
    read: Callable[[], T],
    accept: Callable[[T], bool],
    timeout: float,
) -> tuple[bool, T]:
    """Wait until `accept(read())` holds; returns whether it did and the last value read."""
    deadline = time.monotonic() + timeout
    value = read()
    while not accept(value):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False, value
        with terminal._changed:
            if terminal._closed:
                value = read()
                return accept(value), value
            terminal._changed.wait(min(remaining, 0.05))
        value = read()
    return True, value


ESCAPE_GAP = 0.15
"""How long after a lone Esc the next key waits: an Esc followed at once by a key reads as
alt+key (so it does in every terminal application); a person's next key comes later."""

_escaped_at: dict[int, float] = {}


def type_keys(terminal: Terminal, *keys: str) -> None:
    """Type keys given as Textual names ("j", "colon", "ctrl+t"), KEYS names or literal text,
    keeping a lone Esc apart from the key after it."""
    for key in keys:
        try:
            data = KEYS.get(key) or key_bytes(key)
        except AssertionError:
            data = key.encode()
        wait = _escaped_at.pop(id(terminal), 0.0) + ESCAPE_GAP - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        terminal.send(data)
        if data == KEYS["escape"]:
            _escaped_at[id(terminal)] = time.monotonic()
