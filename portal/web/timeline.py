"""An application's timeline as both the applicant's and the staff's pages show it."""

from __future__ import annotations

from portal.applications.schemas import HistoryEntry


def timeline(history: list[HistoryEntry]) -> list[tuple[HistoryEntry, int]]:
    """The history with each run of draft edits by one person shown once, with its count."""
    out: list[tuple[HistoryEntry, int]] = []
    for entry in history:
        if (
            out
            and entry.action == "edited"
            and out[-1][0].action == "edited"
            and out[-1][0].actor == entry.actor
        ):
            out[-1] = (entry, out[-1][1] + 1)
        else:
            out.append((entry, 1))
    return out
