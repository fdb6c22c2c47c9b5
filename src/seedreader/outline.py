"""A document's outline: its headings, found by the conventions real plain-text files use.

Plain text has no markup, so headings are recognised by how they look: a line underlined with
`===`/`---`, a numbered section (`1.`, `4.2.1.`, `Chapter 3`, `CHAPTER III`), a short line in
capitals between blank lines, a line set apart by its indentation (outdented from an indented
body, or centred), Vim help's separators and `*tag*` headers, RFC sections (with their page
headers and footers left out), a glossary's `:headword:` entries, form-feed pages, and a
line-keyed reference such as the KJV's `Ge1:1`, grouped into books and chapters.

Each candidate gets a rank from its convention (a "Part" above a "Chapter" above `1.2`); the
levels come from nesting the ranks in document order, so a document that uses only `1.2`-style
numbers still starts at level 1. Conventions that would flood the outline (a list of names in
capitals, a heading on most lines) are dropped whole.

No Textual and no Rich here: the detector runs in a worker thread and is unit-tested alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from seedreader.documents import sanitize

__all__ = ["HeadingLike", "Section", "detect_outline", "markdown_outline", "section_index"]


@dataclass(frozen=True)
class Section:
    """One heading of a document."""

    line: int
    """0-based source line of the heading."""
    level: int
    """1 is the top."""
    title: str
    """Shown title: whitespace squeezed, sanitized, at most `TITLE_CHARS` characters."""


MAX_SECTIONS = 20_000
"""No outline is longer: past that, the deepest kind of heading is left out."""
CHECK_EVERY = 10_000
"""Lines between two looks at `cancelled`."""
TITLE_CHARS = 80
"""A longer title is cut (with "…"): the panel shows about 30 cells anyway."""
MAX_LEVEL = 6
HEADING_CHARS = 100
"""Longest line (stripped) that can be a heading; longer ones are text. Also keeps regexes off
100k-character lines."""
FLOOD_SHARE = 0.2
"""A convention giving headings for more than this share of the non-blank lines is noise."""
FLOOD_MIN = 20
"""... unless it gives so few that they cannot be noise."""
MARGIN_SAMPLE = 50_000
"""Lines (spread over the document) looked at to find the body's indentation."""
REPEATED = 4
"""A title seen this many times (in capitals, centred, outdented) is a running header."""


def _never() -> bool:
    return False


# --- ranks: which kind of heading sits above which ----------------------------------------------

_R_PART = 10
_R_CENTRED = 10
_R_CHAPTER = 20
_R_UNDERLINE = 24
"""Underline styles rank from here, in order of first use (as reStructuredText does)."""
_R_SECTION = 32
_R_NUMBER = 40
"""Numbered headings rank `_R_NUMBER + depth` (`1.` is 41, `1.2` is 42)."""
_R_CAPS = 50
_R_OUTDENT = 55
"""Outdented headings rank `_R_OUTDENT + indent`: column 0 above column 2."""
_R_ENTRY = 70
_R_PAGE = 10


class _Candidate(NamedTuple):
    """A line that looks like a heading (a tuple: a flooded document makes a million)."""

    line: int
    rank: int
    title: str
    """As found; `_nest` makes it a `Section.title`."""
    kind: str
    """The convention, for dropping a noisy one whole."""


def detect_outline(
    lines: Sequence[str], *, cancelled: Callable[[], bool] = _never
) -> list[Section]:
    """Headings of a plain-text document, by the conventions in the module docstring.

    Linear in the number of lines (2 million take a few seconds); `cancelled` is checked every
    `CHECK_EVERY` lines and makes it return []. A document without structure gives [].

    Args:
        lines: the document's lines, tabs expanded (as `documents.split_lines` gives them).
        cancelled: true once the result is no longer wanted.
    """
    if not lines:
        return []
    try:
        keyed = _keyed_outline(lines, cancelled)
        if keyed is not None:
            return keyed
        if _is_vim_help(lines):
            candidates = _vim_candidates(lines, cancelled)
        else:
            candidates = _text_candidates(lines, cancelled)
    except _Cancelled:
        return []
    return _nest(candidates)


