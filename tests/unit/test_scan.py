"""Folder scans stay inside the folder, say what they passed over and why, and list every
regular text file whatever its name (issue 10).

Real symlinks, FIFOs and sockets are made in tmp_path; nothing here is committed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedreader import documents
from seedreader.cli import main
from seedreader.cli_common import skipped_line
from seedreader.documents import (
    BINARY,
    BROKEN,
    DEVICE,
    FIFO,
    FOLDER_LINK,
    FOLDER_TWICE,
    LOOP,
    MISSING,
    NOT_TEXT,
    OUTSIDE,
    SAME_FILE,
    SOCKET,
    UNREADABLE,
    ScanResult,
    Skipped,
    _looks_like_text_file,
    count_skipped,
    scan_paths,
)
from tests.hostile import binary_blob

SECRET = "outsidesecretword"
AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def names(result: ScanResult, root: Path) -> list[str]:
    return [os.path.relpath(d.path, root) for d in result.documents]


def reasons(result: ScanResult, root: Path) -> dict[str, str]:
    return {os.path.relpath(entry.path, root): entry.reason for entry in result.skipped}


def _socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(os.fsencode(path))
    finally:
        sock.close()


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A folder with links out of it, back into it, loops, special files; `outside` beside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET}\n")
    (outside / "deeper").mkdir()
    (outside / "deeper" / "more.txt").write_text(f"{SECRET} again\n")
    root = tmp_path / "library"
    root.mkdir()
    (root / "ok.txt").write_text("an ordinary document\n")
    (root / "parent").symlink_to("..")
    (root / "sub").mkdir()
    (root / "sub" / "inner.md").write_text("# inner\n")
    (root / "sub" / "up-two").symlink_to("../..")
    (root / "passwd").symlink_to(outside / "secret.txt")
    (root / "outside-folder").symlink_to(outside)
    (root / "loop1").symlink_to("loop2")
    (root / "loop2").symlink_to("loop1")
    (root / "broken.txt").symlink_to("nowhere.txt")
    os.mkfifo(root / "fifo")
    _socket(root / "socket")
    (root / "zero.txt").symlink_to("/dev/null")
    (root / "blob.txt").write_bytes(binary_blob())
    (root / "photo.png").write_bytes(b"a document by its bytes, not by its name")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "h.txt").write_text("hidden\n")
    (root / ".dotfile").write_text("hidden too\n")
    return root


# --- staying inside the folder ------------------------------------------------------------------


def test_a_scan_never_leaves_the_folder_and_says_why_for_each_entry(hostile: Path) -> None:
    result = scan_paths([hostile])
    assert names(result, hostile) == ["ok.txt", "sub/inner.md"]
    assert reasons(result, hostile) == {
        "blob.txt": BINARY,
        "broken.txt": BROKEN,
        "fifo": FIFO,
        "loop1": LOOP,
        "loop2": LOOP,
        "outside-folder": FOLDER_LINK,
        "parent": FOLDER_LINK,
        "passwd": OUTSIDE,
        "photo.png": NOT_TEXT,
        "socket": SOCKET,
        "sub/up-two": FOLDER_LINK,
        "zero.txt": DEVICE,
    }
    assert result.notices == []


def test_hidden_entries_are_skipped_silently(hostile: Path) -> None:
    result = scan_paths([hostile])
    assert not any(".hidden" in str(e.path) or ".dotfile" in str(e.path) for e in result.skipped)


def test_a_real_device_node_is_a_device(tmp_path: Path) -> None:
    try:
        os.mknod(tmp_path / "null", 0o600 | 0o020000, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("cannot make a device node here")
    (tmp_path / "a.txt").write_text("a\n")
    assert reasons(scan_paths([tmp_path]), tmp_path) == {"null": DEVICE}


def test_a_link_to_a_file_inside_is_listed_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "b-link.txt").symlink_to("a.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "again.txt").symlink_to("../b-link.txt")
    (tmp_path / ".private").mkdir()
    (tmp_path / ".private" / "only.txt").write_text("reached only through a link\n")
    (tmp_path / "only-link.txt").symlink_to(".private/only.txt")
    result = scan_paths([tmp_path])
    assert names(result, tmp_path) == ["a.txt", "only-link.txt"]
    assert reasons(result, tmp_path) == {"b-link.txt": SAME_FILE, "sub/again.txt": SAME_FILE}


def test_a_path_named_directly_opens_whatever_it_links_to(hostile: Path) -> None:
    result = scan_paths([hostile / "passwd"])
    assert [d.path for d in result.documents] == [hostile / "passwd"]
    assert result.documents[0].load().line(0) == SECRET
    linked = hostile.parent / "linked-folder"
    linked.symlink_to(hostile)
    assert names(scan_paths([linked]), linked) == ["ok.txt", "sub/inner.md"]


# --- --follow ----------------------------------------------------------------------------------


def test_follow_takes_links_detects_loops_and_walks_no_folder_twice(hostile: Path) -> None:
    (hostile / "sub-again").symlink_to("sub")
    result = scan_paths([hostile], follow=True)
    listed = names(result, hostile)
    # Real folders first, then links in name order: `outside` is walked once, through
    # `outside-folder`, so the link `passwd` to a file there is the same document.
    assert listed == [
        "ok.txt",
        "outside-folder/deeper/more.txt",
        "outside-folder/secret.txt",
        "sub/inner.md",
    ]
    skipped = reasons(result, hostile)
    assert skipped["passwd"] == SAME_FILE
    assert skipped["loop1"] == LOOP and skipped["loop2"] == LOOP
    assert skipped["parent/library"] == LOOP  # the root, reached through `parent`
    assert skipped["sub/up-two"] == LOOP
    assert skipped["sub-again"] == FOLDER_TWICE
    assert skipped["parent/outside"] == FOLDER_TWICE
    assert OUTSIDE not in skipped.values()
    # Every folder is walked once: no document is listed twice by (device, inode).
    keys = [(os.stat(d.path).st_dev, os.stat(d.path).st_ino) for d in result.documents]
    assert len(keys) == len(set(keys))


def test_follow_survives_a_link_to_the_root_of_the_file_system(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "self").symlink_to(tmp_path)
    result = scan_paths([tmp_path], follow=True)
    assert names(result, tmp_path) == ["a.txt"]
    assert reasons(result, tmp_path) == {"sub/self": LOOP}


def test_a_scan_stops_at_the_entry_cap_with_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "MAX_ENTRIES", 10)
    for folder in range(5):
        (tmp_path / f"d{folder}").mkdir()
        for n in range(5):
            (tmp_path / f"d{folder}" / f"f{n}.txt").write_text("x\n")
    result = scan_paths([tmp_path])
    assert 0 < len(result.documents) < 25
    assert len(result.notices) == 1 and "Stopped scanning after 10 entries" in result.notices[0]
    # Without the cap, everything is listed and there is no notice.
    monkeypatch.setattr(documents, "MAX_ENTRIES", 1000)
    result = scan_paths([tmp_path], follow=True)
    assert len(result.documents) == 25 and result.notices == []


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("notes.txt", True),
        ("notes.txt ", True),
        (" notes.md\t", True),
        ("NOTES.TXT", True),
        ("README", True),
        ("notes.", True),
        ("Chapter 1. The start", True),
        ("e\x1b]0;x\x07.txt", True),
        ("line\nbreak.txt", True),
        (os.fsdecode(b"bad\xff\xfe.txt"), True),
        ("photo.png", False),
        ("photo.png ", False),
        ("archive.tar.gz", False),
        (os.fsdecode(b"x.\xff"), False),
    ],
)
def test_the_text_file_rule(name: str, text: bool) -> None:
    assert _looks_like_text_file(name) is text


def test_every_regular_text_file_is_listed_whatever_its_name(tmp_path: Path) -> None:
    raw = [
        b"notes.txt ",
        b"trail .txt",
        b"e\x1b]0;x\x07.txt",
        b"line\nbreak.txt",
        b"bad\xff\xfe.txt",
        b"\xff",
        b"--help",
        b"plain",
    ]
    base = os.fsencode(tmp_path)
    for name in raw:
        with open(os.path.join(base, name), "wb") as handle:
            handle.write(b"text\n")
    result = scan_paths([tmp_path])
    listed = [os.path.basename(os.fsencode(d.path)) for d in result.documents]
    assert listed == sorted(raw)  # all of them, in the order of their bytes
    assert result.skipped == []
    again = scan_paths([tmp_path])
    assert [d.path for d in again.documents] == [d.path for d in result.documents]


# --- paths given on the command line --------------------------------------------------------------


def test_a_loop_a_broken_link_or_a_missing_path_named_beside_a_document(hostile: Path) -> None:
    given = [hostile / "loop1", hostile / "broken.txt", hostile / "gone.txt", hostile / "fifo"]
    result = scan_paths([*given, hostile / "ok.txt"])
    assert names(result, hostile) == ["ok.txt"]
    assert reasons(result, hostile) == {
        "loop1": LOOP,
        "broken.txt": BROKEN,
        "gone.txt": MISSING,
        "fifo": FIFO,
    }


def test_count_skipped() -> None:
    entries = [
        Skipped(Path("/a"), BINARY),
        Skipped(Path("/b"), BINARY),
        Skipped(Path("/c"), FIFO),
        Skipped(Path("/d"), LOOP),
        Skipped(Path("/e"), OUTSIDE),
        Skipped(Path("/f"), OUTSIDE),
        Skipped(Path("/g"), FOLDER_LINK),
        Skipped(Path("/h"), MISSING),
    ]
    assert count_skipped(entries) == (
        "2 binary files, 2 outside the folder, 1 FIFO, 1 missing path, 1 symlink loop, "
        "1 symlink to a folder (use --follow)"
    )
    assert skipped_line(ScanResult([], entries)) == "skipped 8 entries: " + count_skipped(entries)
    assert skipped_line(ScanResult([])) is None


# --- unreadable, for real: as an ordinary user ------------------------------------------------


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder an ordinary user can reach (pytest's tmp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="seedreader-scan-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_unreadable_entries_are_reported(shared_dir: Path) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the scan as another user")
    (shared_dir / "ok.txt").write_text("readable\n")
    (shared_dir / "locked.txt").write_text("private\n")
    (shared_dir / "locked.txt").chmod(0o600)
    (shared_dir / "closed").mkdir(mode=0o700)
    (shared_dir / "closed" / "inside.txt").write_text("private\n")
    code = (
        "import sys\n"
        "from seedreader.documents import scan_paths\n"
        "r = scan_paths([sys.argv[1]])\n"
        "print([d.path.name for d in r.documents])\n"
        "print(sorted((e.path.name, e.reason) for e in r.skipped))\n"
    )
    run = subprocess.run(
        [*AS_NOBODY, sys.executable, "-c", code, str(shared_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(documents.__file__).parents[1])},
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "['ok.txt']"
    assert lines[1] == str(sorted([("closed", UNREADABLE), ("locked.txt", UNREADABLE)]))


# --- the command line --------------------------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_reports_the_skipped_entries_in_one_line_and_stays_inside(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "search", SECRET, str(hostile))
    assert code == 1 and SECRET not in out
    assert err == (
        "seedreader: skipped 12 entries: 3 symlinks to folders (use --follow), 2 symlink loops, "
        "1 FIFO, 1 binary file, 1 broken symlink, 1 device file, 1 file of another type, "
        "1 outside the folder, 1 socket\n"
    )
    code, out, err = _cli(capsys, "search", "--follow", SECRET, str(hostile))
    assert code == 0 and SECRET in out
    assert len(err.splitlines()) == 1 and "symlink loop" in err


def test_search_with_nothing_to_read_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "loop").symlink_to("loop")
    code, out, err = _cli(capsys, "search", "word", str(tmp_path / "loop"))
    assert (code, out) == (2, "")
    assert err == f"seedreader: {tmp_path / 'loop'}: symlink loop\n"


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """What the reader app would have been given (the app itself is not started)."""
    seen: dict[str, object] = {}

    class FakeApp:
        return_code = 0

        def __init__(self, documents: list[object], **options: object) -> None:
            seen.update(options, documents=documents)

        def run(self) -> None:
            pass

    module = types.ModuleType("seedreader.ui.app")
    module.ReaderApp = FakeApp  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "seedreader.ui.app", module)
    monkeypatch.setenv("SEEDREADER_ALLOW_NO_TTY", "1")
    return seen


@pytest.mark.parametrize("first", ["loop1", "broken.txt", "missing.txt", "fifo", "blob.txt"])
def test_reader_opens_the_readable_path_beside_a_bad_one(
    hostile: Path, first: str, fake_app: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(capsys, str(hostile / first), str(hostile / "ok.txt"))
    assert code == 0 and err == ""
    assert [d.path for d in fake_app["documents"]] == [hostile / "ok.txt"]  # type: ignore[attr-defined]
    skipped = fake_app["skipped"]
    assert isinstance(skipped, list) and [e.path for e in skipped] == [hostile / first]


@pytest.mark.parametrize(
    ("first", "message"),
    [
        ("loop1", "symlink loop"),
        ("broken.txt", "broken symlink"),
        ("missing.txt", "no such file or folder"),
        ("fifo", "FIFO (named pipe), not a regular file"),
        ("blob.txt", "binary file"),
    ],
)
def test_reader_with_nothing_to_open_says_so_in_one_line(
    hostile: Path, first: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, str(hostile / first))
    assert (code, out) == (2, "")
    assert err == f"seedreader: {hostile / first}: {message}\n"
    code, out, err = _cli(capsys, str(hostile / first), str(hostile / "socket"))
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith("seedreader: no readable document in ") and "skipped 2 entries" in err


def test_reader_passes_the_folder_scan_to_the_app(
    hostile: Path, fake_app: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(capsys, str(hostile))[0] == 0
    assert fake_app["skipped"] == scan_paths([hostile]).skipped
    assert _cli(capsys, "--follow", str(hostile))[0] == 0
    listed = [d.path.resolve() for d in fake_app["documents"]]  # type: ignore[attr-defined]
    assert (hostile.parent / "outside" / "secret.txt").resolve() in listed


def test_notes_list_takes_follow(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "notes", "list", str(hostile))
    assert code == 0 and err.startswith("seedreader: skipped 12 entries: 3 symlinks to folders")
    code, _, err = _cli(capsys, "notes", "list", "--follow", str(hostile))
    assert code == 0 and err.startswith("seedreader: skipped ") and "symlink loop" in err


@pytest.mark.parametrize("command", [[], ["search"], ["notes", "list"]])
def test_help_names_follow(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    assert "--follow" in capsys.readouterr().out
