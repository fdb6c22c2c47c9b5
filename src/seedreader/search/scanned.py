"""What the last `seedreader search` over the same paths found to be text, kept in the cache.

A warm search of a folder of 10,000 files would otherwise open and sniff every one of them
again before searching (`documents.scan_paths`); with this record, the scan opens only the files
that are new or changed. The record is keyed by the paths searched (as given, made absolute)
and whether links were followed; it holds each text document's path with its inode, size and
modification and change times (`Document.scanned`).

A file is recorded only when its times were more than `SETTLED_NS` old at the scan: a file
written twice within one tick of the file system's clock keeps the same times, so a record of
a file that young could miss the second write. The format is plain (no pickle or marshal): a
header, the numbers as 64-bit integers, then the paths' bytes separated by NUL. A file that does
not read as one is ignored (and replaced by the next search).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path

from seedreader.documents import Document, Known

MAGIC = b"seedreader-scanned 1\n"
SETTLED_NS = 2_000_000_000
"""How old a file's times must be for it to be recorded (longer than any file system's tick)."""
_FIELDS = 4


def record_path(paths: Sequence[str | os.PathLike[str]], follow: bool, cache_dir: Path) -> Path:
    """The record of a search over `paths` (with `follow` or not) in the cache folder."""
    digest = hashlib.sha1(MAGIC + (b"follow\0" if follow else b"\0"))
    for path in paths:
        digest.update(os.fsencode(os.path.abspath(path)) + b"\0")
    return cache_dir / "search" / f"scanned-{digest.hexdigest()[:20]}"


def load(path: Path) -> dict[str, tuple[int, int, int, int]]:
    """The documents recorded at `path` (empty when there is no record or it does not read)."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        return {}
    start = len(MAGIC)
    count = int.from_bytes(data[start : start + 8], "little")
    numbers_end = start + 8 + 8 * _FIELDS * count
    if numbers_end > len(data):
        return {}
    numbers = array("q")
    numbers.frombytes(data[start + 8 : numbers_end])
    if sys.byteorder != "little":  # pragma: no cover - the cache is read where it is written
        numbers.byteswap()
    names = data[numbers_end:].decode("utf-8", "surrogateescape").split("\0") if count else []
    if len(names) != count:
        return {}
    it = iter(numbers)
    return {name: (next(it), next(it), next(it), next(it)) for name in names}


def save(path: Path, documents: Iterable[Document], started_ns: int, old: Known) -> None:
    """Record the text documents a scan found (those settled, see `SETTLED_NS`); nothing is
    written when the record would not change. A cache that cannot be written is left alone."""
    settled = started_ns - SETTLED_NS
    entries = {
        str(d.path): d.scanned
        for d in documents
        if d.scanned is not None and max(d.scanned[2], d.scanned[3]) < settled
    }
    if entries == old:
        return
    numbers = array("q", [n for key in entries.values() for n in key])
    if sys.byteorder != "little":  # pragma: no cover
        numbers.byteswap()
    try:
        names = "\0".join(entries).encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # not a name the file system gave
        return
    data = MAGIC + len(entries).to_bytes(8, "little") + numbers.tobytes() + names
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".scanned-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except OSError:
            os.unlink(temporary)
            raise
