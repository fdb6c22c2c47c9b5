"""The outline detector: each plain-text convention, the real corpus, noise, hostile input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedreader.documents import split_lines
from seedreader.outline import (
    MAX_SECTIONS,
    TITLE_CHARS,
    Section,
    detect_outline,
    markdown_outline,
    section_index,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


def outline(text: str) -> list[tuple[int, str]]:
    """(level, title) of each heading, for compact expectations."""
    return [(s.level, s.title) for s in detect_outline(split_lines(text))]


def corpus_lines(name: str) -> list[str]:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip("needs the shared corpus (../shared/corpus, real texts): absent here")
    return split_lines(path.read_text(encoding="utf-8"))


PROSE = (
    "It was a bright cold day in April, and the clocks were striking thirteen.\n"
    "Winston Smith, his chin nuzzled into his breast in an effort to escape the\n"
    "vile wind, slipped quickly through the glass doors of Victory Mansions.\n"
)


# --- each convention ------------------------------------------------------------------------


def test_underlined_headings_nest_by_style_in_order_of_use() -> None:
    text = (
        "Title\n=====\n\n"
        + PROSE
        + "\nFirst part\n----------\n\n"
        + PROSE
        + "\nSecond part\n-----------\n\n"
        + PROSE
        + "\nAnother title\n=============\n\n"
        + PROSE
    )
    assert outline(text) == [
        (1, "Title"),
        (2, "First part"),
        (2, "Second part"),
        (1, "Another title"),
    ]


def test_a_rule_after_a_paragraph_is_not_an_underline() -> None:
    # A separator under the last line of a paragraph (Vim's help.txt has one) is no heading.
    text = PROSE + "-" * 78 + "\n" + PROSE
    assert outline(text) == []


def test_numbered_sections_nest_by_depth() -> None:
    text = "\n".join(
        [
            "1. Introduction",
            "",
            PROSE,
            "1.1 Scope",
            "",
            PROSE,
            "1.2. Terms",
            "",
            PROSE,
            "2. Design",
            "",
            PROSE,
            "2.1.3 Details",
            "",
            PROSE,
        ]
    )
    assert outline(text) == [
        (1, "1. Introduction"),
        (2, "1.1 Scope"),
        (2, "1.2. Terms"),
        (1, "2. Design"),
        (2, "2.1.3 Details"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "1. buy milk",  # lower case: a list item
        "2. Open the file and read it to the end.",  # a sentence
        "3. Introduction . . . . . . . . . . . . 4",  # a table of contents line
        "4. Overview ............................. 7",
        "1999 was a good year for the project and for us",
    ],
)
def test_numbered_lines_that_are_not_headings(line: str) -> None:
    assert outline(PROSE + "\n" + line + "\n\n" + PROSE) == []


def test_numbered_list_in_a_paragraph_is_not_a_heading() -> None:
    text = PROSE + "\n1. First step of the recipe\n2. Second step of the recipe\n\n" + PROSE
    assert outline(text) == []


def test_chapter_and_part_keywords_with_roman_numerals() -> None:
    text = "\n".join(
        [
            "PART ONE",
            "",
            "CHAPTER I.",
            "Down the Rabbit-Hole",
            "",
            PROSE,
            "Chapter 3: The Pool of Tears",
            "",
            PROSE,
            "Part II",
            "",
            "CHAPTER III",
            "",
            PROSE,
        ]
    )
    assert outline(text) == [
        (1, "PART ONE"),
        (2, "CHAPTER I. Down the Rabbit-Hole"),
        (2, "Chapter 3: The Pool of Tears"),
        (1, "Part II"),
        (2, "CHAPTER III"),
    ]


def test_keyword_at_the_start_of_a_sentence_is_not_a_heading() -> None:
    text = PROSE + "\nChapter 3 of the book says, quite plainly, that\nthe clocks strike.\n"
    assert outline(text) == []


def test_capitals_between_blank_lines() -> None:
    text = "INTRODUCTION\n\n" + PROSE + "\nGETTING STARTED\n\n" + PROSE
    text += "\nNOT A HEADING\nbecause text follows it directly.\n"
    assert outline(text) == [(1, "INTRODUCTION"), (1, "GETTING STARTED")]


def test_a_list_of_capitalised_names_does_not_flood() -> None:
    names = [f"NAME NUMBER {chr(65 + i % 26)}{chr(65 + i // 26)}" for i in range(200)]
    assert outline("\n\n".join(names) + "\n") == []


def test_running_headers_in_capitals_are_not_headings() -> None:
    page = "THE DAILY NEWS\n\n" + PROSE * 5 + "\n"
    assert outline(page * 8) == []


def test_form_feed_pages_when_nothing_else() -> None:
    page = PROSE * 3
    text = page + "\f\n" + page + "\f" + page
    assert detect_outline(split_lines(text)) == [
        Section(0, 1, "Page 1"),
        Section(9, 1, "Page 2"),  # the form feed's line
        Section(19, 1, "Page 3"),
    ]


RFC = """\
Network Working Group                                          J. Postel
Request for Comments: 9999                                           ISI
                                                          September 1981

                           EXAMPLE PROTOCOL

