"""One way to report a worker that failed: a notification, never a silent stop."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from seedreader.pathnames import show_path


class ReportsWorkerErrors(DOMNode):
    """Mixed into a widget or screen that runs workers with `exit_on_error=False`.

    `Worker.StateChanged` does not bubble, so each owner of workers reports its own.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.notify(
                show_path(f"{event.worker.name}: {event.worker.error}"),
                severity="error",
                markup=False,
            )
