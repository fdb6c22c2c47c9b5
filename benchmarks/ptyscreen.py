"""A program in a real pseudo-terminal drawn by pyte, so a benchmark can wait for text on screen."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Self

import pyte
from ptyprocess import PtyProcess

ROWS = 40
COLS = 120


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
            self._stream.feed(data)
            self.last_output = time.perf_counter()
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
