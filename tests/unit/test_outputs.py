"""Outputs never carry a document's control bytes, and never lose their structure or bound.

The Markdown export is parsed back with markdown-it-py: whatever the notes' bodies, quotes and
file names hold, it has one heading per note in order, every body and quote back (controls as
visible symbols), and no control character. The search CLI shows a window of a long line, in
text and JSON, and any file name, even one that is not valid UTF-8.
"""

from __future__ import annotations

import base64
import json
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from seedreader.cli import main
from seedreader.cli_search import format_hit, hit_json
from seedreader.documents import TAB_SIZE, Document, sanitize
from seedreader.export import to_markdown
from seedreader.notes import Anchor, Note, PlacedNote
from seedreader.pathnames import show_path
from seedreader.search import Hit
from seedreader.search.results import HIT_WINDOW

EXAMPLES = 400 if os.environ.get("SEEDREADER_SLOW") else 60

# -- the Markdown export

HOSTILE_PIECES = [
    "```",
    "````",
    "```python",
    "~~~",
    "~~~~~~",
    "`",
    "``",
    "`" * 40,
    "~" * 12,
    "#",
    "# heading",
    "## two",
    "###### six",
    ">",
    "> quoted",
    ">>",
    "-",
    "- item",
    "* item",
    "1. item",
    "---",
    "===",
    "***",
    "___",
    "    indented code",
    "<div>",
    "</pre>",
    "<!--",
    "<script>alert(1)</script>",
    "<https://example.com>",
    "[link](http://x)",
    "![img](x)",
    "[ref]: http://x",
    "*em* _em_ **strong**",
    "\\",
    "\\`",
    "&amp;",
    "&#0;",
    "&#32;",
    "|a|b|",
    " ",
    "  ",
    "\t",
    "\x00",
    "\x07",
    "\x08",
    "\r",
    "\r\n",
    "\x0e",
    "\x1a",
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "\x7f",
    "\x85",
    "\x9b31m",
    "\x9d",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\u00a0",
    "\u3000",
    "\n",
    "\n\n",
    "x" * 3000,
]

hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=12)), max_size=10
).map("".join)

# A file name: any of the above but "/" and NUL (a name cannot hold them), undecodable bytes too.
NAME_PIECES = [p for p in HOSTILE_PIECES if "\x00" not in p] + ["\udcff\udcfe", "\udc80"]
hostile_name = st.lists(
    st.one_of(
        st.sampled_from(NAME_PIECES),
        st.text(st.characters(blacklist_characters="/\x00"), max_size=8),
    ),
    min_size=1,
    max_size=5,
).map(lambda parts: "/docs/" + "".join(parts).replace("/", "|").replace("\x00", "0")[:400])


def _visible(text: str) -> str:
    """What the export shows of a note's text: LF kept, tabs expanded, the rest made visible."""
    return "\n".join(sanitize(line.expandtabs(TAB_SIZE)) for line in text.split("\n"))


def _placed(i: int, path: str, quote: str, body: str, state: str = "exact") -> PlacedNote:
    anchor = Anchor(i, i, 0, len(quote), quote, "", "")
    note = Note(f"n{i}", path, "f" * 40, anchor, body, 1_700_000_000.0, 1_700_000_000.0)
    return PlacedNote(note, state, i, i)


def _inline_text(token: Token) -> str:
    """A heading's text as a reader sees it; markup in it (an emphasis, a link) fails."""
    children = token.children or []
    assert all(child.type == "text" for child in children), [c.type for c in children]
    return "".join(child.content for child in children)


def _assert_no_control(markdown: str) -> None:
    for ch in "\x00\x07\x08\r\x0e\x1a\x1b\x7f\x9b\x9d\u2028\u2029":
        assert ch not in markdown, repr(ch)
    bad = {
        ch
        for ch in set(markdown)
        if ch != "\n"
        and (unicodedata.category(ch) in {"Cc", "Cs", "Zl", "Zp"} or sanitize(ch) != ch)
    }
    assert not bad


