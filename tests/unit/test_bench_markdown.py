"""The Markdown benchmark's pure helpers: the real-Markdown file it builds and what it looks for."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks/bench_markdown.py, imported the way the benchmark scripts import it."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        return importlib.import_module("bench_markdown")
    finally:
        sys.path.remove(str(BENCHMARKS))


def _dist_info(where: Path, folder: str, headers: str, body: str) -> None:
    (where / folder).mkdir()
    (where / folder / "METADATA").write_text(f"Metadata-Version: 2.1\n{headers}\n{body}")


def test_descriptions_are_the_markdown_bodies_sorted_by_name(
    bench: ModuleType, tmp_path: Path
) -> None:
    _dist_info(
        tmp_path,
        "zeta-1.0.dist-info",
        "Name: zeta\nDescription-Content-Type: text/markdown; charset=UTF-8\n",
        "# Zeta\n\nLast by name.\n",
    )
    _dist_info(
        tmp_path,
        "Alpha_Pkg-2.0.dist-info",
        "Name: Alpha_Pkg\nSummary: folded\n  continuation line\n"
        "Description-Content-Type: text/markdown\n",
        "Alpha body.\n",
    )
    _dist_info(
        tmp_path, "rst-1.0.dist-info", "Name: rst\nDescription-Content-Type: text/x-rst\n", "RST\n"
    )
    _dist_info(tmp_path, "untyped-1.0.dist-info", "Name: untyped\n", "No content type.\n")
    _dist_info(
        tmp_path,
        "seedreader-0.1.dist-info",
        "Name: seedreader\nDescription-Content-Type: text/markdown\n",
        "Our own README changes with every commit.\n",
    )
    found = bench.markdown_descriptions(tmp_path)
    assert found == [("Alpha_Pkg", "Alpha body.\n"), ("zeta", "# Zeta\n\nLast by name.\n")]


def test_assemble_repeats_to_the_size_and_cuts_after_a_line_end(bench: ModuleType) -> None:
    data = bench.assemble(["# One\ntext  \n\n\n", "Two é"], 100)
    unit = "# One\ntext\n\nTwo é\n\n".encode()
    assert len(data) <= 100
    assert data.endswith(b"\n")
    assert data == (unit * 10)[: len(data)]
    # Cut at the last line end within the size: the next byte would start a new line's text.
    assert len(data) > 100 - len(unit)
    assert bench.assemble(["x"], 3) == b"x\n\n"


def test_assemble_refuses_empty_text(bench: ModuleType) -> None:
    with pytest.raises(ValueError, match="no Markdown text"):
        bench.assemble(["", "  \n"], 1000)


def test_marker_skips_html_and_code_and_keeps_plain_words(bench: ModuleType) -> None:
    body = (
        '<h1 align="center">Title in HTML</h1>\n'
        "\n"
        '<p align="center">\n'
        "  <sup>Inside the same HTML block</sup>\n"
        "</p>\n"
        "\n"
        "```python\n"
        "\n"
        "code that is not the marker\n"
        "```\n"
        "\n"
        "> All IANA character set names for which the Python core library provides codecs\n"
    )
    assert bench.marker(body) == "All IANA character set names for"


def test_marker_stops_at_markup_and_needs_three_words(bench: ModuleType) -> None:
    assert bench.marker("Two words **bold**\n\n## Rich is a *Python* library\n") == "Rich is a"
    # A continuation line of a paragraph does not open a block: a renderer joins it to the
    # line before, so it may not start a row.
    assert bench.marker("Short **x**\nfollowing line of words here\n\n- list item words\n") == (
        "list item words"
    )
    with pytest.raises(ValueError, match="no plain phrase"):
        bench.marker("<div>\nonly html here\n</div>\n\n    indented code block words\n")


def test_raw_probes_find_source_only_text(bench: ModuleType) -> None:
    body = (
        '<h1 align="center">Charset Detection, for Everyone</h1>\n\n'
        "<p>**Inside HTML**</p>\n\n"
        "This offers an alternative to **Universal Charset Encoding Detector**.\n"
    )
    assert bench.raw_probes(body) == ('<h1 align="center">Charset Detection,', "**Universal")
    assert bench.raw_probes("Plain words only.\n") == ()


def test_plain_text_drops_escape_sequences(bench: ModuleType) -> None:
    output = b"\x1b[38;5;252m\x1b[0m  \x1b[1mAll IANA\x1b[0m names\x1b(B\r\n"
    assert bench.plain_text(output) == "  All IANA names\r\n"


def test_files_from_the_installed_packages_are_real_markdown(
    bench: ModuleType, tmp_path: Path
) -> None:
    if not bench.markdown_descriptions(bench.site_packages()):
        pytest.skip("no installed package ships a Markdown long description")
    files = bench.build_files(tmp_path)
    big = files.big_md.read_bytes()
    assert files.big_txt.read_bytes() == big
    assert bench.SIZE - 10_000 < len(big) <= bench.SIZE and big.endswith(b"\n")
    assert files.big_marker in big.decode("utf-8")[:20_000]
    longest = files.readme_md.read_text(encoding="utf-8")
    assert files.readme_marker in longest
    assert all(probe in longest for probe in files.readme_probes)
