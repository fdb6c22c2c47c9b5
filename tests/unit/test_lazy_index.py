"""LazyIndex: built once on first use, and tried again after a failure."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from seedreader.documents import Document
from seedreader.lazy_index import IndexFailed, LazyIndex
from seedreader.search import IndexCancelled, SearchIndex


def library(tmp_path: Path) -> list[Document]:
    path = tmp_path / "a.txt"
    path.write_text("the quick brown fox\njumps over the lazy dog\n")
    return [Document(path)]


def test_builds_once_and_finds(tmp_path: Path) -> None:
    builds = 0

    def build(documents: Sequence[Document], **options: object) -> SearchIndex:
        nonlocal builds
        builds += 1
        return SearchIndex.build(documents, cache_dir=tmp_path / "cache", **options)  # type: ignore[arg-type]

    lazy = LazyIndex(library(tmp_path), build)
    assert not lazy.is_ready
    first = lazy.get()
    assert lazy.get() is first and builds == 1
    assert [hit.line for hit in first.search("lazy").hits] == [1]
    lazy.close()


def test_a_failed_build_is_reported_and_retried(tmp_path: Path) -> None:
    attempts: list[str] = []

    def build(documents: Sequence[Document], **options: object) -> SearchIndex:
        attempts.append("try")
        if len(attempts) == 1:
            raise OSError("disk full")
        return SearchIndex.build(documents, cache_dir=tmp_path / "cache")

    lazy = LazyIndex(library(tmp_path), build)
    with pytest.raises(IndexFailed, match="disk full"):
        lazy.get()
    assert not lazy.is_ready and lazy.failure is not None and "disk full" in lazy.failure
    index = lazy.get()
    assert lazy.is_ready and lazy.failure is None and len(attempts) == 2
    assert index.search("fox").hits


def test_a_cancelled_build_leaves_nothing_behind(tmp_path: Path) -> None:
    lazy = LazyIndex(library(tmp_path))
    with pytest.raises(IndexCancelled):
        lazy.get(cancelled=lambda: True)
    assert not lazy.is_ready and lazy.failure is None


def test_two_threads_share_one_build(tmp_path: Path) -> None:
    started = threading.Event()
    release = threading.Event()
    builds = 0

    def build(documents: Sequence[Document], **options: object) -> SearchIndex:
        nonlocal builds
        builds += 1
        started.set()
        release.wait(5)
        return SearchIndex.build(documents, cache_dir=tmp_path / "cache")

    lazy = LazyIndex(library(tmp_path), build)
    results: list[SearchIndex] = []
    get: Callable[[], None] = lambda: results.append(lazy.get())  # noqa: E731
    threads = [threading.Thread(target=get) for _ in range(2)]
    for thread in threads:
        thread.start()
    started.wait(5)
    release.set()
    for thread in threads:
        thread.join(5)
    assert builds == 1 and len(results) == 2 and results[0] is results[1]
