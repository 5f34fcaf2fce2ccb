"""The task-sentence classifier: which sentences of a letter's body give
someone a task, whom, and in which role.

Flow: file -> reader -> normalise -> field parsers -> **task sentences** ->
action items (`tasks.py` cuts the body into regions and asks this module
about each sentence; `units.py` recognises the unit names).

A sentence assigns units itself when it hands work out (`Giao X ...`, `Yêu
cầu X ...`, `Đề nghị X ...`, `Kính trình X ...`), when a unit is its subject
and the predicate acts (`X chủ trì, phối hợp với Y ...`, `X có trách nhiệm
...`, `X: chỉ đạo ...`), when a class is bound by a duty (`doanh nghiệp phải
...`), or when a notice ends `... để X biết và thực hiện`. Partners after
`phối hợp (với)`, `chủ trì cùng` are support. A sentence gives nothing when it
tells (past narrative: `X đã ...`, `X nhận được ...`, another body's request
reported), states a condition or the boilerplate `Trong quá trình thực hiện,
nếu có khó khăn ...`, or only asks to carry out the document as a whole (the
execution clause `... chịu trách nhiệm thi hành Quyết định này`). A sentence
that asks without naming anyone (`Tiếp tục rà soát ...`) is open: the
assembly gives it to the unit of the heading above or the addressees.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from congvan.parsers.fields.directives import quote_open_after
from congvan.parsers.fields.lines import fold_accents as plain_fold
from congvan.parsers.fields.units import (
    PREDICATE,
    ROLE_NOUNS,
    WINDOW,
    UnitMention,
    class_subject,
    find_units,
    is_vague,
    name_key,
    office_to_unit,
    trim_class,
)

# `Giao`, `Yêu cầu`, `Đề nghị`, `Kính trình` followed by the units they
# assign; not the nouns `theo đề nghị của`, `đáp ứng yêu cầu`, `về việc đề
# nghị`, `Giấy đề nghị`.
ASSIGN = regex.compile(
    r"(?<!\b(?:theo|Theo|của|các|những|đáp\s+ứng|ứng|về|việc|Giấy|giấy|Tờ|tờ|văn\s+bản|hồ\s+sơ|mẫu|ngoại|bàn|chuyển"
    r"|được|đã|nhiệm\s+vụ|chỉ|vẫn|không|sẽ)\s)"
    # (OCR writes `đề nghị` as `để nghị`, `dé nghị`, `Dé nghị`.)
    r"\b(?:giao|Giao|yêu\s+cầu|Yêu\s+cầu|[đĐdD][ềểéêế]\s+nghị|kính\s+trình|Kính\s+trình"
    r"|giao\s+nhiệm\s+vụ\s+cho|Giao\s+nhiệm\s+vụ\s+cho)\s+(?:(?:các\s+)?đồng\s+chí\s+)?"
    # `giao thông`, `giao dịch`, `Bộ Giao thông vận tải`: nouns, no assigning.
    r"(?!(?:thông|dịch|nhận|kết|lưu|đất|rừng|ban|diện|thoa|khoán|hàng)\b)"
)
# Partners, role support: `phối hợp (chặt chẽ) (với) <units>`, `chủ trì cùng
# <units>`.
SUPPORT = regex.compile(
    r"\b(?:phối\s+hợp(?:\s+chặt\s+chẽ|\s+có\s+hiệu\s+quả)?(?:\s+(?:với|cùng))?|chủ\s+trì\s+cùng|cùng\s+với)\s+",
    regex.IGNORECASE,
)
# A notice closing on who is to know: `Văn phòng Chính phủ xin thông báo để
# X biết, thực hiện`, `... ý kiến trao đổi của Cục ĐCK để Quý Sở nghiên cứu`.
NOTICE = regex.compile(r"\b(?:thông\s+báo|trao\s+đổi|ý\s+kiến|trả\s+lời|hướng\s+dẫn|gửi)\b(?:[^.;]{0,120}?\b[đd][ểếé]\s+"
                       r"|\s+(?:cho\s+)?(?=[Qq]uý\s+\p{Lu}))(?=\S)")
_KNOW_TAIL = regex.compile(r"\s*(?:được\s+)?bi[ếéêe]t\s*(?:(?P<more>(?:,|và)\s*\S.*)|[\s./]*)$", regex.DOTALL)
# The predicate of a sentence that only asks to carry out the document as
# a whole (gold README): `nghiêm túc thực hiện`, `chịu trách nhiệm thi hành
# Quyết định này`, `tổ chức triển khai thực hiện nghiêm túc các nội dung nêu
# trên`, `quan tâm thực hiện`; and a closing that restates the letter's
# request as a whole (`quan tâm, sớm xem xét, chỉ đạo giải quyết`).
_DOC = (r"(?:Quyết\s+định|Công\s+văn|văn\s+bản|Văn\s+bản|Chỉ\s+thị|Công\s+điện|Thông\s+báo|Kế\s+hoạch|Thông\s+tư"
        r"|Nghị\s+quyết|Quy\s+chế|Quy\s+định)\s+này")
GENERIC = regex.compile(
    r"^(?:(?:quan\s+tâm|nghiêm\s+túc|khẩn\s+trương|chủ\s+động|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|kịp\s+thời"
    r"|tiếp\s+tục|căn\s+cứ\s+(?:văn\s+bản|nội\s+dung)\s+(?:này|trên))[\s,]+)*"
    r"(?:nghiên\s+cứu,?\s+tiếp\s+thu(?:\s+đầy\s+đủ)?\s+và\s+)?"
    r"(?:(?:tổ\s+chức|triển\s+khai|thực\s+hiện|thi\s+hành|quán\s+triệt)[\s,]*(?:và\s+)?)+"
    r"(?:nghiêm\s+túc|đầy\s+đủ|kịp\s+thời|có\s+hiệu\s+quả|hiệu\s+quả|nghiêm)?"
    rf"(?:\s+(?:{_DOC}|(?:các\s+)?(?:nội\s+dung|nhiệm\s+vụ|yêu\s+cầu)(?:\s+(?:nêu|ghi))?\s+(?:tại\s+)?(?:trên|{_DOC})))?"
    r"(?:\s+(?:nghiêm\s+túc|đầy\s+đủ|đúng\s+quy\s+định))?"
    r"(?:\s+theo\s+(?:đúng\s+)?quy\s+định(?:\s+(?:của\s+pháp\s+luật|pháp\s+luật|hiện\s+hành))*)?"
    r"(?:\s+(?:Quyết\s+định|Công\s+văn|văn\s+bản)\s+này)?[\s./;]*$"
    r"|^(?:(?:quan\s+tâm|sớm|xem\s+xét|chỉ\s+đạo|giải\s+quyết|cho\s+ý\s+kiến)[\s,]*(?:và\s+)?)+[\s./;]*$"
)
# A subject followed by these is telling, not acting (`Sở Công Thương nhận
# được ...`, `Bộ Tài chính đã chỉ đạo ...`, `... có ý kiến như sau`).
NARRATIVE = regex.compile(
    r"^(?:nhận\s+được|đã|có\s+ý\s+kiến|có\s+văn\s+bản|thông\s+báo|trân\s+trọng|xin|kính|là|được|trả\s+lời"
    r"|yêu\s+cầu|đề\s+nghị|giao|theo(?!\s+dõi)|tại|về|cũng|đang|vừa|với|để|trong|khi|nếu|thì|mà|do|cho(?!\s+ý\s+kiến)|từ"
    r"|trên|đến|vào|sau|trước"
    r"|không|(?:phải\s+|cùng\s+)?chịu\s+trách\s+nhiệm(?:\s+(?:cá\s+nhân|trực\s+tiếp|toàn\s+diện|hoàn\s+toàn|chính|và)[\s,]*)*\s*trước"
    r"|có(?!\s+(?:trách\s+nhiệm|nhiệm\s+vụ))|chỉ(?!\s+(?:đạo|thị|định)\b)|vẫn|còn|chưa|hiện"
    r"|cho\s+biết|tự\s+giải\s+thể|làm\s+việc\s+theo)\b"
)
# A class qualified as related to something (`các tổ chức, cá nhân có liên
# quan đến hoạt động khoáng sản`), then the whole letter carried out.
_RELATED_QUALIFIER = regex.compile(r"(?:có\s+)?liên\s+quan\s+(?:đến|tới)\b")
_GENERIC_TAIL = regex.compile(r"\s(?:nghiêm\s+túc|khẩn\s+trương|chủ\s+động)?\s*(?:tổ\s+chức\s+)?(?:triển\s+khai\s+)?thực\s+hiện"
                              r"(?:\s+nghiêm\s+túc)?[\s./;]*$")
# A clause that only states who answers for what: `(phải) chịu trách nhiệm
# (hoàn toàn) trước pháp luật`.
_LIABLE = regex.compile(r"[^;.:]{0,160}?\b(?:phải\s+)?chịu\s+trách\s+nhiệm(?:\s+(?:cá\s+nhân|trực\s+tiếp|toàn\s+diện"
                        r"|hoàn\s+toàn|chính|và)[\s,]*)*\s*trước\b")
# Only attending a meeting, which asks no work: `(cử đại diện lãnh đạo)
# tham dự cuộc họp vào lúc 8 giờ ...` (an invitation).
_ATTEND_ONLY = regex.compile(
    r"(?:cử\s+(?:đại\s+diện|lãnh\s+đạo|cán\s+bộ)[^,;.]{0,60}?\s+)?(?:đến\s+)?(?:tham\s+dự|dự)\s+(?:cuộc\s+họp|buổi"
    r"|hội\s+nghị|hội\s+thảo|họp|lễ|phiên)(?![^;]*[,;]\s*(?:đồng\s+thời\s+)?(?:chuẩn\s+bị|gửi|báo\s+cáo|cung\s+cấp|nộp))"
)
# Boilerplate that asks nothing new: `Trong quá trình thực hiện, nếu có khó
# khăn, vướng mắc, ...` and conditions (`Trường hợp ...`, `Nếu ...`).
BOILERPLATE = regex.compile(
    r"^(?:(?:Trong|trong)\s+quá\s+trình\s+(?:thực\s+hiện|triển\s+khai)[\s,]*(?:nếu|trường\s+hợp)"
    r"|(?:Nếu|nếu)\s+có\s+(?:khó\s+khăn|vướng\s+mắc|gì\s+vướng\s+mắc)"
    r"|(?:Quá\s+trình\s+thực\s+hiện)[\s,]*(?:nếu|có\s+khó\s+khăn|trường\s+hợp))"
)
# A condition word with no comma or semicolon between it and a point.
_CONDITION = regex.compile(r"\b(?:trường\s+hợp|nếu|khi)\b", regex.IGNORECASE)
# A class of bodies bound by `phải` is given a duty wherever the clause
# starts: `... thì hàng năm (chậm nhất đến ngày 15/2) doanh nghiệp phải báo
# cáo với Bộ Thương mại`, `Tổ chức, doanh nghiệp có giấy phép dịch vụ nổ mìn
# phải thông báo ...`: the class and its qualifier up to `phải` are the unit.
# Not after `trường hợp`/`nếu`/`khi` (a condition).
_CLASS = (r"(?:các\s+)?(?:tổ\s+chức|doanh\s+nghiệp|cơ\s+quan|đơn\s+vị|chủ\s+đầu\s+tư|nhà\s+thầu|hợp\s+tác\s+xã"
          r"|người\s+nộp\s+thuế|nhà\s+đầu\s+tư)")
MUST = regex.compile(
    rf"(?:^|(?<=\bthì\s)|(?<=\)\s))(?P<unit>{_CLASS}(?:\s*,\s*{_CLASS})*(?:\s+(?!phải\b)[^\s,;.:()]+){{0,8}}?)"
    r"\s+phải\s+(?!là\b|chịu\s+trách\s+nhiệm\s+trước)",
    regex.IGNORECASE,
)
# `X đã có Văn bản số ... đề nghị Y ...`: another body's request, reported.
_REPORTED = regex.compile(r"\bđã(?:\s+nhiều\s+lần)?\s+có\s+(?:văn\s+bản|công\s+văn|tờ\s+trình|ý\s+kiến)\b",
                          regex.IGNORECASE)


class _Before:
    """Whether a match of `pattern` comes before a point of the text with
    none of `stops` between them (`X đã có văn bản ... đề nghị Y`: the
    request is reported; `Trường hợp ... thì doanh nghiệp phải`: the duty is
    conditional). The text is scanned once, each question answered by
    bisection, so a long sentence stays linear."""

    def __init__(self, pattern: regex.Pattern[str], text: str, stops: str):
        self.ends = [m.end() for m in pattern.finditer(text)]
        self.stops = [m.start() for m in _any_of(stops).finditer(text)]

    def __call__(self, pos: int) -> bool:
        i = bisect_right(self.ends, pos) - 1
        if i < 0:
            return False
        j = bisect_right(self.stops, self.ends[i] - 1)
        return j >= len(self.stops) or self.stops[j] >= pos
# After an assigning verb a lower-case singular names its unit: `yêu cầu nhà
# thầu thi công: (1) Lập hồ sơ ...`, `đề nghị địa phương căn cứ ...`.
_ASSIGNED_CLASS = regex.compile(r"(?:nhà\s+thầu|chủ\s+đầu\s+tư|doanh\s+nghiệp|nhà\s+đầu\s+tư|địa\s+phương|bộ|sở|ngành|đơn\s+vị"
                                r"|cơ\s+quan|công\s+ty|" + "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in ROLE_NOUNS) + r")\b")
_ROLE_NOUN = regex.compile("|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in ROLE_NOUNS))
# Words before the subject that belong to no unit: `Đồng thời, ...`, `Vì vậy, ...`.
_LEADING_CLAUSE = regex.compile(
    r"(?:(?:Đồng\s+thời|Ngoài\s+ra|Bên\s+cạnh\s+đó|Trong\s+đó|Vì\s+vậy|Do\s+đó|Vì\s+thế|Như\s+vậy|Tuy\s+nhiên"
    r"|Trên\s+cơ\s+sở\s+đó|Sau\s+đó|Theo\s+đó|[Cc]ác\s+ông\s*\(\s*bà\s*\)|Ông\s*\(\s*bà\s*\)|Căn\s+cứ\s+(?:văn\s+bản|công\s+văn|nội\s+dung|chỉ\s+đạo)\s+(?:này|trên))"
    r"\s*,?\s*)+"
)
# A phrase put before the subject (`Trong phạm vi ..., `, `Để ..., `).
_FRONTED = regex.compile(r"(?:Trong|Theo|Căn\s+cứ|Trên\s+cơ\s+sở|Để|Đối\s+với|Tại|Sau\s+khi|Ngoài|Với|Từ\s+nay)\b[^,;.:]{0,200},\s*")
# `theo chức năng, nhiệm vụ (, lĩnh vực) (được giao)` between a subject and its verb.
ADVERBIAL = regex.compile(
    r"\s*,?\s*(?:theo|Theo)\s+(?:đúng\s+)?chức\s+năng,?\s+nhiệm\s+vụ(?:,?\s+(?:và\s+)?(?:quyền\s+hạn|phạm\s+vi\s+quản\s+lý"
    r"|lĩnh\s+vực|thẩm\s+quyền))*(?:\s+được\s+giao)?\s*,?\s*"
)
# Sentences end at . ; ! ? (not inside numbers like 4217/UBND-TH or 1.2)
# and at list dashes that open a line.
# A short line without final punctuation followed by a capitalised line is a
# heading (`3. Tổ chức thực hiện`), a sentence of its own.
# A colon after a plural head (`Các Bộ: Quốc phòng, ...`, `UBND các tỉnh:
# Khánh Hòa, ...`) opens a list of names, not a new sentence.
# (The look-ahead before the short-line rule's look-behind keeps that look-behind to
# line ends: checked at every character, it took most of this pattern's time.)
_SENTENCE_END = regex.compile(
    r"(?<=[;!?])\s+|(?<=[.;!?][\"”])\s+|(?<=[^\d\s]\.)(?<!(?:^|[\s(])\p{Lu}{1,4}\.)\s+|(?<=\d\.)\s+(?=\p{Lu})|(?<=\.)[ \t]*\n\s*|(?=[ \t]*\n)(?<=(?:^|\n)[^\n.;:!?]{1,60})(?<!\s(?:của|và|các|tại|theo|về|cho|với|số|ngày|năm|đến|từ|trong|thuộc|là))[ \t]*\n\s*(?=\p{Lu})|(?<=:)(?<!(?:Chủ\s+trì|Phối\s+hợp|Giám\s+đốc|Chủ\s+tịch|Thủ\s+trưởng):)(?<![Cc]ác\s+\S+:)(?<![Cc]ác\s+\S+\s+\S+:)\s+(?=\p{Lu})|\n\s*[-–•+]\s+"
)
_BULLET = regex.compile(r"\s*[-–•+]\s+")
_NEWLINE = regex.compile(r"\n")
# A short `Field:` label with its value on the same line (`Chủ đầu tư: Ban
# Quản lý dự án ...`): neither part is a subject that acts, except the role
# labels `Chủ trì:` and `Phối hợp:` of a meeting or an inspection.
_FIELD_LABEL = regex.compile(r"^[\s\-–•+*]*(?:\S+\s+){0,7}\S+:$")
_ROLE_LABEL = regex.compile(r"^[\s\-–•+*]*(?P<role>Chủ\s+trì|Đơn\s+vị\s+chủ\s+trì|Phối\s+hợp|Đơn\s+vị\s+phối\s+hợp)\s*:\s*")
# Heading words around a unit: `Trách nhiệm của ...`, `Yêu cầu đối với ...`,
# `Giao Sở Xây dựng`, `Nhiệm vụ, quyền hạn của Tổ công tác`.
HEADING_PREFIX = regex.compile(
    r"^(?:Trách\s+nhiệm\s+của|Nhiệm\s+vụ(?:,\s+quyền\s+hạn)?\s+của|Yêu\s+cầu\s+đối\s+với|Đối\s+với|Giao|Đề\s+nghị"
    r"|Tổ\s+chức\s+và\s+hoạt\s+động\s+của)\s+"
)
# Function words and narrative verbs that open sentences without asking
# anything: `Theo quy định ...`, `Tại khoản 3 ...`, `Đến thời điểm hiện tại`,
# and a cited document (`Quyết định số ...`).
_NOT_ASKING = regex.compile(
    r"^(?:là|với|để|tại|theo|trong|về|đối\s+với|khi|nếu|thì|mà|do|cho|từ|trên|đến|vào|sau|trước|đã|đang|vừa|có"
    r"|được|nhận\s+được|nhận|không|chỉ(?!\s+đạo)|trình\s+tự|cho\s+biết|căn\s+cứ|thông\s+báo|kính|xin|trân\s+trọng|sẽ"
    r"|biết|cấp|hiện|vẫn|còn|chưa|cũng|luôn|đều|(?:quyết\s+định|văn\s+bản|công\s+văn|nghị\s+quyết|hợp\s+đồng)\s+số)\b"
)
# Words that ask for something anywhere in a sentence.
# (`phải` and `cần` are left out: reports use them too, `các trường hợp
# phải thực hiện kiểm tra PCCC`.)
_ASKING_WORD = regex.compile(r"\b(?:có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm(?!\s+trước))", regex.IGNORECASE)
# Quoted text (a law cited word for word) asks nothing of the addressees.
_QUOTED = regex.compile(r"[“\"][^”\"]{0,3000}[”\"]")
_LABEL_PREFIX = regex.compile(r"^[^:]{0,80}:\s+")
_QUY = regex.compile(r"(?:Quý|quý)\s+(?=\p{Lu})")
# Small patterns of the sentence reading, compiled once.
_GENERIC_NAME = regex.compile(r"^(?:Các\s+|các\s+)?(?:Tổ\s+chức|Doanh\s+nghiệp|Đơn\s+vị|Cơ\s+quan|Phòng)(?:,|\s*$)")
_COMMITS = regex.compile(r"(?:sẽ|tiếp\s+tục|xin\s+ghi\s+nhận)\b")
_OBLIGES = regex.compile(r"(?:sẽ|cần|phải|tiếp\s+tục|có\s+trách\s+nhiệm)\b")
_DUTY_VERB = regex.compile(r"^(?:phải|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm)\b")
_STOP = regex.compile(r"[.;]")
_CLASS_LIST = regex.compile(rf"^{_CLASS}(?:\s*,\s*{_CLASS})*\s*", regex.IGNORECASE)
# `Sở X và doanh nghiệp ...`: a kind joined to a named unit (not `... và đơn vị có liên quan`).
_AND_KIND = regex.compile(r"\s+(?:và|cùng)\s+(?P<kind>doanh\s+nghiệp|công\s+ty|đơn\s+vị|chủ\s+đầu\s+tư)\b(?!\s+(?:có|liên|khác))")


@dataclass
class Assign:
    """One unit a sentence names, with its role and the sentence's span."""

    unit: UnitMention
    role: str
    sentence: str
    start: int  # offset of the sentence in the letter text
    end: int
    notice: bool = False  # from `... để X biết, thực hiện`
    more: list[str] = field(default_factory=list)  # the sentences that continue it


