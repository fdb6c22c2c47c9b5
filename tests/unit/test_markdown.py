"""The Markdown renderer: display lines as glow would show them, every character tied to its
source line and column, and never a crash or an escape sequence from the document."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedreader import markdown
from seedreader.documents import sanitize
from seedreader.markdown import (
    RULE,
    DisplayLine,
    Rendered,
    Table,
    render_markdown,
    slug,
)
from seedreader.wrap import text_cells

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "markdown"
READMES = sorted(FIXTURES.glob("*.md"))


def render(text: str, **kwargs: int) -> Rendered:
    return render_markdown(text.split("\n"), **kwargs)


def only(rendered: Rendered, kind: str | None = None) -> list[DisplayLine]:
    return [line for line in rendered.lines if kind is None or line.kind == kind]


def line_at(rendered: Rendered, source_line: int) -> DisplayLine:
    return rendered.lines[rendered.display_of(source_line)]


def roles(line: DisplayLine, role: str) -> list[str]:
    return [line.text[start:end] for start, end, name in line.spans if name == role]


def check_mapping(lines: Sequence[str], rendered: Rendered) -> None:
    """The invariants every render keeps (see the module docstring of seedreader.markdown)."""
    shown = rendered.lines
    assert len(shown) >= (1 if lines else 0)
    previous = -1
    for display in shown:
        assert display.line >= previous, "display lines out of source order"
        previous = display.line
        assert display.last >= display.line
        assert "\n" not in display.text and "\t" not in display.text
        assert sanitize(display.text) == display.text, "unsafe character shown"
        assert display.kind in ("text", "heading", "code", "table", "rule", "blank", "raw")
        for start, end, _ in display.spans + display.links:
            assert 0 <= start <= end <= len(display.text)
        position = 0
        for start, length, line, column in display.runs:
            assert start >= position and length > 0, "runs unsorted or overlapping"
            position = start + length
            assert position <= len(display.text)
            assert display.line <= line <= display.last, "run outside the display line"
            source = sanitize(lines[line])
            assert display.text[start:position] == source[column : column + length]
            for offset in range(start, position):
                assert display.offset_of(*display.source_of(offset)) == offset
    mapped = {run[2] for display in shown for run in display.runs}
    for line in range(len(lines)):
        index = rendered.display_of(line)
        assert 0 <= index < len(shown)
        display = shown[index]
        covering = [i for i, d in enumerate(shown) if d.line <= line <= d.last]
        if covering:
            assert index == covering[0], f"line {line} maps to {index}, not {covering[0]}"
        else:  # a line that shows nothing maps to the nearest display line after it
            assert line not in mapped
            assert display.line > line or index == len(shown) - 1
        assert rendered.source_of(index) == display.line


# --- generated documents ---------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "word",
        "two words",
        "*em*",
        "**strong**",
        "~~gone~~",
        "`co|de`",
        "``a ` b``",
        "[link](http://x.y/z_(1) 'title')",
        "[ref][r]",
        "![alt *x*](i.png)",
        "[![build](b.svg)](http://ci)",
        "<https://auto.link>",
        "&amp;",
        "&lt;tag&gt;",
        "\\*not em\\*",
        "[^1]",
        "<br>",
        "<b>bold</b>",
        '<img alt="pic" src="p.png">',
        "\x1b[31mred",
        "[bold]markup[/bold]",
        "日本語",
        "a\x00b",
        "_under_",
        "**unclosed",
        "x|y",
        "\\|",
    ]
)


@st.composite
def inline(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(WORDS, min_size=1, max_size=5)))


@st.composite
def block(draw: st.DrawFn) -> list[str]:
    kind = draw(st.integers(0, 13))
    text = draw(inline())
    if kind == 0:
        return ["#" * draw(st.integers(1, 6)) + " " + text]
    if kind == 1:
        return [text, draw(st.sampled_from(["===", "---"]))]
    if kind == 2:
        lines = [draw(inline()) for _ in range(draw(st.integers(1, 3)))]
        return [line + draw(st.sampled_from(["", "  ", "\\"])) for line in lines]
    if kind == 3:
        items = []
        for _ in range(draw(st.integers(1, 4))):
            indent = " " * draw(st.sampled_from([0, 2, 4]))
            marker = draw(st.sampled_from(["- ", "* ", "1. ", "2) ", "- [ ] ", "- [x] "]))
            items.append(indent + marker + draw(inline()))
            if draw(st.booleans()):
                items.append("")
        return items
    if kind == 4:
        prefix = draw(st.sampled_from(["> ", "> > ", ">", "> - "]))
        return [prefix + draw(inline()) for _ in range(draw(st.integers(1, 3)))] + [">"]
    if kind == 5:
        language = draw(st.sampled_from(["", "python", "js", "nosuchlanguage", "{.sh}"]))
        fence = draw(st.sampled_from(["```", "~~~~"]))
        body = draw(st.lists(st.sampled_from(["x = 1", "", "  def f():", "\x1b[1m", "```"])))
        closing = [fence] if draw(st.booleans()) else []
        return [fence + language, *(line for line in body if line != fence), *closing]
    if kind == 6:
        columns = draw(st.integers(1, 4))
        header = "| " + " | ".join(draw(inline()) for _ in range(columns)) + " |"
        rule = (
            "|"
            + "|".join(draw(st.sampled_from(["---", ":--", ":-:", "--:"])) for _ in range(columns))
            + "|"
        )
        rows = [
            "| " + " | ".join(draw(inline()) for _ in range(columns)) + " |"
            for _ in range(draw(st.integers(0, 3)))
        ]
        return [header, rule, *rows]
    if kind == 7:
        return [""] * draw(st.integers(1, 3))
    if kind == 8:
        return draw(st.sampled_from([["<div>", text, "</div>"], ["<!-- c -->"], ["<p>", "</p>"]]))
    if kind == 9:
        return [draw(st.sampled_from(["---", "***", "___"]))]
    if kind == 10:
        return ["    " + text, "    more"]
    if kind == 11:
        return ["[^1]: " + text, "    continued"]
    if kind == 12:
        return ["[r]: http://ref.example"]
    return ["- item", "", "  para in item", "", "  ```", "  code", "  ```"]


@st.composite
def documents(draw: st.DrawFn) -> list[str]:
    lines: list[str] = []
    for part in draw(st.lists(block(), max_size=8)):
        lines.extend(part)
        if draw(st.booleans()):
            lines.append("")
    return lines


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_source_line_maps_and_every_run_shows_its_source(lines: list[str]) -> None:
    check_mapping(lines, render_markdown(lines))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.integers(0, 40))
def test_stop_renders_a_prefix_equal_to_the_full_render(lines: list[str], stop: int) -> None:
    # Definitions after the boundary are not seen by the prefix render (they are global).
    lines = [line for line in lines if not line.startswith(("[^1]:", "[r]:"))]
    full = render_markdown(lines)
    partial = render_markdown(lines, stop=stop)
    check_mapping(lines, partial)
    end = partial.source_count
    assert min(stop, len(lines)) <= end <= len(lines)
    head = [line for line in partial.lines if line.kind != "raw" or line.line < end]
    assert list(full.lines[: len(head)]) == head
    tail = list(partial.lines[len(head) :])
    assert [line.line for line in tail] == list(range(end, len(lines)))
    assert all(line.kind == "raw" and line.text == sanitize(lines[line.line]) for line in tail)


# --- blocks ----------------------------------------------------------------------------------


def test_blank_runs_are_one_display_line() -> None:
    rendered = render("one\n\n\n\ntwo\n\nthree")
    assert [(d.kind, d.line, d.last) for d in rendered.lines] == [
        ("text", 0, 0),
        ("blank", 1, 3),
        ("text", 4, 4),
        ("blank", 5, 5),
        ("text", 6, 6),
    ]
    assert rendered.display_of(2) == 1 and rendered.lines[1].text == ""


def test_paragraph_is_reflowed_into_one_display_line() -> None:
    rendered = render("The quick\nbrown fox\njumps.")
    (line,) = rendered.lines
    assert (line.text, line.line, line.last) == ("The quick brown fox jumps.", 0, 2)
    assert line.offset_of(1, 0) == len("The quick ")
    assert line.source_of(len("The quick brown")) == (1, 5)
    assert line.offset_of(5, 0) is None


@pytest.mark.parametrize("ending", ["  ", "\\", "<br>"])
def test_hard_break_starts_a_display_line_at_the_next_source_line(ending: str) -> None:
    rendered = render(f"first part{ending}\nsecond part\nthird")
    assert [(d.text, d.line, d.last) for d in rendered.lines] == [
        ("first part", 0, 0),
        ("second part third", 1, 2),
    ]


def test_br_in_the_middle_of_a_line_breaks_it_there() -> None:
    rendered = render("left<br>right")
    assert [(d.text, d.line) for d in rendered.lines] == [("left", 0), ("right", 0)]
    assert rendered.lines[1].source_of(0) == (0, 8)


def test_atx_and_setext_headings() -> None:
    rendered = render("# Top *level*\n\nSub title\n---------\n\n###### Six ###")
    top, _, sub, _, six = rendered.lines
    assert (top.kind, top.text, roles(top, "h1"), roles(top, "em")) == (
        "heading",
        "Top level",
        ["Top level"],
        ["level"],
    )
    assert (sub.text, sub.line, sub.last, roles(sub, "h2")) == ("Sub title", 2, 3, ["Sub title"])
    assert (six.text, roles(six, "h6")) == ("Six", ["Six"])
    assert [(h.line, h.level, h.title, h.anchor) for h in rendered.headings] == [
        (0, 1, "Top level", "top-level"),
        (2, 2, "Sub title", "sub-title"),
        (5, 6, "Six", "six"),
    ]
    assert rendered.anchors["sub-title"] == 2


def test_fenced_code_lines_with_highlighting() -> None:
    rendered = render('```python\ndef f(x):\n    return "s"\n```\nafter')
    fence, first, second, closing, after = rendered.lines
    assert all(d.kind == "code" for d in (fence, first, second, closing))
    assert fence.text == "python" and roles(fence, "marker") == ["python"]
    assert roles(fence, "codeblock") == ["python"]
    assert first.text == "def f(x):" and second.text == '    return "s"'
    assert roles(first, "codeblock") == ["def f(x):"]
    assert roles(first, "tok.Keyword") == ["def"]
    assert roles(first, "tok.Name.Function") == ["f"]
    assert "".join(roles(second, "tok.Literal.String.Double")) == '"s"'
    assert (closing.text, closing.line) == ("", 3)
    assert after.kind == "text" and after.line == 4
    assert first.runs == ((0, 9, 1, 0),)


def test_unknown_language_and_unterminated_fence_are_plain_code() -> None:
    rendered = render("~~~nosuchlang\nx = [bold]1[/bold]\n\n")
    fence, code, blank, *_ = rendered.lines
    assert fence.text == "nosuchlang"
    assert code.text == "x = [bold]1[/bold]"
    assert not [s for s in code.spans if s[2].startswith("tok.")]
    assert blank.kind == "code"  # the empty line is still inside the unterminated fence


def test_indented_code_shows_only_its_lines() -> None:
    rendered = render("para\n\n    code  here\n    more\n\nafter")
    code = only(rendered, "code")
    assert [(d.text, d.line) for d in code] == [("code  here", 2), ("more", 3)]
    assert code[0].runs == ((0, 10, 2, 4),)


def test_lists_nest_with_bullets_hanging_leads_and_numbers() -> None:
    source = "- one\n  - two\n    - three\n      - four\n\n1. first\n10. tenth\n3) third"
    rendered = render(source)
    texts = [(d.text, d.lead) for d in rendered.lines if d.kind == "text"]
    assert texts[:4] == [
        ("• one", "  "),
        ("  ◦ two", "    "),
        ("    ▪ three", "      "),
        ("      • four", "        "),
    ]
    assert [t for t, _ in texts[4:]] == ["1. first", "10. tenth", "3) third"]
    assert texts[5][1] == "    "
    assert roles(rendered.lines[0], "marker") == ["• "]


def test_tasks_show_boxes_and_done_items() -> None:
    rendered = render("- [x] shipped it\n- [ ] not yet")
    done, todo = rendered.lines
    assert done.text == "☑ shipped it" and todo.text == "☐ not yet"
    assert "shipped it" in roles(done, "task-done")
    assert not roles(todo, "task-done")
    assert done.source_of(2) == (0, 6)


def test_tight_list_items_are_one_line_each_and_loose_lists_keep_blanks() -> None:
    tight = render("- a\n- b")
    assert [d.kind for d in tight.lines] == ["text", "text"]
    loose = render("- a\n\n- b\n\n  more of b")
    assert [(d.kind, d.text) for d in loose.lines] == [
        ("text", "• a"),
        ("blank", ""),
        ("text", "• b"),
        ("blank", ""),
        ("text", "  more of b"),
    ]


def test_quotes_nest_with_bars_and_mix_with_lists() -> None:
    rendered = render("> outer *text*\n>\n> > inner\n> - item\n\n- > quoted in item")
    outer, gap, inner, item, _, in_item = rendered.lines
    assert outer.text == "▌ outer text" and outer.lead == "▌ "
    assert roles(outer, "marker") == ["▌ "]
    assert roles(outer, "quote") == ["outer text"]
    assert gap.text == "▌"
    assert inner.text == "▌ ▌ inner" and inner.lead == "▌ ▌ "
    assert item.text == "▌ • item" and item.lead == "▌   "
    assert in_item.text == "• ▌ quoted in item" and in_item.lead == "  ▌ "


def test_horizontal_rule() -> None:
    rendered = render("a\n\n***\n\nb")
    (rule,) = only(rendered, "rule")
    assert (rule.text, rule.line, roles(rule, "rule")) == (RULE, 2, [RULE])


def test_front_matter_is_code() -> None:
    rendered = render("---\ntitle: x\n---\n# Body")
    assert [d.kind for d in rendered.lines] == ["code", "code", "code", "heading"]
    assert rendered.lines[1].text == "title: x"
    assert rendered.headings[0].line == 3


# --- inline ----------------------------------------------------------------------------------


def test_inline_markup_roles_and_hidden_markers() -> None:
    (line,) = render("a *em* **strong** ~~strike~~ `code` end").lines
    assert line.text == "a em strong strike code end"
    assert roles(line, "em") == ["em"]
    assert roles(line, "strong") == ["strong"]
    assert roles(line, "strike") == ["strike"]
    assert roles(line, "code") == ["code"]
    assert line.offset_of(0, 2) == 2  # the "*" is hidden: the next shown character
    assert line.source_of(line.text.index("end")) == (0, 36)


def test_links_autolinks_and_images() -> None:
    source = (
        "[text](http://t.example 'T') <https://a.example> ![logo](l.png) [![build](b)](http://ci)"
    )
    (line,) = render(source).lines
    assert line.text == "text https://a.example [image: logo] [image: build]"
    assert [line.text[s:e] + " " + t for s, e, t in line.links] == [
        "text http://t.example",
        "https://a.example https://a.example",
        "[image: build] http://ci",
    ]
    assert roles(line, "image") == ["[image: logo]", "[image: build]"]
    assert line.source_of(line.text.index("logo")) == (0, source.index("logo"))
    # A hidden destination maps to the next shown character: the space after the link.
    assert line.offset_of(0, source.index("http://t")) == len("text")


def test_reference_links_and_definitions_are_hidden() -> None:
    rendered = render("See [the docs][d] now.\n\n[d]: http://docs.example")
    first = rendered.lines[0]
    assert first.text == "See the docs now."
    assert first.links == ((4, 12, "http://docs.example"),)
    assert rendered.display_of(2) == len(rendered.lines) - 1


def test_escapes_and_entities_show_decoded() -> None:
    (line,) = render(r"\*not em\* &amp; &lt;b&gt; &copy;").lines
    assert line.text == "*not em* & <b> ©"
    assert line.source_of(0) == (0, 1)  # the "*" after the backslash
    assert line.source_of(line.text.index("&")) == (0, 11)


def test_footnotes_reference_and_definition_where_it_stands() -> None:
    rendered = render("Claim[^note] here.\n\n[^note]: The *source*.\n    More.\n\nAfter.")
    claim, _, note, _, after = rendered.lines
    assert claim.text == "Claim[1] here."
    assert roles(claim, "footnote") == ["[1]"]
    assert claim.links == ((5, 8, "#fn1"),)
    assert (note.text, note.line, note.last) == ("[1] The source. More.", 2, 3)
    assert rendered.anchors["fn1"] == 2
    assert after.text == "After."


def test_inline_html_is_text() -> None:
    (line,) = render(
        'Press <kbd>Ctrl</kbd> and <img src="x.png" alt="icon"> <a href="http://h">here</a>'
    ).lines
    assert line.text == "Press Ctrl and [image: icon] here"
    assert line.links == ((29, 33, "http://h"),)


def test_html_blocks_are_text_and_always_map_somewhere() -> None:
    rendered = render(
        '<p align="center">\n  <img alt="Logo" src="l.png">\n'
        "  Tom &amp; Jerry\n</p>\n\n<!-- x -->\n"
    )
    text, _, comment, _ = rendered.lines
    assert (text.text, text.line, text.last) == ("[image: Logo] Tom & Jerry", 0, 3)
    assert roles(text, "html") == ["[image: Logo] Tom & Jerry"]
    assert roles(text, "image") == ["[image: Logo]"]
    assert text.source_of(text.text.index("Jerry")) == (2, 12)
    assert (comment.text, comment.line) == ("", 5)


def test_html_blocks_flow_inline_elements_and_break_at_block_ones() -> None:
    source = (
        '<div align="center">\n<h1>Big <b>title</b></h1>\n'
        '<a href="#usage">Usage</a> •\n<a href="#api">API</a><br>\n'
        "next line\n<script>hidden()</script>\n</div>"
    )
    title, links, last = render(source).lines
    assert (title.text, title.line, roles(title, "h1")) == ("Big title", 0, ["Big title"])
    assert links.text == "Usage • API"
    assert [(links.text[s:e], t) for s, e, t in links.links] == [
        ("Usage", "#usage"),
        ("API", "#api"),
    ]
    assert (links.line, links.last) == (2, 3)
    assert (last.text, last.line, last.last) == ("next line", 4, 6)


# --- tables ----------------------------------------------------------------------------------

TABLE = """\
| Name | Value `a\\|b` | Right |
|:-----|:------------:|------:|
| one  | **1**        | x     |
| two  | 2            | long cell text here |"""


def test_table_display_rows_and_cells_map_to_source() -> None:
    rendered = render(TABLE)
    header, rule, first, _ = rendered.lines
    assert all(d.kind == "table" for d in rendered.lines)
    assert [d.row for d in rendered.lines] == [0, 1, 2, 3]
    assert [d.line for d in rendered.lines] == [0, 1, 2, 3]
    table = header.table
    assert isinstance(table, Table) and all(d.table is table for d in rendered.lines)
    assert "Value a|b" in header.text
    assert first.source_of(first.text.index("1")) == (2, TABLE.split("\n")[2].index("1"))
    assert rule.runs == ()


def test_table_rows_are_drawn_with_borders_alignment_and_roles() -> None:
    table = render(TABLE).lines[0].table
    assert table is not None
    top = table.rows(0, 80)
    assert [text for text, _ in top] == [
        "┌──────┬───────────┬─────────────────────┐",
        "│ Name │ Value a|b │               Right │",
    ]
    header_cells = [top[1][0][s:e] for s, e, r in top[1][1] if r == "table-header"]
    assert header_cells == ["Name", "Value a|b", "Right"]
    assert [text for text, _ in table.rows(1, 80)] == ["├──────┼───────────┼─────────────────────┤"]
    assert [text for text, _ in table.rows(2, 80)] == ["│ one  │     1     │                   x │"]
    last = [text for text, _ in table.rows(3, 80)]
    assert last == [
        "│ two  │     2     │ long cell text here │",
        "└──────┴───────────┴─────────────────────┘",
    ]
    spans = table.rows(2, 80)[0][1]
    assert ("table-border" in {r for _, _, r in spans}) and ("strong" in {r for _, _, r in spans})


@pytest.mark.parametrize("width", [40, 30, 20, 12, 7])
def test_narrow_tables_shrink_and_wrap_cells_to_the_width(width: int) -> None:
    table = render(TABLE).lines[0].table
    assert table is not None
    for row in range(4):
        for text, spans in table.rows(row, width):
            assert text_cells(text) <= width
            assert all(0 <= s <= e <= len(text) for s, e, _ in spans)
    body = "".join(text for text, _ in table.rows(3, 20))
    for word in ("long", "cell", "text", "here"):
        assert word in body


def test_tables_narrower_than_three_cells_a_column_are_cropped() -> None:
    table = render(TABLE).lines[0].table
    assert table is not None
    assert all(text_cells(text) <= 5 for text, _ in table.rows(2, 5))


def test_table_marks_highlight_source_columns_inside_cells() -> None:
    rendered = render(TABLE)
    table = rendered.lines[0].table
    assert table is not None
    source = TABLE.split("\n")[3]
    column = source.index("cell")
    (row, *_) = table.rows(3, 80, [(3, column, column + 4, "match")])
    text, spans = row
    assert [text[s:e] for s, e, r in spans if r == "match"] == ["cell"]
    assert not [
        r for _, _, r in table.rows(2, 80, [(3, column, column + 4, "match")])[0][1] if r == "match"
    ]


def test_table_inside_a_quote_keeps_the_bars() -> None:
    rendered = render("> | a | b |\n> |---|---|\n> | 1 | 2 |")
    table = rendered.lines[0].table
    assert table is not None
    assert all(text.startswith("▌ ") for row in range(3) for text, _ in table.rows(row, 40))


# --- slugs, stop, hostile input ----------------------------------------------------------------


def test_slug_follows_github() -> None:
    seen: dict[str, int] = {}
    assert slug("Usage", seen) == "usage"
    assert slug("Usage", seen) == "usage-1"
    assert slug("Usage", seen) == "usage-2"
    assert slug("What's new? (v2.0)", seen) == "whats-new-v20"
    assert slug("snake_case & CamelCase", seen) == "snake_case--camelcase"
    assert slug("Übersicht", seen) == "übersicht"


def test_duplicate_headings_get_numbered_anchors() -> None:
    rendered = render("# Usage\n\n## Usage\n\n## API")
    assert [h.anchor for h in rendered.headings] == ["usage", "usage-1", "api"]
    assert rendered.anchors == {"usage": 0, "usage-1": 2, "api": 4}


def test_stop_renders_up_to_a_block_boundary_and_the_rest_raw() -> None:
    lines = [
        "# Title",
        "",
        "para one",
        "still one",
        "",
        "- item",
        "",
        "  more",
        "",
        "after",
        "x *y*",
    ]
    partial = render_markdown(lines, stop=3)
    assert partial.source_count == 9  # the blank after "para one" continues the list: not there
    assert [d.kind for d in partial.lines[-2:]] == ["raw", "raw"]
    assert partial.lines[-1].text == "x *y*"
    assert partial.display_of(10) == len(partial.lines) - 1
    assert partial.display_of(9) == len(partial.lines) - 2
    assert render_markdown(lines, stop=100).source_count == len(lines)


def test_stop_is_not_fooled_by_blank_lines_in_fences() -> None:
    lines = ["```", "a", "", "b", "```", "", "after"]
    partial = render_markdown(lines, stop=1)
    assert partial.source_count == 6
    assert [d.kind for d in partial.lines[:5]] == ["code"] * 5


def test_the_quick_render_does_not_stop_to_build_lexers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Making a lexer compiles its regexes (10-20 ms each): the first screen does not wait.
    monkeypatch.setattr(markdown, "_LEXERS", {})
    lines = ["```haskell", "main = print 1", "```", "", "after", "", "more"]
    quick = render_markdown(lines, stop=3)
    assert quick.source_count == 4
    assert not [s for s in quick.lines[1].spans if s[2].startswith("tok.")]
    full = render_markdown(lines)
    assert [s for s in full.lines[1].spans if s[2].startswith("tok.")]
    again = render_markdown(lines, stop=3)
    assert again.lines[:4] == full.lines[:4]


HOSTILE = {
    "deep quote": [">" * 10_000 + " x"],
    "deep list": ["- " * 10_000 + "x"],
    "deep quote lines": [">" * i + " x" for i in range(1, 1500)],
    "deep list lines": ["  " * i + "- x" for i in range(1500)],
    "megabyte line": ["word *em* `c` " * 75_000],
    "unterminated fence": ["```python", *["x = 1"] * 2000],
    "controls": ["\x00 \x1b[31mred\x1b[0m \x1b]0;title\x07 \x9b2J \r\x7f", "# \x1b[1mhead"],
    "rich markup": ["[bold red]x[/] [link=http://x]y[/link] :smile:", "| [b] | c |", "|--|--|"],
    "brackets": ["[" * 20_000 + "]" * 20_000],
    "stars": ["*" * 50_000, "_" * 50_000],
    "wide table": ["|" + "|".join("c" * 2000) + "|", "|" + "|".join("-" * 2000) + "|"],
    "open html": ["<div>", "<!--", "", "no end"],
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_documents_render_fast_and_safely(name: str) -> None:
    lines = HOSTILE[name]
    began = time.perf_counter()
    rendered = render_markdown(lines)
    assert time.perf_counter() - began < 10
    for display in rendered.lines:
        assert sanitize(display.text) == display.text
        assert not set(display.text) & {"\x00", "\x1b", "\x07", "\r", "\x9b", "\x7f"}
    for line in range(len(lines)):
        assert 0 <= rendered.display_of(line) < len(rendered.lines)


def test_deep_nesting_still_shows_the_text() -> None:
    (line,) = render(">" * 10_000 + " deep").lines
    assert line.text.endswith("deep")
    (line,) = render("- " * 10_000 + "deep").lines
    assert line.text.endswith("deep")


def test_rich_markup_and_escapes_are_shown_as_literal_text() -> None:
    (line,) = render("[bold]x[/bold] \x1b[31mred").lines
    assert line.text == "[bold]x[/bold] ␛[31mred"
    assert line.spans == ()


# --- real READMEs ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", READMES, ids=lambda path: path.name)
def test_readmes_keep_the_mapping(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    check_mapping(lines, render_markdown(lines))
    partial = render_markdown(lines, stop=30)
    check_mapping(lines, partial)


def readme(name: str) -> Rendered:
    return render_markdown((FIXTURES / name).read_text(encoding="utf-8").split("\n"))


def test_ruff_readme() -> None:
    rendered = readme("ruff.md")
    assert [h.anchor for h in rendered.headings[:4]] == [
        "ruff",
        "testimonials",
        "table-of-contents",
        "getting-started",
    ]
    docs = line_at(rendered, 11)
    assert docs.text == "Docs | Playground" and roles(docs, "strong") == ["Docs", "Playground"]
    assert [t for _, _, t in docs.links] == [
        "https://docs.astral.sh/ruff/",
        "https://play.ruff.rs/",
    ]
    badges = line_at(rendered, 4)
    assert badges.text.startswith("[image: Ruff] [image: image]")
    assert (badges.line, badges.last) == (4, 9)
    chart = line_at(rendered, 15)
    assert chart.text == "[image: Shows a bar chart with benchmark results.]"
    bullet = line_at(rendered, 24)
    assert bullet.text.startswith("• ") and "Installable via pip" in bullet.text
    quote = line_at(rendered, 66)
    assert quote.text.startswith("▌ Ruff is so fast") and quote.lead == "▌ "


def test_rich_readme_code_blocks_are_highlighted() -> None:
    rendered = readme("rich.md")
    code = line_at(rendered, 66)
    assert code.kind == "code" and code.text.startswith('print("Hello, [bold magenta]World')
    assert roles(code, "tok.Name.Builtin") == ["print", "locals"]
    assert line_at(rendered, 63).text == "python"
    assert rendered.anchors["rich-print"] == 59


def test_markdown_it_readme_lists_quotes_and_reference_links() -> None:
    rendered = readme("markdown-it-py.md")
    assert line_at(rendered, 12).text == "▌ Markdown parser done right."
    item = line_at(rendered, 27)
    assert item.text == "• The markdown-it README"
    assert item.links and item.links[0][2].startswith("https://github.com/markdown-it")


def test_big_document_timing() -> None:
    big = Path("/tmp/md/big5.md")
    if not big.exists():
        pytest.skip("no /tmp/md/big5.md here")
    lines = big.read_text(encoding="utf-8").split("\n")
    render_markdown(lines[:100])  # warm up the parser
    began = time.perf_counter()
    partial = render_markdown(lines, stop=300)
    assert time.perf_counter() - began < 0.2
    assert len(partial.lines) > 100_000 and partial.source_count < 1000
