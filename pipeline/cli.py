"""The `congvan` command line: the edge where errors become messages.

Commands import their stage lazily so `congvan parse` starts fast.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Read Vietnamese official letters into records.",
                  context_settings={"help_option_names": ["-h", "--help"]})


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"congvan: error: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        from congvan import __version__

        typer.echo(f"congvan {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Read Vietnamese official letters into records."""


@app.command()
def parse(
    file: Path = typer.Argument(..., help="A letter: PDF, DOCX, DOC, RTF, TXT or an image."),
    as_json: bool = typer.Option(False, "--json", help="Print exactly one JSON object."),
    force: bool = typer.Option(False, "--force", help="Parse a file that does not look like a letter all the same."),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds the parse may take (0: no limit)."),
    memory_mb: int = typer.Option(4096, "--memory-mb", help="Address-space limit of the parse, in MiB (0: none)."),
) -> None:
    """Parse one letter and print its record."""
    from congvan.models.output import letter_to_json
    from congvan.parsers.readers import ReadError
    from congvan.pipeline import sandbox
    from congvan.pipeline.corpus import not_a_letter, skip_by_name
    from congvan.pipeline.parse import parse_file

    _regular_file(file)
    refused = None if force else skip_by_name(file)
    if refused:
        _fail(f"{file}: {refused[1]} (--force parses it anyway)")
    try:
        with sandbox.limits(timeout or None, memory_mb or None):
            letter = parse_file(file)
    except ReadError as exc:
        _fail(f"{file}: {exc} [{exc.kind}]")
    except sandbox.ParseTimeout:
        _fail(f"{file}: parsing took longer than the {timeout:g} s limit [timeout] (raise it with --timeout)")
    except MemoryError:
        _fail(f"{file}: ran out of memory while parsing (over {memory_mb} MiB) [too_large] (raise it with --memory-mb)")
    reason = None if force else not_a_letter(letter)
    if reason:
        _fail(f"{file}: {reason} (--force parses it anyway)")
    data = letter_to_json(letter)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    from congvan.pipeline.summary import letter_summary

    typer.echo(letter_summary(letter))


