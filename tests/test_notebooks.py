"""The analyst notebooks (notebooks/0N_*.ipynb) run top to bottom on the samples, and at scale.

Flow: this test stands at the end of the pipeline: each notebook drives the
public API (ingest -> store -> graph -> tasks -> exports, and one letter
parsed), executed headless with papermill in a kernel of this interpreter.
A notebook fails the test when a cell raises, when it draws no PNG, or when
the files it promises (the interactive graph, tasks.csv, tasks.ics, the
highlighted letter) are missing or do not hold what the store holds.

Corpus: the letters directly in data/samples (every format: TXT, DOCX, DOC,
RTF, text PDF; the two seeds 000 and 001 that join through Công điện
280/CĐ-TTg) copied to a temp folder. data/samples/generated/ is left out: its
scanned PDFs need OCR (seconds a page) and its other files are the same
letters again, so they would slow the run without exercising anything new.
At scale: a store of 1,000 letters made from real ones (tests/scale_store.py)
and a decree of 1,020 directives; every image must stay within a readable size.
"""
from __future__ import annotations

import base64
import csv
import io
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

papermill = pytest.importorskip("papermill")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SAMPLES = ROOT / "data" / "samples"
SEED_000 = SAMPLES / "000_dd14468687b73df9.txt"
SEED_000_PDF = SAMPLES / "generated" / "000_dd14468687b73df9.pdf"
LETTER_SUFFIXES = {".txt", ".pdf", ".docx", ".doc", ".rtf"}


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory):
    """Jupyter's and IPython's files in temp dirs, and a `python3` kernelspec
    that starts this interpreter (not whatever `python` is on PATH)."""
    base = tmp_path_factory.mktemp("jupyter")
    env = {
        "JUPYTER_RUNTIME_DIR": base / "runtime", "JUPYTER_DATA_DIR": base / "data",
        "JUPYTER_CONFIG_DIR": base / "config", "IPYTHONDIR": base / "ipython", "MPLCONFIGDIR": base / "mpl",
    }
    mp = pytest.MonkeyPatch()
    for key, value in env.items():
        value.mkdir()
        mp.setenv(key, str(value))
    mp.setenv("JUPYTER_PLATFORM_DIRS", "1")
    mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # JUPYTER_PATH comes before the virtualenv's own share/jupyter (whose
    # python3 spec runs plain `python`), so this spec is the one found.
    mp.setenv("JUPYTER_PATH", str(base / "path"))
    spec = base / "path" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (congvan test)", "language": "python",
    }))
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == sys.executable
    yield base
    mp.undo()


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("notebooks")
    corpus = base / "corpus"
    corpus.mkdir()
    for f in sorted(SAMPLES.iterdir()):
        if f.is_file() and f.suffix.lower() in LETTER_SUFFIXES:
            shutil.copy2(f, corpus / f.name)
    return {"base": base, "corpus": corpus, "db": base / "out" / "corpus.duckdb", "out": base / "out"}


