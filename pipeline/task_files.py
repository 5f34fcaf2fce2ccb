"""Action items written to files from Python (notebooks, scripts).

Flow: store or letters -> action items (`pipeline/tasks.py`) -> exports
(`pipeline/task_export.py`) -> **a file**. The same bytes `congvan tasks
SOURCE --format csv|ics|jsonl -o FILE` writes, for code that calls
`congvan.export_tasks` instead of the command line.
"""
from __future__ import annotations

from pathlib import Path

FORMATS = {".csv": "csv", ".ics": "ics", ".jsonl": "jsonl"}


def export_tasks(source: str | Path, path: str | Path, *, fmt: str | None = None, unit: str | None = None) -> Path:
    """Write the action items of `source` (a `.duckdb` store, a letter file or a
    folder of letters) to `path` as CSV, iCalendar or JSON Lines (chosen by
    `fmt` or by the suffix: .csv, .ics, .jsonl); `unit` keeps only the tasks
    of units whose name contains it. Returns the path written."""
    from congvan.pipeline.task_export import filter_unit, load_items, to_csv, to_ics, to_jsonl

    out = Path(path)
    fmt = (fmt or FORMATS.get(out.suffix.lower(), "")).lower()
    if fmt not in ("csv", "ics", "jsonl"):
        raise ValueError(f"{out}: choose fmt='csv', 'ics' or 'jsonl' (or a .csv/.ics/.jsonl name)")
    items, letters, _problems = load_items(Path(source))
    if unit:
        items = filter_unit(items, unit)
    if fmt == "csv":
        data = to_csv(items)
    elif fmt == "ics":
        data = to_ics(items, letters)
    else:
        data = to_jsonl(items).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out
