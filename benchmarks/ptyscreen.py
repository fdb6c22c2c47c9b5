"""A program in a real pseudo-terminal drawn by pyte, so a benchmark can wait for text on screen."""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Self

import pyte
from ptyprocess import PtyProcess

ROWS = 40
COLS = 120
SYNC_UPDATE = 2026 << 5
"""pyte's key for DEC private mode 2026 (synchronized output) in `Screen.mode`: while it is set,
the program is in the middle of a frame and the terminal would not show it yet."""

Snapshot = tuple[tuple[object, ...], ...]
"""The drawn screen, every cell with its character and style (see `PtyScreen.snapshot`)."""

CLEARS: tuple[tuple[str, re.Pattern[bytes]], ...] = (
    ("ESC[2J (erase display)", re.compile(rb"\x1b\[2J")),
    ("ESC[3J (erase scrollback)", re.compile(rb"\x1b\[3J")),
    ("ESC[H ESC[J (home, erase below)", re.compile(rb"\x1b\[(?:1?;?1?)?H\x1b\[0?J")),
    ("ESC c (full reset)", re.compile(rb"\x1bc")),
    ("alternate screen on/off (?1049/?1047/?47)", re.compile(rb"\x1b\[\?(?:1049|1047|47)[hl]")),
)
"""Escape sequences that blank the screen (or swap it for another buffer) on a real terminal."""


class ScreenTimeout(Exception):
    """The expected text did not appear on screen in time."""


class _AnsweringScreen(pyte.Screen):
    """A pyte screen that answers the terminal's queries through the pty, as a terminal would."""

    def __init__(self, columns: int, lines: int, reply: PtyProcess) -> None:
        super().__init__(columns, lines)
        self._reply = reply

    def write_process_input(self, data: str) -> None:
        # Textual asks for device attributes at start-up; a silent terminal would be unrealistic.
        with contextlib.suppress(OSError):
            self._reply.write(data.encode())


