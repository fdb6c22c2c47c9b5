"""The notes store under stress.

SIGKILL mid-write, two writers at once, damaged files, read-only folders.
"""

from __future__ import annotations

import ctypes
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedreader.documents import open_document
from seedreader.notes import DB_NAME, NotesStore, NotesStoreError

SLOW = bool(os.environ.get("SEEDREADER_SLOW"))

# A writer: adds notes and edits every other one, printing each id once its transaction has
# committed. What it printed is what the app would have shown as saved.
WRITER = r"""
import sys
from pathlib import Path
from seedreader.documents import open_document
from seedreader.notes import NotesStore

data, doc_path, tag, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = NotesStore(Path(data))
doc = open_document(doc_path)
print("ready", flush=True)
for i in range(count):
    line = i % doc.line_count
    note = store.add(doc, line, line, f"{tag} note {i}")
    print("add", note.id, flush=True)
    if i % 2:
        store.update(note.id, f"{tag} note {i} edited")
        print("upd", note.id, flush=True)
store.close()
print("done", flush=True)
"""


@pytest.fixture
def document_path(tmp_path: Path) -> Path:
    path = tmp_path / "doc.txt"
    path.write_text("".join(f"line {i} of the document\n" for i in range(50)), encoding="utf-8")
    return path


def _writer(data: Path, doc: Path, tag: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data), str(doc), tag, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _acknowledged(output: str) -> tuple[set[str], set[str]]:
    added: set[str] = set()
    edited: set[str] = set()
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "add":
            added.add(parts[1])
        elif len(parts) == 2 and parts[0] == "upd":
            edited.add(parts[1])
    return added, edited


def _bodies(data: Path) -> dict[str, str]:
    db = sqlite3.connect(data / DB_NAME)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return dict(db.execute("SELECT id, body FROM notes").fetchall())
    finally:
        db.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_saved_note(tmp_path: Path, document_path: Path) -> None:
    data = tmp_path / "data"
    rounds = 150 if SLOW else 12
    rng = random.Random(5)
    acknowledged: dict[str, bool] = {}  # id -> whether its edit was acknowledged
    for round_ in range(rounds):
        writer = _writer(data, document_path, f"r{round_}", 10_000)
        # Some kills land during start-up (schema creation on the first round), most mid-writes.
        time.sleep(rng.uniform(0.0, 0.6))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate()
        assert writer.returncode == -signal.SIGKILL
        added, edited = _acknowledged(out)
        for note_id in added:
            acknowledged[note_id] = note_id in edited
        bodies = _bodies(data)  # also: integrity_check passes after every kill
        missing = [n for n in acknowledged if n not in bodies]
        assert not missing, f"round {round_}: saved notes lost: {missing[:5]}"
        for note_id, was_edited in acknowledged.items():
            if was_edited:
                assert bodies[note_id].endswith(" edited")
    assert len(acknowledged) > rounds  # the kills did land while notes were being written
    # The store still opens cleanly afterwards, with no warning.
    store = NotesStore(data)
    assert store.warnings == []
    assert {n.id for n in store.all_notes()} >= set(acknowledged)
    store.close()


def test_two_writers_at_once_lose_nothing(tmp_path: Path, document_path: Path) -> None:
    data = tmp_path / "data"
    count = 300 if SLOW else 60
    writers = [_writer(data, document_path, tag, count) for tag in ("left", "right")]
    outputs = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        outputs.append(out)
    bodies = _bodies(data)
    assert len(bodies) == 2 * count
    for tag, out in zip(("left", "right"), outputs, strict=True):
        added, edited = _acknowledged(out)
        assert len(added) == count and len(edited) == count // 2
        for note_id in added:
            assert bodies[note_id].startswith(f"{tag} note ")
        for note_id in edited:
            assert bodies[note_id].endswith(" edited")


