"""Notes out and in: placing every note in its document, Markdown and JSON export, JSON import."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seedreader.documents import (
    TAB_SIZE,
    UNSAFE,
    Document,
    DocumentError,
    open_document,
    sanitize,
)
from seedreader.notes import Anchor, Note, NotesStoreError, PlacedNote, place_notes
from seedreader.pathnames import is_clean, path_bytes, show_path

__all__ = [
    "EXPORT_FORMAT",
    "MISSING",
    "NotesImportError",
    "json_array",
    "locate",
    "notes_from_json",
    "record",
    "to_json",
    "to_markdown",
    "write_atomic",
]

EXPORT_FORMAT = "seedreader-notes"
EXPORT_VERSION = 1
MISSING = "missing"
"""State of a note whose document is not at its path any more (list and export only)."""


class NotesImportError(NotesStoreError):
    """An import file cannot be read as notes; the message is one line for the user."""


@dataclass(frozen=True)
class Located:
    """A placed note and the document it was placed in (None when the document is missing)."""

    placed: PlacedNote
    document: Document | None


def locate(notes: Iterable[Note], documents: dict[str, Document] | None = None) -> list[Located]:
    """Place each note in the current content of its document, opening each document once.

    A note whose document cannot be opened gets the state "missing" and no line.

    Args:
        notes: the notes, in any order; the result keeps it.
        documents: documents already open, by path, to use instead of opening them again.
    """
    opened: dict[str, Document | None] = dict(documents or {})
    by_path: dict[str, list[tuple[int, Note]]] = {}
    for i, note in enumerate(notes):
        by_path.setdefault(note.path, []).append((i, note))
    result: dict[int, Located] = {}
    for path, group in by_path.items():
        if path not in opened:
            try:
                opened[path] = open_document(path)
            except DocumentError:
                opened[path] = None
        document = opened[path]
        if document is None:
            for i, note in group:
                result[i] = Located(PlacedNote(note, MISSING, None, None), None)
            continue
        # All of a document's notes at once: its text is read and joined only once.
        placed = place_notes([note for _, note in group], document)
        for (i, _), p in zip(group, placed, strict=True):
            result[i] = Located(p, document)
    return [result[i] for i in range(len(result))]


def _line(value: int | None) -> int | None:
    return None if value is None else value + 1


def _path_fields(path: str) -> dict[str, str]:
    """`path`, and `path_bytes` when the name is not valid UTF-8 (as `search --json` gives them).

    A JSON string cannot hold bytes that are not UTF-8: such a name's `path` is shown escaped
    (`show_path`) and `path_bytes` holds its bytes in base64, which import reads back.
    """
    if is_clean(path):
        return {"path": path}
    return {
        "path": show_path(path),
        "path_bytes": base64.b64encode(path_bytes(path)).decode("ascii"),
    }


def record(placed: PlacedNote) -> dict[str, Any]:
    """A note as a JSON object: where it is now (1-based `line`, `end_line`) and all it holds."""
    note = placed.note
    anchor = note.anchor
    return {
        "id": note.id,
        **_path_fields(note.path),
        "line": _line(placed.line),
        "end_line": _line(placed.end_line),
        "quote": anchor.quote,
        "body": note.body,
        "state": placed.state,
        "created": note.created,
        "updated": note.updated,
        "fingerprint": note.fingerprint,
        "anchor": {
            "start_line": anchor.start_line,
            "end_line": anchor.end_line,
            "start": anchor.start,
            "end": anchor.end,
            "quote": anchor.quote,
            "before": anchor.before,
            "after": anchor.after,
        },
    }


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON escapes characters outside the BMP as a UTF-16 pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _dumps(item: dict[str, Any], ascii_only: bool) -> str:
    """One JSON record with no control or invisible character in it as itself: each is
    escaped (`\\u009b`), so the export reads back byte for byte but never drives a terminal or
    hides text in an editor."""
    text = json.dumps(item, ensure_ascii=ascii_only)
    return text if ascii_only else UNSAFE.sub(_json_escape, text)


def json_array(records: Iterable[dict[str, Any]], ascii_only: bool = False) -> str:
    """A JSON array with one record per line: easy to diff, and fast (C encoder, no indent)."""
    items = ",\n".join(_dumps(r, ascii_only) for r in records)
    return f"[\n{items}\n]" if items else "[]"


def to_json(placed: Iterable[PlacedNote], ascii_only: bool = False) -> str:
    """The JSON export: everything `notes_from_json` needs to re-import the notes.

    Args:
        ascii_only: escape every non-ASCII character (for output to a terminal, where it is
            then safe to print as it is).
    """
    head = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported": time.time()}
    fields = json.dumps(head)[1:-1]
    notes = json_array((record(p) for p in placed), ascii_only)
    return f'{{{fields}, "notes": {notes}}}\n'


def _visible_lines(text: str) -> list[str]:
    """A note's text as the Markdown export shows it, line by line.

    Split at LF only, tabs expanded, every other control or invisible character shown as a
    visible symbol (`sanitize`).
    """
    return [sanitize(line.expandtabs(TAB_SIZE)) for line in text.split("\n")]


_RUNS = {"`": re.compile("`+"), "~": re.compile("~+")}


def _fenced(text: str) -> list[str]:
    """`text` as the lines of a fenced block that nothing inside can close.

    The fence is longer than any run of its character in the text: backticks, or tildes when
    the text's runs of tildes are shorter.
    """
    lines = _visible_lines(text)
    joined = "\n".join(lines)
    runs = {c: max((len(m) for m in run.findall(joined)), default=0) for c, run in _RUNS.items()}
    char = min(runs, key=lambda c: (runs[c], c != "`"))
    fence = char * max(3, runs[char] + 1)
    return [fence, *lines, fence]


def _quote_block(text: str) -> str:
    """The quoted text: a fenced block (shown literally) inside a block quote."""
    return "\n".join(f"> {line}" if line else ">" for line in _fenced(text))


_HEADING_SPECIAL = re.compile(r"[\\`*_\[\]<>#!&|~]")
_EDGE_SPACE = re.compile(r"^\s+|\s+$")


def _heading_text(text: str) -> str:
    """Text for a heading, shown literally.

    One line with no control characters; every character Markdown would read as markup is
    backslash-escaped; spaces at its ends (which a heading drops) are kept as entities.
    """
    text = _HEADING_SPECIAL.sub(lambda m: "\\" + m.group(), sanitize(text))
    return _EDGE_SPACE.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), text)


def to_markdown(placed: Iterable[PlacedNote]) -> str:
    """The Markdown export: notes grouped by document, each with `path:line`, quote and body.

    Its structure holds whatever a note or a file name holds: names are shown escaped
    (`show_path`) in headings that escape Markdown, quotes and bodies are fenced blocks that
    nothing inside can close, and no control character is written (each shows as a visible
    symbol). The JSON export is the one that keeps every character for re-import.
    """
    groups: dict[str, list[PlacedNote]] = {}
    for p in placed:
        groups.setdefault(p.note.path, []).append(p)
    out = ["# seedreader notes", ""]
    for path in sorted(groups):
        shown = _heading_text(show_path(path))
        out += [f"## {shown}", ""]
        for p in groups[path]:
            anchor = p.note.anchor
            line = p.line if p.line is not None else anchor.start_line
            end_line = p.end_line if p.end_line is not None else anchor.end_line
            where = f"{shown}:{line + 1}" + (f"-{end_line + 1}" if end_line != line else "")
            state = {
                "moved": " (moved)",
                "detached": " (detached: the text is gone; line as it was)",
                MISSING: " (document missing; line as it was)",
            }.get(p.state, "")
            updated = time.strftime("%Y-%m-%d %H:%M", time.localtime(p.note.updated))
            out += [f"### {where}{state}", "", _quote_block(anchor.quote), ""]
            out += [*_fenced(p.note.body), "", f"*{updated}*", ""]
    return "\n".join(out)


def write_atomic(target: Path, text: str) -> None:
    """Write `text` to `target` so that it is always the old or the new file, whole.

    The text goes to a temporary file in the same folder, is synced, then renamed into place.
    A new file is private (0600); an existing file keeps its mode.

    Raises:
        OSError: the file cannot be written.
    """
    target = Path(target)
    folder = target.parent
    try:
        mode: int | None = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    try:
        directory = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)  # the rename itself survives power loss
    except OSError:
        pass
    finally:
        os.close(directory)


def _field(item: dict[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = item.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise NotesImportError(f"{where}: field {name!r} is missing or has the wrong type")
    return value


def _path_from(item: dict[str, Any], where: str) -> str:
    """The note's path: from `path_bytes` (base64) when there is one, else from `path`."""
    shown = _field(item, "path", str, where)
    if "path_bytes" not in item:
        return str(shown)
    encoded = _field(item, "path_bytes", str, where)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise NotesImportError(f"{where}: field 'path_bytes' is not base64") from None
    if not raw or b"\0" in raw:
        raise NotesImportError(f"{where}: field 'path_bytes' is not a file name")
    return os.fsdecode(raw)


