"""What a search returns: hits, how each query word matched, suggestions, the count."""

from __future__ import annotations

from dataclasses import dataclass

from seedreader.documents import Document


@dataclass(frozen=True)
class TermMatch:
    """How one query word (or phrase) was matched."""

    query: str
    """The word or phrase as typed."""
    matched: str
    """The text it matched, as written in the document."""
    edits: int
    """Typos corrected (0 for exact, prefix and phrase matches)."""
    kind: str
    """"exact", "prefix", "fuzzy" or "phrase"."""

    def __str__(self) -> str:
        if self.kind == "fuzzy":
            unit = "edit" if self.edits == 1 else "edits"
            return f"{self.query} → {self.matched}, {self.edits} {unit}"
        if self.kind == "prefix":
            return f"{self.query} → {self.matched}, prefix"
        if self.kind == "phrase":
            return f'"{self.matched}"'
        return self.matched


@dataclass(frozen=True)
class Hit:
    """One matching line."""

    document: Document
    line: int
    """0-based line number."""
    column: int
    """0-based column of the first matched term on the line."""
    spans: tuple[tuple[int, int], ...]
    """(start, end) columns of every matched term on the line, end exclusive, in order."""
    score: float
    """Higher is better; only the order matters."""
    terms: tuple[TermMatch, ...]
    """How each query term was matched, in query order."""
    text: str
    """The line (unsanitized)."""


@dataclass(frozen=True)
class Suggestion:
    """A word of the library close to a query word that has no exact match ("did you mean")."""

    query: str
    word: str
    count: int
    """Paragraphs holding the word."""


@dataclass(frozen=True)
class SearchResult:
    """Ranked hits (best first, at most `limit`), suggestions, and how many hits there are.

    When `complete`, `total` is exactly the number of hits the same search would return with
    no limit (`limit=0`) and `documents` the number of documents among them; otherwise the
    count stopped early (a very common query) and both are lower bounds.
    """

    hits: tuple[Hit, ...]
    suggestions: tuple[Suggestion, ...]
    total: int
    """Hits in all (every line that matches); a lower bound when `complete` is False."""
    complete: bool = True
    """False when a very common query was cut short: `total` and `documents` are lower bounds."""
    documents: int = 0
    """Documents holding a hit; a lower bound when `complete` is False."""
