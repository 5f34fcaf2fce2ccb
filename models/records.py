"""The typed records every stage of congvan speaks.

Flow: readers produce text with layout, field parsers produce these records,
the store persists them and the graph and task stages read them back. Every
extracted value carries a `Source` saying where in the normalised text (and,
when the reader knows it, on which page and where on it) it was read.
Records are frozen pydantic models: build a new one instead of mutating.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

Relation = Literal[
    "implements", "legal_basis", "responds_to", "amends", "replaces", "repeals",
    "guides", "attachment", "mentions",
]
Precision = Literal["day", "month", "year"]
Role = Literal["lead", "support"]
DirectiveKind = Literal[
    "part", "chapter", "section", "article", "clause", "point", "number", "letter", "dash", "plus", "roman", "proman",
]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Record):
    """Where a value was read: a character span of the normalised text, plus
    the page, bounding box (PDF points, top-left origin) or Word location
    (`p12`, `table1/r0/c1`) when the reader knows them."""

    start: int
    end: int
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    where: str | None = None


class PartialDate(Record):
    """A calendar date known to the day, the month or only the year.

    `ngày  tháng 5 năm 2023` is May 2023 (precision "month"), never 2023-05-01.
    """

    # `precision` and `iso` are computed: accept them back from a dumped record.
    model_config = ConfigDict(frozen=True, extra="ignore")

    year: int
    month: int | None = None
    day: int | None = None
    source: Source | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> Precision:
        if self.day is not None and self.month is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def iso(self) -> str:
        if self.precision == "day":
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision == "month":
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @classmethod
    def from_iso(cls, iso: str | None) -> PartialDate | None:
        """`2023-05-04`, `2023-05` or `2023` back to a PartialDate; None for None or ``."""
        if not iso:
            return None
        parts = [int(p) for p in str(iso).split("-")]
        return cls(year=parts[0], month=parts[1] if len(parts) > 1 else None,
                   day=parts[2] if len(parts) > 2 else None)

    def to_date(self) -> dt.date | None:
        """The calendar day when the date is known to the day; None for a month or a year
        (a partial date is never made into a day: use `first_day`/`last_day` for a bound)."""
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def first_day(self) -> dt.date:
        """The first calendar day the date may be: `tháng 6/2023` is from 1 June."""
        return dt.date(self.year, self.month or 1, (self.day or 1) if self.month else 1)

    def last_day(self) -> dt.date:
        """The last calendar day the date allows: `trước tháng 6/2023` is due by 30 June."""
        if self.month is None:
            return dt.date(self.year, 12, 31)
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)


class DocumentNumber(Record):
    """`Số: 2536/BCT-VP`: number (digits, or None when left blank) and symbol."""

    number: str | None
    symbol: str | None
    raw: str
    confidence: float = 1.0
    source: Source | None = None


class Recipient(Record):
    name: str
    source: Source | None = None


class DistributionEntry(Record):
    """One body on the `Nơi nhận` list, with its purpose (`b/c`, `để biết`)."""

    name: str
    purpose: str | None = None
    source: Source | None = None


class Signer(Record):
    name: str | None = None
    title: str | None = None
    authority: str | None = None
    source: Source | None = None


class Reference(Record):
    """Another document this one cites, once however often it is cited."""

    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: PartialDate | None = None
    issuer: str | None = None
    relation: Relation = "mentions"
    subject: str | None = None
    text: str
    source: Source | None = None
    mentions: tuple[Source, ...] = ()
    # A reference described inside this one (`4217/UBND-TH ... về việc triển
    # khai Công điện ...`): index into the letter's references of what this
    # reference itself relates to, and how.
    cites: tuple[tuple[int, Relation], ...] = ()

    @property
    def key(self) -> str | None:
        if self.number and self.symbol:
            return f"{self.number}/{self.symbol}"
        return None


class Directive(Record):
    """One labelled item of the body (`1.`, `a)`, `-`, `Điều 3.`)."""

    index: int
    depth: int
    label: str
    kind: DirectiveKind
    text: str
    path: str
    parent: int | None = None
    source: Source | None = None


class Deadline(Record):
    date: PartialDate | None = None
    text: str
    kind: Literal["absolute", "relative_calendar_days", "relative_working_days", "recurring"] = "absolute"


class ActionItem(Record):
    """Who must do what, with whom, by when: one unit's share of a directive."""

    id: str
    letter_id: str
    path: str
    label: str | None = None
    unit: str
    unit_key: str
    role: Role = "lead"
    collaborators: tuple[str, ...] = ()
    text: str
    deadline: Deadline | None = None
    recurrence: str | None = None
    rrule: str | None = None
    urgency: Literal["urgent", "normal"] = "normal"
    report_to: str | None = None
    source: Source | None = None


class PageInfo(Record):
    """How one page was read: its text layer, a repaired layer, or OCR."""

    page: int
    path: Literal["text", "repaired", "ocr", "docx", "doc", "txt", "rtf", "image"]
    quality: float | None = None
    ocr_confidence: float | None = None
    note: str | None = None


class Letter(Record):
    """A whole letter: header fields, body structure, footer, provenance."""

    id: str
    file: str | None = None
    content_hash: str | None = None
    format: str = "txt"
    encoding: str | None = None
    number: DocumentNumber | None = None
    issued: PartialDate | None = None
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    issuer_source: Literal["header", "symbol", "metadata"] | None = None
    doc_type: str = "Công văn"
    subject: str | None = None
    urgency: str | None = None
    secrecy: str | None = None
    recipients: tuple[Recipient, ...] = ()
    distribution: tuple[DistributionEntry, ...] = ()
    signer: Signer | None = None
    references: tuple[Reference, ...] = ()
    directives: tuple[Directive, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    pages: tuple[PageInfo, ...] = ()
    sources: dict[str, Source] = Field(default_factory=dict)
    confidence: dict[str, float] = Field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    text: str = ""

    @property
    def identity(self) -> tuple[str | None, str | None, str | None, int | None]:
        """(number, symbol, issuer, year): a number and symbol alone are not unique."""
        num = self.number
        return (
            num.number if num else None,
            num.symbol if num else None,
            self.issuer,
            self.issued.year if self.issued else None,
        )


class FailedFile(Record):
    """A file that gave no letter: batch code returns this instead of raising."""

    file: str
    content_hash: str | None = None
    format: str | None = None
    status: Literal["failed", "skipped"] = "failed"
    reason: str
    kind: str = "error"
