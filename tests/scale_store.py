"""A store of a thousand letters or more, made in the test from real sample letters.

Why: the samples hold a dozen letters and 141 graph nodes, which hide what
breaks at an archive's scale (a layout that needs scipy above 500 nodes,
charts with 150 issuer labels, a Todoist project of 1,700 tasks). Parsing a
thousand files would take minutes, so real letters are parsed once and
varied: each copy gets its own number, issue date (spread over 30 years),
issuer (one of 160 bodies), units, deadlines moved with the issue date, and
citations of earlier copies (chains several levels deep) beside the real
letters' own citations (hubs: the documents every copy cites). The copies
are written through the store's own row builder and the graph is resolved
by the store's own resolver, so the store is what `congvan ingest` writes.
One letter in a hundred carries a deadline read off a condition (1945), as
real letters do. `long_decree` writes a decree long enough to fold.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from conftest import REPO_CORPUS, SEEDS

from congvan.models.records import DocumentNumber, Letter, PartialDate, Reference

BASES = [*SEEDS, REPO_CORPUS / "087_cv-38273-chq-gsql-cuc-hai-quan.txt",
         REPO_CORPUS / "114_cd-224-cd-ttg-thu-tuong-chinh-phu.txt",
         REPO_CORPUS / "133_kh-179-kh-ubnd-uy-ban-nhan-dan-tinh-dong-nai.txt",
         REPO_CORPUS / "141_tb-634-tb-vpcp-van-phong-chinh-phu.txt"]
BODIES = [("Sở Công Thương", "SCT"), ("Sở Tài chính", "STC"), ("Sở Y tế", "SYT"), ("Sở Xây dựng", "SXD"),
          ("Sở Giáo dục và Đào tạo", "SGDĐT"), ("Ủy ban nhân dân", "UBND"), ("Sở Nội vụ", "SNV"), ("Sở Tư pháp", "STP")]
PROVINCES = ["Khánh Hòa", "Lào Cai", "Đồng Nai", "Bình Phước", "Nghệ An", "Thanh Hóa", "Quảng Ninh", "Cần Thơ",
             "Đà Nẵng", "Hải Phòng", "Bắc Ninh", "Lâm Đồng", "Gia Lai", "Kiên Giang", "An Giang", "Hà Tĩnh",
             "Phú Yên", "Sơn La", "Tây Ninh", "Vĩnh Long"]
FIRST_DAY = dt.date(1995, 1, 1)
SPAN_DAYS = 31 * 365
CONDITION_DEADLINE = PartialDate(year=1945, month=1, day=1)


def _shift(date: PartialDate | None, days: int) -> PartialDate | None:
    if date is None:
        return None
    new = date.last_day() + dt.timedelta(days=days)
    if date.precision == "day":
        return PartialDate(year=new.year, month=new.month, day=new.day)
    if date.precision == "month":
        return PartialDate(year=new.year, month=new.month)
    return PartialDate(year=new.year)


def vary(bases: list[Letter], n: int) -> list[Letter]:
    """`n` letters made from `bases` (see the module docstring)."""
    out: list[Letter] = []
    for i in range(n):
        base = bases[i % len(bases)]
        body, code = BODIES[i % len(BODIES)]
        province = PROVINCES[(i // len(BODIES)) % len(PROVINCES)]
        issuer = f"{body} tỉnh {province}"
        day = FIRST_DAY + dt.timedelta(days=i * SPAN_DAYS // n)
        issued = PartialDate(year=day.year, month=day.month, day=day.day)
        delta = (day - base.issued.last_day()).days if base.issued else 0
        lid = hashlib.sha256(f"scale-{i}".encode()).hexdigest()[:16]
        symbol = f"{code}-VP"
        number = str(100 + i)
        refs = list(base.references)
        for back in (1 + i % 3, 5 + i % 7):      # chains: copies cite earlier copies
            j = i - back
            if j >= 0:
                prior = out[j]
                refs.append(Reference(doc_type=prior.doc_type, number=prior.number.number, symbol=prior.number.symbol,
                                      date=prior.issued, issuer=prior.issuer, relation="implements",
                                      text=f"{prior.doc_type} số {prior.number.number}/{prior.number.symbol} "
                                           f"ngày {prior.issued.day}/{prior.issued.month}/{prior.issued.year} "
                                           f"của {prior.issuer}"))
        items = []
        planted = i % 100 != 7     # one letter in a hundred has a deadline read off a condition
        for k, item in enumerate(base.action_items):
            deadline = item.deadline
            if deadline is not None and deadline.date is not None:
                date = CONDITION_DEADLINE if not planted else _shift(deadline.date, delta)
                planted = True
                deadline = deadline.model_copy(update={"date": date})
            unit = item.unit if i % 2 else f"{item.unit} tỉnh {province}"
            items.append(item.model_copy(update={
                "id": f"task-{lid}-{k}", "letter_id": lid, "deadline": deadline, "unit": unit,
                "unit_key": f"{item.unit_key}|{province}" if i % 2 == 0 else item.unit_key}))
        out.append(base.model_copy(update={
            "id": lid, "content_hash": hashlib.sha256(lid.encode()).hexdigest(), "file": f"/generated/{lid}.txt",
            "number": DocumentNumber(number=number, symbol=symbol, raw=f"Số: {number}/{symbol}"),
            "issued": issued, "issuer": issuer, "parent_issuer": f"Ủy ban nhân dân tỉnh {province}",
            "references": tuple(refs), "action_items": tuple(items)}))
    return out


def build_store(db: Path, n: int = 1000) -> list[Letter]:
    """Write `n` varied letters into a new store at `db` and resolve its graph; the letters."""
    import congvan
    from congvan.pipeline import graph, store

    letters = vary([congvan.parse(str(f)) for f in BASES], n)
    con = store.connect(db)
    try:
        batch = []
        for letter in letters:
            rows = store.letter_rows(letter)
            rows["files"] = [store.file_row(letter.file, letter.content_hash, len(letter.text), "txt", "ok",
                                            letter_id=letter.id)]
            batch.append(rows)
        store.write_batch(con, batch)
        graph.resolve_store(con)
    finally:
        con.close()
    return letters


def long_decree(articles: int = 60, clauses: int = 4, points: int = 3) -> str:
    """A quyết định of `articles` articles, each with clauses and points (1,020 directives by default)."""
    head = """ỦY BAN NHÂN DÂN                          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH KHÁNH HÒA                              Độc lập - Tự do - Hạnh phúc

