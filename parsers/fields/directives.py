"""The body's labelled structure as a tree: `Phần`, `Chương`, `Mục`, Roman
parts, `Điều N.`, `1.` / `1.2.`, `a)`, dashes and plus signs.

Depth is assigned by a stack of the label kinds open above an item: a kind
already open closes everything below it (a sibling); a new kind opens one
level deeper, unless it ranks above kinds that are open (`Điều` after a
stray dash). Labels are kept as printed, repeats and skips included.
Items inside a quotation of another document are not this letter's items.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

import regex

from congvan.models.records import Directive, DirectiveKind, Source
from congvan.parsers.fields.lines import TextLine

_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{1,3}|V|X)"
LABEL = regex.compile(
    rf"""^(?:
        (?P<part>(?:Phần|PHẦN)\s+(?:thứ\s+\w+|THỨ\s+\w+|{_ROMAN}|\d+))(?:[.:\-]\s*|\s+|$)
      | (?P<chapter>(?:Chương|CHƯƠNG)\s+(?:{_ROMAN}|\d+))(?:[.:\-]\s*|\s+|$)
      | (?P<section>(?:Mục|MỤC)\s+(?:\d+|{_ROMAN}))(?:[.:\-]\s*|\s+|$)
      | (?P<article>(?:Điều|ĐIỀU)\s+\d+[a-z]?)(?:\s*[.:\-]\s*|\s+|$)
      | (?P<roman>{_ROMAN})\s*[.):\-/]\s*(?=\S)
      | (?P<number>\d{{1,2}}(?:\.\d{{1,2}}){{0,3}})(?:\.\)?|\)|\s?-(?!\d)|/(?!\d)|,(?=\s+Về\s))\s*(?=\S)
      | \((?P<proman>[ivx]{{1,4}})\)\.?\s*(?=\S)
      | (?P<letter>[a-zđ])\s?\)\s*(?=\S)
      | (?P<letterdot>[a-hk-nq-vxyđ])\.\s+(?=\p{{L}})
      | (?P<dash>[-–•])\s*(?=[\p{{L}}\d"(\[])
      | (?P<plus>\+)\s*(?=[\p{{L}}\d"(\[])
    )""",
    regex.VERBOSE,
)
# Higher kinds rank lower numbers; a kind may only nest under a lower rank.
_RANK = {"part": 0, "chapter": 1, "section": 2, "roman": 3, "article": 4, "number": 5,
         "letter": 7, "proman": 7.5, "dash": 8, "plus": 9}


@dataclass(frozen=True)
class _Open:
    kind: str
    index: int


# The record's kinds by name; the parser's own `number1`, `number2` ... (the
# depth of a `1.2.` label) are all `number` to the record.
_PUBLIC_KIND: dict[str, DirectiveKind] = {k: k for k in get_args(DirectiveKind)}


def _public_kind(kind: str) -> DirectiveKind:
    return "number" if kind.startswith("number") else _PUBLIC_KIND[kind]


def _kind_of(m: regex.Match[str]) -> tuple[str, str]:
    for kind in ("part", "chapter", "section", "article", "roman", "number", "proman", "letter", "letterdot", "dash", "plus"):
        if m[kind]:
            label = m[kind]
            if kind == "letterdot":
                return "letter", label
            if kind == "number" and "." in label:
                return f"number{label.count('.')}", label
            if kind in ("dash",):
                return "dash", "-"
            return kind, " ".join(label.split())
    raise ValueError(m.group())


def _rank(kind: str) -> float:
    if kind.startswith("number") and kind != "number":
        return 5 + int(kind[6:]) / 10
    return _RANK[kind]


def parse_directives(lines: list[TextLine], start: int, end: int) -> list[Directive]:
    """Directives among lines[start:end] (the body)."""
    items: list[Directive] = []
    stack: list[_Open] = []
    quote_open = False
    for line in lines[start:end]:
        text = line.text
        m = LABEL.match(text)
        starts_in_quote = quote_open
        quote_open = quote_open_after(text, quote_open)
        if not m or starts_in_quote:
            continue
        kind, label = _kind_of(m)
        if kind == "roman" and label in ("I", "V", "X") and not _plausible_roman(items, label):
            continue
        rank = _rank(kind)
        # An item that ends with a colon announces its own sub-items, whatever
        # their kind (`- ... cụ thể:` then `1-`); parts and articles never nest so.
        opens = (
            bool(items) and bool(stack) and rank >= _RANK["number"] and all(o.kind != kind for o in stack)
            and stack[-1].index == len(items) - 1 and items[-1].text.endswith(":")
        )
        while stack and not opens and (stack[-1].kind != kind and _rank(stack[-1].kind) >= rank):
            stack.pop()
        if stack and stack[-1].kind == kind and not opens:
            stack.pop()
        parent = stack[-1].index if stack else None
        depth = len(stack) + 1
        body = text[m.end():].strip()
        path_parts = [items[o.index].label for o in stack if o.kind not in ("dash", "plus")]
        if kind not in ("dash", "plus"):
            path_parts.append(label)
        items.append(Directive(
            index=len(items), depth=depth, label=label, kind=_public_kind(kind),
            text=body, path=_path(path_parts), parent=parent, source=Source(start=line.start, end=line.end),
        ))
        stack.append(_Open(kind, len(items) - 1))
    return items


def quote_open_after(text: str, open_: bool) -> bool:
    """Whether a quotation is open after this line: each `"` opens or closes
    one, except a closing mark right after a word with nothing open (an OCR
    speck after `quyết định"`), and a quotation opened inside a sentence that
    does not close on its line (`... và "cắt giảm ngành, nghề`, its closing
    mark lost): only one opened at the start of a line or after a colon
    (`quy định: "Điều 13 ...`) runs on to the next line."""
    inline = False
    for m in _QUOTE.finditer(text):
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        closer = bool(before) and not before.isspace() and before not in ":(" and (not after or not after.isalnum())
        if not open_ and closer:
            continue
        open_ = not open_
        if open_:
            head = text[:m.start()].rstrip()
            inline = bool(head) and not head.endswith(":")
    return open_ and not inline


_QUOTE = regex.compile(r'"')


def _path(parts: list[str]) -> str:
    """`3` + `a` -> `3.a`; `1` + `1.2` -> `1.2` (a label that holds its parent's)."""
    out: list[str] = []
    for p in parts:
        if out and p.startswith(out[-1] + "."):
            out[-1] = p
        else:
            out.append(p)
    return ".".join(out)


def _plausible_roman(items: list[Directive], label: str) -> bool:
    """`I.` opens a Roman sequence; a lone `V.`/`X.` needs Roman siblings before it."""
    if label == "I":
        return True
    return any(d.kind == "roman" for d in items)