@dataclass
class Reading:
    """What one sentence says about tasks."""

    assigns: list[Assign]
    named: bool  # names a subject or an assignee (even when it gives it nothing)
    open_ask: bool  # asks something without naming anyone
    closed: bool  # boilerplate or the whole document carried out: nobody acts


@lru_cache(maxsize=16)
def _any_of(chars: str) -> regex.Pattern[str]:
    return regex.compile("[" + regex.escape(chars) + "]")


def squash(text: str) -> str:
    return " ".join(text.split())


def sentences(text: str, offset: int) -> list[tuple[str, int, int]]:
    """Sentences with their offsets; a list dash the split left at the start
    (`...; - Cơ quan chuyên môn ...`) is dropped so the subject comes first."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        stop, nxt = (m.start(), m.end()) if m else (len(text), len(text))
        bullet = _BULLET.match(text, pos, stop)
        at = bullet.end() if bullet else pos
        if text[at:stop].strip():
            out.append((text[at:stop], offset + at, offset + stop))
        pos = nxt
    return out


def _acting(predicate: str) -> bool:
    """A predicate that gives a task: some verb, and more than carrying out
    the document or attending a meeting (`cử đại diện tham dự cuộc họp`)."""
    flat = squash(predicate)
    return bool(flat) and not GENERIC.match(flat) and not _ATTEND_ONLY.match(flat)


def _generic_only(name: str) -> bool:
    """A collective without a proper name (`Tổ chức, doanh nghiệp`) only acts
    as a subject when the predicate says it must (`... phải thông báo`)."""
    return bool(_GENERIC_NAME.match(name))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _units_at(text: str, pos: int) -> list[UnitMention]:
    """The units listed at `pos`; `Quý Sở` (the addressee, politely) is `Sở`."""
    q = _QUY.match(text, pos)
    return find_units(text, generic=True, start=q.end() if q else pos)


def _predicate_start(text: str, pos: int) -> int:
    """Where the predicate starts after a subject ending at `pos`: past a
    comma, a colon (`UBND tỉnh Đồng Nai: chỉ đạo ...`) and the adverbial
    `theo chức năng, nhiệm vụ được giao`."""
    m = ADVERBIAL.match(text, pos)
    if m:
        pos = m.end()
    while pos < len(text) and text[pos] in " ,:":
        pos += 1
    return pos


def read_sentence(sentence: str, start: int = 0, *, subject: bool = True, issuer: str | None = None,
                  report: bool = False) -> Reading:
    """What one sentence gives: the units it assigns (lead or support), and
    whether it names anyone, asks without naming anyone, or closes (asks
    nothing new). `subject=False` for the label or value of a `Field: value`
    line (`Chủ đầu tư: Ban Quản lý dự án ...`), which names a party without
    giving it anything to do. The issuer as subject acts only when it
    commits itself (`Sở Công Thương sẽ phối hợp ...`), and never in a
    report (`report=True`): elsewhere it states the letter's own decision."""
    flat = squash(sentence)
    end = start + len(sentence)
    out: list[Assign] = []
    named = False

    def add(units: list[UnitMention], role: str, *, notice: bool = False, bare_ok: bool = False) -> None:
        for u in units:
            if bare_ok and len(u.name.split()) <= 2 or not is_vague(u.name, partner=role == "support"):
                if role == "lead":
                    u = UnitMention(trim_class(u.name), u.raw, u.start, u.end, u.office)
                out.append(Assign(u, role, flat, start, end, notice))

    lead_at = _LEADING_CLAUSE.match(flat)
    body_at = lead_at.end() if lead_at else 0
    if BOILERPLATE.match(flat, body_at):
        return Reading([], False, False, True)
    role = _ROLE_LABEL.match(flat)
    if role:
        units = _units_at(flat, role.end())
        add(units, "lead" if "chủ" in role["role"].casefold() else "support")
        return Reading(_dedupe(out), bool(units), False, False)
    closed = told = False
    # The subject of the sentence: `Văn phòng Chính phủ hướng dẫn ...`,
    # also after a fronted phrase (`Trong phạm vi quy định ..., các doanh
    # nghiệp nghiên cứu xây dựng ...`).
    if subject:
        found = _units_at(flat, body_at)
        fronted = None if found else _FRONTED.match(flat, body_at)
        if fronted:
            found = _units_at(flat, fronted.end())
            if found:
                body_at = fronted.end()
        duty_end = class_subject(flat[body_at:]) if not found or (
            len(found) == 1 and (found[0].name[:4].casefold() in ("các ", "những") or _generic_only(found[0].name))) else None
        if duty_end is not None and (not found or body_at + duty_end > found[-1].end):
            name = _cap(squash(flat[body_at:body_at + duty_end]))
            found = [UnitMention(office_to_unit(name), name, body_at, body_at + duty_end)]
        if found:
            named = True
            at = _predicate_start(flat, found[-1].end)
            pred = flat[at:at + WINDOW]
            # A class's qualifier may hold verbs (`các tổ chức, cá nhân lập
            # thiết kế ... chịu trách nhiệm trước pháp luật`): the clause is
            # the liability statement it ends in.
            liable = found[-1].name[:4].casefold() in ("các ", "những") and _LIABLE.match(pred)
            own = issuer is not None and len(found) == 1 and _is_issuer(found[0].name, issuer)
            commits = _COMMITS.match(pred)
            if own and (report or not commits):
                closed = True  # `Sở Công Thương dừng giải quyết ...`: the letter's own act
            elif own and commits:
                add(found, "lead")
            elif report and not _OBLIGES.match(pred):
                closed = True  # a report tells what was done: `Sở Xây dựng chủ trì kiểm tra 25 cơ sở`
            elif NARRATIVE.match(pred) or liable:
                told = True
            elif PREDICATE.match(pred):
                if _acting(pred):
                    proper = [u for u in found if not _generic_only(u.name)] or (
                        found if _DUTY_VERB.match(pred) else [])
                    add(proper, "lead")
                else:
                    closed = True
    if subject and not out:
        conditional = _Before(_CONDITION, flat, ",;")
        for m in MUST.finditer(flat):
            if conditional(m.start()):
                continue
            qualifier = _CLASS_LIST.sub("", m["unit"])
            words = qualifier.split()
            if any(PREDICATE.match(" ".join(words[i:])) and not (w == "có" and i == 0) for i, w in enumerate(words)):
                continue  # `tổ chức triển khai dự án phải ...`: a verb, no class
            name = _cap(squash(m["unit"]))
            named = True
            if not is_vague(name):
                add([UnitMention(name, m["unit"], m.start(), m.end("unit"))], "lead")
            break
    reported = _Before(_REPORTED, flat, ";.")
    for m in ASSIGN.finditer(flat):
        if reported(m.start()):
            continue
        units = _units_at(flat, m.end())
        bare = False
        assigned = None if units else _ASSIGNED_CLASS.match(flat, m.end())
        if assigned and _ROLE_NOUN.fullmatch(assigned.group()):
            # `Yêu cầu giám thị giám sát ...`: people named by their role.
            units = [UnitMention(_cap(assigned.group()), assigned.group(), assigned.start(), assigned.end())]
            bare = True
        elif assigned:
            # `đề nghị địa phương căn cứ ...`, `đề nghị bộ, ngành, địa
            # phương khẩn trương ...`: a lower-case kind without `các`.
            window = "các " + flat[m.end():m.end() + WINDOW]
            units = [UnitMention(_cap(u.name[4:]), u.raw[4:], u.start - 4 + m.end(), u.end - 4 + m.end())
                     for u in find_units(window, generic=True)]
            bare = True
        if not units:
            continue
        named = True
        rest = flat[units[-1].end:units[-1].end + WINDOW]  # (a window: linear however long the sentence)
        pred = rest.lstrip(" ,")
        if _RELATED_QUALIFIER.match(pred) and _GENERIC_TAIL.search(pred):
            closed = True  # `... và các tổ chức có liên quan đến X nghiêm túc thực hiện`
        elif _acting(pred) or rest.lstrip(" ").startswith(":") and not rest.strip(" :"):
            add(units, "lead", bare_ok=bare)
        else:
            closed = True
    for m in NOTICE.finditer(flat):
        units = _units_at(flat, m.end())
        if not units:
            continue
        named = True
        tail = flat[units[-1].end:units[-1].end + WINDOW]
        know = _KNOW_TAIL.match(tail)
        if know:
            if know["more"]:
                add(units, "lead", notice=True)
        elif _acting(tail.lstrip(" ,")) and PREDICATE.match(flat, _predicate_start(flat, units[-1].end)):
            add(units, "lead", notice=True)
    leads = {name_key(a.unit.name) for a in out}
    # (Partners of a told action, `X đã phối hợp với Y`, were partners then.)
    for m in SUPPORT.finditer(flat) if not (told and not out) else ():
        units = [u for u in _partners_at(flat, m.end()) if name_key(u.name) not in leads]
        add(units, "support")
    if not out and GENERIC.match(flat[body_at:body_at + 1].lower() + flat[body_at + 1:]):
        closed = True
    return Reading(_dedupe(out), named, not named and not closed and asks(flat), closed)


