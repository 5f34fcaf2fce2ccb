"""Letter -> action items: who must act on each directive, with whom, by when.

Flow: file -> reader -> normalise -> field parsers (header, addressees,
signer, directives, references) -> **action items** -> Letter. The last field
parser: `parsers/letter.py` calls `derive_tasks` on the letter the others
built. This module is the assembly; `task_sentences.py` reads each sentence
and `units.py` recognises unit names.

The body is cut into regions: the preamble (before the first numbered or
lettered item), one region per item (its label line, the paragraphs that
continue it and its dash points: dashes never enter a path), and the
closing paragraph (none after a decision's last `Điều`). A sentence that
names its units gives them the task. A region whose sentences ask without
naming anyone falls to the unit of its heading (`2. Chánh Thanh tra Bộ`,
`Điều 3. Nhiệm vụ, quyền hạn của Tổ công tác`, a paragraph ending `... đề
nghị Bộ Xây dựng:` over sub-items), else to the units the preamble (or an
earlier item ending `... yêu cầu:`) hands the items to: `... yêu cầu các
phòng, đơn vị ... thực hiện các nội dung sau:` names them; a preamble that
reports, gives opinions (`có ý kiến như sau:`) or informs (`thông báo kế
hoạch ... như sau:`) leaves only the items that ask something (`đề nghị`,
`có trách nhiệm`) to the addressees. The addressees are the Kính gửi entries,
or without them the Nơi nhận entries sent `để thực hiện`. The preamble and
closing give items only where a sentence assigns someone (path ""); a notice
`... để X biết, thực hiện` gives X an item only when nothing else does. A
unit is written as the addressee it names short (`Công ty`, `Quý Sở`) and
spelled as the letter spells it right elsewhere when OCR misread it. A
deadline before the letter's own date is dropped with a warning.
Everything here runs in time linear in the letter's length.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

import regex

from congvan.models.records import ActionItem, Deadline, Directive, Letter, Source
from congvan.parsers.fields.deadlines import deadline_warning, is_urgent, parse_deadline, parse_recurrence
from congvan.parsers.fields.lines import fold_accents as plain_fold
from congvan.parsers.fields.task_sentences import (
    ASSIGN,
    Assign,
    heading_units,
    read_all,
    sentences,
    squash,
    strong_ask,
)
from congvan.parsers.fields.units import (
    PREDICATE,
    UnitMention,
    find_units,
    is_vague,
    lexicon_words,
    name_key,
    office_to_unit,
    unit_key,
)

# `báo cáo (kết quả) (về) Bộ trưởng và Lãnh đạo Bộ`: who hears back.
REPORT_TO = regex.compile(
    r"\bbáo\s+cáo(?:\s+kết\s+quả(?:\s+thực\s+hiện)?)?(?:\s+(?:về|gửi|lên))?\s+(?P<to>(?:Thủ\s+tướng|Bộ\s+trưởng|Lãnh\s+đạo|Chủ\s+tịch"
    r"|Giám\s+đốc|Ủy\s+ban|UBND|Sở|Bộ|Văn\s+phòng|Cục|Tổng\s+cục|Ban|Phó\s+Thủ\s+tướng)[^,;.:()]{0,60}?)(?=\s*(?:[,;.:()]|để|trước|theo|trong|vào|định|$))"
)
# The line that opens a closing paragraph after the last item.
CLOSING_CUE = regex.compile(
    r"^(?:Giao|Đề\s+nghị|Yêu\s+cầu|Căn\s+cứ\s+(?:ý\s+kiến|nội\s+dung)|Trên\s+đây|Trong\s+quá\s+trình|Nhận\s+được"
    r"|Trân\s+trọng|Quá\s+trình\s+thực\s+hiện|Căn\s+cứ\s+(?:văn\s+bản|công\s+văn|chỉ\s+đạo)\s+(?:này|trên))\b"
)
_CLOSING_LEAD = regex.compile(r"^(?:Do\s+đó|Vì\s+vậy|Như\s+vậy|Từ\s+những\s+nội\s+dung\s+trên)\s*,\s*")
# The preamble gives its opinion or a report, item by item.
_OPINION = regex.compile(r"(?:có\s+[ýy]\s+ki[ếêe]n(?:\s+\S+){0,4}|báo\s+cáo(?:\s+\S+){0,12})\s+(?:như\s+sau|sau)\s*:?$")
_LABEL_SKIP = ("dash", "plus")
_PLACE_TAIL = regex.compile(r"^(?:tỉnh|thành\s+phố|tp\.?|huyện|quận|thị\s+xã|xã|phường)\s+\S+(?:\s+\S+){0,3}$")
_BARE_HEAD = regex.compile(r"^(?:Công\s+ty|Tổng\s+công\s+ty|Doanh\s+nghiệp|Đơn\s+vị|Cục|Sở|Chi\s+cục|Trường|Trung\s+tâm|Ban"
                           r"|Chi\s+nhánh|Hợp\s+tác\s+xã|Tập\s+đoàn)$")


@dataclass
class _Region:
    path: str
    label: str | None
    start: int
    end: int
    text: str
    directive: Directive | None = None


@dataclass
class _Draft:
    region: _Region
    found: list[Assign]
    fallback: list[str] = field(default_factory=list)
    addressed: list[str] = field(default_factory=list)  # the units the preamble hands the items to


def _to_recipient(name: str, recipients: list[str]) -> str:
    """The text's short or partial naming of an addressee is that addressee
    (`recipients` are the addressees as units, offices resolved): the
    preamble's `các phòng, đơn vị thuộc và trực thuộc Sở` is `Các phòng, đơn
    vị thuộc Sở` when every word of the addressee is in it (and it lists no
    more kinds); a bare head (`đề nghị Công ty báo
    cáo ...`, `Quý Sở`) is the one addressee whose name holds it, or the
    one business addressed; a class of the addressee's kinds (`tổ chức, cá
    nhân khai thác khoáng sản`) is that addressee. Otherwise, and when only
    the place is left out (`Sở Công thương` of `Sở Công thương tỉnh Lào
    Cai`), the text's own naming stands."""
    folded = name_key(name)
    words = set(folded.replace(",", " ").split())
    for r in recipients:
        rw = set(name_key(r).replace(",", " ").split())
        if rw and rw <= words and r.count(",") >= name.count(","):
            return r
    if "các" not in words:
        starts = [r for r in recipients if name_key(r).startswith(folded) and name_key(r) != folded
                  and not _PLACE_TAIL.match(name_key(r)[len(folded):].strip())]
        if len(starts) == 1:
            return starts[0]
        if _BARE_HEAD.match(name):
            holds = [r for r in recipients if regex.search(rf"(?:^|\s){regex.escape(folded)}(?:\s|$)", name_key(r))]
            if len(holds) == 1:
                return holds[0]
            if _BUSINESS.match(name):
                firms = [r for r in recipients if _BUSINESS.match(r)]
                if len(firms) == 1 and len(recipients) == 1:
                    return firms[0]
            if _BARE_KIND.fullmatch(name) and len(recipients) == 1:
                return recipients[0]  # `đơn vị` of a letter with one addressee is that addressee
    return name


class _Spellings:
    """A misread unit (`Công ty Cô phần Năng lượng Báo Long`, `các Cục Hải
    quan tinh, thành phó`) is written the way the letter spells it right
    elsewhere (Kính gửi, the preamble): among the spellings that differ only
    in accents, the one that reads its level words right (`tỉnh`, not
    `tính`), then the one with more words of underthesea's lexicon (`cổ
    phần`, not `cô phần`), then the more frequent, then the one with more
    accent marks (OCR drops marks far more often than it adds them); a tie
    keeps the body's own spelling. The letter is folded once; at most
    `LIMIT` distinct names are looked up, so a huge letter stays linear."""

    LIMIT = 200

    def __init__(self, text: str, recipients: list[str]):
        self.flat = squash(text)
        self.folded = plain_fold(self.flat)
        self.low = self.flat.casefold()
        self.recipients = recipients
        self.done: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name in self.done:
            return self.done[name]
        if len(self.done) >= self.LIMIT:
            return name
        self.done[name] = out = self._respell(name)
        return out

    def _respell(self, name: str) -> str:
        plain = plain_fold(name)
        if len(plain) < 6:
            return name
        variants = {name: 0}
        for r in self.recipients:
            if plain_fold(r) == plain:
                variants.setdefault(r, 0)
        pos = self.folded.find(plain)
        while pos >= 0 and len(variants) < 12:
            variants[self.flat[pos:pos + len(plain)]] = 0
            pos = self.folded.find(plain, pos + 1)
        if len(variants) == 1:
            return name

        def score(v: str) -> tuple[int, int, int, int]:
            # (Last, the spelling with more marks: OCR drops accents far more
            # often than it adds them.)
            marks = sum(unicodedata.combining(c) > 0 for c in unicodedata.normalize("NFD", v))
            return len(_LEVEL_WORD.findall(v)), _lexicon_pairs(v), self.low.count(v.casefold()), marks

        best = max(variants, key=score)
        return best if score(best) > score(name) else name


def _lexicon_pairs(text: str) -> int:
    words = text.casefold().replace(",", " ").split()
    lexicon = lexicon_words()
    return sum(f"{a} {b}" in lexicon for a, b in zip(words, words[1:]))


_LEVEL_WORD = regex.compile(r"\b(?:tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn)\b")


def _same_class(name: str, addressed: list[str]) -> str:
    """A point that restates the class the preamble addressed (`Tổ chức, cá
    nhân khai thác khoáng sản ...` after `yêu cầu các tổ chức, cá nhân hoạt
    động khoáng sản ... thực hiện:`) names that addressee."""
    kinds = _class_kinds(name_key(name))
    if kinds and not name_key(name).startswith("các "):
        same = [r for r in addressed if _class_kinds(name_key(r)) == kinds]
        if len(same) == 1:
            return same[0]
    return name


def _rest_after(whole: str, part: str) -> str:
    """What `whole` adds to `part` when it only appends words (else `whole`)."""
    return whole[len(part):].strip() if whole.startswith(part) else whole


# Qualifiers a class leaves out without naming anything else: a province
# is always `trực thuộc Trung ương`, a Sở's class always the province's.
_IMPLIED_TAIL = regex.compile(r"(?:trực\s+)?thuộc\s+(?:trung\s+ương|tw|ubnd\s+tỉnh|tỉnh)|(?:có\s+)?liên\s+quan")
_BUSINESS = regex.compile(r"^(?:Công\s+ty|Tổng\s+công\s+ty|Doanh\s+nghiệp|Chi\s+nhánh|Hợp\s+tác\s+xã|Tập\s+đoàn)\b",
                          regex.IGNORECASE)
_CLASS_KINDS = regex.compile(r"^(?:các\s+)?(?P<kinds>(?:tổ\s+chức|cá\s+nhân|doanh\s+nghiệp|hộ\s+kinh\s+doanh)"
                             r"(?:\s*,\s*(?:tổ\s+chức|cá\s+nhân|doanh\s+nghiệp|hộ\s+kinh\s+doanh))+)\b")


def _class_kinds(folded: str) -> tuple[str, ...]:
    """The kinds a class of private parties lists (`tổ chức, cá nhân`)."""
    m = _CLASS_KINDS.match(folded)
    return tuple(k.strip() for k in m["kinds"].split(",")) if m else ()


def _recipient_units(letter: Letter) -> list[str]:
    """The addressees as units (`Bộ trưởng Bộ Xây dựng` -> Bộ Xây dựng);
    without a Kính gửi, the Nơi nhận entries sent `để thực hiện` (to carry
    out) are the addressees."""
    out: list[str] = []
    names = [squash(r.name) for r in letter.recipients] or [
        squash(d.name) for d in letter.distribution if d.purpose and _TO_CARRY_OUT.search(d.purpose)]
    for name in names:
        units = find_units(name, generic=True)
        if units and units[-1].end >= len(name) - 1 and len(units) > 1 and not _joins(units):
            out += [u.name for u in units]
        else:
            out.append(_joined_name(units) if units and _joins(units) else office_to_unit(name))
    return out


def _joins(units: list[UnitMention]) -> bool:
    """`Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ`:
    offices of classes that together address one class of bodies."""
    return len(units) > 1 and all(u.name.startswith(("Các", "Cơ quan")) for u in units)


def _joined_name(units: list[UnitMention]) -> str:
    parts = [_PLURAL_OPEN.sub("", u.name) for u in units]
    return "Các " + ", ".join(p[:1].lower() + p[1:] if p.split()[0] in ("Cơ", "Bộ") else p for p in parts)


def _joined_entries(letter: Letter) -> dict[str, str]:
    """Addressee entries that list classes through their offices, by their
    plain wording: `Bộ trưởng, Thủ trưởng cơ quan ngang bộ` -> `Các Bộ, cơ
    quan ngang bộ`."""
    entries = {}
    for r in letter.recipients:
        units = find_units(squash(r.name), generic=True)
        if _joins(units):
            entries[_plain(r.name)] = _joined_name(units)
    return entries


def _join_by_recipient(assigns: list[Assign], entries: dict[str, str]) -> list[Assign]:
    """Classes listed through their offices the way one addressee entry
    lists them (`Bộ trưởng, Thủ trưởng cơ quan ngang bộ`, as in Kính gửi)
    are that one addressee: `Các bộ, cơ quan ngang bộ`. Listed otherwise
    (`Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính
    phủ`) they stay one unit each."""
    if not entries:
        return assigns
    out: list[Assign] = []
    i = 0
    while i < len(assigns):
        a = assigns[i]
        done = False
        for j in range(len(assigns) - 1, i, -1):
            group = assigns[i:j + 1]
            if any(g.start != a.start or g.role != a.role for g in group):
                continue
            span = _plain(a.sentence[a.unit.start:group[-1].unit.end])
            if span in entries:
                u = a.unit
                out.append(Assign(UnitMention(entries[span], u.raw, u.start, group[-1].unit.end, True), a.role,
                                  a.sentence, a.start, a.end, a.notice, a.more))
                i = j + 1
                done = True
                break
        if not done:
            out.append(a)
            i += 1
    return out


def _plain(text: str) -> str:
    return _PLURAL_WORDS.sub("", name_key(text))


def _regions(letter: Letter) -> tuple[_Region | None, list[_Region], _Region | None]:
    body = letter.sources.get("body")
    text = letter.text
    assert body is not None
    directives = [d for d in letter.directives if d.source and body.start <= d.source.start <= body.end]
    items = [d for d in directives if d.kind not in _LABEL_SKIP]
    last_end = max((d.source.end for d in directives if d.source), default=body.start)
    # A last item that is only a heading (`2.6. Ý kiến khác`) keeps the
    # paragraph under it even when it opens with `Đề nghị`.
    bare = (bool(items) and items[-1] is directives[-1] and len(items[-1].text.split()) <= 8
            and not _CLOSED.search(items[-1].text))
    # A decision's articles run to the end of its body: no closing follows
    # the last `Điều`.
    articles = any(d.kind == "article" for d in items)
    closing_at = _closing_start(letter, last_end, body.end, skip_first=bare, heading_last=bare) \
        if items and not articles else body.end
    first = items[0].source.start if items else closing_at  # type: ignore[union-attr]
    preamble = _Region("", None, body.start, first, text[body.start:first]) if first > body.start else None
    regions: list[_Region] = []
    for i, d in enumerate(items):
        start = d.source.end  # type: ignore[union-attr]
        end = items[i + 1].source.start if i + 1 < len(items) else closing_at  # type: ignore[union-attr]
        regions.append(_Region(d.path, d.label, d.source.start, max(end, start),  # type: ignore[union-attr]
                               d.text + "\n" + text[start:max(end, start)], d))
    closing = _Region("", None, closing_at, body.end, text[closing_at:body.end]) if items and closing_at < body.end else None
    return preamble, regions, closing


def _closing_start(letter: Letter, after: int, end: int, *, skip_first: bool = False, heading_last: bool = False) -> int:
    """Where the closing paragraph starts after the last labelled item: the
    first line that opens with an assigning word, the issuer or an acting
    unit (after `Do đó,`); continuation lines (`Trường hợp ...`, `Đồng
    thời ...`) stay with the item."""
    text = letter.text
    pos = text.find("\n", after)
    issuer = name_key(letter.issuer or "") if letter.issuer else None
    while 0 <= pos < end:
        nxt = text.find("\n", pos + 1)
        nxt = end if nxt < 0 or nxt > end else nxt
        line = text[pos + 1:nxt].strip(" *|").lstrip("_~ ")  # (`_ Do đó, ...`: an OCR'd mark)
        lead = _CLOSING_LEAD.match(line)
        core = line[lead.end():] if lead else line
        if line and skip_first:
            skip_first = False
        elif line:
            if CLOSING_CUE.match(core) or (issuer and name_key(core[:len(issuer) + 10]).startswith(issuer)) or line.startswith("("):
                return pos + 1
            # (Under a last item that is only a heading, `III. KẾ HOẠCH CỤ
            # THỂ`, lines led by a unit are that item's content.)
            units = find_units(core[:400]) if not heading_last else []
            if units and PREDICATE.match(core[units[-1].end:].lstrip(" ,")):
                return pos + 1
        pos = nxt if nxt > pos else end
    return end


