"""`seedreader search QUERY [PATH ...]`: the search engine from the shell, grep-style output."""

from __future__ import annotations

import argparse
import base64
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

from seedreader.cli_common import Parser, error, follow_option, nothing_to_read, report_scan
from seedreader.documents import DocumentError, sanitize, scan_paths
from seedreader.pathnames import is_clean, path_bytes, show_path
from seedreader.paths import cache_dir as default_cache_dir
from seedreader.search import Hit, IndexCancelled, SearchIndex, SearchResult, scanned
from seedreader.search.results import HIT_WINDOW, HitWindow

EXIT_HIT, EXIT_NONE, EXIT_ERROR = 0, 1, 2

_PATH, _NUMBER, _MATCH, _RESET = "\x1b[35m", "\x1b[32m", "\x1b[1;31m", "\x1b[0m"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="seedreader search",
        description=(
            "Find lines by keywords, typo-tolerant: all words must occur in one paragraph, "
            '"quoted phrases" match exactly, and the last word also matches as a prefix. '
            "Prints path:line:column: text, best hits first."
        ),
        epilog=(
            "A hit's text is its line, or on a line longer than --width a window around the\n"
            "match, with … where it was cut. Names and text are shown with control\n"
            "characters as visible symbols and undecodable bytes as \\xff.\n"
            "\n"
            "--json: line and column are 1-based; text is the window, text_start its 0-based\n"
            "column in the line (of line_length characters); matches are 0-based [start, end)\n"
            "spans relative to text, cut to the window. path is the file's path; when the name\n"
            "is not valid UTF-8, path shows it escaped and path_bytes holds its bytes (base64).\n"
            "\n"
            "Exit status: 0 when something matched, 1 when nothing did, 2 on an error.\n"
            "The index is cached in $SEEDREADER_CACHE_DIR (default: the platform's user cache)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("query", metavar="QUERY", help="words to look for (quote it in the shell)")
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: the current folder)"
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=20,
        metavar="N",
        help="show at most N hits (0: all; default 20)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per hit and line")
    parser.add_argument("--exact", action="store_true", help="no typo tolerance, whole words only")
    parser.add_argument(
        "--width",
        type=int,
        default=HIT_WINDOW,
        metavar="N",
        help=f"show at most N characters of a hit's line (0: all of it; default {HIT_WINDOW})",
    )
    follow_option(parser)
    return parser


def main(argv: list[str]) -> int:
    """Run `seedreader search`; returns the exit status."""
    options = build_parser().parse_args(argv)
    if options.limit < 0:
        return error("search: --limit must be 0 or more")
    if options.width < 0:
        return error("search: --width must be 0 or more")
    if not options.query.strip():
        return error("search: the query is empty")
    paths = options.paths or ["."]
    cache_dir = default_cache_dir()
    record = scanned.record_path(paths, options.follow, cache_dir)
    known = scanned.load(record)
    started = time.time_ns()
    scan = scan_paths(paths, follow=options.follow, known=known)
    if not scan.documents:
        return nothing_to_read(scan, paths)
    report_scan(scan)
    scanned.save(record, scan.documents, started, known)
    progress = _progress if sys.stderr.isatty() else None
    try:
        index = SearchIndex.build(
            scan.documents, progress=progress, cache_dir=cache_dir, scanned=True
        )
    except IndexCancelled:  # pragma: no cover - nothing cancels from the shell
        return EXIT_ERROR
    except (OSError, sqlite3.Error) as exc:
        return error(f"cannot build the search index: {exc}")
    finally:
        if progress is not None:
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)
    try:
        result = index.search(options.query, limit=options.limit, exact=options.exact)
    except sqlite3.Error as exc:
        return error(f"search failed: {exc}")
    finally:
        index.close()
    _print_hits(result, json_lines=options.json, colour=_wants_colour(), width=options.width)
    _print_suggestions(result)
    return EXIT_HIT if result.hits else EXIT_NONE


def _wants_colour() -> bool:
    return (
        sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )


_last_percent = -1


def _progress(done: int, total: int) -> None:
    global _last_percent
    percent = done * 100 // max(total, 1)
    if percent != _last_percent:
        _last_percent = percent
        print(f"\rseedreader: indexing… {percent}%", end="", file=sys.stderr, flush=True)


def display_path(path: Path) -> str:
    """The path relative to the current folder when it lies inside it, else absolute."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _window(hit: Hit, width: int) -> HitWindow:
    """The part of the hit's line to show: `width` characters at most, or all of it for 0."""
    if width > 0:
        return hit.window(width)
    if hit.line_length < 0:
        return hit.window(len(hit.text))
    # The hit is in a piece of a line too long to index whole: read the line itself.
    try:
        line = hit.document.line(hit.line)
    except (DocumentError, OSError):
        return hit.window(len(hit.text))
    return HitWindow(line, 0, hit.spans, len(line))


def format_hit(hit: Hit, colour: bool, width: int = HIT_WINDOW) -> str:
    """`path:line:column: text`, 1-based, matches highlighted when `colour`.

    The text is the line around the match, at most `width` characters with "…" at a cut end
    (0: the whole line); text and path are made safe for the terminal (`sanitize`, `show_path`).
    """
    window = _window(hit, width)
    text = sanitize(window.text)  # one character for one: spans still fit
    lead = "…" if window.cut_before else ""
    tail = "…" if window.cut_after else ""
    path = show_path(display_path(hit.document.path))
    if not colour:
        return f"{path}:{hit.line + 1}:{hit.column + 1}: {lead}{text}{tail}"
    parts: list[str] = [lead]
    pos = 0
    for start, end in window.spans:
        parts.append(text[pos:start])
        parts.append(f"{_MATCH}{text[start:end]}{_RESET}")
        pos = end
    parts.append(text[pos:])
    parts.append(tail)
    return f"{_PATH}{path}{_RESET}:{_NUMBER}{hit.line + 1}{_RESET}:{hit.column + 1}: " + "".join(
        parts
    )


def hit_json(hit: Hit, width: int = HIT_WINDOW) -> str:
    """One line of `--json` output (see the help's epilog for the fields), ASCII only.

    `path` is the path as it is when it is valid Unicode (JSON escapes carry any character),
    else shown escaped with `path_bytes`, the name's bytes in base64, as ripgrep gives "bytes".
    """
    window = _window(hit, width)
    path = str(hit.document.path)
    record: dict[str, object] = {"path": path if is_clean(path) else show_path(path)}
    if not is_clean(path):
        record["path_bytes"] = base64.b64encode(path_bytes(path)).decode("ascii")
    record |= {
        "line": hit.line + 1,
        "column": hit.column + 1,
        "score": hit.score,
        "text": window.text,
        "text_start": window.start,
        "line_length": window.line_length,
        "matches": [list(span) for span in window.spans],
    }
    return json.dumps(record)


def _print_hits(result: SearchResult, json_lines: bool, colour: bool, width: int) -> None:
    out = sys.stdout
    for hit in result.hits:
        out.write((hit_json(hit, width) if json_lines else format_hit(hit, colour, width)) + "\n")
    out.flush()


def _print_suggestions(result: SearchResult) -> None:
    by_word: dict[str, list[str]] = {}
    for suggestion in result.suggestions:
        by_word.setdefault(suggestion.query, []).append(f"{suggestion.word} ({suggestion.count})")
    for word, choices in by_word.items():
        print(
            f"seedreader: no exact match for {sanitize(word)!r}; did you mean: "
            + sanitize(", ".join(choices))
            + "?",
            file=sys.stderr,
        )
