"""The `congvan` command line: the edge where errors become messages.

Commands import their stage lazily so `congvan parse` starts fast.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Read Vietnamese official letters into records.")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"congvan: error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def parse(
    file: Path = typer.Argument(..., help="A letter: PDF, DOCX, DOC, RTF, TXT or an image."),
    as_json: bool = typer.Option(False, "--json", help="Print exactly one JSON object."),
) -> None:
    """Parse one letter and print its record."""
    from congvan.models.output import letter_to_json
    from congvan.parsers.readers import ReadError
    from congvan.pipeline.parse import parse_file

    if not file.exists():
        _fail(f"{file}: no such file")
    if file.is_dir():
        _fail(f"{file} is a folder: use `congvan ingest` for folders")
    try:
        letter = parse_file(file)
    except ReadError as exc:
        _fail(f"{file}: {exc} [{exc.kind}]")
    data = letter_to_json(letter)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    from congvan.pipeline.summary import letter_summary

    typer.echo(letter_summary(letter))


@app.command()
def schema(
    tasks: bool = typer.Option(False, "--tasks", help="The schema of exported action items instead."),
) -> None:
    """Print the JSON Schema of the letter record (or of a task)."""
    from congvan.models.schema import letter_schema, task_schema

    typer.echo(json.dumps(task_schema() if tasks else letter_schema(), ensure_ascii=False, indent=1))


@app.command()
def tasks(
    target: Path = typer.Argument(..., help="A letter file, a folder of letters, or a .duckdb store."),
    unit: Optional[str] = typer.Option(None, "--unit", help="Only the tasks of units whose name contains this."),
    fmt: str = typer.Option("table", "--format", "-f", help="table (per unit), jsonl, csv or ics."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Action items: who must do what, by when, per unit."""
    from congvan.pipeline.task_export import ExportError, filter_unit, load_items, to_csv, to_ics, to_jsonl, to_table

    fmt = fmt.lower()
    if fmt not in ("table", "jsonl", "csv", "ics"):
        _fail(f"unknown format {fmt!r}: use table, jsonl, csv or ics")
    if not target.exists():
        _fail(f"{target}: no such file or folder")
    try:
        items, letters, problems = load_items(target)
    except ExportError as exc:
        _fail(str(exc))
    for problem in problems:
        typer.echo(f"congvan: warning: {problem}", err=True)
    if unit:
        items = filter_unit(items, unit)
    if fmt == "table":
        data: bytes = (to_table(items, letters) + "\n").encode("utf-8")
    elif fmt == "jsonl":
        data = to_jsonl(items).encode("utf-8")
    elif fmt == "csv":
        data = to_csv(items)
    else:
        data = to_ics(items, letters)
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("congvan: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
