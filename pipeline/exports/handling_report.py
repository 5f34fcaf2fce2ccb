"""Báo cáo tình hình giải quyết văn bản: per unit, the tasks due, done, overdue and open.

Flow: source (Letters -> action items, filtered) -> **handling report**.
Input is the action items and, optionally, which tasks are done: congvan
cannot see work being finished, so completion comes back from the tracker
the tasks were sent to (a Taskwarrior `task export`, see
`source.load_done`) or from a plain list of task ids. Output is an XLSX workbook and
one self-contained HTML page with a matplotlib chart embedded as SVG.

Counting, as of a date D, per lead/support unit:
- `tasks`: every task of the unit;
- `due`: tasks whose deadline (the last day a partial deadline allows) is on or before D;
- `done`: tasks reported done (on or before D when the tracker gave a date);
- `overdue`: due and not done;
- `open`: not done (due or not);
- `no_deadline`: tasks with no dated deadline (recurring ones included: a
  cycle's report is not tracked here).

Unit names are written through `cells` (as text in the XLSX, literally in the
chart: a `$` would start matplotlib's mathtext); a chart that still cannot be
drawn leaves a note in its place and the report is written all the same.
"""
from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from congvan.models.nd30 import deadline_day
from congvan.models.records import ActionItem
from congvan.pipeline.exports.cells import append_xlsx_row, plot_text
from congvan.pipeline.exports.source import load_done  # noqa: F401 - the report's input, named here too

COLUMNS = ("unit", "tasks", "due", "done", "overdue", "open", "no_deadline")
HEADERS_VI = ("Đơn vị", "Tổng số nhiệm vụ", "Đến hạn", "Đã hoàn thành", "Quá hạn", "Đang thực hiện", "Không có hạn")


@dataclass(frozen=True)
class UnitRow:
    unit: str
    unit_key: str
    tasks: int
    due: int
    done: int
    overdue: int
    open: int
    no_deadline: int


@dataclass(frozen=True)
class HandlingReport:
    as_of: dt.date
    rows: tuple[UnitRow, ...]
    overdue_items: tuple[ActionItem, ...] = field(default=())

    @property
    def totals(self) -> dict[str, int]:
        return {c: sum(getattr(r, c) for r in self.rows) for c in COLUMNS[1:]}


def build_report(items: Iterable[ActionItem], as_of: dt.date,
                 done: dict[str, dt.date | None] | None = None) -> HandlingReport:
    """Per-unit counts as of `as_of`; units ordered by overdue, then open, then name."""
    done = done or {}
    groups: dict[str, list[ActionItem]] = {}
    names: dict[str, str] = {}
    for item in items:
        groups.setdefault(item.unit_key, []).append(item)
        names.setdefault(item.unit_key, item.unit)
    rows: list[UnitRow] = []
    overdue_items: list[ActionItem] = []
    for key, group in groups.items():
        c = dict.fromkeys(COLUMNS[1:], 0)
        for item in group:
            c["tasks"] += 1
            end = done.get(item.id, dt.date.max)
            finished = item.id in done and (end is None or end <= as_of)
            last = deadline_day(item.deadline.date) if item.deadline and item.deadline.date else None
            if last is None:
                c["no_deadline"] += 1
            elif last <= as_of:
                c["due"] += 1
                if not finished:
                    c["overdue"] += 1
                    overdue_items.append(item)
            if finished:
                c["done"] += 1
            else:
                c["open"] += 1
        rows.append(UnitRow(unit=names[key], unit_key=key, **c))
    rows.sort(key=lambda r: (-r.overdue, -r.open, r.unit))
    return HandlingReport(as_of, tuple(rows), tuple(overdue_items))


_CACHE: Any = None


def _private_matplotlib_cache() -> None:
    """Matplotlib writes its font cache under HOME on first use: a report must write
    nothing but the file asked for, so, unless the user chose a place (MPLCONFIGDIR),
    the cache lives in a folder removed when the process ends."""
    global _CACHE
    import os
    import tempfile

    if "MPLCONFIGDIR" not in os.environ and _CACHE is None:
        _CACHE = tempfile.TemporaryDirectory(prefix="congvan-mpl-")
        os.environ["MPLCONFIGDIR"] = _CACHE.name