_FURNITURE = regex.compile(r"^(?:-+\s*PAGE\b.*|\d{1,3}|[^.;:!?]{0,80}(?:www\.|\+\d{2}|Tel\b|®).{0,80}|\W*)$", regex.IGNORECASE)
# Small patterns of the assembly, compiled once.
_BARE_KIND = regex.compile(r"Đơn\s+vị|Doanh\s+nghiệp")
_TO_CARRY_OUT = regex.compile(r"thực\s+hiện")
_PLURAL_OPEN = regex.compile(r"^(?:Các|các)\s+")
_PLURAL_WORDS = regex.compile(r"\b(?:các|những|đồng chí)\s+")
_CLOSED = regex.compile(r"[.;:!?]\s*$")
_ASKS_COLON = regex.compile(r"\b(?:yêu\s+cầu|đề\s+nghị)\s*:\s*$")  # `Tổng cục Hải quan yêu cầu:`
_REPORT = regex.compile(r"\bbáo\s+cáo\b")
_GUIDES_AS_FOLLOWS = regex.compile(r"\b(?:hướng\s+dẫn|chỉ\s+đạo)\b[^.;:]{0,80}(?:như\s+sau|sau)\s*:?\s*$")
_URGENT = regex.compile(r"khẩn|hỏa\s+tốc|hoả\s+tốc", regex.IGNORECASE)
_LOWER_WORDS = regex.compile(r"[\p{Ll}\s]+")


