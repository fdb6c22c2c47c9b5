"""The index's storage: compressed blocks of text, the schema version, bounded paragraph cutting
(issue 11: memory and disk)."""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seedreader.documents import Document, open_document
from seedreader.search import SearchIndex, iter_paragraphs, iter_rows, store


def write(folder: Path, name: str, text: str) -> Document:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return open_document(path)


def lines_of(index: SearchIndex, query: str) -> list[str]:
    return [hit.text for hit in index.search(query, limit=0).hits]


@given(st.lists(st.text(max_size=300), max_size=40))
def test_a_block_gives_back_every_row_as_it_was(bodies: list[str]) -> None:
    data = store.pack(bodies)
    assert store.unpack(data) == dict(enumerate(bodies))
    wanted = [k for k in range(len(bodies)) if k % 3 == 0]
    assert store.unpack(data, wanted) == {k: bodies[k] for k in wanted}


def test_a_damaged_block_is_a_database_error() -> None:
    with pytest.raises(sqlite3.DatabaseError):
        store.unpack(b"not a block")
    data = store.pack(["alpha", "beta"])
    with pytest.raises(sqlite3.DatabaseError):
        store.unpack(data[: len(data) // 2])


def test_the_cache_is_smaller_than_the_text_and_finds_the_same(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    words = ["river", "stone", "Café", "naïve", "zebra", "lantern", "日本語", "quartz"]
    rnd = random.Random(4)
    paragraphs = [
        "\n".join(" ".join(rnd.choice(words) for _ in range(12)) for _ in range(3))
        for _ in range(3000)
    ]
    text = "\n\n".join(paragraphs) + "\n"
    doc = write(docs, "big.txt", text)
    cached = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    fresh = SearchIndex.build([Document(doc.path)], cache_dir=tmp_path / "other")
    assert cached.path is not None
    cached.close()
    size = sum(p.stat().st_size for p in store.files_of(cached.path) if p.exists())
    assert size < len(text.encode())
    again = SearchIndex.build([Document(doc.path)], cache_dir=tmp_path / "cache")
    for query in ["zebra", "cafe", "naive quartz", "日本語", "lantrn"]:
        assert lines_of(again, query) == lines_of(fresh, query) != []
    again.close()


def test_a_changed_document_leaves_no_stale_words(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "alpha café\x07 beta\n\ngamma ☃ delta\n" * 40)
    cache = tmp_path / "cache"
    SearchIndex.build([doc], cache_dir=cache).close()
    path = doc.path
    path.write_text("omega only\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    index = SearchIndex.build([Document(path)], cache_dir=cache)
    assert lines_of(index, "alpha") == [] and lines_of(index, "gamma") == []
    assert lines_of(index, "omega") == ["omega only"]
    # The FTS index forgot the old rows exactly (a contentless table is told their text).
    db = index._db
    db.execute("INSERT INTO fts(fts, rank) VALUES ('integrity-check', 0)")
    vocab = {row[0] for row in db.execute("SELECT term FROM temp.vocab WHERE doc > 0")}
    assert vocab == {"omega", "only"}
    index.close()


def test_an_updated_document_is_not_read_from_blocks_decompressed_before(
    tmp_path: Path,
) -> None:
    doc = write(tmp_path, "a.txt", "alpha one\n\nalpha two\n")
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    assert sorted(lines_of(index, "alpha")) == ["alpha one", "alpha two"]
    doc.path.write_text("alpha three\n\nalpha four\n", encoding="utf-8")
    os.utime(doc.path, ns=(1, 1))
    index.update(Document(doc.path))  # the document gets the same id, its blocks the same ids
    assert sorted(lines_of(index, "alpha")) == ["alpha four", "alpha three"]
    index.close()


def test_the_block_cache_keeps_the_latest_within_its_limit() -> None:
    cache = store.Blocks(limit=10)
    cache.put(0, ("abcd", [4]))
    cache.put(32, ("efgh", [4]))
    assert cache.get(0) == ("abcd", [4])  # now the latest used
    cache.put(64, ("ijkl", [4]))  # 12 characters: the least recently used goes
    assert cache.get(32) is None and cache.get(0) is not None and cache.get(64) is not None
    cache.put(96, ("x" * 11, [11]))  # larger than the whole cache: not kept
    assert cache.get(96) is None and cache.get(0) is not None
    cache.clear()
    assert cache.get(0) is None


def test_rows_read_through_the_cache_are_those_stored(tmp_path: Path) -> None:
    text = "".join(f"word{i} row\n\n" for i in range(100))
    index = SearchIndex.build([write(tmp_path, "a.txt", text)], cache_dir=tmp_path / "cache")
    db = index._db
    rowids = [row[0] for row in db.execute("SELECT rowid FROM fts WHERE fts MATCH 'row'")]
    plain = store.read_rows(db, rowids)
    cache = store.Blocks()
    assert store.read_rows(db, rowids[::3], cache) == plain[::3]
    assert store.read_rows(db, rowids, cache) == plain  # some blocks cached, some read
    assert store.read_rows(db, rowids, cache) == plain  # all cached
    assert len(plain) == 100
    index.close()


def test_an_index_of_another_version_is_rebuilt(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "alpha beta\n")
    cache = tmp_path / "cache"
    index = SearchIndex.build([doc], cache_dir=cache)
    assert index.path is not None
    db = index._db
    db.execute("UPDATE meta SET value=? WHERE key='schema'", (store.SCHEMA - 1,))
    db.execute("DELETE FROM text")  # what this version would misread
    index.close()
    again = SearchIndex.build([Document(doc.path)], cache_dir=cache)
    assert again.path == index.path
    assert lines_of(again, "alpha") == ["alpha beta"]
    assert again._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == (
        store.SCHEMA
    )
    again.close()


def test_caches_of_the_old_two_file_layout_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "search"
    folder.mkdir(parents=True)
    old = [folder / "0123.sqlite", folder / "0123-text.sqlite", folder / "0123-text.sqlite-wal"]
    for path in old:
        path.write_bytes(b"x" * 100)
    other = folder / "keep.txt"
    other.write_text("not ours to remove")
    doc = write(tmp_path, "a.txt", "alpha beta\n")
    SearchIndex.build([doc], cache_dir=tmp_path / "cache").close()
    assert not any(path.exists() for path in old)
    assert other.exists()


def _cuts(lines: list[str], rnd: random.Random) -> list[tuple[int, str]]:
    blocks: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        k = rnd.randint(1, 20)
        blocks.append((i, "\n".join(lines[i : i + k])))
        i += k
    return blocks


@pytest.mark.parametrize("seed", range(40))
def test_paragraphs_are_the_same_however_the_text_comes_in_blocks(seed: int) -> None:
    rnd = random.Random(seed)
    pool = ["", "", "word", "two words", "---", "%", "\tx\ty", "é\tz", "_", "  ", "a line here"]
    lines = [rnd.choice(pool) for _ in range(rnd.randint(0, 80))]
    whole = [(0, "\n".join(lines))] if lines else []
    for _ in range(5):
        blocks = _cuts(lines, rnd)
        assert list(iter_paragraphs(blocks)) == list(iter_paragraphs(whole))
        assert list(iter_rows(blocks)) == list(iter_rows(whole))


def test_text_without_blank_lines_is_not_gathered_whole() -> None:
    asked: list[int] = []

    def blocks() -> Iterator[tuple[int, str]]:
        for n in range(200):
            asked.append(n)
            yield n * 1000, "\n".join(f"line {n} {i}" for i in range(1000))

    lines = 0
    for first, body in iter_paragraphs(blocks()):
        assert len(asked) <= first // 1000 + 2  # given as its block comes, not at the end
        assert body.count("\n") < 4
        lines += body.count("\n") + 1
    assert lines == 200_000
