"""Human-readable summary of a Letter for `congvan parse` without --json."""
from __future__ import annotations

from congvan.models.records import Letter


def letter_summary(letter: Letter) -> str:
    num = letter.number
    ident = f"{num.number or '(blank)'}/{num.symbol}" if num and num.symbol else "(no number)"
    lines = [
        f"{letter.doc_type} {ident}",
        f"  issued    {letter.issued.iso if letter.issued else '-'}  at {letter.place or '-'}",
        f"  issuer    {letter.issuer or '-'}" + (f"  (under {letter.parent_issuer})" if letter.parent_issuer else ""),
        f"  subject   {letter.subject or '-'}",
    ]
    if letter.recipients:
        lines.append("  to        " + "; ".join(r.name for r in letter.recipients))
    if letter.signer:
        s = letter.signer
        lines.append("  signed    " + " / ".join(x for x in (s.authority, s.title, s.name) if x))
    if letter.references:
        lines.append(f"  cites     {len(letter.references)} document(s):")
        for r in letter.references:
            ident = f"{r.number}/{r.symbol}" if r.number else "(no number)"
            lines.append(f"    - [{r.relation}] {r.doc_type or ''} {ident} {r.issuer or ''}".rstrip())
    if letter.directives:
        lines.append(f"  directives {len(letter.directives)}:")
        for d in letter.directives:
            lines.append(f"    {'  ' * (d.depth - 1)}{d.label} {d.text[:70]}")
    if letter.action_items:
        lines.append(f"  action items {len(letter.action_items)}:")
        for a in letter.action_items:
            lines.append(f"    [{a.path or '-'}] {a.unit} ({a.role})" + (f" due {a.deadline.date.iso}" if a.deadline and a.deadline.date else ""))
    if letter.distribution:
        lines.append(f"  copies    {len(letter.distribution)}: " + "; ".join(d.name for d in letter.distribution))
    for w in letter.warnings:
        lines.append(f"  warning   {w}")
    return "\n".join(lines)
