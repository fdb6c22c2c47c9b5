"""`seedreader notes list|add|export|import`: the notes store from the shell."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from seedreader.cli_common import Parser, error, follow_option, report_scan
from seedreader.documents import Document, DocumentError, open_document, sanitize, scan_paths
from seedreader.export import (
    MISSING,
    Located,
    json_array,
    locate,
    notes_from_json,
    record,
    to_json,
    to_markdown,
    write_atomic,
)
from seedreader.notes import NotesStore, NotesStoreError, PlacedNote
from seedreader.pathnames import show_path
from seedreader.paths import data_dir

QUOTE_WIDTH = 72
"""Characters of a note's quote shown by `notes list`."""
READING = ("list", "export")
"""Commands that only read: they open the notes file read-only and change nothing."""
_TEXT = "--text"
_ADD_OPTIONS = ("--line", "--to-line", _TEXT, "--data-dir", "-h", "--help")
_STASHED = "\0text:"
"""Start of the stand-in for a stashed --text value (no command-line argument holds NUL)."""


def _data_dir_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="where the notes file lives (default: $SEEDREADER_DATA_DIR or the platform's "
        "user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The parser of `seedreader notes ...`."""
    parser = Parser(
        prog="seedreader notes",
        description="List, add, export and import the notes kept by seedreader.",
        epilog="Lines are counted from 1. Notes live in notes.sqlite3 in the data folder.",
    )
    _data_dir_option(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    # Each command accepts --data-dir too; SUPPRESS keeps the top-level value when it is absent.
    listing = commands.add_parser("list", help="show notes, where they are now in their documents")
    listing.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: all)")
    listing.add_argument("--json", action="store_true", help="print one JSON array of notes")
    follow_option(listing)
    _data_dir_option(listing, argparse.SUPPRESS)

    add = commands.add_parser("add", help="add a note to lines of a document")
    add.add_argument("path", metavar="PATH", help="the document")
    add.add_argument("--line", type=int, required=True, metavar="N", help="first line (from 1)")
    add.add_argument("--to-line", type=int, metavar="M", help="last line (default: N)")
    add.add_argument("--text", required=True, help="the note's text; - reads it from stdin")
    _data_dir_option(add, argparse.SUPPRESS)

    export = commands.add_parser("export", help="write every note as Markdown or JSON")
    export.add_argument("--format", choices=["markdown", "json"], default="markdown")
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of stdout (replaced whole, atomically; a new file is private)",
    )
    _data_dir_option(export, argparse.SUPPRESS)

    imports = commands.add_parser("import", help="add the notes of a JSON export")
    imports.add_argument(
        "file", metavar="FILE", help="a file written by `notes export --format json`"
    )
    _data_dir_option(imports, argparse.SUPPRESS)
    return parser


def _stash_text(argv: list[str]) -> tuple[list[str], list[str]]:
    """`add`'s --text values taken out of argv, each replaced by a stand-in argparse passes on.

    argparse mangles some values of an option: `--text=--` becomes an empty list (it drops
    "--" as the end-of-options marker), `--text -x` is refused as a missing value. A note's
    text is anything: `--text=VALUE` always is the value, and so is the argument after
    `--text` unless it is another option of `add` (`--text --line 3` forgot the text).

    Returns:
        The new argv and the values, in order (a stand-in names its index).
    """
    out: list[str] = []
    values: list[str] = []
    command: str | None = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            out += argv[i - 1 :]
            break
        if command is None:
            out.append(arg)
            if arg == "--data-dir" and i < len(argv):
                out.append(argv[i])
                i += 1
            elif not arg.startswith("-"):
                command = arg
            continue
        value: str | None = None
        if command == "add" and arg.startswith(_TEXT + "="):
            value = arg[len(_TEXT) + 1 :]
        elif command == "add" and arg == _TEXT and i < len(argv):
            following = argv[i]
            if following.split("=", 1)[0] not in _ADD_OPTIONS:
                value = following
                i += 1
        if value is None:
            out.append(arg)
        else:
            out.append(f"{_TEXT}={_STASHED}{len(values)}")
            values.append(value)
    return out, values


def _parse(argv: list[str]) -> argparse.Namespace:
    argv, values = _stash_text(argv)
    options = build_parser().parse_args(argv)
    text = getattr(options, "text", None)
    if isinstance(text, str) and text.startswith(_STASHED):
        options.text = values[int(text[len(_STASHED) :])]
    return options


def _open_store(options: argparse.Namespace) -> NotesStore:
    store = NotesStore(data_dir(options.data_dir), read_only=options.command in READING)
    for warning in store.warnings:
        print(f"seedreader: {sanitize(warning)}", file=sys.stderr)
    return store


def main(argv: list[str]) -> int:
    """Run `seedreader notes ...`; returns the exit status."""
    options = _parse(argv)
    try:
        store = _open_store(options)
    except NotesStoreError as exc:
        return error(str(exc))
    try:
        command = {"list": _list, "add": _add, "export": _export, "import": _import}[
            options.command
        ]
        return command(store, options)
    except (NotesStoreError, DocumentError) as exc:
        return error(str(exc))
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return error(f"{where}{exc.strerror or exc}")
    finally:
        store.close()


# --- list ----------------------------------------------------------------------------------------