def _without_furniture(text: str) -> str:
    """The text without the page furniture a scan or a web copy leaves at
    its end (`--- PAGE BREAK ---`, a page number, a site's phone line)."""
    lines = text.rstrip().split("\n")
    while lines and _FURNITURE.match(lines[-1].strip(" *|")):
        lines.pop()
    return "\n".join(lines).rstrip(" *\n")


def _intro_kind(preamble: str) -> str:
    """How the preamble introduces the items: `assign` (`... yêu cầu các
    phòng, đơn vị thực hiện các nội dung sau:`), `opinion` (`có ý kiến như
    sau:`, `báo cáo và đề nghị ... như sau:`) or `inform` (`thông báo kế
    hoạch kiểm tra ... cụ thể như sau:`, `gồm:`)."""
    flat = squash(preamble)
    found = sentences(flat, 0)
    last = found[-1][0] if found else ""
    if _OPINION.search(last):
        return "opinion"
    m = None
    for m in ASSIGN.finditer(last):  # noqa: B007 - the last match is wanted
        pass
    if m is None:
        m = _ASKS_COLON.search(last)  # `Tổng cục Hải quan yêu cầu:`
    if m is not None:
        return "opinion" if _REPORT.search(last[:m.start()]) else "assign"
    if _GUIDES_AS_FOLLOWS.search(last):
        return "assign"
    return "inform"


