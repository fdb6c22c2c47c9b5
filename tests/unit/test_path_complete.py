"""Path completion and checking for the open prompt: what Tab does, what Enter opens."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedreader import path_complete
from seedreader.path_complete import Completion, complete, prefill, resolve
from seedreader.pathnames import show_path

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder with files, folders and a hidden entry."""
    (tmp_path / "chapter-one.txt").write_text("one\n")
    (tmp_path / "chapter-two.txt").write_text("two\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "inside.md").write_text("x\n")
    (tmp_path / "novel.txt").write_text("n\n")
    (tmp_path / ".hidden").write_text("h\n")
    (tmp_path / "Zebra.txt").write_text("z\n")
    return tmp_path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake home folder, so `~` never means the real one."""
    folder = tmp_path / "home"
    (folder / "books").mkdir(parents=True)
    (folder / "books" / "kjv.txt").write_text("In the beginning\n")
    monkeypatch.setenv("HOME", str(folder))
    return folder


# --- complete ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("chapter-o", "chapter-one.txt"),  # a unique file: the whole name
        ("nov", "novel.txt"),
        ("not", "notes/"),  # a unique folder: with a slash
        ("ch", "chapter-"),  # several: their common prefix
        ("no", "no"),  # notes/ and novel.txt share only what was typed
        ("zzz", "zzz"),  # nothing matches: unchanged
        ("notes/i", "notes/inside.md"),  # inside a subfolder, keeping what was typed
        (".h", ".hidden"),
    ],
)
def test_tab_completes_relative_to_cwd(tree: Path, typed: str, text: str) -> None:
    assert complete(typed, tree).text == text


def test_absolute_paths_complete_and_keep_their_form(tree: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    result = complete(f"{tree}/chapter-t", other)
    assert result.text == f"{tree}/chapter-two.txt"
    assert result.paths == (tree / "chapter-two.txt",)


def test_candidates_are_sorted_display_names_with_folders_marked(tree: Path) -> None:
    result = complete("", tree)
    assert result.candidates == (
        "chapter-one.txt",
        "chapter-two.txt",
        "notes/",
        "novel.txt",
        "Zebra.txt",
    )
    assert [result.is_folder(i) for i in range(len(result.candidates))] == [
        False,
        False,
        True,
        False,
        False,
    ]
    assert result.paths[2] == tree / "notes"
    assert result.fills[2] == "notes/"
    assert not result.truncated
    assert result.error == ""


def test_hidden_entries_only_when_the_name_starts_with_a_dot(tree: Path) -> None:
    assert ".hidden" not in complete("", tree).candidates
    result = complete(".", tree)
    assert result.candidates == ("./", ".hidden")
    assert result.text == "."


def test_dot_dot_completes_to_the_parent(tree: Path) -> None:
    result = complete("..", tree / "notes")
    assert result.text == "../"
    assert result.paths == (tree / "notes" / "..",)


def test_tilde_is_the_home_folder(home: Path, tree: Path) -> None:
    assert complete("~", tree).text == "~/"
    assert complete("~/bo", tree).text == "~/books/"
    result = complete("~/books/k", tree)
    assert result.text == "~/books/kjv.txt"
    assert result.paths == (home / "books" / "kjv.txt",)


def test_a_missing_folder_gives_no_candidates_and_says_why(tree: Path) -> None:
    result = complete("missing/sub/na", tree)
    assert result == Completion("missing/sub/na", (), error=result.error)
    assert result.error.startswith("Cannot list missing/sub/: ")


def test_a_file_used_as_a_folder_is_not_an_error_that_raises(tree: Path) -> None:
    result = complete("novel.txt/x", tree)
    assert result.candidates == ()
    assert result.text == "novel.txt/x"
    assert "Cannot list" in result.error


def test_a_nul_byte_in_the_typed_folder_does_not_raise(tree: Path) -> None:
    result = complete("no\x00tes/", tree)
    assert result.candidates == ()
    assert "\x00" not in result.error


@pytest.mark.skipif(IS_ROOT, reason="root reads every folder")
def test_an_unreadable_folder_gives_no_candidates(tree: Path) -> None:
    locked = tree / "locked"
    locked.mkdir()
    (locked / "secret.txt").write_text("s\n")
    locked.chmod(0)
    try:
        result = complete("locked/s", tree)
    finally:
        locked.chmod(0o700)
    assert result.candidates == ()
    assert "Permission denied" in result.error


def test_a_broken_symlink_is_listed_as_a_file(tree: Path) -> None:
    (tree / "dangling").symlink_to(tree / "gone")
    (tree / "linked").symlink_to(tree / "notes")
    assert complete("dan", tree).candidates == ("dangling",)
    assert complete("lin", tree).text == "linked/"  # a link to a folder is a folder


def test_control_characters_in_names_are_shown_escaped_and_never_completed(tree: Path) -> None:
    (tree / "evil\x1b[2Jname.txt").write_text("e\n")
    result = complete("evil", tree)
    assert result.candidates == (show_path("evil\x1b[2Jname.txt"),)
    assert "\x1b" not in result.candidates[0]
    assert result.text == "evil"  # the field stops before the control character
    assert result.fills == ("",)  # choosing it can only open it
    assert result.paths == (tree / "evil\x1b[2Jname.txt",)


def test_invalid_utf8_names_are_shown_escaped(tree: Path) -> None:
    raw = os.fsencode(str(tree)) + b"/bad\xffname.txt"
    try:
        fd = os.open(raw, os.O_CREAT | os.O_WRONLY, 0o600)
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    os.close(fd)
    result = complete("bad", tree)
    assert result.candidates == ("bad\\xffname.txt",)
    result.candidates[0].encode("utf-8")  # drawable: no lone surrogate
    assert result.text == "bad"
    assert os.fsencode(result.paths[0]) == raw
    assert resolve(str(result.paths[0]), tree) == result.paths[0]


def test_the_common_prefix_stops_before_an_unshowable_character(tree: Path) -> None:
    (tree / "same\x07a").write_text("")
    (tree / "same\x07b").write_text("")
    assert complete("sa", tree).text == "same"


def test_a_capped_list_stops_early_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(path_complete, "MAX_CANDIDATES", 5)
    for index in range(30):
        (tmp_path / f"a{index:02d}").write_text("")
    (tmp_path / "b-only").write_text("")
    everything = complete("", tmp_path)
    assert len(everything.candidates) == 5
    assert everything.truncated
    assert everything.text == ""
    assert complete("a0", tmp_path).truncated
    assert complete("b", tmp_path) == Completion(
        "b-only", ("b-only",), (tmp_path / "b-only",), ("b-only",)
    )
    monkeypatch.setattr(path_complete, "MAX_CANDIDATES", 10)
    few = complete("a0", tmp_path)  # exactly as many as the cap: all, sorted, not truncated
    assert few.candidates == tuple(f"a0{digit}" for digit in range(10))
    assert not few.truncated


def test_the_cap_does_not_change_the_common_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(path_complete, "MAX_CANDIDATES", 3)
    for index in range(10):
        (tmp_path / f"chapter-{index}").write_text("")
    result = complete("c", tmp_path)
    assert result.text == "chapter-"  # every match shares it, listed or not
    assert len(result.candidates) == 3
    assert result.truncated


def test_a_folder_with_100000_entries_answers_fast(tmp_path: Path) -> None:
    for index in range(100_000):
        os.close(os.open(tmp_path / f"f{index:06d}.txt", os.O_CREAT | os.O_WRONLY, 0o600))
    started = time.perf_counter()
    listing = complete("", tmp_path)
    narrow = complete("f09999", tmp_path)
    elapsed = time.perf_counter() - started
    assert len(listing.candidates) == path_complete.MAX_CANDIDATES
    assert listing.truncated
    assert listing.text == "f0"  # every name starts with it, listed or not
    assert narrow.candidates == tuple(f"f09999{d}.txt" for d in range(10))
    assert narrow.text == "f09999"
    assert elapsed < 2.0


# --- resolve ----------------------------------------------------------------------------------


def test_resolve_gives_files_and_folders(tree: Path) -> None:
    assert resolve("novel.txt", tree) == tree / "novel.txt"
    assert resolve("notes", tree) == tree / "notes"
    assert resolve("notes/", tree) == tree / "notes"
    assert resolve(str(tree / "notes" / "inside.md"), Path("/")) == tree / "notes" / "inside.md"


def test_resolve_expands_the_home_folder(home: Path, tree: Path) -> None:
    assert resolve("~/books/kjv.txt", tree) == home / "books" / "kjv.txt"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("missing.txt", "No such file or folder: missing.txt"),
        ("novel.txt/inside", "No such file or folder: novel.txt/inside"),
        ("notes/missing/deeper", "No such file or folder: notes/missing/deeper"),
        ("", "Type the path of a file or folder"),
        ("   ", "Type the path of a file or folder"),
        ("bad\x00name", "Not a valid path: bad\u2400name"),
    ],
)
def test_resolve_explains_what_it_cannot_open(tree: Path, typed: str, message: str) -> None:
    assert resolve(typed, tree) == message


def test_resolve_refuses_a_fifo(tree: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tree / "pipe")
    assert resolve("pipe", tree) == "Not a file or folder: pipe"


def test_resolve_reports_a_broken_link_and_a_loop(tree: Path) -> None:
    (tree / "dangling").symlink_to(tree / "gone")
    (tree / "loop").symlink_to(tree / "loop")
    assert resolve("dangling", tree) == "No such file or folder: dangling"
    message = resolve("loop", tree)
    assert isinstance(message, str)
    assert message.startswith("Cannot open loop: ")


def test_resolve_messages_are_one_safe_line(tree: Path) -> None:
    message = resolve("evil\x1b[31m\nname", tree)
    assert isinstance(message, str)
    assert "\x1b" not in message
    assert "\n" not in message


@pytest.mark.skipif(IS_ROOT, reason="root reads every file")
def test_resolve_reports_an_unreadable_file(tree: Path) -> None:
    (tree / "novel.txt").chmod(0)
    assert resolve("novel.txt", tree) == "Permission denied: novel.txt"


# --- prefill ----------------------------------------------------------------------------------


def test_prefill_abbreviates_the_home_folder(home: Path, tmp_path: Path) -> None:
    assert prefill(home / "books") == "~/books/"
    assert prefill(home) == "~/"
    outside = tmp_path / "outside"
    assert prefill(outside) == f"{outside}/"
    assert prefill(Path("/")) == "/"


def test_prefill_is_empty_for_a_folder_it_cannot_show(home: Path) -> None:
    assert prefill(home / "bad\x1bname") == ""


def test_prefill_completes_and_resolves(home: Path) -> None:
    cwd = home / "books"
    typed = complete(prefill(cwd) + "k", cwd).text
    assert typed == "~/books/kjv.txt"
    assert resolve(typed, cwd) == cwd / "kjv.txt"


# --- never raises, never shows a control ------------------------------------------------------


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=30))
def test_complete_never_raises_and_shows_only_safe_text(tree: Path, typed: str) -> None:
    result = complete(typed, tree)
    for candidate in result.candidates:
        assert show_path(candidate) == candidate
    assert show_path(result.error) == result.error
    if show_path(typed) == typed:
        assert result.text.startswith(typed)
        assert show_path(result.text) == result.text
    message = resolve(typed, tree)
    assert isinstance(message, Path) or show_path(message) == message
