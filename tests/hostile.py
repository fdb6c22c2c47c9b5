"""Hostile files, generated on demand (nothing binary is committed)."""

from __future__ import annotations

from pathlib import Path

ESC = "\x1b"

HOSTILE_TEXT: dict[str, bytes] = {
    "ansi.txt": (
        f"plain {ESC}[31mred{ESC}[0m {ESC}[2J{ESC}[H cleared? {ESC}[?1049h alt screen\n"
        f"{ESC}]0;pwned title\x07 {ESC}]52;c;aGVsbG8=\x07 clipboard\n"
        f"{ESC}]8;;https://evil.example\x07link{ESC}]8;;\x07 and \x9b31m C1 CSI\n"
    ).encode(),
    "markup.txt": (
        b"[bold red]not bold[/bold red] [@click=app.quit]quit[/] [link=https://x]x[/link]\n"
        b"[b]unclosed :smile: $variable {braces}\n"
    ),
    "invalid-utf8.txt": b"valid \xc3\xa9 then bad \xff\xfe\xc3 bytes\nsecond line \xe2\x82\n",
    "utf16-bom.txt": "UTF-16 text: caf\u00e9 \u65e5\u672c\n second line\n".encode("utf-16"),
    "cp1252.txt": (
        "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e \u2013 \u201cquoted\u201d na\u00efve\n"
    ).encode("cp1252")
    * 20,
    "nul-bytes.txt": b"before\x00after\nline two\x00\x00 ok\n",
    "cr-only.txt": b"one\rtwo\rthree\r",
    "crlf.txt": b"alpha\r\nbeta\r\ngamma\r\n",
    "tabs.txt": b"a\tb\tc\n\tindented\n",
    "empty.txt": b"",
    "bidi.txt": "abc \u202eevil\u202c def \u2066isolate\u2069 \u200bzero\n".encode("utf-8"),
    "wide.txt": "\u65e5\u672c\u8a9e\u306e\u6587\u7ae0 emoji \U0001f600\U0001f680 mixed ok\n".encode(
        "utf-8"
    ),
    # Invisible characters: tag characters spelling hidden text, zero-width and bidi controls,
    # a BOM mid-line, C1 controls, soft hyphen, variation selector, Hangul filler, joiners.
    "invisible.txt": (
        "tags:"
        + "".join(chr(0xE0000 + ord(ch)) for ch in "hidden instructions")
        + ":end zw\u200bsp bidi\u202eRTL\u202c bom\ufeffhere nel\x85csi\x9b"
        " soft\u00adhyphen vs\ufe0fsel fill\u3164er zw\u200cnj zw\u200dj mvs\u180esep\n"
    ).encode("utf-8"),
    "tabs-wide.txt": "\u65e5\u672c\tafter wide\te\u0301\tafter combining\n".encode("utf-8"),
    "shift-jis.txt": (
        "\u543e\u8f29\u306f\u732b\u3067\u3042\u308b\u3002\u540d\u524d\u306f\u307e\u3060"
        "\u7121\u3044\u3002\u3069\u3053\u3067\u751f\u308c\u305f\u304b\u3068\u3093\u3068"
        "\u898b\u5f53\u304c\u3064\u304b\u306c\u3002\n"
    ).encode("shift_jis")
    * 3,
    "utf32-bom.txt": "\ufeffUTF-32 with a BOM, twice: caf\u00e9\n".encode("utf-32"),
    "encoded-surrogates.txt": b"before \xed\xa0\x80\xed\xb0\x80 caf\xc3\xa9 after\n",
}


def long_line(size: int = 1_000_000) -> bytes:
    """One line of `size` bytes of words."""
    word = b"lorem ipsum dolor sit amet "
    return (word * (size // len(word) + 1))[:size] + b"\n"


def binary_blob() -> bytes:
    """Bytes that look like an image file, not text."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def write_hostile(folder: Path) -> dict[str, Path]:
    """Write every hostile text file (plus a long line and a binary) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in HOSTILE_TEXT.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = path
    paths["long-line.txt"] = folder / "long-line.txt"
    paths["long-line.txt"].write_bytes(long_line())
    paths["binary.bin"] = folder / "binary.bin"
    paths["binary.bin"].write_bytes(binary_blob())
    return paths