def test_a_file_that_is_not_sqlite_is_moved_aside(tmp_path: Path, document_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    garbage = b"these are my precious notes, typed by hand\n" * 200
    (data / DB_NAME).write_bytes(garbage)
    store = NotesStore(data)
    [warning] = store.warnings
    assert str(data / DB_NAME) in warning
    assert "damaged" in warning and "moved aside" in warning
    [aside] = list(data.glob(f"{DB_NAME}.corrupt-*"))
    assert aside.name in warning
    assert aside.read_bytes() == garbage  # never deleted or overwritten
    note = store.add(open_document(document_path), 0, 0, "fresh start")
    assert store.all_notes() == [note]
    store.close()


def test_a_corrupted_database_is_moved_aside(tmp_path: Path, document_path: Path) -> None:
    data = tmp_path / "data"
    store = NotesStore(data)
    doc = open_document(document_path)
    for i in range(300):
        store.add(doc, i % 50, i % 50, f"note {i} " + "padding " * 20)
    store.close()
    path = data / DB_NAME
    raw = bytearray(path.read_bytes())
    assert len(raw) > 8 * 4096
    # Scribble over b-tree pages in the middle, as a failing disk or a stray write would.
    raw[3 * 4096 : 6 * 4096] = random.Random(1).randbytes(3 * 4096)
    path.write_bytes(bytes(raw))
    damaged = bytes(raw)
    store = NotesStore(data)
    assert len(store.warnings) == 1 and "damaged" in store.warnings[0]
    assert str(path) in store.warnings[0]
    [aside] = list(data.glob(f"{DB_NAME}.corrupt-*"))
    assert aside.read_bytes() == damaged
    assert store.all_notes() == []
    store.add(doc, 1, 1, "works again")
    assert len(store.all_notes()) == 1
    store.close()


# --- read-only data folder --------------------------------------------------------------------

READ_ONLY_CHECK = r"""
import sys
from pathlib import Path
from seedreader.documents import open_document
from seedreader.notes import NotesStore, NotesStoreError

store = NotesStore(Path(sys.argv[1]))
doc = open_document(sys.argv[2])
assert store.read_only, "not read-only"
assert any("not writable" in w for w in store.warnings), store.warnings
placed = store.notes_for(doc)
assert [p.note.body for p in placed] == ["written before"], placed
assert [p.state for p in placed] == ["exact"]
try:
    store.add(doc, 1, 1, "typed while read-only")
except NotesStoreError as error:
    assert "not writable" in str(error), str(error)
    print("refused:", error)
else:
    raise AssertionError("add succeeded in a read-only folder")
store.close()
"""


@pytest.fixture
def shared_tmp(tmp_path: Path) -> Iterator[Path]:
    """A scratch folder whose sub-folders are made writable again afterwards, for clean-up."""
    yield tmp_path
    for path in tmp_path.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)


CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2
PR_CAPBSET_DROP = 24


def _drop_permission_override() -> None:
    """In the child, before exec: root loses the power to ignore file permissions."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _run_as_reader(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a command for which a folder without write permission is really read-only.

    Root ignores permissions: there the command runs without CAP_DAC_OVERRIDE.
    """
    if os.geteuid() != 0:
        return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    try:
        return subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            preexec_fn=_drop_permission_override,
        )
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"cannot drop root's permission override here: {error}")


@pytest.mark.parametrize("wal_left_behind", [False, True])
def test_read_only_folder_reads_but_refuses_writes(shared_tmp: Path, wal_left_behind: bool) -> None:
    data = shared_tmp / "data"
    doc_path = shared_tmp / "doc.txt"
    doc_path.write_text("first line\nsecond line\nthird line\n", encoding="utf-8")
    doc_path.chmod(0o644)
    store = NotesStore(data)
    store.add(open_document(doc_path), 0, 0, "written before")
    if wal_left_behind:
        # As if the app had been killed: the -wal and -shm files stay next to the database.
        copy = shared_tmp / "copy"
        shutil.copytree(data, copy)
        store.close()
        shutil.rmtree(data)
        copy.rename(data)
    else:
        store.close()
    for path in data.iterdir():
        path.chmod(0o644)
    data.chmod(0o555)
    result = _run_as_reader([sys.executable, "-c", READ_ONLY_CHECK, str(data), str(doc_path)])
    assert result.returncode == 0, result.stderr
    assert "refused: cannot save the note" in result.stdout


def test_read_only_store_without_a_file_has_no_notes(tmp_path: Path, document_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the data folder should be")
    store = NotesStore(blocker / "data")
    assert store.read_only
    assert "cannot create the notes folder" in store.warnings[0]
    assert store.notes_for(open_document(document_path)) == []
    assert store.all_notes() == []
    with pytest.raises(NotesStoreError, match="not writable"):
        store.add(open_document(document_path), 0, 0, "x")
    store.close()


def test_a_file_that_cannot_be_opened_is_reported_not_moved(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / DB_NAME).mkdir(parents=True)  # a folder where the notes file should be
    with pytest.raises(NotesStoreError, match="cannot open the notes file"):
        NotesStore(data)
    assert (data / DB_NAME).is_dir()
    assert list(data.glob(f"{DB_NAME}.corrupt-*")) == []