def _note_from(item: object, where: str) -> Note:
    if not isinstance(item, dict):
        raise NotesImportError(f"{where}: not a note object")
    anchor = item.get("anchor")
    if not isinstance(anchor, dict):
        raise NotesImportError(
            f"{where}: field 'anchor' is missing (not a seedreader notes export?)"
        )
    a = f"{where} anchor"
    return Note(
        id=_field(item, "id", str, where),
        path=_path_from(item, where),
        fingerprint=_field(item, "fingerprint", str, where),
        anchor=Anchor(
            start_line=_field(anchor, "start_line", int, a),
            end_line=_field(anchor, "end_line", int, a),
            start=_field(anchor, "start", int, a),
            end=_field(anchor, "end", int, a),
            quote=_field(anchor, "quote", str, a),
            before=_field(anchor, "before", str, a),
            after=_field(anchor, "after", str, a),
        ),
        body=_field(item, "body", str, where),
        created=float(_field(item, "created", (int, float), where)),
        updated=float(_field(item, "updated", (int, float), where)),
    )


def notes_from_json(text: str, name: str = "input") -> list[Note]:
    """The notes in a JSON export (or in the array that `notes list --json` prints).

    Raises:
        NotesImportError: the text is not such JSON; the message names `name` and what is wrong.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotesImportError(f"{name}: not JSON ({error.msg} at line {error.lineno})") from None
    if isinstance(data, dict):
        if data.get("format") != EXPORT_FORMAT or not isinstance(data.get("notes"), list):
            raise NotesImportError(f"{name}: not a seedreader notes export")
        if isinstance(data.get("version"), int) and data["version"] > EXPORT_VERSION:
            raise NotesImportError(
                f"{name}: written by a newer seedreader (format {data['version']})"
            )
        items = data["notes"]
    elif isinstance(data, list):
        items = data
    else:
        raise NotesImportError(f"{name}: not a seedreader notes export")
    return [_note_from(item, f"{name}: note {i + 1}") for i, item in enumerate(items)]
