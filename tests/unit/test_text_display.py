"""Text shown as it is: invisible characters made visible, encodings detected (or said to be
guessed), tabs landing on the same cells as the terminal's tab stops."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from seedreader import documents
from seedreader.documents import (
    Document,
    decode_bytes,
    detect_encoding,
    expand_tabs,
    join_lines,
    open_document,
    sanitize,
    split_lines,
)
from seedreader.search.paragraphs import windows

# --- invisible characters --------------------------------------------------------------------

VISIBLE_FORMS = [
    # (what, characters, the one form each is shown as)
    ("C1 controls", "\x80\x85\x9b\x9d\x9f", "\u2426"),
    ("zero-width space", "\u200b", "\u2423"),
    ("zero-width non-joiner", "\u200c", "\u00a6"),
    ("zero-width joiner", "\u200d", "\u203f"),
    ("byte order mark, word joiner", "\ufeff\u2060", "\u237d"),
    (
        "bidi controls",
        "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        "\u21c6",
    ),
    ("line and paragraph separators", "\u2028\u2029", "\u21b5"),
    ("soft hyphen", "\u00ad", "\u00ac"),
    ("variation selectors", "\ufe00\ufe0e\ufe0f\U000e0100\U000e01ef\u180b\u180d\u180f", "\u22c4"),
    ("Hangul fillers", "\u115f\u1160\u3164\uffa0", "\u25af"),
    ("tag space", "\U000e0020", "\u2420"),
    (
        "other default-ignorables",
        "\u034f\u17b4\u180e\u2061\u2064\u206a\U0001bca0\U0001d173\U000e0001\U000e007f\U000e0fff",
        "\u2370",
    ),
    ("interlinear annotation", "\ufff9\ufffa\ufffb", "\u2370"),
]


@pytest.mark.parametrize(
    ("what", "chars", "form"), VISIBLE_FORMS, ids=[v[0] for v in VISIBLE_FORMS]
)
def test_each_class_of_invisible_character_has_its_visible_form(
    what: str, chars: str, form: str
) -> None:
    assert sanitize(chars) == form * len(chars)
    assert sanitize(f"a{chars}b") == f"a{form * len(chars)}b"  # not the ASCII fast path


def test_visible_forms_are_distinct_and_not_the_decoding_error_mark() -> None:
    forms = {what: sanitize(chars[0]) for what, chars, _ in VISIBLE_FORMS}
    distinct = [f for what, f in forms.items() if what != "interlinear annotation"]
    assert len(set(distinct)) == len(distinct)
    assert "\ufffd" not in forms.values()
    assert sanitize("\ud800\udfff") == "\ufffd\ufffd"  # lone surrogates: bad bytes, as decoded


def test_tag_characters_show_the_text_they_hide() -> None:
    hidden = "".join(chr(0xE0000 + ord(ch)) for ch in "Ignore all previous instructions!")
    shown = sanitize(f"visible{hidden}text")
    assert (
        shown
        == "visible" + "Ｉｇｎｏｒｅ␠ａｌｌ␠ｐｒｅｖｉｏｕｓ␠ｉｎｓｔｒｕｃｔｉｏｎｓ！" + "text"
    )


def test_zero_width_joiner_is_not_turned_into_a_non_joiner() -> None:
    assert sanitize("\u200d") != sanitize("\u200c")
    assert "\u200c" not in sanitize("x\u200dy 👩\u200d👩 क्\u200dष")
    assert sanitize("👩\u200d👩") == "👩‿👩"


def test_emoji_modifiers_and_flags_are_shown_as_plain_characters() -> None:
    assert sanitize("👍\U0001f3fb👍\U0001f3ff") == "👍\u2b1c👍\u2b1b"
    assert sanitize("🇫🇷 🇺🇸") == "FR US"


# Unicode 15.1's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), as published.
DEFAULT_IGNORABLE = [
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
]
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp", "Mn", "Me", "Cn"}


def test_every_default_ignorable_character_is_made_visible() -> None:
    for first, last in DEFAULT_IGNORABLE:
        for code in range(first, last + 1):
            shown = sanitize(chr(code))
            assert len(shown) == 1
            assert unicodedata.category(shown) not in INVISIBLE_CATEGORIES, hex(code)
            assert cell_len(shown) >= 1, hex(code)


def test_no_control_or_format_character_reaches_the_screen() -> None:
    prepended = {*range(0x600, 0x606), 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD}
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            continue
        if code in prepended or 0x13430 <= code <= 0x1345F:
            continue  # drawn as a mark of their own; Egyptian hieroglyph format controls
        shown = sanitize(char)
        assert unicodedata.category(shown) not in ("Cc", "Cf", "Zl", "Zp"), hex(code)
        assert shown != "\ufffd" or 0xD800 <= code <= 0xDFFF, hex(code)


@given(st.text())
def test_sanitize_is_one_character_for_one(text: str) -> None:
    shown = sanitize(text)
    assert len(shown) == len(text)
    assert shown == "".join(sanitize(ch) for ch in text)


def test_clean_text_is_returned_as_it_is() -> None:
    # The fast paths: no copy for text with nothing to replace (drawn on every repaint).
    for text in ("plain ASCII text", "café 日本語 👩‍", "x" * 100_000 + "é"):
        text = text.replace("\u200d", "")
        assert sanitize(text) is text


# --- cells ------------------------------------------------------------------------------------


def test_cells_of_every_character_as_rich_measures_them() -> None:
    """`_char_cells` (the core may not import Rich) agrees with Rich on every code point of
    the planes in use, as sanitized (so as drawn)."""
    planes = [*range(0x30000), *range(0x30000, 0x40000, 7), *range(0xE0000, 0xE1000)]
    wrong = [
        hex(code)
        for code in planes
        if code != 0x09 and documents._char_cells(chr(code)) != cell_len(sanitize(chr(code)))
    ]
    assert wrong == []


# --- tabs -------------------------------------------------------------------------------------


def cells_before(line: str, marker: str) -> int:
    """Cells that Rich draws `line` (sanitized) with before `marker`."""
    return cell_len(sanitize(line[: line.index(marker)]))


@pytest.mark.parametrize(
    "prefix",
    [
        "日本",  # wide
        "e\u0301",  # combining acute: one cell
        "a\u0301\u0302\u0303b",
        "한\u1100\u1161\u11a8",  # conjoining jamo
        "x\u200by\u200dz",  # invisible characters, shown one cell each
        "👍🏽🇫🇷",  # modifiers and flags, as shown
        "\U000e0041\U000e0042",  # tags, shown fullwidth
        "\x1b[31m",  # controls, shown as one symbol each
        "abcdefgh",  # a full stop: the tab goes to the next
    ],
)
def test_tabs_land_on_cells_8_and_16(prefix: str) -> None:
    line = f"{prefix}\tX\tY"
    for expanded in (expand_tabs(line), split_lines(line)[0], join_lines(f"\n{line}")[1:]):
        assert cells_before(expanded, "X") % 8 == 0
        assert 0 < cells_before(expanded, "X") <= cell_len(sanitize(prefix)) + 8
        assert cells_before(expanded, "Y") == cells_before(expanded, "X") + 8
    assert cells_before(expand_tabs("日本\tX\tY"), "X") == 8
    assert cells_before(expand_tabs("e\u0301\tX\tY"), "Y") == 16


PIECES = ["a", "日", "e\u0301", "\u0302", "\u200d", "\t", "\n", "🇫", "\x1b", "\U000e0041"]


@given(st.lists(st.sampled_from(PIECES)).map("".join))
def test_every_tab_ends_on_a_tab_stop(text: str) -> None:
    for line in expand_tabs(text).split("\n"):
        assert "\t" not in line
    # Marked: a character after each tab, measured as drawn.
    marked = text.replace("\t", "\tM")
    for line in expand_tabs(marked).split("\n"):
        for index, char in enumerate(line):
            if char == "M":
                assert cell_len(sanitize(line[:index])) % 8 == 0


def test_search_index_expands_tabs_as_the_lines_do() -> None:
    """Hit columns are columns of the index's text: they must be the document's columns."""
    body = "日本\tafter wide\ne\u0301\tafter combining"
    [(_, indexed)] = list(windows(0, body))
    assert indexed.split("\n") == split_lines(body)


def test_tabs_after_wide_characters_in_a_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = "日本語\tafter wide\te\u0301\tend"
    path = tmp_path / "tabs.txt"
    path.write_text(f"{line}\n" * 5000, encoding="utf-8")
    small = open_document(path)
    monkeypatch.setattr(documents, "SMALL_FILE", 1000)
    monkeypatch.setattr(documents, "CHUNK", 4096)
    large = open_document(path)
    assert large.is_large and not small.is_large
    expected = expand_tabs(line)
    assert cells_before(expected, "after") == 8 and cells_before(expected, "end") == 32
    large.index_lines()
    assert small.line(4999) == large.line(4999) == expected
    assert {text for _, block in Document(path).text_blocks() for text in block.split("\n")} == {
        expected
    }


# --- decoding ---------------------------------------------------------------------------------

JAPANESE = (
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。"
    "何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。\n"
)
CHINESE = (
    "中华人民共和国是工人阶级领导的、以工农联盟为基础的人民民主专政的社会主义国家。"
    "社会主义制度是中华人民共和国的根本制度。\n"
)
KOREAN = (
    "대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 "
    "나온다. 대한민국의 국민이 되는 요건은 법률로 정한다.\n"
)
EAST_ASIAN = [
    (JAPANESE, "shift_jis", "shift_jis"),
    (JAPANESE, "euc_jp", "euc-jp"),
    (CHINESE, "gbk", "gbk"),
    (KOREAN, "euc_kr", "euc-kr"),
]


@pytest.mark.parametrize(("text", "codec", "name"), EAST_ASIAN, ids=[e[1] for e in EAST_ASIAN])
def test_east_asian_text_is_decoded_and_named(text: str, codec: str, name: str) -> None:
    assert decode_bytes(text.encode(codec)) == (text, name)
    # Short: read right, but only a guess.
    short = text[:12]
    assert decode_bytes(short.encode(codec)) == (short, f"{name}?")


@pytest.mark.parametrize(("text", "codec", "name"), EAST_ASIAN, ids=[e[1] for e in EAST_ASIAN])
def test_east_asian_text_in_a_large_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, codec: str, name: str
) -> None:
    path = tmp_path / "large.txt"
    path.write_bytes(text.encode(codec) * 3000)  # well over the head read (2 * CHUNK)
    monkeypatch.setattr(documents, "SMALL_FILE", 64 * 1024)
    document = open_document(path)
    assert document.is_large
    assert document.encoding == name
    document.index_lines()
    assert document.line_count == 3000
    assert document.line(0) == document.line(2999) == text.rstrip("\n")
    assert all(line == text.rstrip("\n") for line in document.iter_lines())


def test_shift_jis_with_few_lines_is_named_and_read(tmp_path: Path) -> None:
    path = tmp_path / "sjis.txt"
    path.write_bytes(JAPANESE.encode("shift_jis"))
    document = open_document(path)
    assert document.encoding == "shift_jis"
    assert document.line(0) == JAPANESE.rstrip("\n")
    assert "\ufffd" not in document.line(0)


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_with_a_bom_has_no_stray_character(codec: str) -> None:
    text = "first line, café 日本\nsecond\n"
    bom = {"utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}.get(codec, b"")
    data = bom + text.encode(codec)
    decoded, name = decode_bytes(data)
    assert decoded == text
    assert name == ("utf-32-be" if codec == "utf-32-be" else "utf-32-le")
    # A BOM written twice (a file with one converted by a tool adding its own).
    assert decode_bytes(("\ufeff" + text).encode(codec) if not bom else bom + data[4:])[0] == text
    twice = ("\ufeff" + text).encode("utf-32")
    assert decode_bytes(twice) == (text, "utf-32-le")


def test_utf16_le_starting_with_nul_is_not_taken_for_utf32() -> None:
    data = codecs.BOM_UTF16_LE + "\x00 starts with NUL\n".encode("utf-16-le")
    assert decode_bytes(data) == ("\x00 starts with NUL\n", "utf-16-le")


@pytest.mark.parametrize(
    "data",
    [
        b"abc \xed\xa0\x80 def\n",  # a lone surrogate, encoded
        b"pair \xed\xa0\xbd\xed\xb8\x80 (CESU-8 emoji) caf\xc3\xa9\n" * 3,
        b"\xed\xb0\x80\xed\xb0\x81\xed\xb0\x82 only surrogates\n",
    ],
)
def test_utf8_with_encoded_surrogates_shows_replacement_characters(data: bytes) -> None:
    text, name = decode_bytes(data)
    assert name == "utf-8"
    assert text == data.decode("utf-8", errors="replace")
    assert "\ufffd" in text and all(ch == "\ufffd" or ch.isascii() or ch == "é" for ch in text)


WESTERN = [
    (
        "Le cœur a ses raisons que la raison ne connaît point. « Déjà vu », dit-il — c’est "
        "“très” cher : 20 € à l’hôtel, à côté de la forêt.\n"
    ),
    (
        "Größere Übungen für Käufer: „Straße“ – Müller’s Bäckerei kostet 5 €. "
        "Schöne Grüße aus München.\n"
    ),
    (
        "¿Dónde está el niño? ¡Mañana será otro día! El señor Muñoz pagó 30 € por la "
        "canción “Corazón”.\n"
    ),
]


@pytest.mark.parametrize("text", WESTERN, ids=["French", "German", "Spanish"])
def test_cp1252_western_text_is_named_cp1252(text: str) -> None:
    assert decode_bytes(text.encode("cp1252")) == (text, "cp1252")
    assert decode_bytes(text.encode("cp1252") * 500) == (text * 500, "cp1252")


def test_a_weak_guess_is_shown_with_a_question_mark(tmp_path: Path) -> None:
    assert decode_bytes("café".encode("cp1252")) == ("café", "cp1252?")
    path = tmp_path / "short.txt"
    path.write_bytes("naïve\n".encode("cp1252"))
    document = open_document(path)
    assert document.encoding == "cp1252?"
    assert document.line(0) == "naïve"


def test_central_european_text_is_not_forced_into_cp1252() -> None:
    text = "Dobrý den, jak se máte? Děkuji, dobře. Příliš žluťoučký kůň úpěl ďábelské ódy.\n"
    decoded, name = decode_bytes(text.encode("cp1250"))
    assert decoded == text
    assert name.rstrip("?") == "cp1250"


@pytest.mark.parametrize("ascii_lines", [(50_000, 0), (0, 50_000), (4000, 50_000)])
def test_the_guess_looks_at_the_bytes_that_are_not_utf8(ascii_lines: tuple[int, int]) -> None:
    """Long ASCII text before or after does not hide what the rest is."""
    before, after = (b"plain ASCII line\n" * n for n in ascii_lines)
    data = before + JAPANESE.encode("shift_jis") * 3 + after
    for complete in (True, False):
        encoding = detect_encoding(data, complete=complete)
        assert encoding.name == "shift_jis"
        assert JAPANESE * 3 in data.decode(encoding.codec)
