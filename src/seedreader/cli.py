"""The command line: `seedreader [PATH ...]`, `seedreader search ...`, `seedreader notes ...`.

Only opening the reader imports the UI, so the shell commands start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from seedreader import __version__
from seedreader.cli_common import Parser, error, follow_option, nothing_to_read, start_scan
from seedreader.documents import Document, DocumentError

ESCAPE_DELAY_MS = "25"
"""How long a lone Esc waits for the rest of an escape sequence before it counts as the Esc key
(Textual's default: 100 ms, the wait felt on every Esc that closes a dialog). A terminal writes
a key's whole sequence at once, so its bytes arrive together even over ssh unless the link
splits a packet between them; 25 ms still covers such a split on a typical link (tmux 3.5 waits
10 ms, Neovim 50 ms). A sequence split for longer reads as Esc and then the rest of it. Set
ESCDELAY (in milliseconds) to choose another value."""


def build_parser() -> argparse.ArgumentParser:
    """The parser of `seedreader [PATH ...]`."""
    parser = Parser(
        prog="seedreader",
        description=(
            "Read a folder of documents in the terminal, find things with typo-tolerant search "
            "and keep notes anchored to the text."
        ),
        epilog=(
            "Other commands:\n"
            "  seedreader search QUERY [PATH ...]   "
            "fuzzy search from the shell (see search --help)\n"
            "  seedreader notes list|add|export|import   notes from the shell (see notes --help)\n"
            "\n"
            "Keys inside the reader: press ? for help.\n"
            "Environment: SEEDREADER_DATA_DIR (notes and reading state), "
            "SEEDREADER_CACHE_DIR (search index cache), ESCDELAY (ms to tell a lone Esc from "
            "a key's escape sequence; default 25)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders to open (folders recursively, never leaving them unless "
        "--follow); default: the current folder",
    )
    follow_option(parser)
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where notes and reading state live (default: $SEEDREADER_DATA_DIR or the "
        "platform's user data folder)",
    )
    parser.add_argument("--version", action="version", version=f"seedreader {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "search":
            from seedreader.cli_search import main as search_main

            return search_main(args[1:])
        if args and args[0] == "notes":
            from seedreader.cli_notes import main as notes_main

            return notes_main(args[1:])
        return _read(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and friends: not an error worth a traceback.
        sys.stderr.close()
        return 0


def _read(argv: list[str]) -> int:
    # Imported here: `search` and `notes` have no use for it.
    from seedreader import first_screen

    options = build_parser().parse_args(argv)
    paths = options.paths or ["."]
    scan, scanner = start_scan(paths, follow=options.follow)
    if not scan.documents:
        return nothing_to_read(scan, paths)
    if len(scan.documents) == 1:
        # A single file named directly: report a binary or unreadable file before any UI.
        try:
            scan.documents[0].load()
        except DocumentError as exc:
            return error(str(exc))
    from seedreader.paths import data_dir

    directory = data_dir(options.data_dir)
    if not sys.stdout.isatty() and not os.environ.get("SEEDREADER_ALLOW_NO_TTY"):
        return error("the reader needs a terminal (use `seedreader search` in scripts)")
    if len(scan.documents) == 1 and scanner is None:  # one document, and no more to come
        _first_screen(scan.documents[0], directory)
    try:
        if os.environ.get("SEEDREADER_TEST_FAIL_START"):  # only the end-to-end tests set it
            raise RuntimeError("start-up failure forced by SEEDREADER_TEST_FAIL_START")
        # Read by Textual when it is imported: a user's own value is kept.
        os.environ.setdefault("ESCDELAY", ESCAPE_DELAY_MS)
        from seedreader.ui.app import ReaderApp

        app = ReaderApp(
            scan.documents,
            data_dir=directory,
            skipped=scan.skipped,
            notices=scan.notices,
            scanner=scanner,
        )
        app.run()
    finally:
        first_screen.release()  # the app never took over the first screen: undo it
    return app.return_code or 0


def _first_screen(document: Document, directory: Path) -> None:
    """Draw the document's first screen before the UI is imported (see `first_screen`)."""
    from seedreader import first_screen
    from seedreader.state import ReadingState

    state = ReadingState(directory)
    try:
        first_screen.show(document, state)
    finally:
        state.close()


if __name__ == "__main__":
    raise SystemExit(main())
