"""Marks: kept with the reading state, found again by their quote after a restart and an edit."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from seedreader.state import Mark, Place, ReadingState, find_mark, is_mark_letter, make_quote
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus"


def mark_at(lines: list[str], letter: str, line: int) -> Mark:
    """A mark as the reader sets it with `m` + letter on `line`."""
    return Mark(letter, line, make_quote(lines[line]))


def numbered(count: int) -> list[str]:
    return [f"Line {n}: the quick brown fox jumps over dog number {n}." for n in range(count)]


def test_marks_survive_a_restart_and_an_edit(tmp_path: Path) -> None:
    document = tmp_path / "notes.txt"
    lines = numbered(300)
    document.write_text("\n".join(lines) + "\n")
    state = ReadingState(tmp_path / "data")
    state.set_mark(document, mark_at(lines, "a", 10))
    state.set_mark(document, mark_at(lines, "Q", 250))
    state.set_mark(document, mark_at(lines, "b", 120))
    state.close()

    # The document is edited while the reader is closed: five lines inserted at the top,
    # others changed, and line 120 (mark b) deleted.
    edited = [f"new line {n}" for n in range(5)] + lines
    edited[5 + 40] = "a changed line"
    edited[5 + 251] = "another changed line"
    del edited[5 + 120]
    document.write_text("\n".join(edited) + "\n")

    again = ReadingState(tmp_path / "data")
    marks = again.marks(document)
    assert list(marks) == ["a", "b", "Q"]  # lower case first, as vim lists them
    assert again.problem is None
    now = document.read_text().splitlines()

    def line(n: int) -> str:
        return now[n]

    assert now[find_mark(marks["a"], len(now), line)] == lines[10]
    assert find_mark(marks["a"], len(now), line) == 15
    assert now[find_mark(marks["Q"], len(now), line)] == lines[250]
    assert find_mark(marks["Q"], len(now), line) == 254  # five lines in, one out above it
    # The line of mark b is gone: it stays at its old number.
    assert find_mark(marks["b"], len(now), line) == 120
    again.close()


def test_a_deleted_line_falls_back_to_the_old_number_clamped() -> None:
    lines = numbered(100)
    mark = mark_at(lines, "z", 90)
    shorter = numbered(100)[:40]
    assert find_mark(mark, len(shorter), shorter.__getitem__) == 39
    assert find_mark(mark, 0, shorter.__getitem__) == 0
    assert find_mark(Mark("z", 7, ""), len(shorter), shorter.__getitem__) == 7


def test_the_nearest_copy_of_a_repeated_line_wins() -> None:
    lines = ["same text"] * 50
    assert find_mark(Mark("a", 30, "same text"), 50, lines.__getitem__) == 30
    lines[30] = "changed"
    assert find_mark(Mark("a", 30, "same text"), 50, lines.__getitem__) in (29, 31)


def test_setting_a_mark_again_moves_it_and_delete_forgets_it(tmp_path: Path) -> None:
    document = tmp_path / "doc.txt"
    other = tmp_path / "other.txt"
    state = ReadingState(tmp_path / "data")
    assert state.marks(document) == {}
    assert not (tmp_path / "data").exists()  # looking creates nothing
    state.set_mark(document, Mark("a", 3, "three"))
    state.set_mark(document, Mark("A", 4, "four"))
    state.set_mark(other, Mark("a", 9, "nine"))
    state.set_mark(document, Mark("a", 5, "five"))
    assert state.marks(document) == {"a": Mark("a", 5, "five"), "A": Mark("A", 4, "four")}
    assert state.marks(other) == {"a": Mark("a", 9, "nine")}  # marks are per document
    state.delete_mark(document, "a")
    state.delete_mark(document, "x")  # never set: nothing happens
    assert state.marks(document) == {"A": Mark("A", 4, "four")}
    assert state.marks(other) == {"a": Mark("a", 9, "nine")}
    assert state.problem is None
    state.close()


def test_marks_of_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = tmp_path / os.fsdecode(b"bad\xff.txt")
    lossy = tmp_path / "bad\ufffd.txt"
    state = ReadingState(tmp_path / "data")
    state.set_mark(name, Mark("m", 1, "one"))
    state.close()
    again = ReadingState(tmp_path / "data")
    assert again.marks(name) == {"m": Mark("m", 1, "one")}
    assert again.marks(lossy) == {}
    again.close()


def test_a_store_from_before_marks_gains_them_and_keeps_its_places(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    old = sqlite3.connect(data / "state.sqlite3")
    old.executescript(
        "CREATE TABLE positions (path TEXT PRIMARY KEY, line INTEGER NOT NULL, "
        "quote TEXT NOT NULL, furthest INTEGER NOT NULL, line_count INTEGER NOT NULL, "
        "updated REAL NOT NULL);"
        "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO positions VALUES ('/doc.txt', 12, 'q', 20, 100, 0);"
        "INSERT INTO settings VALUES ('theme', 'nord');"
    )
    old.commit()
    old.close()
    state = ReadingState(data)
    assert state.marks(Path("/doc.txt")) == {}
    state.set_mark(Path("/doc.txt"), Mark("a", 12, "q"))
    assert state.marks(Path("/doc.txt")) == {"a": Mark("a", 12, "q")}
    assert state.get(Path("/doc.txt")) == Place(12, "q", 20, 100)
    assert state.setting("theme") == "nord"
    assert state.problem is None
    state.close()


def test_an_unwritable_data_dir_does_not_stop_reading(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    state = ReadingState(blocker / "data")
    state.set_mark(Path("/doc.txt"), Mark("a", 1, "q"))  # no exception
    state.delete_mark(Path("/doc.txt"), "a")
    assert state.marks(Path("/doc.txt")) == {}
    assert state.problem is not None
    assert state.problem.startswith("Reading places and choices are not remembered this time")


def test_a_garbage_store_does_not_stop_reading(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "state.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xff" * 900)
    state = ReadingState(data)
    assert state.marks(Path("/doc.txt")) == {}
    state.set_mark(Path("/doc.txt"), Mark("a", 1, "q"))
    assert state.problem is not None
    assert "\n" not in state.problem
    state.close()


def test_unusable_rows_are_skipped(tmp_path: Path) -> None:
    """A store written by hand or by another version: rows this one cannot use are left out."""
    state = ReadingState(tmp_path / "data")
    state.set_mark(Path("/doc.txt"), Mark("a", 1, "q"))
    state.close()
    db = sqlite3.connect(tmp_path / "data" / "state.sqlite3")
    db.execute("INSERT INTO marks VALUES ('/doc.txt', '1', 3, 'x', 0)")
    db.execute("INSERT INTO marks VALUES ('/doc.txt', 'b', 'ten', 'x', 0)")
    db.commit()
    db.close()
    again = ReadingState(tmp_path / "data")
    assert again.marks(Path("/doc.txt")) == {"a": Mark("a", 1, "q")}
    again.close()


@pytest.mark.parametrize("letter", ["", "1", "ab", "'", "é", " "])
def test_only_a_letter_names_a_mark(letter: str) -> None:
    assert not is_mark_letter(letter)
    with pytest.raises(ValueError, match="a mark is a letter"):
        Mark(letter, 0, "")


def test_letters_name_marks() -> None:
    assert all(is_mark_letter(letter) for letter in "azAZm")


def test_marks_in_the_bible_after_an_edit(tmp_path: Path) -> None:
    """Real text: the KJV (every line starts with its verse), with a preface added, verses
    rewritten and one marked verse deleted, keeps its marks across a restart."""
    source = CORPUS / "kjv" / "kjv.txt"
    if not source.is_file():
        pytest.skip("needs the shared corpus (../shared/corpus, real texts): absent here")
    lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    targets = {"g": 40, "p": len(lines) // 2, "R": len(lines) - 10, "x": 1000}
    document = tmp_path / "kjv.txt"
    state = ReadingState(tmp_path / "data")
    for letter, n in targets.items():
        state.set_mark(document, mark_at(lines, letter, n))
    state.close()

    edited = list(lines)
    for n in range(3, len(edited), 97):  # none of the marked lines
        edited[n] = "(annotated) " + edited[n]
    del edited[1000]  # the line of mark x
    edited[0:0] = ["A preface", "", "in five", "lines", ""]

    again = ReadingState(tmp_path / "data")
    marks = again.marks(document)
    assert set(marks) == set(targets)
    for letter in "gpR":
        found = find_mark(marks[letter], len(edited), edited.__getitem__)
        assert edited[found] == lines[targets[letter]]
        assert found == targets[letter] + 5 - (targets[letter] > 1000)
    assert find_mark(marks["x"], len(edited), edited.__getitem__) == 1000
    again.close()
