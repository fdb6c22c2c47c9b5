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
import errno
import hashlib
import os
import re
import stat
import threading
import unicodedata
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, NamedTuple

__all__ = [
    "BinaryFileError",
    "Document",
    "DocumentError",
    "Library",
    "ScanResult",
    "Scanner",
    "Skipped",
    "count_skipped",
    "decode_bytes",
    "expand_tabs",
    "is_binary",
    "join_lines",
    "open_document",
    "path_key",
    "sanitize",
    "scan_paths",
    "split_lines",
    "walk_paths",
]

TAB_SIZE = 8
SMALL_FILE = 8 * 1024 * 1024
"""Files up to this size are decoded whole; larger ones are read in chunks."""
CHUNK = 64 * 1024
"""Target size of one chunk of a large file (a chunk always ends at a line break)."""
READ = 1024 * 1024
"""Size of one read while indexing a large file."""
BLOCK = 1024 * 1024
"""Size of one read of a large file by `Document.text_blocks`: what a search index build holds
of the file at a time (the read, its text, the paragraphs cut from it), so it sets much of the
build's peak memory (about 80 MB for a 100 MB file at 1 MiB, 100 MB at 2 MiB)."""
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
        lines = [_expand_line(line) if "\t" in line else line for line in lines]
    return lines


def join_lines(text: str, expand_tabs: bool = True) -> str:
    """The lines of `text` (as `split_lines` cuts them) joined with LF, in one string.

    Cheaper than joining `split_lines(text)` when there is much text: no list of lines. With
    `expand_tabs` False, tabs are left for the caller (`documents.expand_tabs` on a line, or on
    lines joined with LF, gives the line), who may need only some of the text expanded.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.removesuffix("\n")
    return _expand_tabs(text) if expand_tabs else text


def _expand_tabs(text: str) -> str:
    """Tabs replaced by spaces up to the next tab stop, every `TAB_SIZE` terminal cells.

    The column of a tab stop counts from the last LF, as if each line were expanded alone, and
    in cells as the line is drawn (sanitized): a wide character takes two, a combining mark
    none, so a tab after "日本" or "é" (e and U+0301) still lands on column 8 of the screen.
    """
    if "\t" not in text:
        return text
    if text.isascii():
        return text.expandtabs(TAB_SIZE)  # one cell a character (controls show as one symbol)
    if "\n" not in text:
        return _expand_line(text)
    return "\n".join(_expand_line(line) if "\t" in line else line for line in text.split("\n"))


expand_tabs = _expand_tabs


def _expand_line(line: str) -> str:
    if line.isascii():
        return line.expandtabs(TAB_SIZE)
    parts = line.split("\t")
    out: list[str] = []
    cells = 0
    for part in parts[:-1]:
        cells += len(part) if part.isascii() else sum(map(_char_cells, part))
        pad = TAB_SIZE - cells % TAB_SIZE
        out += (part, " " * pad)
        cells += pad
    out.append(parts[-1])
    return "".join(out)


# Cell widths where Python's Unicode data (14.0 in Python 3.11) is older than Rich's (17.0):
_WIDE_SINCE_14 = (
    # Wide since Unicode 16: trigrams, digrams, hexagrams, tetragrams, counting rods.
    *((0x2630, 0x2637), (0x268A, 0x268F), (0x4DC0, 0x4DFF), (0x1D300, 0x1D356)),
    *((0x1D360, 0x1D376),),
    # Wide characters assigned since 14.0 (CJK strokes and description characters, Tangut,
    # Khitan, kana, emoji such as U+1FA75 light blue heart and U+1FAE8 shaking face).
    *((0x2FFC, 0x2FFF), (0x31E4, 0x31E5), (0x31EF, 0x31EF), (0x16FF2, 0x16FF6)),
    *((0x187F8, 0x187FF), (0x18CFF, 0x18CFF), (0x18D09, 0x18D1E), (0x18D80, 0x18DF2)),
    *((0x1B132, 0x1B132), (0x1B155, 0x1B155), (0x1F6D8, 0x1F6D8), (0x1F6DC, 0x1F6DC)),
    *((0x1FA75, 0x1FA77), (0x1FA87, 0x1FA8A), (0x1FA8E, 0x1FA8F), (0x1FAAD, 0x1FAAF)),
    *((0x1FABB, 0x1FABF), (0x1FAC6, 0x1FAC6), (0x1FAC8, 0x1FAC8), (0x1FACD, 0x1FACF)),
    *((0x1FADA, 0x1FADC), (0x1FADF, 0x1FADF), (0x1FAE8, 0x1FAEA), (0x1FAEF, 0x1FAEF)),
    *((0x1FAF7, 0x1FAF8),),
)
_ZERO_SINCE_14 = (
    # Combining marks assigned since 14.0 (Arabic, Kannada, Lao, Kawi, Tulu-Tigalari, ...).
    *((0x897, 0x897), (0xCF3, 0xCF3), (0xECE, 0xECE), (0x1ACF, 0x1ADD), (0x1AE0, 0x1AEB)),
    *((0x10D69, 0x10D6D), (0x10EFA, 0x10EFF), (0x11241, 0x11241), (0x113B8, 0x113C0)),
    *((0x113C2, 0x113C2), (0x113C5, 0x113C5), (0x113C7, 0x113CA), (0x113CC, 0x113D0)),
    *((0x113D2, 0x113D2), (0x113E1, 0x113E2), (0x11B60, 0x11B67), (0x11F00, 0x11F01)),
    *((0x11F03, 0x11F03), (0x11F34, 0x11F3A), (0x11F3E, 0x11F42), (0x11F5A, 0x11F5A)),
    *((0x13439, 0x13440), (0x13447, 0x13455), (0x1611E, 0x1612F), (0x1E08F, 0x1E08F)),
    *((0x1E4EC, 0x1E4EF), (0x1E5EE, 0x1E5EF), (0x1E6E3, 0x1E6E3), (0x1E6E6, 0x1E6E6)),
    *((0x1E6EE, 0x1E6EF), (0x1E6F5, 0x1E6F5)),
)
_WIDE_UNASSIGNED = (
    *((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFD)),
    *((0x30000, 0x3FFFD),),
)
"""Blocks whose unassigned code points are wide (EastAsianWidth.txt)."""
_PREPENDED = frozenset(
    map(chr, [*range(0x600, 0x606), 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD])
)
"""Format characters drawn with a cell of their own (prepended concatenation marks)."""


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(first <= code <= last for first, last in ranges)


@lru_cache(maxsize=8192)
def _char_cells(char: str) -> int:
    """Cells a character takes on screen once sanitized, as Rich (and wcwidth) measure it.

    The core cannot ask Rich, so this follows the Unicode data the same way: wide and
    fullwidth characters take two cells; combining marks (spacing ones too), conjoining Hangul
    vowels and finals and format characters none. Tests compare it with Rich over all of
    Unicode.
    """
    shown = _SANITIZE.get(ord(char), char)
    code = ord(shown)
    category = unicodedata.category(shown)
    if category in ("Mn", "Me", "Mc") or (category == "Cf" and shown not in _PREPENDED):
        return 0
    if 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF:
        return 0
    if category == "Cn":  # unassigned in Python's data, which calls them all fullwidth
        if _within(code, _ZERO_SINCE_14):
            return 0
        return 2 if _within(code, _WIDE_UNASSIGNED) or _within(code, _WIDE_SINCE_14) else 1
    if unicodedata.east_asian_width(shown) in ("W", "F"):
        return 2
    return 2 if _within(code, _WIDE_SINCE_14) else 1


# --- sanitizing ------------------------------------------------------------------------------

# What `sanitize` draws in place of each character that must not reach the terminal as it is.
# Every stand-in is one character (columns in the sanitized text are columns in the text) that
# Rich and terminals (xterm, VTE, tmux, pyte) measure alike, one cell unless noted:
#
#   what                                              code points              shown as
#   C0 controls (ESC, BEL, NUL, ...), DEL             U+0000-001F, U+007F      ␀ ... ␟, ␡
#   C1 controls (CSI, OSC, NEL, ...)                  U+0080-009F              ␦
#   zero-width space                                  U+200B                   ␣
#   zero-width non-joiner                             U+200C                   ¦
#   zero-width joiner                                 U+200D                   ‿
#   byte order mark (zero-width no-break space),
#     word joiner                                     U+FEFF, U+2060           ⍽
#   bidi marks, embeddings, overrides, isolates       U+061C, U+200E-200F,     ⇆
#                                                     U+202A-202E, U+2066-2069
#   line and paragraph separators                     U+2028-2029              ↵
#   soft hyphen                                       U+00AD                   ¬
#   variation selectors (VS1-256, Mongolian FVS)      U+FE00-FE0F, U+E0100-E01EF,
#                                                     U+180B-180D, U+180F      ⋄
#   Hangul fillers                                    U+115F-1160, U+3164,     ▯
#                                                     U+FFA0
#   tag characters (hidden ASCII text)                U+E0021-E007E            Ａ ... ～ (2 cells)
#                                                     U+E0020 (tag space)      ␠
#   every other default-ignorable code point (CGJ,
#     Mongolian vowel separator, invisible math
#     operators, language and cancel tags, ...),
#     interlinear annotation marks                    see _IGNORABLE           ⍰
#   emoji skin-tone modifiers                         U+1F3FB-1F3FF            ⬜🟨🟧🟫⬛ (2 cells)
#   regional indicators (flags)                       U+1F1E6-1F1FF            A ... Z
#   lone surrogates                                   U+D800-DFFF              � (as bad bytes)
#
# U+FFFD is left to what could not be decoded. The joiner gets a visible form rather than being
# kept: after U+200D, tmux (3.3 and later) and Rich put the next character into the joiner's
# cell, while xterm, VTE and pyte draw it in cells of its own, so no row holding a joiner before
# a character lines up in every terminal. Variation selectors (VS16 widens a character in Rich
# and tmux, not in xterm or pyte), skin tones (no cell in Rich, two in terminals) and regional
# indicators (one cell in Rich, two in terminals) are replaced for the same reason.

_IGNORABLE: list[tuple[int, int]] = [
    # Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), whole.
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
]


def _make_sanitize_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for first, last in _IGNORABLE:
        for code in range(first, last + 1):
            table[code] = "\u2370"  # ⍰, unless a more telling form follows
    for code in range(0x20):
        table[code] = chr(0x2400 + code)  # ␀ .. ␟ (ESC becomes ␛)
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        table[code] = "\u2426"  # ␦
    table[0x200B] = "\u2423"  # ␣
    table[0x200C] = "\u00a6"  # ¦
    table[0x200D] = "\u203f"  # ‿
    table[0x2060] = table[0xFEFF] = "\u237d"  # ⍽
    for code in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        table[code] = "\u21c6"  # ⇆
    table[0x2028] = table[0x2029] = "\u21b5"  # ↵
    table[0x00AD] = "\u00ac"  # ¬
    for code in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), *range(0x180B, 0x180E), 0x180F]:
        table[code] = "\u22c4"  # ⋄
    for code in [0x115F, 0x1160, 0x3164, 0xFFA0]:
        table[code] = "\u25af"  # ▯
    table[0xE0020] = "\u2420"  # ␠
    for code in range(0xE0021, 0xE007F):
        table[code] = chr(0xFF01 + code - 0xE0021)  # fullwidth ! .. ~
    for code in [0xFFF9, 0xFFFA, 0xFFFB]:
        table[code] = "\u2370"  # ⍰
    swatches = "\u2b1c\U0001f7e8\U0001f7e7\U0001f7eb\u2b1b"  # light to dark
    for code, swatch in zip(range(0x1F3FB, 0x1F400), swatches, strict=True):
        table[code] = swatch
    for code in range(0x1F1E6, 0x1F200):
        table[code] = chr(ord("A") + code - 0x1F1E6)
    # Lone surrogates (a file name's undecodable bytes) cannot be written to a terminal.
    for code in range(0xD800, 0xE000):
        table[code] = "\ufffd"
    return table


def _character_class(codes: Iterable[int]) -> str:
    """A regex character class matching exactly `codes`, as ranges."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = (
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return "[" + "".join(parts) + "]"


_SANITIZE = _make_sanitize_table()
_UNSAFE = re.compile(_character_class(_SANITIZE))
UNSAFE = _UNSAFE
"""Matches every character `sanitize` replaces (for outputs that escape them instead)."""


def sanitize(text: str) -> str:
    """Make text safe to draw: every control, reordering or invisible character becomes a
    visible symbol (the table above `_IGNORABLE` lists them).

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


class Encoding(NamedTuple):
    """How a file is decoded, as `detect_encoding` chose it."""

    codec: str
    """The Python codec."""
    skip: int = 0
    """Length of the byte order mark (or marks) to skip."""
    sure: bool = True
    """False when the encoding is only a weak guess (shown with a "?")."""
    label: str = ""
    """The name users know the encoding by, when it is not the codec's: "gbk" for a file read
    with its superset gb18030, "shift_jis" for cp932."""

    @property
    def name(self) -> str:
        """As the status bar shows it: "utf-8-sig" for UTF-8 after a BOM, "cp1252?" for a
        weak guess."""
        name = self.label or self.codec
        if name == "utf-8" and self.skip:
            name = "utf-8-sig"
        return name if self.sure else name + "?"


_BOMS: list[tuple[bytes, str]] = [
    # UTF-32-LE before UTF-16-LE: its BOM starts with theirs.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def _bom(data: bytes) -> tuple[str, int] | None:
    """The codec a byte order mark names, and how many bytes of marks to skip.

    A second mark right after the first (a file with a BOM converted by a tool that adds its
    own, such as iconv to UTF-32) is skipped too: it is no text, and would show as a mark
    before the first line. FF FE 00 00 is UTF-32-LE only if what follows reads as UTF-32;
    otherwise it is UTF-16-LE text starting with a NUL.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-32-le" and not _reads_as_utf32(data):
                continue
            skip = len(bom)
            while data.startswith(bom, skip):
                skip += len(bom)
            return encoding, skip
    return None


def _reads_as_utf32(data: bytes) -> bool:
    head = data[4 : 4 + 4096]
    try:
        head[: len(head) // 4 * 4].decode("utf-32-le")
    except UnicodeDecodeError:
        return False
    return True


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


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xef][\x80-\xbf]{2}"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
"""A multi-byte UTF-8 sequence, encoded surrogates (ED A0 80 ..., CESU-8, WTF-8) included."""
_HIGH_BYTES = bytes(range(0x80, 0x100))
GUESS = 256 * 1024
"""Bytes around the first that is not UTF-8 that a legacy encoding is guessed from."""


def _utf8_evidence(sample: bytes) -> tuple[int, int]:
    """(multi-byte UTF-8 sequences, bytes above 0x7F outside any) in `sample`."""
    sequences = 0
    inside = 0
    for match in _UTF8_SEQUENCE.finditer(sample):
        sequences += 1
        inside += match.end() - match.start()
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    return sequences, high - inside


