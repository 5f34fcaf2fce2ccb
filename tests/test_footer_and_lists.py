"""Recipients, distribution list, signer and directive depth on the real
footers and bodies they were written for (corpus letters quoted inline)."""
from __future__ import annotations

import congvan


def _parse(text: str) -> dict:
    return congvan.to_json(congvan.parse_text(text))


LEGACY_FOOTER = """BỘ TÀI CHÍNH
Số: 117 /2000/TT-BTC
Hà Nội, ngày 21 tháng 12 năm 2000
THÔNG TƯ
Bổ sung và sửa đổi một số điểm của Thông tư số 40/2000 /TT-BTC ngày 15/5/2000
Căn cứ Luật thuế xuất khẩu, thuế nhập khẩu số 04/1998/QH10;
Các quy định trước đây trái với quy định tại Thông tư này đều bãi bỏ./.
Nơi nhận: KT/BỘ TRƯỞNG BỘ TÀI CHÍNH
- Văn phòng TW Đảng THỨ TRƯỞNG
- Các Bộ, cơ quan ngang Bộ, cơ quan (ĐÃ KÝ)
thuộc Chính phủ
- Công báo Vũ Văn Ninh
- UBND, Sở Tài chính, Cục thuế, Kho bạc
các tỉnh, thành phố trực thuộc TW.
- Lưu: VP (TH, HC).
TCT(HC, NV3)
"""


def test_footer_flattened_line_by_line_is_split_back() -> None:
    # corpus 036 (TCVN3 RTF): Nơi nhận and the signature column interleaved.
    got = _parse(LEGACY_FOOTER)
    assert got["signer"] == {"name": "Vũ Văn Ninh", "title": "Thứ trưởng", "authority": "KT. Bộ trưởng Bộ Tài chính"}
    names = [d["name"] for d in got["distribution"]]
    assert names[:4] == ["Văn phòng TW Đảng", "Các Bộ", "cơ quan ngang Bộ", "cơ quan thuộc Chính phủ"]
    assert "Công báo" in names
    assert "UBND, Sở Tài chính, Cục thuế, Kho bạc các tỉnh, thành phố trực thuộc TW" in names
    assert names[-1] == "Lưu: VP (TH, HC). TCT(HC, NV3)"
    # `04/1998/QH10` keeps its printed leading zero and is a law of the Quốc hội.
    law = next(r for r in got["references"] if r["symbol"] == "1998/QH10")
    assert law["number"] == "04" and law["doc_type"] == "Luật" and law["relation"] == "legal_basis"


OCR_FOOTER = """Tổng cục Hải quan thông báo để Cục Hải quan tỉnh Bình Dương biết và thực hiện.
Noi nhận: KT. TONG CỤC TRUONG
~ Như trên; —— PHÓ TỎNG CỤC TRƯỞNG
~ TT Vũ Thị Mai (để b/cáo); _
~ Các Cục Hải quan tỉnh, thành phố (để biết, thực hiện);
~ Vụ Pháp chế (BTC);
- Lưu: VT, TXNK 3) 4#
"""


def test_ocr_footer() -> None:
    # corpus 199 (OCR'd customs letter): `~` dashes, lost accents, debris.
    got = _parse("Số: 5964 /TCHQ-TXNK\nKính gửi: Cục Hải quan tỉnh Bình Dương.\n" + OCR_FOOTER)
    assert [(d["name"], d["purpose"]) for d in got["distribution"]] == [
        ("Như trên", None),
        ("TT Vũ Thị Mai", "để b/cáo"),
        ("Các Cục Hải quan tỉnh, thành phố", "để biết, thực hiện"),
        ("Vụ Pháp chế (BTC)", None),
        ("Lưu: VT, TXNK", None),
    ]
    assert got["signer"]["authority"] == "KT. Tổng cục trưởng"
    assert got["signer"]["title"] == "Phó Tổng cục trưởng"
    assert got["signer"]["name"] is None  # the name is not in the text: never invented


