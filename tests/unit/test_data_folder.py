"""The notes store and its data folder: any file name, damaged or empty files, reading without
changing anything, a folder nobody may write, a full disk (issue 10)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedreader.documents import open_document
from seedreader.export import locate, notes_from_json, record, to_json, to_markdown
from seedreader.notes import DB_NAME, SCHEMA_VERSION, NotesStore, NotesStoreError
from tests.disks import fill, small_disk

BYTES_NAME = os.fsdecode(b"caf\xff\xfe name.txt")
TEXT = "first line\nsecond line\nthird line\n"


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    """A document whose name is not valid UTF-8."""
    path = tmp_path / BYTES_NAME
    path.write_text(TEXT, encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry of a folder with its bytes (None for a folder): to see that nothing changed."""
    if not folder.exists():
        return {}
    return {p.name: (p.read_bytes() if p.is_file() else None) for p in sorted(folder.iterdir())}


# --- file names that are not UTF-8 ---------------------------------------------------------------


def test_a_name_that_is_not_utf8_is_stored_as_its_bytes(tmp_path: Path, odd: Path) -> None:
    data = tmp_path / "data"
    clean = tmp_path / "plain.txt"
    clean.write_text(TEXT, encoding="utf-8")
    with NotesStore(data) as store:
        note = store.add(open_document(odd), 1, 1, "on a name with bad bytes")
        store.add(open_document(clean), 0, 0, "on a plain name")
        assert note.path == str(odd)
    with NotesStore(data) as store:
        assert sorted(n.path for n in store.all_notes()) == sorted([str(odd), str(clean)])
        [placed] = store.notes_for(open_document(odd))
        assert (placed.note.body, placed.state, placed.line) == (
            "on a name with bad bytes",
            "exact",
            1,
        )
    db = sqlite3.connect(data / DB_NAME)
    kinds = dict(db.execute("SELECT body, typeof(path) FROM notes").fetchall())
    paths = {row[0] for row in db.execute("SELECT path FROM notes")}
    db.close()
    # A clean name stays TEXT, as in every database written before; the other is its bytes.
    assert kinds == {"on a name with bad bytes": "blob", "on a plain name": "text"}
    assert os.fsencode(odd) in paths


def test_notes_follow_a_document_renamed_to_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    data = tmp_path / "data"
    before = tmp_path / "before.txt"
    before.write_text(TEXT, encoding="utf-8")
    with NotesStore(data) as store:
        store.add(open_document(before), 0, 0, "follows the file")
    after = tmp_path / BYTES_NAME
    before.rename(after)
    with NotesStore(data) as store:
        [placed] = store.notes_for(open_document(after))
        assert placed.note.path == str(after)
    with NotesStore(data) as store:  # the new path was saved, as bytes
        assert [n.path for n in store.all_notes()] == [str(after)]


def test_json_export_keeps_a_name_that_is_not_utf8(tmp_path: Path, odd: Path) -> None:
    with NotesStore(tmp_path / "data") as store:
        store.add(open_document(odd), 0, 0, "body")
        clean = tmp_path / "plain.txt"
        clean.write_text(TEXT, encoding="utf-8")
        store.add(open_document(clean), 0, 0, "plain")
        notes = store.all_notes()
    placed = [item.placed for item in locate(notes)]
    records = {r["body"]: r for r in (record(p) for p in placed)}
    assert records["plain"]["path"] == str(clean) and "path_bytes" not in records["plain"]
    odd_record = records["body"]
    assert odd_record["path"] == str(tmp_path / "caf\\xff\\xfe name.txt")
    assert base64.b64decode(odd_record["path_bytes"]) == os.fsencode(odd)
    text = to_json(placed)
    text.encode("utf-8")  # writable as UTF-8: no surrogate in it
    back = notes_from_json(text)
    assert sorted(n.path for n in back) == sorted(n.path for n in notes)
    with NotesStore(tmp_path / "other") as other:
        assert other.merge(back) == (2, 0)
        [again] = other.notes_for(open_document(odd))
        assert again.note.body == "body"
    markdown = to_markdown(placed)
    assert "caf\\\\xff\\\\xfe name.txt" in markdown  # shown escaped (and Markdown-escaped)
    markdown.encode("utf-8")


def test_path_bytes_that_is_not_base64_is_one_clear_error() -> None:
    item = {"id": "x", "path": "p", "path_bytes": "not base64!", "fingerprint": "f"}
    with pytest.raises(NotesStoreError, match="'path_bytes' is not base64"):
        notes_from_json(json.dumps([{**item, "anchor": {}}]))


# --- an empty notes file -------------------------------------------------------------------------


