"""`seedreader search QUERY [PATH ...]`: the search engine from the shell, grep-style output."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path

from seedreader.cli_common import Parser, error, skipped_other_line
from seedreader.documents import DocumentError, sanitize, scan_paths
from seedreader.search import Hit, IndexCancelled, SearchIndex, SearchResult

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
    return parser


def main(argv: list[str]) -> int:
    """Run `seedreader search`; returns the exit status."""
    options = build_parser().parse_args(argv)
    if options.limit < 0:
        return error("search: --limit must be 0 or more")
    if not options.query.strip():
        return error("search: the query is empty")
    paths = options.paths or ["."]
    try:
        scan = scan_paths(paths)
    except DocumentError as exc:
        return error(str(exc))
    for message in scan.errors or []:
        error(message)
    skipped = skipped_other_line(scan)
    if skipped:
        error(skipped)
    if not scan.documents:
        return error(f"no readable document in {' '.join(paths)}")
    progress = _progress if sys.stderr.isatty() else None
    try:
        index = SearchIndex.build(scan.documents, progress=progress)
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
    _print_hits(result, json_lines=options.json, colour=_wants_colour())
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


def format_hit(hit: Hit, colour: bool) -> str:
    """`path:line:column: text`, 1-based, text sanitized, matches highlighted when `colour`."""
    text = sanitize(hit.text)  # one character for one: spans still fit
    path = sanitize(display_path(hit.document.path))
    if not colour:
        return f"{path}:{hit.line + 1}:{hit.column + 1}: {text}"
    parts: list[str] = []
    pos = 0
    for start, end in hit.spans:
        parts.append(text[pos:start])
        parts.append(f"{_MATCH}{text[start:end]}{_RESET}")
        pos = end
    parts.append(text[pos:])
    return f"{_PATH}{path}{_RESET}:{_NUMBER}{hit.line + 1}{_RESET}:{hit.column + 1}: " + "".join(
        parts
    )


def hit_json(hit: Hit) -> str:
    """One line of `--json` output (line and column 1-based, spans 0-based, end exclusive)."""
    return json.dumps(
        {
            "path": str(hit.document.path),
            "line": hit.line + 1,
            "column": hit.column + 1,
            "score": hit.score,
            "text": hit.text,
            "matches": [list(span) for span in hit.spans],
        }
    )


def _print_hits(result: SearchResult, json_lines: bool, colour: bool) -> None:
    out = sys.stdout
    for hit in result.hits:
        out.write((hit_json(hit) if json_lines else format_hit(hit, colour)) + "\n")
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