Số: 15/2024/QĐ-UBND                      Khánh Hòa, ngày 10 tháng 3 năm 2024

QUYẾT ĐỊNH
Ban hành Quy chế quản lý văn bản điện tử trên địa bàn tỉnh

ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;

QUYẾT ĐỊNH:
"""
    body = []
    for a in range(1, articles + 1):
        body.append(f"Điều {a}. Quy định về nội dung quản lý số {a}")
        for c in range(1, clauses + 1):
            body.append(f"{c}. Sở Thông tin và Truyền thông chủ trì hướng dẫn nội dung {a}.{c} của Quy chế này.")
            for p in "abcdefgh"[:points]:
                body.append(f"{p}) Các cơ quan, đơn vị thực hiện việc {p} thuộc khoản {c} Điều {a}.")
    tail = """
Nơi nhận:                                   TM. ỦY BAN NHÂN DÂN
- Như Điều 3;                                KT. CHỦ TỊCH
- Lưu: VT, KSTT.                             PHÓ CHỦ TỊCH

                                             Nguyễn Văn An
"""
    return head + "\n".join(body) + "\n" + tail


@pytest.fixture(scope="session")
def scale_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1,000-letter store, built once per test session (import this fixture into a test module)."""
    db = tmp_path_factory.mktemp("scale") / "scale.duckdb"
    build_store(db, 1000)
    return db
