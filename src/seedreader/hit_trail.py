"""HitTrail: a query's hits in library order, and where the reader is among them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seedreader.search import Hit

Place = tuple[int, int]
"""(rank of the document in the library, 0-based line)."""


@dataclass(frozen=True)
class HitTrail:
    """Every hit of one query, in library order; `n`/`N` step through it.

    Stepping is pure: `step_from` returns a new trail positioned on the next (or previous)
    hit after a place, wrapping around the library.
    """

    query: str
    hits: tuple[Hit, ...]
    places: tuple[Place, ...]
    """Where each hit is, parallel to `hits` and sorted."""
    position: int = 0
    complete: bool = True
    """False when the engine stopped counting: `len(hits)` is then a lower bound."""

    @classmethod
    def collect(
        cls,
        query: str,
        hits: Iterable[Hit],
        order: Mapping[Path, int],
        chosen: Hit | None = None,
        complete: bool = True,
    ) -> HitTrail:
        """A trail of `hits` sorted by `order` (a document's rank), positioned on `chosen`.

        A chosen hit missing from `hits` (a newer index, a cut-short count) is added, so the
        trail always holds the hit the reader jumped to.
        """
        last = len(order)

        def place(hit: Hit) -> tuple[int, int, int]:
            return (order.get(hit.document.path, last), hit.line, hit.column)

        unique = {(hit.document.path, hit.line): hit for hit in hits}
        if chosen is not None:
            unique.setdefault((chosen.document.path, chosen.line), chosen)
        ranked = sorted(unique.values(), key=place)
        position = 0
        if chosen is not None:
            position = next(
                i
                for i, hit in enumerate(ranked)
                if hit.document.path == chosen.document.path and hit.line == chosen.line
            )
        places = tuple(place(hit)[:2] for hit in ranked)
        return cls(query, tuple(ranked), places, position, complete)

    @property
    def current(self) -> Hit | None:
        return self.hits[self.position] if self.hits else None

    def step_from(self, here: Place, delta: int) -> HitTrail:
        """The trail positioned on the first hit after `here` (delta > 0) or before it.

        Past the last hit it wraps to the first, and before the first to the last.
        """
        if not self.hits:
            return self
        if delta > 0:
            position = next((i for i, p in enumerate(self.places) if p > here), 0)
        else:
            position = next(
                (i for i in range(len(self.places) - 1, -1, -1) if self.places[i] < here),
                len(self.places) - 1,
            )
        return replace(self, position=position)

    def spans_in(self, path: Path) -> dict[int, list[tuple[int, int]]]:
        """Match spans of the hits in one document, by line."""
        spans: dict[int, list[tuple[int, int]]] = {}
        for hit in self.hits:
            if hit.document.path == path:
                spans.setdefault(hit.line, []).extend(hit.spans)
        return spans

    @property
    def label(self) -> str:
        """`hit 3/17` for the status bar (`17+` when the count is a lower bound)."""
        total = f"{len(self.hits):,}" + ("" if self.complete else "+")
        return f"hit {self.position + 1:,}/{total}"
