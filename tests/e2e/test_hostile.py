"""Hostile input through a real terminal: no crash, no hang, a literal and aligned display or a
clear message. Every file is generated here; nothing binary is committed."""

from __future__ import annotations

import os
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest

from seedreader.documents import sanitize
from tests.e2e.conftest import Spawn
from tests.e2e.terminal import SEEDREADER, Terminal, misalignment
from tests.hostile import HOSTILE_TEXT

UNSAFE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff\u061c\x1b")
"""Characters that must never be written to the terminal as they are."""

ZALGO = (
    "Z" + "\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a\u030b\u030c" * 4 + "algo"
)

# Lines that any terminal draws at the width Rich measures: they must stay aligned.
ALIGNED_FILES: dict[str, list[str]] = {
    "cjk.txt": [
        f"{i:02} 日本語の文章、漢字とかなを混ぜた行。한국어 문장 中文句子。" * (1 + i % 4) + " end"
        for i in range(80)
    ],
    "zalgo.txt": [f"{i:02} {ZALGO} {ZALGO} h̸̡̪̯ͨ͊̽̅̾̎Ȩ̬̩̾͛ͪ̈́̀́͘ ̶̧̨̱̹̭̯ͧ̾ͬC̷̙̲̝͖ͭ̏ͥͮ͟Oͮ͏̮̪̝͍M̲̖͊̒ͪͩͬ̚̚͜Ȇ̴̟̟͙̞ͩ͌͝S̨̥̫͎̭ͯ̿̔̀ͅ end" for i in range(80)],
    "bidi.txt": [
        f"{i:02} abc \u202eevil\u202c def \u2066isolate\u2069 \u202dLTR\u202c \u061cmark "
        "שלום עולם مرحبا بالعالم" + " z" * (i % 40)
        for i in range(80)
    ],
    "zero-width.txt": [
        f"{i:02} zero\u200bwidth space, non\u200cjoiner, word\u2060joiner, bom\ufeffhere, "
        "soft\u00adhyphen" + " w" * (i % 45)
        for i in range(80)
    ],
    "emoji-simple.txt": [
        f"{i:02} faces 🙂😀🚀🎉 wide ones ⌚⏰ and text" + " 🙂" * (i % 30) for i in range(80)
    ],
}

# Code-point sequences that Rich 15 measures as one cluster but a terminal that measures
# code point by code point (pyte, xterm, VTE) draws wider.
EMOJI_SEQUENCES = [f"{i:02} family 👩‍👩‍👧‍👦 flag 🇫🇷 tone 👍🏽 heart ❤️ key 1️⃣ end" for i in range(80)]
# U+200D between ordinary letters: every terminal draws the letter after it.
ZWJ_IN_TEXT = [f"{i:02} width\u200djoin x\u200d日本 क्\u200dष end" for i in range(80)]
# Tabs after a wide character, a combining accent and Hangul jamo: the marker after each tab
# names the cell it must start on.
TAB_STOPS = [
    "0123456789" * 2,
    "日本\tW8\tW16",
    "e\u0301\tC8\tC16",
    "\u1100\u1161\u11a8\tK8\tK16",
]
# Tag characters hiding text, zero-width and bidi controls, a BOM, a C1 control, joiners.
INVISIBLE = (
    "tags:"
    + "".join(chr(0xE0000 + ord(ch)) for ch in "hidden instructions")
    + " zero\u200bwidth bidi\u202eRTL\u202c bom\ufeffhere c1\x9b join\u200der non\u200cjoiner"
)


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def show_document(terminal: Terminal, name: str) -> None:
    """Open `name` with the picker (o), wait until it is drawn, and forget older overflows."""
    terminal.press("o")
    terminal.wait_for("Open document: type part of its name")
    terminal.press(name, "enter")
    terminal.wait_until(lambda screen: name in screen.split("\n")[0], 5, f"{name} in the title")
    terminal.wait_for("line 1/")
    time.sleep(0.3)  # let the last frames of the switch arrive


@pytest.fixture(scope="module")
def unicode_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unicode")
    for name, lines in ALIGNED_FILES.items():
        write_lines(folder / name, lines)
    write_lines(folder / "emoji-sequences.txt", EMOJI_SEQUENCES)
    write_lines(folder / "zwj-in-text.txt", ZWJ_IN_TEXT)
    write_lines(folder / "tab-stops.txt", TAB_STOPS)
    write_lines(folder / "invisible.txt", [INVISIBLE])
    (folder / "shift-jis.txt").write_bytes(HOSTILE_TEXT["shift-jis.txt"])
    (folder / "guessed.txt").write_bytes("na\u00efve\n".encode("cp1252"))
    return folder


