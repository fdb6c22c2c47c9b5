"""The jump list: back and forward as vim's ctrl+o/ctrl+i, `''`, truncation, the cap."""

from __future__ import annotations

from pathlib import Path

import pytest

from seedreader.jumps import CAPACITY, JumpList, Spot

A = Path("/docs/a.txt")
B = Path("/docs/b.md")


def at(line: int, path: Path = A) -> Spot:
    return Spot(path, line)


def jumped(spots: JumpList, start: Spot, *targets: Spot) -> Spot:
    """Jump from `start` to each target in turn (recording each start); returns the last."""
    here = start
    for target in targets:
        spots.record(here)
        here = target
    return here


def test_nothing_to_go_to_before_any_jump() -> None:
    spots = JumpList()
    assert spots.back(at(5)) is None
    assert spots.forward(at(5)) is None
    assert spots.swap(at(5)) is None
    assert spots.previous is None
    assert not spots.can_go_back and not spots.can_go_forward


def test_back_and_forward_walk_the_jumps_like_vim() -> None:
    spots = JumpList()
    here = jumped(spots, at(0), at(100), at(200), at(300))  # e.g. g, :101, a search hit...
    assert here == at(300)
    assert spots.back(here) == at(200)
    assert spots.back(at(200)) == at(100)
    assert spots.back(at(100)) == at(0)
    assert spots.back(at(0)) is None  # the oldest: nowhere further
    assert not spots.can_go_back and spots.can_go_forward
    assert spots.forward(at(0)) == at(100)
    assert spots.forward(at(100)) == at(200)
    assert spots.forward(at(200)) == at(300)  # where the reader was before the first ctrl+o
    assert spots.forward(at(300)) is None
    assert spots.can_go_back and not spots.can_go_forward
    assert spots.back(at(300)) == at(200)  # and back again works from there


def test_back_remembers_where_the_reader_had_moved_to() -> None:
    """Between a jump and ctrl+o the reader scrolled: ctrl+i comes back there, not to the
    jump's target."""
    spots = JumpList()
    jumped(spots, at(0), at(100))
    assert spots.back(at(142)) == at(0)
    assert spots.forward(at(0)) == at(142)


def test_a_jump_after_going_back_drops_the_forward_part() -> None:
    spots = JumpList()
    here = jumped(spots, at(0), at(100), at(200), at(300))
    assert spots.back(here) == at(200)
    assert spots.back(at(200)) == at(100)
    spots.record(at(110))  # moved a little, then jumped again from line 110
    here = at(500)
    assert spots.forward(here) is None  # 200 and 300 are gone
    assert spots.back(here) == at(110)
    assert spots.back(at(110)) == at(100)  # the spot gone back to is kept
    assert spots.back(at(100)) == at(0)
    assert spots.back(at(0)) is None
    assert len(spots) == 4  # 0, 100, 110, 500: nothing of 200 or 300
    assert spots.forward(at(0)) == at(100)
    assert spots.forward(at(100)) == at(110)
    assert spots.forward(at(110)) == at(500)
    assert spots.forward(at(500)) is None


def test_consecutive_duplicates_collapse() -> None:
    spots = JumpList()
    spots.record(at(7))
    spots.record(at(7))  # e.g. `G` pressed twice without moving: one spot
    spots.record(at(7))
    assert len(spots) == 1
    assert spots.back(at(50)) == at(7)
    assert spots.back(at(7)) is None


def test_going_back_from_the_last_spot_skips_it() -> None:
    """Back from where a jump started (the reader returned by hand) goes to the one before."""
    spots = JumpList()
    jumped(spots, at(0), at(100), at(200))
    assert spots.back(at(100)) == at(0)
    assert len(spots) == 2


def test_jumps_across_documents() -> None:
    spots = JumpList()
    # Reading a at 10, follow a link into b (line 0), search there, come back.
    here = jumped(spots, at(10, A), at(0, B), at(77, B))
    assert spots.back(here) == at(0, B)
    assert spots.back(at(0, B)) == at(10, A)
    assert spots.forward(at(10, A)) == at(0, B)
    assert spots.forward(at(0, B)) == at(77, B)
    # The same line number in another document is another spot.
    spots.record(at(77, A))
    assert len(spots) == 4


def test_quote_quote_toggles_between_two_places() -> None:
    spots = JumpList()
    spots.record(at(5))  # `G` from line 5
    here = at(999)
    assert spots.previous == at(5)
    there = spots.swap(here)
    assert there == at(5)
    assert spots.previous == here
    assert spots.swap(there) == here  # `''` twice: back where it started
    assert spots.swap(here) == at(5)
    # Each `''` was a jump: ctrl+o goes through them.
    assert spots.back(at(5)) == at(999)


def test_quote_quote_after_moving_comes_back_to_the_moved_place() -> None:
    spots = JumpList()
    spots.record(at(5))
    assert spots.swap(at(1200)) == at(5)  # at 1200 (moved after the jump): `''` goes to 5
    assert spots.swap(at(8)) == at(1200)  # moved from 5 to 8, `''` returns to 1200


def test_previous_follows_back_and_forward() -> None:
    spots = JumpList()
    here = jumped(spots, at(0), at(100))
    assert spots.back(here) == at(0)
    assert spots.previous == at(100)  # `''` after ctrl+o returns to where ctrl+o started


@pytest.mark.parametrize("capacity", [CAPACITY, 3])
def test_the_list_is_capped_oldest_first(capacity: int) -> None:
    spots = JumpList(capacity)
    for line in range(capacity + 50):
        spots.record(at(line))
    assert len(spots) == capacity
    here = at(10_000)
    visited = []
    while (spot := spots.back(here)) is not None:
        visited.append(spot.line)
        here = spot
    # The newest place was added by the first ctrl+o, pushing one more old spot out.
    assert visited == list(range(capacity + 49, 50, -1))
    assert len(spots) == capacity


def test_the_cap_holds_while_walking_back_and_forth() -> None:
    spots = JumpList(5)
    for line in range(5):
        spots.record(at(line))
    assert spots.back(at(100)) == at(4)  # adds 100, drops 0
    assert spots.forward(at(4)) == at(100)
    spots.record(at(100))  # a duplicate of the newest: collapses
    assert len(spots) == 5
    spots.record(at(101))
    assert len(spots) == 5
    assert spots.back(at(200)) == at(101)
