"""Ranking: which lines of a candidate paragraph match, where, and how well.

FTS5 finds the candidate paragraphs that hold every query word (in some accepted form); this
module reads only those paragraphs to find lines, columns, phrases and proximity, and scores each
matching line. It also counts the hits of paragraphs it does not rank, by the same rules.
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from seedreader.documents import Document
from seedreader.search.query import WORD, Term, normalize
from seedreader.search.results import Hit, TermMatch
from seedreader.search.vocabulary import Variant

# Plain classes with slots rather than dataclasses: created in bulk while ranking, and a
# dataclass costs a millisecond of start-up each, which the shell command feels.

SortKey = tuple[float, int, int]
"""(-score, the document's place in the library, line): ascending is best first."""
Lookup = dict[str, list[tuple[int, int, Variant]]]
"""Accepted word -> (term, slot, variant) of each query slot it matches."""


class SearchCancelled(Exception):
    """Ranking stopped because `Ranker.cancelled()` returned True."""


class DocInfo:
    """An indexed document: its id in the index, paragraph first lines, place in the library.

    The first lines and pieces may be given as the index stores them (bytes): they are read
    when a search first needs them, so opening the index of 10,000 files costs no more than
    reading its rows.
    """

    __slots__ = ("_first_lines", "_pieces", "document", "id", "position")

    def __init__(
        self,
        id_: int,
        document: Document,
        first_lines: array[int] | bytes,
        position: int,
        pieces: array[int] | bytes = b"",
    ) -> None:
        self.id = id_
        self.document = document
        self.position = position
        self._first_lines = first_lines
        self._pieces: array[int] | bytes | dict[int, tuple[int, int]] = pieces

    @property
    def first_lines(self) -> array[int]:
        """The first line of each paragraph (by its number in the document)."""
        lines = self._first_lines
        if isinstance(lines, bytes):
            lines = array("I")
            lines.frombytes(self._first_lines)
            self._first_lines = lines
        return lines

    @property
    def pieces(self) -> dict[int, tuple[int, int]]:
        """Paragraph number -> (column, line length) of each piece of a line too long to be
        one row (`paragraphs.iter_rows`)."""
        pieces = self._pieces
        if isinstance(pieces, dict):
            return pieces
        if isinstance(pieces, bytes):
            triples = array("Q")
            triples.frombytes(pieces)
        else:
            triples = pieces
        cut = {triples[i]: (triples[i + 1], triples[i + 2]) for i in range(0, len(triples) - 2, 3)}
        self._pieces = cut
        return cut


class Occurrence:
    """A word of a paragraph that matches a query slot."""

    __slots__ = ("column", "end", "line", "raw", "start", "variant")

    def __init__(self, start: int, end: int, raw: str, variant: Variant) -> None:
        self.start = start  # offset in the paragraph's text
        self.end = end
        self.raw = raw
        self.variant = variant
        self.line = 0  # line within the paragraph and column: set once the paragraph matches
        self.column = 0


class Found:
    """The matches of one term in one paragraph (each a run of adjacent words)."""

    __slots__ = ("matches", "term")

    def __init__(self, term: int) -> None:
        self.term = term
        self.matches: list[list[Occurrence]] = []


class Ranker:
    """Ranks and counts the hits of one query in candidate paragraphs.

    Every paragraph seen (ranked or only counted) adds to `counts`, so the hits counted are
    exactly the hits a search without a limit would rank.
    """

    def __init__(
        self,
        terms: list[Term],
        variants: list[list[list[Variant]]],
        paragraphs: int,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self.terms = terms
        self.cancelled = cancelled
        """Polled between paragraphs: when it returns True, `SearchCancelled` is raised."""
        lookup: Lookup = {}
        for t, term_variants in enumerate(variants):
            for s, slot_variants in enumerate(term_variants):
                for v in slot_variants:
                    lookup.setdefault(v.norm, []).append((t, s, v))
        self.lookup = lookup
        self.pattern = variant_pattern(lookup)
        # Rarer terms weigh more: a line holding the rare word beats one holding the common one.
        self.totals = [
            max(sum(v.paragraphs for v in term_variants[0]), 1) for term_variants in variants
        ]
        self.weights = [math.log(1 + paragraphs / total) for total in self.totals]
        self.counts: dict[int, int] = {}
        """Hits of each paragraph looked at (row id -> lines that match; 0 for none)."""

    @property
    def total(self) -> int:
        """Hits in the paragraphs looked at."""
        return sum(self.counts.values())

    @property
    def documents(self) -> int:
        """Documents with a hit in the paragraphs looked at."""
        return len({rowid >> 32 for rowid, n in self.counts.items() if n})

    def rank(
        self, rows: list[tuple[int, str]], docs: dict[int, DocInfo]
    ) -> list[tuple[SortKey, Callable[[], Hit]]]:
        """One (sort key, maker of the Hit) per matching line of the paragraphs `rows`."""
        out: list[tuple[SortKey, Callable[[], Hit]]] = []
        for rowid, body, info, first_line, found in self._matching(rows, docs):
            lines = body.split("\n")
            piece = info.pieces.get(rowid & 0xFFFFFFFF)
            made = list(
                line_hits(
                    self.terms, found, lines, first_line, info, self.weights, self.totals, piece
                )
            )
            self.counts[rowid] = len(made)
            out.extend(made)
        return out

    def count(self, rows: list[tuple[int, str]], docs: dict[int, DocInfo]) -> None:
        """Count the hits of paragraphs not ranked (into `counts`), as `rank` would find them."""
        for rowid, _, _, _, found in self._matching(rows, docs):
            self.counts[rowid] = len({m[0].line for f in found for m in f.matches})

    def _matching(
        self, rows: list[tuple[int, str]], docs: dict[int, DocInfo]
    ) -> Iterator[tuple[int, str, DocInfo, int, list[Found]]]:
        for n, (rowid, body) in enumerate(rows):
            if self.cancelled is not None and not n % 16 and self.cancelled():
                raise SearchCancelled()
            if rowid in self.counts:
                continue
            self.counts[rowid] = 0
            info = docs.get(rowid >> 32)
            if info is None:
                continue
            k = rowid & 0xFFFFFFFF
            if k >= len(info.first_lines):
                continue
            found = match_paragraph(self.terms, body, self.lookup, self.pattern)
            if found is not None:
                yield rowid, body, info, info.first_lines[k], found


def variant_pattern(lookup: Lookup) -> re.Pattern[str] | None:
    """One regex finding every accepted ASCII word in lower-cased ASCII text.

    It skips the other words of ASCII paragraphs far faster than cutting every word would. The
    words are spelt as a trie ("au(?:g(?:ust)?|thor)"), so the regex engine tries one branch per
    letter rather than every word at every place. It has no look-behind, which would cost a test
    at every character: whether a word starts where a match starts is checked after.
    """
    words = [w for w in lookup if w and w.isascii()]
    if not words:
        return None
    return re.compile(_trie(words) + r"(?![^\W_])")


def _trie(words: list[str]) -> str:
    """A regex matching exactly `words`, spelt as a trie of their letters."""
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def spell(node: dict[str, dict[str, Any]]) -> str:
        branches = [re.escape(ch) + spell(rest) for ch, rest in sorted(node.items()) if ch]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if "" in node else group

    return spell(root)


def match_paragraph(
    terms: list[Term], body: str, lookup: Lookup, pattern: re.Pattern[str] | None
) -> list[Found] | None:
    """Every match of every term in a paragraph, or None when a term is missing."""
    slot_hits: list[list[list[Occurrence]]] = [[[] for _ in term.slots] for term in terms]
    if pattern is not None and body.isascii():
        low = body.lower()  # the normalized form of ASCII words, at the same offsets
        for m in pattern.finditer(low):
            start, end = m.span()
            if start and low[start - 1].isalnum():
                continue  # inside a word: [^\W_] is exactly what isalnum() accepts
            targets = lookup.get(m.group())
            if targets is not None:
                raw = body[start:end]
                for t, s, variant in targets:
                    slot_hits[t][s].append(Occurrence(start, end, raw, variant))
    else:
        for m in WORD.finditer(body):
            raw = m.group()
            targets = lookup.get(normalize(raw))
            if targets is not None:
                for t, s, variant in targets:
                    slot_hits[t][s].append(Occurrence(m.start(), m.end(), raw, variant))
    result: list[Found] = []
    for t, term in enumerate(terms):
        found = Found(t)
        if len(term.slots) == 1:
            found.matches = [[o] for o in slot_hits[t][0]]
        else:
            following = [{o.start: o for o in hits} for hits in slot_hits[t]]
            for o in slot_hits[t][0]:
                chain = [o]
                for s in range(1, len(term.slots)):
                    word = WORD.search(body, chain[-1].end)
                    nxt = following[s].get(word.start()) if word is not None else None
                    if nxt is None:
                        break
                    chain.append(nxt)
                else:
                    found.matches.append(chain)
        if not found.matches:
            return None
        result.append(found)
    starts = [0]
    for line in body.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    for found in result:
        for match in found.matches:
            for o in match:
                o.line = bisect_right(starts, o.start) - 1
                o.column = o.start - starts[o.line]
    return result


def match_cost(match: list[Occurrence]) -> float:
    """Typos and completions in a match (0 when every word is exact)."""
    return sum(o.variant.cost for o in match)


def term_match(term: Term, match: list[Occurrence], lines: list[str]) -> TermMatch:
    """How a term was matched, for the user."""
    first, last = match[0], match[-1]
    if first.line == last.line:
        matched = lines[first.line][first.column : last.column + last.end - last.start]
    else:
        matched = " ".join(o.raw for o in match)
    edits = sum(o.variant.edits for o in match)
    if term.phrase:
        kind = "phrase"
    elif edits:
        kind = "fuzzy"
    elif any(o.variant.kind == "prefix" for o in match):
        kind = "prefix"
    else:
        kind = "exact"
    return TermMatch(term.text, matched, edits, kind)


def line_hits(
    terms: list[Term],
    found: list[Found],
    lines: list[str],
    first_line: int,
    info: DocInfo,
    weights: list[float],
    totals: list[int],
    piece: tuple[int, int] | None = None,
) -> Iterator[tuple[SortKey, Callable[[], Hit]]]:
    """One hit per line of the paragraph holding a match, as (sort key, maker of the Hit).

    A piece of a long line (`piece`: its column in the line and the line's length) is one hit.

    Score, most important first: typos and completions (cost), the weight of the terms on the
    line (more terms, rarer terms), how close they stand, how common the matched spelling is.
    A term missing from the line counts with its best form elsewhere in the paragraph.
    """
    n_terms = len(terms)
    weight_sum = sum(weights) or 1.0
    best: list[tuple[float, list[Occurrence]]] = []
    by_line: dict[int, dict[int, tuple[float, list[Occurrence]]]] = {}
    all_on_line: dict[int, list[tuple[int, list[Occurrence]]]] = {}
    for f in found:
        costed = [(match_cost(m), m) for m in f.matches]
        best.append(min(costed, key=lambda cm: cm[0]))
        for cost, match in costed:
            line_no = match[0].line
            mine = by_line.setdefault(line_no, {})
            if f.term not in mine or cost < mine[f.term][0]:
                mine[f.term] = (cost, match)
            all_on_line.setdefault(line_no, []).append((f.term, match))
    for line_no, mine in by_line.items():
        cost = sum(mine[t][0] if t in mine else best[t][0] for t in range(n_terms))
        share = sum(weights[t] for t in mine) / weight_sum
        proximity = 1.0 if n_terms == 1 else _proximity(all_on_line[line_no], len(mine))
        popularity = (
            sum(min(m[0].variant.paragraphs / totals[t], 1.0) for t, (_, m) in mine.items())
            / n_terms
        )
        score = round(10_000 - 1_000 * cost + 100 * share + 10 * proximity + popularity, 4)
        chosen = [mine[t][1] if t in mine else best[t][1] for t in range(n_terms)]
        maker = partial(
            _make_hit,
            terms,
            chosen,
            all_on_line[line_no],
            lines,
            line_no,
            first_line,
            info,
            score,
            piece,
        )
        yield (-score, info.position, first_line + line_no), maker


def _make_hit(
    terms: list[Term],
    chosen: list[list[Occurrence]],
    on_line: list[tuple[int, list[Occurrence]]],
    lines: list[str],
    line_no: int,
    first_line: int,
    info: DocInfo,
    score: float,
    piece: tuple[int, int] | None,
) -> Hit:
    spans = sorted({span for _, m in on_line for span in _spans(m, line_no)})
    offset, length = piece if piece is not None else (0, -1)
    if offset:
        spans = [(a + offset, b + offset) for a, b in spans]
    return Hit(
        document=info.document,
        line=first_line + line_no,
        column=spans[0][0],
        spans=tuple(_merge(spans)),
        score=score,
        terms=tuple(term_match(term, chosen[t], lines) for t, term in enumerate(terms)),
        text=lines[line_no],
        text_start=offset,
        line_length=length,
    )


def _spans(match: list[Occurrence], line_no: int) -> list[tuple[int, int]]:
    """A phrase or hyphenated word is one span ("Libya's", "air strikes") when on one line."""
    first, last = match[0], match[-1]
    if first.line == last.line == line_no:
        return [(first.column, last.column + last.end - last.start)]
    return [(o.column, o.column + o.end - o.start) for o in match if o.line == line_no]


def _proximity(on_line: list[tuple[int, list[Occurrence]]], wanted: int) -> float:
    """1 when the terms on the line stand next to each other, less the more words between."""
    if wanted < 2:
        return 0.0
    points = sorted((m[0].start, m[-1].end, t) for t, m in on_line)
    best = math.inf
    counts: dict[int, int] = {}
    left = 0
    for _, end, t in points:
        counts[t] = counts.get(t, 0) + 1
        while len(counts) == wanted:
            start, _, lt = points[left]
            best = min(best, end - start)
            counts[lt] -= 1
            if not counts[lt]:
                del counts[lt]
            left += 1
    lengths: dict[int, int] = {}
    for start, end, t in points:
        lengths[t] = min(lengths.get(t, end - start), end - start)
    gap = max(int(best) - sum(lengths.values()), 0)
    return 1.0 / (1.0 + gap / 6)  # about one word per 6 characters


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
