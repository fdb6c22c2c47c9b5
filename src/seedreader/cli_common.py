"""What every shell command shares: the one-line error, its exit status and the parser class.

It lives apart from `cli` so that `cli_search` and `cli_notes` need not import `cli`, which
imports them (lazily) to dispatch: no import cycle.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from seedreader.documents import ScanResult, sanitize

EXIT_ERROR = 2


def error(message: str) -> int:
    """Print one line to stderr, made safe for the terminal, and return exit code 2."""
    print(f"seedreader: {sanitize(message)}", file=sys.stderr)
    return EXIT_ERROR


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise SystemExit(error(f"{message} (see --help)"))


def skipped_other_line(scan: ScanResult) -> str | None:
    """One line on the entries a scan passed over as neither a document nor a binary file.

    `ScanResult.skipped_other` counts files whose name is not of a text type (`.png`, `.pdf`),
    entries that are not regular files (pipes, sockets, devices) and entries that could not be
    examined; None when there were none.
    """
    count = scan.skipped_other
    if not count:
        return None
    if count == 1:
        return "Skipped 1 file that is not a text document or not a regular file."
    return f"Skipped {count} files that are not text documents or not regular files."
