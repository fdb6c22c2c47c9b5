"""The vocabulary: every indexed word with its paragraph count, and typo-tolerant lookups in it.

Typo tolerance is rapidfuzz's OSA distance (transpositions count as one edit) over the words of
the vocabulary, never over the text; the word being typed also matches its completions.
"""

from __future__ import annotations

import heapq
import json
from array import array
from bisect import bisect_left
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from seedreader.search.query import Slot, Term, max_edits, normalize
from seedreader.search.results import Suggestion

PREFIX_COMPLETIONS = 40
"""At most this many completions (the most frequent) for the word being typed."""
FUZZY_VARIANTS = 40
"""At most this many spellings tried for one misspelled word."""
COST_PREFIX = 0.25
"""Rank cost of a completion of the word being typed (an exact word costs 0, an edit 1)."""
NEAR_CACHED = 256
"""Lookups of near spellings `Vocabulary.near` keeps at most (typing asks for each prefix
once, then moves on)..."""
NEAR_CACHED_WORDS = 50_000
"""... and words found in all: the cache is emptied when either is reached."""


class Variant(NamedTuple):
    """A vocabulary word accepted for a query slot."""

    norm: str
    kind: str
    edits: int
    cost: float
    paragraphs: int
    """Paragraphs holding the word."""


