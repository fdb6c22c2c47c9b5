"""The open prompt: Tab completes in the field, Enter returns the path or explains why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList, Static

from seedreader.ui.screens.open_path import OpenPathScreen

_UNSET = object()


class OpenApp(App[None]):
    """Pushes the prompt at start and keeps what it returned."""

    def __init__(self, cwd: Path) -> None:
        super().__init__()
        self.cwd = cwd
        self.result: object = _UNSET

    def compose(self) -> ComposeResult:
        yield Static("behind")

    def on_mount(self) -> None:
        self.push_screen(OpenPathScreen(self.cwd), self._done)

    def _done(self, result: Path | None) -> None:
        self.result = result


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # outside it: the field shows /abs/
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "genesis.txt").write_text("In the beginning\n")
    (root / "exodus.txt").write_text("Now these are the names\n")
    (root / "sub" / "psalms.txt").write_text("Blessed is the man\n")
    return root


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def field(app: App[None]) -> Input:
    return app.screen.query_one("#open-path-field", Input)


def candidates(app: App[None]) -> list[str]:
    options = app.screen.query_one("#open-path-candidates", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def error_text(app: App[None]) -> str:
    return str(app.screen.query_one("#open-path-error", Static).render())


async def test_tab_completes_and_enter_returns_the_path(folder: Path) -> None:
    app = OpenApp(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OpenPathScreen)
        assert field(app).value == f"{folder}/"  # prefilled with the current folder
        assert field(app).has_focus
        assert candidates(app) == ["exodus.txt", "genesis.txt", "sub/"]
        await pilot.press(*"gen")
        await settle(pilot)
        assert candidates(app) == ["genesis.txt"]
        await pilot.press("tab")
        await settle(pilot)
        assert field(app).value == f"{folder}/genesis.txt"
        assert field(app).has_focus  # Tab did not move the focus
        await pilot.press("enter")
        await settle(pilot)
        assert app.result == folder / "genesis.txt"
        assert not isinstance(app.screen, OpenPathScreen)


async def test_tab_into_a_folder_then_a_relative_file(folder: Path) -> None:
    app = OpenApp(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        field(app).value = ""
        await pilot.press(*"su", "tab")
        await settle(pilot)
        assert field(app).value == "sub/"
        assert candidates(app) == ["psalms.txt"]  # the folder's entries are listed
        await pilot.press("tab")
        await settle(pilot)
        assert field(app).value == "sub/psalms.txt"
        await pilot.press("enter")
        await settle(pilot)
        assert app.result == folder / "sub" / "psalms.txt"


async def test_a_missing_path_shows_the_error_and_stays(folder: Path) -> None:
    app = OpenApp(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"leviticus.txt", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OpenPathScreen)
        assert app.result is _UNSET
        assert error_text(app) == f"No such file or folder: {folder}/leviticus.txt"
        await pilot.press("backspace")  # editing clears it
        await settle(pilot)
        assert error_text(app) == ""
        await pilot.press("escape")
        await settle(pilot)
        assert app.result is None


async def test_choosing_from_the_list(folder: Path) -> None:
    app = OpenApp(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")  # into the list, then to "sub/"
        options = app.screen.query_one("#open-path-candidates", OptionList)
        assert options.has_focus and options.highlighted == 2
        await pilot.press("enter")  # a folder goes into the field
        await settle(pilot)
        assert field(app).value == f"{folder}/sub/"
        assert field(app).has_focus
        await pilot.press("down", "up")  # Up from the top gives the keys back to the field
        assert field(app).has_focus
        await pilot.press("down", "p")  # typing in the list goes on in the field
        assert field(app).value == f"{folder}/sub/p"
        await settle(pilot)
        await pilot.press("down", "enter")  # a file opens
        await settle(pilot)
        assert app.result == folder / "sub" / "psalms.txt"


async def test_a_click_on_a_file_opens_it(folder: Path) -> None:
    app = OpenApp(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"ex")
        await settle(pilot)
        await pilot.click("#open-path-candidates", offset=(2, 0))
        await settle(pilot)
        assert app.result == folder / "exodus.txt"


async def test_a_name_with_controls_is_listed_escaped_and_opens_from_the_list(
    folder: Path,
) -> None:
    (folder / "evil\x1b[2J.txt").write_text("x\n")
    app = OpenApp(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"evi", "tab")
        await settle(pilot)
        assert field(app).value == f"{folder}/evil"  # stops before the control character
        assert len(candidates(app)) == 1
        assert "\x1b" not in candidates(app)[0]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.result == folder / "evil\x1b[2J.txt"


async def test_fits_at_80x24(folder: Path) -> None:
    app = OpenApp(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#open-path").region
        assert box.width <= 80 and box.height <= 24
        for selector in ("#open-path-title", "#open-path-field", "#open-path-error"):
            widget = app.screen.query_one(selector)
            assert widget.region.height >= 1
            assert box.contains_region(widget.region)
        hint = app.screen.query_one("#open-path-hint", Static)
        assert box.contains_region(hint.region)
        assert "Esc close" in str(hint.render())  # the hint line is not cut
        assert app.screen.query_one("#open-path-candidates").region.height >= 5
