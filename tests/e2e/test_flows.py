"""What a person does in the reader, through a real terminal: read, move, search, annotate, quit."""

from __future__ import annotations

from pathlib import Path

import pytest

from seedreader.documents import scan_paths
from seedreader.notes import NotesStore
from tests.conftest import SEEDS
from tests.e2e.conftest import Spawn
from tests.e2e.terminal import HELP_TITLE, Terminal

FIRST_LINE = "Libya's interim leader urged NATO"


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return scan_paths([SEEDS]).documents[0].lines()


@pytest.fixture(scope="module")
def reader(module_spawn: Spawn) -> Terminal:
    """One session on seeds/ shared by the reading and searching tests (in file order)."""
    terminal = module_spawn("seeds/")
    terminal.wait_for(FIRST_LINE)
    terminal.wait_for("/ Search")  # the footer comes after the first frame
    return terminal


def goes_to(terminal: Terminal, keys: list[str], line: int) -> None:
    terminal.press(*keys)
    terminal.wait_until(
        lambda _: terminal.status_line() and terminal.cursor_line() == line,
        5,
        f"line {line} after {keys}",
    )


def test_first_screen_shows_the_seed(reader: Terminal, seed_lines: list[str]) -> None:
    lines = reader.screen_lines()
    assert "seedreader" in lines[0] and "000_a8aeaf84e4eee549.txt" in lines[0]
    assert FIRST_LINE in lines[1]
    assert f"line 1/{len(seed_lines)}" in reader.status_line()
    assert "utf-8" in reader.status_line()


def test_moving(reader: Terminal, seed_lines: list[str]) -> None:
    goes_to(reader, ["j"], 2)
    goes_to(reader, ["k"], 1)
    reader.press("space")
    reader.wait_until(lambda _: reader.cursor_line() > 10, 5, "a page down")
    assert FIRST_LINE not in reader.screen_text()
    goes_to(reader, ["G"], len(seed_lines))
    last = seed_lines[-1].strip() or seed_lines[-2].strip()
    assert last[:40] in reader.screen_text().replace("\n", " ")
    goes_to(reader, ["g"], 1)
    assert FIRST_LINE in reader.screen_lines()[1]


def test_misspelled_search_enter_and_next_previous(reader: Terminal, seed_lines: list[str]) -> None:
    hits = [i + 1 for i, line in enumerate(seed_lines) if "Gaddafi" in line]
    reader.press("/")
    reader.wait_for("All documents")
    reader.press("Qaddafi")
    reader.wait_for(f"{len(hits)} hits in 1 document")
    assert "Qaddafi → Gaddafi, 1 edit" in reader.screen_text()
    reader.press("down", "down")  # preview the third hit
    reader.press("enter")
    reader.wait_gone("All documents")
    reader.wait_until(lambda _: "hit 3/" in reader.status_line(), 5, "hit 3")
    assert reader.cursor_line() == hits[2]
    goes_to(reader, ["n"], hits[3])
    assert f"hit 4/{len(hits)}" in reader.status_line()
    goes_to(reader, ["N"], hits[2])
    goes_to(reader, ["N"], hits[1])
    reader.press("escape")
    reader.wait_until(lambda _: "hit " not in reader.status_line(), 5, "highlights cleared")


def test_help_screen(reader: Terminal) -> None:
    reader.press("?")
    reader.wait_for(HELP_TITLE)
    for entry in ("Next line", "Search as you type", "Add a note", "Esc, q or ? closes"):
        reader.wait_for(entry)
    reader.press("?")
    reader.wait_gone(HELP_TITLE)


def test_q_quits_with_status_0(reader: Terminal) -> None:
    reader.press("q")
    assert reader.wait_exit() == 0


def test_note_survives_a_restart_at_its_place(spawn: Spawn, seed_lines: list[str]) -> None:
    first = spawn("seeds/")
    first.wait_for("/ Search")
    target = next(i for i, line in enumerate(seed_lines) if line.startswith("Speaking in Qatar"))
    goes_to(first, ["j"] * target, target + 1)
    first.press("a")
    first.wait_for(f"New note on line {target + 1}")
    first.press("an e2e note about Qatar")
    first.wait_for("▊ an e2e note about Qatar")  # seen in the editor, as a person would
    first.press("ctrl+s")
    first.wait_for("Note saved.")
    first.press("s")
    first.wait_for("Notes · 1 note")
    assert "an e2e note about Qatar" in first.screen_text()
    first.press("q")
    assert first.wait_exit() == 0

    again = spawn("seeds/")
    again.wait_for("/ Search")
    again.press("g")
    again.wait_until(lambda _: again.cursor_line() == 1, 5, "line 1")
    again.press("s")
    again.wait_for("Notes · 1 note")
    text = again.screen_text()
    assert f"line {target + 1}" in text
    assert "an e2e note about Qatar" in text
    assert "Speaking in Qatar" in text  # the quote, shown with the note
    # Enter on the note jumps to its line.
    again.press("enter")
    again.wait_until(lambda _: again.cursor_line() == target + 1, 5, "the note's line")
    again.press("q")
    assert again.wait_exit() == 0


def test_keys_typed_just_before_ctrl_s_are_saved(spawn: Spawn, data_dir: Path) -> None:
    terminal = spawn("seeds/")
    terminal.wait_for("/ Search")
    terminal.press("a")
    terminal.wait_for("New note on line 1")
    terminal.press("first half ")
    terminal.wait_for("▊ first half")
    # A fast typist, a paste or a slow link delivers the last keys together with ctrl+s.
    terminal.send(b"second half\x13")
    terminal.wait_for("Note saved.")
    terminal.press("q")
    assert terminal.wait_exit() == 0
    with NotesStore(data_dir) as store:
        assert [note.body for note in store.all_notes()] == ["first half second half"]


def test_go_to_line_typed_at_once(spawn: Spawn) -> None:
    terminal = spawn("seeds/")
    terminal.wait_for("/ Search")
    terminal.send(b":30\r")
    terminal.wait_until(lambda _: terminal.cursor_line() == 30, 3, "line 30")
