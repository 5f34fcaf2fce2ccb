"""How sure we are of each header and signer field: a confidence built from
evidence, so that a value claimed at 0.9 or more is right (on the gold letters,
at least 99 % of the time), and a warning for every value below that.

Flow: header and signer parsers -> **this module** (with how the text was
read: OCR or born-digital, the post-OCR corrections, a web page's metadata
table) -> `Letter.confidence` and `DocumentNumber.confidence`.

The evidence, by weight:
- how the text was read: born-digital text (Word, a PDF text layer, a web
  page) is read as printed; OCR misreads digits and accents, so on OCR text a
  value alone is never certain;
- a second source that agrees: the web page's metadata table (number,
  issuer, signer, date, type), the symbol's issuer code against the header's
  issuer, the e-signature stamp's date;
- a lexicon match: the issuer a known body, the place a known place, the
  office a known office, the signer's first word a family name;
- damage: a post-OCR correction inside the value, a garbled part read as
  blank, an issuer block that had to be repaired or refused.
Each rule names one of these; none names a letter.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import regex
import yaml

from congvan.models.records import Signer
from congvan.parsers.fields.header import Header
from congvan.parsers.fields.issuers import is_place, known_name
from congvan.parsers.fields.lines import fold_accents
from congvan.parsers.fields.numbers import split_symbol
from congvan.parsers.fields.signer import surnames
from congvan.parsers.fields.vocabulary import KNOWN_OFFICES
from congvan.parsers.landmarks import DELEGATION_PREFIX
from congvan.parsers.syllables import is_syllable

_DATA = Path(__file__).resolve().parent.parent / "data"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FIELDS = ("number", "symbol", "issued", "place", "issuer", "parent_issuer", "doc_type", "subject",
          "signer.name", "signer.title", "signer.authority")
SURE = 0.9  # values below this are flagged with a warning

_PREFIX = DELEGATION_PREFIX
# An authority line in parts: its offices, comma-separated or each after its own prefix.
_OFFICE_PARTS = regex.compile(r",|(?=\b(?:KT|TM|TL|TUQ)\.)")
_NOT_KEY = regex.compile(r"[^a-z0-9]")
_WORDS = regex.compile(r"\p{L}+")


@dataclass
class Evidence:
    """What the parsers saw, beside the values themselves."""

    ocr: bool = False
    corrected: set[str] = field(default_factory=set)  # fields a post-OCR correction touched
    metadata: dict[str, str] = field(default_factory=dict)
    signed_at: str | None = None  # e-signature stamp date (ISO)


def _agree(a: str | None, b: str | None) -> bool:
    return bool(a and b) and _NOT_KEY.sub("", fold_accents(a)) == _NOT_KEY.sub("", fold_accents(b))


def rate(h: Header, signer: Signer | None, ev: Evidence) -> tuple[dict[str, float], list[str]]:
    """Confidence per field (see the module docstring) and a warning for each
    value under `SURE`. `h` is the header parser's `Header`."""
    c: dict[str, float] = {}
    why: dict[str, str] = {}
    meta = ev.metadata
    ocr = ev.ocr

    def put(name: str, value: float, reason: str) -> None:
        if name in ev.corrected and value > 0.8:
            value, reason = 0.8, "OCR reading corrected"
        c[name] = round(value, 3)
        why[name] = reason

    num = h.number
    meta_num = meta.get("number_symbol")
    # Number.
    if num is None:
        put("number", 0.5, "no number line found")
    elif num.number is None:
        if h.confidence.get("number", 1.0) < 0.5:
            put("number", 0.2, "number garbled")
        else:
            put("number", 0.6 if ocr else 0.95, "number left blank" + (" (OCR may miss a stamped number)" if ocr else ""))
    else:
        base = h.confidence.get("number", num.confidence)
        if meta_num and _agree(meta_num.split("/")[0], num.number):
            put("number", 1.0, "agrees with the page's metadata")
        elif ocr:
            put("number", min(base, 0.75), "OCR of a number (often stamped or handwritten)")
        else:
            put("number", base, "read as printed")
    # Symbol.
    if num is None or not num.symbol:
        put("symbol", 0.5, "no symbol")
    else:
        kind, body = split_symbol(num.symbol)
        known = bool(kind or body)
        if meta_num and _agree(meta_num.split("/", 1)[-1], num.symbol):
            put("symbol", 1.0, "agrees with the page's metadata")
        elif c["number"] <= 0.2:
            put("symbol", c["number"], "the number beside it is garbled: the line is damaged")
        elif ocr:
            # OCR reads Đ as D and drops hyphens: a symbol is sure only when the
            # header's issuer is the body its code names.
            agree = body is not None and h.issuer is not None and _agree(body, h.issuer)
            put("symbol", 0.9 if known and agree and "D" not in num.symbol.replace("Đ", "") else 0.75,
                "OCR of the symbol")
        else:
            put("symbol", 1.0 if known else 0.9, "read as printed")
    # Issue date.
    if h.issued is None:
        put("issued", h.confidence.get("issued", 0.4), "no issue date read")
    else:
        base = h.confidence.get("issued", 1.0)
        iso = h.issued.iso
        if meta.get("issued") and meta["issued"].startswith(iso) and h.issued.precision == "day":
            put("issued", 1.0, "agrees with the page's metadata")
        elif ev.signed_at and ev.signed_at.startswith(iso) and h.issued.precision == "day":
            put("issued", max(base, 0.95), "agrees with the e-signature stamp")
        elif ocr:
            put("issued", min(base, 0.75 if h.issued.precision == "day" else 0.5), "OCR of the date's digits")
        else:
            put("issued", base, "read as printed")
    # Place.
    if h.place is None:
        put("place", 0.5, "no place read")
    else:
        known = is_place(h.place)
        if ocr:
            put("place", 0.9 if known else 0.6, "OCR; " + ("a known place" if known else "not a known place"))
        else:
            put("place", 1.0 if known else 0.9, "a known place" if known else "read as printed")
    if h.place is not None and h.issued is None and "issued" in h.confidence:
        # The place was read off a date line that could not be read: as doubtful as the date.
        put("place", min(c["place"], c["issued"]), "read off an unreadable date line")
    # Issuer and parent.
    b = h.bodies
    sym_body = split_symbol(num.symbol)[1] if num is not None and num.symbol else None
    if h.issuer is None:
        put("issuer", 0.3, "no issuer read")
    elif h.issuer_source == "symbol":
        put("issuer", 0.8, "implied by the symbol's issuer code")
    else:
        known = bool(b and b.issuer_known) or known_name(h.issuer) is not None
        agree = _agree(meta.get("issuer"), h.issuer) or (sym_body is not None and _agree(sym_body, h.issuer))
        repaired = bool(b and b.repaired)
        if agree:
            put("issuer", 1.0 if not ocr else 0.95, "agrees with the symbol or the page's metadata")
        elif ocr:
            put("issuer", 0.9 if known and not repaired else 0.7, "OCR; " + ("a known body" if known else "not a known body"))
        else:
            put("issuer", 0.95 if known or not repaired else 0.75, "read as printed")
    if h.parent_issuer is None:
        single = h.issuer is not None and h.issuer_source == "header" and not (b and b.repaired)
        put("parent_issuer", (0.8 if ocr else 0.95) if single else 0.6, "one body in the header" if single else "no parent read")
    else:
        known = bool(b and b.parent_known)
        if ocr:
            put("parent_issuer", 0.9 if known else 0.7, "OCR; " + ("a known body" if known else "not a known body"))
        else:
            put("parent_issuer", 0.95 if known or not (b and b.repaired) else 0.75, "read as printed")
    # Document type.
    src = h.doc_type_source
    if _agree(meta.get("doc_type"), h.doc_type):
        put("doc_type", 1.0, "agrees with the page's metadata")
    elif src in ("title", "sentence"):
        put("doc_type", 0.95, "type title printed")
    elif src == "symbol":
        put("doc_type", 0.85, "implied by the symbol's type code")
    elif h.subject_source == "vv":
        put("doc_type", 0.95, "a V/v subject: công văn")
    else:
        put("doc_type", 0.6, "no title, no V/v line: công văn by default")
    # Subject.
    if h.subject is None:
        put("subject", 0.4, "no subject read")
    else:
        words = _WORDS.findall(h.subject)
        clean = bool(words) and sum(1 for w in words if is_syllable(w) or w.isupper()) / len(words) >= 0.97
        if ocr:
            put("subject", 0.8 if clean else 0.5, "OCR of the subject")
        else:
            put("subject", 0.95 if clean else 0.7, "read as printed")
    # Signer.
    name = signer.name if signer else None
    if name is None:
        put("signer.name", 0.4, "no signer's name read")
    else:
        first = fold_accents(name.split()[0])
        family = first in surnames()
        syllables = all(is_syllable(w) for w in name.split())
        if _agree(meta.get("signer"), name):
            put("signer.name", 1.0, "agrees with the page's metadata")
        elif ocr:
            put("signer.name", 0.75 if family and syllables else 0.5, "OCR of a name")
        else:
            put("signer.name", 0.95 if family else 0.75, "starts with a family name" if family else "no known family name")
    title = signer.title if signer else None
    authority = signer.authority if signer else None
    for part, value in (("signer.title", title), ("signer.authority", authority)):
        if value is None:
            other = authority if part == "signer.title" else title
            # An office with no delegation line is the usual form: its null is sure when the office was read.
            put(part, (0.7 if ocr else 0.9) if other else 0.4, "none printed" if other else "signature block not read")
            continue
        offices = [KNOWN_OFFICES.get(fold_accents(_PREFIX.sub("", p.strip())).strip()) for p in _OFFICE_PARTS.split(value) if p.strip()]
        known = bool(offices) and all(offices)
        if ocr:
            put(part, 0.85 if known else 0.6, "OCR; " + ("a known office" if known else "not a known office"))
        else:
            put(part, 0.95 if known else 0.8, "a known office" if known else "read as printed")
    parts = [c[p] for p, v in (("signer.name", name), ("signer.title", title), ("signer.authority", authority)) if v]
    c["signer"] = min(parts) if parts else 0.4  # the signature block as one value
    if num is None:
        # No number line: the header's layout was not recognised (a database
        # banner above a pasted letter, a report without a header), so what
        # was taken for its issuer and subject may be something else.
        for name in ("issuer", "parent_issuer", "subject", "doc_type"):
            if c[name] > 0.85:
                put(name, 0.85, "no number line: the header's layout was not recognised")
    warnings = [f"low confidence in {k} ({v:.2f}): {why[k]}" for k, v in c.items()
                if k in why and v < SURE and _has_value(k, h, signer)]
    return c, warnings


def _has_value(name: str, h: Header, signer: Signer | None) -> bool:
    if name.startswith("signer."):
        return bool(signer and getattr(signer, name.split(".")[1]))
    if name in ("number", "symbol"):
        return h.number is not None and getattr(h.number, name) is not None
    if name == "place":
        return h.place is not None
    return getattr(h, name, None) is not None