def test_lists_that_share_a_head_or_name_people_stay_whole() -> None:
    text = """Kính gửi: Sở Tài chính.
Nội dung.
Nơi nhận:
- Như trên;
- CVP, PCVP UBND tỉnh(Tú, Bích, Minh);
- Cục Thuế các tỉnh, thành phố;
- VPCP: BTCN, PCN Phạm Mạnh Cường,
- Văn phòng Chính phủ, Bộ Nội vụ (để biết);
- Lưu: VT, NN (2), Loan.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Thành Sinh
"""
    got = _parse(text)
    assert [(d["name"], d["purpose"]) for d in got["distribution"]] == [
        ("Như trên", None),
        ("CVP, PCVP UBND tỉnh(Tú, Bích, Minh)", None),
        ("Cục Thuế các tỉnh, thành phố", None),
        ("VPCP: BTCN, PCN Phạm Mạnh Cường", None),
        ("Văn phòng Chính phủ", "để biết"),
        ("Bộ Nội vụ", "để biết"),
        ("Lưu: VT, NN", None),
    ]
    assert got["signer"] == {"name": "Nguyễn Thành Sinh", "title": "Phó Chủ tịch", "authority": "KT. Chủ tịch"}


def test_authority_wrapping_over_two_lines() -> None:
    # corpus 095: `KT. BỘ TRƯỞNG,` / `CHỦ NHIỆM` / `PHÓ CHỦ NHIỆM`.
    got = _parse("Nội dung./.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. BỘ TRƯỞNG,\nCHỦ NHIỆM\nPHÓ CHỦ NHIỆM\nPhạm Mạnh Cường\n")
    assert got["signer"] == {"name": "Phạm Mạnh Cường", "title": "Phó Chủ nhiệm", "authority": "KT. Bộ trưởng, Chủ nhiệm"}


def test_directive_depths_follow_colons_and_parts() -> None:
    # corpus 036: a dash item ending `cụ thể:` announces a `1-` sub-item;
    # corpus 045/048: `(i)` items under lettered or numbered ones.
    body = """Kính gửi: Các đơn vị.
I/ Sửa đổi mục I như sau:
- Bổ sung điểm sau vào cuối mục, cụ thể:
1- Các dự án khuyến khích đầu tư.
II- Sửa đổi mục II:
1- Thay bằng quy định:
- Doanh nghiệp báo cáo hằng năm.
2- Hằng năm báo cáo Bộ Thương mại.
3. Đề nghị Bộ Xây dựng:
(i). Chỉ đạo Cục Đăng kiểm Việt Nam ban hành văn bản.
(ii). Sớm chỉ đạo nghiên cứu, sửa đổi Quy chuẩn.
Nơi nhận:
- Như trên.
"""
    got = _parse(body)
    assert [(d["depth"], d["label"]) for d in got["directives"]] == [
        (1, "I"), (2, "-"), (3, "1"), (1, "II"), (2, "1"), (3, "-"), (2, "2"), (2, "3"), (3, "i"), (3, "ii"),
    ]


def test_an_enclosed_letter_after_the_footer_is_not_part_of_the_record() -> None:
    # corpus 242 (OCR'd): after its own footer the file holds the enclosed copy
    # of công văn 2488/TCT-CS with its own header, references and Nơi nhận.
    from conftest import REPO_CORPUS

    got = congvan.to_json(congvan.parse(str(REPO_CORPUS / "242_cv-3630-tct-cs-tong-cuc-thue.txt")))
    assert got["signer"]["name"] == "Hoàng Thị Hà Giang"
    cited = {f"{r['number']}/{r['symbol']}" for r in got["references"] if r["number"]}
    assert "2488/TCT-CS" in cited  # the letter cites its enclosure ...
    assert "1077/CT-TTKT2" not in cited  # ... but what the enclosure cites is not this letter's
    assert [d["label"] for d in got["directives"]] == ["1", "2", "3"]
    assert any("enclosed document" in w for w in got["warnings"])


