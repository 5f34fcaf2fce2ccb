"""Text with layout -> a Letter record: the field parsers, run in page order.

Flow: `ReadResult` (any reader) -> `normalize()` -> lines -> header (top),
recipients, distribution and signature (bottom), then the body between them
for directives and references, and last the action items derived from all
of them: the Letter returned is whole. Every span found in the normalised text is
traced back through the normalisation map to the reader's line, so each
value keeps its page, bounding box or Word location.
"""
from __future__ import annotations

import hashlib
from typing import Any

import regex
from pydantic import BaseModel

from congvan.models.records import Letter, Source
from congvan.parsers import postocr
from congvan.parsers.fields.addressees import find_distribution, find_recipients, first_noi_nhan
from congvan.parsers.fields.confidence import Evidence, rate
from congvan.parsers.fields.directives import parse_directives
from congvan.parsers.fields.footer import enclosure_start, unmerge_footer
from congvan.parsers.fields.header import date_above_signature, parse_header
from congvan.parsers.fields.lines import split_lines
from congvan.parsers.fields.references import find_mentions, resolve
from congvan.parsers.fields.seams import split_seams
from congvan.parsers.fields.signer import find_signer
from congvan.parsers.fields.tasks import derive_tasks
from congvan.parsers.keys import number_key
from congvan.parsers.normalize import NormText, normalize
from congvan.parsers.readers.base import ReadResult

_PROVINCE = regex.compile(r"(?:tỉnh|thành phố|TP\.?)\s+(?P<name>[\p{Lu}][\p{L} ]+)$")


def letter_id(content: bytes | str) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()[:16]


class _Locator:
    """Maps a span of the normalised text to page / bbox / Word location."""

    def __init__(self, read: ReadResult, norm: NormText):
        self.read = read
        self.norm = norm
        _, self.starts = read.joined()

    def __call__(self, src: Source) -> Source:
        start = min(max(src.start, 0), len(self.norm.text))
        orig = self.norm.original(start)
        line = self.read.line_at(self.starts, orig)
        if line is None:
            return src
        return src.model_copy(update={"page": line.page, "bbox": line.bbox, "where": line.where})


def _locate_all(value: Any, locate: _Locator) -> Any:
    if isinstance(value, Source):
        return locate(value)
    if isinstance(value, BaseModel):
        updates = {}
        for name in type(value).model_fields:
            v = getattr(value, name)
            nv = _locate_all(v, locate)
            if nv is not v:
                updates[name] = nv
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, tuple):
        new = tuple(_locate_all(v, locate) for v in value)
        return new if any(a is not b for a, b in zip(new, value)) else value
    return value


def _province(*names: str | None) -> str | None:
    for name in names:
        if name:
            m = _PROVINCE.search(name)
            if m:
                return m["name"].strip()
    return None


_CORRECTABLE = frozenset({"number", "issued", "place", "issuer", "doc_type", "subject", "signer.name"})


def _corrected_fields(spans: dict[str, tuple[int, int]], corrections: list[postocr.Correction]) -> list[str]:
    """One warning per header field an OCR correction touched, with the raw reading."""
    out = []
    for name, (a, b) in spans.items():
        inside = [c for c in corrections if a <= c.start < b]
        if inside:
            changes = ", ".join(f"{c.raw!r} -> {c.fixed!r}" for c in inside)
            out.append(f"{name}: OCR reading corrected ({changes})")
    return out


