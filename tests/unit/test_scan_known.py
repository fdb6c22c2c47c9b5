"""A warm `seedreader search` does not open files sniffed before (issue 11): the scan given what
the last one found (`known`) lists exactly what a full scan lists, and what changed is looked
at again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from seedreader import documents
from seedreader.cli import main
from seedreader.documents import BINARY, ScanResult, scan_paths
from seedreader.search import SearchIndex, scanned


def _library(folder: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "a.txt").write_text("alpha words here\n")
    (folder / "b.md").write_text("# beta\n\nmore words\n")
    (folder / "sub" / "c.txt").write_text("gamma text\n")
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (folder / "picture.png").write_bytes(b"\x89PNG")


@pytest.fixture
def no_settling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Record files as soon as they are older than the scan (`scanned.SETTLED_NS` is a few
    seconds: no test waits that long)."""
    monkeypatch.setattr(scanned, "SETTLED_NS", 0)


def _same(a: ScanResult, b: ScanResult) -> None:
    assert [d.path for d in a.documents] == [d.path for d in b.documents]
    assert a.skipped == b.skipped
    assert a.notices == b.notices


def _known(folder: Path) -> dict[str, tuple[int, int, int, int]]:
    full = scan_paths([folder])
    return {str(d.path): d.scanned for d in full.documents if d.scanned is not None}


def test_known_files_are_not_opened_and_the_result_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _library(tmp_path)
    known = _known(tmp_path)
    full = scan_paths([tmp_path])
    sniffed: list[Path] = []
    real = documents._sniff

    def spy(path: Path) -> str | None:
        sniffed.append(path)
        return real(path)

    monkeypatch.setattr(documents, "_sniff", spy)
    warm = scan_paths([tmp_path], known=known)
    _same(warm, full)
    assert sniffed == [tmp_path / "blob.txt"]  # only what was not known as text


def test_a_changed_file_is_sniffed_again(tmp_path: Path) -> None:
    _library(tmp_path)
    known = _known(tmp_path)
    (tmp_path / "a.txt").write_bytes(b"\x00\x01\x02binary\x00" * 2)
    warm = scan_paths([tmp_path], known=known)
    _same(warm, scan_paths([tmp_path]))
    assert (tmp_path / "a.txt", BINARY) in [(s.path, s.reason) for s in warm.skipped]


def test_a_file_replaced_by_another_of_the_same_size_and_time_is_sniffed_again(
    tmp_path: Path,
) -> None:
    _library(tmp_path)
    known = _known(tmp_path)
    target = tmp_path / "a.txt"
    st = target.stat()
    fresh = tmp_path / "new"
    fresh.write_bytes(b"\x00" * st.st_size)
    os.utime(fresh, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(fresh, target)  # another inode, same size and modification time
    _same(scan_paths([tmp_path], known=known), scan_paths([tmp_path]))


def test_new_and_removed_files_are_noticed(tmp_path: Path) -> None:
    _library(tmp_path)
    known = _known(tmp_path)
    (tmp_path / "sub" / "c.txt").unlink()
    (tmp_path / "d.txt").write_text("delta\n")
    warm = scan_paths([tmp_path], known=known)
    _same(warm, scan_paths([tmp_path]))
    names = [d.path.name for d in warm.documents]
    assert "d.txt" in names and "c.txt" not in names


def test_a_file_made_unreadable_is_sniffed_again(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    _library(tmp_path)
    known = _known(tmp_path)
    (tmp_path / "a.txt").chmod(0)
    try:
        _same(scan_paths([tmp_path], known=known), scan_paths([tmp_path]))
    finally:
        (tmp_path / "a.txt").chmod(0o644)


def test_the_record_round_trips_and_keeps_only_settled_files(
    tmp_path: Path, no_settling: None
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    _library(folder)
    time.sleep(0.05)  # more than a tick of the file system's clock
    (folder / "young.txt").write_text("just written\n")
    record = scanned.record_path([folder], False, tmp_path / "cache")
    scan = scan_paths([folder])
    young = (folder / "young.txt").stat().st_ctime_ns
    scanned.save(record, scan.documents, young, {})  # as if scanned as young.txt was written
    loaded = scanned.load(record)
    assert set(loaded) == {str(d.path) for d in scan.documents if d.path.name != "young.txt"}
    assert all(loaded[str(d.path)] == d.scanned for d in scan.documents if str(d.path) in loaded)
    assert scanned.record_path([folder], True, tmp_path / "cache") != record


@pytest.mark.parametrize(
    "data", [b"", b"junk", scanned.MAGIC, scanned.MAGIC + (5).to_bytes(8, "little") + b"x" * 7]
)
def test_a_damaged_record_is_ignored(tmp_path: Path, data: bytes) -> None:
    record = tmp_path / "scanned-x"
    record.write_bytes(data)
    assert scanned.load(record) == {}


def test_a_record_of_odd_names_round_trips(tmp_path: Path, no_settling: None) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9 \n\x1b[31m.txt")  # not UTF-8, a newline, an escape
    (folder / name).write_text("odd name\n")
    time.sleep(0.05)
    record = scanned.record_path([folder], False, tmp_path / "cache")
    scan = scan_paths([folder])
    scanned.save(record, scan.documents, time.time_ns(), {})
    assert scanned.load(record) == {str(folder / name): scan.documents[0].scanned}


def test_the_index_takes_the_scan_stat_and_re_indexes_a_changed_file(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    _library(folder)
    cache = tmp_path / "cache"
    index = SearchIndex.build(scan_paths([folder]).documents, cache_dir=cache, scanned=True)
    assert index.search("gamma").hits
    index.close()
    (folder / "sub" / "c.txt").write_text("epsilon instead\n")
    index = SearchIndex.build(scan_paths([folder]).documents, cache_dir=cache, scanned=True)
    assert not index.search("gamma", exact=True).hits
    assert index.search("epsilon").hits
    index.close()


def test_warm_cli_runs_find_what_changed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_settling: None,
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    _library(folder)
    time.sleep(0.05)
    monkeypatch.setenv("SEEDREADER_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["search", "--exact", "gamma", str(folder)]) == 0
    assert list((tmp_path / "cache" / "search").glob("scanned-*"))
    assert main(["search", "--exact", "gamma", str(folder)]) == 0  # from the record
    capsys.readouterr()
    (folder / "sub" / "c.txt").write_bytes(b"\x00\x01\x02binary\x00" * 2)
    (folder / "e.txt").write_text("gamma again\n")
    assert main(["search", "--exact", "gamma", str(folder)]) == 0
    out = capsys.readouterr()
    assert "e.txt" in out.out and "c.txt" not in out.out
    assert "binary" in out.err  # the skipped file is reported as a full scan reports it