Status of This Memo

   This memo is an example for tests.  It is long enough
   to have a body that is indented by three columns, as
   the bodies of RFCs are.

Table of Contents

   1.  Introduction . . . . . . . . . . . . . . . . . . . . . . . .   2
     1.1.  Motivation . . . . . . . . . . . . . . . . . . . . . . .   2
   2.  Overview . . . . . . . . . . . . . . . . . . . . . . . . . .   3
   Appendix A.  Examples  . . . . . . . . . . . . . . . . . . . . .   4

1.  Introduction

   The protocol is introduced here.  It has three parts, described
   below.

1.1.  Motivation

   1.  This is a list item inside the body.

   2.  Another one.




Postel                                                          [Page 1]
\f
RFC 9999            EXAMPLE PROTOCOL            1981


2.  Overview

   An overview of the protocol, over a few lines of text
   that are indented by three columns, like all the body
   text of an RFC.

4.2.1.  Foo Bar

   Text about foo.

Appendix A.  Examples

   Some examples.

A.1.  First Example

   Text.



Postel                                                          [Page 2]
\f
RFC 9999            EXAMPLE PROTOCOL            1981


   More text on page three.
"""


def test_rfc_sections_without_page_furniture_or_contents_lines() -> None:
    sections = detect_outline(split_lines(RFC))
    assert [(s.level, s.title) for s in sections] == [
        (1, "EXAMPLE PROTOCOL"),
        (2, "Status of This Memo"),
        (2, "Table of Contents"),
        (2, "1. Introduction"),
        (3, "1.1. Motivation"),
        (2, "2. Overview"),
        (3, "4.2.1. Foo Bar"),
        (2, "Appendix A. Examples"),
        (3, "A.1. First Example"),
    ]
    lines = split_lines(RFC)
    assert lines[sections[3].line] == "1.  Introduction"
    # No page header or footer, though they repeat in capitals at column 0.
    assert not any("Postel" in s.title or "RFC 9999" in s.title for s in sections)


VIM_HELP = """\
*sample.txt*	For Vim version 9.0.  Last change: 2022 Dec 03


                  VIM REFERENCE MANUAL	  by Somebody


Sample help						*sample*

1. Introduction		|sample-intro|
2. Options		|sample-options|

==============================================================================
1. Introduction						*sample-intro*

Some text about the plugin.  It is long enough to be a paragraph of text
that wraps at 78 columns, as help files do.

INSERT MODE						*sample-insert*

More text here.

Sub heading ~

Text under a sub heading.

==============================================================================
2. Options						*sample-options*

                                                        *'sampleopt'* *'so'*
'sampleopt' 'so'	number	(default 8)
                        How many samples there are.

:Sample {arg}						*:Sample*
                        Run the sample.

==============================================================================

 vim:tw=78:ts=8:noet:ft=help:norl:
