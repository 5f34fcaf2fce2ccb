"""edXML envelopes: one per letter, for systems that exchange letters between agencies.

Flow: source (a store, a folder or a file -> Letters) -> **edXML
envelopes**. Each letter becomes an `edXMLEnvelope` whose
`MessageHeader` carries From, To, DocumentId, Code, PromulgationInfo,
DocumentType, Subject, SignerInfo (Competence = the KT./TM./TL. authority),
DueDate, ToPlaces, OtherInfo (Priority) and one ResponseFor per `responds_to`
reference, built with lxml.

The element names follow edXML of QCVN 102:2016/BTTTT (Thông tư
10/2016/TT-BTTTT, amended 1:2022), written from knowledge of the standard
rather than from its XSD, which is not in this repository; validate against
the official schema before sending envelopes to a live exchange. Two things
we are unsure of are marked: the `DocumentType/Type` code (we write 1 for a
legal-normative document, 2 for an administrative one) and the namespace URI.
What edXML cannot say (a date known only to the month, the confidence of a
pre-filled value, the source file) goes under a separate congvan namespace
(`cv:`), which a receiver may ignore. Values the letter does not give are
left out rather than written empty. `DocumentId` is `{OrganId},{YYYY/MM/DD},
{number}/{notation}` and is written only when the issuer's OrganId is known
(from a list the office supplies, `load_organ_ids`) and the date is
known to the day. Text goes through `cells.xml_text` (XML cannot hold an ESC
or other control character); a file name is cut to what a file system
takes; an envelope that still cannot be written is reported and skipped.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import overload

from lxml import etree

from congvan.models.nd30 import due_date, nd30_fields, priority_code, to_places
from congvan.models.records import Letter, PartialDate, Reference
from congvan.pipeline.exports.cells import file_stem, xml_text

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
CV_NS = "urn:congvan:edxml-extension:1"
NSMAP = {"edXML": EDXML_NS, "cv": CV_NS}
_LEGAL_TYPES = {"Luật", "Bộ luật", "Pháp lệnh", "Nghị định", "Thông tư", "Thông tư liên tịch", "Nghị quyết"}


def load_organ_ids(path: str | Path | None) -> dict[str, str]:
    """Organ name -> edXML OrganId (mã định danh, QĐ 20/2020/QĐ-TTg), from a
    JSON object or a two-column CSV/TSV file. congvan ships no codes: a wrong
    code would route a letter to the wrong office, so only a list the office
    supplies is used. Keys are folded for lookup. A file of another shape
    raises ValueError saying what was expected."""
    if path is None:
        return {}
    import csv
    import io

    from congvan.parsers.fields.units import name_key

    p = Path(path)
    where = f"--organ-ids {p}"
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where}: not a text file ({exc.reason})") from exc
    shape = "a JSON object {\"organ name\": \"code\"} or a CSV/TSV of two columns: organ name, code"
    if p.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: not JSON ({exc.msg}, line {exc.lineno}): give {shape}") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{where}: a JSON {type(data).__name__}, not an object: give {shape}")
        pairs = list(data.items())
    else:
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            raise ValueError(f"{where}: the file is empty: give {shape}")
        delim = "\t" if "\t" in lines[0] else ","
        pairs = [(row[0], row[1]) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim)
                 if len(row) >= 2]
        if not pairs:
            raise ValueError(f"{where}: no line has two columns: give {shape}")
    out: dict[str, str] = {}
    for name, code in pairs:
        if not isinstance(code, str):
            raise ValueError(f"{where}: the code of {name!r} is {code!r}, not text: write codes as strings "
                             "(\"000.00.00.G06\"), so leading zeros and dots survive")
        if name and code.strip():
            out[name_key(name)] = code.strip()
    if not out:
        raise ValueError(f"{where}: no organ name with a code: give {shape}")
    return out


def organ_id(name: str | None, organ_ids: dict[str, str]) -> str | None:
    if not name or not organ_ids:
        return None
    from congvan.parsers.fields.units import name_key

    return organ_ids.get(name_key(name))


def _e(tag: str) -> str:
    return f"{{{EDXML_NS}}}{tag}"


def _cv(tag: str) -> str:
    return f"{{{CV_NS}}}{tag}"


@overload
def _sub(parent: etree._Element, tag: str, text: str, *, keep_empty: bool = False) -> etree._Element: ...
@overload
def _sub(parent: etree._Element, tag: str, text: str | None = None, *, keep_empty: bool = False) -> etree._Element | None: ...
def _sub(parent: etree._Element, tag: str, text: str | None = None, *, keep_empty: bool = False) -> etree._Element | None:
    if text is None and not keep_empty:
        return None
    el = etree.SubElement(parent, tag)
    if text is not None:
        el.text = xml_text(text)
    return el


def _date(d: PartialDate | None) -> str | None:
    """xs:date for a day-precision date; None for a partial one (edXML has no partial dates)."""
    day = d.to_date() if d is not None else None     # a day no calendar has raises: the envelope is skipped
    return day.isoformat() if day is not None else None


def document_id(organ: str | None, issued: PartialDate | None, number: str | None, notation: str | None) -> str | None:
    """`{OrganId},{YYYY/MM/DD},{number}/{notation}`; None unless every part is known."""
    if not (organ and issued is not None and issued.precision == "day" and number and notation):
        return None
    return f"{organ},{issued.year:04d}/{issued.month:02d}/{issued.day:02d},{number}/{notation}"


def document_type_code(letter: Letter) -> str:
    """1 legal-normative (a symbol with its year, or a legal type), 2 administrative (unsure of the code list)."""
    sym = letter.number.symbol if letter.number and letter.number.symbol else ""
    legal = letter.doc_type in _LEGAL_TYPES and any(ch.isdigit() for ch in sym.split("-")[0])
    return "1" if legal or sym[:4].isdigit() else "2"


def _organ(parent: etree._Element, tag: str, name: str | None, in_charge: str | None,
           organ_ids: dict[str, str]) -> None:
    el = etree.SubElement(parent, _e(tag))
    _sub(el, _e("OrganId"), organ_id(name, organ_ids))
    _sub(el, _e("OrganizationInCharge"), in_charge)
    _sub(el, _e("OrganName"), name)


def _response_for(parent: etree._Element, ref: Reference, organ_ids: dict[str, str]) -> None:
    el = etree.SubElement(parent, _e("ResponseFor"))
    oid = organ_id(ref.issuer, organ_ids)
    _sub(el, _e("OrganId"), oid)
    if ref.number or ref.symbol:
        code = etree.SubElement(el, _e("Code"))
        _sub(code, _e("CodeNumber"), ref.number)
        _sub(code, _e("CodeNotation"), ref.symbol)
    _sub(el, _e("PromulgationDate"), _date(ref.date))
    _sub(el, _e("DocumentId"), document_id(oid, ref.date, ref.number, ref.symbol))
    # What edXML leaves out: who issued it when no OrganId is known, and a partial date.
    _sub(el, _cv("OrganName"), ref.issuer)
    if ref.date is not None and ref.date.precision != "day":
        _sub(el, _cv("PromulgationDate"), ref.date.iso).set("precision", ref.date.precision)


def envelope(letter: Letter, organ_ids: dict[str, str] | None = None) -> etree._Element:
    """The edXMLEnvelope of one letter."""
    organ_ids = organ_ids or {}
    fields = nd30_fields(letter)
    num = letter.number
    root = etree.Element(_e("edXMLEnvelope"), nsmap=NSMAP)
    header = etree.SubElement(root, _e("edXMLHeader"))
    mh = etree.SubElement(header, _e("MessageHeader"))
    _organ(mh, "From", letter.issuer, letter.parent_issuer, organ_ids)
    for name in [r.name for r in letter.recipients]:
        _organ(mh, "To", name, None, organ_ids)
    _sub(mh, _e("DocumentId"), document_id(organ_id(letter.issuer, organ_ids), letter.issued,
                                           num.number if num else None, num.symbol if num else None))
    code = etree.SubElement(mh, _e("Code"))
    _sub(code, _e("CodeNumber"), num.number if num else None)
    _sub(code, _e("CodeNotation"), num.symbol if num else None)
    prom = etree.SubElement(mh, _e("PromulgationInfo"))
    _sub(prom, _e("Place"), letter.place)
    _sub(prom, _e("PromulgationDate"), _date(letter.issued))
    dtype = etree.SubElement(mh, _e("DocumentType"))
    _sub(dtype, _e("Type"), document_type_code(letter))
    _sub(dtype, _e("TypeName"), letter.doc_type)
    _sub(mh, _e("Subject"), letter.subject)
    signer = letter.signer
    if signer is not None and (signer.name or signer.title or signer.authority):
        si = etree.SubElement(mh, _e("SignerInfo"))
        _sub(si, _e("Competence"), signer.authority)
        _sub(si, _e("Position"), signer.title)
        _sub(si, _e("FullName"), signer.name)
    due = due_date(letter)
    _sub(mh, _e("DueDate"), _date(due))
    places = to_places(letter)
    if places:
        tp = etree.SubElement(mh, _e("ToPlaces"))
        for place in places:
            _sub(tp, _e("Place"), place)
    other = etree.SubElement(mh, _e("OtherInfo"))
    _sub(other, _e("Priority"), str(priority_code(letter.urgency)))
    if letter.pages:
        _sub(other, _e("PageAmount"), str(len(letter.pages)))
    for ref in letter.references:
        if ref.relation == "responds_to":
            _response_for(mh, ref, organ_ids)
    ext = etree.SubElement(mh, _cv("Extraction"))
    _sub(ext, _cv("LetterId"), letter.id)
    _sub(ext, _cv("File"), letter.file)
    if letter.issued is not None:
        _sub(ext, _cv("IssuedDate"), letter.issued.iso).set("precision", letter.issued.precision)
    if due is not None:
        _sub(ext, _cv("DueDate"), due.iso).set("precision", due.precision)
    conf = etree.SubElement(ext, _cv("Confidence"))
    for name, item in fields.items():
        etree.SubElement(conf, _cv("Field"), name=name, value=f"{item['confidence']:.3f}")
    etree.SubElement(root, _e("edXMLBody"))
    return root


def to_bytes(letter: Letter, organ_ids: dict[str, str] | None = None) -> bytes:
    return etree.tostring(envelope(letter, organ_ids), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def file_name(letter: Letter) -> str:
    """`2536_BCT-VP_2023_<id>.edxml`: readable, and unique by the letter id."""
    num = letter.number
    parts = [(num.number or "") if num else "", (num.symbol or "").replace("/", "-") if num else "",
             str(letter.issued.year) if letter.issued else ""]
    safe = file_stem("_".join(file_stem(p) for p in parts if file_stem(p)))
    return f"{safe + '_' if safe else ''}{file_stem(letter.id, 80)}.edxml"


def write_all(letters: Iterable[Letter], out_dir: str | Path, organ_ids: dict[str, str] | None = None,
              skipped: list[str] | None = None) -> list[Path]:
    """One envelope file per letter into `out_dir`; returns the paths written. A letter whose
    envelope cannot be built or written is named in `skipped`; the others are written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    skipped = skipped if skipped is not None else []
    written = []
    for letter in letters:
        try:
            data = to_bytes(letter, organ_ids)
            path = out / file_name(letter)
            path.write_bytes(data)
        except (ValueError, TypeError, OSError) as exc:
            skipped.append(f"letter {letter.id} ({letter.file or ''}): no envelope written ({type(exc).__name__}: {exc})")
            continue
        written.append(path)
    return written


