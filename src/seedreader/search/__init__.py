"""Search: a typo-tolerant word index over documents (SQLite FTS5 + rapidfuzz), with no UI.

How it works, and why:
- Documents are read through `seedreader.documents` (`Document.text_blocks`: one decoder, one
  definition of a line) and cut into paragraphs (`paragraphs`: blocks between lines that hold
  no word; a block longer than `MAX_PARAGRAPH_LINES` is cut into windows of `WINDOW_LINES`,
  and no row holds more than `MAX_CHARS` characters: a longer line is indexed in pieces).
- Each paragraph is one row of an SQLite FTS5 table (`store`): its C tokenizer and inverted
  index do the per-word work, far faster than Python could, and the index lives in the cache
  dir, so a warm start only opens a file.
- The vocabulary (`vocabulary`: every distinct word with the number of paragraphs holding it)
  is kept in memory. Typo tolerance is rapidfuzz's OSA distance over that vocabulary, never over
  the text; the query's last word (`query`) also matches as a prefix.
- FTS5 finds the candidate paragraphs that hold every query word (in some accepted form);
  `ranking` then reads only those paragraphs to find lines, columns, phrases and proximity, and
  ranks. `SearchIndex` (`index`) ties it together.

Modules: `query` (parsing, normalizing), `vocabulary` (words, fuzzy lookup), `paragraphs`
(cutting), `store` (the SQLite files), `ranking` (matching and scoring), `results` (what a
search returns), `index` (`SearchIndex`).
"""

from __future__ import annotations

from seedreader.search.index import IndexCancelled, SearchIndex
from seedreader.search.paragraphs import (
    MAX_CHARS,
    MAX_PARAGRAPH_LINES,
    WINDOW_LINES,
    iter_paragraphs,
    iter_rows,
)
from seedreader.search.query import Slot, Term, max_edits, normalize, parse_query
from seedreader.search.ranking import SearchCancelled
from seedreader.search.results import Hit, SearchResult, Suggestion, TermMatch

__all__ = [
    "MAX_CHARS",
    "MAX_PARAGRAPH_LINES",
    "WINDOW_LINES",
    "Hit",
    "IndexCancelled",
    "SearchCancelled",
    "SearchIndex",
    "SearchResult",
    "Slot",
    "Suggestion",
    "Term",
    "TermMatch",
    "iter_paragraphs",
    "iter_rows",
    "max_edits",
    "normalize",
    "parse_query",
]