def _check_export(placed: list[PlacedNote]) -> None:
    markdown = to_markdown(placed)
    _assert_no_control(markdown)
    tokens = MarkdownIt().parse(markdown)
    top = [t for t in tokens if t.level == 0 and t.nesting != -1]
    # The export's shape: a title, then per document a heading, then per note a heading,
    # a block quote holding a fence, a fence, and a paragraph (the date). Nothing else.
    headings: list[tuple[str, str]] = []
    bodies: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append((token.tag, _inline_text(tokens[i + 1])))
        if token.type == "fence" and token.level == 0:
            bodies.append(token.content)
    quotes = [t.content for t in tokens if t.type == "fence" and t.level == 1]
    kinds = [t.type for t in top]
    assert set(kinds) <= {"heading_open", "blockquote_open", "fence", "paragraph_open"}
    assert kinds.count("paragraph_open") == len(placed)

    order = sorted(range(len(placed)), key=lambda i: placed[i].note.path)  # stable: in order
    expected: list[tuple[str, str]] = [("h1", "seedreader notes")]
    last = None
    for i in order:
        path = placed[i].note.path
        if path != last:
            expected.append(("h2", show_path(path)))
            last = path
        expected.append(("h3", f"{show_path(path)}:{(placed[i].line or 0) + 1}"))
    assert headings == expected
    assert [b[:-1] for b in bodies] == [_visible(placed[i].note.body) for i in order]
    assert [q[:-1] for q in quotes] == [_visible(placed[i].note.anchor.quote) for i in order]


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    notes=st.lists(
        st.tuples(st.sampled_from(range(3)), hostile_text, hostile_text), min_size=1, max_size=8
    ),
    names=st.lists(hostile_name, min_size=3, max_size=3),
)
def test_markdown_export_keeps_its_structure_whatever_bodies_and_names_hold(
    notes: list[tuple[int, str, str]], names: list[str]
) -> None:
    placed = [_placed(i, names[n], quote, body) for i, (n, quote, body) in enumerate(notes)]
    _check_export(placed)


def test_the_reported_bodies_and_names_keep_the_export_whole() -> None:
    bodies = [
        "# heading",
        "```",
        "````\n```\n~~~",
        "text\x00\x07\x08\r\x0e\x1a\x1b[31m\x7f\x9b\x9d\u2029 end",
        "---\n===\n> not a quote\n- not a list",
        "<div>\n<pre>",
    ] * 30
    names = ["/docs/\x1b]0;title\x07.txt", "/docs/two\nlines.txt", "/docs/bad\udcff\udcfe.txt"]
    placed = [_placed(i, names[i % 3], "quote ```", body) for i, body in enumerate(bodies)]
    _check_export(placed)
    markdown = to_markdown(placed)
    assert "## /docs/␛\\]0;title␇.txt\n" in markdown
    assert "## /docs/two␊lines.txt\n" in markdown
    assert "## /docs/bad\\\\xff\\\\xfe.txt\n" in markdown  # \xff, its backslash escaped


def test_a_name_ending_in_spaces_keeps_them() -> None:
    _check_export([_placed(0, "/docs/trailing  ", "q", "b"), _placed(1, "/docs/\u3000x", "", "")])


# -- the search CLI: a window around the match


def _hit(path: Path, text: str, spans: tuple[tuple[int, int], ...]) -> Hit:
    return Hit(Document(path), 0, spans[0][0], spans, 1.0, (), text)