def parse_read_result(read: ReadResult, *, file: str | None = None, content_hash: str | None = None) -> Letter:
    raw, _ = read.joined()
    norm = normalize(raw)
    # OCR output (and only OCR output) gets its misreadings put back; the
    # reading before correction stays in the warnings of each field it touched.
    norm, corrections, ocr_why = postocr.apply(read, norm)
    text = norm.text
    lines, seam_warnings, notes = split_seams(split_lines(text))
    warnings = list(read.warnings) + seam_warnings

    header = parse_header(lines, ocr=ocr_why is not None)
    warnings += header.warnings
    if corrections:
        warnings.append(f"{ocr_why}: {len(corrections)} OCR misreadings corrected")
        warnings += _corrected_fields(header.spans, corrections)
    recipients, kg_at, after_kg = find_recipients(lines, header.body_start, min(len(lines), header.body_start + 40))
    body_start = after_kg if kg_at is not None else header.body_start
    noi_nhan = first_noi_nhan(lines, body_start)
    if noi_nhan is not None:
        # An enclosed copy of another letter after the footer is not this letter.
        enclosure = enclosure_start(lines, noi_nhan)
        if enclosure is not None:
            warnings.append(f"text after line {enclosure} is an enclosed document and was left out of the record")
            lines = lines[:enclosure]
        lines = unmerge_footer(lines, noi_nhan)
    distribution, nn_at, nn_used = find_distribution(lines, body_start)
    footer_from = nn_at if nn_at is not None else len(lines)
    signer, sig_at = find_signer(lines, body_start, nn_used)
    said = len(header.warnings)
    date_above_signature(header, lines, sig_at)
    warnings += header.warnings[said:]
    if ocr_why is not None and signer is not None and signer.name:
        fixed, name_fixes = postocr.fix_person_name(signer.name)
        if name_fixes:
            warnings.append(f"signer.name: OCR reading corrected ({', '.join(f'{c.raw!r} -> {c.fixed!r}' for c in name_fixes)})")
            signer = signer.model_copy(update={"name": fixed})
    body_end = min(x for x in (footer_from, sig_at, len(lines)) if x is not None and x >= body_start)
    # A signature block above `Nơi nhận` ends the body there too.
    directives = parse_directives(lines, body_start, body_end)

    skip = ([header.spans["number"]] if "number" in header.spans else []) + notes
    own = header.number
    # The footer's columns were reordered: the letter ends at its furthest line.
    letter_text = text[: max(l.end for l in lines)] if lines else text
    mentions = find_mentions(letter_text, skip, number_key(own.number, own.symbol) if own else None)
    province = _province(header.parent_issuer, header.issuer) or header.place
    references = resolve(mentions, province, header.issuer)

    sources = {k: Source(start=a, end=b) for k, (a, b) in header.spans.items()}
    if body_start < body_end:
        # The body (preamble, items, closing): what the task stage reads.
        sources["body"] = Source(start=lines[body_start].start, end=lines[body_end - 1].end)
    if kg_at is not None:
        sources["recipients"] = Source(start=lines[kg_at].start, end=lines[max(after_kg - 1, kg_at)].end)
    if signer and signer.source:
        sources["signer"] = signer.source
    locate = _Locator(read, norm)
    sources = {k: locate(v) for k, v in sources.items()}
    evidence = Evidence(
        ocr=ocr_why is not None,
        corrected={w.split(":")[0] for w in warnings if w.split(":")[0] in _CORRECTABLE},
        metadata=dict(read.metadata),
        signed_at=read.metadata.get("signed_at"),
    )
    confidence, low = rate(header, signer, evidence)
    warnings += low
    number = header.number
    if number is not None:
        number = number.model_copy(update={"confidence": confidence["number"]})
    if number is not None and "number" in sources:
        number = number.model_copy(update={"source": sources["number"]})
    issued = header.issued
    if issued is not None and "issued" in sources:
        issued = issued.model_copy(update={"source": sources["issued"]})

    letter = Letter(
        id=letter_id(content_hash or text),
        file=file,
        content_hash=content_hash,
        format=read.format,
        encoding=read.encoding,
        number=number,
        issued=issued,
        place=header.place,
        issuer=header.issuer,
        parent_issuer=header.parent_issuer,
        issuer_source=header.issuer_source,  # type: ignore[arg-type]
        doc_type=header.doc_type,
        subject=header.subject,
        urgency=header.urgency,
        secrecy=header.secrecy,
        recipients=tuple(recipients),
        distribution=tuple(distribution),
        signer=signer,
        references=tuple(references),
        directives=tuple(directives),
        pages=read.pages,
        sources=sources,
        confidence=confidence,
        warnings=tuple(warnings),
        text=text,
    )
    letter = _locate_all(letter, locate)
    items, task_warnings = derive_tasks(letter)
    return letter.model_copy(update={"action_items": tuple(items), "warnings": letter.warnings + tuple(task_warnings)})
