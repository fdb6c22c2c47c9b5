"""Documents: finding, sniffing, decoding and reading text files as lines, with no UI.

One definition of a line holds everywhere (search hits, note anchors, the pane): a document's text
is split on LF, CRLF and CR only, tabs are expanded, and positions are (line, column) with both
0-based and the column counted in characters of that line.

Small files are decoded whole. Large files are never read up front: `Document.index_lines` builds,
from bounded reads, a sparse index of chunks (byte offset and first line of each) so any line can
be fetched with one small read; it runs in the background while the first lines are on screen.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

__all__ = [
    "BinaryFileError",
    "Document",
    "DocumentError",
    "Library",
    "ScanResult",
    "decode_bytes",
    "is_binary",
    "join_lines",
    "open_document",
    "sanitize",
    "scan_paths",
    "split_lines",
]

TAB_SIZE = 8
SMALL_FILE = 8 * 1024 * 1024
"""Files up to this size are decoded whole; larger ones are read in chunks."""
CHUNK = 64 * 1024
"""Target size of one chunk of a large file (a chunk always ends at a line break)."""
READ = 1024 * 1024
"""Size of one read while indexing a large file."""
BLOCK = 4 * 1024 * 1024
"""Size of one read of a large file by `Document.text_blocks`."""
SNIFF = 8 * 1024
"""Bytes looked at to tell text from binary."""

TEXT_SUFFIXES = frozenset(
    {".txt", ".text", ".md", ".markdown", ".mdown", ".rst", ".log", ".csv", ".tsv", ".org", ""}
)
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown"})

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class DocumentError(Exception):
    """A document cannot be opened; the message is one line for the user."""


class BinaryFileError(DocumentError):
    """The file holds binary data, not text."""


# --- lines -----------------------------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    """Split text into lines on LF, CRLF and CR only, tabs expanded.

    This is the one definition of a line (`join_lines` gives the same lines joined with LF).
    A final line break does not start another line; empty text has no lines.
    Unlike `str.splitlines`, form feeds, U+2028 and friends stay inside their line.
    """
    if not text:
        return []
    # str.split is many times faster than the regex; most text has no CR at all.
    lines = text.split("\n") if "\r" not in text else _LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    if "\t" in text:
        # Line by line: str.expandtabs over a whole text costs twice as much where tabs abound.
        lines = [line.expandtabs(TAB_SIZE) if "\t" in line else line for line in lines]
    return lines


def join_lines(text: str, expand_tabs: bool = True) -> str:
    """The lines of `text` (as `split_lines` cuts them) joined with LF, in one string.

    Cheaper than joining `split_lines(text)` when there is much text: no list of lines. With
    `expand_tabs` False, tabs are left for the caller (`expandtabs(TAB_SIZE)` on a line, or on
    lines joined with LF, gives the line), who may need only some of the text expanded.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.removesuffix("\n")
    # The column of a tab stop counts from the last LF, as if each line were expanded alone.
    return text.expandtabs(TAB_SIZE) if expand_tabs and "\t" in text else text


def _count_breaks(data: bytes) -> int:
    """How many line breaks (LF, CRLF, CR) are in `data`."""
    n = data.count(b"\n")
    if b"\r" in data:
        n += data.count(b"\r") - data.count(b"\r\n")
    return n


# --- sanitizing ------------------------------------------------------------------------------


def _make_sanitize_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        table[code] = chr(0x2400 + code)  # ␀ .. ␟ (ESC becomes ␛)
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        table[code] = "\ufffd"  # C1 controls (CSI, OSC, ...) as the replacement character
    # Invisible characters that reorder or hide text (bidi overrides and isolates, zero-width
    # space, word joiner, BOM, line/paragraph separators, interlinear annotations): shown as a
    # visible mark so the screen never shows text in another order than the file has.
    # ZWNJ and ZWJ stay: scripts and emoji need them.
    for code in [0x061C, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB]:
        table[code] = "\ufffd"
    for code in [*range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x206A)]:
        table[code] = "\ufffd"
    # Characters that join others into one cluster, which Rich measures as one glyph while
    # terminals that count code points draw wider, so a row would overflow: the joiner,
    # emoji presentation (VS16) and skin tones become a zero-width non-joiner, and flag
    # letters become the plain letters they stand for ("🇺🇸" shows as "US").
    for code in [0x200D, 0xFE0F, *range(0x1F3FB, 0x1F400)]:
        table[code] = "\u200c"
    for code in range(0x1F1E6, 0x1F200):
        table[code] = chr(ord("A") + code - 0x1F1E6)
    # Lone surrogates (a file name's undecodable bytes) cannot be written to a terminal.
    for code in range(0xD800, 0xE000):
        table[code] = "\ufffd"
    return table


