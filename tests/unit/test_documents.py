"""Loading, decoding, line splitting, sanitizing and scanning of documents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedreader import documents
from seedreader.documents import (
    BinaryFileError,
    Document,
    DocumentError,
    decode_bytes,
    join_lines,
    open_document,
    sanitize,
    scan_paths,
    split_lines,
)
from tests.conftest import SEEDS
from tests.hostile import HOSTILE_TEXT, binary_blob, write_hostile


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\n\n", ["a", ""]),
        ("a\r\nb\rc\nd", ["a", "b", "c", "d"]),
        ("\r\r\n", ["", ""]),
        ("form\x0cfeed\u2028sep\x85nel", ["form\x0cfeed\u2028sep\x85nel"]),
        ("a\tb", ["a       b"]),
    ],
)
def test_split_lines_breaks_on_lf_crlf_cr_only(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines


@given(st.text(alphabet=st.sampled_from(["a", "é", " ", "\t", "\n", "\r", "\x0c", "\u2028"])))
def test_join_lines_is_the_lines_joined(text: str) -> None:
    assert join_lines(text) == "\n".join(split_lines(text))
    assert join_lines(text, expand_tabs=False).expandtabs(8) == join_lines(text)


def test_sanitize_makes_controls_visible_one_for_one() -> None:
    raw = "a\x1b[31mb\x07c\x9bd\u202ee\x00\x7f"
    shown = sanitize(raw)
    assert shown == "a␛[31mb␇c␦d⇆e␀␡"  # C1 and bidi controls: their own forms, not �
    assert len(shown) == len(raw)
    assert sanitize("plain café 日本") == "plain café 日本"


@given(st.text())
def test_sanitized_text_has_no_control_characters(text: str) -> None:
    shown = sanitize(text)
    assert len(shown) == len(text)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in shown)
    assert not any(0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069 for ch in shown)


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (b"plain ascii", "plain ascii", "utf-8"),
        ("caf\u00e9".encode(), "caf\u00e9", "utf-8"),
        (b"\xef\xbb\xbfbom", "bom", "utf-8-sig"),
        ("wide \u00e9".encode("utf-16"), "wide \u00e9", "utf-16-le"),
        ("wide \u00e9".encode("utf-32"), "wide \u00e9", "utf-32-le"),
        ("\u00e9".encode() + b" \xff bad", "\u00e9 \ufffd bad", "utf-8"),
    ],
)
def test_decode_bytes(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data) == (text, encoding)


def test_legacy_encoding_is_guessed() -> None:
    text, encoding = decode_bytes(HOSTILE_TEXT["cp1252.txt"])
    assert "Café crème brûlée" in text
    assert encoding.startswith("cp125") or encoding.startswith("windows-125")


@given(st.binary(max_size=2000))
@settings(max_examples=200)
def test_any_bytes_load_without_raising(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("any") / "file.txt"
    path.write_bytes(data)
    try:
        document = open_document(path)
    except BinaryFileError:
        return
    for line in document.lines():
        assert "\n" not in line and "\r" not in line
        assert not any(ord(ch) < 0x20 for ch in sanitize(line))


def test_hostile_files_open(tmp_path: Path) -> None:
    paths = write_hostile(tmp_path)
    for name in HOSTILE_TEXT:
        document = open_document(paths[name])
        shown = [sanitize(line) for line in document.lines()]
        assert all("\x1b" not in line and "\x9b" not in line for line in shown)
    assert open_document(paths["cr-only.txt"]).lines() == ["one", "two", "three"]
    assert open_document(paths["nul-bytes.txt"]).line(0) == "before\x00after"
    assert open_document(paths["empty.txt"]).line_count == 0
    assert open_document(paths["long-line.txt"]).line_count == 1
    assert open_document(paths["utf16-bom.txt"]).line(0) == "UTF-16 text: café 日本"
    with pytest.raises(BinaryFileError, match="binary file"):
        open_document(paths["binary.bin"])


def test_special_files_give_clear_errors(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match="FIFO"):
        open_document(fifo)  # must not block on open()
    with pytest.raises(DocumentError, match="device"):
        open_document("/dev/zero")
    with pytest.raises(DocumentError, match="no such file"):
        open_document(tmp_path / "missing.txt")
    with pytest.raises(DocumentError, match="is a folder"):
        open_document(tmp_path)


def test_unreadable_file_gives_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("hidden\n")
    # Tests may run as root, who can read anything: make the access check say no.
    monkeypatch.setattr(documents.os, "access", lambda *args, **kwargs: False)
    with pytest.raises(DocumentError, match="permission denied"):
        open_document(path)


def _chunked(path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> Document:
    monkeypatch.setattr(documents, "SMALL_FILE", 16)
    monkeypatch.setattr(documents, "CHUNK", chunk)
    monkeypatch.setattr(documents, "READ", chunk * 3)
    monkeypatch.setattr(documents, "BLOCK", chunk * 2 + 1)
    document = Document(path)
    document.index_lines()
    return document


@given(
    st.lists(
        st.sampled_from(["word", "é", "日本", "\n", "\r\n", "\r", "\t", " ", "x" * 40]),
        min_size=30,
        max_size=200,
    ),
    st.integers(min_value=8, max_value=64),
)
@settings(max_examples=60, deadline=None)
def test_large_file_chunks_give_the_same_lines_as_whole_decoding(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str], chunk: int
) -> None:
    text = "".join(pieces)
    data = b"start " + text.encode("utf-8")
    path = tmp_path_factory.mktemp("chunks") / "big.txt"
    path.write_bytes(data)
    expected = split_lines(data.decode("utf-8"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        document = _chunked(path, monkeypatch, chunk)
        assert document.is_large
        assert document.line_count == len(expected)
        assert [document.line(i) for i in range(len(expected))] == expected
        assert list(document.iter_lines()) == expected
        assert block_lines(document) == expected
        assert block_lines(Document(path)) == expected  # read in blocks before any indexing


def block_lines(document: Document) -> list[str]:
    """The lines `text_blocks` gives, checking that each block starts where the last ended."""
    lines: list[str] = []
    for first, block in document.text_blocks():
        assert first == len(lines)
        lines.extend(block.split("\n"))
    return lines


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n",
        b"a\r\nb\rc\n\nd\te",
        b"\xef\xbb\xbfbom\r\n",
        "wide\r\nt\u00e9xt\n".encode("utf-16"),
        "caf\u00e9\tcr\u00e8me\r".encode("cp1252"),
    ],
)
def test_text_blocks_are_the_lines(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    expected = open_document(path).lines()
    assert block_lines(Document(path)) == expected  # not loaded: read and decoded alone
    assert block_lines(open_document(path)) == expected  # loaded: from its lines
    assert (list(Document(path).text_blocks()) == []) == (expected == [])


def test_text_blocks_of_a_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    rows = [f"line {i}\twith a tab" for i in range(3000)]
    path.write_bytes(("\r\n".join(rows[:1000]) + "\r" + "\n".join(rows[1000:])).encode())
    monkeypatch.setattr(documents, "SMALL_FILE", 1000)
    monkeypatch.setattr(documents, "BLOCK", 4096)
    document = Document(path)
    seen: list[tuple[int, int]] = []
    blocks = list(document.text_blocks(progress=lambda done, size: seen.append((done, size))))
    assert document.is_large and len(blocks) > 10
    assert [line for _, block in blocks for line in block.split("\n")] == [
        row.expandtabs(8) for row in rows
    ]
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_text_blocks_refuse_binary(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(binary_blob())
    with pytest.raises(BinaryFileError):
        next(Document(path).text_blocks())


def test_large_file_shows_first_lines_before_indexing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"".join(b"line %d\n" % i for i in range(5000)))
    monkeypatch.setattr(documents, "SMALL_FILE", 1000)
    monkeypatch.setattr(documents, "CHUNK", 512)
    document = Document(path).load()
    assert not document.is_indexed
    assert 0 < document.line_count < 5000
    assert document.line(0) == "line 0"
    document.index_lines()
    assert document.is_indexed and document.line_count == 5000
    assert document.line(4999) == "line 4999"


def test_truncated_large_file_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"".join(b"line %d\n" % i for i in range(5000)))
    document = _chunked(path, monkeypatch, 512)
    path.write_bytes(b"short\n")
    assert document.line(4000) == ""
    assert document.has_changed()


def test_scan_orders_skips_hidden_and_counts_binary(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("b\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("# a\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("c\n")
    (tmp_path / "blob").write_bytes(binary_blob())
    (tmp_path / "image.png").write_bytes(binary_blob())
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "loop").symlink_to(tmp_path)
    result = scan_paths([tmp_path])
    names = [d.path.relative_to(tmp_path).as_posix() for d in result.documents]
    assert names == ["b.txt", "sub/a.md"]
    assert [entry.reason for entry in result.skipped].count("binary file") == 1


def test_scan_reports_a_missing_path(tmp_path: Path) -> None:
    result = scan_paths([tmp_path / "nope"])
    assert result.documents == []
    assert [tuple(entry) for entry in result.skipped] == [
        (tmp_path / "nope", "no such file or folder")
    ]


def test_seed_article_loads() -> None:
    document = open_document(SEEDS / "000_a8aeaf84e4eee549.txt")
    assert document.line(0).startswith("Libya's interim leader urged NATO")
    assert document.encoding == "utf-8"


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "import seedreader.documents, seedreader.state, seedreader.markdown, seedreader.paths\n"
        "for name in ('seedreader.search', 'seedreader.notes', 'seedreader.export', "
        "'seedreader.cli_search', 'seedreader.cli_notes'):\n"
        "    try:\n"
        "        __import__(name)\n"
        "    except ModuleNotFoundError as error:\n"
        "        if error.name != name: raise\n"
        "assert 'textual' not in sys.modules, 'core imported textual'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_concurrent_indexing_counts_each_line_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    path = tmp_path / "big.txt"
    path.write_bytes(b"".join(b"line %d\n" % i for i in range(20000)))
    monkeypatch.setattr(documents, "SMALL_FILE", 1000)
    monkeypatch.setattr(documents, "CHUNK", 256)
    monkeypatch.setattr(documents, "READ", 1024)
    document = Document(path).load()
    threads = [threading.Thread(target=document.index_lines) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert document.line_count == 20000
    assert document.line(19999) == "line 19999"


@pytest.mark.parametrize("told", [0, 5])
def test_a_small_file_longer_than_its_stat_said_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, told: int
) -> None:
    # A file that grew between stat and read, or a size the system does not know (0, as in
    # /proc): a small file is read up to its end all the same, not cut at the size stat gave.
    path = tmp_path / "grown.txt"
    path.write_text("first line\nsecond line\nthird line\n", encoding="utf-8")
    real = documents._stat_regular

    def stale(p: Path) -> os.stat_result:
        st = real(p)
        return os.stat_result((*st[:6], told, *st[7:]))  # st_size is field 6

    monkeypatch.setattr(documents, "_stat_regular", stale)
    document = Document(path).load()
    assert document.lines() == ["first line", "second line", "third line"]
    assert [block for _, block in Document(path).text_blocks()] == [
        "first line\nsecond line\nthird line"
    ]
