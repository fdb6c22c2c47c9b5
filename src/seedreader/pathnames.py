"""File names are bytes on POSIX: store them losslessly, show them escaped.

Python decodes a name that is not valid UTF-8 with `surrogateescape`, so the byte 0xFF becomes
the lone surrogate U+DCFF. Such a string cannot be encoded as UTF-8: not by SQLite, not by
`print`, not by the terminal. Every place that stores, prints or exports a path goes through
these functions.
"""

from __future__ import annotations

import os
import re

from seedreader.documents import sanitize

__all__ = ["db_path", "is_clean", "path_bytes", "path_from_db", "show_path"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def is_clean(path: str | os.PathLike[str]) -> bool:
    """Whether the path is valid Unicode (no byte was escaped when decoding it)."""
    text = os.fspath(path)
    return text.isascii() or _SURROGATE.search(text) is None


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte that was not UTF-8
    return f"\\u{code:04x}"


def show_path(path: str | os.PathLike[str]) -> str:
    """A path as it can be shown: undecodable bytes as `\\xff`, controls as visible symbols."""
    text = os.fspath(path)
    if not is_clean(text):
        text = _SURROGATE.sub(_escape, text)
    return sanitize(text)


def path_bytes(path: str | os.PathLike[str]) -> bytes:
    """The path's bytes as the file system has them."""
    return os.fsencode(os.fspath(path))


def db_path(path: str | os.PathLike[str]) -> str | bytes:
    """A path as an SQLite value: text when it is valid Unicode, else its bytes (a BLOB).

    SQLite keeps a BLOB in a TEXT column as it is, and `=` compares it with a BLOB argument,
    so lookups by `db_path(path)` find it again; `path_from_db` turns it back into the path.
    """
    text = os.fspath(path)
    return text if is_clean(text) else path_bytes(text)


def path_from_db(value: str | bytes) -> str:
    """The path stored by `db_path`."""
    return os.fsdecode(value) if isinstance(value, bytes) else value
