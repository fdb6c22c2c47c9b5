"""The marks list: what it shows, filtering, Enter returns the mark, Esc nothing."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import OptionList, Static

import seedreader.ui
from seedreader.state import Mark
from seedreader.ui.screens.marks import NO_MARKS, MarksScreen, filter_marks

UNSET = object()


class MarksApp(App[None]):
    """Only the marks screen, over the app's stylesheet, keeping what it returned."""

    CSS_PATH = Path(seedreader.ui.__file__).parent / "app.tcss"

    def __init__(self, marks: list[Mark]) -> None:
        super().__init__()
        self.marks = marks
        self.chosen: object = UNSET

    def on_mount(self) -> None:
        self.push_screen(MarksScreen(self.marks), self._chosen)

    def _chosen(self, mark: Mark | None) -> None:
        self.chosen = mark


MARKS = [
    Mark("a", 1233, "In the beginning God created the heaven and the earth."),
    Mark("b", 9, "[bold]not markup[/bold] \x1b[31m"),
    Mark("Q", 40, "And the evening and the morning were the first day."),
]


def listed(app: MarksApp) -> list[str]:
    options = app.screen.query_one("#marks-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_marks_are_listed_and_enter_returns_the_chosen_one() -> None:
    app = MarksApp(MARKS)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MarksScreen)
        rows = listed(app)
        assert rows[0] == "a  line 1,234  In the beginning God created the heaven and the earth."
        # Document text is shown literally: no markup applied, no escape sent.
        assert rows[1].startswith("b  line    10  [bold]not markup[/bold] ")  # aligned
        assert "\x1b" not in rows[1]
        assert rows[2].startswith("Q  line    41  And the evening")
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.chosen == MARKS[1]


async def test_typing_a_letter_picks_that_mark() -> None:
    app = MarksApp(MARKS)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("Q")
        await pilot.pause()
        assert listed(app)[0].startswith("Q  ")
        await pilot.press("enter")
        await pilot.pause()
    assert app.chosen == MARKS[2]


async def test_escape_returns_nothing() -> None:
    app = MarksApp(MARKS)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.chosen is None


async def test_no_marks_says_how_to_set_one() -> None:
    app = MarksApp([])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        title = app.screen.query_one(".filter-list-title", Static)
        assert str(title.render()) == NO_MARKS
        assert listed(app) == []
        await pilot.press("enter")  # nothing to choose: stays open
        await pilot.pause()
        assert isinstance(app.screen, MarksScreen)
        await pilot.press("escape")
        await pilot.pause()
    assert app.chosen is None


def test_filter_puts_the_named_mark_first_then_quotes() -> None:
    assert filter_marks("", MARKS) == [0, 1, 2]
    assert filter_marks("b", MARKS)[0] == 1
    assert filter_marks("evening and teh morning", MARKS) == [2]  # a typo too
    assert filter_marks("zzzz", MARKS) == []
