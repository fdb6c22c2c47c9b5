"""Drive the real app headlessly over seeds/ and save SVG screenshots into screenshots/.

Run with `make screenshots`. Each view is a function that gets a Pilot and prepares the screen.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
SIZE = (120, 40)

View = Callable[[Pilot], Awaitable[None]]


async def reading(pilot: Pilot) -> None:
    await pilot.press("j", "j", "j", "j")


async def reading_light(pilot: Pilot) -> None:
    pilot.app.theme = "textual-light"
    await pilot.press("j", "j", "j", "j")


async def help_screen(pilot: Pilot) -> None:
    await pilot.press("question_mark")


async def notes(pilot: Pilot) -> None:
    await pilot.pause(0.2)
    await pilot.press("j", "j", "v", "j", "j")
    await pilot.press("a", *"Saif al-Islam: the heir still at large. Check the NTC statement.")
    await pilot.press("ctrl+s")
    await pilot.pause(0.3)
    await pilot.press("colon", "7", "enter")
    await pilot.press("a", *"Who pays for the air campaign?", "ctrl+s")
    await pilot.pause(0.3)
    await pilot.press("s")


async def search(pilot: Pilot) -> None:
    await pilot.pause(0.2)
    await pilot.press("slash", *"Qaddafi convoy")
    for _ in range(3):
        await pilot.pause(0.3)
        await pilot.app.workers.wait_for_complete()


async def markdown(pilot: Pilot) -> None:
    await pilot.press("colon", "9", "6", "enter")


async def outline(pilot: Pilot) -> None:
    await pilot.press("t", *"ratio")
    await pilot.pause(0.2)


MARKDOWN = ROOT / "tests" / "data" / "markdown" / "rapidfuzz.md"
"""A real README (rapidfuzz's, MIT): headings four levels deep, code, badges and lists."""

VIEWS: dict[str, tuple[View, Path]] = {
    "reading": (reading, ROOT / "seeds"),
    "reading-light": (reading_light, ROOT / "seeds"),
    "help": (help_screen, ROOT / "seeds"),
    "notes": (notes, ROOT / "seeds"),
    "search": (search, ROOT / "seeds"),
    "markdown": (markdown, MARKDOWN),
    "outline": (outline, MARKDOWN),
}


async def shoot(name: str, view: View, where: Path) -> Path:
    from seedreader.documents import scan_paths
    from seedreader.ui.app import ReaderApp

    with tempfile.TemporaryDirectory() as data:
        app = ReaderApp(scan_paths([where]).documents, data_dir=Path(data))
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(100):  # until the parts mounted after the first frame are there
                await pilot.pause(0.05)
                if app.screen.query("#search-panel"):
                    break
            await app.workers.wait_for_complete()
            await view(pilot)
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            await pilot.pause()
            path = OUT / f"{name}.svg"
            app.save_screenshot(filename=path.name, path=str(OUT))
    return path


def main() -> int:
    os.environ.setdefault("SEEDREADER_CACHE_DIR", tempfile.mkdtemp(prefix="seedreader-cache-"))
    only = set(sys.argv[1:])
    for name, (view, where) in VIEWS.items():
        if only and name not in only:
            continue
        path = asyncio.run(shoot(name, view, where))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
