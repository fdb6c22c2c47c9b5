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
from collections.abc import Callable, Iterable, Iterator
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
    "Skipped",
    "count_skipped",
    "decode_bytes",
    "expand_tabs",
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


def _count_breaks(data: bytes) -> int:
    """How many line breaks (LF, CRLF, CR) are in `data`."""
    n = data.count(b"\n")
    if b"\r" in data:
        n += data.count(b"\r") - data.count(b"\r\n")
    return n


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


def _path_key(path: Path) -> bytes:
    """Sort key of a path: its bytes, so any name sorts the same way on every run."""
    return os.fsencode(path)


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


def scan_paths(paths: Iterable[str | os.PathLike[str]], follow: bool = False) -> ScanResult:
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
    """
    found: dict[Path, Document] = {}
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
            _walk(path, st, follow, found, file_keys, result, budget)
        elif not stat.S_ISREG(st.st_mode):
            result.skipped.append(Skipped(path, _kind_reason(st.st_mode)))
        elif path not in found:
            reason = _sniff(path)
            if reason is None:
                found[path] = Document(path, st.st_size)
                file_keys.add((st.st_dev, st.st_ino))
            else:
                result.skipped.append(Skipped(path, reason))
    result.documents = [found[p] for p in sorted(found, key=_path_key)]
    unique = {entry.path: entry for entry in result.skipped if entry.path not in found}
    result.skipped = [unique[p] for p in sorted(unique, key=_path_key)]
    return result


def _walk(
    root: Path,
    root_st: os.stat_result,
    follow: bool,
    found: dict[Path, Document],
    file_keys: set[tuple[int, int]],
    result: ScanResult,
    budget: list[int],
) -> None:
    """Add the documents under the folder `root` to `found`, and what was passed over.

    Real folders and files are walked first, symlinks after, so a document reached both ways is
    listed under its real path and a link is followed only to what the walk has not seen.
    `file_keys` holds the (device, inode) of the files listed; `budget` the entries still allowed.
    """
    real_root = os.path.realpath(root)
    walked: set[tuple[int, int]] = {(root_st.st_dev, root_st.st_ino)}
    folders: list[Path] = [root]
    folder_links: list[tuple[Path, os.stat_result]] = []
    file_links: list[tuple[Path, os.stat_result]] = []
    while (folders or folder_links) and budget[0] > 0:
        if not folders:
            link, st = folder_links.pop(0)
            key = (st.st_dev, st.st_ino)
            if key in walked:
                result.skipped.append(Skipped(link, _again_reason(link, real_root)))
                continue
            walked.add(key)
            folders.append(link)
        folder = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: os.fsencode(e.name), reverse=True)
        except OSError:
            result.skipped.append(Skipped(folder, UNREADABLE))
            continue
        if len(entries) > budget[0]:
            entries = entries[len(entries) - budget[0] :]
            _stop(result)
        budget[0] -= len(entries)
        subfolders: list[Path] = []
        for entry in reversed(entries):  # in name order
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    try:
                        st = os.stat(path)
                    except OSError as error:
                        result.skipped.append(Skipped(path, _stat_error_reason(path, error)))
                        continue
                    if stat.S_ISDIR(st.st_mode):
                        if follow:
                            folder_links.append((path, st))
                        else:
                            result.skipped.append(Skipped(path, FOLDER_LINK))
                    elif not stat.S_ISREG(st.st_mode):
                        result.skipped.append(Skipped(path, _kind_reason(st.st_mode)))
                    elif not follow and not _inside(os.path.realpath(path), real_root):
                        result.skipped.append(Skipped(path, OUTSIDE))
                    else:
                        file_links.append((path, st))
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                result.skipped.append(Skipped(path, UNREADABLE))
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in walked:  # inside a followed link (or a bind mount)
                    result.skipped.append(Skipped(path, _again_reason(path, real_root)))
                else:
                    walked.add(key)
                    subfolders.append(path)
            elif not stat.S_ISREG(st.st_mode):
                result.skipped.append(Skipped(path, _kind_reason(st.st_mode)))
            else:
                _add_file(path, st, found, file_keys, result)
        folders.extend(reversed(subfolders))  # popped in name order
    if folders or folder_links:
        _stop(result)
    for path, st in file_links:
        if (st.st_dev, st.st_ino) in file_keys:
            result.skipped.append(Skipped(path, SAME_FILE))
        else:
            _add_file(path, st, found, file_keys, result)


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
    found: dict[Path, Document],
    file_keys: set[tuple[int, int]],
    result: ScanResult,
) -> None:
    """List a regular file met in a folder walk when it is a text document, else say why not."""
    if path in found:
        return
    reason = NOT_TEXT if not _looks_like_text_file(path.name) else _sniff(path)
    if reason is not None:
        result.skipped.append(Skipped(path, reason))
        return
    found[path] = Document(path, st.st_size)
    file_keys.add((st.st_dev, st.st_ino))


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
