"""congvan: Vietnamese official letters -> typed records, citation graph, action items.

The public API for scripts and notebooks:

    import congvan
    letter = congvan.parse("letter.pdf")      # a congvan.models.Letter
    data = congvan.to_json(letter)            # the `congvan parse --json` object
    tables = congvan.load_store("corpus.duckdb")   # table name -> pandas DataFrame
    letters = congvan.load_letters("corpus.duckdb")  # the stored Letters, whole
    graph = congvan.load_graph("corpus.duckdb")    # networkx DiGraph, citing -> cited
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported lazily at run time so `import congvan` stays cheap
    import networkx
    import pandas

    from congvan.models.records import Letter

__version__ = "0.1.0"


def parse(path: str) -> Letter:
    """Read one file (PDF, DOCX, DOC, RTF, TXT, image) into a Letter; raises ReadError."""
    from congvan.pipeline.parse import parse_file

    return parse_file(path)


def parse_text(text: str, *, file: str | None = None) -> Letter:
    """Parse a letter already in a Python string (`file` names it in the record)."""
    from congvan.pipeline.parse import parse_string

    return parse_string(text, file=file)


def to_json(letter: Letter) -> dict:
    """The JSON object `congvan parse --json` prints for a Letter."""
    from congvan.models.output import letter_to_json

    return letter_to_json(letter)


def load_store(db: str) -> dict[str, pandas.DataFrame]:
    """Every table of an ingested store (`congvan ingest --db`) as pandas DataFrames, by name."""
    from congvan.pipeline.store import load_tables

    return load_tables(db)


def load_letters(db: str) -> list[Letter]:
    """Every letter of an ingested store, whole: each equal to parsing its file."""
    from congvan.pipeline.store import load_letters as _load_letters

    return _load_letters(db)


def load_graph(db: str) -> networkx.DiGraph:
    """The citation graph of an ingested store; nodes carry doc_type, number, symbol,
    issuer, date, subject, in_corpus; edges (citing -> cited) carry relation,
    evidence, confidence."""
    from congvan.pipeline.graph import load_graph as _load_graph

    return _load_graph(db)


def ingest(paths: Any, db: str, **options: Any):  # noqa: ANN201 - returns congvan.pipeline.ingest.IngestReport
    """Ingest letters (a folder, a file, or a list of them) into the DuckDB store `db`,
    as `congvan ingest PATHS --db DB` does; failed files become `failed` rows."""
    from congvan.pipeline.ingest import ingest as _ingest

    return _ingest([paths] if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__") else paths, db, **options)


def letter_doc(letter: Any):  # noqa: ANN201 - returns spacy.tokens.Doc
    """The letter's text as a spaCy Doc whose entities are its extracted fields and
    references, for `displacy.render(doc, style="ent")`."""
    from congvan.pipeline.annotate import letter_doc as _letter_doc

    return _letter_doc(letter)


def graph_html(graph: Any, path: str, **options: Any):  # noqa: ANN201 - returns pathlib.Path
    """Write a citation graph (from `load_graph`) as one self-contained interactive HTML file."""
    from congvan.pipeline.graph_view import graph_html as _graph_html

    return _graph_html(graph, path, **options)


def graph_layout(graph: Any, **options: Any) -> dict:
    """Node -> (x, y) in 0..1 for drawing a citation graph of any size: each connected
    component laid out apart and packed in rows (the positions `graph_html` uses)."""
    from congvan.pipeline.graph_view import layout

    return layout(graph, **options)


def export_tasks(source: str, path: str, **options: Any):  # noqa: ANN201 - returns pathlib.Path
    """Write the action items of a store, letter or folder to a .csv, .ics or .jsonl file
    (the bytes `congvan tasks --format csv|ics|jsonl` prints)."""
    from congvan.pipeline.exports.tasks import export_tasks as _export_tasks

    return _export_tasks(source, path, **options)
