"""The end of a large file read before its line index is done (`Document.read_tail`).

Every test checks the same promise: the tail's lines are the file's last lines, and once the
index is done `sync_tail` shifts their estimated numbers onto the exact ones, so whatever was
on screen stays the same text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import seedreader.documents as documents
from seedreader.documents import CHUNK, Document

SMALL = 4096
"""Files larger than this are read in chunks in these tests (rather than 8 MB)."""


@pytest.fixture(autouse=True)
def small_files_are_tiny(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "SMALL_FILE", SMALL)


def tail_view(document: Document) -> tuple[int, list[str]]:
    """The tail as the view sees it before the index: (first view line, its lines)."""
    count = document.view_line_count
    first = count - 1
    while document.view_has(first - 1) and first > count - 2000:
        first -= 1
    return first, [document.view_line(i) for i in range(first, count)]


def settle(document: Document, first: int) -> int:
    """Index the document, take up the shift, and return where view line `first` went."""
    document.index_lines()
    shift, start = document.sync_tail()
    assert document.sync_tail() == (0, 0)  # exact now: nothing moves any more
    return first + shift if first >= start else first


def check_tail(path: Path, *, codec: str = "utf-8") -> Document:
    document = Document(path).load()
    assert document.is_large and not document.is_indexed
    assert document.read_tail()
    first, shown = tail_view(document)
    assert shown, "the tail has lines"
    assert not document.view_line_is_exact(document.view_line_count - 1)
    exact_first = settle(document, first)
    whole = path.read_bytes().decode(codec, errors="replace")
    expected = documents.split_lines(whole)
    assert document.line_count == len(expected)
    assert document.view_line_count == len(expected)
    assert expected[exact_first : exact_first + len(shown)] == shown
    assert exact_first + len(shown) == len(expected), "the tail ends with the file's last line"
    assert document.view_line_is_exact(exact_first)
    return document


def numbered(n: int, end: str = "\n", width: int = 30) -> str:
    return "".join(f"line {i:07d} {'x' * (i % width)}{end}" for i in range(n))


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_the_tail_is_the_last_lines_and_becomes_exact(tmp_path: Path, end: str) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(numbered(40_000, end).encode())
    check_tail(path)


@pytest.mark.parametrize("shift", range(-3, 4))
@pytest.mark.parametrize("end", ["\r\n", "\r", "\n\r"])
def test_breaks_split_across_the_read_boundary(tmp_path: Path, end: str, shift: int) -> None:
    # The first tail read starts CHUNK bytes before the end: put a break right across it.
    body = numbered(20_000, end)
    tail = "z" * 50 + end
    size = len(body) + len(tail)
    # Pad the last line so a break lands `shift` bytes from the read's first byte.
    last = "y" * (CHUNK - len(tail) - shift) + end
    text = body + tail + last
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode())
    assert size > SMALL
    check_tail(path)


def test_no_final_line_break(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(numbered(30_000).encode() + b"the very last words")
    document = check_tail(path)
    assert document.line(document.line_count - 1) == "the very last words"


def test_trailing_empty_lines(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(numbered(30_000).encode() + b"\n" * 5000)
    check_tail(path)


def test_a_long_last_line_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(numbered(30_000).encode() + b"L" * (3 * 1024 * 1024) + b"\n")
    document = check_tail(path)
    assert document.line(document.line_count - 1) == "L" * (3 * 1024 * 1024)


def test_no_line_break_near_the_end_waits_for_the_index(tmp_path: Path) -> None:
    # A last line longer than TAIL_LIMIT: no line start to begin the tail at.
    path = tmp_path / "big.txt"
    path.write_bytes(numbered(1000).encode() + b"Q" * (documents.TAIL_LIMIT + 10) + b"\n")
    document = Document(path).load()
    assert not document.read_tail()
    assert not document.read_tail()  # remembered: not searched for again
    assert document.view_line_count == document.line_count
    document.index_lines()
    assert document.read_tail()
    assert document.line(document.line_count - 1).startswith("QQQ")


def test_one_50_mb_line(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_bytes(b"w" * (50 * 1024 * 1024))
    document = Document(path).load()
    assert not document.read_tail()
    assert document.view_line_count == 0
    document.index_lines()
    assert document.line_count == 1 and document.read_tail()
    assert document.view_line_count == 1


def test_scrolling_up_reads_further_back(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(numbered(60_000).encode())
    document = Document(path).load()
    assert document.read_tail()
    count = document.view_line_count
    first = document.view_gap()[1]
    assert document.view_has(first - 1), "the line above the tail is read on demand"
    assert document.view_gap()[1] < first
    far = count - documents.TAIL_REACH - 10
    if document.view_gap()[0] <= far:
        assert not document.view_has(far), "far above the tail waits for the index"
    top = document.view_gap()[1]
    shown = [document.view_line(i) for i in range(top, count)]
    exact_top = settle(document, top)
    assert document.lines(exact_top, exact_top + len(shown)) == shown


def test_the_estimate_moves_on_when_the_index_overtakes_it(tmp_path: Path) -> None:
    # Long lines at the start, short ones after: the first guess is too low.
    head = "".join(f"{'h' * 2000} {i}\n" for i in range(40))
    path = tmp_path / "big.txt"
    path.write_bytes((head + "".join(f"{i}\n" for i in range(400_000))).encode())
    document = Document(path).load()
    assert document.read_tail()
    first, shown = tail_view(document)
    moved = 0

    def progress(done: int, total: int) -> None:
        nonlocal first, moved
        shift, start = document.sync_tail()
        if shift and first >= start:
            first += shift
            moved += 1
        assert [document.view_line(i) for i in range(first, first + len(shown))] == shown
        gap_first, gap_stop = document.view_gap()
        assert gap_first < gap_stop or document.tail_is_exact, "the gap is never empty"

    documents.READ, old = 64 * 1024, documents.READ  # many progress calls
    try:
        document.index_lines(progress)
    finally:
        documents.READ = old
    first = settle(document, first)
    assert moved >= 1
    assert document.lines(first, first + len(shown)) == shown
    assert first + len(shown) == document.line_count


def test_a_legacy_codec(tmp_path: Path) -> None:
    text = "".join(f"行{i:06d} 日本語のテキスト、ｶﾀｶﾅ。\n" for i in range(20_000))
    path = tmp_path / "sjis.txt"
    path.write_bytes(text.encode("shift_jis"))
    document = Document(path).load()
    assert document.encoding.startswith("shift_jis")
    check_tail(path, codec="shift_jis")


def test_utf16_is_decoded_whole(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(numbered(5000).encode("utf-16"))
    document = Document(path).load()
    assert document.is_indexed and document.read_tail()
    assert document.view_line_count == document.line_count == 5000
    assert document.view_line(4999) == document.line(4999)


def test_a_file_that_shrinks_under_us(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(numbered(40_000).encode())
    document = Document(path).load()
    with open(path, "r+b") as handle:
        handle.truncate(SMALL * 3)
    document.read_tail()  # whatever it finds, no error
    document.index_lines()
    document.sync_tail()
    assert document.view_line_count == document.line_count
    assert document.view_line(document.view_line_count - 1) == document.line(
        document.line_count - 1
    )


def test_a_file_emptied_under_us(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(numbered(40_000).encode())
    document = Document(path).load()
    path.write_bytes(b"")
    assert not document.read_tail()  # nothing at the end to show
    document.index_lines()
    assert document.view_line_count == document.line_count


def test_a_file_that_grows_under_us(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(numbered(40_000).encode())
    document = Document(path).load()
    assert document.read_tail()
    first, shown = tail_view(document)
    with open(path, "ab") as handle:
        handle.write(b"appended later\n" * 100)
    exact = settle(document, first)
    assert document.lines(exact, exact + len(shown)) == shown
    assert document.view_line_count == document.line_count == 40_100


def test_percent_by_bytes_before_the_index(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(numbered(40_000).encode())
    document = Document(path).load()
    assert document.read_tail()
    count = document.view_line_count
    assert document.view_fraction(count - 1) == 1.0
    assert 0.0 < document.view_fraction(0) < 0.01
    assert 0.9 < document.view_fraction(document.view_gap()[1]) < 1.0


def test_the_numbers_change_only_through_sync_tail(tmp_path: Path) -> None:
    """The index finishing in its worker does not renumber what the view holds: until the
    view takes the shift (`sync_tail`), view numbering stays the tail's, so a place near the
    end is not clamped to the exact count and then shifted a second time."""
    path = tmp_path / "big.txt"
    # Short lines first and long ones at the end: the estimate from the start is far too high.
    path.write_text("".join(f"{i}\n" for i in range(3000)) + "x" * 300 + "\nlast\n")
    document = Document(path).load()
    assert document.read_tail()
    count = document.view_line_count
    last = document.view_line(count - 1)
    document.index_lines()  # the worker finishes; the view has not synced yet
    assert document.is_indexed
    assert document.view_line_count == count, "numbers changed behind the view's back"
    assert document.view_line(count - 1) == last == "last"
    assert not document.view_line_is_exact(count - 1)
    shift, start = document.sync_tail()
    assert count - 1 >= start
    assert document.view_line(count - 1 + shift) == "last"
    assert document.view_line_count == count + shift == document.line_count
