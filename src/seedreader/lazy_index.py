"""LazyIndex: the library's search index, built on first use and retried after a failure."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from seedreader.documents import Document

if TYPE_CHECKING:
    from seedreader.search import SearchIndex

Progress = Callable[[int, int], None]
Builder = Callable[..., "SearchIndex"]


class IndexFailed(Exception):
    """Building the index failed; the message says why, and the next `get` tries again."""


class LazyIndex:
    """Builds the search index of some documents once, the first time it is asked for.

    `get` runs the build in the calling thread (a worker), so only one build runs at a time;
    later calls return the same index. A cancelled or failed build leaves nothing behind:
    the next `get` starts again.
    """

    def __init__(self, documents: Sequence[Document], builder: Builder | None = None) -> None:
        self._documents = documents
        self._builder = builder
        """Builds the index (`SearchIndex.build` when None)."""
        self._lock = threading.Lock()
        self.index: SearchIndex | None = None
        """The index once built."""
        self.failure: str | None = None
        """Why the last build failed, until one succeeds."""

    @property
    def size(self) -> int:
        """How many documents it indexes."""
        return len(self._documents)

    @property
    def is_ready(self) -> bool:
        return self.index is not None

    def get(
        self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
    ) -> SearchIndex:
        """The index, built now if it is not yet.

        Raises:
            IndexCancelled: `cancelled()` returned True during the build.
            IndexFailed: the build failed (the next call tries again).
        """
        # Imported here: the search engine is loaded when it is first needed, not at start-up.
        from seedreader.search import IndexCancelled, SearchIndex

        with self._lock:
            if self.index is not None:
                return self.index
            build = self._builder or SearchIndex.build
            try:
                index = build(self._documents, progress=progress, cancelled=cancelled)
            except IndexCancelled:
                raise
            except Exception as error:  # any failure: report it and let the next call retry
                self.failure = f"{type(error).__name__}: {error}" if str(error) else repr(error)
                raise IndexFailed(self.failure) from error
            self.index, self.failure = index, None
            return index

    def interrupt(self) -> None:
        """Stop what the index is doing in SQL now, from any thread (see
        `SearchIndex.interrupt`): the app is quitting."""
        index = self.index
        if index is not None:
            index.interrupt()

    def update(self, document: Document, cancelled: Callable[[], bool] | None = None) -> None:
        """Bring a built index up to date with a document that changed on disk.

        Raises:
            IndexCancelled: `cancelled()` returned True.
        """
        if self.index is not None:
            self.index.update(document, cancelled)

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
