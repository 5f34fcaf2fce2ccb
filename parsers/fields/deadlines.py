"""Deadlines, recurrence and urgency in the text of one task (DOMAIN.md §3).

Flow: the task stage (`fields/tasks.py`) hands each task's sentences here
and gets back a `Deadline` (absolute, relative in calendar or working days
from the issue date, or recurring), an RFC 5545 RRULE for recurring duties,
and whether the text marks the task urgent. Working days skip weekends and
Vietnam's public holidays as the `holidays` library keeps them (lunar Tết,
2 September and the government's extra bridge days included), so a new
year's calendar needs a library update, not a code change.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
import regex

from congvan.models.records import Deadline, PartialDate

_D = r"(?P<d>\d{1,2})"
_M = r"(?P<m>\d{1,2})"
_Y = r"(?P<y>\d{4})"
# `trước ngày 15/6/2023`, `chậm nhất ngày 30 tháng 6`, `trong ngày 30 tháng 4
# năm 2026`, `trước 05/5/2026`, `hạn cuối ngày 20/7`: a cue, then a date whose
# year may be left out (the year of the letter then).
_CUE = (r"(?:trước|chậm\s+nhất(?:\s+là)?(?:\s+(?:đến|vào|trước))?|muộn\s+nhất|không\s+muộn\s+hơn|hạn\s+chót|hạn\s+cuối"
        r"|trong|đến\s+hết|hoàn\s+thành|(?:ở\s+|vào\s+)?(?:thời\s+điểm\s+)?cuối)")
ABSOLUTE = regex.compile(
    rf"""(?P<cue>{_CUE})\s+(?:ngày\s+)?
    (?:{_D}\s*[/.-]\s*{_M}(?:\s*[/.-]\s*{_Y})?(?![\d/])
     | {_D}\s+tháng\s+{_M}(?:\s+năm\s+{_Y})?)""",
    regex.IGNORECASE | regex.VERBOSE,
)
# `trong quý II/2024`, `trước quý 3 năm 2024`, `quý IV` -> the quarter's last day.
QUARTER = regex.compile(
    r"(?P<cue>trước|trong|chậm\s+nhất(?:\s+trong)?|hoàn\s+thành\s+trong)\s+quý\s+(?P<q>IV|III|II|I|[1-4])(?:\s*(?:/|năm)\s*(?P<y>\d{4}))?",
    regex.IGNORECASE,
)
# `hoàn thành ... trong năm 2025` -> the year's last day.
IN_YEAR = regex.compile(r"(?:trong|trước\s+hết|chậm\s+nhất\s+trong)\s+năm\s+(?P<y>\d{4})(?!\s*[-–/]\s*\d)", regex.IGNORECASE)
# `trong thời hạn 05 ngày làm việc`, `trong vòng 10 ngày kể từ ngày ...`.
RELATIVE = regex.compile(
    r"(?:trong\s+(?:thời\s+hạn|vòng|phạm\s+vi)|chậm\s+nhất|sau)\s+(?P<n>\d{1,3})\s+ngày(?P<work>\s+làm\s+việc)?"
    r"(?P<rest>\s+(?:kể\s+từ|tính\s+từ|từ)\s+(?:ngày\s+)?[^.;,]{0,80})?",
    regex.IGNORECASE,
)
# A date that only bounds a condition is no deadline: `cơ sở đưa vào hoạt
# động trước ngày 01/7/2016`, `người tham gia cách mạng trước ngày
# 01/01/1945`, `hợp đồng ký kết trước ngày ...`: a state or past event (a
# participle) right before the cue, in the same clause.
_CONDITION = regex.compile(
    r"(?:(?:đưa\s+vào\s+(?:hoạt\s+động|sử\s+dụng|vận\s+hành)|hoạt\s+động|thành\s+lập|tham\s+gia\s+cách\s+mạng|sinh"
    r"|ký\s+kết|có\s+hiệu\s+lực|phát\s+sinh|hết\s+hạn|nghỉ\s+hưu|ban\s+hành)"
    r"|(?:được|đã)\s+\S+(?:\s+[^\s,;.:()]+){0,3})\s*$",
    regex.IGNORECASE,
)
# The relative count runs from the issue date only when the text says so or
# says nothing; `kể từ ngày nhận được hồ sơ` starts at an unknown event.
_FROM_ISSUE = regex.compile(r"ký|ban\s+hành|văn\s+bản\s+này|công\s+văn\s+này", regex.IGNORECASE)

# Recurrence: (pattern, label, RRULE). `trước ngày 20 hằng tháng` carries its
# day of the month; a quarter ends on its last day; `hằng` and `hàng` are
# both written.
_EVERY = r"(?:hằng|hàng|mỗi)"
MONTH_DAY = regex.compile(rf"(?:trước|vào|chậm\s+nhất)\s+ngày\s+(?P<d>\d{{1,2}})\s+{_EVERY}\s+tháng", regex.IGNORECASE)
YEAR_DAY = regex.compile(
    rf"(?:trước|vào|chậm\s+nhất(?:\s+là)?)\s+ngày\s+(?P<d>\d{{1,2}})\s*(?:/|tháng)\s*(?P<m>\d{{1,2}})\s+{_EVERY}\s+năm"
    rf"|{_EVERY}\s+năm[^.;]{{0,60}}?(?:chậm\s+nhất(?:\s+(?:là|đến|vào))?|trước)\s+(?:ngày\s+)?(?P<d2>\d{{1,2}})\s*(?:/|tháng)\s*(?P<m2>\d{{1,2}})",
    regex.IGNORECASE,
)
RECURRENCE = (
    (regex.compile(rf"{_EVERY}\s+tuần|định\s+kỳ\s+(?:hằng\s+|hàng\s+)?tuần", regex.IGNORECASE), "weekly", "FREQ=WEEKLY"),
    (regex.compile(rf"{_EVERY}\s+quý|định\s+kỳ\s+(?:hằng\s+|hàng\s+)?quý", regex.IGNORECASE), "quarterly",
     "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1"),
    (regex.compile(r"(?:định\s+kỳ\s+)?(?:06|6)\s+tháng(?:\s+một\s+lần|\s+1\s+lần)?|nửa\s+năm|hằng\s+năm\s+và\s+6\s+tháng", regex.IGNORECASE),
     "semiannual", "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=-1"),
    (regex.compile(rf"{_EVERY}\s+tháng|định\s+kỳ\s+(?:hằng\s+|hàng\s+)?tháng", regex.IGNORECASE), "monthly",
     "FREQ=MONTHLY;BYMONTHDAY=-1"),
    (regex.compile(rf"{_EVERY}\s+năm|định\s+kỳ\s+(?:hằng\s+|hàng\s+)?năm", regex.IGNORECASE), "yearly", "FREQ=YEARLY"),
    (regex.compile(r"{_EVERY}\s+ngày|hằng\s+ngày|hàng\s+ngày".replace("{_EVERY}", _EVERY), regex.IGNORECASE), "daily", "FREQ=DAILY"),
)
# `định kỳ` alone (`báo cáo định kỳ, đột xuất`) is periodic without a period.
PERIODIC = regex.compile(r"định\s+kỳ", regex.IGNORECASE)
_SEMI_GUARD = regex.compile(r"\d+\s+tháng\s+(?:đầu|cuối)\s+năm", regex.IGNORECASE)
_AIM = regex.compile(r"phấn\s+đấu|mục\s+tiêu")  # `phấn đấu ... trong năm 2025`: an aim
# `khẩn trương`, `hỏa tốc`, `cấp bách`, `ngay` after a verb (`bổ sung ngay`;
# not `ngay cả`, `ngay tại`, `ngay từ`, `ngay sau khi`), `sớm` as an adverb
# (`sớm xem xét`; not `sớm nhất có thể`, which sets no urgency of its own).
URGENT = regex.compile(
    r"\b(?:khẩn\s+trương|hỏa\s+tốc|hoả\s+tốc|thượng\s+khẩn|cấp\s+bách"
    r"|ngay(?!\s+(?:cả|tại|từ|trong|sau|khi|thẳng))|sớm(?!\s+nhất))\b",
    regex.IGNORECASE,
)
_ROMAN_Q = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True)
class Recurrence:
    label: str  # weekly, monthly, quarterly, semiannual, yearly, daily, periodic
    rrule: str | None  # RFC 5545 RRULE value, None when the period is not said
    text: str


@lru_cache(maxsize=64)
def _vn_holidays(year: int) -> holidays.HolidayBase:
    # the typed factory for `holidays.Vietnam` (whose own __init__ is unannotated)
    return holidays.country_holidays("VN", years=[year - 1, year, year + 1])


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a Vietnamese public holiday (Tết and bridge days included)."""
    return day.weekday() < 5 and day not in _vn_holidays(day.year)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (the start day itself does not count)."""
    day = start
    left = n
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def _safe_date(year: int, month: int, day: int) -> PartialDate | None:
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return PartialDate(year=year, month=month, day=day)


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str, issued: PartialDate | None = None) -> Deadline | None:
    """The first deadline in `text`; the letter's issue date supplies a missing
    year and the start of a relative deadline (only when known to the day)."""
    found: list[tuple[int, Deadline]] = []
    for m in ABSOLUTE.finditer(text):
        if MONTH_DAY.match(text, m.start()) or _followed_by_every(text, m.end()):
            continue  # `trước ngày 20 hằng tháng` is a recurrence, not a date
        if m["cue"].casefold().startswith("trước") and _CONDITION.search(text, max(0, m.start() - 80), m.start()):
            continue
        year = int(m["y"]) if m["y"] else (issued.year if issued else None)
        if year is None:
            continue
        date = _safe_date(year, int(m["m"]), int(m["d"]))
        if date is not None and not m["y"] and issued is not None and _before(date, issued):
            # A year-less date earlier than the letter is next year's: a
            # letter of 01/12/2025 asking `trước ngày 30 tháng 01` means 2026.
            date = _safe_date(year + 1, int(m["m"]), int(m["d"]))
        if date is not None:
            found.append((m.start(), Deadline(date=date, text=_clean(m.group()), kind="absolute")))
            break
    q = QUARTER.search(text)
    if q:
        year = int(q["y"]) if q["y"] else (issued.year if issued else None)
        quarter = _ROMAN_Q.get(q["q"].upper()) or int(q["q"])
        if year is not None:
            end = quarter_end(year, quarter)
            found.append((q.start(), Deadline(date=PartialDate(year=end.year, month=end.month, day=end.day),
                                               text=_clean(q.group()), kind="absolute")))
    y = IN_YEAR.search(text)
    if y and _AIM.search(text[max(0, y.start() - 60):y.start()]):
        y = None  # `phấn đấu khởi công trong năm 2025`: an aim, no deadline
    if y:
        found.append((y.start(), Deadline(date=PartialDate(year=int(y["y"]), month=12, day=31),
                                          text=_clean(y.group()), kind="absolute")))
    r = RELATIVE.search(text)
    if r:
        n = int(r["n"])
        kind = "relative_working_days" if r["work"] else "relative_calendar_days"
        date = None
        from_issue = not r["rest"] or bool(_FROM_ISSUE.search(r["rest"]))
        if from_issue and issued is not None and issued.precision == "day":
            start = dt.date(issued.year, issued.month, issued.day)  # type: ignore[arg-type]
            end = add_working_days(start, n) if r["work"] else start + dt.timedelta(days=n)
            date = PartialDate(year=end.year, month=end.month, day=end.day)
        found.append((r.start(), Deadline(date=date, text=_clean(r.group()), kind=kind)))  # type: ignore[arg-type]
    if not found:
        return None
    return min(found, key=lambda x: x[0])[1]


def _before(date: PartialDate, issued: PartialDate) -> bool:
    """`date` falls before the issue date, as far as the issue date is known."""
    mine = (date.year, date.month or 0, date.day or 0)
    theirs = (issued.year, issued.month or 0, issued.day or 0)
    if issued.month is None:
        return mine[0] < theirs[0]
    if issued.day is None:
        return mine[:2] < theirs[:2]
    return mine < theirs


def deadline_warning(deadline: Deadline | None, issued: PartialDate | None) -> str | None:
    """A warning when a deadline lies before the letter's own date: the
    date is then doubtful (a misprint, or a date the text only mentions)."""
    if deadline is None or deadline.date is None or issued is None or deadline.kind == "recurring":
        return None
    if _before(deadline.date, issued):
        return f"deadline {deadline.date.iso} ('{deadline.text}') is before the issue date {issued.iso}; date dropped"
    return None


_EVERY_PERIOD = regex.compile(rf"\s+{_EVERY}\s+(?:tháng|năm|quý|tuần)", regex.IGNORECASE)


def _followed_by_every(text: str, pos: int) -> bool:
    return bool(_EVERY_PERIOD.match(text[pos:pos + 20]))


def parse_recurrence(text: str) -> Recurrence | None:
    """A recurring duty and its RRULE: `trước ngày 20 hằng tháng` is
    FREQ=MONTHLY;BYMONTHDAY=20, `định kỳ hàng quý` ends each quarter."""
    m = MONTH_DAY.search(text)
    if m:
        return Recurrence("monthly", f"FREQ=MONTHLY;BYMONTHDAY={int(m['d'])}", _clean(m.group()))
    y = YEAR_DAY.search(text)
    if y:
        d, mo = (y["d"], y["m"]) if y["d"] else (y["d2"], y["m2"])
        return Recurrence("yearly", f"FREQ=YEARLY;BYMONTH={int(mo)};BYMONTHDAY={int(d)}", _clean(y.group()))
    best: tuple[int, Recurrence] | None = None
    for pattern, label, rule in RECURRENCE:
        for hit in pattern.finditer(text):
            if label == "semiannual" and (_SEMI_GUARD.match(text, hit.start()) or not _periodic_context(text, hit.start())):
                continue
            if best is None or hit.start() < best[0]:
                best = (hit.start(), Recurrence(label, rule, _clean(hit.group())))
            break
    if best:
        return best[1]
    p = PERIODIC.search(text)
    if p:
        return Recurrence("periodic", None, _clean(p.group()))
    return None


def _periodic_context(text: str, pos: int) -> bool:
    """`6 tháng` recurs only as `định kỳ 6 tháng` or `6 tháng một lần`, not `trong 6 tháng`."""
    before = text[max(0, pos - 12):pos].casefold()
    after = text[pos:pos + 24].casefold()
    return "định kỳ" in before or "định kỳ" in after[:8] or "một lần" in after or "1 lần" in after or "nửa năm" in after


def is_urgent(text: str) -> bool:
    return bool(URGENT.search(text))


def _clean(text: str) -> str:
    return " ".join(text.split())