def test_a_procedure_line_starting_with_noi_nhan_is_not_the_footer() -> None:
    text = ("Kính gửi: Sở Tư pháp.\n1. Nơi nhận hồ sơ: Trung tâm Phục vụ hành chính công tỉnh.\n"
            "2. Thời hạn giải quyết: 05 ngày làm việc.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n")
    got = _parse(text)
    assert [d["name"] for d in got["distribution"]] == ["Như trên", "Lưu: VT"]
    assert [d["label"] for d in got["directives"]] == ["1", "2"]


def test_kinh_gui_under_a_receipt_stamp() -> None:
    # corpus 011 (scan): the `ĐẾN` stamp of Cổng TTĐT covers `Kính`, and its
    # second line falls between the two entries.
    got = _parse(
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 464/TTg-CĐS\nV/v triển khai các Nghị quyết\n"
        "Hà Nội, ngày 30 tháng 4 năm 2026\nGỔNG THÔNG TTN BIỆN TỬ CHÍNH PHÙ gửi:\n"
        "- Bộ trưởng, Thủ trưởng cơ quan ngang Bộ;\nĐẾN my GIỞ:...... vu 1512226. _) \"-..\n"
        "- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố.\n"
        "Triển khai Kết luận số 18-KL/TW ngày 02 tháng 4 năm 2026 của Ban Chấp hành Trung ương Đảng;\n"
    )
    assert got["recipients"] == ["Bộ trưởng, Thủ trưởng cơ quan ngang Bộ", "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố"]
    assert got["subject"] == "triển khai các Nghị quyết"


def test_office_lists_split_unless_they_share_a_tail() -> None:
    text = """Kính gửi: Sở Tài chính.
Nội dung.
Nơi nhận:
- CT, PCT UBND huyện (để b/c);
- GĐ, các PGĐ;
- Chánh VP, Phó CVP (Đ/c Hòa);
- Các Trung tâm, Phòng ban liên quan (để thực hiện);
- LĐ, các phòng của Liên đoàn Lao động;
- Như trên; ks ta!
- Lưu: VT, KHTC.Mai.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Lò Văn Thắng
"""
    got = _parse(text)
    assert [(d["name"], d["purpose"]) for d in got["distribution"]] == [
        ("CT, PCT UBND huyện", "để b/c"),       # the parts share the tail `UBND huyện`
        ("GĐ", None), ("các PGĐ", None),        # two offices, no shared tail
        ("Chánh VP", "Đ/c Hòa"), ("Phó CVP", "Đ/c Hòa"),
        ("Các Trung tâm, Phòng ban liên quan", "để thực hiện"),  # shared head and tail
        ("LĐ, các phòng của Liên đoàn Lao động", None),        # shared tail `của ...`
        ("Như trên", None),                     # debris after it dropped
        ("Lưu: VT, KHTC", None),                # the drafter's name glued to the code dropped
    ]


def test_ocr_footers_keep_their_entries() -> None:
    text = """Kính gửi: Cục Hải quan.
Nội dung.
JNữi nhận:
NHƯ TRÊN ~ Vụ trưởng (đề b/c);
- Cục Kiểm định hải quan (để ph):
- VPTC: CVP, các PCVP, Phòng TH
Phòng HC, Phòng TV;
- Lưu: VT, GSQL Ow
KT. CỤC TRƯỞNG
"""
    got = _parse(text)
    assert [(d["name"], d["purpose"]) for d in got["distribution"]] == [
        ("NHƯ TRÊN", None),
        ("Vụ trưởng", "để b/c"),                 # `~` is a dash; `đề` is `để`
        ("Cục Kiểm định hải quan", "để p/h"),    # a purpose one letter from a known one
        ("VPTC: CVP, các PCVP, Phòng TH Phòng HC, Phòng TV", None),  # a colon list over two lines
        ("Lưu: VT, GSQL", None),
    ]