"""


def test_vim_help_chapters_tagged_headers_and_entries() -> None:
    assert outline(VIM_HELP) == [
        (1, "Sample help"),
        (1, "1. Introduction"),
        (2, "INSERT MODE"),
        (3, "Sub heading"),
        (1, "2. Options"),
        (2, "'sampleopt' 'so'"),
        (2, ":Sample {arg}"),
    ]


def test_line_keyed_reference_groups_books_and_chapters() -> None:
    keys = [("Ge", 1), ("Ge", 2), ("Exo", 1), ("1Sm", 1), ("Xyz", 3)]
    lines = [
        f"{book}{chapter}:{verse} Text of the verse."
        for book, chapter in keys
        for verse in range(1, 6)
    ]
    assert [(s.line, s.level, s.title) for s in detect_outline(lines)] == [
        (0, 1, "Genesis"),
        (0, 2, "Genesis 1"),
        (5, 2, "Genesis 2"),
        (10, 1, "Exodus"),
        (10, 2, "Exodus 1"),
        (15, 1, "1 Samuel"),
        (15, 2, "1 Samuel 1"),
        (20, 1, "Xyz"),  # an unknown book keeps its key as its name
        (20, 2, "Xyz 3"),
    ]


def test_a_reference_on_every_line_without_grouping_is_not_an_outline() -> None:
    lines = [f"Ge{n}:1 A verse quoted alone." for n in range(1, 40)]
    assert len(detect_outline(lines)) < 3


def test_glossary_entries_under_outdented_letters() -> None:
    body = "   Text of the entry, indented like the rest of the body of the file.\n" * 4
    entries = []
    for letter in "AB":
        entries.append(f"  {letter}\n\n")
        for n in range(12):
            entries.append(f"   :{letter.lower()}word{n}: /pronunciation/, n.\n\n{body}\n")
    text = "Glossary\n\n" + body * 3 + "\n" + "".join(entries)
    found = outline(text)
    assert found[:3] == [(1, "Glossary"), (2, "A"), (3, "aword0")]
    assert (2, "B") in found
    assert len(found) == 1 + 2 + 24


def test_markdown_headings_nest_from_the_first_level_used() -> None:
    headings = [
        Section(0, 2, "Start here"),
        Section(4, 4, "Deeper"),
        Section(6, 2, "Again"),
        Section(8, 1, "Top"),
        Section(9, 3, "  "),
    ]
    assert [(s.line, s.level, s.title) for s in markdown_outline(headings)] == [
        (0, 1, "Start here"),
        (4, 2, "Deeper"),
        (6, 1, "Again"),
        (8, 1, "Top"),
    ]


# --- no structure, noise, hostile input -----------------------------------------------------


def test_prose_has_no_outline() -> None:
    assert outline((PROSE + "\n") * 50) == []
    assert detect_outline([]) == []
    assert detect_outline(["", "   ", ""]) == []


def test_fortune_style_file_has_no_outline() -> None:
    cookies = [
        "A day without sunshine is like, you know, night.",
        "You will be successful in your work.\n\t\t-- Anonymous",
        "WARNING: do not read this\n\nunless you mean it.",
        "Q:\tWhat is a dyslexic agnostic?\nA:\tSomeone who wonders if there is a dog.",
    ]
    assert outline("\n%\n".join(cookies * 30) + "\n") == []


def test_hostile_lines_are_safe() -> None:
    lines = [
        "\x1b[31mRED ALERT\x1b[0m",
        "",
        PROSE,
        "x" * 100_000,
        "",
        "[bold]MARKUP[/bold] CHAPTER",
        "",
        "A" * 100_000,
        "",
        "Chapter 1 " + "\u202e" + "evil",
        "",
        PROSE,
    ]
    sections = detect_outline(lines)
    assert sections  # the short headings are found, the 100k-character lines are not
    for section in sections:
        assert "\x1b" not in section.title
        assert "\u202e" not in section.title
        assert len(section.title) <= TITLE_CHARS
    assert {s.line for s in sections} <= {0, 5, 9}


def test_long_titles_are_cut() -> None:
    title = "A title that goes on " * 4 + "and on"
    [section] = detect_outline([title, "=" * len(title), "", PROSE])
    assert len(section.title) == TITLE_CHARS
    assert section.title.endswith("…")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="=-*~: .1aAIV\t\f\x1b|", max_size=30), max_size=40))
def test_any_text_gives_ordered_sane_sections(lines: list[str]) -> None:
    sections = detect_outline([line.expandtabs() for line in lines])
    assert [s.line for s in sections] == sorted({s.line for s in sections})
    for section in sections:
        assert 0 <= section.line < len(lines)
        assert 1 <= section.level <= 6
        assert section.title and section.title.isprintable()


def test_cancelled_returns_nothing() -> None:
    lines = ("INTRODUCTION\n\n" + PROSE + "\n").split("\n") * 5_000
    assert detect_outline(lines, cancelled=lambda: True) == []


def test_cap_on_the_number_of_sections() -> None:
    lines: list[str] = []
    for n in range(MAX_SECTIONS + 5_000):
        lines += [f"{n // 100 + 1}.{n % 100 + 1} Heading", "", *["   body text"] * 5, ""]
    sections = detect_outline(lines)
    assert 0 < len(sections) <= MAX_SECTIONS


def test_two_hundred_thousand_lines_are_quick() -> None:
    lines = split_lines(((PROSE + "\n") * 10 + "SECTION TITLE\n\n1.2 Numbered\n\n") * 10_000)
    assert len(lines) >= 200_000
    start = time.perf_counter()
    detect_outline(lines)
    assert time.perf_counter() - start < 3


# --- where the reader is ----------------------------------------------------------------


def test_section_index() -> None:
    sections = [Section(3, 1, "a"), Section(10, 2, "b"), Section(20, 1, "c")]
    assert section_index(sections, 0) is None
    assert section_index(sections, 3) == 0
    assert section_index(sections, 9) == 0
    assert section_index(sections, 10) == 1
    assert section_index(sections, 10_000) == 2
    assert section_index([], 5) is None


# --- the real corpus ----------------------------------------------------------------------


def test_kjv_books_and_chapters() -> None:
    sections = detect_outline(corpus_lines("kjv/kjv.txt"))
    books = [s for s in sections if s.level == 1]
    chapters = [s for s in sections if s.level == 2]
    assert len(books) == 66
    assert len(chapters) == 1189
    assert [b.title for b in books[:3]] == ["Genesis", "Exodus", "Leviticus"]
    assert {"Song of Solomon", "1 Samuel", "Philemon", "3 John"} <= {b.title for b in books}
    assert books[-1].title == "Revelation"
    assert chapters[0] == Section(0, 2, "Genesis 1")
    assert chapters[-1].title == "Revelation 22"
    psalms = [c for c in chapters if c.title.startswith("Psalms ")]
    assert len(psalms) == 150


def test_vim_user_manual_chapter() -> None:
    lines = corpus_lines("vim/usr_05.txt")
    found = [(s.level, s.title) for s in detect_outline(lines)]
    top = [title for level, title in found if level == 1]
    assert top == [f"05.{n} {name}" for n, name in enumerate(USR_05, 1)]
    assert (2, "GLOBAL PLUGINS") in found
    assert (2, "ROOM FOR MESSAGES") in found
    assert not any("Next chapter" in title for _, title in found)


USR_05 = [
    "The vimrc file",
    "The example vimrc file explained",
    "The defaults.vim file explained",
    "Simple mappings",
    "Adding a package",
    "Adding a plugin",
    "Adding a help file",
    "The option window",
    "Often used options",
]


def test_vim_options_has_its_chapters_and_every_option() -> None:
    sections = detect_outline(corpus_lines("vim/options.txt"))
    titles = [s.title for s in sections]
    for chapter in ("1. Setting options", "2. Automatically setting options", "3. Options summary"):
        assert chapter in titles
    assert "'tabstop' 'ts'" in titles
    assert "'aleph' 'al'" in titles
    options = [t for t in titles if t.startswith("'")]
    assert 400 <= len(options) <= 450
    assert len(sections) < 600


def test_vim_main_help_file() -> None:
    found = [(s.level, s.title) for s in detect_outline(corpus_lines("vim/help.txt"))]
    assert (1, "BASIC:") in found
    assert (2, "Getting Started") in found
    assert (1, "LOCAL ADDITIONS:") in found
    assert 10 <= len(found) <= 30


def test_every_vim_help_file_gives_a_bounded_outline() -> None:
    folder = CORPUS / "vim"
    if not folder.is_dir():
        pytest.skip("needs the shared corpus (../shared/corpus, real texts): absent here")
    for path in sorted(folder.glob("*.txt")):
        lines = split_lines(path.read_text(encoding="utf-8"))
        sections = detect_outline(lines)
        assert len(sections) <= max(10, len(lines) // 6), path.name


def test_jargon_parts_chapters_letters_and_entries() -> None:
    sections = detect_outline(corpus_lines("jargon/jargon.txt"))
    found = [(s.level, s.title) for s in sections]
    assert [t for level, t in found if t.startswith("Part ")] == [
        "Part I. Introduction",
        "Part II. The Jargon Lexicon",
        "Part III. Appendices",
    ]
    assert all(level == 1 for level, t in found if t.startswith("Part "))
    assert (2, "Chapter 1. Hacker Slang and Hacker Culture") in found
    assert (3, "Verb Doubling") in found
    assert (2, "Glossary") in found
    assert (3, "A") in found
    assert (4, "hack") in found
    assert (4, "zorkmid") in found
    assert (2, "Appendix A. Hacker Folklore") in found
    entries = [t for level, t in found if level == 4]
    assert 2_250 <= len(entries) <= 2_350  # the file says it has 2,307 entries
    # The table of contents (indented like the body) lists the chapters without a number.
    assert not any(t == "Hacker Slang and Hacker Culture" for _, t in found)


def test_fortune_files_have_no_outline_or_almost_none() -> None:
    folder = CORPUS / "fortunes"
    if not folder.is_dir():
        pytest.skip("needs the shared corpus (../shared/corpus, real texts): absent here")
    total = 0
    for path in sorted(folder.iterdir()):
        sections = detect_outline(split_lines(path.read_text(encoding="utf-8")))
        assert len(sections) <= 3, path.name
        total += len(sections)
    assert total <= 15