def _is_issuer(name: str, issuer: str) -> bool:
    """`Sở Công Thương` (or `Sở Công Thương Lào Cai`) names the issuer `Sở
    Công Thương`."""
    a, b = plain_fold(name_key(name)), plain_fold(name_key(issuer))  # (accents too: OCR reads `Thuế` as `Thuê`)
    return bool(a) and (a == b or a.startswith(b + " ") or b.startswith(a + " ") and len(a.split()) > 1)


def _partners_at(text: str, pos: int) -> list[UnitMention]:
    """Partners listed at `pos`; a lower-case singular kind after `và`
    (`với UBND xã Văn Chấn và doanh nghiệp`) is the addressee of that kind."""
    units = _units_at(text, pos)
    if units:
        tail = _AND_KIND.match(text[units[-1].end:units[-1].end + 40])
        if tail:
            at = units[-1].end + tail.start("kind")
            units.append(UnitMention(_cap(tail["kind"]), tail["kind"], at, at + len(tail["kind"])))
    return units


def assignments(sentence: str, start: int = 0, *, subject: bool = True) -> list[Assign]:
    """The units one sentence assigns, lead or support (see `read_sentence`)."""
    return read_sentence(sentence, start, subject=subject).assigns


def read_all(text: str, offset: int, *, issuer: str | None = None, report: bool = False) -> tuple[list[Assign], bool, bool]:
    """The assignments of every sentence of a region, whether some sentence
    asks without naming anyone (open), and whether some sentence names
    nobody and is not closed (it may ask, in a region the preamble hands out). A task runs on through the
    sentences after it that assign nobody (`Giao Văn phòng Bộ theo dõi ...;
    định kỳ hàng quý ... báo cáo Bộ trưởng`) until the next dash point; a
    subject list cut by semicolons (`Sở A; Sở B; Sở C tổ chức kiểm tra`)
    shares the predicate of its last part."""
    out: list[Assign] = []
    open_: list[Assign] = []
    pending: list[UnitMention] = []
    any_open = any_unnamed = False
    label_line = -1
    quoted = _quoted_lines(text)
    # Line starts, looked up by bisection: no scan back or forth per sentence.
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    first = True
    for sentence, start, end in sentences(text, offset):
        local = start - offset
        line_no = bisect_right(starts, local) - 1
        line_at = starts[line_no]
        if line_at in quoted:
            continue  # another document quoted word for word asks nothing of anyone here
        if _BULLET.match(text, line_at, local + 1):
            open_ = []
        flat = sentence.strip()
        label = False
        if _FIELD_LABEL.match(flat) and "\n" not in flat and not ASSIGN.search(flat) and not _ROLE_LABEL.match(flat):
            after = local + len(sentence)
            nl = starts[bisect_right(starts, after)] - 1 if bisect_right(starts, after) < len(starts) else len(text)
            value = text[after:max(nl, after)]
            if value.strip():
                label, label_line = True, line_at
        elif label_line == line_at:
            label = True
        if not label and flat.endswith(";"):
            only = _units_at(squash(flat), 0)
            if only and only[-1].end >= len(squash(flat)) - 1:
                pending += only  # `Chánh Văn phòng UBND tỉnh;` then more subjects
                continue
        reading = read_sentence(sentence, start, subject=not label, issuer=issuer, report=report)
        if first and reading.closed and BOILERPLATE.match(_LEADING_CLAUSE.sub("", squash(sentence), count=1)):
            # An item that is only `Trong quá trình thực hiện, nếu có khó
            # khăn, vướng mắc, ... phản ánh về ...` asks the addressees to report.
            reading = Reading([], False, True, False)
        first = False
        leads = [a for a in reading.assigns if a.role == "lead"]
        if leads:
            if pending and leads and leads[0].unit.start == 0:
                extra = [Assign(u, "lead", leads[0].sentence, start, end) for u in pending
                         if not is_vague(u.name)]
                out += extra
                leads = extra + leads
            out += reading.assigns
            open_ = leads
        else:
            out += reading.assigns  # partners only
            if open_:
                for a in open_:
                    a.more.append(squash(sentence))
                    a.end = end
            else:
                any_open = any_open or reading.open_ask
                any_unnamed = any_unnamed or not (reading.named or reading.closed)
        pending = []
    return out, any_open, any_unnamed