@pytest.fixture(scope="module")
def unicode_reader(module_spawn: Spawn, unicode_folder: Path) -> Terminal:
    terminal = module_spawn(unicode_folder)
    terminal.wait_for("/ Search")
    return terminal


def check_aligned(terminal: Terminal, name: str) -> list[str]:
    """Show `name` wrapped, at its end, and unwrapped; return every misalignment seen."""
    show_document(terminal, name)
    problems = []
    for keys in (["G"], ["g", "w"], ["l", "l"], ["w"]):
        terminal.screen.overflows.clear()
        terminal.press(*keys)
        time.sleep(0.25)
        problems += [f"after {keys}: {p}" for p in misalignment(terminal)]
    return problems


@pytest.mark.parametrize("name", list(ALIGNED_FILES))
def test_unicode_is_literal_and_aligned(unicode_reader: Terminal, name: str) -> None:
    show_document(unicode_reader, name)
    # Literal: what a person reads is the text (pyte composes accents, hence NFC), with only
    # the reordering and invisible characters made visible.
    shown = unicodedata.normalize("NFC", sanitize(ALIGNED_FILES[name][0]))
    unicode_reader.wait_for(shown[:40])
    assert not UNSAFE.intersection(unicode_reader.screen_text())
    assert check_aligned(unicode_reader, name) == []
    unicode_reader.answers_a_key()


def test_zero_width_joiner_between_letters_stays_aligned(unicode_reader: Terminal) -> None:
    assert check_aligned(unicode_reader, "zwj-in-text.txt") == []


def test_emoji_sequences_stay_aligned(unicode_reader: Terminal) -> None:
    assert check_aligned(unicode_reader, "emoji-sequences.txt") == []


def test_tabs_after_wide_and_combining_characters_land_on_tab_stops(
    unicode_reader: Terminal,
) -> None:
    show_document(unicode_reader, "tab-stops.txt")
    unicode_reader.wait_for("W16")
    rows = [unicode_reader.cells(y) for y in range(unicode_reader.screen.lines)]
    ruler = next(cells for cells in rows if "".join(cells).count("0123456789") == 2)
    origin = "".join(ruler).index("0123456789")  # the document's first column
    for marker in ("W8", "W16", "C8", "C16", "K8", "K16"):
        row = next(cells for cells in rows if marker in "".join(cells))
        # The screen column of the marker: cells hold a composed "é", and "" after 日.
        x = next(i for i in range(len(row)) if "".join(row[i : i + len(marker)]) == marker)
        assert x - origin == int(marker[1:]), f"{marker} at cell {x - origin}"


def test_invisible_characters_show_their_visible_forms(unicode_reader: Terminal) -> None:
    show_document(unicode_reader, "invisible.txt")
    unicode_reader.wait_for("ｈｉｄｄｅｎ␠ｉｎｓｔｒｕｃｔｉｏｎｓ")
    text = unicode_reader.screen_text()
    for shown in ("zero␣width", "bidi⇆RTL⇆", "bom⍽here", "c1␦", "join‿er", "non¦joiner"):
        assert shown in text
    assert not UNSAFE.intersection(text)
    assert not any(0xE0000 <= ord(ch) <= 0xE0FFF for ch in text)


def test_status_bar_names_the_encoding_and_says_when_it_is_a_guess(
    unicode_reader: Terminal,
) -> None:
    show_document(unicode_reader, "shift-jis.txt")
    unicode_reader.wait_for("吾輩は猫である。")
    assert " shift_jis " in f" {unicode_reader.status_line()} "
    assert "\ufffd" not in unicode_reader.screen_text()
    show_document(unicode_reader, "guessed.txt")
    unicode_reader.wait_for("naïve")
    assert " cp1252? " in f" {unicode_reader.status_line()} "


def test_unicode_session_quits_cleanly(unicode_reader: Terminal) -> None:
    unicode_reader.press("q")
    assert unicode_reader.wait_exit() == 0


# --- paths that are not documents -----------------------------------------------------------


def refused(spawn: Spawn, path: str | Path, message: str) -> str:
    """Run the app on `path` in the pty: it must exit 2 within seconds with one clear line."""
    terminal = spawn(path)
    assert terminal.wait_exit(timeout=10) == 2
    text = terminal.screen_text()
    assert "seedreader: " in text and message in text
    assert "Traceback" not in text
    return text


