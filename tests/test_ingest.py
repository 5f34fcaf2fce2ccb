"""Bulk ingestion into the DuckDB store: resumable after SIGKILL, bad files as rows, skips, duplicates."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import regex
from conftest import SAMPLES, SEEDS, TEST_DATA
from hostile import broken_store

import congvan
from congvan.pipeline.ingest import ingest, summary_lines

# Small real TXT letters (tax, customs and labour letters): cheap to parse.
REAL_TXT = [TEST_DATA / "corpus" / n for n in ("239_cv-963-tct-cntt-tong-cuc-thue.txt", "202_cv-5482-tchq-tong-cuc-hai-quan.txt",
                                               "206_cv-4632-ldtbxh-bo-lao-dong-thuong-binh-va-xa-hoi.txt")]
CONGVAN = Path(sys.executable).with_name("congvan")


def varied_corpus(dst: Path, n: int) -> list[Path]:
    """n letters copied from the seeds and small real letters, each with its own number and day."""
    dst.mkdir(parents=True, exist_ok=True)
    sources = [p.read_text(encoding="utf-8") for p in [*SEEDS, *REAL_TXT]]
    out = []
    for i in range(n):
        text = sources[i % len(sources)]
        text = regex.sub(r"(Số\s*:?\s*)[\d ]*(/)", lambda m, i=i: f"{m.group(1)}{7000 + i}{m.group(2)}", text, count=1)
        text = regex.sub(r"ngày\s+\d{0,2}\s*tháng", f"ngày {1 + i % 28} tháng", text, count=1)
        p = dst / f"{i // 50:02d}" / f"letter_{i:05d}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def comparable(db: Path) -> dict[str, pd.DataFrame]:
    """Every table in a canonical row order, without timings (which differ run to run)."""
    out = {}
    for name, df in congvan.load_store(str(db)).items():
        df = df.drop(columns=[c for c in ("parse_seconds",) if c in df.columns])
        df = df.map(lambda v: tuple(v) if hasattr(v, "__len__") and not isinstance(v, str) else v)
        out[name] = df.sort_values(list(df.columns), key=lambda s: s.astype(str)).reset_index(drop=True)
    return out


def assert_same_store(a: Path, b: Path) -> None:
    ta, tb = comparable(a), comparable(b)
    assert ta.keys() == tb.keys()
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_dtype=False, obj=name)


def test_sigkill_mid_run_then_resume_gives_the_clean_store(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    # Enough letters that the run outlasts the poll below on a fast machine.
    files = varied_corpus(corpus, 480)
    clean = tmp_path / "clean.duckdb"
    ingest([corpus], clean, workers=2, log=lambda s: None)

    killed = tmp_path / "killed.duckdb"
    proc = subprocess.Popen([str(CONGVAN), "ingest", str(corpus), "--db", str(killed), "-j", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    # Kill once the ingest says a batch of letters is committed, long before the end.
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        line = proc.stderr.readline().decode("utf-8", "replace")
        if " files committed" in line:
            break
    assert proc.poll() is None, "ingest ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    partial = congvan.load_store(str(killed))["files"]
    assert 0 < len(partial) < len(files), f"kill was not mid-run: {len(partial)} of {len(files)} files stored"
    assert len(congvan.load_store(str(killed))["letters"]) == partial["letter_id"].nunique()

    done = subprocess.run([str(CONGVAN), "ingest", str(corpus), "--db", str(killed), "-j", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"files {len(files)} parsed {len(files)} failed 0 skipped 0"
    assert_same_store(clean, killed)
    # Nothing twice: one files row per path, one letter per distinct content.
    tables = congvan.load_store(str(killed))
    assert tables["files"]["path"].is_unique and len(tables["files"]) == len(files)
    assert len(tables["letters"]) == len({hashlib.sha256(p.read_bytes()).hexdigest() for p in files})


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes = b"secret") -> bytes:
    """A one-page PDF under the standard security handler (RC4 40-bit, R2), as PDF 1.7 §7.6.3 builds it."""
    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    padded = (user_password + pad)[:32]
    owner = _rc4(hashlib.md5(padded).digest()[:5], padded)
    perms = (-4).to_bytes(4, "little", signed=True)
    doc_id = hashlib.md5(b"congvan-test").digest()
    key = hashlib.md5(padded + owner + perms + doc_id).digest()[:5]
    user = _rc4(key, pad)

    def enc(num: int, data: bytes) -> bytes:
        return _rc4(hashlib.md5(key + num.to_bytes(3, "little") + b"\0\0").digest()[:10], data)

    content = enc(4, b"BT /F1 12 Tf 72 720 Td (Cong van so 12/UBND-VP) Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + owner.hex().encode() + b"> /U <" + user.hex().encode()
        + b"> /P -4 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for num, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<" % (len(objects) + 1)
            + doc_id.hex().encode() + b"> <" + doc_id.hex().encode() + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)


def test_bad_files_are_rows_and_the_rest_ingests(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    pdf = SAMPLES / "050_cv-193-ubnd-kt-lao-cai-2026.pdf"
    (folder / "truncated.pdf").write_bytes(pdf.read_bytes()[: pdf.stat().st_size // 3])
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.docx").write_bytes(os.urandom(4096))
    (folder / "locked.pdf").write_bytes(encrypted_pdf())
    (folder / "README.md").write_text("# Công văn đến\nThư mục lưu công văn đến năm 2023.\n", encoding="utf-8")
    (folder / "index.tsv").write_text("file\tsố\n000.txt\t/SCT-VP\n", encoding="utf-8")
    (folder / "notes.txt").write_text("Danh sách việc cần làm tuần sau: họp, đi công tác.\n", encoding="utf-8")
    (folder / "copy-of-001.txt").write_bytes(SEEDS[1].read_bytes())

    db = tmp_path / "store.duckdb"
    report = ingest([folder], db, workers=2, log=lambda s: None)
    files = congvan.load_store(str(db))["files"].set_index("path")
    row = {Path(p).name: r for p, r in files.iterrows()}
    assert len(row) == len(report.files) == 10
    for seed in SEEDS:
        assert row[seed.name]["status"] == "ok"
    assert row["copy-of-001.txt"]["status"] == "ok"
    assert row["copy-of-001.txt"]["letter_id"] == row[SEEDS[1].name]["letter_id"]
    assert row["empty.txt"]["status"] == "failed" and row["empty.txt"]["kind"] == "empty"
    assert row["truncated.pdf"]["status"] == "failed" and row["truncated.pdf"]["reason"]
    assert row["random.docx"]["status"] == "failed" and row["random.docx"]["reason"]
    assert row["locked.pdf"]["status"] == "failed" and row["locked.pdf"]["kind"] == "encrypted"
    for name in ("README.md", "index.tsv", "notes.txt"):
        assert row[name]["status"] == "skipped" and row[name]["reason"], name
    assert "README" in row["README.md"]["reason"] and ".tsv" in row["index.tsv"]["reason"]

    lines = summary_lines(db, report.files)
    assert lines[0] == "files 10 parsed 3 failed 4 skipped 3"
    failed_lines = [line for line in lines if line.startswith("failed ")]
    assert len(failed_lines) == 4 and all("locked.pdf" not in line or "encrypted" in line for line in failed_lines)

    # The same bytes under two paths: one letter, flagged as the same file, not a conflict.
    dup = congvan.load_store(str(db))["duplicates"]
    assert set(dup["path"].map(lambda p: Path(p).name)) == {SEEDS[1].name, "copy-of-001.txt"}
    assert set(dup["kind"]) == {"same_file"}


def test_report_names_the_first_skipped_files_and_counts_the_rest(tmp_path: Path) -> None:
    from congvan.pipeline.ingest import LISTED

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(LISTED + 5):
        (folder / f"data_{i:03d}.json").write_text("{}", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    report = ingest([folder], db, workers=1, log=lambda s: None)
    lines = summary_lines(db, report.files)
    assert lines[0] == f"files {LISTED + 5} parsed 0 failed 0 skipped {LISTED + 5}"
    assert sum(line.startswith("skipped ") for line in lines) == LISTED
    assert lines[-1].startswith("... and 5 more skipped files")


def test_same_identity_different_content_is_a_conflict(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = SEEDS[1].read_text(encoding="utf-8")
    subject = congvan.parse(str(SEEDS[1])).subject
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(text + "\nBản sao lưu tại Văn phòng Bộ.\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    tables = congvan.load_store(str(db))
    assert len(tables["letters"]) == 2, "two different files are never merged"
    dup = tables["duplicates"]
    assert sorted(dup["path"].map(lambda p: Path(p).name)) == ["a.txt", "b.txt"]
    assert set(dup["kind"]) == {"same_document"}        # other bytes, the same subject: one document
    # The same number, issuer and year on a letter about something else: a conflict to review.
    first_words = subject.split()[0]
    (folder / "c.txt").write_text(text.replace(first_words, "Thanh tra", 1), encoding="utf-8")
    ingest([folder], db, workers=1, log=lambda s: None)
    dup = congvan.load_store(str(db))["duplicates"]
    assert len(dup) == 3 and set(dup["kind"]) == {"conflict"}
    assert set(dup["number"]) == {"2536"}


def test_rerun_skips_done_files_and_picks_up_changed_ones(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    files = varied_corpus(folder, 6)
    db = tmp_path / "s.duckdb"
    first = ingest([folder], db, workers=1, log=lambda s: None)
    assert first.parsed_now == 6
    again = ingest([folder], db, workers=1, log=lambda s: None)
    assert again.parsed_now == 0
    old_ids = set(congvan.load_store(str(db))["letters"]["letter_id"])
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\nPhụ lục kèm theo.\n", encoding="utf-8")
    third = ingest([folder], db, workers=1, log=lambda s: None)
    assert third.parsed_now == 1
    tables = congvan.load_store(str(db))
    assert len(tables["letters"]) == 6 and len(tables["files"]) == 6
    assert len(set(tables["letters"]["letter_id"]) - old_ids) == 1   # the edited file's old letter is gone


def test_worker_time_limit_fails_the_file_not_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    varied_corpus(folder, 3)
    db = tmp_path / "s.duckdb"
    # A limit no parse can meet: every file must come back as a timeout row, none lost.
    report = ingest([folder], db, workers=2, timeout=0.001, log=lambda s: None)
    files = congvan.load_store(str(db))["files"]
    assert len(files) == len(report.files) == 3
    assert set(files["status"]) == {"failed"} and set(files["kind"]) == {"timeout"}
    # A later run with a sane limit retries only when asked.
    assert ingest([folder], db, workers=2, log=lambda s: None).parsed_now == 0
    assert ingest([folder], db, workers=2, retry_failed=True, log=lambda s: None).parsed_now == 3
    assert set(congvan.load_store(str(db))["files"]["status"]) == {"ok"}


def test_load_action_items_round_trips(tmp_path: Path) -> None:
    from congvan.pipeline.store import load_action_items

    db = tmp_path / "s.duckdb"
    ingest([SEEDS[0]], db, workers=1, log=lambda s: None)
    items = load_action_items(db)
    letter = congvan.parse(str(SEEDS[0]))
    assert letter.action_items
    assert [i.id for i in items] == sorted(i.id for i in letter.action_items)
    assert sorted(items, key=lambda i: i.id) == sorted(letter.action_items, key=lambda i: i.id)


def test_cli_export_writes_parquet(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    run = subprocess.run([str(CONGVAN), "ingest", *map(str, SEEDS), "--db", str(db)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "files 2 parsed 2 failed 0 skipped 0"
    out = tmp_path / "pq"
    exp = subprocess.run([str(CONGVAN), "export", "parquet", "--db", str(db), "-o", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert exp.returncode == 0, exp.stderr
    letters = pd.read_parquet(out / "letters.parquet")
    assert sorted(letters["number"].dropna()) == ["2536"]
    assert {"files", "citations", "directives", "recipients", "distribution", "nodes", "edges"} <= {
        p.stem for p in out.glob("*.parquet")}
    missing = subprocess.run([str(CONGVAN), "export", "parquet", "--db", str(tmp_path / "nope.duckdb"), "-o", str(out)],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "no such store" in missing.stderr


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_row_building_error_fails_the_file_not_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        engine: str) -> None:
    import ingest_faults

    from congvan.pipeline import engines, sandbox

    if engine == "dask":
        pytest.importorskip("dask.distributed")
        monkeypatch.setattr(engines, "dask_task", ingest_faults.dask_task)
    else:
        monkeypatch.setattr(sandbox, "parse_task", ingest_faults.parse_task)
    folder = tmp_path / "in"
    varied_corpus(folder, 4)
    (folder / "bad-rows.txt").write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "raises.txt").write_text(SEEDS[1].read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    report = ingest([folder], db, workers=2, engine=engine, log=lambda s: None)
    files = congvan.load_store(str(db))["files"]
    row = {Path(p).name: r for p, r in files.set_index("path").iterrows()}
    assert len(row) == len(report.files) == 6
    for name, error in (("bad-rows.txt", f"ValueError: {ingest_faults.ROW_ERROR}"),
                        ("raises.txt", f"RuntimeError: {ingest_faults.TASK_ERROR}")):
        assert row[name]["status"] == "failed" and row[name]["kind"] == "bug", name
        assert row[name]["reason"] == error
        assert row[name]["content_hash"] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    ok = [name for name, r in row.items() if r["status"] == "ok"]
    assert sorted(ok) == [f"letter_{i:05d}.txt" for i in range(4)]
    assert len(congvan.load_store(str(db))["letters"]) == 4


def test_store_and_data_files_are_never_hashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from congvan.pipeline import ingest as ingest_module

    folder = tmp_path / "in"
    varied_corpus(folder, 2)
    (folder / "old.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    hashed: list[str] = []
    real_hash = ingest_module.file_hash
    monkeypatch.setattr(ingest_module, "file_hash", lambda p: hashed.append(Path(p).name) or real_hash(p))
    db = folder / "store.duckdb"   # the store inside the folder it ingests
    ingest([folder], db, workers=1, log=lambda s: None)
    assert sorted(hashed) == ["letter_00000.txt", "letter_00001.txt"]
    files = congvan.load_store(str(db))["files"]
    skipped = files[files["status"] == "skipped"]
    assert {"old.zip", "store.duckdb"} <= set(skipped["path"].map(lambda p: Path(p).name))
    assert skipped["content_hash"].isna().all()
    # A second run sees the store file itself now, and still never reads it.
    hashed.clear()
    again = ingest([folder], db, workers=1, log=lambda s: None)
    assert again.parsed_now == 0 and sorted(hashed) == ["letter_00000.txt", "letter_00001.txt"]


def test_file_over_the_size_limit_is_a_row_without_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from congvan.pipeline import ingest as ingest_module

    folder = tmp_path / "in"
    varied_corpus(folder, 1)
    big = folder / "huge.pdf"
    with big.open("wb") as fh:   # sparse: 201 MB on paper, nothing on disk
        fh.write(b"%PDF-1.4\n")
        fh.truncate(201 * 1024 * 1024)
    hashed: list[str] = []
    real_hash = ingest_module.file_hash
    monkeypatch.setattr(ingest_module, "file_hash", lambda p: hashed.append(Path(p).name) or real_hash(p))
    db = tmp_path / "s.duckdb"
    report = ingest([folder], db, workers=1, log=lambda s: None)
    assert (report.parsed_now, report.ok, report.failed) == (2, 1, 1) and hashed == ["letter_00000.txt"]
    files = congvan.load_store(str(db))["files"].set_index("path")
    row = files.loc[str(big)]
    assert (row["status"], row["kind"], row["format"]) == ("failed", "too_large", "pdf")
    assert "201 MB is over the 200 MB limit" in row["reason"]


# ------------------------------------------------------------ hostile folders and stores


def test_names_that_are_not_utf8_are_stored_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    odd = os.path.join(os.fsencode(folder), b"c\xf4ng-v\xe3n.txt")     # Latin-1 bytes, not UTF-8
    with open(odd, "wb") as fh:
        fh.write(SEEDS[1].read_bytes())
    db = tmp_path / "s.duckdb"
    report = ingest([folder], db, workers=1, log=lambda s: None)
    assert (report.ok, report.failed) == (1, 0)
    (path,) = congvan.load_store(str(db))["files"]["path"]
    assert path.endswith("c\\xf4ng-v\\xe3n.txt")
    (letter,) = congvan.load_letters(str(db))
    assert letter.number.number == "2536" and letter.file == path
    again = ingest([folder], db, workers=1, log=lambda s: None)
    assert (again.unchanged, again.parsed_now) == (1, 0)


def test_a_folder_too_deep_to_open_is_a_row_not_a_gap(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    varied_corpus(folder, 1)
    here = os.getcwd()
    try:
        os.chdir(folder)
        for _ in range(22):      # 22 × 201 characters: past PATH_MAX (4096)
            os.mkdir("d" * 200)
            os.chdir("d" * 200)
        with open("lost.txt", "w", encoding="utf-8") as fh:
            fh.write(SEEDS[1].read_text(encoding="utf-8"))
    finally:
        os.chdir(here)
    db = tmp_path / "s.duckdb"
    report = ingest([folder], db, workers=1, log=lambda s: None)
    assert (report.ok, report.failed) == (1, 1)
    files = congvan.load_store(str(db))["files"]
    bad = files[files["status"] == "failed"].iloc[0]
    assert bad["kind"] == "unreadable" and "too long" in bad["reason"] and len(bad["path"]) > 4096


def test_counts_add_up_and_name_each_file_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    varied_corpus(folder, 3)
    shutil.copy(folder / "00" / "letter_00000.txt", folder / "copy.txt")
    (folder / "notes.txt").write_text("Danh sách việc cần làm: họp, đi công tác.\n", encoding="utf-8")
    (folder / "README.md").write_text("# Thư mục\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    db = tmp_path / "s.duckdb"
    first = ingest([folder], db, workers=2, log=lambda s: None)
    assert (first.ok, first.failed, first.not_letters, first.reused, first.skipped_by_name, first.unchanged) == \
        (3, 1, 1, 1, 1, 0)
    assert first.parsed_now == first.ok + first.failed + first.not_letters
    assert len(first.files) == first.parsed_now + first.reused + first.skipped_by_name + first.unchanged
    second = ingest([folder], db, workers=2, log=lambda s: None)
    assert (second.parsed_now, second.reused, second.unchanged, second.skipped_by_name) == (0, 0, 6, 1)


def test_bytes_rewritten_after_hashing_are_stored_with_their_own_hash(tmp_path: Path, monkeypatch) -> None:
    from congvan.pipeline import ingest as ingest_module

    folder = tmp_path / "in"
    varied_corpus(folder, 1)
    real_hash = ingest_module.file_hash
    # The client hashed the file, then it was rewritten with the same size before the parse.
    monkeypatch.setattr(ingest_module, "file_hash", lambda p: ("0" * 64, real_hash(p)[1]))
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    (row,) = congvan.load_store(str(db))["files"].to_dict("records")
    assert row["content_hash"] == hashlib.sha256(Path(row["path"]).read_bytes()).hexdigest()


def _one_error_line(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 2, (run.returncode, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("congvan: error:") and "Traceback" not in run.stderr, run.stderr
    return lines[0]


@pytest.mark.parametrize(("kind", "words"), [
    ("empty", "not a congvan store"), ("garbage", "not a congvan store"), ("folder", "is a folder"),
    ("sqlite", "SQLite"), ("foreign", "other tables"), ("locked", "in use by another process"),
])
def test_a_store_that_cannot_be_used_is_one_line(tmp_path: Path, kind: str, words: str) -> None:
    import duckdb

    folder = tmp_path / "in"
    varied_corpus(folder, 1)
    db = tmp_path / "store.duckdb"
    holder = None
    if kind != "locked":
        broken_store(db, kind)
    else:
        ingest([folder], db, workers=1, log=lambda s: None)
        holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                                   "print('held', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE)
        assert holder.stdout.readline().strip() == b"held"
    try:
        run = subprocess.run([str(CONGVAN), "ingest", str(folder), "--db", str(db)], capture_output=True, text=True,
                             timeout=120)
    finally:
        if holder is not None:
            holder.kill()
            holder.wait()
    assert words in _one_error_line(run)
    if kind == "foreign":   # nothing was written into someone else's database
        con = duckdb.connect(str(db), read_only=True)
        assert [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()] == ["invoices"]
        con.close()


def test_a_read_only_store_is_one_line(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes through file permissions")
    folder = tmp_path / "in"
    varied_corpus(folder, 1)
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    db.chmod(0o444)
    varied_corpus(tmp_path / "more", 1)
    run = subprocess.run([str(CONGVAN), "ingest", str(tmp_path / "more"), "--db", str(db)], capture_output=True,
                         text=True, timeout=120)
    assert "cannot write" in _one_error_line(run)


def test_unreachable_scheduler_fails_fast_and_leaves_no_store(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    folder = tmp_path / "in"
    varied_corpus(folder, 1)
    db = tmp_path / "s.duckdb"
    t0 = time.monotonic()
    run = subprocess.run([str(CONGVAN), "ingest", str(folder), "--db", str(db), "--engine", "dask",
                          "--scheduler", "tcp://127.0.0.1:9"], capture_output=True, text=True, timeout=120)
    assert "cannot reach the Dask scheduler" in _one_error_line(run)
    assert time.monotonic() - t0 < 40 and not db.exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_commits_what_is_done_and_leaves_no_worker(tmp_path: Path, signum: int) -> None:
    corpus = tmp_path / "corpus"
    files = varied_corpus(corpus, 480)
    db = tmp_path / "s.duckdb"
    proc = subprocess.Popen([str(CONGVAN), "ingest", str(corpus), "--db", str(db), "-j", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if " files committed" in proc.stderr.readline().decode("utf-8", "replace"):
            break
    assert proc.poll() is None, "ingest ended before it could be stopped"
    os.kill(proc.pid, signum)      # to the ingest alone, as `kill` or a service manager would
    t0 = time.monotonic()
    err = proc.communicate(timeout=60)[1].decode("utf-8", "replace")
    assert time.monotonic() - t0 < 20
    assert proc.returncode == 128 + signum and "interrupted" in err and "Traceback" not in err
    time.sleep(0.5)
    # No worker left running in the ingest's process group (an exited one may wait to be reaped).
    states = subprocess.run(["ps", "-o", "stat=", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert all(s.startswith("Z") for s in states), states
    stored = congvan.load_store(str(db))["files"]
    assert 0 < len(stored) < len(files)
    done = subprocess.run([str(CONGVAN), "ingest", str(corpus), "--db", str(db), "-j", "2"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.splitlines()[0] == f"files {len(files)} parsed {len(files)} failed 0 skipped 0"