def test_an_empty_notes_file_is_started_afresh_and_said_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_bytes(b"")
    with NotesStore(data) as store:
        assert store.warnings == [
            f"the notes file {data / DB_NAME} was empty (0 bytes) and was started afresh"
        ]
        assert store.all_notes() == []
    with NotesStore(data) as store:
        assert store.warnings == []  # a fresh file is never seen empty


def test_a_new_notes_file_appears_whole_and_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with NotesStore(data) as store:
        assert store.warnings == []
    assert (data / DB_NAME).stat().st_size > 0
    assert (data / DB_NAME).stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in data.iterdir() if not p.name.startswith(DB_NAME)) == []


# --- reading changes nothing ---------------------------------------------------------------------


def _damage(data: Path, kind: str, doc: Path) -> None:
    data.mkdir()
    if kind == "garbage":
        (data / DB_NAME).write_bytes(b"garbage, not SQLite\n" * 300)
    elif kind == "future":
        with NotesStore(data) as store:
            store.add(open_document(doc), 0, 0, "from the future")
        db = sqlite3.connect(data / DB_NAME)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        db.close()
    elif kind == "folder":
        (data / DB_NAME).mkdir()
        (data / DB_NAME / "inside").write_text("x")
    elif kind == "truncated":
        with NotesStore(data) as store:
            for i in range(40):
                store.add(open_document(doc), 0, 0, f"note {i} " + "x" * 500)
        raw = (data / DB_NAME).read_bytes()
        (data / DB_NAME).write_bytes(raw[: len(raw) // 2])


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("garbage", "is damaged (file is not a database); it was left as it is"),
        ("future", f"was written by a newer seedreader (schema {SCHEMA_VERSION + 1}"),
        ("folder", "is a folder, not a file"),
        ("truncated", "is damaged"),
    ],
)
def test_reading_a_damaged_notes_file_changes_nothing(
    tmp_path: Path, kind: str, message: str
) -> None:
    data = tmp_path / "data"
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT, encoding="utf-8")
    _damage(data, kind, doc)
    before = _snapshot(data)
    with pytest.raises(NotesStoreError, match=r"^the notes file ") as raised:
        NotesStore(data, read_only=True)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert _snapshot(data) == before


def test_reading_a_missing_data_folder_creates_nothing(tmp_path: Path) -> None:
    data = tmp_path / "missing" / "data"
    with NotesStore(data, read_only=True) as store:
        assert (store.all_notes(), store.warnings) == ([], [])
    assert not (tmp_path / "missing").exists()
    data.mkdir(parents=True)
    with NotesStore(data, read_only=True) as store:
        assert store.all_notes() == []
    assert list(data.iterdir()) == []


def test_reading_an_empty_notes_file_has_no_notes_and_keeps_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_bytes(b"")
    with NotesStore(data, read_only=True) as store:
        assert store.all_notes() == []
        assert store.warnings == [
            f"the notes file {data / DB_NAME} is empty (0 bytes): it holds no notes"
        ]
    assert _snapshot(data) == {DB_NAME: b""}


def test_reading_makes_no_file_next_to_the_notes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT, encoding="utf-8")
    with NotesStore(data) as store:
        store.add(open_document(doc), 0, 0, "kept")
    before = _snapshot(data)
    assert list(before) == [DB_NAME]
    with NotesStore(data, read_only=True) as reader:
        assert [n.body for n in reader.all_notes()] == ["kept"]
        assert [p.note.body for p in reader.notes_for(open_document(doc))] == ["kept"]
        with pytest.raises(NotesStoreError, match="cannot save the note"):
            reader.add(open_document(doc), 1, 1, "refused")
    assert _snapshot(data) == before


def test_reading_sees_what_a_running_writer_saved(tmp_path: Path) -> None:
    data = tmp_path / "data"
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT, encoding="utf-8")
    with NotesStore(data) as writer:
        writer.add(open_document(doc), 0, 0, "first")
        writer.add(open_document(doc), 1, 1, "second")  # in the -wal file, not yet folded back
        assert (data / f"{DB_NAME}-wal").stat().st_size > 0
        with NotesStore(data, read_only=True) as reader:
            assert sorted(n.body for n in reader.all_notes()) == ["first", "second"]