def test_fifo_is_refused(spawn: Spawn, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    refused(spawn, tmp_path / "pipe", "FIFO")


def test_dev_zero_is_refused(spawn: Spawn) -> None:
    refused(spawn, "/dev/zero", "not a regular file")


def test_sparse_gigabyte_is_refused_as_binary(spawn: Spawn, tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.txt"
    subprocess.run(["truncate", "-s", "1G", sparse], check=True)
    started = time.monotonic()
    refused(spawn, sparse, "binary file")
    assert time.monotonic() - started < 10


def test_folder_of_traps_opens_what_it_can(spawn: Spawn, tmp_path: Path) -> None:
    """A FIFO, symlink loops, a dangling link and a 1 GB sparse file beside one real document."""
    folder = tmp_path / "traps"
    folder.mkdir()
    (folder / "real.txt").write_text("the only real document here\n")
    os.mkfifo(folder / "pipe.txt")
    (folder / "self").symlink_to(".")  # a folder loop
    (folder / "loop-a.txt").symlink_to("loop-b.txt")
    (folder / "loop-b.txt").symlink_to("loop-a.txt")
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")
    subprocess.run(["truncate", "-s", "1G", folder / "sparse.txt"], check=True)
    terminal = spawn(folder)
    terminal.wait_for("the only real document here", timeout=10)
    terminal.wait_for("/ Search")
    terminal.wait_for("binary", timeout=5)  # the sparse file is counted as skipped
    terminal.answers_a_key()
    terminal.press("q")
    assert terminal.wait_exit() == 0


# --- big files ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def one_line_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 MB of words on a single line."""
    path = tmp_path_factory.mktemp("one-line") / "one-line.txt"
    word = b"lorem ipsum dolor sit amet "
    with path.open("wb") as out:
        chunk = word * (1024 * 1024 // len(word))
        for _ in range(50):
            out.write(chunk)
        out.write(b"THE-END\n")
    return path


@pytest.mark.slow
def test_fifty_megabyte_single_line(spawn: Spawn, one_line_file: Path) -> None:
    terminal = spawn(one_line_file)
    terminal.wait_for("lorem ipsum dolor", timeout=20)
    terminal.wait_for("line 1/1", timeout=20)
    terminal.answers_a_key()
    # Wrap toggled three times: each toggle after the first once took 4-5 s (fixed in 49fe2c4).
    for keys in (["G"], ["j"], ["space"], ["b"], ["g"], ["w"], ["w"], ["w"], ["l"] * 5, ["w"]):
        terminal.press(*keys)
        terminal.answers_a_key()
    assert terminal.cursor_line() == 1
    terminal.press("q")
    assert terminal.wait_exit() == 0


# --- files changing under the reader --------------------------------------------------------


def numbered(count: int, first: int = 1, prefix: str = "line") -> list[str]:
    return [f"{prefix} {i:04} of the changing document" for i in range(first, first + count)]


def test_file_rewritten_truncated_and_deleted_while_open(spawn: Spawn, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "changing.txt", numbered(300))
    subprocess.run(
        [SEEDREADER, "notes", "add", path, "--line", "150", "--text", "anchored on line 150"],
        check=True,
        capture_output=True,
    )
    terminal = spawn(path)
    terminal.wait_for("/ Search")
    terminal.press(":")
    terminal.wait_for("Go to line")
    terminal.press("150", "enter")
    terminal.wait_until(lambda _: terminal.cursor_line() == 150, 5, "line 150")

    # Rewritten with 20 new lines on top: the reading place follows its text.
    write_lines(path, numbered(20, prefix="new") + numbered(300))
    terminal.wait_for("changed on disk and was reloaded", timeout=8)
    terminal.wait_until(lambda _: "/320" in terminal.status_line(), 5, "320 lines")
    assert terminal.cursor_line() == 170
    assert "line 0150 of the changing document" in terminal.screen_text()
    terminal.answers_a_key()
    # The note moved with its text.
    terminal.press("s")
    terminal.wait_for("anchored on line 150")
    terminal.wait_for("line 170  moved")  # in the sidebar, not the status bar
    terminal.press("s")
    terminal.wait_gone("anchored on line 150")

    # Truncated below the reading place: the cursor stays inside the document.
    write_lines(path, numbered(40))
    terminal.wait_until(lambda _: "/40 " in terminal.status_line() + " ", 8, "40 lines")
    assert 1 <= terminal.cursor_line() <= 40
    terminal.answers_a_key()

    # Truncated to nothing.
    path.write_bytes(b"")
    terminal.wait_until(lambda _: "empty" in terminal.status_line(), 8, "an empty document")
    terminal.answers_a_key()

    # Deleted: what was read stays on screen and the app still answers.
    write_lines(path, numbered(10))
    terminal.wait_until(lambda _: "/10 " in terminal.status_line() + " ", 8, "10 lines")
    path.unlink()
    time.sleep(2.5)  # one change check
    terminal.answers_a_key()
    assert "line 0001 of the changing document" in terminal.screen_text()
    terminal.press("q")
    assert terminal.wait_exit() == 0
