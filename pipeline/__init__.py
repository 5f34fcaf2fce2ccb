"""Orchestration: one file -> Letter (`parse.py`), action items (`tasks.py`),
bulk ingest into DuckDB (`ingest.py`, `store.py`), the citation graph
(`graph.py`, `graph_view.py`), exports to trackers and archive systems
(the `exports/` package: one source, one writer per format), and the `congvan`
command line (`cli.py`)."""