def test_reading_does_not_reattach_a_moved_document(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = tmp_path / "old.txt"
    old.write_text(TEXT, encoding="utf-8")
    with NotesStore(data) as store:
        store.add(open_document(old), 0, 0, "n")
    new = tmp_path / "new.txt"
    old.rename(new)
    before = _snapshot(data)
    with NotesStore(data, read_only=True) as reader:
        assert [p.note.path for p in reader.notes_for(open_document(new))] == [str(new)]
    assert _snapshot(data) == before


# --- a folder nobody may write, for real ---------------------------------------------------------


@pytest.fixture
def public_tmp() -> Iterator[Path]:
    """A folder the user nobody can enter (pytest's own tmp folders are private to root)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run a command as nobody")
    folder = Path(tempfile.mkdtemp(prefix="seedreader-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _as_nobody(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEEDREADER_DATA_DIR": str(data), "HOME": "/nonexistent"}
    return subprocess.run(
        [
            *("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
            *(sys.executable, "-m", "seedreader", "notes", *args),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("wal_left_behind", [False, True])
def test_list_and_export_in_a_folder_nobody_may_write(
    public_tmp: Path, wal_left_behind: bool
) -> None:
    data = public_tmp / "data"
    doc = public_tmp / "doc.txt"
    doc.write_text(TEXT, encoding="utf-8")
    store = NotesStore(data)
    store.add(open_document(doc), 0, 0, "written before")
    if wal_left_behind:
        # As if the app had been killed: the -wal and -shm files stay next to the notes file.
        store.add(open_document(doc), 1, 1, "in the log")
        copy = public_tmp / "copy"
        shutil.copytree(data, copy)
        store.close()
        shutil.rmtree(data)
        copy.rename(data)
    else:
        store.close()
    for path in data.iterdir():
        path.chmod(0o644)
    data.chmod(0o755)  # root's: nobody may read it, not write it
    doc.chmod(0o644)
    before = _snapshot(data)
    listed = _as_nobody(data, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    bodies = sorted(n["body"] for n in json.loads(listed.stdout))
    expected = ["in the log", "written before"] if wal_left_behind else ["written before"]
    assert bodies == expected
    exported = _as_nobody(data, "export")
    assert exported.returncode == 0, exported.stderr
    assert "written before" in exported.stdout
    refused = _as_nobody(data, "add", str(doc), "--line", "3", "--text", "no")
    assert refused.returncode == 2 and "not writable" in refused.stderr
    assert _snapshot(data) == before


def test_a_damaged_file_in_a_folder_nobody_may_write(public_tmp: Path) -> None:
    data = public_tmp / "data"
    data.mkdir(mode=0o755)
    (data / DB_NAME).write_bytes(b"garbage, not SQLite\n" * 300)
    (data / DB_NAME).chmod(0o644)
    for command in ("list", "export"):
        result = _as_nobody(data, command)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "is damaged" in result.stderr
    assert _snapshot(data) == {DB_NAME: b"garbage, not SQLite\n" * 300}


# --- a full disk ---------------------------------------------------------------------------------


def test_saving_on_a_full_disk_says_so_and_loses_nothing(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT, encoding="utf-8")
    document = open_document(doc)
    with small_disk(tmp_path / "disk") as disk:
        data = disk / "data"
        store = NotesStore(data)
        try:
            store.add(document, 0, 0, "saved before")
            filler = fill(disk)
            big = "a note too big for what is left " * 2000
            with pytest.raises(NotesStoreError) as raised:
                store.add(document, 1, 1, big)
            assert "cannot save the note: the disk is full" in str(raised.value)
            assert "I/O error" not in str(raised.value)
            # Reading goes on, in this store and in a read-only one.
            assert [n.body for n in store.all_notes()] == ["saved before"]
            with NotesStore(data, read_only=True) as reader:
                assert [n.body for n in reader.all_notes()] == ["saved before"]
            filler.unlink()
            # Space again: the same store saves (the failed transaction was rolled back).
            store.add(document, 1, 1, big)
            assert sorted(len(n.body) for n in store.all_notes()) == [12, len(big)]
        finally:
            store.close()


def test_the_cli_on_a_full_disk(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT, encoding="utf-8")
    with small_disk(tmp_path / "disk") as disk:
        env = {**os.environ, "SEEDREADER_DATA_DIR": str(disk / "data")}

        def notes(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "seedreader", "notes", *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
                check=False,
            )

        assert notes("add", str(doc), "--line", "1", "--text", "one").returncode == 0
        fill(disk)
        added = notes("add", str(doc), "--line", "2", "--text", "two " * 5000)
        assert added.returncode == 2
        assert added.stderr.count("\n") == 1 and "the disk is full" in added.stderr, added.stderr
        assert "Traceback" not in added.stderr
        listed = notes("list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert [n["body"] for n in json.loads(listed.stdout)] == ["one"]
        exported = notes("export", "--format", "json")
        assert exported.returncode == 0, exported.stderr
        assert [n["body"] for n in json.loads(exported.stdout)["notes"]] == ["one"]
