"""The jump list: back and forward through the places a reader jumped from and to, as in vim.

A jump is any move that goes somewhere else at once: a link followed (also into another
document), a search hit chosen, `:N`, `g`/`G`, an outline entry, a mark. Scrolling and moving
the cursor are not jumps. The list lives for one run of the app; it is not stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CAPACITY = 100
"""How many spots are kept (vim keeps 100 too); the oldest go first."""


@dataclass(frozen=True)
class Spot:
    """A place to come back to."""

    path: Path
    """The document."""
    line: int
    """0-based source line."""


class JumpList:
    """vim's jump list: `record(here)` before a jump; `back(here)` returns the spot to go to
    (remembering `here` so `forward` can come back), `forward(here)` the reverse; None at
    either end.

    Recording after going back drops the forward part (vim's `jumpoptions=stack`, and how a
    browser's history works), so `forward` never lands somewhere unrelated to the last jump.
    Consecutive duplicates collapse; at most `CAPACITY` spots are kept.

    The spots are `_spots[0..]`, oldest first. `_index` is where the reader is among them:
    `len(_spots)` when at the newest place (which is not in the list until `back` adds it),
    else the index of the spot `back`/`forward` last went to.
    """

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = max(capacity, 1)
        self._spots: list[Spot] = []
        self._index = 0
        self._previous: Spot | None = None

    def __len__(self) -> int:
        return len(self._spots)

    @property
    def previous(self) -> Spot | None:
        """Where the last jump started (vim's `''`), or None before any jump."""
        return self._previous

    @property
    def can_go_back(self) -> bool:
        """Whether `back` could go anywhere (for greying out a command)."""
        return self._index > 0

    @property
    def can_go_forward(self) -> bool:
        """Whether `forward` could go anywhere."""
        return self._index < len(self._spots) - 1

    def record(self, here: Spot) -> None:
        """Note `here` as the start of a jump that is about to happen.

        After going back, the spots ahead are dropped (the spot gone back to stays: it is
        where this jump starts from, give or take the lines moved since).
        """
        if self._index < len(self._spots):
            del self._spots[self._index + 1 :]
        self._append(here)
        self._index = len(self._spots)
        self._previous = here

    def back(self, here: Spot) -> Spot | None:
        """The spot to go back to from `here` (ctrl+o), or None when there is none.

        From the newest place, `here` is added to the list first, so `forward` returns to it.
        """
        if not self._spots:
            return None
        if self._index == len(self._spots):
            self._append(here)
            self._index = len(self._spots) - 1
        target = self._index - 1
        while target >= 0 and self._spots[target] == here:
            target -= 1  # a spot equal to where the reader is would be a jump to nowhere
        if target < 0:
            return None
        self._index = target
        self._previous = here
        return self._spots[target]

    def forward(self, here: Spot) -> Spot | None:
        """The spot to go forward to from `here` (ctrl+i), or None at the newest one."""
        target = self._index + 1
        while target < len(self._spots) and self._spots[target] == here:
            target += 1
        if target >= len(self._spots):
            return None
        self._index = target
        self._previous = here
        return self._spots[target]

    def swap(self, here: Spot) -> Spot | None:
        """Where `''` goes from `here`: where the last jump started, or None before any jump.

        It is a jump itself, recorded like any other, so `''` twice comes back to `here`.
        """
        target = self._previous
        if target is None:
            return None
        self.record(here)
        return target

    def _append(self, spot: Spot) -> None:
        if self._spots and self._spots[-1] == spot:
            return
        self._spots.append(spot)
        extra = len(self._spots) - self._capacity
        if extra > 0:
            del self._spots[:extra]
            self._index = max(self._index - extra, 0)
