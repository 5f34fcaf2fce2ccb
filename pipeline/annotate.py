"""A parsed letter as a spaCy Doc whose entities are the extracted fields.

Flow: file -> reader -> text -> field parsers -> `Letter` -> **annotate** ->
displaCy (notebook 04). Nothing here parses: every entity is a character span
the field parsers already recorded in `Letter.sources`, a reference's
mentions, a recipient or distribution entry, or a directive's label. spaCy is
only the carrier, so `displacy.render(doc, style="ent")` highlights exactly
what the record says it read and where.

The tokenizer is `spacy.blank("xx")`'s rule tokenizer (spaCy's own Vietnamese
tokenizer needs pyvi) plus a `token_match` that keeps document numbers such as
`4217/UBND-TH` and `30/2020/NĐ-CP` whole; spans are snapped to tokens with
`alignment_mode="expand"`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from congvan.models.records import Letter

# Entity labels, in the order a clash is settled: an earlier label wins a
# character range over a later one (the letter's own number over a reference
# that quotes it, a reference over the body paragraph around it).
LABELS: dict[str, str] = {
    "NUMBER": "the letter's number and symbol (Số: ...)",
    "ISSUED": "issue date",
    "PLACE": "place of issue",
    "ISSUER": "issuer (and parent body) in the header",
    "SUBJECT": "subject (V/v ..., Về việc ...)",
    "REF": "a cited document (every mention)",
    "RECIPIENT": "an addressee (Kính gửi)",
    "SIGNER": "authority, title and name of the signer",
    "DISTRIBUTION": "an entry of the Nơi nhận list",
    "DIRECTIVE": "a directive's label (1., a), -, Điều 2.)",
}
COLORS: dict[str, str] = {
    "NUMBER": "#f4a261", "ISSUED": "#e9c46a", "PLACE": "#d4e09b", "ISSUER": "#90be6d",
    "SUBJECT": "#a8dadc", "REF": "#ff8fab", "RECIPIENT": "#bdb2ff", "SIGNER": "#ffc6ff",
    "DISTRIBUTION": "#caffbf", "DIRECTIVE": "#dee2e6",
}
_FIELD_LABELS = {"number": "NUMBER", "issued": "ISSUED", "place": "PLACE", "issuer": "ISSUER",
                 "subject": "SUBJECT", "signer": "SIGNER"}
_DOC_NUMBER = re.compile(r"^\d[\d.]*(?:/\d{4})?/[^\W\d_][\w.]*(?:[-–][\w.]+)*$")


@lru_cache(maxsize=1)
def tokenizer_nlp() -> Language:
    """A blank multi-language pipeline whose tokenizer keeps document numbers whole."""
    import spacy
    from spacy.tokenizer import Tokenizer

    nlp = spacy.blank("xx")
    # (spaCy types a pipeline's tokenizer as any callable; a blank one has its own)
    assert isinstance(nlp.tokenizer, Tokenizer)
    nlp.tokenizer.token_match = _DOC_NUMBER.match
    return nlp


def letter_spans(letter: Letter) -> list[tuple[int, int, str]]:
    """(start, end, label) character spans of the letter's fields in `letter.text`,
    non-overlapping (see LABELS for who wins a clash), in text order."""
    n = len(letter.text)
    candidates: list[tuple[int, int, str]] = []

    def add(source: Any, label: str) -> None:
        if source is None:
            return
        start, end = max(0, source.start), min(n, source.end)
        # Trim blanks so a highlight never starts or ends on a line break.
        while start < end and letter.text[start].isspace():
            start += 1
        while end > start and letter.text[end - 1].isspace():
            end -= 1
        if end > start:
            candidates.append((start, end, label))

    for field, label in _FIELD_LABELS.items():
        add(letter.sources.get(field), label)
    for ref in letter.references:
        for source in ref.mentions or ((ref.source,) if ref.source else ()):
            add(source, "REF")
    for recipient in letter.recipients:
        add(recipient.source, "RECIPIENT")
    if not any(r.source for r in letter.recipients):
        add(letter.sources.get("recipients"), "RECIPIENT")
    for entry in letter.distribution:
        add(entry.source, "DISTRIBUTION")
    for directive in letter.directives:
        if directive.source is not None:
            # Only the label: the item's text is long and holds references.
            label_end = directive.source.start + _label_length(letter.text, directive.source.start, directive.label)
            add(type(directive.source)(start=directive.source.start, end=label_end), "DIRECTIVE")

    rank = {label: i for i, label in enumerate(LABELS)}
    taken: list[tuple[int, int, str]] = []
    for start, end, label in sorted(candidates, key=lambda c: (rank[c[2]], c[0], -(c[1] - c[0]))):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, label))
    return sorted(taken)


def _label_length(text: str, start: int, label: str) -> int:
    """Characters of the directive's marker at `start` (`3.`, `a)`, `Điều 2.`, `-`)."""
    m = re.match(r"\s*(?:Điều\s+)?" + re.escape(label) + r"[.):]?", text[start:start + len(label) + 12])
    return m.end() if m else len(label)


def letter_doc(letter: Letter) -> Doc:
    """`letter.text` as a spaCy Doc with one entity per extracted field span.

    Entities are set from the record's character spans with
    `doc.char_span(start, end, label=..., alignment_mode="expand")`; a span
    that clashes with one already set (after snapping to tokens) is dropped.
    `doc.user_data["congvan_labels"]` holds the label descriptions and
    `doc.user_data["congvan_colors"]` displaCy colours.
    """
    doc = tokenizer_nlp()(letter.text)
    ents = []
    used: set[int] = set()
    for start, end, label in letter_spans(letter):
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None or any(i in used for i in range(span.start, span.end)):
            continue
        used.update(range(span.start, span.end))
        ents.append(span)
    doc.ents = sorted(ents, key=lambda s: s.start)
    doc.user_data["congvan_labels"] = dict(LABELS)
    doc.user_data["congvan_colors"] = dict(COLORS)
    doc.user_data["title"] = letter.file or letter.id
    return doc
