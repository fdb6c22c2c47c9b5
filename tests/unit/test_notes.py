"""The notes store: saving, editing, re-anchoring and following documents, with real files."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from seedreader.documents import Document, open_document
from seedreader.notes import (
    DB_NAME,
    SCHEMA_VERSION,
    NotesStore,
    NotesStoreError,
    make_anchor,
    place_note,
)

POEM = [
    "In the beginning the reader opened the book.",
    "The first line was long and full of meaning.",
    "A second line followed, quieter than the first.",
    "Then came a third line about the sea and the sky.",
    "}",
    "The fourth line spoke of mountains far away.",
    "And the fifth line closed the little poem.",
]


def write(path: Path, lines: list[str]) -> Document:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return open_document(path)


@pytest.fixture
def store(tmp_path: Path) -> NotesStore:
    notes = NotesStore(tmp_path / "data")
    yield notes
    notes.close()


@pytest.fixture
def doc(tmp_path: Path) -> Document:
    return write(tmp_path / "poem.txt", POEM)


def test_a_note_is_on_disk_when_add_returns(store: NotesStore, doc: Document) -> None:
    note = store.add(doc, 1, 2, "meaning *matters*")
    # Another connection (another process, in effect) sees it: it was committed.
    other = sqlite3.connect(store.path)
    (body,) = other.execute("SELECT body FROM notes WHERE id = ?", (note.id,)).fetchone()
    other.close()
    assert body == "meaning *matters*"
    assert note.anchor.quote == POEM[1] + "\n" + POEM[2]
    assert note.anchor.start == len(POEM[0]) + 1
    assert note.anchor.end == note.anchor.start + len(note.anchor.quote)
    assert note.anchor.before == POEM[0] + "\n"
    assert note.anchor.after.startswith("\n" + POEM[3])
    assert note.fingerprint == doc.fingerprint
    assert note.path == str(doc.path)


def test_notes_survive_reopening(tmp_path: Path, doc: Document) -> None:
    first = NotesStore(tmp_path / "data")
    note = first.add(doc, 0, 0, "one")
    first.close()
    second = NotesStore(tmp_path / "data")
    assert second.all_notes() == [note]
    assert second.warnings == []
    second.close()


def test_folder_is_private_and_file_is_0600(tmp_path: Path, doc: Document) -> None:
    store = NotesStore(tmp_path / "new" / "data")
    store.add(doc, 0, 0, "x")
    assert stat.S_IMODE(os.stat(tmp_path / "new" / "data").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    for extra in ("-wal", "-shm"):
        side = store.path.with_name(DB_NAME + extra)
        if side.exists():
            assert stat.S_IMODE(os.stat(side).st_mode) == 0o600
    store.close()


def test_wal_full_sync_and_schema_version(store: NotesStore) -> None:
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    assert store._db is not None
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_update_delete_restore(store: NotesStore, doc: Document) -> None:
    note = store.add(doc, 3, 3, "sea")
    edited = store.update(note.id, "sea and sky")
    assert edited.body == "sea and sky" and edited.updated >= note.updated
    assert edited.created == note.created
    assert store.get(note.id) == edited
    removed = store.delete(note.id)
    assert removed == edited
    assert store.all_notes() == []
    store.restore(removed)
    assert store.all_notes() == [edited]


def test_unknown_ids_and_bad_lines_are_clear_errors(store: NotesStore, doc: Document) -> None:
    with pytest.raises(NotesStoreError, match="no note with id nope"):
        store.update("nope", "x")
    with pytest.raises(NotesStoreError, match="no note with id nope"):
        store.delete("nope")
    with pytest.raises(NotesStoreError, match=r"line 8 is outside the document \(it has 7 lines"):
        store.add(doc, 7, 7, "x")
    with pytest.raises(NotesStoreError, match="not valid Unicode"):
        store.add(doc, 0, 0, "lone \udc80 surrogate")
    assert store.all_notes() == []


def test_reversed_range_is_normalised(store: NotesStore, doc: Document) -> None:
    note = store.add(doc, 3, 1, "x")
    assert (note.anchor.start_line, note.anchor.end_line) == (1, 3)


def test_notes_for_is_in_document_order(store: NotesStore, doc: Document) -> None:
    store.add(doc, 5, 5, "late")
    store.add(doc, 0, 1, "early")
    store.add(doc, 3, 3, "middle")
    placed = store.notes_for(doc)
    assert [p.note.body for p in placed] == ["early", "middle", "late"]
    assert all(p.state == "exact" for p in placed)
    assert [(p.line, p.end_line) for p in placed] == [(0, 1), (3, 3), (5, 5)]


def test_unchanged_content_is_exact(store: NotesStore, doc: Document, tmp_path: Path) -> None:
    store.add(doc, 2, 2, "second")
    again = open_document(tmp_path / "poem.txt")
    [placed] = store.notes_for(again)
    assert (placed.state, placed.line) == ("exact", 2)


def test_lines_inserted_above_move_the_note(
    store: NotesStore, doc: Document, tmp_path: Path
) -> None:
    store.add(doc, 3, 3, "sea")
    edited = write(tmp_path / "poem.txt", ["New title", "", *POEM])
    [placed] = store.notes_for(edited)
    assert (placed.state, placed.line, placed.end_line) == ("moved", 5, 5)
    assert edited.line(5) == POEM[3]


def test_edit_elsewhere_keeps_the_same_place_exact(
    store: NotesStore, doc: Document, tmp_path: Path
) -> None:
    store.add(doc, 1, 1, "x")
    edited = write(tmp_path / "poem.txt", [*POEM[:5], "The fourth line changed.", POEM[6]])
    [placed] = store.notes_for(edited)
    assert (placed.state, placed.line) == ("exact", 1)


def test_small_edit_inside_the_quote_is_found_fuzzily(
    store: NotesStore, doc: Document, tmp_path: Path
) -> None:
    store.add(doc, 3, 3, "sea")
    changed = "Then came a third line about the sea and the skies."
    edited = write(tmp_path / "poem.txt", ["Preface", *POEM[:3], changed, *POEM[4:]])
    [placed] = store.notes_for(edited)
    assert (placed.state, placed.line) == ("moved", 4)


def test_a_quote_moved_far_away_is_found_exactly(
    store: NotesStore, doc: Document, tmp_path: Path
) -> None:
    store.add(doc, 1, 1, "meaning")
    filler = [f"filler line number {i}" for i in range(500)]
    edited = write(tmp_path / "poem.txt", [POEM[0], *POEM[2:], *filler, POEM[1]])
    [placed] = store.notes_for(edited)
    assert placed.state == "moved"
    assert edited.line(placed.line or 0) == POEM[1]


def test_deleted_text_detaches_and_keeps_the_note(
    store: NotesStore, doc: Document, tmp_path: Path
) -> None:
    note = store.add(doc, 3, 3, "sea")
    edited = write(tmp_path / "poem.txt", [*POEM[:3], *POEM[4:]])
    [placed] = store.notes_for(edited)
    assert (placed.state, placed.line, placed.end_line) == ("detached", None, None)
    assert placed.note.anchor.quote == POEM[3]
    assert store.get(note.id) is not None  # never silently dropped


def test_a_short_quote_does_not_jump_to_a_lookalike(
    store: NotesStore, doc: Document, tmp_path: Path
) -> None:
    store.add(doc, 4, 4, "closing brace")  # the line "}"
    # The brace is gone, and another "}" appears elsewhere with other text around it.
    other = ["Completely different text here.", "}", "More unrelated words follow."]
    edited = write(tmp_path / "poem.txt", [*POEM[:4], *POEM[5:], *other])
    [placed] = store.notes_for(edited)
    assert placed.state == "detached"


def test_a_short_quote_with_its_context_is_refound(
    store: NotesStore, doc: Document, tmp_path: Path
) -> None:
    store.add(doc, 4, 4, "closing brace")
    edited = write(tmp_path / "poem.txt", ["}", "Intro", *POEM])
    [placed] = store.notes_for(edited)
    assert (placed.state, placed.line) == ("moved", 6)


def test_a_repeated_quote_goes_to_the_nearest_copy(tmp_path: Path, store: NotesStore) -> None:
    lines = [
        f"unique line {i}" if i % 10 else "the same refrain, again and again" for i in range(60)
    ]
    doc = write(tmp_path / "song.txt", lines)
    store.add(doc, 30, 30, "refrain")
    edited = write(tmp_path / "song.txt", ["one more line", *lines])
    [placed] = store.notes_for(edited)
    assert (placed.state, placed.line) == ("moved", 31)


def test_notes_follow_a_renamed_document(store: NotesStore, doc: Document, tmp_path: Path) -> None:
    note = store.add(doc, 2, 2, "follow me")
    moved = tmp_path / "elsewhere" / "renamed.txt"
    moved.parent.mkdir()
    os.rename(doc.path, moved)
    renamed = open_document(moved)
    [placed] = store.notes_for(renamed)
    assert (placed.state, placed.line, placed.note.id) == ("exact", 2, note.id)
    assert placed.note.path == str(moved)
    # Re-attached for good: the stored path is the new one.
    stored = store.get(note.id)
    assert stored is not None and stored.path == str(moved)


def test_a_copy_does_not_steal_notes_of_a_file_still_there(
    store: NotesStore, doc: Document, tmp_path: Path
) -> None:
    store.add(doc, 2, 2, "mine")
    copy = write(tmp_path / "copy.txt", POEM)
    assert store.notes_for(copy) == []
    assert len(store.notes_for(doc)) == 1


def test_two_stores_in_one_process_see_each_other(tmp_path: Path, doc: Document) -> None:
    a = NotesStore(tmp_path / "data")
    b = NotesStore(tmp_path / "data")
    note = a.add(doc, 0, 0, "from a")
    b.update(note.id, "edited by b")
    assert [n.body for n in a.all_notes()] == ["edited by b"]
    a.close()
    b.close()


def test_a_newer_schema_is_opened_read_only(tmp_path: Path, doc: Document) -> None:
    store = NotesStore(tmp_path / "data")
    store.add(doc, 0, 0, "kept")
    store.close()
    db = sqlite3.connect(tmp_path / "data" / DB_NAME)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    newer = NotesStore(tmp_path / "data")
    assert newer.read_only
    assert any("newer seedreader" in w for w in newer.warnings)
    assert [n.body for n in newer.all_notes()] == ["kept"]
    with pytest.raises(NotesStoreError, match="cannot save the note"):
        newer.add(doc, 1, 1, "x")
    newer.close()


def test_anchor_in_a_large_document_has_true_offsets(tmp_path: Path) -> None:
    lines = [f"line {i:07d} " + "word " * (i % 13) for i in range(200_000)]
    path = tmp_path / "big.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    big = open_document(path)
    assert big.is_large
    anchor = make_anchor(big, 150_000, 150_001)
    text = "\n".join(lines)
    assert text[anchor.start : anchor.end] == anchor.quote == "\n".join(lines[150_000:150_002])
    assert text[: anchor.start].endswith(anchor.before)
    # Insert lines at the top: the size (so the fingerprint) changes and the note moves.
    store = NotesStore(tmp_path / "data")
    store.add(big, 150_000, 150_001, "deep")
    path.write_text("\n".join(["inserted", "lines", *lines]) + "\n", encoding="utf-8")
    [placed] = store.notes_for(open_document(path))
    assert (placed.state, placed.line, placed.end_line) == ("moved", 150_002, 150_003)
    # The passage moved to the end, far beyond the lines searched around its old place.
    rest = lines[:150_000] + lines[150_002:]
    path.write_text("\n".join([*rest, *lines[150_000:150_002]]) + "\n", encoding="utf-8")
    [placed] = store.notes_for(open_document(path))
    assert (placed.state, placed.line, placed.end_line) == ("moved", 199_998, 199_999)
    store.close()


def test_place_note_on_an_empty_document_detaches(
    store: NotesStore, doc: Document, tmp_path: Path
) -> None:
    note = store.add(doc, 0, 0, "x")
    (tmp_path / "poem.txt").write_text("")
    assert place_note(note, open_document(tmp_path / "poem.txt")).state == "detached"
    with pytest.raises(NotesStoreError, match="empty"):
        store.add(open_document(tmp_path / "poem.txt"), 0, 0, "x")


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import sys, seedreader.notes, seedreader.export, seedreader.cli_notes; "
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