class Vocabulary:
    """Every indexed word, normalized, with the number of paragraphs holding it."""

    def __init__(
        self,
        words: list[str],
        counts: array[int],
        spellings: dict[str, list[str]],
        order: array[int] | None = None,
    ) -> None:
        self.words = words
        """Normalized words, sorted."""
        self.counts = counts
        self.spellings = spellings
        """The index's own tokens for a normalized word, where they differ from it."""
        if order is None:
            order = array("I", sorted(range(len(words)), key=lambda i: len(words[i])))
        self.order = order
        self.by_length = list(map(words.__getitem__, order))
        """The words by length, for fuzzy lookups among words of about the query's length."""
        lengths = list(map(len, self.by_length))
        longest = lengths[-1] if lengths else 0
        self.length_start = array("I", [bisect_left(lengths, n) for n in range(longest + 2)])
        """by_length[length_start[n]:] are the words of n letters or more."""
        self._near: dict[tuple[str, int], list[tuple[str, int]]] = {}
        self._near_words = 0
        """Words held in `_near`, its keys included."""

    @classmethod
    def empty(cls) -> Vocabulary:
        return cls([], array("I"), {})

    @classmethod
    def from_rows(cls, rows: list[tuple[str, int]]) -> Vocabulary:
        """From (token, paragraphs) rows of the FTS vocabulary, sorted by token."""
        counts = dict(rows)  # ASCII tokens are normalized already (unicode61 folds ASCII)
        spellings: dict[str, list[str]] = {}
        for token in [t for t in counts if not t.isascii()]:
            norm = normalize(token)
            if norm != token:
                count = counts.pop(token)
                counts[norm] = counts.get(norm, 0) + count
                spellings.setdefault(norm, []).append(token)
        for norm, found in spellings.items():
            i = bisect_left(rows, (norm,))
            if i < len(rows) and rows[i][0] == norm:
                found.insert(0, norm)  # the norm is a token of its own too
        words = sorted(counts) if spellings else list(counts)
        return cls(words, array("I", map(counts.__getitem__, words)), spellings)

    def dump(self) -> dict[str, bytes | str]:
        """The vocabulary as values to store (see `load`)."""
        return {
            "words": "\n".join(self.words).encode(),
            "counts": self.counts.tobytes(),
            "spellings": json.dumps(self.spellings),
            "order": self.order.tobytes(),
        }

    @classmethod
    def load(cls, meta: dict[str, bytes]) -> Vocabulary:
        """The vocabulary from the values `dump` gave."""
        counts, order = array("I"), array("I")
        counts.frombytes(meta["counts"])
        order.frombytes(meta["order"])
        words = meta["words"].decode().split("\n") if meta["words"] else []
        return cls(words, counts, json.loads(meta["spellings"]), order)

    def count(self, norm: str) -> int:
        i = bisect_left(self.words, norm)
        return self.counts[i] if i < len(self.words) and self.words[i] == norm else 0

    def tokens(self, norm: str) -> list[str]:
        """The FTS tokens to ask for a normalized word."""
        return self.spellings.get(norm, [norm])

    def near(self, norm: str, distance: int) -> list[tuple[str, int]]:
        """Words within `distance` edits (OSA), with their distance (a new list)."""
        key = (norm, distance)
        found = self._near.get(key)
        if found is None:
            found = self._near_uncached(norm, distance)
            size = len(found) + 1
            if len(self._near) >= NEAR_CACHED or self._near_words + size > NEAR_CACHED_WORDS:
                self._near.clear()
                self._near_words = 0
            if size <= NEAR_CACHED_WORDS:
                self._near[key] = found
                self._near_words += size
        return list(found)

    @property
    def cached(self) -> tuple[int, int]:
        """(lookups, words) held in the cache of near spellings."""
        return len(self._near), self._near_words

    def _near_uncached(self, norm: str, distance: int) -> list[tuple[str, int]]:
        if distance <= 0 or len(norm) - distance >= len(self.length_start):
            return []
        lo = self.length_start[max(len(norm) - distance, 0)]
        top = min(len(norm) + distance + 1, len(self.length_start) - 1)
        hi = self.length_start[top] if top < len(self.length_start) else len(self.by_length)
        found = process.extract(
            norm,
            self.by_length[lo:hi],
            scorer=OSA.distance,
            score_cutoff=distance,
            limit=None,
        )
        return [(word, int(d)) for word, d, _ in found if word != norm]

    def completions(self, norm: str, limit: int) -> list[str]:
        """The most frequent words starting with `norm` (itself excluded)."""
        lo = bisect_left(self.words, norm)
        hi = bisect_left(self.words, norm + "\U0010ffff", lo)
        indexes = [i for i in range(lo, hi) if self.words[i] != norm]
        if len(indexes) > limit:
            indexes = heapq.nlargest(limit, indexes, key=self.counts.__getitem__)
        return [self.words[i] for i in indexes]

    def variants(self, slot: Slot, exact: bool) -> list[Variant]:
        """The words accepted for a query slot: itself, completions, then near spellings."""
        found: list[Variant] = []
        own = self.count(slot.norm)
        if own:
            found.append(Variant(slot.norm, "exact", 0, 0.0, own))
        if slot.prefix and not exact and not slot.fixed:
            # A letter or two has thousands of completions: only the most frequent few.
            wanted = min(PREFIX_COMPLETIONS, 5 * len(slot.norm) ** 2)
            for word in self.completions(slot.norm, wanted):
                found.append(Variant(word, "prefix", 0, COST_PREFIX, self.count(word)))
        if exact or slot.fixed:
            return found
        allowed = max_edits(slot.norm)
        if allowed == 0:
            return found
        near = self.near(slot.norm, allowed)
        if own:
            # The word exists: a typo of it only when the other word is far more common
            # (a rare misspelling in the text itself), and never for short words.
            if len(slot.norm) < 6:
                return found
            near = [(w, d) for w, d in near if self.count(w) >= 20 * own]
        near.sort(key=lambda wd: (wd[1], -self.count(wd[0])))
        seen = {v.norm for v in found}
        for word, distance in near[:FUZZY_VARIANTS]:
            if word not in seen:
                found.append(Variant(word, "fuzzy", distance, float(distance), self.count(word)))
        return found

    def suggestions(self, terms: list[Term]) -> list[Suggestion]:
        """Words close to the query words that the library does not hold ("did you mean")."""
        out: list[Suggestion] = []
        for term in terms:
            for slot in term.slots:
                if self.count(slot.norm) or len(slot.norm) < 2:
                    continue
                if slot.prefix and self.completions(slot.norm, 1):
                    continue
                near = self.near(slot.norm, max(max_edits(slot.norm), 1))
                if not near and len(slot.norm) >= 5:
                    near = self.near(slot.norm, max_edits(slot.norm) + 1)
                near.sort(key=lambda wd: (wd[1], -self.count(wd[0])))
                out.extend(Suggestion(slot.text, w, self.count(w)) for w, _ in near[:3])
        return out
