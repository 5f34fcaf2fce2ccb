"""Action items -> GitLab's issue CSV import (title, description, due_date).

Flow: source (Letters -> action items, filtered) -> **GitLab CSV**. GitLab
keys issues by nothing of ours, so the stable id is written into the
description, where a later import (or a person) can find it. GitLab's
import has no undo: the source's `--since/--until`, `--unit` and
`--open-only` keep a 30-year archive from arriving as thousands of issues.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from congvan.models.records import ActionItem, Letter
from congvan.pipeline.exports.items import csv_bytes, due_day, number_symbol, summary, write_rows

GITLAB_COLUMNS = ("title", "description", "due_date")


def _row(item: ActionItem, letter: Letter | None) -> dict[str, Any]:
    due = due_day(item, letter)
    symbol = number_symbol(letter)
    return {
        "title": summary(item, 255),
        "description": "\n\n".join(x for x in (
            item.text,
            f"**Văn bản:** {symbol}" if symbol else "",
            f"**Hạn:** {item.deadline.text}" if item.deadline else "",
            f"**Định kỳ:** {item.recurrence} (`{item.rrule}`)" if item.rrule else "",
            f"congvan id: `{item.id}`") if x),
        "due_date": due.isoformat() if due else None,
    }


def to_gitlab(items: Iterable[ActionItem], letters: dict[str, Letter] | None = None,
              skipped: list[str] | None = None) -> bytes:
    """GitLab's issue CSV import: title, description, due_date (YYYY-MM-DD)."""
    letters = letters or {}
    rows = write_rows(items, lambda i: _row(i, letters.get(i.letter_id)), skipped if skipped is not None else [])
    return csv_bytes(GITLAB_COLUMNS, rows)