def section_index(sections: Sequence[Section], line: int) -> int | None:
    """Index of the section `line` is in: the last one starting at or before it (None before
    the first heading)."""
    index = bisect_right(sections, line, key=lambda section: section.line) - 1
    return index if index >= 0 else None


class HeadingLike(Protocol):
    """What `markdown_outline` reads of a heading (`seedreader.markdown.Heading` has it)."""

    @property
    def line(self) -> int: ...
    @property
    def level(self) -> int: ...
    @property
    def title(self) -> str: ...


def markdown_outline(headings: Iterable[HeadingLike]) -> list[Section]:
    """The outline of a Markdown document from its parsed headings (`Rendered.headings`).

    Levels are nested as in plain text, so a document whose first heading is `##` starts at 1
    and `#` then `###` gives levels 1 and 2.
    """
    candidates = [
        _Candidate(heading.line, heading.level, heading.title, "markdown")
        for heading in headings
        if heading.title.strip()
    ]
    return _nest(candidates)


# --- shared helpers ------------------------------------------------------------------------------


class _Cancelled(Exception):
    """The caller no longer wants the outline."""


def _check(cancelled: Callable[[], bool], index: int) -> None:
    if index % CHECK_EVERY == 0 and cancelled():
        raise _Cancelled


def _title(text: str) -> str:
    """Whitespace squeezed, sanitized and cut to `TITLE_CHARS`."""
    flat = " ".join(text[: TITLE_CHARS * 4].split())
    if len(flat) > TITLE_CHARS:
        flat = flat[: TITLE_CHARS - 1].rstrip() + "…"
    return sanitize(flat)


def _nest(candidates: list[_Candidate]) -> list[Section]:
    """Levels from ranks: a heading is one deeper than the nearest open heading that outranks
    it."""
    candidates.sort(key=lambda candidate: candidate.line)
    sections: list[Section] = []
    open_ranks: list[int] = []
    last_line = -1
    for candidate in candidates:
        if candidate.line == last_line:  # one heading per line: the first convention wins
            continue
        last_line = candidate.line
        while open_ranks and open_ranks[-1] >= candidate.rank:
            open_ranks.pop()
        open_ranks.append(candidate.rank)
        level = min(len(open_ranks), MAX_LEVEL)
        sections.append(Section(candidate.line, level, _title(candidate.title)))
    return sections


def _key(title: str) -> str:
    return " ".join(title.split()).casefold()


def _thin(candidates: list[_Candidate], nonblank: int) -> list[_Candidate]:
    """Leave out running headers, conventions that flood, and the deepest headings past
    `MAX_SECTIONS`."""
    furniture = ("caps", "centred", "outdent")
    repeated = Counter(_key(c.title) for c in candidates if c.kind in furniture)
    candidates = [
        c for c in candidates if c.kind not in furniture or repeated[_key(c.title)] < REPEATED
    ]
    if nonblank:
        by_kind = Counter(c.kind for c in candidates)
        noisy = {
            kind
            for kind, count in by_kind.items()
            if count > FLOOD_MIN and count > FLOOD_SHARE * nonblank
        }
        candidates = [c for c in candidates if c.kind not in noisy]
    while len(candidates) > MAX_SECTIONS:
        deepest = max(c.rank for c in candidates)
        kept = [c for c in candidates if c.rank != deepest]
        if not kept:
            return candidates[:MAX_SECTIONS]
        candidates = kept
    return candidates


# --- line-keyed references (the KJV's "Ge1:1 In the beginning") ------------------------------

_KEYED = re.compile(r"([1-3]?[A-Za-z][A-Za-z]{0,15})\.? ?(\d{1,3}):(\d{1,3})(?:\s|$)")
_KEYED_SAMPLE = 400
"""Non-blank lines looked at to decide whether a document is line-keyed."""

_BOOKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Genesis", ("ge", "gen", "gn")),
    ("Exodus", ("exo", "ex", "exod")),
    ("Leviticus", ("lev", "le", "lv")),
    ("Numbers", ("num", "nu", "nm", "nb")),
    ("Deuteronomy", ("deu", "deut", "dt")),
    ("Joshua", ("josh", "jos", "jsh")),
    ("Judges", ("jdgs", "judg", "jdg", "jg")),
    ("Ruth", ("ruth", "ru", "rth")),
    ("1 Samuel", ("1sm", "1sa", "1sam")),
    ("2 Samuel", ("2sm", "2sa", "2sam")),
    ("1 Kings", ("1ki", "1kgs", "1kings")),
    ("2 Kings", ("2ki", "2kgs", "2kings")),
    ("1 Chronicles", ("1chr", "1ch", "1chron")),
    ("2 Chronicles", ("2chr", "2ch", "2chron")),
    ("Ezra", ("ezra", "ezr")),
    ("Nehemiah", ("neh", "ne")),
    ("Esther", ("est", "esth")),
    ("Job", ("job", "jb")),
    ("Psalms", ("psa", "ps", "psalm", "pss")),
    ("Proverbs", ("prv", "prov", "pro", "pr")),
    ("Ecclesiastes", ("eccl", "ecc", "eccles", "qoh")),
    ("Song of Solomon", ("ssol", "song", "sos", "sng")),
    ("Isaiah", ("isa", "is")),
    ("Jeremiah", ("jer", "je")),
    ("Lamentations", ("lam", "la")),
    ("Ezekiel", ("eze", "ezek", "ezk")),
    ("Daniel", ("dan", "da", "dn")),
    ("Hosea", ("hos", "ho")),
    ("Joel", ("joel", "jl")),
    ("Amos", ("amos", "am")),
    ("Obadiah", ("obad", "ob", "oba")),
    ("Jonah", ("jonah", "jon", "jnh")),
    ("Micah", ("mic", "mi")),
    ("Nahum", ("nahum", "nah", "na")),
    ("Habakkuk", ("hab", "hb")),
    ("Zephaniah", ("zep", "zeph", "zp")),
    ("Haggai", ("hag", "hg")),
    ("Zechariah", ("zec", "zech", "zc")),
    ("Malachi", ("mal", "ml")),
    ("Matthew", ("mat", "matt", "mt")),
    ("Mark", ("mark", "mrk", "mk", "mr")),
    ("Luke", ("luke", "luk", "lk")),
    ("John", ("john", "jhn", "jn")),
    ("Acts", ("acts", "act", "ac")),
    ("Romans", ("rom", "ro", "rm")),
    ("1 Corinthians", ("1cor", "1co")),
    ("2 Corinthians", ("2cor", "2co")),
    ("Galatians", ("gal", "ga")),
    ("Ephesians", ("eph", "ephes")),
    ("Philippians", ("phi", "phil", "php")),
    ("Colossians", ("col", "co")),
    ("1 Thessalonians", ("1th", "1thess", "1thes")),
    ("2 Thessalonians", ("2th", "2thess", "2thes")),
    ("1 Timothy", ("1tim", "1ti", "1tm")),
    ("2 Timothy", ("2tim", "2ti", "2tm")),
    ("Titus", ("titus", "tit", "ti")),
    ("Philemon", ("phmn", "phm", "philem", "phlm")),
    ("Hebrews", ("heb", "he")),
    ("James", ("jas", "jm", "jam")),
    ("1 Peter", ("1pet", "1pe", "1pt", "1p")),
    ("2 Peter", ("2pet", "2pe", "2pt", "2p")),
    ("1 John", ("1jn", "1jo", "1jhn", "1john")),
    ("2 John", ("2jn", "2jo", "2jhn", "2john")),
    ("3 John", ("3jn", "3jo", "3jhn", "3john")),
    ("Jude", ("jude", "jud", "jd")),
    ("Revelation", ("rev", "re", "rv", "revelation")),
)
_BOOK_NAMES: dict[str, str] = {
    alias: name for name, aliases in _BOOKS for alias in (*aliases, name.replace(" ", "").lower())
}


