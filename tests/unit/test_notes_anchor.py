"""Property: a note's anchor finds the same text again after unrelated edits elsewhere."""

from __future__ import annotations

import os
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from seedreader.documents import open_document
from seedreader.notes import SHORT_QUOTE, Note, make_anchor, place_note

EXAMPLES = 400 if os.environ.get("SEEDREADER_SLOW") else 60

words = st.text(alphabet="abcdefghij klmnop,.;!?éж中🙂", min_size=0, max_size=40)
documents = st.lists(words, min_size=3, max_size=40)


@st.composite
def edits(draw: st.DrawFn, size: int) -> list[tuple[str, int, str]]:
    """Line edits (insert, delete, replace, append to a line) given as (kind, index, text)."""
    kinds = st.sampled_from(["insert", "delete", "replace", "append"])
    return draw(
        st.lists(st.tuples(kinds, st.integers(0, 10 * size), words), min_size=1, max_size=8)
    )


def apply(
    lines: list[str], start: int, end: int, changes: list[tuple[str, int, str]]
) -> tuple[list[str], int, int]:
    """Apply edits that never touch lines start..end (inclusive); return the new lines and range."""
    lines = list(lines)
    for kind, raw, text in changes:
        outside = [i for i in range(len(lines) + 1) if i < start or i > end]
        i = outside[raw % len(outside)]
        if kind == "insert":
            lines.insert(i, text)
            if i <= start:
                start, end = start + 1, end + 1
        elif i >= len(lines):
            lines.append(text)
        elif kind == "delete":
            del lines[i]
            if i < start:
                start, end = start - 1, end - 1
        elif kind == "replace":
            lines[i] = text
        else:
            lines[i] += text
    return lines, start, end


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=documents, data=st.data())
def test_anchor_refinds_its_text_after_edits_elsewhere(
    lines: list[str], data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(lines) - 1), label="start")
    end = data.draw(st.integers(start, min(start + 3, len(lines) - 1)), label="end")
    quote = "\n".join(lines[start : end + 1])
    # A passage of a few blank characters has nothing to recognise it by but its surroundings,
    # which the edits may destroy: those are allowed to detach (never to jump), tested elsewhere.
    assume(len(quote.strip()) >= SHORT_QUOTE)
    changes = data.draw(edits(len(lines)), label="edits")
    edited, new_start, new_end = apply(lines, start, end, changes)
    with TemporaryDirectory() as folder:
        path = Path(folder) / "doc.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        before = open_document(path)
        anchor = make_anchor(before, start, end)
        note = Note("n", str(path), before.fingerprint, anchor, "body", 0.0, 0.0)
        path.write_text("\n".join(edited) + "\n", encoding="utf-8")
        after = open_document(path)
        placed = place_note(note, after)
    assert placed.state != "detached"
    assert placed.line is not None and placed.end_line is not None
    found = "\n".join(after.lines(placed.line, placed.end_line + 1))
    # The same text: at the very lines it moved to, or (if an edit elsewhere made another copy
    # of it) at a copy.
    assert found == quote
    if (placed.line, placed.end_line) == (start, end):
        assert placed.state == "exact"
    else:
        assert placed.state == "moved"
    copies = sum(
        1 for i in range(len(edited)) if "\n".join(edited[i : i + end - start + 1]) == quote
    )
    if copies == 1:
        assert (placed.line, placed.end_line) == (new_start, new_end)
