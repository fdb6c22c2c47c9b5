"""A folder of thousands of documents (issue 11): the first document shows at once, the scan
goes on behind it with the count growing in the library panel, and `]` and `[` act at once,
even typed before the scan is over."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import Spawn

COUNT = 4000


def test_a_big_folder_opens_at_once_and_fills_in(spawn: Spawn, tmp_path: Path) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    for n in range(COUNT):
        (folder / f"{n:05}.txt").write_text(f"document number {n}\nits second line\n")
    (folder / "zz-blob.txt").write_bytes(b"\x00\x01binary\x00" * 100)

    terminal = spawn(folder)
    terminal.wait_for("document number 0")
    terminal.press("]")  # typed as soon as the first line shows: the scan may still run
    terminal.wait_for("document number 1")
    terminal.wait_for("(2/")
    terminal.press("[")
    terminal.wait_for("(1/")
    terminal.wait_for(f"{COUNT:,} documents", timeout=20)  # the panel's count, once complete
    terminal.wait_for(f"(1/{COUNT:,})")
    terminal.wait_for("Skipped 1 entry")  # what the scan passed over is told at its end
    terminal.press("[")  # round to the last document
    terminal.wait_for(f"document number {COUNT - 1}")
    terminal.wait_for(f"({COUNT:,}/{COUNT:,})")
    screen = terminal.screen_text()
    assert "documents…" not in screen and "…)" not in screen
