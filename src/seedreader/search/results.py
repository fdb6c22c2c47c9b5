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


HIT_WINDOW = 200
"""Characters of a hit's line shown around its match, the "…" marks included (the CLI)."""


@dataclass(frozen=True)
class HitWindow:
    """A bounded piece of a hit's line around its first match: a line may be megabytes long."""

    text: str
    """The piece (unsanitized), at most the width asked for less one character per cut end."""
    start: int
    """0-based column in the line of the piece's first character."""
    spans: tuple[tuple[int, int], ...]
    """The matched terms inside the piece, relative to it, cut to it (end exclusive)."""
    line_length: int
    """Characters in the whole line."""

    @property
    def end(self) -> int:
        """Column in the line just after the piece."""
        return self.start + len(self.text)

    @property
    def cut_before(self) -> bool:
        """The line goes on before the piece (show "…")."""
        return self.start > 0

    @property
    def cut_after(self) -> bool:
        """The line goes on after the piece (show "…")."""
        return self.end < self.line_length


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
    """The line (unsanitized); show `window()` of it, not all of it: it may be megabytes.
    On a line too long to be indexed whole, the piece of it that holds the hit (`text_start`)."""
    text_start: int = 0
    """0-based column in the line of `text`'s first character (0 unless `text` is a piece)."""
    line_length: int = -1
    """Characters in the whole line when `text` is a piece of it (-1: `text` is the line)."""

    def window(self, width: int = HIT_WINDOW) -> HitWindow:
        """The line around its first match, in at most `width` characters (8 or more).

        A "…" per cut end counts in the width. The first match starts a quarter of the way in,
        so the words before it show too.
        """
        line = self.text
        offset = self.text_start  # the window is cut from `text`, in the line's columns
        length = self.line_length if self.line_length >= 0 else offset + len(line)
        width = max(width, 8)
        if length <= width:
            start, end = 0, length
        else:
            first = self.spans[0][0] if self.spans else self.column
            room = width - 1  # one end at least is cut: room for its "…"
            low, high = offset, offset + len(line)
            start = max(low, min(first - width // 4, high - room))
            if start > 0 and start + room < length:
                room -= 1  # both ends cut
            end = min(high, start + room)
        spans = tuple(
            (max(a, start) - start, min(b, end) - start)
            for a, b in self.spans
            if max(a, start) < min(b, end)
        )
        return HitWindow(line[start - offset : end - offset], start, spans, length)


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
