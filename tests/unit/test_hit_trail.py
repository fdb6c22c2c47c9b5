"""HitTrail: n/N as a pure step through a query's hits in library order."""

from __future__ import annotations

from pathlib import Path

import pytest

from seedreader.documents import Document
from seedreader.hit_trail import HitTrail
from seedreader.search import Hit

A, B, C = (Document(Path(f"/lib/{name}.txt")) for name in "abc")
ORDER = {A.path: 0, B.path: 1, C.path: 2}


def hit(document: Document, line: int, column: int = 0) -> Hit:
    return Hit(document, line, column, ((column, column + 3),), 1.0, (), "the text")


def places(trail: HitTrail) -> list[tuple[str, int]]:
    return [(h.document.name, h.line) for h in trail.hits]


def test_hits_are_kept_in_library_order_and_positioned_on_the_chosen_one() -> None:
    hits = [hit(C, 1), hit(A, 9), hit(B, 4), hit(A, 2)]
    trail = HitTrail.collect("q", hits, ORDER, chosen=hit(B, 4))
    assert places(trail) == [("a.txt", 2), ("a.txt", 9), ("b.txt", 4), ("c.txt", 1)]
    assert trail.current is not None and trail.current.line == 4 and trail.position == 2
    assert trail.label == "hit 3/4"


def test_a_chosen_hit_missing_from_the_list_is_added() -> None:
    trail = HitTrail.collect("q", [hit(A, 1)], ORDER, chosen=hit(C, 7))
    assert places(trail) == [("a.txt", 1), ("c.txt", 7)]
    assert trail.position == 1


def test_one_hit_per_line() -> None:
    trail = HitTrail.collect("q", [hit(A, 1, 0), hit(A, 1, 5)], ORDER)
    assert len(trail.hits) == 1


@pytest.mark.parametrize(
    ("here", "delta", "expected"),
    [
        ((0, 0), 1, ("a.txt", 2)),  # before the first hit
        ((0, 2), 1, ("a.txt", 9)),  # on a hit: the next one
        ((0, 5), 1, ("a.txt", 9)),  # between two hits
        ((0, 9), 1, ("b.txt", 4)),  # on into the next document
        ((2, 1), 1, ("a.txt", 2)),  # past the last: wraps to the first
        ((1, 4), -1, ("a.txt", 9)),  # back into the previous document
        ((0, 2), -1, ("c.txt", 1)),  # before the first: wraps to the last
        ((1, 0), -1, ("a.txt", 9)),
    ],
)
def test_step_from_a_place(here: tuple[int, int], delta: int, expected: tuple[str, int]) -> None:
    hits = [hit(C, 1), hit(A, 9), hit(B, 4), hit(A, 2)]
    trail = HitTrail.collect("q", hits, ORDER).step_from(here, delta)
    assert trail.current is not None
    assert (trail.current.document.name, trail.current.line) == expected


def test_stepping_is_pure() -> None:
    trail = HitTrail.collect("q", [hit(A, 1), hit(A, 5)], ORDER)
    stepped = trail.step_from((0, 1), 1)
    assert trail.position == 0 and stepped.position == 1


def test_spans_by_line_of_one_document() -> None:
    trail = HitTrail.collect("q", [hit(A, 1, 4), hit(B, 1, 0), hit(A, 3, 2)], ORDER)
    assert trail.spans_in(A.path) == {1: [(4, 7)], 3: [(2, 5)]}
    assert trail.spans_in(Path("/elsewhere.txt")) == {}


def test_a_count_that_was_cut_short_is_marked() -> None:
    trail = HitTrail.collect("q", [hit(A, 1), hit(A, 2)], ORDER, complete=False)
    assert trail.label == "hit 1/2+"


def test_an_empty_trail_steps_nowhere() -> None:
    trail = HitTrail.collect("q", [], ORDER)
    assert trail.current is None and trail.step_from((0, 0), 1) is trail
