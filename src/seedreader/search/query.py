"""Queries: words as the index cuts them, the form they are compared in, typos, parsing."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from seedreader._marks import MARKS

MAX_QUERY_WORDS = 16
"""Words of a query beyond this are ignored (a pasted page is not a query)."""
MAX_QUERY_CHARS = 1000
"""Characters of a query beyond this are ignored: what one search costs stays bounded."""
_CACHED_WORD = 64
"""Words longer than this are normalized each time rather than kept in `_NORMALIZED`."""
_CACHED_WORDS = 100_000
"""Words `_NORMALIZED` keeps at most (it is emptied when full)."""

WORD = re.compile(rf"[^\W_](?:[^\W_]|[{MARKS}])*")
"""A word: letters and digits with their combining marks, as SQLite's unicode61 cuts them."""

_NORMALIZED: dict[str, str] = {}


def normalize(word: str) -> str:
    """The form words are compared in: case-folded, accents stripped ("Café" -> "cafe")."""
    if word.isascii():
        return word.lower()
    cached = _NORMALIZED.get(word)
    if cached is None:
        decomposed = unicodedata.normalize("NFKD", word.casefold())
        cached = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        cached = unicodedata.normalize("NFC", cached)
        if len(word) <= _CACHED_WORD:  # a long word (a typed query) would fill it
            if len(_NORMALIZED) >= _CACHED_WORDS:
                _NORMALIZED.clear()
            _NORMALIZED[word] = cached
    return cached


def max_edits(word: str) -> int:
    """How many typos a word may carry and still match: 0 up to 3 letters, 1 up to 6, else 2."""
    n = len(word)
    return 0 if n <= 3 else 1 if n <= 6 else 2


def fts_quote(token: str) -> str:
    """A token as an FTS5 string (no operator inside it is read as one)."""
    return '"' + token.replace('"', '""') + '"'


class Slot(NamedTuple):
    """One word of a query term."""

    text: str
    norm: str
    prefix: bool = False
    """The word is still being typed: completions match too."""
    fixed: bool = False
    """Inside quotes: no typo tolerance."""


class Term(NamedTuple):
    """A query word, a hyphenated or apostrophed word (its parts, adjacent) or a quoted phrase."""

    text: str
    slots: tuple[Slot, ...]
    phrase: bool = False


_QUOTED = re.compile(r'"([^"]*)"?')


def parse_query(query: str, prefix: bool = True) -> list[Term]:
    """Split a query into terms.

    Args:
        query: words, "quoted phrases", hyphenated or apostrophed words; only its first
            `MAX_QUERY_CHARS` characters and `MAX_QUERY_WORDS` words count.
        prefix: let the last word match as a prefix unless the query ends with a space or quote.
    """
    query = query[:MAX_QUERY_CHARS]
    terms: list[Term] = []
    pos = 0
    pieces: list[tuple[str, bool]] = []
    for m in _QUOTED.finditer(query):
        pieces.extend((chunk, False) for chunk in query[pos : m.start()].split())
        pieces.append((m.group(1), True))
        pos = m.end()
    pieces.extend((chunk, False) for chunk in query[pos:].split())
    slots_left = MAX_QUERY_WORDS
    for chunk, quoted in pieces:
        words = WORD.findall(chunk)[:slots_left]
        if not words:
            continue
        slots_left -= len(words)
        slots = tuple(Slot(w, normalize(w), fixed=quoted) for w in words)
        text = " ".join(words) if quoted else chunk.strip(".,;:!?()[]{}<>'\"")
        terms.append(Term(text or chunk, slots, phrase=quoted))
    ends_open = bool(query) and not query[-1].isspace() and not query.endswith('"')
    if prefix and terms and ends_open and not terms[-1].phrase:
        last = terms[-1]
        slot = last.slots[-1]
        last_slots = (*last.slots[:-1], Slot(slot.text, slot.norm, prefix=True))
        terms[-1] = Term(last.text, last_slots)
    # A term given twice asks nothing more, and each costs a pass over every candidate.
    unique: dict[tuple[object, ...], Term] = {}
    for term in terms:
        unique.setdefault((term.phrase, *((s.norm, s.prefix, s.fixed) for s in term.slots)), term)
    return list(unique.values())
