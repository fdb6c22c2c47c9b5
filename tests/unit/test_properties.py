"""Properties of the core not covered elsewhere: search over hostile multi-line libraries (spans,
recall of exact words and of one-typo words), and large files read in chunks giving the very
same lines as small files read whole. (Anchors: tests/unit/test_notes_anchor.py.)"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from seedreader import documents
from seedreader._marks import MARKS
from seedreader.documents import BinaryFileError, Document, open_document, sanitize
from seedreader.search import SearchIndex, SearchResult, max_edits, normalize, parse_query

SLOW = bool(os.environ.get("SEEDREADER_SLOW"))
# A word as the engine and SQLite cut it: letters and digits with their combining marks.
WORD = re.compile(rf"[^\W_](?:[^\W_]|[{MARKS}])*")

# Words whose normalized form has another length than the word (ß, ligatures, İ, decomposed
# accents, full-width letters), and plain ones to give the vocabulary neighbours.
HOSTILE_WORDS = [
    "Straße",
    "ﬁnance",
    "İstanbul",
    "Ｌｉｂｙａ",
    "Gaddafi",
    "gadaffi",
    "NATO",
    "café",
    "naïve",
    "½",
    "①②",
    "日本語",
    "Ωmega",
    "ǅemal",
    "x",
    "al-Islam",
    "o'clock",
]
DECOMPOSED = "e\u0301te\u0301"  # été in NFD, as macOS writes it (test_decomposed_accents_...)

_plain_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
_separators = st.sampled_from([" ", " ", "  ", "\t", ", ", ". ", " -- ", "\u00a0", "\u200b"])
_breaks = st.sampled_from(["\n", "\r\n", "\r", "\n\n"])


def documents_of(words: list[str]) -> st.SearchStrategy[str]:
    """Documents of a few lines made of `words` and plain words, with mixed line breaks."""
    line = st.lists(
        st.tuples(st.one_of(st.sampled_from(words), _plain_words), _separators), max_size=10
    ).map(lambda parts: "".join(word + sep for word, sep in parts))
    return st.lists(st.tuples(line, _breaks), min_size=1, max_size=25).map(
        lambda parts: "".join(text + brk for text, brk in parts)
    )


_hostile_words = st.sampled_from([*HOSTILE_WORDS, DECOMPOSED])
_document = documents_of([*HOSTILE_WORDS, DECOMPOSED])
_composed_document = documents_of(HOSTILE_WORDS)


@contextmanager
def library(texts: list[str]) -> Iterator[tuple[list[Document], SearchIndex]]:
    """Documents holding `texts` and a search index over them, in a throwaway folder."""
    with tempfile.TemporaryDirectory() as folder:
        docs = []
        for i, text in enumerate(texts):
            path = Path(folder) / f"doc{i}.txt"
            path.write_bytes(text.encode("utf-8"))
            docs.append(open_document(path))
        index = SearchIndex.build(docs, cache_dir=Path(folder) / "cache")
        try:
            yield docs, index
        finally:
            index.close()


def check_hits(result: SearchResult, query: str, docs: list[Document]) -> None:
    """Every hit is a real line of one of `docs`, and every span on it lies inside the line and
    holds words that match a query word within the allowed edits (or start like it)."""
    slots = [slot for term in parse_query(query) for slot in term.slots]
    for hit in result.hits:
        assert any(hit.document is doc for doc in docs)
        assert 0 <= hit.line < hit.document.line_count
        line = hit.document.line(hit.line)
        assert hit.text == line
        assert 0 <= hit.column <= len(line)
        previous_end = 0
        for start, end in hit.spans:
            assert previous_end <= start < end <= len(line), (hit.spans, line)
            previous_end = end
            words = [normalize(w) for w in WORD.findall(line[start:end])]
            assert words, (line[start:end], query)
            for word in words:
                assert any(
                    word.startswith(slot.norm)
                    or slot.norm.startswith(word)  # a word the normalization split or joined
                    or OSA.distance(word, slot.norm) <= max_edits(slot.norm)
                    for slot in slots
                ), (word, query, line)


def lines_with(docs: list[Document], word: str) -> set[tuple[int, int]]:
    """(document, line) of every line that holds `word` as a whole word, compared normalized."""
    norm = normalize(word)
    return {
        (d, i)
        for d, doc in enumerate(docs)
        for i, line in enumerate(doc.lines())
        if norm in (normalize(w) for w in WORD.findall(line))
    }


def hit_lines(result: SearchResult, docs: list[Document]) -> set[tuple[int, int]]:
    ids = {id(doc): d for d, doc in enumerate(docs)}
    return {(ids[id(hit.document)], hit.line) for hit in result.hits}


SEARCH_SETTINGS = settings(
    max_examples=150 if SLOW else 25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SEARCH_SETTINGS
@given(texts=st.lists(_document, min_size=1, max_size=3), data=st.data())
def test_search_over_hostile_libraries(texts: list[str], data: st.DataObject) -> None:
    with library(texts) as (docs, index):
        words = sorted({w for doc in docs for line in doc.lines() for w in WORD.findall(line)})
        query = data.draw(
            st.one_of(
                st.sampled_from(words) if words else st.just("x"),
                st.text(max_size=12),
                st.lists(_hostile_words, min_size=1, max_size=3).map(" ".join),
            ),
            label="query",
        )
        result = index.search(query, limit=0)
        check_hits(result, query, docs)
        assert result.total >= len(result.hits)
        # Scoped to one document: only its lines.
        scoped = index.search(query, limit=0, documents=[docs[0]])
        assert all(hit.document is docs[0] for hit in scoped.hits)


@SEARCH_SETTINGS
@given(texts=st.lists(_composed_document, min_size=1, max_size=3), data=st.data())
def test_every_line_holding_a_word_is_found(texts: list[str], data: st.DataObject) -> None:
    with library(texts) as (docs, index):
        words = sorted(
            {w for doc in docs for line in doc.lines() for w in WORD.findall(line) if w.isalpha()}
        )
        assume(words)
        word = data.draw(st.sampled_from(words), label="word")
        result = index.search(word + " ", limit=0)  # a trailing space: no prefix completion
        check_hits(result, word + " ", docs)
        assert lines_with(docs, word) <= hit_lines(result, docs), word


@SEARCH_SETTINGS
@given(texts=st.lists(_composed_document, min_size=1, max_size=2), data=st.data())
def test_a_word_with_one_typo_is_still_found(texts: list[str], data: st.DataObject) -> None:
    with library(texts) as (docs, index):
        vocabulary = {
            normalize(w) for doc in docs for line in doc.lines() for w in WORD.findall(line)
        }
        words = sorted(w for w in vocabulary if w.isascii() and w.isalpha() and len(w) >= 5)
        assume(words)
        word = data.draw(st.sampled_from(words), label="word")
        at = data.draw(st.integers(0, len(word) - 1), label="at")
        letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), label="letter")
        typo = word[:at] + letter + word[at + 1 :]
        # A typo that lands on another real word is that word, not a typo.
        assume(typo not in vocabulary)
        result = index.search(typo + " ", limit=0)
        check_hits(result, typo + " ", docs)
        assert lines_with(docs, word) <= hit_lines(result, docs), (word, typo)


def test_decomposed_accents_are_found() -> None:
    with library([f"the {DECOMPOSED} of the year\nnothing here\n"]) as (docs, index):
        for query in ("été", "ete", "\u00e9t\u00e9 "):
            assert hit_lines(index.search(query, limit=0), docs) == {(0, 0)}, query


# --- large files read in chunks --------------------------------------------------------------

_text_pieces = st.sampled_from(
    ["a", "bc", " ", "\n", "\r", "\r\n", "\t", "é", "日本", "🙂", "\x1b[31m", "ß", "\u202e", "\x00"]
)


@settings(max_examples=200 if SLOW else 40, deadline=None)
@given(pieces=st.lists(_text_pieces, min_size=1, max_size=300))
def test_chunked_reading_gives_the_same_lines(pieces: list[str]) -> None:
    data = "".join(pieces).encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.txt"
        path.write_bytes(data)
        try:
            whole = open_document(path)
            expected = whole.lines()
        except BinaryFileError:
            return
        # The same file as a "large" one: tiny chunks, so that CR LF pairs, tabs and multi-byte
        # characters fall across chunk boundaries.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(documents, "SMALL_FILE", 16)
            patch.setattr(documents, "CHUNK", 8)
            patch.setattr(documents, "READ", 24)
            patch.setattr(documents, "SNIFF", 64)
            patch.setattr(documents, "BLOCK", 20)
            try:
                blocks = list(Document(path).text_blocks())  # in blocks, before any indexing
                big = open_document(path)
                big.index_lines()
            except BinaryFileError:
                return  # sniffed from the head only; the whole-file read may still decide text
            if not big.is_large or big.encoding != whole.encoding:
                event("not read in chunks")
                return
            event("read in chunks")
            assert big.line_count == whole.line_count
            assert list(big.iter_lines()) == expected
            assert [big.line(i) for i in range(big.line_count)] == expected
            chunked = [line for _, chunk in big.iter_text_chunks() for line in chunk]
            assert chunked == expected
            assert [first for first, _ in blocks] == [
                sum(block.count("\n") + 1 for _, block in blocks[:k]) for k in range(len(blocks))
            ]
            assert [line for _, block in blocks for line in block.split("\n")] == expected
    for line in expected:
        assert not {"\n", "\r", "\t"} & set(line)
        assert len(sanitize(line)) == len(line)
