"""Every reader must hand the parser the same letter.

Place in the flow: reader (txt/docx/pdf/OCR) -> field parsers -> record. The
letters in `data/samples/generated/` (made by `scripts/make_samples.py`) hold
one text each in many formats: the UTF-8 TXT, a DOCX with the real two-column
layout, LibreOffice's PDF of it, a scan of that PDF (OCR), and the TXT in
legacy encodings. Parsing each must give the fields the TXT gives; the TXT
itself must give the gold answers on the header fields.

A failing case names the letter, the format and the field.
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import congvan

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
GENERATED = SAMPLES / "generated"
GOLD = SAMPLES / "gold"

LETTERS = sorted(p.name[: -len(".docx")] for p in GENERATED.glob("*.docx"))

# format -> file suffix next to `<letter>.txt`
FORMATS = {
    "docx": ".docx",
    "pdf": ".pdf",
    "scan": ".scan.pdf",
    "tcvn3": ".tcvn3.txt",
    "vni": ".vni.txt",
    "cp1258": ".cp1258.txt",
    "utf16": ".utf16.txt",
    "utf8bom": ".utf8bom.txt",
}
ALL_FIELDS = ("number", "symbol", "issued", "place", "issuer", "parent_issuer", "doc_type", "subject",
              "recipients", "distribution", "signer", "references", "directives")
# OCR of a 200 dpi scan misreads some letters: demand the identity fields only.
OCR_FIELDS = ("number", "symbol", "issued", "issuer")
HEADER_FIELDS = ("number", "symbol", "issued", "place", "issuer", "parent_issuer", "doc_type", "subject")

# make_samples.py writes these as ASCII in TCVN3 and VNI, which have no code for them.
_ASCII_FOLD = str.maketrans({"–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "..."})


@cache
def parsed(path: str) -> dict[str, Any]:
    return congvan.to_json(congvan.parse(path))


def _text(value: str, fmt: str) -> str:
    # Layout may change where a line breaks, never the words: compare words.
    value = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()
    if fmt in ("tcvn3", "vni"):
        value = value.translate(_ASCII_FOLD)
    if fmt == "tcvn3":
        # TCVN3 has no toned capitals (real files draw them with a capitals font).
        value = value.casefold()
    return value


def _norm(value: Any, fmt: str) -> Any:
    if isinstance(value, str):
        return _text(value, fmt)
    if isinstance(value, list):
        return [_norm(v, fmt) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v, fmt) for k, v in value.items()}
    return value


def project(record: dict[str, Any], field: str, fmt: str) -> Any:
    """The scored part of a field, normalised for the format's limits."""
    value = record.get(field)
    if field == "references":
        value = [{"number": r.get("number"), "symbol": r.get("symbol")} for r in value or []]
    elif field == "directives":
        value = [{"depth": d.get("depth"), "label": d.get("label")} for d in value or []]
    elif field == "distribution":
        value = [{"name": d.get("name"), "purpose": d.get("purpose")} for d in value or []]
    elif field == "signer" and value is not None:
        value = {k: value.get(k) for k in ("name", "title", "authority")}
    return _norm(value, fmt)


def _cases() -> list[Any]:
    cases = []
    for letter in LETTERS:
        for fmt in FORMATS:
            for field in OCR_FIELDS if fmt == "scan" else ALL_FIELDS:
                cases.append(pytest.param(letter, fmt, field, id=f"{letter}-{fmt}-{field}"))
    return cases


def test_samples_exist() -> None:
    """Guards the parametrisation: an empty sample folder must fail, not pass."""
    assert len(LETTERS) >= 4, f"expected the generated letters in {GENERATED}; run scripts/make_samples.py"
    for letter in LETTERS:
        for suffix in (".txt", *FORMATS.values()):
            assert (GENERATED / f"{letter}{suffix}").is_file(), f"{letter}{suffix} is missing"


@pytest.mark.slow
@pytest.mark.parametrize(("letter", "fmt", "field"), _cases())
def test_format_agrees_with_txt(letter: str, fmt: str, field: str) -> None:
    reference = parsed(str(GENERATED / f"{letter}.txt"))
    other = parsed(str(GENERATED / f"{letter}{FORMATS[fmt]}"))
    assert project(other, field, fmt) == project(reference, field, fmt)


@pytest.mark.parametrize(
    ("letter", "field"),
    [pytest.param(letter, field, id=f"{letter}-gold-{field}") for letter in LETTERS for field in HEADER_FIELDS],
)
def test_txt_matches_gold(letter: str, field: str) -> None:
    gold_path = GOLD / f"{letter}.json"
    assert gold_path.is_file(), f"no gold file for {letter} in {GOLD}"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    record = parsed(str(GENERATED / f"{letter}.txt"))
    assert project(record, field, "txt") == project(gold, field, "txt")
