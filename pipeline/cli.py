"""The `congvan` command line: the edge where errors become messages.

Commands import their stage lazily so `congvan parse` starts fast.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

if TYPE_CHECKING:
    import datetime as dt

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
    ocr_pages: Optional[int] = typer.Option(None, "--ocr-pages", help="Scanned pages OCR'd per letter (default 40)."),
) -> None:
    """Parse one letter and print its record."""
    _set_ocr_pages(ocr_pages)
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
    except Exception as exc:  # noqa: BLE001 - the edge: what ingest would store as a `bug` row, in one line
        _fail(f"{file}: could not be parsed ({type(exc).__name__}: {str(exc)[:200]}) [bug]")
    reason = None if force else not_a_letter(letter)
    if reason:
        _fail(f"{file}: {reason} (--force parses it anyway)")
    data = letter_to_json(letter)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    from congvan.pipeline.summary import letter_summary

    typer.echo(letter_summary(letter))


def _set_ocr_pages(pages: Optional[int]) -> None:
    """The readers (and every parse worker this process starts) take the OCR page limit from here."""
    import os

    if pages is not None:
        if pages < 0:
            _fail("--ocr-pages must be 0 or more")
        os.environ["CONGVAN_OCR_PAGES"] = str(pages)


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
    ocr_pages: Optional[int] = typer.Option(None, "--ocr-pages", help="Scanned pages OCR'd per letter (default 40)."),
    rebuild_graph: bool = typer.Option(False, "--rebuild-graph", help="Resolve the citation graph over the whole store, not only where this run's letters reach (same result, slower)."),
) -> None:
    """Parse every file under DIRS into the store, in parallel; resumable; then resolve the citation graph."""
    _set_ocr_pages(ocr_pages)
    from congvan.pipeline import engines, store
    from congvan.pipeline.ingest import Interrupted, summary_lines
    from congvan.pipeline.ingest import ingest as run_ingest

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
        raise typer.Exit(128 + stop.signum) from None
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


# ---------------------------------------------------------------- exports

export_app = typer.Typer(no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]},
                         help="Write letters or their action items in one format: `congvan export FORMAT SOURCE ...`.")
app.add_typer(export_app, name="export")

SourceArg = Annotated[Optional[Path], typer.Argument(
    help="A .duckdb store, a folder of letters or one letter file.", show_default=False)]
DbOpt = Annotated[Optional[Path], typer.Option("--db", help="The store written by `congvan ingest` (instead of SOURCE).")]
SinceOpt = Annotated[Optional[str], typer.Option("--since", help="Only letters issued on or after this day (YYYY-MM-DD).")]
UntilOpt = Annotated[Optional[str], typer.Option("--until", help="Only letters issued on or before this day (YYYY-MM-DD).")]
IssuerOpt = Annotated[Optional[str], typer.Option("--issuer", help="Only letters whose issuer (or parent body) contains this.")]
UnitOpt = Annotated[Optional[str], typer.Option("--unit", help="Only the tasks of units whose name contains this.")]
OpenOpt = Annotated[bool, typer.Option("--open-only", help="Only tasks not done whose deadline has not long passed "
                                                           "(90 days), recurring duties, and undated tasks of letters "
                                                           "less than a year old.")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="The report day (YYYY-MM-DD; default today).")]
DoneOpt = Annotated[Optional[Path], typer.Option("--done", help="Completed tasks: a Taskwarrior `task export` or a list of task ids.")]


def _day(value: Optional[str], flag: str) -> Optional[dt.date]:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        _fail(f"{flag} {value!r}: expected a day as YYYY-MM-DD")
    return None


def _warn(lines: list[str]) -> None:
    for line in lines:
        typer.echo(f"congvan: warning: {line}", err=True)


def _source(source: Optional[Path], db: Optional[Path]) -> Path:
    """The one thing to read: SOURCE or --db, not both."""
    if source is not None and db is not None:
        _fail("give the source once: as SOURCE or as --db")
    target = source if source is not None else db
    if target is None:
        _fail("give a source: a .duckdb store (SOURCE or --db), a folder of letters or one letter file")
    return target  # type: ignore[return-value]


def _selection(since: Optional[str] = None, until: Optional[str] = None, issuer: Optional[str] = None,
               unit: Optional[str] = None, open_only: bool = False, as_of: Optional[str] = None,
               done: Optional[Path] = None):  # noqa: ANN202 - exports.source.Selection
    import datetime as dt

    from congvan.pipeline.exports.source import Selection, load_done

    first, last = _day(since, "--since"), _day(until, "--until")
    if first and last and first > last:
        _fail(f"--since {since} is after --until {until}")
    report_day = _day(as_of, "--as-of") or dt.date.today()
    done_ids = {}
    if done is not None:
        _readable(done, "--done")
        try:
            done_ids = load_done(done)
        except (OSError, ValueError) as exc:
            _fail(str(exc))
    return Selection(since=first, until=last, issuer=issuer, unit=unit, open_only=open_only, as_of=report_day,
                     done=done_ids)


def _readable(path: Path, flag: str) -> None:
    if not path.exists():
        _fail(f"{flag} {path}: no such file")
    if not path.is_file():
        _fail(f"{flag} {path}: not a regular file")


def _letters(target: Path, selection=None):  # noqa: ANN001, ANN202 - list[Letter]
    """The source's letters (problems printed as warnings), filtered by the selection."""
    from congvan.pipeline.exports.source import SourceError, load

    try:
        letters, problems = load(target)
    except SourceError as exc:
        _fail(str(exc))
    _warn(problems)
    return selection.letters(letters) if selection is not None else letters