def _big_line(size: int, at: int) -> str:
    """A line of about `size` characters of words, with "zebra" at column `at`."""
    filler = "lorem ipsum dolor sit amet "
    body = (filler * (size // len(filler) + 1))[:size]
    return body[:at] + "zebra " + body[at:]


def test_a_hit_on_a_long_line_shows_a_bounded_window(tmp_path: Path) -> None:
    line = _big_line(5_000_000, 2_500_000)
    at = 2_500_000
    hit = _hit(tmp_path / "a.txt", line, ((at, at + 5),))
    text = format_hit(hit, colour=False)
    shown = text.split(": ", 1)[1]
    assert len(shown) <= HIT_WINDOW and shown.startswith("…") and shown.endswith("…")
    assert "zebra" in shown
    coloured = format_hit(hit, colour=True)
    assert coloured.split(": ", 1)[1] == shown.replace("zebra", "\x1b[1;31mzebra\x1b[0m")
    record = json.loads(hit_json(hit))
    assert len(record["text"]) <= HIT_WINDOW and record["line_length"] == len(line)
    assert [record["text"][a:b] for a, b in record["matches"]] == ["zebra"]
    assert record["text_start"] + record["matches"][0][0] == record["column"] - 1 == at
    assert line[record["text_start"] :].startswith(record["text"])


@pytest.mark.parametrize("at", [0, 3, 150, 199_990, 199_995])
def test_the_window_fits_at_either_end_of_the_line(at: int) -> None:
    line = _big_line(200_000, at)
    hit = _hit(Path("/x/a.txt"), line, ((at, at + 5),))
    window = hit.window(60)
    shown = ("…" if window.cut_before else "") + window.text + ("…" if window.cut_after else "")
    assert len(shown) == 60
    assert [window.text[a:b] for a, b in window.spans] == ["zebra"]
    assert line[window.start : window.end] == window.text
    assert window.cut_before == (window.start > 0)
    assert window.cut_after == (window.end < len(line))


def test_a_short_line_is_shown_whole_and_spans_are_unchanged() -> None:
    hit = _hit(Path("/x/a.txt"), "find the zebra here", ((9, 14),))
    record = json.loads(hit_json(hit))
    assert record["text"] == "find the zebra here" and record["text_start"] == 0
    assert record["matches"] == [[9, 14]]
    assert format_hit(hit, colour=False).endswith(":1:10: find the zebra here")


def test_search_cli_on_a_file_with_a_line_of_megabytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _big_line(4_000_000, 3_000_000 - 3_000_000 % 27)  # between two words
    (tmp_path / "big.txt").write_text(line + "\n", encoding="utf-8")
    assert main(["search", "zebra", str(tmp_path)]) == 0
    out, _ = capsys.readouterr()
    assert len(out) < 2 * HIT_WINDOW + len(str(tmp_path)) and "zebra" in out
    assert main(["search", "zebra", str(tmp_path), "--json"]) == 0
    out, _ = capsys.readouterr()
    record = json.loads(out)
    assert len(record["text"]) <= HIT_WINDOW and record["line_length"] == len(line)
    assert line[record["text_start"] + record["matches"][0][0] :].startswith("zebra ")
    assert main(["search", "zebra", str(tmp_path), "--json", "--width", "0"]) == 0
    out, _ = capsys.readouterr()
    assert json.loads(out)["text"] == line  # asked for: the whole line


def test_the_search_panel_snippet_is_bounded_too() -> None:
    from seedreader.ui.widgets.search_panel import snippet

    line = _big_line(3_000_000, 1_000_000) + "\x1b[2J"
    hit = _hit(Path("/x/a.txt"), line, ((1_000_000, 1_000_005),))
    text = snippet(hit, 80)
    assert len(text.plain) <= 80 and text.plain[0] == "…" and text.plain[-1] == "…"
    styled = [text.plain[s.start : s.end] for s in text.spans]
    assert styled == ["zebra"]
    end = _hit(Path("/x/a.txt"), line, ((len(line) - 4, len(line)),))
    assert "\x1b" not in snippet(end, 80).plain and snippet(end, 80).plain.endswith("␛[2J")


# -- the search CLI: any file name


BAD = "bad\udcff\udcfe\x1b]0;t\x07.txt"  # not UTF-8, and an escape sequence


def test_a_hit_in_a_file_named_with_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / BAD
    hit = _hit(path, "a zebra here", ((2, 7),))
    for colour in (False, True):
        text = format_hit(hit, colour)
        text.encode("utf-8")  # printable: no lone surrogate
        assert "bad\\xff\\xfe␛]0;t␇.txt" in text
        assert "\x07" not in text and "\x1b]" not in text
    line = hit_json(hit)
    assert line.isascii()
    record = json.loads(line)
    assert record["path"] == show_path(path) and "\\xff\\xfe" in record["path"]
    assert base64.b64decode(record["path_bytes"]) == os.fsencode(path)
    clean = json.loads(hit_json(_hit(tmp_path / "good\x1b.txt", "a zebra", ((2, 7),))))
    assert clean["path"] == str(tmp_path / "good\x1b.txt") and "path_bytes" not in clean


def test_no_document_in_a_folder_named_with_bad_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "empty\udcff\x1b[2J"
    folder.mkdir()
    assert main(["search", "zebra", str(folder)]) == 2
    _, err = capsys.readouterr()
    assert "empty\\xff␛[2J" in err and "\x1b" not in err


def test_search_cli_end_to_end_on_a_name_that_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / BAD).write_text("a zebra here\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text("another zebra\n", encoding="utf-8")
    assert main(["search", "zebra", str(tmp_path)]) == 0
    out, _ = capsys.readouterr()
    assert "bad\\xff\\xfe␛]0;t␇.txt:1:3: a zebra here" in out and "good.txt" in out
    assert main(["search", "zebra", str(tmp_path), "--json"]) == 0
    out, _ = capsys.readouterr()
    records = {r["text"]: r for r in map(json.loads, out.splitlines())}
    bad = records["a zebra here"]
    assert base64.b64decode(bad["path_bytes"]) == os.fsencode(tmp_path / BAD)
    assert "path_bytes" not in records["another zebra"]
