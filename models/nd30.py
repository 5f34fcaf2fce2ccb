"""A Letter under the names Vietnamese văn thư systems use (Decree 30/2020/NĐ-CP, edXML).

Flow: Letter (models/records.py) -> **these names** -> `parse --json`'s
`nd30` key and the exports that feed the systems offices already run
(registers, edXML, the handling report, trackers in `pipeline/`). They sit
beside the records because both `parse --json` and the exports speak them.

Where the names come from. Decree 30/2020/NĐ-CP (Phụ lục IV registers and
Phụ lục VI, the metadata of a document in the document-management database)
names its fields in Vietnamese (`Số, ký hiệu`, `Ngày tháng năm văn bản`,
`Tên cơ quan, tổ chức ban hành`, `Trích yếu nội dung`, `Người ký`, `Nơi
nhận`, `Hạn giải quyết`, `Độ khẩn` ...). The English element names used here
(`CodeNumber`, `CodeNotation`, `OrganName`, `SignerInfo/Competence/Position/
FullName`, `ToPlaces`, `DueDate`, `Priority`, `PromulgationInfo`) are those
of the edXML message that carries the same metadata between systems
(QCVN 102:2016/BTTTT, Thông tư 10/2016/TT-BTTTT, amended 2022). We wrote
them from knowledge of that standard, not from its XSD, which is not in this
repository: the element names are the ones in common use, but optional
elements and code lists (the `Priority` codes below, `DocumentType/Type`)
should be checked against the text of the standard before a system relies
on them. `IssuedDate` is our name for `PromulgationInfo/PromulgationDate`
with a precision beside it (edXML has no partial dates).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from congvan.models.records import Letter, PartialDate

# edXML `OtherInfo/Priority` codes (QCVN 102:2016): 0 thường, 1 khẩn,
# 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. The mark printed under the
# number decides; an unmarked letter is 0.
PRIORITY_CODES: tuple[tuple[str, int], ...] = (
    ("hỏa tốc hẹn giờ", 4), ("hoả tốc hẹn giờ", 4), ("hỏa tốc", 3), ("hoả tốc", 3),
    ("thượng khẩn", 2), ("khẩn", 1),
)
PRIORITY_NAMES = {0: "Thường", 1: "Khẩn", 2: "Thượng khẩn", 3: "Hỏa tốc", 4: "Hỏa tốc hẹn giờ"}

# The fields `nd30_fields` fills, with the Vietnamese label the decree's
# registers and metadata list use: the JSON Schema documents both.
FIELD_LABELS: dict[str, str] = {
    "CodeNumber": "Số văn bản",
    "CodeNotation": "Ký hiệu văn bản",
    "IssuedDate": "Ngày, tháng, năm văn bản (với độ chính xác: day, month, year)",
    "Place": "Địa danh ban hành",
    "OrganName": "Tên cơ quan, tổ chức ban hành văn bản",
    "OrganizationInCharge": "Tên cơ quan, tổ chức chủ quản",
    "DocumentType": "Tên loại văn bản",
    "Subject": "Trích yếu nội dung",
    "SignerInfo": "Người ký: Competence (quyền hạn ký KT./TM./TL./TUQ./Q.), Position (chức vụ), FullName (họ tên)",
    "ToPlaces": "Nơi nhận",
    "DueDate": "Hạn giải quyết (hạn sớm nhất của các nhiệm vụ trong văn bản)",
    "Priority": "Độ khẩn (0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ)",
}

# Words of a warning that say which field it concerns (header.py words them
# `number ...`, `issue date: ...`); a page-level reader warning (OCR, unreadable
# page) concerns every field.
_WARNING_FIELDS: dict[str, tuple[str, ...]] = {
    "number": ("CodeNumber", "CodeNotation"),
    "symbol": ("CodeNotation",),
    "issue date": ("IssuedDate",),
    "date": ("IssuedDate",),
    "issuer": ("OrganName", "OrganizationInCharge"),
    "header": ("OrganName", "OrganizationInCharge", "CodeNumber", "CodeNotation", "Subject"),
    "subject": ("Subject",),
    "signer": ("SignerInfo",),
    "signature": ("SignerInfo",),
    "recipient": ("ToPlaces",),
    "kính gửi": ("ToPlaces",),
}
_PAGE_WARNING = ("page ", "ocr", "legacy", "encoding", "web page")
WARNED = 0.5        # a value a warning names
PAGE_WARNED = 0.8   # a value read from a page the reader had trouble with
DERIVED = 0.8       # a value computed from other values (DueDate from the directives' deadlines)


def priority_code(urgency: str | None) -> int:
    """edXML Priority code of the urgency mark (`KHẨN`, `HỎA TỐC` ...); 0 when unmarked."""
    if not urgency:
        return 0
    low = urgency.casefold()
    for word, code in PRIORITY_CODES:
        if word in low:
            return code
    return 0


def deadline_day(date: PartialDate | None) -> dt.date | None:
    """The last day a partial deadline allows: `trước tháng 6/2023` is due by 30 June."""
    return date.last_day() if date is not None else None


def due_date(letter: Letter) -> PartialDate | None:
    """The earliest dated deadline of the letter's action items (the register's
    `Hạn giải quyết`); None when no item carries a date."""
    dated = [a.deadline.date for a in letter.action_items if a.deadline and a.deadline.date]
    if not dated:
        return None
    return min(dated, key=lambda d: deadline_day(d) or dt.date.max)


def to_places(letter: Letter) -> list[str]:
    """Nơi nhận for the metadata: the Kính gửi addressees, else the distribution
    list without the file copy (`Lưu: VT ...`) and `Như trên`."""
    if letter.recipients:
        return [r.name for r in letter.recipients]
    return [d.name for d in letter.distribution
            if not d.name.casefold().startswith(("lưu", "như trên"))]


def _field_confidence(letter: Letter) -> dict[str, float]:
    """Confidence per field: the parser's own where it gave one, 1.0 for a value
    read cleanly, lower where a warning concerns the field."""
    conf: dict[str, float] = {name: 1.0 for name in FIELD_LABELS}
    parser = letter.confidence
    rated: set[str] = set()
    for ours, theirs, fallback in (("CodeNumber", "number", None), ("CodeNotation", "symbol", "number"),
                                   ("IssuedDate", "issued", None), ("Place", "place", "issued"),
                                   ("OrganName", "issuer", None), ("OrganizationInCharge", "parent_issuer", "issuer"),
                                   ("Subject", "subject", None), ("SignerInfo", "signer", None),
                                   ("ToPlaces", "recipients", None), ("DocumentType", "doc_type", None)):
        key = theirs if theirs in parser else fallback
        if key in parser:
            conf[ours] = float(parser[key])
            rated.add(ours)
    if letter.number is not None and "number" not in parser:
        conf["CodeNumber"] = conf["CodeNotation"] = float(letter.number.confidence)
    conf["DueDate"] = DERIVED
    # The parser's confidence already weighs its own warnings (OCR, garbled
    # parts): warnings lower only the fields it gave no confidence for.
    for warning in letter.warnings:
        low = warning.casefold()
        if low.startswith(_PAGE_WARNING) or any(w in low for w in ("ocr", "tcvn3", "vni")):
            for name in conf:
                if name not in rated:
                    conf[name] = min(conf[name], PAGE_WARNED)
        for word, names in _WARNING_FIELDS.items():
            if word in low:
                for name in names:
                    if name not in rated:
                        conf[name] = min(conf[name], WARNED)
    return {k: round(v, 3) for k, v in conf.items()}


def nd30_fields(letter: Letter) -> dict[str, dict[str, Any]]:
    """The letter's metadata under the names văn thư systems use, each as
    `{"value": ..., "confidence": ...}` (the `nd30` key of `parse --json`).
    Unknown values are null with confidence 0."""
    conf = _field_confidence(letter)
    num = letter.number
    signer = letter.signer
    due = due_date(letter)
    places = to_places(letter)
    values: dict[str, Any] = {
        "CodeNumber": num.number if num else None,
        "CodeNotation": num.symbol if num else None,
        "IssuedDate": ({"date": letter.issued.iso, "precision": letter.issued.precision}
                       if letter.issued else None),
        "Place": letter.place,
        "OrganName": letter.issuer,
        "OrganizationInCharge": letter.parent_issuer,
        "DocumentType": letter.doc_type,
        "Subject": letter.subject,
        "SignerInfo": ({"Competence": signer.authority, "Position": signer.title, "FullName": signer.name}
                       if signer and (signer.name or signer.title or signer.authority) else None),
        "ToPlaces": places or None,
        "DueDate": ({"date": due.iso, "precision": due.precision} if due else None),
        "Priority": priority_code(letter.urgency),
    }
    return {name: {"value": value, "confidence": conf[name] if value is not None else 0.0}
            for name, value in values.items()}
