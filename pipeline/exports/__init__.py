"""Exports: one source of Letters, one writer per format, one helper for safe cells.

Flow: store | folder | file -> **`source`** (Letters + problem lines; filters
since/until/issuer/unit/open-only; register order; sane deadlines) -> one
writer per format -> files for the systems offices run. `congvan export
<format>` (pipeline/cli.py) calls them; `congvan tasks` is the quick per-unit
view on the same source.

- `source`: load, filter, order, one record per document, action items, `--done`.
- `cells`: values safe for each format (no spreadsheet formula, no control
  character, no mathtext, file names a file system takes).
- `items`: what the task formats say alike (title line, number/symbol, due day, CSV).
- `parquet`: every store table as Parquet (needs a store).
- `registers`: Decree 30 registers (đến, đi, theo dõi) as XLSX or CSV.
- `edxml`: one edXML envelope per letter (and the office's OrganId list).
- `handling_report`: báo cáo tình hình giải quyết, XLSX or HTML.
- `taskwarrior`, `jira`, `gitlab`, `todoist`, `ical`: tracker files.
- `tasks`: the per-unit table, JSON Lines, CSV; `export_tasks` for Python.
"""