def _regular_file(path: Path) -> None:
    """Refuse what is not a regular file (a folder, a FIFO, a device) before opening it:
    reading a FIFO would wait forever."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError as exc:
        _fail(f"{path}: {exc.strerror or 'no such file'}" if exc.errno != 2 else f"{path}: no such file")
    if stat.S_ISDIR(mode):
        _fail(f"{path} is a folder: use `congvan ingest` for folders")
    if not stat.S_ISREG(mode):
        _fail(f"{path} is not a regular file (a pipe, socket or device): give a letter file")


@app.command()
def schema(
    tasks: bool = typer.Option(False, "--tasks", help="The schema of exported action items instead."),
) -> None:
    """Print the JSON Schema of the letter record (or of a task)."""
    from congvan.models.schema import letter_schema, task_schema

    typer.echo(json.dumps(task_schema() if tasks else letter_schema(), ensure_ascii=False, indent=1))


@app.command()
def ingest(
    dirs: list[Path] = typer.Argument(..., help="Folders (walked recursively) or files to ingest."),
    db: Path = typer.Option(..., "--db", help="The DuckDB store (one file; created on first use)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", help="Parse processes (default: all cores; Dask: workers of the local cluster)."),
    engine: str = typer.Option("local", "--engine", help="local (process pool) or dask (Dask distributed)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address; omitted: a LocalCluster of 2 workers."),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds one file may take before it is failed."),
    memory_mb: int = typer.Option(4096, "--memory-mb", help="Address-space limit of a parse worker, in MiB (0: none)."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Parse again the files that failed before."),
    rebuild_graph: bool = typer.Option(False, "--rebuild-graph", help="Resolve the citation graph over the whole store, not only where this run's letters reach (same result, slower)."),
) -> None:
    """Parse every file under DIRS into the store, in parallel; resumable; then resolve the citation graph."""
    from congvan.pipeline import engines, store
    from congvan.pipeline.ingest import Interrupted
    from congvan.pipeline.ingest import ingest as run_ingest
    from congvan.pipeline.ingest import summary_lines

    missing = [str(d) for d in dirs if not d.exists()]
    if missing:
        _fail(f"no such file or folder: {', '.join(missing)}")
    if engine not in ("local", "dask"):
        _fail(f"unknown engine {engine!r}: use local or dask")
    if engine == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            _fail("the dask engine needs dask[distributed]: pip install 'congvan[dask]'")
    try:
        report = run_ingest(dirs, db, workers=workers, engine=engine, scheduler=scheduler, timeout=timeout,
                            memory_mb=memory_mb or None, retry_failed=retry_failed,
                            rebuild_graph=rebuild_graph)
    except Interrupted as stop:
        typer.echo(stop.report.line(), err=True)
        typer.echo(f"congvan: interrupted: {stop.report.parsed_now} files committed to {db}; "
                   "run the same command again to go on", err=True)
        raise typer.Exit(128 + stop.signum)
    except engines.SchedulerError as exc:
        _fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - the edge: a clear message, not a traceback
        message = store.explain(exc, db)
        if message is None:
            raise
        _fail(message)
    typer.echo(report.line(), err=True)
    for line in summary_lines(db, report.files):
        typer.echo(line)


@app.command()
def export(
    db: Path = typer.Option(..., "--db", help="The DuckDB store written by `congvan ingest`."),
    parquet: Optional[Path] = typer.Option(None, "--parquet", help="Folder to write one <table>.parquet per table into."),
    register: Optional[str] = typer.Option(None, "--register", help="A Decree 30 register: den, di or theo-doi (write with -o FILE.xlsx or .csv)."),
    edxml: Optional[Path] = typer.Option(None, "--edxml", help="Folder to write one edXML envelope per letter into."),
    handling_report: Optional[Path] = typer.Option(None, "--handling-report", help="Báo cáo tình hình giải quyết: FILE.xlsx or FILE.html."),
    tracker: Optional[str] = typer.Option(None, "--tracker", help="Action items for a tracker: taskwarrior, jira, gitlab, todoist or ical (to -o FILE or stdout)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="The file --register or --tracker writes."),
    since: Optional[str] = typer.Option(None, "--since", help="Only letters issued on or after this day (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Only letters issued on or before this day (YYYY-MM-DD)."),
    issuer: Optional[str] = typer.Option(None, "--issuer", help="Only letters whose issuer (or parent body) contains this."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="The report day (YYYY-MM-DD; default today) for due/overdue and the next recurrence."),
    done: Optional[Path] = typer.Option(None, "--done", help="Completed tasks: a Taskwarrior `task export` or a list of task ids."),
    organ_ids: Optional[Path] = typer.Option(None, "--organ-ids", help="edXML OrganId per organ name: JSON object or two-column CSV."),
) -> None:
    """Write the store as Parquet, a Decree 30 register, edXML envelopes, a handling report or a tracker file."""
    import datetime as dt

    if not db.exists():
        _fail(f"{db}: no such database")
    modes = [m for m, v in (("--parquet", parquet), ("--register", register), ("--edxml", edxml),
                            ("--handling-report", handling_report), ("--tracker", tracker)) if v is not None]
    if len(modes) != 1:
        _fail("choose one of --parquet, --register, --edxml, --handling-report, --tracker"
              + (f" (got {', '.join(modes)})" if modes else ""))
    if parquet is not None:
        from congvan.pipeline.export import export_parquet

        try:
            written = export_parquet(db, parquet)
        except OSError as exc:
            _fail(str(exc))
        for name, path in written.items():
            typer.echo(f"{name}\t{path}")
        return

    def day(value: Optional[str], flag: str) -> Optional[dt.date]:
        try:
            return dt.date.fromisoformat(value) if value else None
        except ValueError:
            _fail(f"{flag} {value!r}: expected a day as YYYY-MM-DD")
        return None

    from congvan.pipeline import nd30

    first, last, report_day = day(since, "--since"), day(until, "--until"), day(as_of, "--as-of") or dt.date.today()
    try:
        letters, problems = nd30.load_letters(db)
        done_ids = {}
        if done is not None:
            from congvan.pipeline.handling_report import load_done

            done_ids = load_done(done)
        ids = nd30.load_organ_ids(organ_ids) if organ_ids else {}
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    for problem in problems:
        typer.echo(f"congvan: warning: {problem}", err=True)
    letters = nd30.filter_letters(letters, since=first, until=last, issuer=issuer)
    try:
        if register is not None:
            from congvan.pipeline import registers

            if register not in registers.KINDS:
                _fail(f"unknown register {register!r}: use {', '.join(registers.KINDS)}")
            if output is None or output.suffix.lower() not in (".xlsx", ".csv"):
                _fail("--register writes to -o FILE.xlsx or -o FILE.csv")
            span = " – ".join(x for x in (since or "", until or "") if x)
            reg = registers.build_register(register, letters, done=done_ids, as_of=report_day,
                                           subtitle=", ".join(x for x in (issuer or "", span) if x))
            if output.suffix.lower() == ".csv":
                output.write_bytes(registers.to_csv(reg))
            else:
                registers.write_xlsx(reg, output)
            typer.echo(f"{reg.title}: {len(reg.rows)} rows -> {output}", err=True)
        elif edxml is not None:
            from congvan.pipeline.edxml import write_all

            written = write_all(letters, edxml, ids)
            typer.echo(f"edXML: {len(written)} envelopes -> {edxml}", err=True)
        elif handling_report is not None:
            from congvan.pipeline import handling_report as hr
            from congvan.pipeline.trackers import collect

            items, _ = collect(letters)
            rep = hr.build_report(items, report_day, done_ids)
            hr.write(rep, handling_report)
            typer.echo(f"handling report: {len(rep.rows)} units, {rep.totals['overdue']} overdue -> {handling_report}", err=True)
        else:
            from congvan.pipeline import trackers

            if tracker not in trackers.FORMATS:
                _fail(f"unknown tracker {tracker!r}: use {', '.join(trackers.FORMATS)}")
            items, by_id = trackers.collect(letters)
            data = trackers.export(tracker, items, by_id, as_of=report_day)
            if output:
                output.write_bytes(data)
                if tracker == "jira":
                    cfg = output.with_suffix(".jira-config.json")
                    cfg.write_text(json.dumps(trackers.jira_config(), ensure_ascii=False, indent=1), encoding="utf-8")
                    typer.echo(f"Jira importer configuration (date format {trackers.JIRA_DATE_FORMAT}) -> {cfg}", err=True)
            else:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
    except (OSError, ValueError) as exc:
        _fail(str(exc))


@app.command()
def graph(
    db: Path = typer.Option(..., "--db", help="The DuckDB store written by `congvan ingest`."),
    start: Optional[str] = typer.Option(None, "--from", help="A node: letter id (or prefix), node id, or number/symbol like 280/CĐ-TTg."),
    descendants: bool = typer.Option(False, "--descendants", help="Documents derived from --from: those that cite it, directly or through others."),
    ancestors: bool = typer.Option(False, "--ancestors", help="Documents --from rests on: what it cites, directly or through others."),
    fmt: str = typer.Option("table", "--format", help="table, graphml, gexf or json."),
) -> None:
    """Print the citation graph (edges point from the citing document to the cited one)."""
    import networkx as nx

    from congvan.pipeline.graph import find_nodes, load_graph

    if not db.exists():
        _fail(f"{db}: no such database")
    if fmt not in ("table", "graphml", "gexf", "json"):
        _fail(f"unknown format {fmt!r}: use table, graphml, gexf or json")
    if descendants and ancestors:
        _fail("choose one of --descendants and --ancestors")
    g = load_graph(db)
    if start is not None:
        hits = find_nodes(g, start)
        if not hits:
            _fail(f"no node matches {start!r}")
        if len(hits) > 1:
            _fail(f"{start!r} names {len(hits)} documents (the same number in several places or years): "
                  + ", ".join(hits[:10]) + " - pass one node id")
        root = hits[0]
        if descendants:
            keep = nx.ancestors(g, root)      # edges point citing -> cited
        elif ancestors:
            keep = nx.descendants(g, root)
        else:
            keep = nx.node_connected_component(g.to_undirected(as_view=True), root)
        g = g.subgraph(keep | {root}).copy()
    elif descendants or ancestors:
        _fail("--descendants and --ancestors need --from")
    if fmt == "table":
        for src, dst, data in sorted(g.edges(data=True)):
            typer.echo(f"{g.nodes[src].get('label')} [{src}] --{data.get('relation')} "
                       f"({data.get('confidence'):.2f})--> {g.nodes[dst].get('label')} [{dst}]")
        typer.echo(f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges", err=True)
        return
    if fmt == "json":
        sys.stdout.write(json.dumps(nx.node_link_data(g, edges="edges"), ensure_ascii=False, default=str) + "\n")
        return
    # GraphML and GEXF have no null: leave unknown attributes out.
    clean = nx.DiGraph()
    for n, d in g.nodes(data=True):
        clean.add_node(n, **{k: v for k, v in d.items() if v is not None})
    for a, b, d in g.edges(data=True):
        clean.add_edge(a, b, **{k: v for k, v in d.items() if v is not None})
    writer = nx.generate_graphml if fmt == "graphml" else nx.generate_gexf
    for line in writer(clean):
        sys.stdout.write(line + "\n")


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


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", help="A folder of gold records (one JSON per letter, see the README)."),
    root: Optional[Path] = typer.Option(None, "--root", help="The folder the golds' \"file\" paths are relative to (default: the nearest one above --gold that holds them)."),
    jobs: int = typer.Option(1, "--jobs", "-j", help="Parse this many letters at once."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every miss, and the tables by input kind and document type."),
    calibration: bool = typer.Option(False, "--calibration", help="Print the reliability table: per field, values claimed and right by confidence band."),
    save: Optional[Path] = typer.Option(None, "--save", help="Write each document's per-field and per-set results to this JSON file."),
    compare: Optional[Path] = typer.Option(None, "--compare", help="A file written by --save: print what each document gained or lost since."),
    minimum: Optional[float] = typer.Option(None, "--min", help="Exit 1 when the overall score is below this."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole evaluation as one JSON object."),
) -> None:
    """Score `parse --json` against hand-checked gold records (the numbers of ../shared/eval/score.py)."""
    from congvan.pipeline import evaluate as ev

    before = None
    if compare is not None:
        try:
            before = json.loads(compare.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            _fail(f"--compare {compare}: {exc}")
    try:
        cases = ev.run(gold, root, jobs=max(1, jobs))
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    data = ev.summary(cases)
    if save is not None:
        try:
            save.write_text(json.dumps(data["documents_results"], ensure_ascii=False, indent=1, sort_keys=True),
                            encoding="utf-8")
        except OSError as exc:
            _fail(f"--save {save}: {exc}")
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        lines = ev.compare_lines(before, data["documents_results"]) if before is not None else []
        lines += ev.text_report(cases, data, verbose=verbose, calibration=calibration)
        typer.echo("\n".join(lines))
    if minimum is not None and data["overall"] < minimum:
        raise typer.Exit(1)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("congvan: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
