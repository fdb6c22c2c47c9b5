"""The terminal driver: Textual's, taking over the first screen drawn before it started, and
telling a lone Esc as soon as its delay is over."""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual._loop import loop_last
from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from seedreader import first_screen

ALTERNATE_SCREEN = "\x1b[?1049h"
IDLE_WAIT = 0.1
"""How long the input thread waits for input when no escape sequence is pending (Textual's)."""


class ReaderDriver(LinuxDriver):
    """Textual's Linux driver, with two changes.

    It takes over the first screen (`seedreader.first_screen`) if one was drawn: the terminal
    is already in the alternate screen, so the driver does not ask for it again (xterm clears
    the screen on every `?1049h`, which would blank the text until the app's first frame), and
    the terminal attributes it restores at exit are the ones from before the first screen
    changed them.

    And its input thread wakes up when the escape delay of a pending Esc is over: Textual's
    waits for input in steps of 0.1 s and looks at the delay only between them, so a lone Esc
    (closing a dialog) was told up to 0.1 s late, whatever the delay (`ESCDELAY`).
    """

    _taking_over = False

    def start_application_mode(self) -> None:
        attributes = first_screen.hand_over()
        self._taking_over = attributes is not None
        try:
            super().start_application_mode()  # type: ignore[no-untyped-call]
        finally:
            self._taking_over = False
        if attributes is not None:
            self.attrs_before = attributes

    def write(self, data: str) -> None:
        if self._taking_over and data == ALTERNATE_SCREEN:
            return
        super().write(data)

    def run_input_thread(self) -> None:
        """Textual's `LinuxDriver.run_input_thread` (8.2), waiting at most until the parser's
        pending timeout (an Esc that may begin a sequence) instead of a fixed 0.1 s."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        feed = parser.feed
        tick = parser.tick
        decode = getincrementaldecoder("utf-8")().decode

        def wait() -> float:
            deadline: float | None = getattr(parser, "_timeout_time", None)
            if deadline is None:
                return IDLE_WAIT
            return min(IDLE_WAIT, max(0.0, deadline - get_time()))

        def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for last, (_key, mask) in loop_last(events):
                if mask & selectors.EVENT_READ:
                    data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not data:
                        break  # stdin piped
                    for event in feed(data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process(selector.select(wait()))
            selector.unregister(self.fileno)
            process(selector.select(IDLE_WAIT), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass
