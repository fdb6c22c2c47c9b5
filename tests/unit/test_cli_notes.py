"""`seedreader notes ...` from the shell: the happy paths and one clear line for bad input."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from seedreader.cli_notes import main
from seedreader.notes import DB_NAME, NotesStore

TEXT = "".join(f"Line {i}: the quick brown fox number {i}\n" for i in range(1, 31))


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "fox.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_then_list_json_with_1_based_lines(
    capsys: pytest.CaptureFixture[str], doc: Path, data: Path
) -> None:
    code, out, err = run(
        capsys,
        "add",
        str(doc),
        "--line",
        "3",
        "--to-line",
        "4",
        "--text",
        "two lines",
        "--data-dir",
        str(data),
    )
    assert (code, err) == (0, "")
    assert out.startswith("saved note ") and f"{doc}:3-4" in out
    code, out, _ = run(capsys, "--data-dir", str(data), "list", "--json")
    assert code == 0
    [note] = json.loads(out)
    assert {k: note[k] for k in ("path", "line", "end_line", "body", "state")} == {
        "path": str(doc),
        "line": 3,
        "end_line": 4,
        "body": "two lines",
        "state": "exact",
    }
    assert (
        note["quote"]
        == "Line 3: the quick brown fox number 3\nLine 4: the quick brown fox number 4"
    )
    assert set(note) >= {"id", "created", "updated"}


def test_list_shows_where_the_note_is_now(
    capsys: pytest.CaptureFixture[str], doc: Path, data: Path
) -> None:
    run(capsys, "add", str(doc), "--line", "10", "--text", "ten", "--data-dir", str(data))
    doc.write_text("A new first line\nand a second\n" + TEXT, encoding="utf-8")
    code, out, _ = run(capsys, "list", str(doc), "--json", "--data-dir", str(data))
    [note] = json.loads(out)
    assert (code, note["line"], note["state"]) == (0, 12, "moved")
    code, out, _ = run(capsys, "list", str(doc.parent), "--data-dir", str(data))
    assert code == 0
    assert f"{doc}:12  [moved]" in out
    assert "> Line 10: the quick brown fox number 10" in out


def test_list_of_a_deleted_document_reports_it_missing(
    capsys: pytest.CaptureFixture[str], doc: Path, data: Path
) -> None:
    run(capsys, "add", str(doc), "--line", "1", "--text", "first", "--data-dir", str(data))
    doc.unlink()
    code, out, _ = run(capsys, "list", str(doc.parent), "--json", "--data-dir", str(data))
    [note] = json.loads(out)
    assert (code, note["state"], note["line"]) == (0, "missing", None)


def test_text_from_stdin_and_escapes_are_shown_safely(
    capsys: pytest.CaptureFixture[str], doc: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("\x1b[2J\x1b]0;pwned\x07 evil\nsecond line\n"))
    code, _, _ = run(capsys, "add", str(doc), "--line", "1", "--text", "-", "--data-dir", str(data))
    assert code == 0
    code, out, _ = run(capsys, "list", "--data-dir", str(data))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "␛[2J␛]0;pwned␇ evil" in out
    store = NotesStore(data)
    assert store.all_notes()[0].body == "\x1b[2J\x1b]0;pwned\x07 evil\nsecond line\n"
    store.close()


def test_export_markdown_and_json_to_files_and_import(
    capsys: pytest.CaptureFixture[str], doc: Path, data: Path, tmp_path: Path
) -> None:
    for line in ("1", "5", "9"):
        run(
            capsys,
            "add",
            str(doc),
            "--line",
            line,
            "--text",
            f"note on {line}",
            "--data-dir",
            str(data),
        )
    md = tmp_path / "notes.md"
    code, _, err = run(capsys, "export", "-o", str(md), "--data-dir", str(data))
    assert code == 0 and "exported 3 notes" in err
    text = md.read_text(encoding="utf-8")
    shown = str(doc).replace("_", "\\_")  # Markdown's specials are escaped in headings
    assert f"## {shown}" in text and f"### {shown}:5" in text
    assert "> Line 5: the quick brown fox number 5" in text and "note on 5" in text
    exported = tmp_path / "notes.json"
    assert (
        run(capsys, "export", "--format", "json", "-o", str(exported), "--data-dir", str(data))[0]
        == 0
    )
    other = tmp_path / "other"
    code, _, err = run(capsys, "import", str(exported), "--data-dir", str(other))
    assert code == 0 and "imported 3 new notes" in err
    code, _, err = run(capsys, "import", str(exported), "--data-dir", str(other))
    assert code == 0 and "imported 0 new notes, 0 updated, 3 already there" in err
    assert len(NotesStore(other).all_notes()) == 3


def test_export_to_stdout(capsys: pytest.CaptureFixture[str], doc: Path, data: Path) -> None:
    run(capsys, "add", str(doc), "--line", "2", "--text", "über ✓", "--data-dir", str(data))
    code, out, _ = run(capsys, "export", "--format", "json", "--data-dir", str(data))
    assert code == 0
    assert json.loads(out)["notes"][0]["body"] == "über ✓"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["add", "{doc}", "--line", "99", "--text", "x"],
            "line 99 is outside the document (it has 30 lines)",
        ),
        (["add", "{doc}", "--line", "0", "--text", "x"], "line numbers start at 1"),
        (["add", "{doc}", "--line", "2", "--text", "  "], "the note is empty"),
        (["add", "{doc}", "--line", "2", "--text", ""], "the note is empty"),
        (["add", "{doc}", "--line", "2", "--text", "\n\t "], "the note is empty"),
        (["add", "{doc}", "--line", "2", "--text", "--line", "3"], "expected one argument"),
        (["add", "{missing}", "--line", "1", "--text", "x"], "no such file"),
        (["add", "{binary}", "--line", "1", "--text", "x"], "binary file"),
        (["add", "{doc}", "--line", "two", "--text", "x"], "invalid int value"),
        (["add", "{doc}", "--text", "x"], "the following arguments are required: --line"),
        (["import", "{missing}"], "cannot read"),
        (["import", "{doc}"], "not JSON"),
        (["import", "{binary}"], "not UTF-8"),
        (["export", "-o", "{missing}/sub/out.md"], "No such file or directory"),
        (["export", "--format", "pdf"], "invalid choice"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    doc: Path,
    data: Path,
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    names = {"doc": str(doc), "missing": str(tmp_path / "nope"), "binary": str(binary)}
    argv = [a.format(**names) for a in args] + ["--data-dir", str(data)]
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("seedreader: ") and err.count("\n") == 1, err
    assert message in err
    assert "Traceback" not in err


def test_a_damaged_notes_file_is_named_and_set_aside_by_a_writing_command(
    capsys: pytest.CaptureFixture[str], doc: Path, data: Path
) -> None:
    data.mkdir()
    (data / DB_NAME).write_bytes(b"garbage, not SQLite" * 50)
    code, _, err = run(
        capsys, "add", str(doc), "--line", "1", "--text", "x", "--data-dir", str(data)
    )
    assert code == 0
    assert err.startswith(f"seedreader: the notes file {data / DB_NAME} is damaged")
    assert "moved aside" in err
    assert len(list(data.glob(f"{DB_NAME}.corrupt-*"))) == 1


@pytest.mark.parametrize(
    "command", [["list"], ["list", "--json"], ["export"], ["export", "--format", "json"]]
)
def test_a_reading_command_reports_a_damaged_notes_file_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], data: Path, command: list[str]
) -> None:
    data.mkdir()
    garbage = b"garbage, not SQLite" * 50
    (data / DB_NAME).write_bytes(garbage)
    code, out, err = run(capsys, *command, "--data-dir", str(data))
    assert (code, out) == (2, "")
    assert err == (
        f"seedreader: the notes file {data / DB_NAME} is damaged (file is not a database); "
        "it was left as it is\n"
    )
    assert [p.name for p in data.iterdir()] == [DB_NAME]
    assert (data / DB_NAME).read_bytes() == garbage


@pytest.mark.parametrize("command", ["list", "export"])
def test_a_reading_command_with_no_data_folder_creates_none(
    capsys: pytest.CaptureFixture[str], data: Path, command: str
) -> None:
    code, out, _ = run(capsys, command, "--data-dir", str(data))
    assert code == 0
    assert not data.exists()
    if command == "export":
        assert out.startswith("# seedreader notes") and "###" not in out


BAD_NAME = os.fsdecode(b"bad \xff\xfe name.txt")


def test_a_name_that_is_not_utf8_add_list_export_import(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    odd = folder / BAD_NAME
    odd.write_text(TEXT, encoding="utf-8")
    shown = f"{folder}/bad \\xff\\xfe name.txt"
    code, out, err = run(
        capsys, "add", str(odd), "--line", "1", "--text", "T", "--data-dir", str(data)
    )
    assert (code, err) == (0, "")
    assert out.endswith(f" on {shown}:1\n")
    for where in ([], [str(odd)], [str(folder)]):
        code, out, err = run(capsys, "list", *where, "--data-dir", str(data))
        assert code == 0, err
        assert out.startswith(f"{shown}:1  [exact]  "), out
        code, out, _ = run(capsys, "list", "--json", *where, "--data-dir", str(data))
        [item] = json.loads(out)
        assert item["path"] == shown and base64.b64decode(item["path_bytes"]) == os.fsencode(odd)
    code, out, _ = run(capsys, "export", "--data-dir", str(data))
    assert code == 0 and "bad \\\\xff\\\\xfe name.txt:1" in out
    exported = tmp_path / "notes.json"
    assert (
        run(capsys, "export", "--format", "json", "-o", str(exported), "--data-dir", str(data))[0]
        == 0
    )
    other = tmp_path / "other"
    code, _, err = run(capsys, "import", str(exported), "--data-dir", str(other))
    assert code == 0 and "imported 1 new notes" in err
    with NotesStore(other) as store:
        assert [n.path for n in store.all_notes()] == [str(odd)]


@pytest.mark.parametrize(
    ("text_args", "body"),
    [
        (["--text=--"], "--"),
        (["--text", "--"], "--"),
        (["--text", "-x"], "-x"),
        (["--text=-x"], "-x"),
        (["--text", "--verbose"], "--verbose"),
        (["--text=--line"], "--line"),
        (["--text", "a=b --c"], "a=b --c"),
    ],
)
def test_any_text_is_a_note_body(
    capsys: pytest.CaptureFixture[str], doc: Path, data: Path, text_args: list[str], body: str
) -> None:
    code, _, err = run(capsys, "add", str(doc), "--line", "1", *text_args, "--data-dir", str(data))
    assert (code, err) == (0, "")
    with NotesStore(data) as store:
        assert [n.body for n in store.all_notes()] == [body]


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"one\0two\n", "the note read from stdin holds NUL bytes"),
        (b"caf\xe9 latin-1\n", "the note read from stdin is not UTF-8 text"),
        (b"", "the note is empty or only blanks"),
        (b" \n\t\n", "the note is empty or only blanks"),
    ],
)
def test_bad_text_from_stdin_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    doc: Path,
    data: Path,
    monkeypatch: pytest.MonkeyPatch,
    stdin: bytes,
    message: str,
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code, out, err = run(
        capsys, "add", str(doc), "--line", "1", "--text", "-", "--data-dir", str(data)
    )
    assert (code, out) == (2, "")
    assert err.startswith(f"seedreader: {message}") and err.count("\n") == 1, err
    with NotesStore(data) as store:
        assert store.all_notes() == []


def test_environment_sets_the_data_dir(
    capsys: pytest.CaptureFixture[str], doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEEDREADER_DATA_DIR", str(tmp_path / "env-data"))
    assert run(capsys, "add", str(doc), "--line", "1", "--text", "x")[0] == 0
    assert (tmp_path / "env-data" / DB_NAME).exists()


def test_the_installed_command_end_to_end(doc: Path, data: Path, tmp_path: Path) -> None:
    env = {**os.environ, "SEEDREADER_DATA_DIR": str(data)}

    def seedreader(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "seedreader", "notes", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )

    added = seedreader("add", str(doc), "--line", "7", "--text", "seven")
    assert added.returncode == 0, added.stderr
    listed = seedreader("list", "--json")
    assert [n["line"] for n in json.loads(listed.stdout)] == [7]
    bad = seedreader("add", str(doc), "--line", "70", "--text", "x")
    assert bad.returncode == 2
    assert bad.stderr.startswith("seedreader: ") and "Traceback" not in bad.stderr
