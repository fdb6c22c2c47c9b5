"""The search engine: quality over the seeds and the corpus, matching rules, cache, properties."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from seedreader.documents import Document, DocumentError, open_document, scan_paths
from seedreader.search import (
    IndexCancelled,
    SearchIndex,
    TermMatch,
    iter_paragraphs,
    max_edits,
    normalize,
    parse_query,
)

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
CORPUS = ROOT.parent / "shared" / "corpus"
SLOW = os.environ.get("SEEDREADER_SLOW") == "1"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    documents = scan_paths([SEEDS]).documents
    return SearchIndex.build(documents, cache_dir=tmp_path_factory.mktemp("cache"))


def write(folder: Path, name: str, text: str) -> Document:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return open_document(path)


def lines_of(index: SearchIndex, query: str, **kwargs: object) -> list[str]:
    return [hit.text for hit in index.search(query, **kwargs).hits]  # type: ignore[arg-type]


# --- the quality examples of the issue -------------------------------------------------------


@pytest.mark.parametrize("query", ["Gadaffi", "Qaddafi", "gaddafi", "GADDAFI"])
def test_gaddafi_spellings_find_gaddafi(seeds: SearchIndex, query: str) -> None:
    hits = seeds.search(query).hits
    assert hits and "Gaddafi" in hits[0].text


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Rasmusen", "Anders Fogh Rasmussen"), ("Apathurai", "Appathurai")],
)
def test_misspelled_names(seeds: SearchIndex, query: str, expected: str) -> None:
    hits = seeds.search(query).hits
    assert hits and expected in hits[0].text


def test_nato_ambassadors_friday_top_two(seeds: SearchIndex) -> None:
    top = lines_of(seeds, "nato ambasadors friday")[:2]
    assert len(top) == 2
    assert all("NATO ambassadors" in line and "Friday" in line for line in top)


def test_sahara_convoys(seeds: SearchIndex) -> None:
    first = lines_of(seeds, "sahara convoys")[0]
    assert "fleeing convoys across the expanses of the Sahara" in first


def test_secretary_genral(seeds: SearchIndex) -> None:
    first = lines_of(seeds, "secretary genral")[0]
    assert "Secretary-General" in first


def test_quoted_phrase_is_exact(seeds: SearchIndex) -> None:
    found = lines_of(seeds, '"air strikes"', limit=0)
    assert len(found) == 3
    assert all("air strikes" in line for line in found)
    with_air_strike = [
        line
        for line in SEEDS.glob("*.txt").__next__().read_text().splitlines()
        if "air strike" in line and "air strikes" not in line
    ]
    assert with_air_strike and not set(with_air_strike) & set(found)


def test_nonsense_finds_nothing(seeds: SearchIndex) -> None:
    result = seeds.search("xylophone")
    assert result.hits == () and result.total == 0


# --- matching rules --------------------------------------------------------------------------


def test_hit_fields(seeds: SearchIndex) -> None:
    hit = seeds.search("Qaddafi").hits[0]
    assert hit.text == hit.document.line(hit.line)
    assert hit.column == hit.spans[0][0]
    assert all(hit.text[a:b] == "Gaddafi" for a, b in hit.spans)
    assert hit.terms == (TermMatch("Qaddafi", "Gaddafi", 1, "fuzzy"),)
    assert str(hit.terms[0]) == "Qaddafi → Gaddafi, 1 edit"


def test_case_and_accents(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "Le Café de la Gare.\n\nNATO summit.\n")
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    assert lines_of(index, "cafe") == ["Le Café de la Gare."]
    assert lines_of(index, "CAFÉ ") == ["Le Café de la Gare."]
    assert lines_of(index, "nato") == ["NATO summit."]


def test_words_beyond_ascii(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "Die Straße ist naïve.\n\nÉCOLE normale\n")
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    assert lines_of(index, "strasse ") == ["Die Straße ist naïve."]
    assert lines_of(index, "naive ") == ["Die Straße ist naïve."]
    assert lines_of(index, "école ") == lines_of(index, "ecole ") == ["ÉCOLE normale"]
    hit = index.search("Strase ").hits[0]
    assert hit.terms[0].kind == "fuzzy" and hit.text[slice(*hit.spans[0])] == "Straße"


def test_hyphen_and_apostrophe_whole_and_part(seeds: SearchIndex) -> None:
    assert any("al-Islam" in t for t in lines_of(seeds, "al-Islam"))
    assert any("al-Islam" in t for t in lines_of(seeds, "Islam"))
    hit = seeds.search("Libya's").hits[0]
    assert [hit.text[a:b] for a, b in hit.spans] == ["Libya's"]
    assert any("Libya's" in t for t in lines_of(seeds, "libya"))


def test_all_words_within_one_paragraph(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "apples here\nand more\n\npears there\n")
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    assert index.search("apples pears ").hits == ()
    assert lines_of(index, "apples more ") == ["and more", "apples here"] or lines_of(
        index, "apples more "
    ) == ["apples here", "and more"]


def test_words_match_whole_never_inside_others(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "xmoses here\nfoo_moses there\nmosesx and Moses2\n")
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    # An underscore ends a word (as SQLite cuts words); letters and digits do not.
    assert lines_of(index, "moses ", limit=0) == ["foo_moses there"]
    assert lines_of(index, "moses2 ", limit=0) == ["mosesx and Moses2"]


def test_text_without_blank_lines_uses_windows(tmp_path: Path) -> None:
    lines = [f"line {i} filler" for i in range(40)]
    lines[1] += " alpha"
    lines[2] += " beta"
    lines[30] += " gamma"
    doc = write(tmp_path, "a.txt", "\n".join(lines) + "\n")
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    assert index.search("alpha beta ").hits
    assert index.search("alpha gamma ").hits == ()


def test_prefix_for_last_word_only(seeds: SearchIndex) -> None:
    hit = seeds.search("Gadd").hits[0]
    assert hit.terms[0].kind == "prefix" and "Gaddafi" in hit.text
    assert seeds.search("Gadd ").hits == ()
    assert seeds.search("Gadd", exact=True).hits == ()


def test_exact_before_fuzzy_and_prefix(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "the station\n\nthe nation\n\nthe nations\n")
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    result = index.search("nation")
    assert [h.text for h in result.hits][:2] == ["the nation", "the nations"]
    assert [h.terms[0].kind for h in result.hits][:2] == ["exact", "prefix"]


def test_fewer_edits_first(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "kolmogorof here\n\nkolmogorov here\n")
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    result = index.search("kolmogorow ")
    assert [h.terms[0].edits for h in result.hits] == [1, 1]
    result = index.search("kolmogorovv ")
    assert [h.text for h in result.hits] == ["kolmogorov here", "kolmogorof here"]


def test_exact_mode_has_no_typo_tolerance(seeds: SearchIndex) -> None:
    assert seeds.search("Qaddafi", exact=True).hits == ()
    assert seeds.search("Gaddafi", exact=True).hits


def test_suggestions_with_counts(seeds: SearchIndex) -> None:
    result = seeds.search("Gadaffi ")
    assert result.suggestions and result.suggestions[0].word == "gaddafi"
    assert result.suggestions[0].count >= 5
    assert seeds.search("Gaddafi ").suggestions == ()


def test_ties_in_document_order(seeds: SearchIndex) -> None:
    hits = seeds.search("Qaddafi", limit=0).hits
    same = [h.line for h in hits if h.score == hits[0].score]
    assert same == sorted(same)


def test_scope_to_some_documents(tmp_path: Path) -> None:
    a = write(tmp_path, "a.txt", "zebra one\n")
    b = write(tmp_path, "b.txt", "zebra two\n")
    index = SearchIndex.build([a, b], cache_dir=tmp_path / "cache")
    assert len(index.search("zebra").hits) == 2
    assert lines_of(index, "zebra", documents=[b]) == ["zebra two"]


def test_limit_and_total(seeds: SearchIndex) -> None:
    result = seeds.search("nato", limit=3)
    assert len(result.hits) == 3 and result.total > 3 and result.complete
    assert len(seeds.search("nato", limit=0).hits) == result.total


def check_counts(
    index: SearchIndex, query: str, limit: int, documents: list[Document] | None = None
) -> bool:
    """The count of a search agrees with every hit of the same search without a limit.

    Returns whether the search counted every hit (`complete`).
    """
    result = index.search(query, limit=limit, documents=documents)
    every = index.search(query, limit=0, documents=documents)
    assert every.complete and every.total == len(every.hits)
    assert every.documents == len({hit.document.path for hit in every.hits})
    assert len(result.hits) <= result.total and result.documents <= result.total
    if result.complete:
        assert (result.total, result.documents) == (every.total, every.documents), query
    else:
        assert result.total <= every.total and result.documents <= every.documents, query
    return result.complete


COUNT_QUERIES = ["nato", "the", "Gadd", "libya nato", '"air strikes"', "Qaddafi", "xylophone"]


def test_counts_are_exact_when_complete(seeds: SearchIndex) -> None:
    assert all(check_counts(seeds, query, 3) for query in COUNT_QUERIES)
    # Scoped to one document and to both.
    documents = seeds.documents
    assert all(check_counts(seeds, query, 3, documents[:1]) for query in COUNT_QUERIES)
    assert all(check_counts(seeds, query, 3, documents) for query in COUNT_QUERIES)


def test_counts_past_the_ranked_candidates(
    seeds: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedreader.search import index

    # Rank only the first paragraph or two: the rest are counted, not ranked.
    monkeypatch.setattr(index, "CANDIDATES", 1)
    for query in COUNT_QUERIES:
        assert check_counts(seeds, query, 1)
        assert check_counts(seeds, query, 1, seeds.documents[:1])
    result = seeds.search("the", limit=1)
    assert len(result.hits) == 1 and result.total > 10 and result.complete


def test_counts_cut_short_are_lower_bounds(
    seeds: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedreader.search import index

    monkeypatch.setattr(index, "CANDIDATES", 1)
    monkeypatch.setattr(index, "COUNTED", 2)
    assert not check_counts(seeds, "the", 1)
    assert not check_counts(seeds, "the", 1, seeds.documents[:1])
    for query in COUNT_QUERIES:
        check_counts(seeds, query, 1)


def test_counts_in_a_scope_of_many_separate_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedreader.search import index as index_module

    docs = [write(tmp_path, f"{i:02}.txt", "zebra\n\nzebra okapi\n" * (i % 3)) for i in range(40)]
    index = SearchIndex.build(docs, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(index_module, "CANDIDATES", 1)
    every_other = docs[::2]  # 20 runs of one document: filtered in Python
    assert check_counts(index, "zebra", 1, every_other)
    result = index.search("zebra", limit=1, documents=every_other)
    assert (result.total, result.documents) == (2 * 6 + 4 * 7, 13)
    monkeypatch.setattr(index_module, "COUNTED", 5)
    assert not check_counts(index, "zebra", 1, every_other)


_count_words = ["alpha", "alpah", "alphas", "beta", "gamma", "nato", "natos", "Café", "cafe"]
_count_line = st.lists(st.sampled_from([*_count_words, "x", "of"]), max_size=6).map(" ".join)
_count_document = st.lists(_count_line, min_size=1, max_size=12).map("\n".join)
_count_query = st.one_of(
    st.sampled_from(_count_words),
    st.sampled_from(["al", "nat", "alpha beta", '"alpha beta"', "gama ", "nato cafe"]),
)


@settings(
    max_examples=60 if SLOW else 25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    texts=st.lists(_count_document, min_size=1, max_size=4),
    query=_count_query,
    limit=st.integers(1, 4),
    candidates=st.integers(1, 4),
    counted=st.integers(1, 12),
    scope=st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_counts_agree_over_small_libraries(
    tmp_path: Path,
    texts: list[str],
    query: str,
    limit: int,
    candidates: int,
    counted: int,
    scope: list[bool],
) -> None:
    """Whatever the caps, a complete count is exact and an incomplete one a lower bound."""
    from seedreader.search import index as index_module

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    docs = [write(folder, f"{i}.txt", text) for i, text in enumerate(texts)]
    index = SearchIndex.build(docs, cache_dir=folder / "cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "CANDIDATES", candidates)
        patch.setattr(index_module, "COUNTED", counted)
        check_counts(index, query, limit)
        check_counts(index, query, limit, [d for d, keep in zip(docs, scope, strict=False) if keep])
    index.close()


def test_markup_and_control_characters_are_plain_text(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "[bold]zebra[/bold] \x1b[31mred\n")
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    assert lines_of(index, "[zebra]") == ["[bold]zebra[/bold] \x1b[31mred"]


def test_empty_and_symbol_queries(seeds: SearchIndex) -> None:
    for query in ["", "   ", '"', "--", "'s", "\x00"]:
        assert seeds.search(query).hits == () or query == "'s"


def test_pasted_page_as_query_is_quick(seeds: SearchIndex) -> None:
    page = next(SEEDS.glob("*.txt")).read_text()
    start = time.perf_counter()
    result = seeds.search(page + " " + "x" * 5000)
    assert time.perf_counter() - start < 5
    assert sum(len(t.slots) for t in parse_query(page)) == 16
    assert result.hits  # the first 16 words of the first paragraph are in it


def test_parse_query() -> None:
    terms = parse_query('nato "air strikes" al-Islam gad')
    assert [t.text for t in terms] == ["nato", "air strikes", "al-Islam", "gad"]
    assert terms[1].phrase and [s.norm for s in terms[2].slots] == ["al", "islam"]
    assert terms[3].slots[0].prefix and not terms[0].slots[0].prefix
    assert not parse_query("gad ")[0].slots[0].prefix


def test_max_edits_and_normalize() -> None:
    assert [max_edits(w) for w in ["nat", "nato", "gaddaf", "gaddafi"]] == [0, 1, 1, 2]
    assert normalize("Café") == "cafe" and normalize("NATO") == "nato"


# --- paragraphs, cache, updates --------------------------------------------------------------


def test_paragraphs_across_blocks() -> None:
    blocks = [(0, "one two\nthree"), (2, "four\n\nfive"), (5, "six")]
    assert list(iter_paragraphs(blocks)) == [(0, "one two\nthree\nfour"), (4, "five\nsix")]
    assert list(iter_paragraphs([(0, "%\na\n%\nb")])) == [(1, "a"), (3, "b")]
    assert list(iter_paragraphs([(0, "\n\n  \na\tb\n___")])) == [(3, "a       b")]
    assert list(iter_paragraphs([(0, "")])) == []
    windows = list(iter_paragraphs([(0, "\n".join(f"w{i}" for i in range(14)))]))
    assert [line for line, _ in windows] == [0, 4, 8, 12]


def test_large_document_lines_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from seedreader import documents

    monkeypatch.setattr(documents, "SMALL_FILE", 1000)
    monkeypatch.setattr(documents, "CHUNK", 300)
    monkeypatch.setattr(documents, "BLOCK", 256)
    rows = [f"row {i} zebra\tx" if i % 7 == 0 else f"row {i} text" for i in range(300)]
    rows[100] = ""
    path = tmp_path / "big.txt"
    path.write_bytes(("\r\n".join(rows[:150]) + "\n" + "\r".join(rows[150:])).encode())
    doc = open_document(path)
    assert doc.is_large
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    hits = index.search("zebra", limit=0).hits
    assert len(hits) == len([r for r in rows if "zebra" in r])
    doc.index_lines()
    for hit in hits:
        assert hit.text == doc.line(hit.line)


def test_cache_reused_and_changed_file_reindexed(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "alpha beta\n")
    cache = tmp_path / "cache"
    first = SearchIndex.build([doc], cache_dir=cache)
    assert first.path is not None and first.path.exists()
    first.close()
    again = SearchIndex.build([Document(doc.path)], cache_dir=cache)
    assert lines_of(again, "alpha") == ["alpha beta"]
    again.close()
    doc.path.write_text("gamma delta\nalpha\n", encoding="utf-8")
    os.utime(doc.path, ns=(1, 1))
    changed = SearchIndex.build([Document(doc.path)], cache_dir=cache)
    assert lines_of(changed, "gamma") == ["gamma delta"]
    assert [h.line for h in changed.search("alpha").hits] == [1]


def test_update_reindexes_one_document(tmp_path: Path) -> None:
    a = write(tmp_path, "a.txt", "old words\n")
    b = write(tmp_path, "b.txt", "other file\n")
    index = SearchIndex.build([a, b], cache_dir=tmp_path / "cache")
    a.path.write_text("new words here\n", encoding="utf-8")
    index.update(Document(a.path))
    assert index.search("old ").hits == ()
    assert lines_of(index, "new") == ["new words here"]
    assert lines_of(index, "other") == ["other file"]
    assert [d.name for d in index.documents] == ["a.txt", "b.txt"]


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "alpha beta\n")
    cache = tmp_path / "cache"
    index = SearchIndex.build([doc], cache_dir=cache)
    assert index.path is not None
    path = index.path
    index.close()
    path.write_bytes(b"not a database" * 100)
    for extra in path.parent.glob(path.name + "-*"):
        extra.unlink()
    assert lines_of(SearchIndex.build([doc], cache_dir=cache), "alpha") == ["alpha beta"]


def test_unwritable_cache_falls_back_to_memory(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.txt", "alpha beta\n")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    index = SearchIndex.build([doc], cache_dir=blocker / "cache")
    assert index.path is None and lines_of(index, "alpha") == ["alpha beta"]


def test_failing_cache_file_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedreader.search import store

    doc = write(tmp_path, "a.txt", "alpha beta\n")

    flush = store.Batch.flush

    def broken(self: Any) -> None:
        if self.writer._thread is not None:  # the cache file's writer, not the in-memory one
            raise sqlite3.OperationalError("disk I/O error")
        flush(self)

    monkeypatch.setattr(store.Batch, "flush", broken)
    index = SearchIndex.build([doc], cache_dir=tmp_path / "cache")
    assert index.path is None
    assert lines_of(index, "alpha") == ["alpha beta"]


def test_cancel_and_progress(tmp_path: Path) -> None:
    docs = [write(tmp_path, f"{i}.txt", f"word{i} text\n") for i in range(3)]
    with pytest.raises(IndexCancelled):
        SearchIndex.build(docs, cancelled=lambda: True, cache_dir=tmp_path / "c1")
    seen: list[tuple[int, int]] = []
    SearchIndex.build(docs, progress=lambda a, b: seen.append((a, b)), cache_dir=tmp_path / "c2")
    assert seen and seen[-1][0] == seen[-1][1]


def test_stopped_build_is_undone_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from seedreader.search import store

    monkeypatch.setattr(store, "BATCH", 3)
    text = "".join(f"para {i} zebra\n\n" for i in range(40))
    docs = [write(tmp_path, f"{i}.txt", text) for i in range(3)]
    polls = iter(range(1000))
    cache = tmp_path / "cache"
    with pytest.raises(IndexCancelled):
        SearchIndex.build(docs, cancelled=lambda: next(polls) > 4, cache_dir=cache)
    index = SearchIndex.build([Document(d.path) for d in docs], cache_dir=cache)
    assert len(index.search("zebra", limit=0).hits) == 120
    index.close()
    docs[1].path.write_text("para zebra\n", encoding="utf-8")
    os.utime(docs[1].path, ns=(5, 5))
    index = SearchIndex.build([Document(d.path) for d in docs], cache_dir=cache)
    assert len(index.search("zebra", limit=0).hits) == 81
    assert index.search("para 39 zebra", limit=0).total == 2  # the FTS index is consistent


def test_searches_while_updating(tmp_path: Path) -> None:
    import threading

    docs = [write(tmp_path, f"{i}.txt", f"zebra {i}\n\nokapi\n") for i in range(4)]
    index = SearchIndex.build(docs, cache_dir=tmp_path / "cache")
    failures: list[BaseException] = []

    def hammer() -> None:
        try:
            for _ in range(30):
                assert len(index.search("zebra").hits) == 4
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for i in range(5):
        docs[0].path.write_text(f"zebra changed {i}\n", encoding="utf-8")
        index.update(Document(docs[0].path))
    for thread in threads:
        thread.join()
    assert not failures
    assert lines_of(index, "changed") == ["zebra changed 4"]


def test_unreadable_document_is_reported_not_raised(tmp_path: Path) -> None:
    good = write(tmp_path, "a.txt", "alpha\n")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02" * 1000)
    index = SearchIndex.build([good, Document(tmp_path / "b.bin")], cache_dir=tmp_path / "c")
    assert lines_of(index, "alpha") == ["alpha"] and index.errors


def test_core_does_not_import_textual() -> None:
    code = "import sys, seedreader.search, seedreader.cli_search; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- properties ------------------------------------------------------------------------------

_words = st.sampled_from(["gaddafi", "Café", "nato", "al-Islam", "x", "Libya's", "été", "ß"])
_text = st.lists(
    st.one_of(_words, st.text(st.characters(codec="utf-8"), max_size=12)), max_size=30
).map(" ".join)


@pytest.mark.slow
@settings(
    max_examples=200 if SLOW else 40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_text, query=st.one_of(_words, st.text(max_size=15), _text.map(lambda t: t[:20])))
def test_any_text_any_query_never_raises(tmp_path: Path, text: str, query: str) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "a.txt").write_text(text, encoding="utf-8")
    doc = Document(folder / "a.txt")
    index = SearchIndex.build([doc], cache_dir=folder / "cache")
    result = index.search(query, limit=0)
    try:
        doc.load()
    except DocumentError:  # text that sniffs as binary is not indexed
        assert result.hits == () and index.errors
        return
    terms = parse_query(query)
    for hit in result.hits:
        line = doc.line(hit.line)
        assert hit.text == line
        for start, end in hit.spans:
            assert 0 <= start < end <= len(line)
            words = [normalize(w) for w in re.findall(r"[^\W_]+", line[start:end])]
            assert words
            for word in words:
                assert any(
                    word.startswith(slot.norm)
                    or OSA.distance(word, slot.norm) <= max_edits(slot.norm)
                    for term in terms
                    for slot in term.slots
                ), (word, query)
    index.close()


# --- the real corpus -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    if not CORPUS.is_dir():
        pytest.skip("needs the shared corpus (../shared/corpus, real texts): absent here")
    documents = scan_paths([CORPUS]).documents
    return SearchIndex.build(documents, cache_dir=tmp_path_factory.mktemp("corpus-cache"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Nebuchadnezar", "Nebuchadnezzar"),
        ("Nebuchadnezar king", "Nebuchadnezzar king"),
        ("jerusalm", "Jerusalem"),
        ("abomniation", "abomination"),
        ("recieve", "receive"),
        ("seperate", "separate"),
        ("autocomand", "autocommand"),
        ("Methusalah", "Methuselah"),
        ("definately", "definitely"),
        ("hackr ethic", "hacker ethic"),
    ],
)
def test_real_misspellings_on_corpus(corpus: SearchIndex, query: str, expected: str) -> None:
    hits = corpus.search(query).hits
    assert hits, query
    # The corpus itself misspells some words ("seperate"): those exact lines come first.
    exact = [h for h in hits if all(t.kind in ("exact", "prefix") for t in h.terms)]
    assert expected.lower() in hits[len(exact)].text.lower()


def test_corpus_phrase_and_nonsense(corpus: SearchIndex) -> None:
    found = lines_of(corpus, '"in the beginning"', limit=0)
    assert len(found) > 5
    assert all("in the beginning" in " ".join(t.lower().split()) for t in found)
    assert corpus.search("qwxzjv").hits == ()
