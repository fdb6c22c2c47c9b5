"""The incremental scan (issue 11): `walk_paths` hands documents over as it finds them, in path
order, and ends with the same result as `scan_paths`; `Scanner` runs it in a thread, holds,
resumes, hands over batches; `Library.add` keeps the library in path order."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from seedreader import documents
from seedreader.cli_common import start_scan
from seedreader.documents import (
    Document,
    Library,
    Scanner,
    ScanResult,
    path_key,
    scan_paths,
    walk_paths,
)
from tests.hostile import binary_blob


def drain(paths: list[Path], follow: bool = False) -> tuple[list[Document], ScanResult]:
    walk = walk_paths(paths, follow)
    found = []
    while True:
        try:
            found.append(next(walk))
        except StopIteration as over:
            return found, over.value


def paths_of(docs: list[Document]) -> list[str]:
    return [str(d.path) for d in docs]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Names whose order trips a walk that lists a folder's files before its subfolders, or
    sorts a folder by its bare name ("a" before "a-b.txt", though "a-b.txt" < "a/z.txt")."""
    root = tmp_path / "lib"
    for folder in ["a", "a-b", "a.d/x", "b/c/d", ".hidden"]:
        (root / folder).mkdir(parents=True)
    for name in ["a/z.txt", "a-b.txt", "a-b/y.txt", "a.d/x/q.md", "a0.txt", "A.txt", "b/c/d/e"]:
        (root / name).write_text(f"{name}\n")
    (root / ".hidden" / "h.txt").write_text("hidden\n")
    (root / "blob.txt").write_bytes(binary_blob())
    (root / "pic.png").write_text("not text by its name\n")
    (root / "link.txt").symlink_to(root / "a" / "z.txt")
    (root / "0-early-link.txt").symlink_to(root / ".hidden" / "h.txt")
    os.mkfifo(root / "pipe")
    return root


def test_the_stream_is_the_one_shot_scan(tree: Path) -> None:
    for follow in (False, True):
        found, result = drain([tree], follow)
        whole = scan_paths([tree], follow)
        assert paths_of(result.documents) == paths_of(whole.documents)
        assert result.skipped == whole.skipped and result.notices == whole.notices
        assert sorted(paths_of(found)) == sorted(paths_of(whole.documents))  # each once


def test_real_files_come_in_path_order_and_links_last(tree: Path) -> None:
    found, result = drain([tree])
    names = [os.path.relpath(d.path, tree) for d in found]
    # Every real file in path order, then the link the walk could only list at its end.
    expected = ["A.txt", "a-b.txt", "a-b/y.txt", "a.d/x/q.md", "a/z.txt", "a0.txt", "b/c/d/e"]
    assert names == [*expected, "0-early-link.txt"]
    assert names[:-1] == sorted(names[:-1], key=lambda n: os.fsencode(n))
    assert paths_of(result.documents)[0].endswith("0-early-link.txt")


def test_several_paths_and_a_file_named_twice(tree: Path) -> None:
    found, result = drain([tree / "b", tree / "a-b.txt", tree, tree / "a-b.txt"])
    whole = scan_paths([tree / "b", tree / "a-b.txt", tree, tree / "a-b.txt"])
    assert paths_of(result.documents) == paths_of(whole.documents)
    assert len(found) == len(set(paths_of(found))) == len(whole.documents)


def test_the_entry_cap_stops_the_stream_with_the_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "MAX_ENTRIES", 10)
    for folder in range(5):
        (tmp_path / f"d{folder}").mkdir()
        for n in range(5):
            (tmp_path / f"d{folder}" / f"f{n}.txt").write_text("x\n")
    found, result = drain([tmp_path])
    assert paths_of(found) == paths_of(result.documents)  # in order: a prefix of the folder
    assert 0 < len(found) < 25 and "Stopped scanning after 10 entries" in result.notices[0]


def test_a_missing_path_and_an_unreadable_folder_are_skipped(tmp_path: Path) -> None:
    found, result = drain([tmp_path / "nope"])
    assert found == [] and [s.reason for s in result.skipped] == [documents.MISSING]


def many(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"{n:05}.txt").write_text(f"document {n}\n")
    return folder