def _emit(data: bytes, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except OSError as exc:
        _fail(f"{output}: {exc.strerror or exc}")


@export_app.command("parquet")
def export_parquet(
    source: SourceArg = None, db: DbOpt = None,
    output: Path = typer.Option(..., "--output", "-o", help="Folder to write one <table>.parquet per table into."),
) -> None:
    """Every table of a store as Parquet (a store only: the tables are the store's)."""
    from congvan.pipeline.exports.parquet import export_parquet as write
    from congvan.pipeline.exports.source import SourceError

    target = _source(source, db)
    try:
        written = write(target, output)
    except SourceError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{output}: {exc.strerror or exc}")
    for name, path in written.items():
        typer.echo(f"{name}\t{path}")


@export_app.command("register")
def export_register(
    kind: str = typer.Argument(..., help="den (incoming), di (outgoing) or theo-doi (handling follow-up)."),
    source: SourceArg = None, db: DbOpt = None,
    output: Path = typer.Option(..., "--output", "-o", help="The register file: FILE.xlsx or FILE.csv."),
    since: SinceOpt = None, until: UntilOpt = None, issuer: IssuerOpt = None, as_of: AsOfOpt = None,
    done: DoneOpt = None,
) -> None:
    """A Decree 30 register (Phụ lục IV), one row per document, in register order."""
    from congvan.pipeline.exports import registers
    from congvan.pipeline.exports.source import one_per_document

    if kind not in registers.KINDS:
        _fail(f"unknown register {kind!r}: use {', '.join(registers.KINDS)}")
    if output.suffix.lower() not in (".xlsx", ".csv"):
        _fail("a register is written to -o FILE.xlsx or -o FILE.csv")
    sel = _selection(since, until, issuer, as_of=as_of, done=done)
    letters, notes = one_per_document(_letters(_source(source, db), sel))
    _warn(notes)
    span = " – ".join(x for x in (since or "", until or "") if x)
    reg = registers.build_register(kind, letters, done=sel.done, as_of=sel.as_of,
                                   subtitle=", ".join(x for x in (issuer or "", span) if x))
    _warn(list(reg.skipped))
    try:
        if output.suffix.lower() == ".csv":
            _emit(registers.to_csv(reg), output)
        else:
            registers.write_xlsx(reg, output)
    except OSError as exc:
        _fail(f"{output}: {exc.strerror or exc}")
    typer.echo(f"{reg.title}: {len(reg.rows)} rows -> {output}", err=True)


@export_app.command("edxml")
def export_edxml(
    source: SourceArg = None, db: DbOpt = None,
    output: Path = typer.Option(..., "--output", "-o", help="Folder to write one edXML envelope per letter into."),
    since: SinceOpt = None, until: UntilOpt = None, issuer: IssuerOpt = None,
    organ_ids: Optional[Path] = typer.Option(None, "--organ-ids", help="edXML OrganId per organ name: JSON object or two-column CSV."),
) -> None:
    """One edXML envelope (QCVN 102:2016) per letter."""
    from congvan.pipeline.exports import edxml

    ids = {}
    if organ_ids is not None:
        _readable(organ_ids, "--organ-ids")
        try:
            ids = edxml.load_organ_ids(organ_ids)
        except (OSError, ValueError) as exc:
            _fail(str(exc))
    letters = _letters(_source(source, db), _selection(since, until, issuer))
    skipped: list[str] = []
    try:
        written = edxml.write_all(letters, output, ids, skipped)
    except OSError as exc:
        _fail(f"{output}: {exc.strerror or exc}")
    _warn(skipped)
    typer.echo(f"edXML: {len(written)} envelopes -> {output}", err=True)


@export_app.command("handling-report")
def export_handling_report(
    source: SourceArg = None, db: DbOpt = None,
    output: Path = typer.Option(..., "--output", "-o", help="Báo cáo tình hình giải quyết: FILE.xlsx or FILE.html."),
    since: SinceOpt = None, until: UntilOpt = None, issuer: IssuerOpt = None, unit: UnitOpt = None,
    as_of: AsOfOpt = None, done: DoneOpt = None,
) -> None:
    """Báo cáo tình hình giải quyết: per unit, tasks due, done, overdue and open as of a day."""
    from congvan.pipeline.exports import handling_report as hr

    if output.suffix.lower() not in (".xlsx", ".html", ".htm"):
        _fail("the handling report is written to -o FILE.xlsx or -o FILE.html")
    sel = _selection(since, until, issuer, unit, as_of=as_of, done=done)
    items, _, warnings = sel.items(_letters(_source(source, db)))
    _warn(warnings)
    rep = hr.build_report(items, sel.as_of, sel.done)
    try:
        hr.write(rep, output)
    except OSError as exc:
        _fail(f"{output}: {exc.strerror or exc}")
    typer.echo(f"handling report: {len(rep.rows)} units, {rep.totals['overdue']} overdue -> {output}", err=True)


TASK_FORMATS = {
    "taskwarrior": "Action items for `task import` (declare the UDAs: `congvan export taskwarrior --rc`).",
    "jira": "Action items as Jira CSV (a Task per letter, then Sub-tasks), with the importer configuration beside -o.",
    "gitlab": "Action items as GitLab's issue CSV import.",
    "todoist": "Action items as Todoist CSV, split into files of at most 20 sections and 300 tasks.",
    "ical": "Action items as iCalendar: a VTODO per task and an all-day VEVENT on each due day.",
    "csv": "Action items as CSV (UTF-8 with a BOM), one row per task.",
    "jsonl": "Action items as JSON Lines (`congvan schema --tasks`).",
}


def _write_tasks(fmt: str, source: Optional[Path], db: Optional[Path], output: Optional[Path], sel) -> None:  # noqa: ANN001
    import datetime as dt

    from congvan.pipeline.exports import gitlab, ical, jira, tasks, taskwarrior, todoist

    items, letters, warnings = sel.items(_letters(_source(source, db)))
    _warn(warnings)
    skipped: list[str] = []
    if fmt == "taskwarrior":
        data = taskwarrior.to_taskwarrior(items, letters, sel.as_of, skipped).encode("utf-8")
    elif fmt == "jira":
        data = jira.to_jira(items, letters, skipped)
    elif fmt == "gitlab":
        data = gitlab.to_gitlab(items, letters, skipped)
    elif fmt == "ical":
        data = ical.to_ical(items, letters, stamp=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
                            skipped=skipped)
    elif fmt == "csv":
        data = tasks.to_csv(items, skipped)
    elif fmt == "jsonl":
        data = tasks.to_jsonl(items).encode("utf-8")
    else:
        parts = todoist.to_todoist(items, letters, skipped)
        _warn(skipped)
        if len(parts) > 1 and output is None:
            _fail(f"Todoist takes at most {todoist.MAX_SECTIONS} sections and {todoist.MAX_TASKS} tasks per project: "
                  f"these {len(items)} tasks need {len(parts)} files: give -o FILE.csv (or narrow with "
                  "--since/--unit/--open-only)")
        if output is None:
            _emit(parts[0], None)
            return
        paths = [output] if len(parts) == 1 else \
            [output.with_name(f"{output.stem}-{i:02d}{output.suffix or '.csv'}") for i in range(1, len(parts) + 1)]
        for path, part in zip(paths, parts):
            _emit(part, path)
        typer.echo(f"todoist: {len(items)} tasks in {len(parts)} file(s), one project each: "
                   + ", ".join(str(p) for p in paths), err=True)
        return
    _warn(skipped)
    _emit(data, output)
    if output is not None:
        typer.echo(f"{fmt}: {len(items) - len(skipped)} tasks -> {output}", err=True)
    if fmt == "jira" and output is not None:
        cfg = output.with_suffix(".jira-config.json")
        _emit((json.dumps(jira.jira_config(), ensure_ascii=False, indent=1) + "\n").encode("utf-8"), cfg)
        typer.echo(f"Jira importer configuration (date format {jira.JIRA_DATE_FORMAT}) -> {cfg}", err=True)


def _task_command(fmt: str, help_text: str) -> None:
    def command(
        source: SourceArg = None, db: DbOpt = None,
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
        since: SinceOpt = None, until: UntilOpt = None, issuer: IssuerOpt = None, unit: UnitOpt = None,
        open_only: OpenOpt = False, as_of: AsOfOpt = None, done: DoneOpt = None,
        rc: bool = typer.Option(False, "--rc", hidden=fmt != "taskwarrior",
                                help="Print the taskrc lines that declare congvan's UDAs, and exit."),
    ) -> None:
        if rc:
            from congvan.pipeline.exports.taskwarrior import taskwarrior_rc

            typer.echo(taskwarrior_rc(), nl=False)
            return
        _write_tasks(fmt, source, db, output, _selection(since, until, issuer, unit, open_only, as_of, done))

    command.__doc__ = help_text
    command.__name__ = f"export_{fmt}"
    export_app.command(fmt)(command)


for _fmt, _help in TASK_FORMATS.items():
    _task_command(_fmt, _help)


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

    from congvan.pipeline.graph import find_nodes

    if fmt not in ("table", "graphml", "gexf", "json"):
        _fail(f"unknown format {fmt!r}: use table, graphml, gexf or json")
    if descendants and ancestors:
        _fail("choose one of --descendants and --ancestors")
    g = _graph(db)
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
    clean: nx.DiGraph[str] = nx.DiGraph()
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
    """Action items: who must do what, by when, per unit (the files: `congvan export csv|jsonl|ical ...`)."""
    from congvan.pipeline.exports import ical
    from congvan.pipeline.exports.source import Selection
    from congvan.pipeline.exports.tasks import to_csv, to_jsonl, to_table

    fmt = fmt.lower()
    if fmt not in ("table", "jsonl", "csv", "ics"):
        _fail(f"unknown format {fmt!r}: use table, jsonl, csv or ics")
    if not target.exists():
        _fail(f"{target}: no such file or folder")
    items, letters, warnings = Selection(unit=unit).items(_letters(target))
    _warn(warnings)
    if fmt == "table":
        data: bytes = (to_table(items, letters) + "\n").encode("utf-8")
    elif fmt == "jsonl":
        data = to_jsonl(items).encode("utf-8")
    elif fmt == "csv":
        data = to_csv(items)
    else:
        data = ical.to_ical(items, letters, events=False)
    _emit(data, output)


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


def _graph(db: Path):  # noqa: ANN202 - networkx.DiGraph
    """The store's citation graph, or one line saying what is wrong with the store."""
    from congvan.pipeline import store
    from congvan.pipeline.graph import load_graph

    try:
        return load_graph(db)
    except Exception as exc:  # noqa: BLE001 - the edge: a clear message, not a traceback
        message = store.explain(exc, db)
        if message is None:
            raise
        _fail(message)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("congvan: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