class PtyScreen:
    """Run a command in a pty of ROWS x COLS, feed everything it prints into a pyte screen.

    Everything the program writes is read as it arrives (so it never blocks on a full pty
    buffer) and drawn on the screen; `wait_for` polls the screen's text for a string.
    """

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        rows: int = ROWS,
        cols: int = COLS,
    ) -> None:
        full_env = dict(os.environ if env is None else env)
        full_env.setdefault("TERM", "xterm-256color")
        self.started = time.perf_counter()
        self.process = PtyProcess.spawn(
            list(argv), env=full_env, cwd=None if cwd is None else str(cwd), dimensions=(rows, cols)
        )
        self.screen = _AnsweringScreen(cols, rows, self.process)
        self._stream = pyte.ByteStream(self.screen)
        self.last_output = self.started
        self.eof = False
        self.raw = bytearray()
        """Everything the program has written, as read."""
        self.reads: list[tuple[float, int]] = []
        """For each read: its `time.perf_counter()` instant and the length of `raw` after it."""

    @property
    def pid(self) -> int:
        """The process id of the program (the leader of its own session)."""
        return int(self.process.pid)

    def pump(self, timeout: float) -> bool:
        """Read what the program has written within `timeout` seconds; True if anything came."""
        if self.eof:
            time.sleep(timeout)
            return False
        got = False
        deadline = time.perf_counter() + timeout
        while True:
            left = max(0.0, deadline - time.perf_counter())
            ready, _, _ = select.select([self.process.fd], [], [], left)
            if not ready:
                return got
            try:
                data = os.read(self.process.fd, 1 << 16)
            except OSError:  # EIO: the program has exited and the pty is closed
                data = b""
            if not data:
                self.eof = True
                return got
            # The instant of reading, not of drawing: pyte takes a while over a big frame.
            self.last_output = time.perf_counter()
            self._stream.feed(data)
            self.raw += data
            self.reads.append((self.last_output, len(self.raw)))
            got = True
            # Keep draining what is already there, but return promptly so callers can check.
            deadline = time.perf_counter()

    def text(self) -> str:
        """The screen as text, one row per line."""
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 30.0, since: float | None = None) -> float:
        """Wait until `needle` is on one row of the screen.

        Args:
            needle: text expected within one screen row.
            timeout: seconds to wait before giving up.
            since: the `time.perf_counter()` instant the figure is measured from
                (default: the launch of the program).

        Returns:
            Seconds from `since` until the needle was first seen on screen.

        Raises:
            ScreenTimeout: the needle did not appear in time (the message shows the screen).
        """
        start = self.started if since is None else since
        deadline = time.perf_counter() + timeout
        while True:
            if any(needle in row for row in self.screen.display):
                return time.perf_counter() - start
            if self.eof or time.perf_counter() >= deadline:
                state = "exited" if self.eof else f"still running after {timeout:.0f} s"
                # The bottom rows say most (a traceback's last line, a status bar).
                rows = [row.strip() for row in self.screen.display if row.strip()]
                shown = " | ".join(rows[-3:])[-300:] or "blank"
                raise ScreenTimeout(f"{needle!r} not on screen ({state}); last rows: {shown}")
            self.pump(min(0.005, max(0.0, deadline - time.perf_counter())))

    def in_frame(self) -> bool:
        """True while the program is inside a synchronized update (a frame not yet shown)."""
        return SYNC_UPDATE in self.screen.mode

    def wait_until(
        self,
        done: Callable[[PtyScreen], bool],
        timeout: float = 30.0,
        since: float | None = None,
        what: str = "the expected screen",
    ) -> float:
        """Wait until `done(self)` holds, checked after every read of the program's output.

        The pty is read as soon as anything arrives (select, no fixed polling interval), and the
        check is skipped inside a synchronized update, so a half-drawn frame never counts.

        Returns:
            Seconds from `since` (default: the launch) until `done` first held.

        Raises:
            ScreenTimeout: `done` did not hold in time (the message shows the screen).
        """
        start = self.started if since is None else since
        deadline = time.perf_counter() + timeout
        checked = -1
        while True:
            if checked != len(self.raw) and not self.in_frame():
                checked = len(self.raw)
                if done(self):
                    return self.last_output - start if self.reads else 0.0
            if self.eof or time.perf_counter() >= deadline:
                state = "exited" if self.eof else f"still running after {timeout:.0f} s"
                rows = [row.strip() for row in self.screen.display if row.strip()]
                shown = " | ".join(rows[-3:])[-300:] or "blank"
                raise ScreenTimeout(f"{what} not on screen ({state}); last rows: {shown}")
            self.pump(min(0.005, max(0.0, deadline - time.perf_counter())))

    def wait_quiet(self, quiet: float = 0.05, limit: float = 5.0) -> bool:
        """Read until the program has written nothing for `quiet` seconds; False if it never was.

        Used before pressing a key, so that what changes next is the key's doing.
        """
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline and not self.eof:
            idle = time.perf_counter() - self.last_output
            if idle >= quiet and not self.in_frame():
                return True
            self.pump(min(quiet - idle, deadline - time.perf_counter()) if idle < quiet else 0.005)
        return False

    def snapshot(self) -> Snapshot:
        """Every cell of the screen with its style: a cursor moved by a colour alone shows here."""
        buffer = self.screen.buffer
        return tuple(
            tuple(buffer[y][x] for x in range(self.screen.columns))
            for y in range(self.screen.lines)
        )

    def send(self, keys: str | bytes) -> float:
        """Type `keys` into the program; returns the `time.perf_counter()` instant of sending."""
        data = keys.encode() if isinstance(keys, str) else keys
        self.process.write(data)
        return time.perf_counter()

    def rss_bytes(self) -> int:
        """Resident memory (VmRSS) of the program and all its descendants, in bytes."""
        return tree_rss(self.pid)

    def settled_rss(self, stable_for: float = 1.5, limit: float = 20.0) -> int:
        """Resident memory once it has stopped growing (within 1 MB over `stable_for` seconds).

        The screen is kept drained meanwhile, so the program never waits on the terminal.
        """
        deadline = time.perf_counter() + limit
        last = self.rss_bytes()
        stable_since = time.perf_counter()
        while time.perf_counter() < deadline and not self.eof:
            self.pump(0.1)
            now = self.rss_bytes()
            if abs(now - last) > 1 << 20:
                last, stable_since = now, time.perf_counter()
            elif time.perf_counter() - stable_since >= stable_for:
                return now
        return self.rss_bytes()

    def close(self) -> None:
        """End the program and everything it started (its whole session)."""
        if self.process.isalive():
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.pid, sig)
                except ProcessLookupError:
                    break
                end = time.perf_counter() + 2.0
                while time.perf_counter() < end and self.process.isalive():
                    self.pump(0.02)
                if not self.process.isalive():
                    break
        with contextlib.suppress(OSError):
            self.process.close(force=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def changed_rows(
    before: Sequence[Sequence[object]], after: Sequence[Sequence[object]]
) -> list[int]:
    """The indexes of the rows that differ between two screens (text or style)."""
    rows = max(len(before), len(after))
    return [
        y
        for y in range(rows)
        if y >= len(before) or y >= len(after) or tuple(before[y]) != tuple(after[y])
    ]


def find_clears(data: bytes | bytearray) -> list[tuple[int, str]]:
    """Where `data` (a program's raw output) blanks the screen: (offset, what), in order."""
    found = [(m.start(), name) for name, pattern in CLEARS for m in pattern.finditer(data)]
    return sorted(found)


def replay_offset(
    data: bytes | bytearray,
    reads: Sequence[int],
    done: Callable[[pyte.Screen], bool],
    rows: int = ROWS,
    cols: int = COLS,
) -> int | None:
    """The byte offset in `data` after which `done(screen)` first holds, drawn on a fresh screen.

    `reads` are the ends of the program's writes as they were read (`PtyScreen.reads`); the
    output is replayed read by read, then byte by byte within the read where `done` first held,
    so the offset is exact. Inside a synchronized update nothing counts (the terminal shows the
    frame only at its end). None if `done` never holds.
    """

    def fresh() -> tuple[pyte.Screen, pyte.ByteStream]:
        screen = pyte.Screen(cols, rows)
        return screen, pyte.ByteStream(screen)

    def shown(screen: pyte.Screen) -> bool:
        return SYNC_UPDATE not in screen.mode and done(screen)

    screen, stream = fresh()
    start = 0
    for end in reads:
        stream.feed(bytes(data[start:end]))
        if shown(screen):
            break
        start = end
    else:
        return None
    screen, stream = fresh()
    stream.feed(bytes(data[:start]))
    for offset in range(start, end):
        stream.feed(bytes(data[offset : offset + 1]))
        if shown(screen):
            return offset + 1
    return end


def absent_at(
    data: bytes | bytearray,
    reads: Sequence[int],
    needle: str,
    since: int,
    until: int,
    rows: int = ROWS,
    cols: int = COLS,
) -> list[int]:
    """The ends of reads in (since, until] after which `needle` was not on the drawn screen.

    A terminal shows the screen between the program's writes; a text that "holds" from one
    moment to another is on screen after every read in between.
    """
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    start = 0
    gaps = []
    for end in reads:
        stream.feed(bytes(data[start:end]))
        start = end
        if SYNC_UPDATE in screen.mode:
            continue  # mid-frame: the terminal still shows the frame before
        if since < end <= until and not any(needle in row for row in screen.display):
            gaps.append(end)
    return gaps


def _children() -> dict[int, list[int]]:
    """Map each process id to its direct children, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        # The command name may hold spaces and parentheses: fields follow the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _vm_rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024  # reported in kB
    return 0  # a zombie has no VmRSS line


def tree_rss(pid: int) -> int:
    """Sum of VmRSS over `pid` and all its descendants, in bytes (0 if it has ended)."""
    children = _children()
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        total += _vm_rss(current)
        todo.extend(children.get(current, []))
    return total