def _intro_units(preamble: str) -> list[str]:
    """Units named by the last assigning verb of an introducing preamble."""
    flat = squash(preamble)
    last = None
    for last in ASSIGN.finditer(flat):  # noqa: B007 - the last match is wanted
        pass
    if last is None:
        return []
    return [u.name for u in find_units(flat, generic=True, start=last.end()) if not is_vague(u.name)]


def _letter_key(letter: Letter) -> str:
    number, symbol, issuer, year = letter.identity
    if number and symbol and issuer and year:
        return f"{number}/{symbol}|{name_key(issuer)}|{year}"
    return letter.content_hash or letter.id


def derive_action_items(letter: Letter) -> list[ActionItem]:
    """Every (directive, unit, role) the letter assigns, in document order."""
    return derive_tasks(letter)[0]


def derive_tasks(letter: Letter) -> tuple[list[ActionItem], list[str]]:
    """The action items and the warnings their deadlines raise."""
    if "body" not in letter.sources:
        return [], []
    recipients = _recipient_units(letter)
    issuer = letter.issuer
    report = bool(letter.doc_type and name_key(letter.doc_type).startswith("báo cáo"))
    preamble, regions, closing = _regions(letter)
    by_index = {d.index: d for d in letter.directives}
    has_children = {d.parent for d in letter.directives if d.kind not in _LABEL_SKIP and d.parent is not None}
    drafts: list[_Draft] = []

    defaults: list[str] = []
    kind = "assign"
    if preamble is not None:
        pre_found, _, _ = read_all(preamble.text, preamble.start, issuer=issuer, report=report)
        intro_text = _without_furniture(preamble.text)
        if regions and intro_text.endswith(":"):
            kind = _intro_kind(intro_text)
            if kind == "assign":
                intro = _intro_units(intro_text)
                leads = [a for a in pre_found if a.role == "lead"]
                defaults = [_to_recipient(u, recipients) for u in intro] if intro else [
                    _to_recipient(a.unit.name, recipients) for a in leads[-1:]]
            if not defaults:
                defaults = recipients
        else:
            drafts.append(_Draft(preamble, pre_found))
    elif regions:
        defaults = recipients

    heading_of: dict[int, list[str]] = {}
    for region in regions:
        d = region.directive
        assert d is not None
        # A label line that only names units is a heading, unless the line
        # wraps on into lower case (`Cục trưởng Cục Điều tra` / `chống buôn
        # lậu, ...`).
        after = region.text[len(d.text):].lstrip()
        own = heading_units(d.text) if not after[:1].islower() else []
        if own:
            heading_of[d.index] = own
        if d.index in has_children:
            # A heading with sub-items holds no task of its own unless a
            # sentence in it assigns one; a paragraph ending `... trân trọng
            # đề nghị Bộ Xây dựng:` hands its sub-items to the units it names.
            text = region.text if not own else ""
            intro_text = _without_furniture(text)
            if intro_text.endswith(":") and _intro_kind(intro_text) == "assign":
                intro = _intro_units(intro_text)
                heading_of[d.index] = [_to_recipient(u, recipients) for u in intro] if intro else recipients
                text = ""
            found, _, _ = read_all(text, region.start, issuer=issuer, report=report)
            drafts.append(_Draft(_Region(d.path, d.label, region.start, region.end, text, d), found))
            continue
        body_text = region.text if not own else region.text[len(d.text):]
        found, any_open, any_unnamed = read_all(body_text, region.start, issuer=issuer, report=report)
        heading = own
        p = d.parent
        while not heading and p is not None:
            heading = heading_of.get(p, [])
            p = by_index[p].parent
        leads = [a for a in found if a.role == "lead"]
        fallback: list[str] = []
        if heading:
            # Under a unit's heading, points that name nobody stay the
            # heading unit's even where another point names its own unit.
            if any_open:
                fallback = heading
        elif not leads and any_unnamed:
            if kind == "assign" or strong_ask(body_text):
                fallback = defaults
        drafts.append(_Draft(_Region(d.path, d.label, region.start, region.end, body_text, d), found, fallback,
                             defaults if kind == "assign" and not heading else []))
        tail = _without_furniture(body_text)
        if tail.endswith(":") and not leads and _intro_kind(tail) == "assign":
            # `(vi) ... Để triển khai ..., Tổng cục Hải quan yêu cầu:` hands
            # the items after it out, as a preamble would.
            kind = "assign"
            intro = _intro_units(tail)
            defaults = [_to_recipient(u, recipients) for u in intro] if intro else recipients
    if closing is not None:
        found, _, _ = read_all(closing.text, closing.start, issuer=issuer, report=report)
        drafts.append(_Draft(closing, found))
    return _build(letter, drafts)