def _quoted_lines(text: str) -> set[int]:
    """Starts of the lines that lie inside a quotation of another document
    (opened on an earlier line, or opening the line itself)."""
    out: set[int] = set()
    open_ = False
    pos = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" -–•+*")
        if open_ or stripped[:1] in ('"', "“"):
            out.add(pos)
        open_ = quote_open_after(stripped, open_) or (stripped[:1] == "“" and "”" not in stripped)
        pos += len(line) + 1
    return out


def _dedupe(items: list[Assign]) -> list[Assign]:
    seen: set[tuple[str, str]] = set()
    out = []
    for a in items:
        k = (name_key(a.unit.name), a.role)
        if k not in seen:
            seen.add(k)
            out.append(a)
    return out


def heading_units(text: str) -> list[str]:
    """The units a heading line names (`Chánh Thanh tra Bộ`, `Bộ Chỉ huy Quân
    sự tỉnh/Ban Chỉ huy Bộ đội Biên phòng tỉnh`, `Trách nhiệm của các tổ
    chức, doanh nghiệp ...`, `Giao Sở Xây dựng`, `Ủy ban nhân dân tỉnh Đồng
    Nai:`), or [] when the line is a task, not a heading."""
    line = squash(text).rstrip(" :.;")
    m = HEADING_PREFIX.match(line)
    if m and m.group().strip() not in ("Giao", "Đề nghị"):
        rest = line[m.end():]
        if rest and len(rest.split()) <= 20 and not _STOP.search(rest):
            units = _units_at(rest, 0)
            if units and units[-1].end >= len(rest) - 1:
                return [u.name for u in units]
            # Only a unit with its qualifier (`các tổ chức, doanh nghiệp hoạt
            # động trong lĩnh vực ...`); `Đối với công chức giữ chức vụ lãnh
            # đạo, quản lý, Hội đồng kỷ luật có 03 thành viên` names people.
            if units and units[0].name[:4].casefold() in ("các ", "những"):
                return [_cap(rest)]
            return [u.name for u in units if not is_vague(u.name)]
    at = m.end() if m else 0
    units = _units_at(line, at)
    if units and units[-1].end >= len(line) - 1 and len(line.split()) <= 40:
        return [u.name for u in units if not is_vague(u.name)]
    return []


