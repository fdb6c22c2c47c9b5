"""`seedreader search`: output formats, exit codes, suggestions and errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from seedreader.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["search", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_hits_as_path_line_column_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "Qaddafi", str(SEEDS), "--limit", "2", "--width", "0")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    path, line, column, text = lines[0].split(":", 3)
    assert Path(path).name.endswith(".txt")
    seed = next(SEEDS.glob("*.txt")).read_text().splitlines()
    assert seed[int(line) - 1] == text[1:]
    assert text[1:][int(column) - 1 :].startswith("Gaddafi")
    _, out, _ = run(capsys, "Qaddafi", str(SEEDS), "--limit", "2", "--width", "60")
    text = out.splitlines()[0].split(":", 3)[3][1:]
    assert len(text) <= 60 and text.endswith("…") and "Gaddafi" in text
    assert text.strip("…") in seed[int(line) - 1]
    assert "\x1b[" not in out  # not a terminal: no colour
    assert "did you mean: gaddafi" in err and err.startswith("seedreader: ")


def test_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, '"air strikes"', str(SEEDS), "--json", "--limit", "0", "--width", "0"
    )
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 3
    for record in records:
        assert set(record) == {
            "path",
            "line",
            "column",
            "score",
            "text",
            "text_start",
            "line_length",
            "matches",
        }
        assert record["text_start"] == 0 and record["line_length"] == len(record["text"])
        assert [record["text"][a:b] for a, b in record["matches"]] == ["air strikes"]
        assert record["column"] == record["matches"][0][0] + 1


def test_no_hit_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "xylophone", str(SEEDS))
    assert (code, out) == (1, "")


def test_exact_turns_typos_off(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "Qaddafi", str(SEEDS), "--exact")
    assert (code, out) == (1, "")
    assert "did you mean: gaddafi" in err


def test_default_limit_is_20(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text("".join(f"zebra {i}\n\n" for i in range(30)))
    code, out, _ = run(capsys, "zebra", str(tmp_path))
    assert code == 0 and len(out.splitlines()) == 20
    _, out, _ = run(capsys, "zebra", str(tmp_path), "--limit", "0")
    assert len(out.splitlines()) == 30
    assert [line.split(":")[1] for line in out.splitlines()[:3]] == ["1", "3", "5"]


def test_default_path_is_current_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SEEDS)
    code, out, _ = run(capsys, "Rasmusen")
    assert code == 0 and out.startswith("000_")


def test_control_characters_are_sanitized(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("zebra \x1b[2J\x07 \u202eevil\n", encoding="utf-8")
    code, out, _ = run(capsys, "zebra", str(tmp_path))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    code, out, _ = run(capsys, "zebra", str(tmp_path), "--json")
    assert "\x1b" not in out and json.loads(out)["text"].startswith("zebra \x1b[2J")


def test_colour_on_a_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    (tmp_path / "a.txt").write_text("find the zebra here\n", encoding="utf-8")
    env = {**os.environ, "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "seedreader", "search", "zebra", str(tmp_path)],
        env=env,
        encoding="utf-8",
        timeout=30,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "\x1b[1;31mzebra\x1b[0m" in child.before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "no/such/folder"], "no such file or folder"),
        (["x", str(SEEDS), "--limit", "-1"], "--limit"),
        (["x", str(SEEDS), "--width", "-1"], "--width"),
        (["x", str(SEEDS), "--limit", "many"], "invalid int value"),
        (["   ", str(SEEDS)], "empty"),
        ([], "required"),
    ],
)
def test_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    try:
        code = main(["search", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("seedreader: ") and err.count("\n") == 1 and message in err


def test_folder_without_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "x", str(tmp_path))
    assert code == 2 and "no readable document" in err


def test_runs_as_a_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "seedreader", "search", "Apathurai", str(SEEDS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and "Appathurai" in out.stdout and not out.stderr.count("Trace")


def test_skipped_files_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("a zebra here\n", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"not a document by its name")
    (tmp_path / "slides.pdf").write_bytes(b"nor this one")
    code, out, err = run(capsys, "zebra", str(tmp_path))
    assert code == 0
    assert "notes.txt" in out
    assert err == "seedreader: skipped 2 entries: 2 files of other types\n"