def run(name: str, jupyter: Path, work: dict[str, Path], **parameters: object) -> dict:
    """Execute notebooks/<name>.ipynb with papermill into the temp folder; the executed notebook as a dict."""
    out_nb = work["base"] / f"{name}.out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"), str(out_nb), parameters=parameters, kernel_name="python3",
        cwd=str(work["base"]), progress_bar=False, log_output=False, execution_timeout=600,
    )
    nb = json.loads(out_nb.read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    return nb


def outputs(nb: dict) -> list[dict]:
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def pngs(nb: dict) -> list[bytes]:
    """Decoded PNG images the notebook displayed (real ones: PNG magic and some size)."""
    found = []
    for o in outputs(nb):
        data = o.get("data", {}).get("image/png")
        if data:
            raw = base64.b64decode(data if isinstance(data, str) else "".join(data))
            assert raw[:8] == b"\x89PNG\r\n\x1a\n"
            found.append(raw)
    return found


def png_size(raw: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from the PNG header."""
    return int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")


def text_of(nb: dict) -> str:
    parts = []
    for o in outputs(nb):
        if o.get("output_type") == "stream":
            parts.append("".join(o["text"]) if isinstance(o["text"], list) else o["text"])
        for mime in ("text/plain", "text/html"):
            value = o.get("data", {}).get(mime)
            if value:
                parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


def test_notebooks_are_committed_clean_and_parameterised() -> None:
    names = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert names == ["01_corpus_overview", "02_citation_graph", "03_action_items", "04_one_letter"]
    for name in names:
        nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), f"{name} has outputs"
        assert nb["cells"][0]["cell_type"] == "markdown" and "Place in the flow" in "".join(nb["cells"][0]["source"])
        assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in code) == 1, name
        source = "\n".join("".join(c["source"]) for c in code)
        # Only the public API: no reaching into congvan's internals.
        assert "congvan." not in source.replace("congvan.parse(", "").replace("congvan.to_json(", "") \
            .replace("congvan.load_store(", "").replace("congvan.load_graph(", "").replace("congvan.ingest(", "") \
            .replace("congvan.letter_doc(", "").replace("congvan.graph_html(", "").replace("congvan.export_tasks(", "") \
            .replace("congvan.graph_layout(", ""), name
        assert "import duckdb" not in source and "from congvan" not in source, name


@pytest.mark.slow
def test_notebooks_run_on_the_samples(jupyter: Path, work: dict[str, Path]) -> None:
    import congvan

    db, out = str(work["db"]), str(work["out"])

    nb1 = run("01_corpus_overview", jupyter, work, corpus=str(work["corpus"]), db=db)
    assert len(pngs(nb1)) >= 1 and all(len(p) > 5000 for p in pngs(nb1))
    tables = congvan.load_store(db)
    n_letters = len(tables["letters"])
    assert n_letters >= 10 and set(tables["files"]["status"]) <= {"ok", "failed", "skipped"}
    text1 = text_of(nb1)
    assert "Bộ Công Thương" in text1 and "Sở Công Thương" in text1      # issuers of the two seeds
    assert "2536/BCT-VP" in text1                                         # seed 001 among the newest letters

    nb2 = run("02_citation_graph", jupyter, work, db=db, out_dir=out)
    assert len(pngs(nb2)) >= 2                                            # whole graph and the chain
    html = (work["out"] / "citation_graph.html").read_text(encoding="utf-8")
    graph = congvan.load_graph(db)
    data = json.loads(html.split("const data = ", 1)[1].split(", COLORS = ", 1)[0].replace("<\\/", "</"))
    assert len(data["nodes"]) == graph.number_of_nodes() and len(data["edges"]) == graph.number_of_edges()
    assert any(n.get("highlight") and "280/CĐ-TTg" in (n.get("label") or "") for n in data["nodes"])
    text2 = text_of(nb2)
    chain_text = text2.split("Implementation chain (indented", 1)[1]
    # Seed 001 (Bộ Công Thương 2536/BCT-VP) and seed 000 (Sở Công Thương, through 4217/UBND-TH) join through 280/CĐ-TTg.
    assert "2536/BCT-VP" in chain_text and "4217/UBND-TH" in chain_text and "Sở Công Thương" in chain_text

    nb3 = run("03_action_items", jupyter, work, db=db, out_dir=out, as_of="2023-05-01")
    assert len(pngs(nb3)) >= 1
    n_tasks = tables["action_items"]["id"].nunique()
    assert n_tasks > 0
    csv_text = (work["out"] / "tasks.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == n_tasks and {r["id"] for r in rows} == set(tables["action_items"]["id"])
    ics = (work["out"] / "tasks.ics").read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR") and ics.count("BEGIN:VTODO") == n_tasks

    for letter_path, pdf in ((SEED_000, False), (SEED_000_PDF, True)):
        nb4 = run("04_one_letter", jupyter, work, path=str(letter_path), out_dir=out)
        assert len(pngs(nb4)) >= 1                                        # the directive tree
        rendered = "".join(o["data"]["text/html"] if isinstance(o["data"]["text/html"], str) else "".join(o["data"]["text/html"])
                           for o in outputs(nb4) if "text/html" in o.get("data", {}) and "<mark" in str(o["data"]["text/html"]))
        for label in ("NUMBER", "ISSUER", "SUBJECT", "REF", "SIGNER", "DIRECTIVE"):
            assert f">{label}</span>" in rendered, (letter_path.name, label)
        assert "4217/UBND-TH" in rendered
        saved = work["out"] / f"{letter_path.stem}.fields.html"
        assert "<mark" in saved.read_text(encoding="utf-8")
        located = re.search(r"(\d+) values located, (\d+) with a page and bounding box", text_of(nb4))
        assert located and int(located.group(1)) >= 10
        # A PDF's values carry their page and box; a plain text file has spans only.
        assert (int(located.group(2)) > 0) == pdf, letter_path.name


def test_letter_doc_entities_are_the_records_spans() -> None:
    import congvan

    letter = congvan.parse(str(SEED_000))
    doc = congvan.letter_doc(letter)
    assert doc.text == letter.text
    by_label: dict[str, list] = {}
    for ent in doc.ents:
        by_label.setdefault(ent.label_, []).append(ent)
    # Each field's entity covers the record's span (snapped outward to tokens), nothing more than a token around it.
    for field, label in (("number", "NUMBER"), ("issued", "ISSUED"), ("place", "PLACE"), ("subject", "SUBJECT"), ("signer", "SIGNER")):
        source = letter.sources[field]
        (ent,) = by_label[label]
        assert ent.start_char <= source.start + 1 and ent.end_char >= source.end - 1, field
        assert ent.end_char - ent.start_char <= source.end - source.start + 4, field
    assert by_label["NUMBER"][0].text == "Số: /SCT-VP"
    refs = [e.text for e in by_label["REF"]]
    assert sum("4217/UBND-TH" in r for r in refs) == 3               # every mention, not once per reference
    assert any(r.startswith("Công điện của Thủ tướng Chính phủ") for r in refs)
    assert len(by_label["RECIPIENT"]) == len(letter.recipients) == 2
    assert all(r.name in e.text for r, e in zip(letter.recipients, by_label["RECIPIENT"]))
    assert len(by_label["DIRECTIVE"]) == len(letter.directives)
    assert all(len(e.text) <= 4 for e in by_label["DIRECTIVE"])       # the marker only, not the item's text


def test_graph_html_holds_the_graph_and_escapes_labels(tmp_path: Path) -> None:
    import networkx as nx

    import congvan

    g = nx.DiGraph()
    g.add_node("a", label="Công văn 2536/BCT-VP", in_corpus=True, date="2023-04-27")
    g.add_node("b", label="Công điện 280/CĐ-TTg </script><b>", in_corpus=False, date=None)
    g.add_node("c", label="Công văn không số", in_corpus=True)
    g.add_edge("a", "b", relation="implements", confidence=1.0)
    g.add_edge("c", "b", relation="mentions", confidence=0.95)
    path = congvan.graph_html(g, tmp_path / "sub" / "g.html", title="test <graph>", highlight=["b"])
    page = path.read_text(encoding="utf-8")
    assert page.count("</script>") == 1 and "test &lt;graph&gt;" in page
    data = json.loads(page.split("const data = ", 1)[1].split(", COLORS = ", 1)[0].replace("<\\/", "</"))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == {"a", "b", "c"} and nodes["b"]["highlight"] and not nodes["a"]["highlight"]
    assert nodes["b"]["in_degree"] == 2 and nodes["b"]["label"].endswith("</script><b>")
    assert {(e["source"], e["target"], e["relation"]) for e in data["edges"]} == {("a", "b", "implements"), ("c", "b", "mentions")}
    assert all(40 <= n["x"] <= 960 and 40 <= n["y"] <= 960 for n in nodes.values())


# Big enough to read on a screen, small enough to read at all: 1290 x 5440 is a scroll, not a chart.
MAX_WIDTH, MAX_HEIGHT = 1800, 1400


@pytest.mark.slow
def test_notebooks_stay_readable_at_a_thousand_letters(jupyter: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    from scale_store import build_store, long_decree

    import congvan

    base = tmp_path_factory.mktemp("scale_notebooks")
    db, out = base / "scale.duckdb", base / "out"
    letters = build_store(db, 1000)
    decree = base / "long_decree.txt"
    decree.write_text(long_decree(), encoding="utf-8")
    work = {"base": base}
    size_before = db.stat().st_size

    nb1 = run("01_corpus_overview", jupyter, work, corpus=None, db=str(db))
    assert db.stat().st_size == size_before                # read, not deleted nor rebuilt
    text1 = text_of(nb1)
    assert "1000 letter files from 160 issuers" in text1 and "<th>other</th>" in text1   # top issuers, the rest one row
    import networkx as nx

    graph = congvan.load_graph(str(db))
    # The oldest letter with the longest chain of letters implementing it, transitively.
    root = max((l for l in letters[:50]), key=lambda l: len(nx.ancestors(graph, l.id)))
    assert len(nx.ancestors(graph, root.id)) > 200
    nb2 = run("02_citation_graph", jupyter, work, db=str(db), out_dir=str(out),
              chain_from=f"{root.number.number}/{root.number.symbol}")
    assert "more lines (the table above lists the whole chain)" in text_of(nb2)
    nb3 = run("03_action_items", jupyter, work, db=str(db), out_dir=str(out), as_of="2026-01-15")
    assert "are not drawn" in text_of(nb3)
    nb4 = run("04_one_letter", jupyter, work, path=str(decree), out_dir=str(out))
    assert "1020 directives in all" in text_of(nb4)
    for name, nb in (("01", nb1), ("02", nb2), ("03", nb3), ("04", nb4)):
        images = pngs(nb)
        assert images, name
        for raw in images:
            w, h = png_size(raw)
            assert 300 <= w <= MAX_WIDTH and 200 <= h <= MAX_HEIGHT, (name, w, h)
    assert congvan.load_graph(str(db)).number_of_nodes() >= 1000