def asks(text: str) -> bool:
    """Some sentence of the text asks for something: it opens with a verb
    (`Chỉ đạo Cục Đăng kiểm ...`, `Tăng cường ...`), carries an assigning
    word (`đề nghị xem xét, điều chỉnh ranh giới`) or a duty (`có trách
    nhiệm`). A short line ending in a colon is a label, not a request."""
    for sentence, _, _ in sentences(_QUOTED.sub(" ", text), 0):
        flat = squash(sentence)
        lead = _LEADING_CLAUSE.match(flat)
        flat = flat[lead.end():] if lead else flat
        if flat.endswith(":") and len(flat.split()) <= 12 and not ASSIGN.search(flat):
            continue
        adv = ADVERBIAL.match(flat)
        label = _LABEL_PREFIX.match(flat)
        after_label = flat[label.end():] if label and len(label.group().split()) <= 6 else flat
        for cand in (flat[adv.end():] if adv else flat, after_label):
            low = cand[:1].lower() + cand[1:]
            if PREDICATE.match(low) and not _NOT_ASKING.match(low):
                return True
        if _ASKING_WORD.search(flat):
            return True
        if strong_ask(flat):
            return True
    return False


def strong_ask(text: str) -> bool:
    """The text asks with an assigning word (`đề nghị`, `yêu cầu`, `giao`),
    not a report of another body's request; a duty (`người sử dụng lao động
    có trách nhiệm ...`) in a reply states the law, it asks nothing."""
    quoted = _quoted_lines(text)
    pos = 0
    kept = []
    for line in text.split("\n"):
        if pos not in quoted:
            kept.append(line)
        pos += len(line) + 1
    flat = squash(_QUOTED.sub(" ", "\n".join(kept)))
    reported = _Before(_REPORTED, flat, ";.")
    return any(not reported(m.start()) and (
        not m.group().lower().startswith("giao") or flat[m.end():m.end() + 1].isupper()) for m in ASSIGN.finditer(flat))
