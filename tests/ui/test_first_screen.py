"""The first screen (drawn before Textual is imported) against the app's own first frame:
the same rows in the document pane, the same bars, the same colours."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import ColorSystem
from rich.style import Style

from seedreader import first_screen
from seedreader.documents import Document
from seedreader.state import Place, ReadingState, make_quote
from seedreader.ui.app import ReaderApp
from seedreader.ui.widgets.bars import StatusBar, TitleBar
from seedreader.ui.widgets.document_view import DocumentView
from tests.conftest import ROOT

SEED = next((ROOT / "seeds").glob("*.txt"))
SIZE = (120, 40)

MIXED = (
    "Plain words that run on long enough to be wrapped more than once in a narrow column, "
    "so that the wrapping decides where each row ends.\n"
    "\n"
    "日本語の文章は一文字で二つの桁を使うので、折り返しの位置が半角の文とは違ってくる。" * 3 + "\n"
    "Control bytes \x1b[31mred\x1b[0m and \x07 bell and \x9b C1 and tabs\tend\n"
    "combining e\u0301 and zero\u200bwidth and an emoji 😀 in the text\n"
    + "".join(f"line {n} of the filler that follows\n" for n in range(200))
)


async def _app_rows(app: ReaderApp) -> tuple[list[str], str, str]:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        for _ in range(100):
            if getattr(screen, "is_ready", False):
                break
            await pilot.pause(0.02)
        view = screen.query_one(DocumentView)
        rows = [view.render_line(y).text for y in range(view.size.height)]
        title = screen.query_one(TitleBar).render_line(0).text
        status = screen.query_one(StatusBar).render_line(0).text
        return rows, title, status


def _first(document: Document, state: ReadingState, cursor: int = 0) -> list[str]:
    settings = first_screen._settings(state)
    assert settings is not None
    return first_screen.plain(
        first_screen.frame(
            document, width=SIZE[0], height=SIZE[1], cursor=cursor, settings=settings
        )
    )


@pytest.mark.parametrize(
    ("line", "settings"),
    [
        (0, {}),
        (25, {}),
        (210, {}),  # near the end: the view is pulled up to fill the screen
        (3, {"wrap": "off"}),
        (0, {"reading-width": "40"}),
        (2, {"reading-width": "250"}),
    ],
)
async def test_the_first_screen_is_the_apps_first_frame(
    tmp_path: Path, data_dir: Path, line: int, settings: dict[str, str]
) -> None:
    path = tmp_path / "mixed.txt"
    path.write_text(MIXED, encoding="utf-8")
    document = Document(path).load()
    state = ReadingState(data_dir)
    for name, value in settings.items():
        state.remember(name, value)
    if line:
        state.save(
            document.path,
            Place(line, make_quote(document.line(line)), line, document.line_count),
        )
    place = state.get(document.path)
    cursor = 0 if place is None else min(place.line, document.line_count - 1)
    expected = _first(document, state, cursor)
    state.close()
    rows, title, status = await _app_rows(ReaderApp([Document(path)], data_dir=data_dir))
    assert expected[0].rstrip() == title.rstrip()
    assert expected[1:-2] == rows
    assert expected[-2].rstrip() == status.rstrip()


async def test_the_seed_article_too(data_dir: Path) -> None:
    state = ReadingState(data_dir)
    expected = _first(Document(SEED).load(), state)
    state.close()
    rows, title, status = await _app_rows(ReaderApp([Document(SEED)], data_dir=data_dir))
    assert expected[1:-2] == rows
    assert (expected[0].rstrip(), expected[-2].rstrip()) == (title.rstrip(), status.rstrip())


async def test_the_colours_are_the_apps(data_dir: Path) -> None:
    app = ReaderApp([Document(SEED)], data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            if getattr(app.screen, "is_ready", False):
                break
            await pilot.pause(0.02)
        screen = app.screen
        view = screen.query_one(DocumentView)
        part = view.get_component_rich_style
        base = view.rich_style
        title = screen.query_one(TitleBar).rich_style
        styles = {
            "title": title + Style(bold=True),
            "title_plain": title,
            "text": base,
            "cursor": base + part("document-view--cursor"),
            "gutter": part("document-view--gutter"),
            "bar": part("document-view--bar"),
            "thumb": part("document-view--bar-thumb"),
            "status": screen.query_one(StatusBar).rich_style,
            "footer": screen.query_one("Footer").rich_style,
        }
    systems = {
        "truecolor": ColorSystem.TRUECOLOR,
        "256": ColorSystem.EIGHT_BIT,
        "16": ColorSystem.STANDARD,
    }
    for name, system in systems.items():
        # A fresh Style each time: Rich caches a style's codes for the first system asked.
        codes = {
            role: Style(bold=style.bold, color=style.color, bgcolor=style.bgcolor)._make_ansi_codes(
                system
            )
            for role, style in styles.items()
        }
        assert codes == first_screen.STYLES[name], name