def read_envelope(data: bytes) -> dict[str, object]:
    """The main header fields of an envelope back as plain values (for tests and checks)."""
    root = etree.fromstring(data)
    ns = {"e": EDXML_NS, "cv": CV_NS}
    mh = root.find("e:edXMLHeader/e:MessageHeader", ns)

    def text(path: str) -> str | None:
        el = mh.find(path, ns)
        return el.text if el is not None else None

    return {
        "from": text("e:From/e:OrganName"),
        "from_in_charge": text("e:From/e:OrganizationInCharge"),
        "from_id": text("e:From/e:OrganId"),
        "to": [el.text for el in mh.findall("e:To/e:OrganName", ns)],
        "document_id": text("e:DocumentId"),
        "number": text("e:Code/e:CodeNumber"),
        "notation": text("e:Code/e:CodeNotation"),
        "place": text("e:PromulgationInfo/e:Place"),
        "date": text("e:PromulgationInfo/e:PromulgationDate"),
        "type": text("e:DocumentType/e:Type"),
        "type_name": text("e:DocumentType/e:TypeName"),
        "subject": text("e:Subject"),
        "competence": text("e:SignerInfo/e:Competence"),
        "position": text("e:SignerInfo/e:Position"),
        "full_name": text("e:SignerInfo/e:FullName"),
        "due": text("e:DueDate"),
        "to_places": [el.text for el in mh.findall("e:ToPlaces/e:Place", ns)],
        "priority": text("e:OtherInfo/e:Priority"),
        "response_for": [
            {"number": r.findtext("e:Code/e:CodeNumber", namespaces=ns),
             "notation": r.findtext("e:Code/e:CodeNotation", namespaces=ns),
             "date": r.findtext("e:PromulgationDate", namespaces=ns),
             "document_id": r.findtext("e:DocumentId", namespaces=ns)}
            for r in mh.findall("e:ResponseFor", ns)
        ],
        "letter_id": text("cv:Extraction/cv:LetterId"),
        "issued": text("cv:Extraction/cv:IssuedDate"),
        "confidence": {el.get("name"): float(el.get("value")) for el in mh.findall("cv:Extraction/cv:Confidence/cv:Field", ns)},
    }
