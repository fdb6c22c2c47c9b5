"""Fuzzy ranking of names as you type: the picker, the filtered lists and the outline."""

from __future__ import annotations

from collections.abc import Callable


def fuzzy_rank(
    query: str,
    choices: list[str],
    scorer: Callable[..., float],
    cutoff: float,
    limit: int,
) -> list[int]:
    """Indexes of `choices` that match `query` (rapidfuzz), best first; all for no query."""
    from rapidfuzz import process, utils

    if not query.strip():
        return list(range(min(len(choices), limit)))
    found = process.extract(
        query,
        choices,
        scorer=scorer,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=cutoff,
    )
    return [index for _, _, index in found]
