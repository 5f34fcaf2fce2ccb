"""Orchestration: one file -> Letter with its action items (`parse.py`, which
calls the parsers), bulk ingest into DuckDB (`ingest.py`, `store.py`), the citation graph
(`graph.py`, `graph_update.py`, `graph_view.py`), exports to trackers and archive systems
(the `exports/` package: one source, one writer per format), and the `congvan`
command line (`cli.py`)."""
