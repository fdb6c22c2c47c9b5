"""Export and import of notes: Markdown layout, JSON round trips of any text, atomic writes."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedreader.documents import UNSAFE, open_document
from seedreader.export import (
    NotesImportError,
    locate,
    notes_from_json,
    to_json,
    to_markdown,
    write_atomic,
)
from seedreader.notes import Anchor, Note, NotesStore, PlacedNote

EXAMPLES = 300 if os.environ.get("SEEDREADER_SLOW") else 40


def _note(id_: str, path: str, line: int, quote: str, body: str) -> Note:
    anchor = Anchor(
        line, line + quote.count("\n"), 10 * line, 10 * line + len(quote), quote, "", ""
    )
    return Note(id_, path, "f" * 40, anchor, body, 1_700_000_000.0, 1_700_000_000.0)


def test_markdown_groups_by_document_with_place_quote_and_body() -> None:
    stamp = "*" + time.strftime("%Y-%m-%d %H:%M", time.localtime(1_700_000_000.0)) + "*"
    a1 = _note("1", "/docs/b.txt", 4, "second line\n\nfourth", "Body with *markup*\n\n- a list")
    a2 = _note("2", "/docs/a.txt", 0, "first", "plain")
    a3 = _note("3", "/docs/a.txt", 9, "gone", "lost text")
    placed = [
        PlacedNote(a1, "moved", 6, 8),
        PlacedNote(a2, "exact", 0, 0),
        PlacedNote(a3, "detached", None, None),
    ]
    expected = f"""# seedreader notes

## /docs/a.txt

### /docs/a.txt:1

> ```
> first
> ```

```
plain
```

{stamp}

### /docs/a.txt:10 (detached: the text is gone; line as it was)

> ```
> gone
> ```

```
lost text
```

{stamp}

## /docs/b.txt

### /docs/b.txt:7-9 (moved)

> ```
> second line
>
> fourth
> ```

```
Body with *markup*

- a list
```

{stamp}
"""
    assert to_markdown(placed) == expected


def _store_with(tmp_path: Path, bodies: list[str]) -> tuple[NotesStore, Path]:
    doc_path = tmp_path / "doc.txt"
    doc_path.write_text("".join(f"line {i}\n" for i in range(20)), encoding="utf-8")
    store = NotesStore(tmp_path / "data")
    doc = open_document(doc_path)
    for i, body in enumerate(bodies):
        store.add(doc, i % 20, i % 20, body)
    return store, doc_path


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    bodies=st.lists(
        st.text(min_size=0, max_size=200)
        | st.text(st.sampled_from("a\x00\x1b\x7f\x9b\x9d\u2029\u200d\U000e0041"), max_size=20),
        min_size=1,
        max_size=4,
    )
)
def test_any_text_round_trips_through_json_export_and_import(
    tmp_path_factory: pytest.TempPathFactory, bodies: list[str]
) -> None:
    tmp_path = tmp_path_factory.mktemp("round")
    store, _ = _store_with(tmp_path, bodies)
    exported = to_json([item.placed for item in locate(store.all_notes())])
    target = tmp_path / "export.json"
    write_atomic(target, exported)
    fresh = NotesStore(tmp_path / "other")
    imported = notes_from_json(target.read_text(encoding="utf-8"), "export.json")
    assert fresh.merge(imported) == (len(bodies), 0)
    assert fresh.all_notes() == store.all_notes()
    assert sorted(n.body for n in fresh.all_notes()) == sorted(bodies)
    # ...and the file itself carries no control or invisible character as itself.
    assert UNSAFE.search(exported.replace("\n", "")) is None
    store.close()
    fresh.close()


def test_markup_escapes_and_unicode_bodies_are_kept_literally(tmp_path: Path) -> None:
    bodies = [
        "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x9b2J",
        "<b>html</b> [link](x) **bold** `code` \\n not a newline",
        "RTL \u202eevil\u202c zero\u200bwidth \ufeff BOM, NUL \x00 and \r\n CRLF",
        "emoji 👩‍👩‍👧 combining é, CJK 中文, astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ]
    store, _ = _store_with(tmp_path, bodies)
    text = to_json([item.placed for item in locate(store.all_notes())])
    again = notes_from_json(text)
    assert sorted(n.body for n in again) == sorted(bodies)
    ascii_text = to_json([item.placed for item in locate(store.all_notes())], ascii_only=True)
    assert ascii_text.isascii()
    assert sorted(n.body for n in notes_from_json(ascii_text)) == sorted(bodies)
    store.close()


def test_importing_twice_adds_nothing_twice(tmp_path: Path) -> None:
    store, _ = _store_with(tmp_path, ["one", "two", "three"])
    notes = notes_from_json(to_json([i.placed for i in locate(store.all_notes())]))
    other = NotesStore(tmp_path / "other")
    assert other.merge(notes) == (3, 0)
    assert other.merge(notes) == (0, 0)
    assert len(other.all_notes()) == 3
    # A newer copy of a note (edited elsewhere) replaces the older one; an older one does not.
    edited = store.update(notes[0].id, "one, edited")
    newer = notes_from_json(to_json([i.placed for i in locate(store.all_notes())]))
    assert other.merge(newer) == (0, 1)
    assert other.get(edited.id) == edited
    assert other.merge(notes) == (0, 0)
    assert other.get(edited.id) == edited
    store.close()
    other.close()


def test_list_json_array_can_be_imported_too(tmp_path: Path) -> None:
    store, _ = _store_with(tmp_path, ["a"])
    records = json.loads(to_json([i.placed for i in locate(store.all_notes())]))["notes"]
    assert notes_from_json(json.dumps(records)) == store.all_notes()
    store.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "in.json: not JSON"),
        ('{"hello": 1}', "in.json: not a seedreader notes export"),
        ("42", "in.json: not a seedreader notes export"),
        ('{"format": "seedreader-notes", "version": 99, "notes": []}', "newer seedreader"),
        ('[{"id": "x"}]', "in.json: note 1: field 'anchor' is missing"),
        ("[7]", "in.json: note 1: not a note object"),
    ],
)
def test_bad_import_files_get_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(NotesImportError) as caught:
        notes_from_json(text, "in.json")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_field_of_the_wrong_type_is_named(tmp_path: Path) -> None:
    store, _ = _store_with(tmp_path, ["a"])
    data = json.loads(to_json([i.placed for i in locate(store.all_notes())]))
    data["notes"][0]["anchor"]["start_line"] = "three"
    with pytest.raises(NotesImportError, match="anchor: field 'start_line'"):
        notes_from_json(json.dumps(data), "in.json")
    store.close()


def test_missing_documents_are_reported_not_dropped(tmp_path: Path) -> None:
    store, doc_path = _store_with(tmp_path, ["a"])
    doc_path.unlink()
    [item] = locate(store.all_notes())
    assert (item.placed.state, item.placed.line, item.document) == ("missing", None, None)
    assert json.loads(to_json([item.placed]))["notes"][0]["state"] == "missing"
    assert "(document missing; line as it was)" in to_markdown([item.placed])
    store.close()


def test_write_atomic_replaces_whole_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    write_atomic(target, "first\n")
    assert target.read_text() == "first\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    target.chmod(0o644)
    write_atomic(target, "second\n")
    assert target.read_text() == "second\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"]


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "notes.json"
    target.write_text("old and whole\n")

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new " * 100_000)
    assert target.read_text() == "old and whole\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.json"]  # no temporary left