def _located_for_paths(store: NotesStore, paths: list[str], follow: bool) -> list[Located]:
    """Notes of the documents under `paths`, plus those stored for paths there that are gone."""
    result: list[Located] = []
    seen: set[str] = set()
    present = [p for p in paths if os.path.exists(p)]
    documents: list[Document] = []
    if present:
        scan = scan_paths(present, follow=follow)
        report_scan(scan)
        documents = scan.documents
    for document in documents:
        try:
            placed = store.notes_for(document)
        except DocumentError:
            continue  # binary or unreadable: a file with no notes to show
        for p in placed:
            seen.add(p.note.id)
            result.append(Located(p, document))
    roots = [os.path.abspath(p) for p in paths]
    for note in store.all_notes():
        if note.id in seen or os.path.exists(note.path):
            continue
        if any(
            note.path == root or note.path.startswith(root.rstrip(os.sep) + os.sep)
            for root in roots
        ):
            result.append(Located(PlacedNote(note, MISSING, None, None), None))
    return result


def _located_all(store: NotesStore) -> list[Located]:
    return locate(store.all_notes())


def _shorten(text: str, width: int) -> str:
    first = text.split("\n", 1)[0]
    more = "\n" in text
    if len(first) > width:
        return first[: width - 1] + "…"
    return first + (" …" if more else "")


def _list(store: NotesStore, options: argparse.Namespace) -> int:
    located = (
        _located_for_paths(store, options.paths, options.follow)
        if options.paths
        else _located_all(store)
    )
    placed = [item.placed for item in located]
    if options.json:
        # To a terminal every non-ASCII character is escaped, so nothing in a note can drive it.
        print(json_array((record(p) for p in placed), ascii_only=sys.stdout.isatty()))
        return 0
    for p in placed:
        note = p.note
        line = p.line if p.line is not None else note.anchor.start_line
        end = p.end_line if p.end_line is not None else note.anchor.end_line
        where = f"{show_path(note.path)}:{line + 1}" + (f"-{end + 1}" if end != line else "")
        print(sanitize(f"{where}  [{p.state}]  {note.id}"))
        print("    > " + sanitize(_shorten(note.anchor.quote, QUOTE_WIDTH)))
        for body_line in note.body.split("\n")[:3]:
            print("    " + sanitize(body_line))
    if not placed:
        print("no notes", file=sys.stderr)
    return 0


# --- add -----------------------------------------------------------------------------------------


def _read_stdin() -> str:
    """The note's text from stdin, which must be UTF-8 text.

    Raises:
        NotesStoreError: it is not.
    """
    if sys.stdin is None:
        raise NotesStoreError("--text - reads the note from stdin, but there is no stdin")
    buffer = getattr(sys.stdin, "buffer", None)
    try:
        # Read as bytes: text mode would turn bad bytes into surrogates, or raise.
        raw = buffer.read() if buffer is not None else sys.stdin.read().encode("utf-8")
        text = raw.decode("utf-8")
    except UnicodeError:
        raise NotesStoreError("the note read from stdin is not UTF-8 text") from None
    if "\0" in text:
        raise NotesStoreError("the note read from stdin holds NUL bytes (binary data, not text)")
    return text


def _add(store: NotesStore, options: argparse.Namespace) -> int:
    text = _read_stdin() if options.text == "-" else options.text
    if not text.strip():
        where = "stdin" if options.text == "-" else "--text"
        return error(f"the note is empty or only blanks (give some text with {where})")
    document = open_document(options.path)
    first = options.line
    last = options.to_line if options.to_line is not None else first
    if first < 1 or last < 1:
        return error("line numbers start at 1")
    note = store.add(document, first - 1, last - 1, text)  # returns once committed
    span = f"{first}" + (f"-{last}" if last != first else "")
    print(sanitize(f"saved note {note.id} on {show_path(note.path)}:{span}"))
    return 0


# --- export and import ---------------------------------------------------------------------------


def _write_stdout(text: str, stream: TextIO) -> None:
    if stream.isatty():
        # Sanitized line by line: a note's escape sequences must not reach the terminal.
        text = "\n".join(sanitize(line) for line in text.split("\n"))
    stream.write(text)


def _export(store: NotesStore, options: argparse.Namespace) -> int:
    placed = [item.placed for item in _located_all(store)]
    if options.format == "json":
        ascii_only = options.output is None and sys.stdout.isatty()
        text = to_json(placed, ascii_only=ascii_only)
    else:
        text = to_markdown(placed)
    if options.output is None:
        _write_stdout(text, sys.stdout)
        return 0
    write_atomic(Path(options.output), text)
    print(sanitize(f"exported {len(placed)} notes to {options.output}"), file=sys.stderr)
    return 0


def _import(store: NotesStore, options: argparse.Namespace) -> int:
    try:
        raw = Path(options.file).read_bytes()
    except OSError as exc:
        return error(f"{options.file}: cannot read: {exc.strerror}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return error(f"{options.file}: not UTF-8 text (not a seedreader notes export)")
    notes = notes_from_json(text, options.file)
    added, updated = store.merge(notes)
    same = len(notes) - added - updated
    print(
        sanitize(f"imported {added} new notes, {updated} updated, {same} already there"),
        file=sys.stderr,
    )
    return 0
