"""Per-file tasks that fail on purpose, for the ingest tests.

The engines pickle their task function by reference, so a test that swaps
`congvan.pipeline.sandbox.parse_task` (or `engines.dask_task`) for one of
these makes the real workers run it: `raises.txt` makes the task itself raise, and
`bad-rows.txt` parses but its row building (`store.letter_rows`) raises.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

ROW_ERROR = "no rows for this letter"
TASK_ERROR = "the task itself failed"


def parse_task(path: str, timeout: float | None, *args: Any) -> dict[str, Any]:
    from congvan.pipeline import sandbox, store

    name = Path(path).name
    if name == "raises.txt":
        raise RuntimeError(TASK_ERROR)
    if name == "bad-rows.txt":
        with mock.patch.object(store, "letter_rows", side_effect=ValueError(ROW_ERROR)):
            return sandbox.parse_task(path, timeout, *args)
    return sandbox.parse_task(path, timeout, *args)


def dask_task(path: str, timeout: float, data: bytes, digest: str, size: int, memory_mb: int | None) -> dict[str, Any]:
    from congvan.pipeline import engines, sandbox, store

    name = Path(path).name
    if name == "raises.txt":
        raise RuntimeError(TASK_ERROR)
    if name == "bad-rows.txt":
        # In the worker's own thread: the patch must reach the row building.
        with mock.patch.object(store, "letter_rows", side_effect=ValueError(ROW_ERROR)):
            return sandbox.parse_task(path, timeout, data, digest, size)
    return engines.dask_task(path, timeout, data, digest, size, memory_mb)
