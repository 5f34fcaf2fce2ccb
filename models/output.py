"""The JSON form of a Letter that `congvan parse --json` prints.

The scored keys (number, symbol, issued, place, issuer, parent_issuer,
doc_type, subject, recipients, distribution, signer, references, directives,
action_items) are flat and plain, as ../shared/eval/score.py reads them;
everything a reader needs to trust a value (where it came from, how sure we
are, what went wrong) sits beside them under keys that never clash.
"""
from __future__ import annotations

from typing import Any

from congvan.models.nd30 import nd30_fields
from congvan.models.records import ActionItem, Letter, Source


def _src(source: Source | None) -> dict[str, Any] | None:
    return source.model_dump(exclude_none=True) if source else None


def action_item_to_json(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "letter_id": item.letter_id,
        "path": item.path,
        "label": item.label,
        "unit": item.unit,
        "unit_key": item.unit_key,
        "role": item.role,
        "collaborators": list(item.collaborators),
        "text": item.text,
        "deadline": item.deadline.date.iso if item.deadline and item.deadline.date else None,
        "deadline_text": item.deadline.text if item.deadline else None,
        "recurrence": item.recurrence,
        "rrule": item.rrule,
        "urgency": item.urgency,
        "report_to": item.report_to,
        "source": _src(item.source),
    }


def letter_to_json(letter: Letter) -> dict[str, Any]:
    num = letter.number
    signer = letter.signer
    return {
        "id": letter.id,
        "file": letter.file,
        "format": letter.format,
        "number": num.number if num else None,
        "symbol": num.symbol if num else None,
        "issued": letter.issued.iso if letter.issued else None,
        "issued_precision": letter.issued.precision if letter.issued else None,
        "place": letter.place,
        "issuer": letter.issuer,
        "parent_issuer": letter.parent_issuer,
        "doc_type": letter.doc_type,
        "subject": letter.subject,
        "urgency": letter.urgency,
        "secrecy": letter.secrecy,
        "recipients": [r.name for r in letter.recipients],
        "distribution": [{"name": d.name, "purpose": d.purpose} for d in letter.distribution],
        "signer": {
            "name": signer.name if signer else None,
            "title": signer.title if signer else None,
            "authority": signer.authority if signer else None,
        },
        "references": [
            {
                "doc_type": r.doc_type,
                "number": r.number,
                "symbol": r.symbol,
                "date": r.date.iso if r.date else None,
                "issuer": r.issuer,
                "relation": r.relation,
                "subject": r.subject,
                "text": r.text,
                "cites": [{"reference": i, "relation": rel} for i, rel in r.cites],
            }
            for r in letter.references
        ],
        "directives": [
            {"depth": d.depth, "label": d.label, "path": d.path, "kind": d.kind, "text": d.text}
            for d in letter.directives
        ],
        "action_items": [action_item_to_json(a) for a in letter.action_items],
        "nd30": nd30_fields(letter),
        "confidence": dict(letter.confidence),
        "warnings": list(letter.warnings),
        "pages": [p.model_dump(exclude_none=True) for p in letter.pages],
        "provenance": {
            **{k: _src(v) for k, v in letter.sources.items()},
            "recipients": [_src(r.source) for r in letter.recipients],
            "distribution": [_src(d.source) for d in letter.distribution],
            "references": [[_src(s) for s in r.mentions] for r in letter.references],
            "directives": [_src(d.source) for d in letter.directives],
        },
    }