def chart_svg(report: HandlingReport) -> str:
    """A horizontal stacked bar per unit (done, open not yet due, overdue) as inline SVG."""
    _private_matplotlib_cache()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(report.rows)[:30]
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(len(rows), 2) + 1.2))
    labels = [plot_text(r.unit if len(r.unit) <= 45 else r.unit[:44] + "…") for r in rows][::-1]
    # Two units whose names cut alike would share a bar: keep them apart.
    labels = [lab + (f" ({labels[:i].count(lab) + 1})" if lab in labels[:i] else "") for i, lab in enumerate(labels)]
    done = [r.done for r in rows][::-1]
    overdue = [r.overdue for r in rows][::-1]
    pending = [r.open - r.overdue for r in rows][::-1]
    ax.barh(labels, done, color="#4c9a6a", label="Đã hoàn thành")
    ax.barh(labels, pending, left=done, color="#8fb3d9", label="Đang thực hiện (chưa đến hạn / không có hạn)")
    ax.barh(labels, overdue, left=[a + b for a, b in zip(done, pending)], color="#d9534f", label="Quá hạn")
    ax.set_xlabel("Số nhiệm vụ")
    ax.set_title(f"Tình hình giải quyết đến ngày {report.as_of:%d/%m/%Y}")
    ax.legend(loc="lower right", fontsize=8)
    buf = io.StringIO()
    try:
        fig.tight_layout()
        # Fixed metadata so the same report gives the same bytes.
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "congvan"})
    except (ValueError, RuntimeError) as exc:
        return f"<p>(the chart could not be drawn: {html.escape(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)})</p>"
    finally:
        plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def to_html(report: HandlingReport) -> str:
    """One self-contained page: title, the chart (inline SVG), the per-unit table,
    the overdue tasks. Nothing is fetched from the network."""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in HEADERS_VI)
    body = "".join(
        "<tr>" + f"<td>{e(r.unit)}</td>" + "".join(f"<td class=n>{getattr(r, c)}</td>" for c in COLUMNS[1:]) + "</tr>"
        for r in report.rows)
    tot = report.totals
    foot = "<tr><th>Tổng cộng</th>" + "".join(f"<th class=n>{tot[c]}</th>" for c in COLUMNS[1:]) + "</tr>"
    late = "".join(
        f"<tr><td>{e(i.unit)}</td><td>{e(i.path or '')}</td>"
        f"<td>{e(i.deadline.date.iso if i.deadline and i.deadline.date else '')}</td>"
        f"<td>{e(i.text[:200])}</td><td><code>{e(i.id)}</code></td></tr>"
        for i in report.overdue_items)
    return (
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
        f"<title>Báo cáo tình hình giải quyết văn bản {report.as_of:%d/%m/%Y}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:3px 6px;vertical-align:top}.n{text-align:right}</style></head><body>"
        f"<h1>Báo cáo tình hình giải quyết văn bản</h1><p>Tính đến ngày {report.as_of:%d/%m/%Y}.</p>"
        f"<figure>{chart_svg(report)}</figure>"
        f"<table id=\"units\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody><tfoot>{foot}</tfoot></table>"
        "<h2>Nhiệm vụ quá hạn</h2>"
        + (f"<table id=\"overdue\"><thead><tr><th>Đơn vị</th><th>Mục</th><th>Hạn</th><th>Nội dung</th><th>Mã</th></tr></thead>"
           f"<tbody>{late}</tbody></table>" if late else "<p>Không có.</p>")
        + "</body></html>\n"
    )


def write_xlsx(report: HandlingReport, path: str | Path) -> Path:
    """Sheet `Báo cáo`: one row per unit with Vietnamese headers and a total row;
    sheet `Quá hạn`: the overdue tasks with their ids."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on its one worksheet
    ws.title = "Báo cáo"
    append_xlsx_row(ws, list(HEADERS_VI))
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in report.rows:
        append_xlsx_row(ws, [r.unit, *(getattr(r, c) for c in COLUMNS[1:])])
    tot = report.totals
    append_xlsx_row(ws, ["Tổng cộng", *(tot[c] for c in COLUMNS[1:])])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    ws.column_dimensions["A"].width = 50
    ws.freeze_panes = "B2"
    late = wb.create_sheet("Quá hạn")
    append_xlsx_row(late, ["Mã nhiệm vụ", "Đơn vị", "Mục", "Hạn", "Nội dung"])
    for i in report.overdue_items:
        append_xlsx_row(late, [i.id, i.unit, i.path, i.deadline.date.iso if i.deadline and i.deadline.date else None,
                               i.text])
    info = wb.create_sheet("Thông tin")
    append_xlsx_row(info, ["Tính đến ngày", report.as_of])
    info["B1"].number_format = "DD/MM/YYYY"
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def write(report: HandlingReport, path: str | Path) -> Path:
    """By suffix: .xlsx or .html/.htm."""
    out = Path(path)
    if out.suffix.lower() == ".xlsx":
        return write_xlsx(report, out)
    if out.suffix.lower() in (".html", ".htm"):
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(to_html(report), encoding="utf-8")
        return out
    raise ValueError(f"{out}: the handling report is written as .xlsx or .html")


def as_dict(report: HandlingReport) -> dict[str, Any]:
    return {"as_of": report.as_of.isoformat(), "units": [r.__dict__ for r in report.rows], "totals": report.totals}