_SANITIZE = _make_sanitize_table()
_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_SANITIZE)) + "]")


def sanitize(text: str) -> str:
    """Make text safe to draw: every control or reordering character becomes a visible symbol.

    The mapping is one character to one character, so columns in the result are columns in
    the input; what is drawn also measures the same in Rich and in the terminal. Tabs must have
    been expanded before (see `split_lines`); a stray one shows as ␉.
    """
    if text.isascii():
        # Fast path (a 50 MB line takes milliseconds): in ASCII only controls are unsafe.
        return text if text.isprintable() else text.translate(_SANITIZE)
    if _UNSAFE.search(text) is None:
        return text
    return text.translate(_SANITIZE)


# --- decoding --------------------------------------------------------------------------------

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


_CONTROL_BYTES = bytes(c for c in range(0x20) if c not in b"\t\n\r\x0c\x0b\x1b\x08\x07")


def is_binary(sample: bytes) -> bool:
    """Guess from the first bytes of a file whether it is binary rather than text."""
    if not sample or _bom(sample) is not None:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > len(sample) * 0.30:
        return True
    if b"\x00" in sample or controls > len(sample) * 0.10:
        # Text with a few NULs or controls in valid UTF-8 is still text; among invalid
        # UTF-8 they mean binary data.
        try:
            sample.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(sample) - 4:  # not merely a character cut at the end
                return True
    return False


def _guess_legacy(data: bytes) -> str:
    """Best guess of a legacy 8-bit encoding, by charset-normalizer; cp1252 when unsure."""
    from charset_normalizer import from_bytes  # imported on demand: it is slow to import

    sample = data[:262144]
    matches = list(from_bytes(sample))
    if not matches or matches[0].encoding in {"ascii", "utf_8"}:
        return "cp1252"
    best = matches[0]
    tied = {m.encoding for m in matches if m.chaos <= best.chaos + 0.01}
    # Short Western text is ambiguous between the Latin code pages and charset-normalizer
    # often names cp1250 or a Mac one first; cp1252 is by far the likeliest when its reading
    # gives only Western letters and typographic punctuation.
    if "cp1252" in tied or (best.encoding in _LATIN and _reads_as_western(sample)):
        return "cp1252"
    return str(best.encoding)


_LATIN = frozenset(
    [
        *("cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "cp775", "cp437", "cp850", "cp858"),
        *("latin_1", "iso8859_2", "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13"),
        *("iso8859_14", "iso8859_15", "iso8859_16"),
        *("mac_roman", "mac_iceland", "mac_turkish", "mac_latin2"),
    ]
)
_WESTERN = frozenset(
    [chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)] + list("“”‘’–—…•€«»°£§©®·")
)


def _reads_as_western(sample: bytes) -> bool:
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = [ch for ch in text if ord(ch) > 0x7F]
    return bool(high) and sum(ch in _WESTERN for ch in high) >= 0.95 * len(high)