def detect_encoding(sample: bytes, complete: bool) -> Encoding:
    """Choose the encoding of a file from its first bytes.

    A byte order mark decides; then valid UTF-8 (ASCII included); then UTF-8 with bad bytes,
    when most of the bytes above 0x7F form UTF-8 sequences (encoded surrogates count: they are
    UTF-8 written by a careless encoder and show as �); then a legacy encoding, single-byte or
    East Asian, guessed (`Encoding.sure` False when the guess is weak). Those last two look at
    `GUESS` bytes around the first byte that is not UTF-8, cut between characters.

    Args:
        sample: the start of the file (all of it when `complete`).
        complete: whether `sample` is the whole file.
    """
    found = _bom(sample)
    if found is not None:
        return Encoding(*found)
    try:
        sample.decode("utf-8")
        return Encoding("utf-8")
    except UnicodeDecodeError as error:
        if (
            not complete
            and error.start >= len(sample) - 4
            and error.reason == "unexpected end of data"
        ):
            return Encoding("utf-8")
        first_bad = error.start
    start = max(_boundary(sample, 0, first_bad - GUESS // 4), 0) if first_bad > GUESS // 4 else 0
    end = max(start + GUESS, first_bad + GUESS // 4)
    if end < len(sample) or not complete:
        cut = _boundary(sample, first_bad, end)
        end = cut if cut > first_bad else min(end, len(sample))  # else one long line, cut
    window = sample[start:end]
    sequences, stray = _utf8_evidence(window)
    if sequences >= stray:
        return Encoding("utf-8")
    guess = _guess_legacy(window)
    if sequences * 4 >= stray and guess.codec not in _MULTIBYTE:
        # Many UTF-8 sequences among the bad bytes: UTF-8 damaged, or a single-byte text;
        # neither reading is sure.
        return Encoding("utf-8", sure=False)
    return guess


def _boundary(sample: bytes, start: int, end: int) -> int:
    """Just after the last line break or space in `sample[start:end]`, -1 if none: a boundary
    between characters in every encoding guessed (no byte of a multi-byte character is LF or
    space)."""
    found = max(sample.rfind(b"\n", start, end), sample.rfind(b" ", start, end))
    return found + 1 if found >= 0 else -1


_MULTIBYTE: dict[str, str] = {
    # charset-normalizer's names of East Asian encodings, and the script each writes.
    **dict.fromkeys(["cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"], "ja"),
    **dict.fromkeys(["euc_jp", "euc_jis_2004", "euc_jisx0213", "iso2022_jp"], "ja"),
    **dict.fromkeys(["iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_3", "iso2022_jp_ext"], "ja"),
    **dict.fromkeys(["cp949", "euc_kr", "johab", "iso2022_kr"], "ko"),
    **dict.fromkeys(["gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp950"], "zh"),
}
_LABELS: dict[str, tuple[str, ...]] = {
    # Codecs charset-normalizer names, and the names users know such files by, narrowest
    # first: a file is named by the first that reads it (and still read with the codec).
    **dict.fromkeys(["cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"], ("shift_jis",)),
    **dict.fromkeys(["euc_jp", "euc_jis_2004", "euc_jisx0213"], ("euc_jp", "euc_jis_2004")),
    **dict.fromkeys(["gb2312", "gbk", "gb18030"], ("gbk", "gb18030")),
    **dict.fromkeys(["cp949", "euc_kr"], ("euc_kr", "cp949")),
    **dict.fromkeys(["big5", "big5hkscs", "cp950"], ("big5", "cp950", "big5hkscs")),
}
_LABEL_NAMES = {"euc_jp": "euc-jp", "euc_jis_2004": "euc-jis-2004", "euc_kr": "euc-kr"}


def _label(sample: bytes, codec: str) -> str:
    """The name a file in `codec` is shown by (see `_LABELS`)."""
    for name in _LABELS.get(codec, ()):
        if name == "shift_jis" or _decodes(sample, name):
            return _LABEL_NAMES.get(name, name)
    return codec


def _guess_legacy(sample: bytes) -> Encoding:
    """Best guess of a legacy encoding, by charset-normalizer checked against the text it
    gives; cp1252 (unsure) when nothing fits. `sample` is whole lines of the file."""
    from charset_normalizer import from_bytes  # imported on demand: it is slow to import

    matches = [m for m in from_bytes(sample) if _decodes(sample, str(m.encoding))]
    east_asian = _east_asian(sample, [str(m.encoding) for m in matches])
    if east_asian is not None:
        return east_asian
    single = [m for m in matches if m.encoding not in _MULTIBYTE]
    if _reads_as_western(sample):
        # Western text is ambiguous between the Latin code pages, and charset-normalizer
        # often names cp1250, cp1257 or a Mac one first, for a reading that is the same or
        # hardly better; cp1252 is by far the likeliest when its reading gives Western
        # letters, with signs and punctuation only between words. Turkish reads so too (ı,
        # ş, ğ as ý, þ, ð), but without Icelandic's other letters.
        text = sample.decode("cp1252")
        if any(ch in text for ch in "ÐÝÞðýþ") and not any(ch in text for ch in "áéíóúæÁÉÍÓÚÆ"):
            return Encoding("cp1254", sure=False)
        best = single[0].chaos if single else 0.0
        if not single or any(
            "cp1252" in m.could_be_from_charset and m.chaos <= best + 0.01 for m in single
        ):
            return Encoding("cp1252", sure=_high_letters(sample) >= 8)
    if single:
        # Another code page reads it clearly better (Czech in cp1250: "Děkuji", not "Dìkuji").
        first = single[0]
        sure = first.chaos < 0.05 and first.coherence >= 0.3 and _high_letters(sample) >= 16
        return Encoding(str(first.encoding), sure=sure)
    multibyte = next((str(m.encoding) for m in matches if m.encoding in _MULTIBYTE), None)
    if multibyte is not None:
        return Encoding(multibyte, sure=False, label=_label(sample, multibyte))
    return Encoding("cp1252", sure=False)


def _decodes(sample: bytes, codec: str) -> bool:
    """Whether `codec` reads all of `sample` but for a character cut at its end
    (charset-normalizer may name a UTF without BOM: those do not count)."""
    if codec.startswith(("utf", "ascii")):
        return False
    try:
        codecs.getincrementaldecoder(codec)().decode(sample, final=False)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _east_asian(sample: bytes, codecs_found: list[str]) -> Encoding | None:
    """The East Asian encoding whose reading of `sample` is most in the script it writes
    (see `_in_script`), if one mostly is; unsure when the reading is short or another script's
    encoding reads it nearly as well. Ties go to the first in charset-normalizer's order.

    charset-normalizer alone often takes short Japanese or Chinese text for Korean (cp949).
    """
    best: dict[str, tuple[float, int, str, int]] = {}  # script: (-share, order, codec, chars)
    for order, codec in enumerate(codecs_found):
        script = _MULTIBYTE.get(codec)
        if script is None:
            continue
        text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
        wide = [ch for ch in text if ord(ch) > 0x7F]
        if not wide:
            continue
        share = _in_script(wide, script)
        if script == "zh" and len(_SPACED.findall(text)) > 0.05 * len(wide):
            share = 0.0  # Korean bytes read as GB2312 give common Chinese characters
        best[script] = min(best.get(script, (0.0, 0, "", 0)), (-share, order, codec, len(wide)))
    ranked = sorted(best.values())
    if not ranked or -ranked[0][0] < 0.6:
        return None
    share, _, codec, count = -ranked[0][0], *ranked[0][1:]
    close = len(ranked) > 1 and -ranked[1][0] >= share - 0.1
    sure = count >= 20 and share >= 0.9 and not close
    return Encoding(codec, sure=sure, label=_label(sample, codec))


_SPACED = re.compile(r"[^\x00-\x7f] (?=[^\x00-\x7f])")
"""Two characters that are not ASCII with a space between: Korean puts spaces between words,
Chinese none between characters."""


def _in_script(chars: list[str], script: str) -> float:
    """The share of `chars` (none ASCII) that are common in the script: Japanese hiragana and
    katakana and kanji of JIS X 0208, Korean Hangul of KS X 1001 (the 2,350 syllables in
    everyday use), Chinese characters of GB2312 or Big5 (not Japanese text: that has kana);
    CJK punctuation and fullwidth forms count for all. Bytes of another encoding give rare
    characters, or halfwidth katakana."""
    kana = sum("\u3040" <= ch <= "\u30ff" for ch in chars)
    if (script == "zh" and kana > 0.02 * len(chars)) or (
        script == "ja" and kana < 0.1 * len(chars)
    ):
        return 0.0
    common = 0
    for ch in chars:
        if "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e" or "\u2010" <= ch <= "\u203b":
            common += 1
        elif script == "ja":
            common += "\u3040" <= ch <= "\u30ff" or (_is_han(ch) and _double_byte(ch, "euc_jp"))
        elif script == "ko":
            common += "\uac00" <= ch <= "\ud7a3" and _double_byte(ch, "euc_kr")
        else:
            common += _is_han(ch) and (_double_byte(ch, "gb2312") or _double_byte(ch, "big5"))
    return common / len(chars)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@lru_cache(maxsize=8192)
def _double_byte(ch: str, codec: str) -> bool:
    """Whether `ch` is one of the two-byte characters of `codec` (euc_kr writes the other
    Hangul syllables as eight bytes, euc_jp rarer kanji as three)."""
    try:
        return len(ch.encode(codec)) == 2
    except UnicodeEncodeError:
        return False


_WESTERN_LETTERS = frozenset(
    [chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)] + list("ŠšŽžŒœŸƒªºµ")
)
_WESTERN_SIGNS = frozenset("“”‘’‚„–—…•€«»‹›°£¢¥¤§©®™·¡¿¦¨¬¯±²³´¶¸¹¼½¾‰†‡ˆ˜\xa0\xad")
_INSIDE_WORDS = frozenset("’'\xad")
"""Signs that may stand between two letters (don’t, soft hyphens)."""


def _high_letters(sample: bytes) -> int:
    return sum(ch.isalpha() for ch in sample.decode("latin-1") if ord(ch) > 0x7F)


def _reads_as_western(sample: bytes) -> bool:
    """Whether the cp1252 reading of `sample` looks like Western European text: accented
    letters, and signs between words, not inside them (as cp1250's ł, ą, ż read: ³, ¹, ¿)."""
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = bad = 0
    for match in re.finditer(r"[^\x00-\x7f]", text):
        high += 1
        char = match.group()
        if char in _WESTERN_LETTERS:
            continue
        i = match.start()
        inside = 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
        if char not in _WESTERN_SIGNS or (inside and char not in _INSIDE_WORDS):
            bad += 1
    return high > 0 and bad <= 0.05 * high


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a whole file's bytes; never raises.

    Returns:
        The text and a display name of the encoding ("utf-8", "utf-8-sig", "utf-16-le",
        "cp1252", "shift_jis", and with a "?" when only guessed: "cp1252?").
    """
    encoding = detect_encoding(data, complete=True)
    text = data[encoding.skip :].decode(encoding.codec, errors="replace")
    return text, encoding.name


# --- documents -------------------------------------------------------------------------------


_WHOLE = ("utf-16", "utf-32", "iso2022", "hz")
"""Codecs of files decoded whole whatever their size."""
_BREAK_BYTES = frozenset(b"\r\n")
TAIL_LIMIT = 8 * 1024 * 1024
"""Furthest back the start of a line is looked for from the end of a file not indexed yet."""
TAIL_REACH = 100_000
"""How many lines above the tail it is read further back on demand (past that, scrolling up
from the end waits for the index)."""


class _Head(NamedTuple):
    """The start of a file as `Document._read_head` read it (the whole file when `complete`)."""

    st: os.stat_result
    data: bytes
    complete: bool
    codec: str
    skip: int
    """Length of the byte order mark."""
    encoding: str
    """The encoding as shown (`Encoding.name`)."""

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
        """The encoding as shown to the user, known after `load`: "utf-8", "utf-8-sig",
        "shift_jis", and with a "?" when it is only a weak guess ("cp1252?")."""
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
        self.scanned: tuple[int, int, int, int] | None = None
        """(inode, size, modification and change times in ns) of the file as the scan that
        found it saw it (None when not found by a scan)."""
        # The end of a large file, read before the index reaches it (see `read_tail`).
        self._tail: list[str] = []
        self._tail_start = 0
        """Byte offset of the tail's first line (always just after a line break)."""
        self._tail_end = 0
        self._tail_first = 0
        """The tail's first line number: an estimate until `_tail_exact`."""
        self._tail_exact = False
        self._tail_stuck = False
        """No line start was found further back (one line longer than `TAIL_LIMIT`)."""

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
                if st.st_size > SMALL_FILE:
                    head = handle.read(2 * CHUNK)
                else:
                    # As much as the file holds and a byte more (asking for SMALL_FILE + 1
                    # costs a buffer that large: 10,000 small files read 6x slower); a file
                    # that grew since, or a size the system does not know (0), reads on.
                    head = handle.read(st.st_size + 1)
                    if len(head) > st.st_size:
                        head += handle.read(SMALL_FILE + 1 - len(head))
        except OSError as error:
            raise DocumentError(f"{self.path}: cannot read: {error.strerror}") from None
        if is_binary(head[:SNIFF]):
            raise BinaryFileError(f"{self.path}: binary file, not text")
        complete = len(head) <= SMALL_FILE and st.st_size <= SMALL_FILE
        encoding = detect_encoding(head, complete=complete)
        if not complete and encoding.codec.startswith(_WHOLE):
            # Line breaks of wide encodings are not single bytes, and stateful ones cannot be
            # decoded from the middle: decode whole.
            try:
                head = self.path.read_bytes()
            except OSError as error:
                raise DocumentError(f"{self.path}: cannot read: {error.strerror}") from None
            complete = True
        return _Head(st, head, complete, encoding.codec, encoding.skip, encoding.name)

    def _take(self, head: _Head) -> None:
        """Become loaded from the start of the file `_read_head` read."""
        self.size = head.st.st_size
        self._mtime_ns = head.st.st_mtime_ns
        self.encoding = head.encoding
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

    def _add_chunk(
        self, offset: int, data: bytes | bytearray, start: int = 0, end: int | None = None
    ) -> None:
        """Add the chunk `data[start:end]`, which begins at byte `offset` of the file."""
        end = len(data) if end is None else end
        lines = _breaks_in(data, start, end)
        if end > start and data[end - 1] not in _BREAK_BYTES:
            lines += 1
        with self._lock:
            self._chunks.append(_Chunk(offset, end - start, self._line_total))
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
        has_cr = False  # whether the buffer may hold a CR
        while not eof:
            if cancelled is not None and cancelled():
                return False
            data = handle.read(READ)
            eof = not data
            searched = len(buffer)  # no line break after the first chunk window before this
            buffer += data
            # Most text has no CR at all: then one look per read spares a search per chunk.
            has_cr = has_cr or b"\r" in data
            start = 0
            while start < len(buffer):
                end = _cut(buffer, start, start + CHUNK, eof=eof, searched=searched, cr=has_cr)
                if end is None:
                    break
                self._add_chunk(base + start, buffer, start, end)  # counted in place: no copy
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
            text = _decode_lines(head.data, head.skip, len(head.data), head.codec)
            if expand_tabs:
                text = _expand_tabs(text)
            if len(head.data) > head.skip:
                yield 0, text
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
        """`text_blocks` of a large file: `BLOCK` bytes at a time, read into one buffer.

        Only the buffer (a block and the start of the line it cut) and the block's decoded
        text are held: each read lands in place (`readinto`), the text is decoded from a view
        of the buffer without the line break that ends it, and only the cut line moves to the
        front for the next read.
        """
        with open(self.path, "rb", buffering=0) as handle:
            handle.seek(self._skip)
            buffer = bytearray(BLOCK)
            filled = 0  # bytes of the buffer in use: the cut line, then the next read
            read = self._skip
            line = 0
            eof = False
            while not eof:
                if len(buffer) - filled < BLOCK:  # a line longer than a read: grow
                    buffer.extend(bytes(filled + BLOCK - len(buffer)))
                with memoryview(buffer) as view:
                    count = handle.readinto(view[filled : filled + BLOCK])
                eof = not count
                # Nothing before the last byte of the cut line can be a line break.
                searched = filled
                filled += count or 0
                target = filled if eof else filled - 1
                end = _cut(buffer, max(searched - 1, 0), target, eof, searched, size=filled)
                if end is None:
                    continue  # no whole line yet: one line longer than a read
                text = _decode_lines(buffer, 0, end, self._codec)
                rest = filled - end
                buffer[:rest] = buffer[end:filled]  # the cut line (short: rarely a long line)
                filled = rest
                read += end
                if expand_tabs:
                    text = _expand_tabs(text)
                yield line, text
                line += text.count("\n") + 1
                del text
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

    # -- the tail, before the index reaches it
    #
    # `G` on a large file must not wait for the index. `read_tail` reads the end of the file
    # directly and numbers its lines from an estimate (the line density seen so far); the
    # "view" methods below number lines that way: exact up to the indexed prefix, estimated in
    # the tail, with a gap between them of lines not read yet. `sync_tail` moves the estimate
    # (only when its caller asks, so numbers never change under it) and makes it exact once the
    # index has reached the tail's first byte. Everything else (notes, search, `line`) keeps to
    # exact line numbers only.

    def read_tail(self) -> bool:
        """Read the end of a large file not indexed yet; False when it cannot be shown now.

        True at once when the file is indexed (or small). False when no line starts within
        `TAIL_LIMIT` bytes of the end (one enormous last line): then wait for the index.
        """
        self.load()
        with self._lock:
            if self._indexed or self._tail:
                return True
            if self._tail_stuck:
                return False
            end = self.size
            found = self._read_back(end, CHUNK)
            if found is None:
                self._tail_stuck = True
                return False
            start, lines = found
            self._tail, self._tail_start, self._tail_end = lines, start, end
            self._tail_first = self._line_total + self._estimate_lines(self._front_end(), start)
            return True

    def _front_end(self) -> int:
        """Byte offset where the indexed prefix ends."""
        last = self._chunks[-1] if self._chunks else None
        return last.offset + last.length if last is not None else self._skip

    def _estimate_lines(self, start: int, end: int) -> int:
        """Lines guessed in bytes `start..end` (at least one), by the density seen so far."""
        known_bytes = (self._front_end() - self._skip) + (self._tail_end - self._tail_start)
        known_lines = self._line_total + len(self._tail)
        density = known_lines / known_bytes if known_bytes > 0 and known_lines else 1 / 80
        return max(round((end - start) * density), 1)

    def _read_back(self, end: int, want: int) -> tuple[int, list[str]] | None:
        """The whole lines of about `want` bytes before byte `end` (a line start or the end of
        the file): (offset of the first, their text). Never reads before the indexed prefix's
        end, which is a line start; None when no line start is found within `TAIL_LIMIT`."""
        front = self._front_end()
        size = want
        try:
            with open(self.path, "rb") as handle:
                while True:
                    start = max(end - min(size, TAIL_LIMIT), front)
                    handle.seek(start)
                    data = handle.read(end - start)
                    cut = 0 if start == front else _line_start(data)
                    if cut is not None and start + cut < end and cut < len(data):
                        break
                    if start == front or size >= TAIL_LIMIT:
                        return None
                    size *= 4  # one long line: look further back
        except OSError:
            return None
        text = data[cut:].decode(self._codec, errors="replace")
        lines = split_lines(text)
        return (start + cut, lines) if lines else None

    def _tail_numbering(self) -> bool:
        """Whether view numbering still goes through the tail: until the index is complete
        and `sync_tail` has made the tail's numbers exact. The index finishing (in its worker)
        does not change the numbers by itself: the view takes the change through `sync_tail`,
        so a place it holds in estimated numbers is never clamped to the exact count first."""
        return bool(self._tail) and not (self._indexed and self._tail_exact)

    @property
    def view_line_count(self) -> int:
        """Lines in view numbering: all of them once indexed; up to the tail's end if read."""
        self.load()
        with self._lock:
            if self._tail_numbering():
                return self._tail_first + len(self._tail)
            return self._line_total

    def view_gap(self) -> tuple[int, int]:
        """The lines (first, stop) of view numbering not read yet, between the indexed prefix
        and the tail; empty when there is none."""
        with self._lock:
            if not self._tail_numbering() or self._tail_exact:
                return (0, 0)
            return (min(self._line_total, self._tail_first), self._tail_first)

    @property
    def tail_is_exact(self) -> bool:
        """Whether the tail was read and its line numbers are known to be exact."""
        with self._lock:
            return bool(self._tail) and self._tail_exact

    def view_line_is_exact(self, index: int) -> bool:
        """Whether line `index` of view numbering is that line of the file."""
        with self._lock:
            return not self._tail_numbering() or self._tail_exact or index < self._tail_first

    def view_line(self, index: int) -> str:
        """The text of line `index` in view numbering; "" for a line not read yet."""
        self.load()
        with self._lock:
            if self._tail_numbering():
                i = index - self._tail_first
                if 0 <= i < len(self._tail):
                    return self._tail[i]
                if index >= self._tail_first:
                    return ""
        return self.line(index)

    def view_has(self, index: int) -> bool:
        """Whether line `index` of view numbering can be shown, reading further back from the
        tail when it is just above it."""
        if index < 0 or index >= self.view_line_count:
            return False
        first, stop = self.view_gap()
        if not first <= index < stop:
            return True
        if index < stop - TAIL_REACH:
            return False
        with self._lock:
            while not self._tail_stuck and index < self._tail_first:
                if self._indexed or self._front_end() >= self._tail_start:
                    break  # `sync_tail` makes it exact: nothing to read
                found = self._read_back(self._tail_start, CHUNK)
                if found is None:
                    self._tail_stuck = True
                    break
                start, lines = found
                self._tail[:0] = lines
                self._tail_start = start
                self._tail_first -= len(lines)
            first, stop = self.view_gap()
            return not first <= index < stop

    def sync_tail(self) -> tuple[int, int]:
        """Bring the tail's numbering up to date with the index: (shift, from_line).

        Lines of view numbering from `from_line` on are now `shift` further on (0 when
        nothing changed). The shift makes the numbers exact once the index reaches the tail,
        and moves the estimate on when the index overtakes it before that.
        """
        with self._lock:
            if not self._tail or self._tail_exact:
                return (0, 0)
            old = self._tail_first
            if self._indexed or self._front_end() >= self._tail_start:
                self._tail_first = self._exact_line_at(self._tail_start)
                self._tail_exact = True
            elif self._line_total >= self._tail_first:
                gap = self._estimate_lines(self._front_end(), self._tail_start)
                self._tail_first = self._line_total + gap
            return (self._tail_first - old, old)

    def _exact_line_at(self, offset: int) -> int:
        """The number of the line starting at byte `offset` of the indexed prefix."""
        k = bisect_right(self._chunks, offset, key=lambda chunk: chunk.offset) - 1
        if k < 0:
            return 0
        chunk = self._chunks[k]
        if offset >= chunk.offset + chunk.length:
            return self._line_total  # past the indexed prefix (a file cut short under us)
        try:
            with open(self.path, "rb") as handle:
                handle.seek(chunk.offset)
                data = handle.read(offset - chunk.offset)
        except OSError:
            data = b""
        return chunk.first_line + _breaks_in(data, 0, len(data))

    def view_fraction(self, index: int) -> float:
        """How far through the file's bytes the end of view line `index` is, 0.0 to 1.0."""
        with self._lock:
            size = max(self.size, 1)
            if self._lines is not None or index < 0:
                return min(max(index + 1, 0) / max(len(self._lines or ()), 1), 1.0)
            end = self._byte_end(index)
        return min(max(end / size, 0.0), 1.0)

    def _byte_end(self, index: int) -> float:
        """About where view line `index` ends, in bytes (lines of a chunk taken as even)."""
        if self._tail_numbering() and index >= self._tail_first:
            i = min(index - self._tail_first + 1, len(self._tail))
            return self._tail_start + (self._tail_end - self._tail_start) * i / len(self._tail)
        if index >= self._line_total:
            if self._indexed:
                return self.size
            return self._front_end()  # in the gap: it is not read yet
        k = bisect_right(self._chunk_starts, index) - 1
        chunk = self._chunks[k]
        stop = self._chunk_starts[k + 1] if k + 1 < len(self._chunks) else self._line_total
        share = (index - chunk.first_line + 1) / max(stop - chunk.first_line, 1)
        return chunk.offset + chunk.length * share

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


def _line_start(data: bytes) -> int | None:
    """Where the first line to start inside `data` starts: just after its first line break
    (CRLF taken whole); None when it has no line break."""
    n = data.find(b"\n")
    r = data.find(b"\r", 0, n if n >= 0 else len(data))
    if r >= 0:
        return r + 2 if data[r + 1 : r + 2] == b"\n" else r + 1
    return n + 1 if n >= 0 else None


def _breaks_in(data: bytes | bytearray, start: int, end: int) -> int:
    """How many line breaks (LF, CRLF, CR) are in `data[start:end]`, counted in place."""
    n = data.count(b"\n", start, end)
    if data.find(b"\r", start, end) >= 0:
        n += data.count(b"\r", start, end) - data.count(b"\r\n", start, end)
    return n


def _cut(
    buffer: bytes | bytearray,
    start: int,
    target: int,
    eof: bool,
    searched: int = 0,
    cr: bool = True,
    size: int | None = None,
) -> int | None:
    """Where a chunk starting at `start` should end: just after a line break near `target`.

    `searched` says how far earlier calls already looked for the end of a long line, so a
    50 MB line is scanned once rather than once per read. `cr=False` says the buffer holds no
    CR, so only LF is looked for. `size` is how much of the buffer holds data (default: all of
    it). Returns None when more data is needed to decide.
    """
    size = len(buffer) if size is None else size
    if target >= size:
        if not eof:
            return None
        return size if start < size else None
    window_end = target
    p = buffer.rfind(b"\n", start, window_end)
    if cr:
        p = max(p, buffer.rfind(b"\r", start, window_end))
    if p < 0:
        # One line longer than a chunk: end the chunk at the line's end.
        begin = max(window_end, searched - 1)
        n = buffer.find(b"\n", begin, size)
        r = buffer.find(b"\r", begin, size) if cr else -1
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


def _decode_lines(data: bytes | bytearray, start: int, end: int, codec: str) -> str:
    """`data[start:end]` (whole lines) decoded, CRLF and CR made LF, without the final line break:
    decoded from a view, and cut before the break rather than after (no copy of the text)."""
    if codec.startswith(_WHOLE):  # line breaks of more than one byte (or stateful codecs)
        with memoryview(data) as view:
            return join_lines(str(view[start:end], codec, "replace"), expand_tabs=False)
    stop = end
    if stop > start and data[stop - 1] == 10:  # LF
        stop -= 1
        if stop > start and data[stop - 1] == 13:  # CRLF
            stop -= 1
    elif stop > start and data[stop - 1] == 13:  # CR
        stop -= 1
    with memoryview(data) as view:
        text = str(view[start:stop], codec, "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


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

# Why a scan passed over an entry (`Skipped.reason`); `count_skipped` counts them.
FIFO = "FIFO (named pipe)"
SOCKET = "socket"
DEVICE = "device file"
SPECIAL = "not a regular file"
LOOP = "symlink loop"
BROKEN = "broken symlink"
OUTSIDE = "outside the folder"
FOLDER_LINK = "symlink to a folder (not followed; use --follow)"
FOLDER_TWICE = "folder already listed (reached through another link)"
SAME_FILE = "symlink to a listed document"
UNREADABLE = "unreadable"
BINARY = "binary file"
NOT_TEXT = "not a text document (by its name)"
MISSING = "no such file or folder"

_COUNTED = {
    MISSING: ("missing path", "missing paths"),
    FIFO: ("FIFO", "FIFOs"),
    FOLDER_LINK: ("symlink to a folder (use --follow)", "symlinks to folders (use --follow)"),
    NOT_TEXT: ("file of another type", "files of other types"),
}
"""How `count_skipped` names a reason whose text does not read well after a count."""
_PLURALS = {
    SOCKET: "sockets",
    DEVICE: "device files",
    SPECIAL: "not regular files",
    LOOP: "symlink loops",
    BROKEN: "broken symlinks",
    FOLDER_TWICE: "folders already listed (reached through other links)",
    SAME_FILE: "symlinks to listed documents",
    BINARY: "binary files",
}

MAX_ENTRIES = 200_000
"""A scan stops after examining this many folder entries (with a notice): it stays bounded."""


class Skipped(NamedTuple):
    """An entry a scan passed over, and why (one of the reason constants above)."""

    path: Path
    reason: str


@dataclass
class ScanResult:
    """What scanning the paths given on the command line found."""

    documents: list[Document]
    skipped: list[Skipped] = field(default_factory=list)
    """Every entry passed over, with its reason, in path order (hidden ones are not listed)."""
    notices: list[str] = field(default_factory=list)
    """Other things to tell the user (the scan stopped at `MAX_ENTRIES`), one line each."""


def count_skipped(skipped: Iterable[Skipped]) -> str:
    """The reasons of skipped entries with their counts, most frequent first.

    For example "2 binary files, 1 FIFO (named pipe), 1 symlink loop"; "" for none.
    """
    counts = Counter(entry.reason for entry in skipped)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    parts = []
    for reason, n in ordered:
        singular, plural = _COUNTED.get(reason, (reason, _PLURALS.get(reason, reason)))
        parts.append(f"{n} {singular if n == 1 else plural}")
    return ", ".join(parts)


def path_key(path: Path) -> bytes:
    """Sort key of a path: its bytes, so any name sorts the same way on every run."""
    return os.fsencode(path)


_path_key = path_key


def _looks_like_text_file(name: str) -> bool:
    """Whether a file name says text: a known text suffix, or no suffix at all.

    Surrounding whitespace is stripped first ("notes.txt " is a `.txt` file), the suffix is
    what follows the last dot (not a leading one), case-insensitive, and a "suffix" holding
    whitespace is no suffix ("Chapter 1. The start" has none). The name's other bytes (a
    newline, an escape sequence, bytes that are not UTF-8) do not matter. Files named so are
    then sniffed for binary content.
    """
    stem, dot, suffix = name.strip().lstrip(".").rpartition(".")
    if not dot or not stem or not suffix or any(ch.isspace() for ch in suffix):
        return True
    return f".{suffix.lower()}" in TEXT_SUFFIXES


def _kind_reason(mode: int) -> str:
    """Why an entry that is not a regular file or folder is skipped."""
    if stat.S_ISFIFO(mode):
        return FIFO
    if stat.S_ISSOCK(mode):
        return SOCKET
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return DEVICE
    return SPECIAL


def _stat_error_reason(path: str | Path, error: OSError) -> str:
    """Why a path that cannot be stat'ed (following symlinks) is skipped."""
    if error.errno == errno.ELOOP:
        return LOOP
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return BROKEN if os.path.islink(path) else MISSING
    return UNREADABLE


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


Known = Mapping[str, tuple[int, int, int, int]]
"""Files known to be text documents: path -> (inode, size, modification and change times in
ns) when they were sniffed (see `Document.scanned`)."""


def scan_paths(
    paths: Iterable[str | os.PathLike[str]], follow: bool = False, known: Known | None = None
) -> ScanResult:
    """Find the documents under files and folders, ordered by the bytes of their paths.

    A path given directly is taken whatever it is a link to and whatever its extension; when it
    is missing, a loop, not a regular file, unreadable or binary, it is skipped with that
    reason (the caller decides whether that is an error: see `ScanResult.skipped`).

    Folders are walked recursively and the walk never leaves them by default, as ripgrep and fd
    do: symlinks to folders are not followed, a symlink to a file outside the folder is not
    opened, and a symlink to a file inside it is listed only when the file is not listed
    already. With `follow`, symlinks to folders and files are followed wherever they lead,
    and no folder is walked twice (a link back into a folder already walked is a loop). Hidden
    files and folders (a leading dot) are passed over silently; every other entry that is not
    listed is in `skipped` with its reason: special files, loops, broken links, links out of
    the folder, unreadable entries, binary files and names of other types (`.png`, `.pdf`).
    A file is a text document by its name as `_looks_like_text_file` says, and when its first
    bytes do not sniff as binary. At most `MAX_ENTRIES` entries are examined.

    `known` spares opening files sniffed before: a file whose inode, size and times are those
    it is known with is taken as text without being opened. No write to a file leaves all of
    them as they were (writing moves the change time, which no one can set), so the result is
    the same as without it, as long as the times of what was known were at least a clock tick
    old when it was sniffed (see `search.scanned`).

    `walk_paths` is the same scan, handing over each document as it is found.
    """
    walk = walk_paths(paths, follow, known)
    while True:
        try:
            next(walk)
        except StopIteration as done:
            result: ScanResult = done.value
            return result


def walk_paths(
    paths: Iterable[str | os.PathLike[str]], follow: bool = False, known: Known | None = None
) -> Generator[Document, None, ScanResult]:
    """The scan of `scan_paths`, yielding each document as soon as it is found.

    Returns (as the generator's value) the same `ScanResult` as `scan_paths`. The documents of
    a folder come in path order, the first one early, whatever the folder holds: a folder's
    entries are walked in the order of their paths, each subfolder where its path sorts.
    Only documents reached through a symlink (walked last) and those of a later path that
    sorts before an earlier one come out of order; `Library.add` puts them in place.
    """
    found: dict[str, Document] = {}  # by str(path): hashing a Path costs more than the scan
    result = ScanResult(documents=[])
    budget = [MAX_ENTRIES]
    file_keys: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(os.path.abspath(raw))
        try:
            st = os.stat(path)
        except OSError as error:
            result.skipped.append(Skipped(path, _stat_error_reason(path, error)))
            continue
        if stat.S_ISDIR(st.st_mode):
            if not os.access(path, os.R_OK | os.X_OK):
                result.skipped.append(Skipped(path, UNREADABLE))
                continue
            yield from _walk(path, st, follow, found, file_keys, result, budget, known)
        elif not stat.S_ISREG(st.st_mode):
            result.skipped.append(Skipped(path, _kind_reason(st.st_mode)))
        elif str(path) not in found:
            scanned = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            reason = None if known is not None and known.get(str(path)) == scanned else _sniff(path)
            if reason is None:
                document = found[str(path)] = Document(path, st.st_size)
                document.scanned = scanned
                file_keys.add((st.st_dev, st.st_ino))
                yield document
            else:
                result.skipped.append(Skipped(path, reason))
    if all(name.isascii() for name in found):  # then the strings sort as their bytes: faster
        result.documents = [found[name] for name in sorted(found)]
    else:
        result.documents = sorted(found.values(), key=lambda d: _path_key(d.path))
    unique = {entry.path: entry for entry in result.skipped if str(entry.path) not in found}
    result.skipped = [unique[p] for p in sorted(unique, key=_path_key)]
    return result


def _walk(
    root: Path,
    root_st: os.stat_result,
    follow: bool,
    found: dict[str, Document],
    file_keys: set[tuple[int, int]],
    result: ScanResult,
    budget: list[int],
    known: Known | None = None,
) -> Iterator[Document]:
    """Yield the documents under the folder `root` (adding them to `found`), and note what was
    passed over.

    Real folders and files are walked first, symlinks after, so a document reached both ways is
    listed under its real path and a link is followed only to what the walk has not seen.
    `file_keys` holds the (device, inode) of the files listed; `budget` the entries still allowed.
    """
    real_root = os.path.realpath(root)
    walked: set[tuple[int, int]] = {(root_st.st_dev, root_st.st_ino)}
    folder_links: list[tuple[Path, os.stat_result]] = []
    file_links: list[tuple[Path, os.stat_result]] = []
    tree = _Tree(real_root, follow, walked, folder_links, file_links, result, budget, known)
    yield from tree.walk(root, found, file_keys)
    while folder_links:
        if budget[0] <= 0:
            _stop(result)
            break
        link, st = folder_links.pop(0)
        key = (st.st_dev, st.st_ino)
        if key in walked:
            result.skipped.append(Skipped(link, _again_reason(link, real_root)))
            continue
        walked.add(key)
        yield from tree.walk(link, found, file_keys)
    for path, st in file_links:
        if (st.st_dev, st.st_ino) in file_keys:
            result.skipped.append(Skipped(path, SAME_FILE))
        else:
            document = _add_file(path, st, found, file_keys, result, known)
            if document is not None:
                yield document


@dataclass
class _Tree:
    """One folder walk of `_walk`: what it has seen, and the links it leaves for later."""

    real_root: str
    follow: bool
    walked: set[tuple[int, int]]
    """(device, inode) of the folders walked or about to be."""
    folder_links: list[tuple[Path, os.stat_result]]
    file_links: list[tuple[Path, os.stat_result]]
    result: ScanResult
    budget: list[int]
    known: Known | None

    def walk(
        self, top: Path, found: dict[str, Document], file_keys: set[tuple[int, int]]
    ) -> Iterator[Document]:
        """Depth first, each folder's entries in the order of their paths (see `_entry_key`),
        so the documents come out sorted."""
        entries = self._list(top)
        if entries is None:
            return
        stack = [(iter(entries), top)]
        result = self.result
        while stack:
            entry = next(stack[-1][0], None)
            if entry is None:
                stack.pop()
                continue
            if entry.name.startswith("."):
                continue
            path = _child(stack[-1][1], entry.name)
            try:
                if entry.is_symlink():
                    self._link(path)
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                result.skipped.append(Skipped(path, UNREADABLE))
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in self.walked:  # inside a followed link (or a bind mount)
                    result.skipped.append(Skipped(path, _again_reason(path, self.real_root)))
                    continue
                self.walked.add(key)
                if self.budget[0] <= 0:
                    _stop(result)
                    continue
                inner = self._list(path)
                if inner is not None:
                    stack.append((iter(inner), path))
            elif not stat.S_ISREG(st.st_mode):
                result.skipped.append(Skipped(path, _kind_reason(st.st_mode)))
            else:
                document = _add_file(path, st, found, file_keys, result, self.known)
                if document is not None:
                    yield document

    def _list(self, folder: Path) -> list[os.DirEntry[str]] | None:
        """A folder's entries in path order, at most what the budget allows; None when the
        folder cannot be read (noted as skipped)."""
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=_entry_key)
        except OSError:
            self.result.skipped.append(Skipped(folder, UNREADABLE))
            return None
        if len(entries) > self.budget[0]:
            entries = entries[: self.budget[0]]
            _stop(self.result)
        self.budget[0] -= len(entries)
        return entries

    def _link(self, path: Path) -> None:
        """Note a symlink met in the walk: followed later, or skipped with its reason."""
        result = self.result
        try:
            st = os.stat(path)
        except OSError as error:
            result.skipped.append(Skipped(path, _stat_error_reason(path, error)))
            return
        if stat.S_ISDIR(st.st_mode):
            if self.follow:
                self.folder_links.append((path, st))
            else:
                result.skipped.append(Skipped(path, FOLDER_LINK))
        elif not stat.S_ISREG(st.st_mode):
            result.skipped.append(Skipped(path, _kind_reason(st.st_mode)))
        elif not self.follow and not _inside(os.path.realpath(path), self.real_root):
            result.skipped.append(Skipped(path, OUTSIDE))
        else:
            self.file_links.append((path, st))


def _child(folder: Path, name: str) -> Path:
    """`folder / name` for a name from `os.scandir` (no separator, not "." or "..").

    pathlib parses the name again (about 1 us a file: 7 ms of a 10,000-file scan, measured
    against its private `_make_child_relpath`, which is not worth depending on)."""
    return folder / name


def _entry_key(entry: os.DirEntry[str]) -> bytes:
    """Sort key of a folder entry such that walking the entries in this order, each folder
    where it sorts, lists paths in `_path_key` order: a folder's name sorts with a "/" after it
    ("a-b.txt" comes before the folder "a", as "a-b.txt" < "a/x.txt")."""
    name = os.fsencode(entry.name)
    try:
        is_folder = entry.is_dir(follow_symlinks=False)
    except OSError:
        is_folder = False
    return name + b"/" if is_folder else name


def _again_reason(path: Path, real_root: str) -> str:
    """Why a folder the walk has already been through is not walked again at `path`.

    It is a loop when it holds the root or the folder `path` is in (walking it would come
    back here); otherwise the same folder was reached by two ways.
    """
    target = os.path.realpath(path)
    here = os.path.realpath(path.parent)
    return LOOP if _inside(here, target) or _inside(real_root, target) else FOLDER_TWICE


def _stop(result: ScanResult) -> None:
    notice = f"Stopped scanning after {MAX_ENTRIES:,} entries: the rest is not listed."
    if notice not in result.notices:
        result.notices.append(notice)


def _add_file(
    path: Path,
    st: os.stat_result,
    found: dict[str, Document],
    file_keys: set[tuple[int, int]],
    result: ScanResult,
    known: Known | None,
) -> Document | None:
    """List a regular file met in a folder walk when it is a text document (returned), else
    say why not."""
    name = str(path)
    if name in found:
        return None
    scanned = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if known is not None and known.get(name) == scanned:
        reason = None  # sniffed as text before, and unchanged since (see `scan_paths`)
    else:
        reason = NOT_TEXT if not _looks_like_text_file(path.name) else _sniff(path)
    if reason is not None:
        result.skipped.append(Skipped(path, reason))
        return None
    document = found[name] = Document(path, st.st_size)
    document.scanned = scanned
    file_keys.add((st.st_dev, st.st_ino))
    return document


def _sniff(path: Path) -> str | None:
    """Why a regular file is not a text document (binary, unreadable), or None when it is.

    Opened without blocking, so a file swapped for a FIFO since it was examined cannot hang the
    scan.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        return _stat_error_reason(path, error) if error.errno == errno.ELOOP else UNREADABLE
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return _kind_reason(st.st_mode)
        return BINARY if is_binary(os.read(fd, SNIFF)) else None
    except OSError:
        return UNREADABLE
    finally:
        os.close(fd)


class Scanner:
    """`walk_paths` run in a background thread: the documents are taken as they are found.

    The command line starts it, waits for the first documents (`wait`) and hands it to the
    app, whose library panel drains it in batches (`next_batch`). With `hold`, the scan
    pauses once it has found that many documents, as after `pause`, until `resume`: a scan
    running while the UI starts would slow the UI's start (the thread shares the
    interpreter), and the first documents are enough to show one. A pause takes effect at
    the next document found.
    """

    def __init__(
        self,
        paths: Iterable[str | os.PathLike[str]],
        follow: bool = False,
        hold: int | None = None,
    ) -> None:
        self._paths = list(paths)
        self._follow = follow
        self._hold = hold
        self._changed = threading.Condition()
        self._new: list[Document] = []
        self._running = threading.Event()
        self._running.set()
        self._cancelled = False
        self._thread = threading.Thread(target=self._run, name="seedreader-scan", daemon=True)
        self.found = 0
        """How many documents were found so far."""
        self.result: ScanResult | None = None
        """What the whole scan found, once it is over (see `done`)."""

    @property
    def done(self) -> bool:
        return self.result is not None

    def start(self) -> Scanner:
        self._thread.start()
        return self

    def pause(self) -> None:
        """Hold the scan at its next document, until `resume`."""
        with self._changed:
            self._hold = None
            self._running.clear()

    def resume(self) -> None:
        """Let a held or paused scan go on (no hold is left for later)."""
        with self._changed:
            self._hold = None
            self._running.set()

    def cancel(self) -> None:
        """Stop the scan at its next document (the app is quitting); it ends as done."""
        self._cancelled = True
        self._running.set()

    def wait(self, count: int, timeout: float | None = None) -> bool:
        """Wait until `count` documents are found or the scan is over; False on timeout."""
        with self._changed:
            return self._changed.wait_for(
                lambda: self.found >= count or self.result is not None, timeout
            )

    def take(self) -> list[Document]:
        """The documents found since the last `take` (or `next_batch`), in the order found."""
        with self._changed:
            new, self._new = self._new, []
            return new

    def next_batch(self, timeout: float, gather: float = 0.0) -> tuple[list[Document], bool]:
        """The next documents found, and whether the scan is over (they are then the last).

        Waits up to `timeout` for a document, then up to `gather` more seconds for more to
        join it (fewer, bigger batches); the list is empty when none came in time.
        """
        with self._changed:
            self._changed.wait_for(lambda: self._new or self.result is not None, timeout)
            if self._new and gather > 0 and self.result is None:
                self._changed.wait_for(lambda: self.result is not None, gather)
            new, self._new = self._new, []
            return new, self.result is not None

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        walk = walk_paths(self._paths, self._follow)
        listed: list[Document] = []
        result: ScanResult | None = None
        try:
            while not self._cancelled:
                try:
                    document = next(walk)
                except StopIteration as over:
                    result = over.value
                    break
                listed.append(document)
                with self._changed:
                    self._new.append(document)
                    self.found += 1
                    if self._hold is not None and self.found >= self._hold:
                        self._hold = None
                        self._running.clear()
                    self._changed.notify_all()
                self._running.wait()
        except Exception as error:  # noqa: BLE001 - a bug or an odd file system: keep what was found
            detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            result = ScanResult(
                sorted(listed, key=lambda d: _path_key(d.path)),
                notices=[f"The scan stopped early ({detail}): the rest is not listed."],
            )
        finally:
            walk.close()
            with self._changed:
                if result is None:  # cancelled
                    result = ScanResult(sorted(listed, key=lambda d: _path_key(d.path)))
                self.result = result
                self._changed.notify_all()


class Library:
    """The open documents, in path order; a `Scanner` may still be adding to them."""

    def __init__(
        self,
        documents: Iterable[Document] = (),
        scanner: Scanner | None = None,
        skipped: Iterable[Skipped] = (),
        notices: Iterable[str] = (),
    ) -> None:
        self.documents = list(documents)
        """The same list for the library's whole life: what holds it sees it grow."""
        self.scanner = scanner
        """The scan still adding documents, until `finish`."""
        self.skipped = list(skipped)
        """What the scan passed over (the same list for the library's whole life)."""
        self.notices = list(notices)
        self._positions: dict[Path, int] | None = None

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __getitem__(self, index: int) -> Document:
        return self.documents[index]

    @property
    def is_complete(self) -> bool:
        """No scan is adding documents any more."""
        return self.scanner is None

    @property
    def positions(self) -> dict[Path, int]:
        """Each document's index, by path."""
        if self._positions is None:
            self._positions = {document.path: i for i, document in enumerate(self.documents)}
        return self._positions

    def position(self, path: Path) -> int | None:
        return self.positions.get(path)

    def add(self, documents: Iterable[Document]) -> int | None:
        """Put documents in their places by path (a scan's next batch).

        Returns the first index whose document is new or has moved (everything before it is
        where it was), or None when nothing was added. Documents already listed are ignored.
        """
        docs = self.documents
        positions = self.positions
        first: int | None = None
        last_key = _path_key(docs[-1].path) if docs else b""
        for document in documents:
            if document.path in positions:
                continue
            key = _path_key(document.path)
            if not docs or key > last_key:
                index = len(docs)
                docs.append(document)
                positions[document.path] = index
                last_key = key
            else:  # out of order (a link walked last, a later path): rare, so plain
                index = bisect_right([_path_key(d.path) for d in docs], key)
                docs.insert(index, document)
                for i in range(index, len(docs)):
                    positions[docs[i].path] = i
            first = index if first is None else min(first, index)
        return first

    def finish(self, result: ScanResult) -> None:
        """The scan is over: what it passed over and its notices join the library."""
        self.scanner = None
        self.skipped[:] = result.skipped
        self.notices.extend(result.notices)

    def replace(self, old: Document, new: Document) -> None:
        """Put `new` where `old` was (a reloaded file)."""
        self.documents[self.documents.index(old)] = new