def test_the_scanner_holds_then_hands_over_every_document_in_batches(tmp_path: Path) -> None:
    folder = many(tmp_path / "many", 300)
    scanner = Scanner([folder], hold=10).start()
    assert scanner.wait(10, timeout=10)
    scanner.join(0.2)
    assert scanner.found == 10 and not scanner.done  # held
    first = scanner.take()
    assert paths_of(first) == paths_of(sorted(first, key=lambda d: path_key(d.path)))
    scanner.resume()
    batches = [first]
    while True:
        batch, over = scanner.next_batch(timeout=10, gather=0.01)
        batches.append(batch)
        if over:
            break
    assert scanner.result is not None
    everything = [d for batch in batches for d in batch]
    assert paths_of(everything) == paths_of(scanner.result.documents)
    assert [d.path for d in everything] == [folder / f"{n:05}.txt" for n in range(300)]


def test_a_cancelled_scan_ends(tmp_path: Path) -> None:
    scanner = Scanner([many(tmp_path / "many", 50)], hold=5).start()
    scanner.wait(5, timeout=10)
    scanner.cancel()
    scanner.join(10)
    assert scanner.done and 5 <= len(scanner.result.documents) < 50  # type: ignore[union-attr]


def test_a_failing_walk_keeps_what_it_found_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = many(tmp_path / "many", 5)
    real = documents._sniff
    calls = []

    def sniff(path: Path) -> str | None:
        calls.append(path)
        if len(calls) == 3:
            raise RuntimeError("the disk went away")
        return real(path)

    monkeypatch.setattr(documents, "_sniff", sniff)
    scanner = Scanner([folder]).start()
    scanner.join(10)
    result = scanner.result
    assert result is not None and len(result.documents) == 2
    assert result.notices == [
        "The scan stopped early (RuntimeError: the disk went away): the rest is not listed."
    ]


def test_start_scan_finishes_small_folders_before_any_ui(tmp_path: Path) -> None:
    scan, scanner = start_scan([str(many(tmp_path / "few", 20))], follow=False)
    assert scanner is None and len(scan.documents) == 20
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blob.txt").write_bytes(binary_blob())
    scan, scanner = start_scan([str(empty)], follow=False)
    assert scanner is None and scan.documents == [] and len(scan.skipped) == 1


def test_start_scan_hands_over_a_big_folder_running_and_held(tmp_path: Path) -> None:
    folder = many(tmp_path / "big", 600)
    scan, scanner = start_scan([str(folder)], follow=False)
    assert scanner is not None
    assert 2 <= len(scan.documents) < 600
    assert [d.path for d in scan.documents] == [
        folder / f"{n:05}.txt" for n in range(len(scan.documents))
    ]
    scanner.join(0.2)
    assert not scanner.done  # held until the app resumes it
    scanner.resume()
    scanner.join(10)
    assert scanner.done


def test_library_add_keeps_path_order_and_says_where_it_changed(tmp_path: Path) -> None:
    docs = {name: Document(tmp_path / name) for name in ["b", "d", "f", "a", "c", "e", "g"]}
    library = Library([docs["b"], docs["d"]])
    assert library.add([docs["f"]]) == 2
    assert library.add([docs["c"], docs["g"]]) == 1  # c goes between b and d
    assert library.add([docs["a"]]) == 0
    assert library.add([docs["a"]]) is None  # already listed
    assert [d.path.name for d in library] == ["a", "b", "c", "d", "f", "g"]
    assert library.positions == {d.path: i for i, d in enumerate(library)}
    kept = library.documents
    library.add([docs["e"]])
    assert library.documents is kept  # holders of the list see it grow


def test_the_scanner_is_thread_safe_under_concurrent_takes(tmp_path: Path) -> None:
    folder = many(tmp_path / "many", 400)
    scanner = Scanner([folder]).start()
    taken: list[Document] = []
    lock = threading.Lock()

    def taker() -> None:
        while True:
            batch, over = scanner.next_batch(timeout=5)
            with lock:
                taken.extend(batch)
            if over:
                return

    threads = [threading.Thread(target=taker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(paths_of(taken)) == paths_of(scan_paths([folder]).documents)
