"""What every shell command shares: the one-line error, its exit status, the parser class and
the report of a folder scan.

It lives apart from `cli` so that `cli_search` and `cli_notes` need not import `cli`, which
imports them (lazily) to dispatch: no import cycle.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from seedreader.documents import (
    DEVICE,
    FIFO,
    SOCKET,
    Scanner,
    ScanResult,
    count_skipped,
    path_key,
    sanitize,
)
from seedreader.pathnames import show_path

EXIT_ERROR = 2


def error(message: str) -> int:
    """Print one line to stderr, made safe for the terminal, and return exit code 2."""
    print(f"seedreader: {sanitize(message)}", file=sys.stderr)
    return EXIT_ERROR


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise SystemExit(error(f"{message} (see --help)"))


def follow_option(parser: argparse.ArgumentParser) -> None:
    """Add `--follow` to a command that scans folders."""
    parser.add_argument(
        "--follow",
        action="store_true",
        help="follow symbolic links to folders, and to files outside the folder (by default a "
        "folder scan never leaves the folder); loops are detected",
    )


def skipped_line(scan: ScanResult) -> str | None:
    """One line counting what a scan passed over, by reason; None when it passed over nothing.

    For example "skipped 4 entries: 2 symlink loops, 1 FIFO (named pipe), 1 outside the folder".
    """
    total = len(scan.skipped)
    if not total:
        return None
    return f"skipped {total} {'entry' if total == 1 else 'entries'}: {count_skipped(scan.skipped)}"


def report_scan(scan: ScanResult) -> None:
    """Tell, on stderr, what a scan passed over (one line) and any notice it has."""
    for notice in scan.notices:
        error(notice)
    line = skipped_line(scan)
    if line:
        error(line)


def nothing_to_read(scan: ScanResult, paths: Sequence[str]) -> int:
    """The one-line error when a scan found no document; returns exit code 2.

    A single path named on the command line that was skipped is named with its reason
    ("notes.txt: symlink loop"); otherwise the line says what was passed over.
    """
    named = {os.path.abspath(p) for p in paths}
    if len(scan.skipped) == 1 and not scan.notices and str(scan.skipped[0].path) in named:
        entry = scan.skipped[0]
        special = entry.reason in (FIFO, SOCKET, DEVICE)
        return error(
            f"{show_path(entry.path)}: {entry.reason}" + (special * ", not a regular file")
        )
    where = " ".join(show_path(p) for p in paths)
    line = skipped_line(scan)
    return error(f"no readable document in {where}" + (f"; {line}" if line else ""))


def start_scan(paths: Sequence[str], follow: bool) -> tuple[ScanResult, Scanner | None]:
    """Scan in the background until the first documents are known, for the reader.

    Returns what is found so far and the scan still running, or the whole result and None
    when the scan is over. A folder of up to `FIRST_DOCUMENTS` documents is scanned whole
    before any UI, as is one holding no document (the caller says `nothing_to_read`). A
    bigger one is handed over running once it has shown `FIRST_DOCUMENTS` documents (or two,
    after `FIRST_WAIT` seconds), paused until the app resumes it after its first frame.
    """
    scanner = Scanner(paths, follow=follow, hold=FIRST_DOCUMENTS).start()
    if not scanner.wait(FIRST_DOCUMENTS, timeout=FIRST_WAIT):
        scanner.wait(2)
    scanner.pause()
    if scanner.result is not None:
        return scanner.result, None
    return ScanResult(sorted(scanner.take(), key=lambda d: path_key(d.path))), scanner


FIRST_DOCUMENTS = 200
"""A folder scan holding more documents goes on in the background while the reader starts."""
FIRST_WAIT = 0.1
"""Seconds a folder scan may take to find `FIRST_DOCUMENTS` before the reader starts anyway
(once it has found two)."""
