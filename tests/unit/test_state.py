"""Reading state: remembered choices survive a restart; a broken store never stops reading."""

from __future__ import annotations

from pathlib import Path

from seedreader.state import ReadingState


def test_choices_are_remembered_across_restarts(tmp_path: Path) -> None:
    state = ReadingState(tmp_path)
    assert state.setting("theme") is None
    state.remember("theme", "nord")
    state.remember("wrap", "off")
    state.remember("theme", "gruvbox")
    state.close()
    again = ReadingState(tmp_path)
    assert again.setting("theme") == "gruvbox" and again.setting("wrap") == "off"
    again.close()


def test_reading_a_choice_creates_no_file(tmp_path: Path) -> None:
    state = ReadingState(tmp_path / "data")
    assert state.setting("theme") is None
    assert not (tmp_path / "data").exists()


def test_an_unwritable_store_reports_and_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    state = ReadingState(blocker / "data")
    state.remember("theme", "nord")  # no exception
    assert state.setting("theme") is None
    assert state.problem is not None


def test_how_far_read_is_100_only_with_the_last_line() -> None:
    from seedreader.state import percent, read_fraction

    assert percent(read_fraction(198, 200)) == 99  # 199 of 200 lines: not rounded up
    assert percent(read_fraction(199, 200)) == 100
    assert percent(read_fraction(-1, 200)) == 0  # not even the first line whole
    assert percent(read_fraction(0, 0)) == 100  # an empty document is all there
    assert percent(read_fraction(500, 200)) == 100
