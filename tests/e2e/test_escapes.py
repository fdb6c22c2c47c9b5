"""No escape sequence from a document, a file name or a note ever reaches the terminal.

The app's own drawing uses CSI and DECSET too, so each hostile sequence carries a distinctive
payload, and the raw bytes the app wrote are searched for that payload right after the ESC.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import Spawn
from tests.e2e.terminal import SEEDREADER, Terminal

E = "\x1b"

# (what the document line holds, bytes that must never be written, what the screen shows)
SEQUENCES: list[tuple[str, bytes, str]] = [
    (f"title {E}]0;pwned-title\x07 end", b"\x1b]0;pwned", "␛]0;pwned-title␇"),
    (f"title2 {E}]2;pwned-two{E}\\ end", b"\x1b]2;pwned", "␛]2;pwned-two␛\\"),
    (f"clipboard {E}]52;c;ZXZpbA==\x07 end", b"\x1b]52;", "␛]52;c;ZXZpbA==␇"),
    (
        f"link {E}]8;;https://evil.example/x\x07click{E}]8;;\x07 end",
        b"\x1b]8;;https://evil",
        "␛]8;;https://evil.example/x␇click",
    ),
    (f"cursor {E}[10;10HCURSORMARK", b"\x1b[10;10HCURSORMARK", "␛[10;10HCURSORMARK"),
    (f"up {E}[5AUPMARK {E}[2JCLEARMARK", b"\x1b[5AUPMARK", "␛[5AUPMARK ␛[2JCLEARMARK"),
    (f"alt screen {E}[?1049hALTMARK", b"\x1b[?1049hALTMARK", "␛[?1049hALTMARK"),
    (f"mouse {E}[?1000hMOUSEMARK", b"\x1b[?1000hMOUSEMARK", "␛[?1000hMOUSEMARK"),
    (f"colour {E}[31mREDMARK{E}[0m", b"\x1b[31mREDMARK", "␛[31mREDMARK␛[0m"),
    (f"dcs {E}P+q544e{E}\\ DCSMARK", b"\x1bP+q544e", "␛P+q544e␛\\ DCSMARK"),
    ("c1 csi \u009b31mC1MARK", "\u009b31mC1MARK".encode(), "\u242631mC1MARK"),
    ("c1 osc \u009d0;c1title\x07", "\u009d0;c1title".encode(), "\u24260;c1title␇"),
]

NOTE_BODY = f"note {E}]52;c;Tk9URQ==\x07 and {E}]2;note-title\x07 end"
NOTE_FORBIDDEN = [b"\x1b]52;c;Tk9URQ", b"\x1b]2;note-title"]
NOTE_SHOWN = "note ␛]52;c;Tk9URQ==␇ and ␛]2;note-title␇"

EVIL_NAME = f"name-{E}]0;fname\x07.txt"


def leaks(raw: bytes, forbidden: list[bytes]) -> list[bytes]:
    """The forbidden sequences that occur in `raw`."""
    return [seq for seq in forbidden if seq in raw]


def foreign_osc(raw: bytes) -> set[bytes]:
    """OSC numbers the app wrote other than its own pointer-shape one (OSC 22)."""
    return {number for number in re.findall(rb"\x1b\](\d*)", raw) if number != b"22"} | {
        b"C1" for _ in re.findall(rb"\xc2[\x80-\x9f]", raw)
    }


DOC_FORBIDDEN = [seq for _, seq, _ in SEQUENCES] + [b"\x1b]0;fname"]


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("escapes")
    (folder / "evil.txt").write_text("\n".join(line for line, _, _ in SEQUENCES) + "\n")
    (folder / EVIL_NAME).write_text("a file whose name holds an OSC title change\n")
    return folder


@pytest.fixture(scope="module")
def session(module_spawn: Spawn, module_dirs: Path, hostile_folder: Path) -> Terminal:
    """The app on the folder, with a note whose body holds escapes added from the shell."""
    added = subprocess.run(
        [
            SEEDREADER,
            "notes",
            "add",
            hostile_folder / "evil.txt",
            "--line",
            "3",
            "--text",
            NOTE_BODY,
        ],
        env={**os.environ, "SEEDREADER_DATA_DIR": str(module_dirs / "data")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    assert "\x1b" not in added.stdout + added.stderr
    terminal = module_spawn(hostile_folder)
    terminal.wait_for("/ Search")
    return terminal


def test_document_sequences_show_literally(session: Terminal) -> None:
    for _, _, shown in SEQUENCES:
        session.wait_for(shown)
    assert leaks(session.raw_bytes(), DOC_FORBIDDEN) == []
    assert foreign_osc(session.raw_bytes()) == set()


def test_file_name_with_escapes_shows_literally(session: Terminal) -> None:
    session.wait_for("name-␛]0;fname␇.txt")  # in the library panel
    session.press("]")
    session.wait_for("a file whose name holds")
    session.wait_until(lambda screen: "name-␛]0;fname␇.txt" in screen.split("\n")[0], 5, "title")
    session.press("[")
    session.wait_for("clipboard ␛]52")
    assert leaks(session.raw_bytes(), DOC_FORBIDDEN) == []


def test_search_hits_show_literally(session: Terminal) -> None:
    session.press("/")
    session.wait_for("All documents")
    session.press("clipbaord")  # the hit list shows the line, OSC 52 and all
    session.wait_for("evil.txt:3")
    session.wait_for("␛]52;c;ZXZpbA==␇")
    session.press("escape")
    session.wait_gone("All documents")
    assert leaks(session.raw_bytes(), DOC_FORBIDDEN) == []


def test_note_with_escapes_in_sidebar_and_all_notes(session: Terminal) -> None:
    session.press("s")
    session.wait_for("Notes · 1 note")
    session.wait_for("note ␛]52;c;Tk9URQ==␇")
    session.press("s")
    session.press("A")
    session.wait_for("All notes (1)")
    session.wait_for(NOTE_SHOWN)
    session.press("escape")
    session.wait_gone("All notes (1)")
    raw = session.raw_bytes()
    assert leaks(raw, NOTE_FORBIDDEN + DOC_FORBIDDEN) == []
    assert foreign_osc(raw) == set()


def test_note_with_escapes_in_the_editor(spawn: Spawn, data_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "plain.txt"
    doc.write_text("first line\nsecond line\n")
    added = subprocess.run(
        [SEEDREADER, "notes", "add", doc, "--line", "1", "--text", NOTE_BODY],
        env={**os.environ, "SEEDREADER_DATA_DIR": str(data_dir)},
        capture_output=True,
        check=False,
    )
    assert added.returncode == 0
    terminal = spawn(doc)
    terminal.wait_for("/ Search")
    terminal.press("e")
    terminal.wait_for("Edit note")
    terminal.wait_until(
        lambda screen: NOTE_SHOWN in screen or leaks(terminal.raw_bytes(), NOTE_FORBIDDEN),
        10,
        "the body in the editor",
    )
    raw = terminal.raw_bytes()
    assert leaks(raw, NOTE_FORBIDDEN) == []
    assert NOTE_SHOWN in terminal.screen_text()


def test_quit_and_nothing_leaked_in_the_whole_session(session: Terminal) -> None:
    session.press("q")
    assert session.wait_exit() == 0
    raw = session.raw_bytes()
    assert leaks(raw, NOTE_FORBIDDEN + DOC_FORBIDDEN) == []
    assert foreign_osc(raw) == set()
    # The terminal is left as it was found: alternate screen and mouse reporting switched off.
    tail = raw[raw.rfind(b"\x1b[?1049l") :]
    assert b"\x1b[?1049l" in raw and b"\x1b[?1000h" not in tail