def detect_encoding(sample: bytes, complete: bool) -> tuple[str, int]:
    """Choose the encoding of a file from its first bytes.

    Args:
        sample: the start of the file (all of it when `complete`).
        complete: whether `sample` is the whole file.

    Returns:
        A Python codec name and the length of the byte order mark to skip.
    """
    found = _bom(sample)
    if found is not None:
        return found
    try:
        sample.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError as error:
        if (
            not complete
            and error.start >= len(sample) - 4
            and error.reason == "unexpected end of data"
        ):
            return "utf-8", 0
    # Not valid UTF-8. If it still holds valid multi-byte UTF-8 sequences, it is UTF-8 with a
    # few bad bytes (shown as �); otherwise it is a legacy single-byte encoding.
    decoded = sample.decode("utf-8", errors="replace")
    if any(ord(ch) > 0x7F and ch != "\ufffd" for ch in decoded):
        return "utf-8", 0
    return _guess_legacy(sample), 0


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a whole file's bytes; never raises.

    Returns:
        The text and a display name of the encoding ("utf-8", "utf-8-sig", "utf-16-le", "cp1252").
    """
    encoding, skip = detect_encoding(data, complete=True)
    text = data[skip:].decode(encoding, errors="replace")
    name = "utf-8-sig" if (encoding == "utf-8" and skip) else encoding
    return text, name


# --- documents -------------------------------------------------------------------------------


class _Head(NamedTuple):
    """The start of a file as `Document._read_head` read it (the whole file when `complete`)."""

    st: os.stat_result
    data: bytes
    complete: bool
    codec: str
    skip: int
    """Length of the byte order mark."""

    def text(self) -> str:
        return self.data[self.skip :].decode(self.codec, errors="replace")


@dataclass(frozen=True)
class _Chunk:
    offset: int
    length: int
    first_line: int


class Document:
    """One text file, read as lines.

    Creating a Document touches nothing; the file is opened on first use (`load`). Small files
    are decoded whole. Large files are indexed in chunks by `index_lines`, which may run in a
    background thread while lines already indexed are read.
    """

    def __init__(self, path: Path, size: int | None = None) -> None:
        self.path = path
        """The document's path (absolute, symlinks resolved)."""
        self.name = path.name
        """The file name, as shown to the user (unsanitized)."""
        self.encoding = "utf-8"
        """The codec used to decode the file, known after `load`."""
        self.size = size if size is not None else 0
        self.is_markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
        self._loaded = False
        self._lines: list[str] | None = None
        self._chunks: list[_Chunk] = []
        self._chunk_starts: list[int] = []
        self._line_total = 0
        self._indexed = False
        self._codec = "utf-8"
        self._skip = 0
        self._lock = threading.RLock()
        self._index_lock = threading.Lock()
        self._cache: OrderedDict[int, list[str]] = OrderedDict()
        self._fingerprint: str | None = None
        self._mtime_ns = 0

    def __repr__(self) -> str:
        return f"Document({str(self.path)!r})"

    # -- loading

    def load(self) -> Document:
        """Open the file and make its first lines readable. Idempotent.

        Raises:
            DocumentError: the file is missing, unreadable, not a regular file, or binary.
        """
        with self._lock:
            if not self._loaded:
                self._take(self._read_head())
            return self

    def _read_head(self) -> _Head:
        """Read the start of the file (all of a small one), tell text from binary, and the codec.

        Raises:
            DocumentError: the file is missing, unreadable, not a regular file, or binary.
        """
        st = _stat_regular(self.path)
        try:
            with open(self.path, "rb") as handle:
                head = handle.read(SMALL_FILE + 1 if st.st_size <= SMALL_FILE else 2 * CHUNK)
        except OSError as error:
            raise DocumentError(f"{self.path}: cannot read: {error.strerror}") from None
        if is_binary(head[:SNIFF]):
            raise BinaryFileError(f"{self.path}: binary file, not text")
        complete = len(head) <= SMALL_FILE and st.st_size <= SMALL_FILE
        encoding, skip = detect_encoding(head, complete=complete)
        if not complete and encoding.startswith(("utf-16", "utf-32")):
            # Line breaks of wide encodings are not single bytes: decode whole.
            try:
                head = self.path.read_bytes()
            except OSError as error:
                raise DocumentError(f"{self.path}: cannot read: {error.strerror}") from None
            complete = True
        return _Head(st, head, complete, encoding, skip)

    def _take(self, head: _Head) -> None:
        """Become loaded from the start of the file `_read_head` read."""
        self.size = head.st.st_size
        self._mtime_ns = head.st.st_mtime_ns
        self.encoding = "utf-8-sig" if (head.codec == "utf-8" and head.skip) else head.codec
        self._codec = head.codec
        self._skip = head.skip
        if head.complete:
            self._lines = split_lines(head.text())
            self._line_total = len(self._lines)
            self._indexed = True
            self._fingerprint = hashlib.sha1(head.data).hexdigest()
        else:
            self._index_prefix(head.data)
        self._loaded = True

    def _index_prefix(self, head: bytes) -> None:
        """Index the first chunk from bytes already read, so the first screen needs no wait."""
        start = self._skip
        end = _cut(head, start, start + CHUNK, eof=False)
        if end is not None:
            self._add_chunk(start, head[start:end])

    def _add_chunk(self, offset: int, data: bytes) -> None:
        lines = _count_breaks(data)
        if data and data[-1:] not in (b"\n", b"\r"):
            lines += 1
        with self._lock:
            self._chunks.append(_Chunk(offset, len(data), self._line_total))
            self._chunk_starts.append(self._line_total)
            self._line_total += lines

    def index_lines(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        """Build the chunk index of a large file (a no-op for small ones).

        Args:
            progress: called now and then with (bytes done, bytes in all).
            cancelled: polled between reads; indexing stops when it returns True.
        """
        self.load()
        # One indexer at a time: a second caller (the notes worker, say) waits for the first.
        with self._index_lock:
            if not self._indexed:
                self._index_rest(progress, cancelled)

    def _index_rest(
        self,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        with self._lock:
            offset = (
                self._chunks[-1].offset + self._chunks[-1].length if self._chunks else self._skip
            )
        try:
            with open(self.path, "rb") as handle:
                finished = self._index_chunks(handle, offset, progress, cancelled)
        except OSError:
            finished = True  # unreadable now (gone, cut short): the lines known are all there are
        if finished:
            with self._lock:
                self._indexed = True

    def _index_chunks(
        self,
        handle: BinaryIO,
        offset: int,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> bool:
        """Add the chunks of the file from `offset` on; False when cancelled."""
        handle.seek(offset)
        buffer = bytearray()  # grows in place: a 50 MB line is not copied once per read
        base = offset  # file offset of buffer[0]
        eof = False
        while not eof:
            if cancelled is not None and cancelled():
                return False
            data = handle.read(READ)
            eof = not data
            searched = len(buffer)  # no line break after the first chunk window before this
            buffer += data
            start = 0
            while start < len(buffer):
                end = _cut(buffer, start, start + CHUNK, eof=eof, searched=searched)
                if end is None:
                    break
                self._add_chunk(base + start, bytes(buffer[start:end]))
                start = end
            del buffer[:start]
            base += start
            if progress is not None:
                progress(base - self._skip, max(self.size - self._skip, 1))
        return True

    # -- reading

    @property
    def line_count(self) -> int:
        """Lines known so far (all of them once `is_indexed`)."""
        self.load()
        return self._line_total

    @property
    def is_indexed(self) -> bool:
        """Whether every line of the file is known."""
        self.load()
        return self._indexed

    @property
    def is_large(self) -> bool:
        """Whether the file is read in chunks rather than held whole."""
        self.load()
        return self._lines is None

    def line(self, index: int) -> str:
        """The text of line `index` (0-based); "" past the end."""
        self.load()
        if self._lines is not None:
            return self._lines[index] if 0 <= index < len(self._lines) else ""
        if not 0 <= index < self._line_total:
            return ""
        with self._lock:
            k = bisect_right(self._chunk_starts, index) - 1
            lines = self._chunk_lines(k)
            i = index - self._chunks[k].first_line
        return lines[i] if i < len(lines) else ""

    def lines(self, start: int = 0, stop: int | None = None) -> list[str]:
        """Lines `start` up to (not including) `stop`."""
        self.load()
        if self._lines is not None:
            return self._lines[start:stop]
        stop = self._line_total if stop is None else min(stop, self._line_total)
        return [self.line(i) for i in range(max(start, 0), stop)]

    def iter_lines(self, start: int = 0) -> Iterator[str]:
        """Every line from `start` on, reading a large file one chunk at a time."""
        self.load()
        if self._lines is not None:
            yield from self._lines[start:]
            return
        self.index_lines()
        first = max(bisect_right(self._chunk_starts, start) - 1, 0)
        for chunk in self._chunks[first:]:
            lines = self._read_chunk(chunk)
            skip = max(start - chunk.first_line, 0)
            yield from lines[skip:]

    def iter_text_chunks(self) -> Iterator[tuple[int, list[str]]]:
        """(first line number, lines) for each chunk, so large files can be indexed in parts."""
        self.load()
        if self._lines is not None:
            yield 0, self._lines
            return
        self.index_lines()
        for chunk in self._chunks:
            yield chunk.first_line, self._read_chunk(chunk)

    def text_blocks(
        self, progress: Callable[[int, int], None] | None = None, expand_tabs: bool = True
    ) -> Iterator[tuple[int, str]]:
        """The whole text as (first line number, block) pairs, for reading it through once.

        A block is a run of whole lines joined with LF, exactly as `lines()` gives them; blocks
        follow each other with no line left out or cut in two. A small file is one block; one
        not loaded yet is read and decoded without being kept (a search index reads every file
        of a library, the reader few of them). A large file is read in blocks of about `BLOCK`
        bytes, from the file rather than through the chunk index, so no chunk is read twice.
        To stop early, stop iterating.

        Args:
            progress: called after each block with (bytes read, bytes in the file).
            expand_tabs: False to leave tabs unexpanded where that costs nothing (see
                `join_lines`); a loaded small file's lines have them expanded already.

        Raises:
            DocumentError: the file is missing, unreadable, not a regular file, or binary.
            OSError: reading a large file failed after its start was read.
        """
        head = None if self._loaded else self._read_head()
        if head is not None and not head.complete:
            with self._lock:
                if not self._loaded:
                    self._take(head)
            head = None
        if head is not None:
            text = head.text()
            if text:
                yield 0, join_lines(text, expand_tabs)
            if progress is not None:
                progress(len(head.data), len(head.data))
        elif self._lines is not None:
            if self._lines:
                yield 0, "\n".join(self._lines)
            if progress is not None:
                progress(self.size, self.size)
        else:
            yield from self._large_blocks(progress, expand_tabs)

    def _large_blocks(
        self, progress: Callable[[int, int], None] | None, expand_tabs: bool
    ) -> Iterator[tuple[int, str]]:
        with open(self.path, "rb") as handle:
            handle.seek(self._skip)
            buffer = bytearray()  # what is left after the last whole line, then the next read
            read = self._skip
            line = 0
            eof = False
            while not eof:
                data = handle.read(BLOCK)
                eof = not data
                # Nothing before the last byte of what was left can be a line break.
                searched = len(buffer)
                buffer += data
                target = len(buffer) if eof else len(buffer) - 1
                end = _cut(buffer, max(searched - 1, 0), target, eof=eof, searched=searched)
                if end is None:
                    continue  # no whole line yet: one line longer than a read
                text = buffer[:end].decode(self._codec, errors="replace")
                text = join_lines(text, expand_tabs)
                del buffer[:end]
                read += end
                yield line, text
                line += text.count("\n") + 1
                if progress is not None:
                    progress(read, max(self.size, read))

    @property
    def text(self) -> str:
        """The whole text, lines joined with LF (use only on small documents)."""
        return "\n".join(self.iter_lines())

    def _chunk_lines(self, k: int) -> list[str]:
        cached = self._cache.get(k)
        if cached is not None:
            self._cache.move_to_end(k)
            return cached
        lines = self._read_chunk(self._chunks[k])
        self._cache[k] = lines
        if len(self._cache) > 64:
            self._cache.popitem(last=False)
        return lines

    def _read_chunk(self, chunk: _Chunk) -> list[str]:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(chunk.offset)
                data = handle.read(chunk.length)
        except OSError:
            data = b""
        # A file cut short under us yields fewer lines; `line` then returns "".
        return split_lines(data.decode(self._codec, errors="replace"))

    @property
    def fingerprint(self) -> str:
        """A hash of the content: of all bytes for small files, of size and samples for large."""
        self.load()
        if self._fingerprint is None:
            digest = hashlib.sha1(str(self.size).encode())
            try:
                with open(self.path, "rb") as handle:
                    digest.update(handle.read(READ))
                    handle.seek(max(self.size - READ, 0))
                    digest.update(handle.read(READ))
            except OSError:
                pass
            self._fingerprint = digest.hexdigest()
        return self._fingerprint

    def has_changed(self) -> bool:
        """Whether the file on disk differs (size or modification time) from what was loaded."""
        if not self._loaded:
            return False
        try:
            st = os.stat(self.path)
        except OSError:
            return True
        return st.st_size != self.size or st.st_mtime_ns != self._mtime_ns

    def reloaded(self) -> Document:
        """A fresh Document for the same path (the file changed on disk)."""
        return Document(self.path)


def _cut(
    buffer: bytes | bytearray, start: int, target: int, eof: bool, searched: int = 0
) -> int | None:
    """Where a chunk starting at `start` should end: just after a line break near `target`.

    `searched` says how far earlier calls already looked for the end of a long line, so a
    50 MB line is scanned once rather than once per read. Returns None when more data is
    needed to decide.
    """
    size = len(buffer)
    if target >= size:
        if not eof:
            return None
        return size if start < size else None
    window_end = target
    p = max(buffer.rfind(b"\n", start, window_end), buffer.rfind(b"\r", start, window_end))
    if p < 0:
        # One line longer than a chunk: end the chunk at the line's end.
        begin = max(window_end, searched - 1)
        n = buffer.find(b"\n", begin)
        r = buffer.find(b"\r", begin)
        candidates = [x for x in (n, r) if x >= 0]
        if not candidates:
            return size if eof else None
        p = min(candidates)
    if buffer[p : p + 1] == b"\r":
        if p + 1 >= size:
            return size if eof else None
        if buffer[p + 1 : p + 2] == b"\n":
            p += 1
    return p + 1


def _stat_regular(path: Path) -> os.stat_result:
    """Stat a path that must be a regular file; one-line errors otherwise."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{path}: permission denied") from None
    except OSError as error:
        raise DocumentError(f"{path}: cannot open: {error.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise DocumentError(f"{path}: is a folder")
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device or special file"
        raise DocumentError(f"{path}: {kind}, not a regular file")
    if not os.access(path, os.R_OK):
        raise DocumentError(f"{path}: permission denied")
    return st


def open_document(path: str | os.PathLike[str]) -> Document:
    """Open one file as a Document (loaded now, so errors are raised here).

    Raises:
        DocumentError: with a one-line message.
    """
    return Document(Path(os.path.abspath(path))).load()


# --- finding documents -----------------------------------------------------------------------


@dataclass
class ScanResult:
    """What scanning the paths given on the command line found."""

    documents: list[Document]
    skipped_binary: int = 0
    skipped_other: int = 0
    errors: list[str] | None = None


def _looks_like_text_file(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in TEXT_SUFFIXES or not suffix


def scan_paths(paths: Iterable[str | os.PathLike[str]]) -> ScanResult:
    """Find the documents under files and folders, ordered by path.

    Folders are walked recursively; hidden folders and files are skipped, symlink loops are not
    followed twice, and files that sniff as binary are counted and skipped. A file named directly
    is opened whatever its extension.

    Raises:
        DocumentError: a path is missing or a folder given directly cannot be read.
    """
    found: dict[Path, Document] = {}
    result = ScanResult(documents=[], errors=[])
    for raw in paths:
        path = Path(os.path.abspath(raw))
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise DocumentError(f"{raw}: no such file or folder") from None
        except OSError as error:
            raise DocumentError(f"{raw}: cannot open: {error.strerror}") from None
        if stat.S_ISDIR(st.st_mode):
            if not os.access(path, os.R_OK | os.X_OK):
                raise DocumentError(f"{raw}: folder cannot be read (permission denied)")
            _walk(path, found, result)
        else:
            document = Document(path, st.st_size)
            found.setdefault(path, document)
    result.documents = [found[p] for p in sorted(found, key=lambda p: str(p))]
    return result


def _walk(root: Path, found: dict[Path, Document], result: ScanResult) -> None:
    seen_dirs: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            continue  # a symlink loop or a folder reached twice
        seen_dirs.add(key)
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            assert result.errors is not None
            result.errors.append(f"{folder}: cannot read folder: {error.strerror}")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    stack.append(Path(entry.path))
                    continue
                if not entry.is_file():
                    result.skipped_other += 1  # FIFOs, sockets, devices
                    continue
                size = entry.stat().st_size
            except OSError:
                result.skipped_other += 1
                continue
            path = Path(entry.path)
            if not _looks_like_text_file(path):
                result.skipped_other += 1
                continue
            if _sniff_binary(path):
                result.skipped_binary += 1
                continue
            found.setdefault(path, Document(path, size))


def _sniff_binary(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return is_binary(handle.read(SNIFF))
    except OSError:
        return False  # reported when opened


class Library:
    """The open documents, in path order."""

    def __init__(self, documents: list[Document]) -> None:
        self.documents = list(documents)

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __getitem__(self, index: int) -> Document:
        return self.documents[index]

    def replace(self, old: Document, new: Document) -> None:
        """Put `new` where `old` was (a reloaded file)."""
        self.documents[self.documents.index(old)] = new