# One action item before it is built: the region, the unit's name, its role,
# the sentence, its span, and whether it was only told to take notice.
_Row = tuple[_Region, str, str, str, int, int, bool]


def _build(letter: Letter, drafts: list[_Draft]) -> tuple[list[ActionItem], list[str]]:
    rows_all: list[_Row] = []
    recipients = _recipient_units(letter)
    respell = _Spellings(letter.text, recipients)
    joined = _joined_entries(letter)
    for draft in drafts:
        region = draft.region
        found = _join_by_recipient(draft.found, joined)
        rows: list[tuple[str, str, str, int, int, bool]] = []
        for a in found:
            if a.role == "lead":
                rows.append((a.unit.name, "lead", " ".join([a.sentence, *a.more]), a.start, a.end, a.notice))
        named = {name_key(r[0]) for r in rows}
        for name in draft.fallback:
            if name_key(name) not in named:
                rows.append((name, "lead", squash(region.text), region.start, region.end, False))
        rows = [(respell(_same_class(_to_recipient(r[0], recipients), draft.addressed)), *r[1:]) for r in rows]
        lead_names = {name_key(r[0]) for r in rows}
        rows += [(respell(_to_recipient(a.unit.name, recipients)), "support", " ".join([a.sentence, *a.more]), a.start, a.end,
                  False) for a in found if a.role == "support" and name_key(a.unit.name) not in lead_names]
        rows_all += [(region, *r) for r in rows]
    rows_all = _consolidate(rows_all)
    # `... để X biết, thực hiện` restates what the letter asked of X: it only
    # makes X an actor when nothing else in the letter does.
    acting = {name_key(r[1]) for r in rows_all if not r[6]}
    rows_all = [r for r in rows_all if not r[6] or name_key(r[1]) not in acting]

    out: list[ActionItem] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    dedupe: set[tuple[str, str, str, int]] = set()
    base = _letter_key(letter)
    letter_urgent = bool(letter.urgency and _URGENT.search(letter.urgency))
    by_start: dict[int, list[str]] = {}
    for r in rows_all:
        by_start.setdefault(r[4], []).append(r[1])
    for region, name, role, text, start, end, _notice in rows_all:
        key = unit_key(name, letter.issuer, letter.parent_issuer, letter.place)
        if (region.path, key, role, start) in dedupe:
            continue
        dedupe.add((region.path, key, role, start))
        # Partners are the other units of the same sentence (or region).
        collaborators = tuple(dict.fromkeys(n for n in by_start[start] if n != name))
        recurrence = parse_recurrence(text)
        deadline = parse_deadline(text, letter.issued)
        if recurrence and (not deadline or deadline.text in recurrence.text):
            deadline = Deadline(date=None, text=recurrence.text, kind="recurring")
        warning = deadline_warning(deadline, letter.issued)
        if warning:
            warnings.append(f"action item {region.path or '(closing)'} / {name}: {warning}")
            assert deadline is not None  # the warning is about this deadline's date
            deadline = deadline.model_copy(update={"date": None})
        report = REPORT_TO.search(text)
        ident = f"{base}|{region.path}|{key}|{role}"
        n = seen.get(ident, 0)
        seen[ident] = n + 1
        digest = hashlib.sha256(f"{ident}|{n}".encode()).hexdigest()[:20]
        out.append(ActionItem(
            id=f"task-{digest}",
            letter_id=letter.id,
            path=region.path,
            label=region.label,
            unit=name,
            unit_key=key,
            role=role,  # type: ignore[arg-type]
            collaborators=collaborators,
            text=squash(text),
            deadline=deadline,
            recurrence=recurrence.label if recurrence else None,
            rrule=recurrence.rrule if recurrence else None,
            urgency="urgent" if letter_urgent or is_urgent(text) else "normal",
            report_to=squash(report["to"]) if report else None,
            source=_locate(letter, start, end),
        ))
    return out, list(dict.fromkeys(warnings))


def _consolidate(rows: list[_Row]) -> list[_Row]:
    """One party named once with a qualifier (`Chủ đầu tư hạ tầng cụm công
    nghiệp`) and elsewhere without it (`Chủ đầu tư`) is one unit: the short
    name, when what it leaves out is lower-case words only."""
    names = {name_key(r[1]): r[1] for r in rows}
    out: list[_Row] = []
    for r in rows:
        name = name_key(r[1])
        short = next((n for n in names if name.startswith(n + " ") and _ROLE_HEAD.match(n)
                      and _LOWER_WORDS.fullmatch(r[1][len(n) + 1:])), None)
        out.append((r[0], names[short], *r[2:]) if short else r)
    return out


_ROLE_HEAD = regex.compile(r"^(?:chủ\s+đầu\s+tư|nhà\s+thầu|doanh\s+nghiệp|đơn\s+vị|nhà\s+đầu\s+tư)$")


def _locate(letter: Letter, start: int, end: int) -> Source:
    """The span, with the page of the body when the reader knew it."""
    body = letter.sources.get("body")
    page = body.page if body else None
    return Source(start=start, end=end, page=page)
