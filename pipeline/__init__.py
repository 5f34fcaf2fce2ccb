"""Orchestration: one file -> Letter (`parse.py`), action items (`tasks.py`),
bulk ingest into DuckDB (`ingest.py`, `store.py`), the citation graph
(`graph.py`), exports to trackers and archive systems, and the `congvan`
command line (`cli.py`)."""