def _book_name(key: str) -> str:
    return _BOOK_NAMES.get(key.lower(), key)


def _keyed_outline(lines: Sequence[str], cancelled: Callable[[], bool]) -> list[Section] | None:
    """Books and chapters of a document that keys every line (`Ge1:1 ...`); None if it does
    not."""
    seen = matched = 0
    for index, line in enumerate(lines):
        if seen >= _KEYED_SAMPLE:
            break
        _check(cancelled, index + 1)
        if line.strip():
            seen += 1
            matched += _KEYED.match(line[:40]) is not None
    if matched < 5 or matched < 0.8 * seen:
        return None
    sections: list[Section] = []
    book: str | None = None
    chapter: str | None = None
    keyed = 0
    for index, line in enumerate(lines):
        _check(cancelled, index + 1)
        match = _KEYED.match(line[:40])
        if match is None:
            continue
        keyed += 1
        key, number = match.group(1), match.group(2)
        if key != book:
            book, chapter = key, None
            sections.append(Section(index, 1, _title(_book_name(key))))
        if number != chapter:
            chapter = number
            sections.append(Section(index, 2, _title(f"{_book_name(key)} {int(number)}")))
    if len(sections) > 0.5 * keyed:
        return None  # a reference on every line, but no grouping: not this convention
    if len(sections) > MAX_SECTIONS:
        sections = [section for section in sections if section.level == 1][:MAX_SECTIONS]
    return sections


# --- plain text ----------------------------------------------------------------------------------

_RULE_CHARS = frozenset("=-~^*#+_.:`'\"")
_KEYWORDS = {
    "part": _R_PART,
    "book": _R_PART,
    "volume": _R_PART,
    "act": _R_PART,
    "chapter": _R_CHAPTER,
    "appendix": _R_CHAPTER,
    "scene": _R_CHAPTER,
    "section": _R_SECTION,
}
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|fourth|fifth|"
    "sixth|seventh|eighth|ninth|tenth|last|final"
)
_KEYWORD = re.compile(
    r"(part|book|volume|act|chapter|appendix|scene|section)\s+"
    rf"(\d{{1,4}}(?:\.\d{{1,3}})*|[ivxlcdm]{{1,8}}|[a-z]|{_NUMBER_WORDS})\b"
    r"\.?(?:\s*[:.—–-]\s*|\s+|$)(.*)",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"((?:\d{1,3}|[A-Z])(?:\.\d{1,3})+\.?|\d{1,3}\.|\d{1,3}(?= {2}))\s+(\S.*)")
"""`1.`, `1.2`, `4.2.1.`, `A.1.` (appendix sections) or `1` followed by two spaces."""
_LEADERS = re.compile(r"(?:\.\s?){4,}\s*\d*\s*$|\s\d+\s*$")
"""A table of contents line: dot leaders, or a page number at the end."""
_GLOSSARY = re.compile(r" {0,8}:([^:\s][^:]{0,60}):(?:\s|$)")
_PAGE_FOOTER = re.compile(r"\[Page \d+\]\s*$")


_ALNUM = re.compile(r"[^\W_]")


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def _is_rule(text: str) -> bool:
    """A line of one repeated punctuation character (`=====`, `-----`), 3 or more."""
    return len(text) >= 3 and text[0] in _RULE_CHARS and text.count(text[0]) == len(text)


def _ends_like_prose(text: str) -> bool:
    return text[-1:] in (".", ",", ";") and not text.endswith("...")


