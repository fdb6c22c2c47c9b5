"""The outline panel alone in a small app: filter, choose, mark the current section, states."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.widgets import Input

from seedreader.documents import sanitize
from seedreader.outline import Section
from seedreader.ui.widgets.outline_panel import (
    FINDING,
    NO_HEADINGS,
    NO_MATCH,
    OutlineList,
    OutlinePanel,
    row_text,
)

SECTIONS = [
    Section(0, 1, "Genesis"),
    Section(0, 2, "Genesis 1"),
    Section(31, 2, "Genesis 2"),
    Section(56, 1, "Exodus"),
    Section(56, 2, "Exodus 1"),
    Section(78, 2, "Exodus 2"),
    Section(100, 1, "Leviticus"),
    Section(100, 2, "Leviticus 1"),
]


class PanelApp(App[None]):
    """The panel and what it posts."""

    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[int] = []
        self.left = 0

    def compose(self) -> ComposeResult:
        yield OutlinePanel(id="outline-panel")

    def on_outline_panel_chosen(self, event: OutlinePanel.Chosen) -> None:
        self.chosen.append(event.line)

    def on_outline_panel_left(self, _: OutlinePanel.Left) -> None:
        self.left += 1


def panel_text(app: PanelApp) -> str:
    """What the panel shows, whitespace squeezed (a message may wrap)."""
    rows = []
    for widget in app.screen.walk_children(with_self=False):
        if widget.display and widget.size.height:
            rows.extend(widget.render_line(y).text for y in range(widget.size.height))
    return " ".join(" ".join(rows).split())


def list_rows(app: PanelApp) -> list[str]:
    outline = app.query_one(OutlineList)
    return [outline.render_line(y).text.rstrip() for y in range(len(outline.rows))]


async def test_filter_then_enter_chooses_the_best_match() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        panel = app.query_one(OutlinePanel)
        panel.set_sections(SECTIONS)
        panel.focus_filter()
        await pilot.pause()
        await pilot.press(*"exodus 2")
        await pilot.pause()
        assert list_rows(app)[0].strip() == "Exodus 2"
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == [78]
        assert app.query_one(Input).has_focus  # the panel stays, the filter keeps the keys


async def test_short_titles_do_not_match_every_query() -> None:
    app = PanelApp()
    sections = [Section(0, 1, "A"), Section(5, 2, "hack"), Section(9, 2, "C"), Section(20, 1, "B")]
    # 80 wide: the panel takes at most 30% of the screen, and the count must fit its title.
    async with app.run_test(size=(80, 20)) as pilot:
        panel = app.query_one(OutlinePanel)
        panel.set_sections(sections)
        panel.focus_filter()
        await pilot.pause()
        await pilot.press(*"hack")
        await pilot.pause()
        assert [row.strip() for row in list_rows(app)] == ["hack"]
        assert "1 of 4" in panel_text(app)


async def test_down_from_the_filter_moves_in_the_list() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        panel = app.query_one(OutlinePanel)
        panel.set_sections(SECTIONS)
        panel.focus_filter()
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        assert app.chosen == [56]  # the fourth heading, in document order: Exodus
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.chosen == [56, 31]


async def test_rows_are_indented_by_level_and_in_document_order() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        app.query_one(OutlinePanel).set_sections(SECTIONS)
        await pilot.pause()
        rows = list_rows(app)
        assert [row.strip() for row in rows] == [s.title for s in SECTIONS]
        assert rows[0] == "  Genesis"
        assert rows[1] == "    Genesis 1"


async def test_set_current_marks_the_section_of_the_line() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        panel = app.query_one(OutlinePanel)
        panel.set_sections(SECTIONS)
        panel.set_current(60)
        await pilot.pause()
        rows = list_rows(app)
        marked = [row for row in rows if row.startswith("▶")]
        assert marked == ["▶   Exodus 1"]
        assert panel.current_section == Section(56, 2, "Exodus 1")
        outline = app.query_one(OutlineList)
        assert outline.highlighted == 4  # followed while the list is not being browsed
        panel.set_current(99)
        await pilot.pause()
        assert [row for row in list_rows(app) if row.startswith("▶")] == ["▶   Exodus 2"]
        # Marking again costs the two rows that changed, not the whole list.
        drawn = outline.rows_drawn
        panel.set_current(100)
        await pilot.pause()
        assert outline.rows_drawn - drawn <= 4


async def test_current_mark_survives_filtering() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        panel = app.query_one(OutlinePanel)
        panel.set_sections(SECTIONS)
        panel.set_current(40)
        panel.focus_filter()
        await pilot.pause()
        await pilot.press(*"genesis")
        await pilot.pause()
        rows = list_rows(app)
        assert "▶   Genesis 2" in rows
        assert all("Exodus" not in row for row in rows)
        await pilot.press("escape")  # clears the filter, stays in the panel
        await pilot.pause()
        assert app.query_one(Input).value == ""
        assert len(list_rows(app)) == len(SECTIONS)
        assert app.left == 0
        await pilot.press("escape")  # now goes back to the document
        await pilot.pause()
        assert app.left == 1


async def test_tab_leaves_and_the_list_takes_panel_keys() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        panel = app.query_one(OutlinePanel)
        panel.set_sections(SECTIONS)
        panel.focus_filter()
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert app.left == 1
        app.query_one(OutlineList).focus()
        await pilot.pause()
        await pilot.press("G", "enter")
        await pilot.pause()
        assert app.chosen == [100]
        await pilot.press("g", "j", "enter")
        await pilot.pause()
        assert app.chosen == [100, 0]
        await pilot.press("escape")
        await pilot.pause()
        assert app.left == 2


async def test_click_chooses() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        app.query_one(OutlinePanel).set_sections(SECTIONS)
        await pilot.pause()
        outline = app.query_one(OutlineList)
        await pilot.click(OutlineList, offset=(4, 3))
        await pilot.pause()
        assert app.chosen == [SECTIONS[outline.rows[3]].line]


async def test_empty_and_pending_states_say_so() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        panel = app.query_one(OutlinePanel)
        await pilot.pause()
        assert FINDING in panel_text(app)
        panel.set_sections([])
        await pilot.pause()
        assert NO_HEADINGS in panel_text(app)
        assert FINDING not in panel_text(app)
        panel.set_current(10)  # nothing to mark, nothing breaks
        panel.set_sections(None)
        await pilot.pause()
        assert FINDING in panel_text(app)
        panel.set_sections(SECTIONS)
        panel.focus_filter()
        await pilot.pause()
        assert NO_HEADINGS not in panel_text(app)
        await pilot.press(*"zzzqqq")
        await pilot.pause()
        assert NO_MATCH in panel_text(app)
        await pilot.press("enter")  # nothing to choose
        await pilot.pause()
        assert app.chosen == []


async def test_titles_are_cropped_never_wrapped_and_never_markup() -> None:
    app = PanelApp()
    long = "A very long heading that goes on and on well past the width of the panel"
    hostile = "[b]x[/b]\x1b"
    async with app.run_test(size=(60, 20)) as pilot:
        app.query_one(OutlinePanel).set_sections(
            [Section(0, 1, long), Section(5, 3, sanitize(hostile))]
        )
        await pilot.pause()
        outline = app.query_one(OutlineList)
        width = outline.scrollable_content_region.width
        rows = list_rows(app)
        assert len(rows) == 2
        assert rows[0].endswith("…")
        assert len(outline.render_line(0).text) == width
        assert "[b]x[/b]" in rows[1]
        assert "\x1b" not in rows[1]


def test_row_text_crops_wide_characters() -> None:
    cropped = row_text(Section(0, 1, "日本語の見出し"), 6)
    assert cell_len(cropped) == 6
    assert cropped.startswith("日本")
    assert cropped.endswith("…")
    assert row_text(Section(0, 2, "ab"), 6) == "  ab  "
    assert row_text(Section(0, 9, "deep"), 20).startswith(" " * 10 + "deep")
    assert row_text(Section(0, 1, "x"), 0) == ""


async def test_a_big_outline_is_quick() -> None:
    import time

    sections = [Section(n * 10, 1 + n % 3, f"Heading {n}") for n in range(20_000)]
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        panel = app.query_one(OutlinePanel)
        start = time.perf_counter()
        panel.set_sections(sections)
        await pilot.pause()
        for line in range(0, 200_000, 1_000):
            panel.set_current(line)
        await pilot.pause()
        assert time.perf_counter() - start < 2
        assert app.query_one(OutlineList).rows_drawn < 2_000