def _margin(lines: Sequence[str]) -> int:
    """The body's indentation: the commonest one, when it is common (0 otherwise).

    A sample of about `MARGIN_SAMPLE` lines spread over the document is enough to tell.
    """
    indents: Counter[int] = Counter()
    step = max(1, len(lines) // MARGIN_SAMPLE)
    for index in range(0, len(lines), step):
        line = lines[index]
        stripped = line.lstrip(" ")
        if stripped and not stripped.isspace():
            indents[min(len(line) - len(stripped), 40)] += 1
    if not indents:
        return 0
    indent, count = indents.most_common(1)[0]
    return indent if count >= 0.4 * indents.total() else 0


def _text_candidates(lines: Sequence[str], cancelled: Callable[[], bool]) -> list[_Candidate]:
    margin = _margin(lines)
    candidates: list[_Candidate] = []
    glossary: list[_Candidate] = []
    furniture: set[int] = set()  # page headers and footers around form feeds
    pages: list[int] = []
    underline_ranks: dict[tuple[str, bool], int] = {}
    count = len(lines)
    nonblank = 0
    after_break = True  # the line before was blank or a rule (or there was none)
    for index, line in enumerate(lines):
        if index % CHECK_EVERY == 0 and cancelled():
            raise _Cancelled
        if "\f" in line:
            pages.append(index)
            furniture.update(_around_page_break(lines, index))
            after_break = True
            continue
        text = line.strip()
        if not text:
            after_break = True
            continue
        nonblank += 1
        if not after_break:
            after_break = len(text) >= 3 and _is_rule(text)
            continue
        after_break = False
        if len(text) > HEADING_CHARS:
            continue
        if _is_rule(text):
            after_break = True
            continue
        # A glossary entry (":headword: pronunciation, n.") is a heading even when long.
        if text[0] == ":":
            entry = _GLOSSARY.match(line)
            if entry:
                glossary.append(_Candidate(index, _R_ENTRY, entry.group(1), "entry"))
            continue
        if not _ALNUM.search(text):
            continue
        before = lines[index - 1].strip() if index else ""
        following = lines[index + 1].strip() if index + 1 < count else ""
        indent = len(line) - len(line.lstrip(" "))
        found = _heading(text, indent, margin, before, following, underline_ranks)
        if found is not None:
            rank, title, kind = found
            candidates.append(_Candidate(index, rank, title, kind))
    candidates = [c for c in candidates if c.line not in furniture]
    if len(glossary) >= FLOOD_MIN:
        candidates += glossary
    if not candidates and len(pages) >= 2:
        starts = [0, *pages] if pages[0] > 0 else pages
        candidates = [
            _Candidate(line, _R_PAGE, f"Page {number}", "page")
            for number, line in enumerate(starts, 1)
        ]
    return _thin(candidates, nonblank)


def _around_page_break(lines: Sequence[str], index: int) -> list[int]:
    """The form feed's line, the last text line before it (a footer) and the first after it (a
    header): these repeat on every page and are never headings."""
    near = [index]
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(lines) and abs(other - index) <= 4:
            if lines[other].strip():
                near.append(other)
                break
            other += step
    return near


def _heading(
    text: str,
    indent: int,
    margin: int,
    before: str,
    following: str,
    underline_ranks: dict[tuple[str, bool], int],
) -> tuple[int, str, str] | None:
    """(rank, title, convention) of a line after a blank line, if it is a heading."""
    if _PAGE_FOOTER.search(text):
        return None
    # Underlined (and perhaps overlined): "Title\n=====".
    if following and _is_rule(following) and 0.5 * len(text) <= len(following) <= len(text) + 8:
        style = (following[0], bool(before) and _is_rule(before) and before[0] == following[0])
        if style not in underline_ranks:
            underline_ranks[style] = _R_UNDERLINE + min(len(underline_ranks), 7)
        return underline_ranks[style], text, "underline"
    alone = not following
    keyword = _KEYWORD.match(text)
    if keyword and len(text) <= 80:
        rank = _KEYWORDS[keyword.group(1).lower()]
        rest = keyword.group(3).strip()
        if rest and (_ends_like_prose(rest) or rest[0].islower()) and not alone:
            return None  # "Chapter 3 of the book says, ..."
        title = text
        if not rest and following and len(following) <= 60 and not _ends_like_prose(following):
            title = f"{text} {following}"  # "CHAPTER I." then "Down the Rabbit-Hole"
        return rank, title, "keyword"
    if indent == 0:
        numbered = _NUMBERED.match(text)
        if numbered:
            return _numbered(numbered, text, following)
    if not alone:
        return None
    short = len(text) <= 70 and len(text.split()) <= 10
    if (
        short
        and text.upper() == text
        and (indent < margin if margin >= 2 else indent <= 3)
        and _letters(text) >= max(3, 0.5 * len(text.replace(" ", "")))
    ):
        return _R_CAPS, text, "caps"
    starts_well = text[0].isalnum() or text[0] in "\"'‘“"
    if not starts_well or not short or _ends_like_prose(text):
        return None
    if (
        indent >= 8
        and indent >= margin + 6
        and 60 <= 2 * indent + len(text) <= 90
        and len(text) <= 60
        and _letters(text) >= 0.6 * len(text.replace(" ", ""))
    ):
        return _R_CENTRED, text, "centred"
    if margin >= 2 and indent < margin and (text[0].isupper() or text[0].isdigit()):
        return _R_OUTDENT + indent, text, "outdent"
    return None


def _numbered(match: re.Match[str], text: str, following: str) -> tuple[int, str, str] | None:
    """A numbered section heading ("1.  Introduction", "4.2.1.  Foo"), not a list item or a
    table-of-contents line."""
    number, rest = match.group(1), match.group(2)
    if (
        len(text) > 80
        or len(rest.split()) > 12
        or not (rest[0].isupper() or rest[0].isdigit())
        or _ends_like_prose(rest)
        or _LEADERS.search(rest)
    ):
        return None
    # What follows a heading: a blank line, an underline or indented body text (RFC style).
    if following and not following[0].isspace() and following == following.lstrip():
        return None
    depth = number.rstrip(".").count(".") + 1
    return _R_NUMBER + depth, text, "numbered"


# --- Vim help ------------------------------------------------------------------------------------

_TAG = re.compile(r"(?<!\S)\*[^*\s|]+\*(?!\S)")
_VIM_FIRST = re.compile(r"\*[^*\s]+\*\s")
_VIM_NUMBER = re.compile(r"(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S")
_VIM_GAP = re.compile(r"\s{2,}|\s(?=(?:boolean|number|string)\s+\()")
"""Where an entry's name ends: a gap, or an option's type ("'bomb' boolean (default off)")."""
_VIM_LABEL = re.compile(r"\w:(?:\s|$)|\|[^|\s]+\|")
"""Prose, not an entry's name: "Default: 1", "Note:", a `|link|`."""
_VIM_MODELINE = re.compile(r"(?:^|\s)vim:")
_VIM_LINK = re.compile(r"\|[^|\s]+\|")
"""A `|link|`: in the "Next chapter: |usr_06.txt|" footer, never in a heading."""
_TAG_NUMBER = re.compile(r"\*(\d{1,2}(?:\.\d{1,2})+)\*(?!\S)")


def _is_vim_help(lines: Sequence[str]) -> bool:
    """Vim help starts with `*name.txt*` and ends with a modeline saying `ft=help`."""
    if _VIM_FIRST.match(lines[0][:200]):
        return True
    return any("vim:" in line and "ft=help" in line for line in lines[-3:])


def _untagged(line: str) -> str:
    """The line without its `*tags*`, except a leading numbered one (`*05.1*`), kept as text."""
    numbered = _TAG_NUMBER.match(line)
    prefix = numbered.group(1) + " " if numbered else ""
    text = _TAG.sub(" ", line[numbered.end() if numbered else 0 :])
    if "|" in text:
        text = _VIM_LINK.sub(" ", text)
    return prefix + text.strip().removesuffix(" ~")


def _vim_candidates(lines: Sequence[str], cancelled: Callable[[], bool]) -> list[_Candidate]:
    """Vim help: `===` separators open the numbered chapters; numbered sub-sections, tagged
    headings in capitals and `Title ~` headers fall within them; a line tagged at the right
    and starting at column 0 (an option, command or function) is an entry."""
    candidates: list[_Candidate] = []
    count = len(lines)
    after_separator: str | None = None  # "=" or "-" while looking for the heading it opens
    previous = ""
    nonblank = 0
    for index, line in enumerate(lines):
        _check(cancelled, index + 1)
        text = line.strip()
        before, previous = previous, text
        if not text:
            continue
        nonblank += 1
        if index == 0 or len(text) > 200:
            continue
        if len(text) >= 20 and text[0] in "=-" and _is_rule(text):
            after_separator = text[0]
            continue
        separator, after_separator = after_separator, None
        # Untagged: only a "Title ~" header or capitals after a blank line can head.
        if (
            separator is None
            and "*" not in text
            and (
                line[0] == " "
                or not (
                    text.endswith(" ~") or (not before and text.upper() == text != text.lower())
                )
            )
        ):
            continue
        if "vim:" in text and _VIM_MODELINE.search(text):
            continue
        tagged = "*" in text and _TAG.search(text) is not None
        title = _untagged(text)
        if tagged and not title:
            # Tags alone on their line name what the next line holds (an option, a heading).
            following = lines[index + 1].strip() if index + 1 < count else ""
            below = _untagged(following)
            if following.endswith(" ~") or _VIM_NUMBER.match(below) or _is_caps(below):
                previous = ""  # the heading below gives the title, as after a blank line
                after_separator = separator
                continue
            title = _vim_item(following)
            if separator is not None and title:
                candidates.append(_Candidate(index, 3 if separator == "-" else 1, title, "vim"))
            elif title and lines[index + 1][:1] not in ("", " "):
                candidates.append(_Candidate(index, 6, title, "vim-entry"))
            continue
        if separator == "=" and not _VIM_LINK.search(text):
            candidates.append(_Candidate(index, 1, title, "vim"))
            continue
        if separator == "-" and (tagged or _is_caps(title)) and len(title) <= 60:
            candidates.append(_Candidate(index, 3, title, "vim"))
            continue
        if line[0] == " " or len(title) > 80 or ("|" in text and _VIM_LINK.search(text)):
            continue  # indented text, or a table of contents line
        found = _vim_heading(title, text, tagged, before, lines, index)
        if found is not None and found[1]:
            candidates.append(_Candidate(index, *found))
    return _thin(candidates, nonblank)


def _is_caps(text: str, least: int = 2) -> bool:
    """In capitals, with at least `least` letters."""
    return sum(c.isalpha() for c in text) >= least and not any(c.islower() for c in text)


def _vim_item(line: str) -> str:
    """What an entry is called: its line up to the first gap (`'aleph' 'al'` of the option's
    line `'aleph' 'al'   number  (default 128)`)."""
    head = _VIM_GAP.split(_TAG.sub(" ", line).strip(), maxsplit=1)[0] if line else ""
    if (
        _VIM_LABEL.search(head)
        or len(head) > 50
        or len(head.split()) > 4
        or _ends_like_prose(head)
        or head.endswith((":", " >"))
    ):
        return ""  # a sentence: the tags name a paragraph, not an item
    return head if _ALNUM.search(head) else ""


def _vim_heading(
    title: str, text: str, tagged: bool, before: str, lines: Sequence[str], index: int
) -> tuple[int, str, str] | None:
    """(rank, title, convention) of a Vim help line at column 0, if it heads something."""
    tilde = text.endswith(" ~")
    if tilde:
        title = title.removesuffix("~").strip()
    number = _VIM_NUMBER.match(title)
    if number and (tagged or tilde) and title[number.end() - 1].isupper():
        # Below the chapters that `===` lines open (a numbered list of registers is not one).
        return 2 + number.group(1).count("."), title, "vim"
    caps = _is_caps(title, 1 if tagged else 2)
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    if caps and (tagged or (not before and not following)) and len(title.split()) <= 8:
        return 3, title, "vim-caps"
    if (
        tilde
        and title
        and (title[0].isalnum())
        and "   " not in title
        and len(title) <= 60
        and not before.endswith(" ~")
    ):
        return 4, title, "vim-tilde"
    if tagged and len(text) - len(text.lstrip()) == 0 and re.search(r"\S\s{2,}\*", text):
        return 6, _vim_item(text), "vim-entry"
    return None
