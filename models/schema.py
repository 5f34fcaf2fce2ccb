"""JSON Schemas of what congvan publishes: the `parse --json` letter object
and the exported task record. Written as pydantic models so the schema and
the validator come from one definition (tests validate real output against
them)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class SignerOut(_Out):
    name: str | None
    title: str | None
    authority: str | None = Field(description="Delegation line: KT./TM./TL./TUQ./Q. and the office")


class DistributionOut(_Out):
    name: str
    purpose: str | None = Field(description="b/c, để biết, để thực hiện ...")


class ReferenceOut(_Out):
    doc_type: str | None
    number: str | None = Field(description="Digits (and a letter suffix), null when the citation has none")
    symbol: str | None
    date: str | None = Field(description="ISO date, YYYY-MM or YYYY")
    issuer: str | None
    relation: Literal["implements", "legal_basis", "responds_to", "amends", "replaces", "repeals", "guides", "attachment", "mentions"]
    text: str


class DirectiveOut(_Out):
    depth: int = Field(ge=1)
    label: str
    text: str


class TaskOut(BaseModel):
    """One action item as exported to trackers (JSON Lines)."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(description="Stable id: the same letter ingested twice gives the same id")
    letter_id: str
    path: str = Field(description="Directive path, e.g. 3.a; empty for preamble or closing")
    label: str | None
    unit: str
    unit_key: str
    role: Literal["lead", "support"]
    collaborators: list[str]
    text: str
    deadline: str | None = Field(description="ISO date, YYYY-MM or YYYY")
    deadline_text: str | None
    recurrence: str | None
    rrule: str | None = Field(description="RFC 5545 RRULE value")
    urgency: Literal["urgent", "normal"]
    report_to: str | None
    source: dict[str, Any] | None


class Nd30Value(BaseModel):
    """One pre-filled metadata value and how far to trust it (0: unknown)."""

    model_config = ConfigDict(extra="forbid")
    value: Any = Field(description="The value; null when the letter does not give it")
    confidence: float = Field(ge=0, le=1)


class Nd30Out(BaseModel):
    """The header fields under the names văn thư systems and edXML messages use
    (Decree 30/2020/NĐ-CP Phụ lục VI metadata; element names of edXML,
    QCVN 102:2016/BTTTT). See congvan.models.nd30 for what each holds."""

    model_config = ConfigDict(extra="forbid")
    CodeNumber: Nd30Value = Field(description="Số văn bản (digits, string)")
    CodeNotation: Nd30Value = Field(description="Ký hiệu văn bản, e.g. BCT-VP")
    IssuedDate: Nd30Value = Field(description="Ngày ban hành: {date: YYYY-MM-DD|YYYY-MM|YYYY, precision: day|month|year}")
    Place: Nd30Value = Field(description="Địa danh ban hành (PromulgationInfo/Place)")
    OrganName: Nd30Value = Field(description="Tên cơ quan, tổ chức ban hành")
    OrganizationInCharge: Nd30Value = Field(description="Tên cơ quan, tổ chức chủ quản")
    DocumentType: Nd30Value = Field(description="Tên loại văn bản")
    Subject: Nd30Value = Field(description="Trích yếu nội dung")
    SignerInfo: Nd30Value = Field(description="{Competence: KT./TM./TL./TUQ./Q. authority line, Position: chức vụ, FullName: họ tên}")
    ToPlaces: Nd30Value = Field(description="Nơi nhận: list of bodies")
    DueDate: Nd30Value = Field(description="Hạn giải quyết: earliest dated deadline of the action items, {date, precision}")
    Priority: Nd30Value = Field(description="Độ khẩn code: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ")


class LetterOut(_Out):
    """The object `congvan parse --json` prints for one letter."""

    id: str
    file: str | None
    format: str
    number: str | None = Field(description="Digits only; null when blank or unreadable")
    symbol: str | None = Field(description="Everything after the first '/', spaces removed, e.g. BCT-VP, 2020/NĐ-CP")
    issued: str | None = Field(description="YYYY-MM-DD, YYYY-MM or YYYY by the precision printed")
    issued_precision: Literal["day", "month", "year"] | None
    place: str | None
    issuer: str | None
    parent_issuer: str | None
    doc_type: str
    subject: str | None
    urgency: str | None = Field(description="Urgency mark under the number: Khẩn, Thượng khẩn, Hỏa tốc")
    secrecy: str | None = Field(default=None, description="Secrecy mark: Mật, Tối mật, Tuyệt mật")
    recipients: list[str]
    distribution: list[DistributionOut]
    signer: SignerOut
    references: list[ReferenceOut]
    directives: list[DirectiveOut]
    action_items: list[TaskOut]
    nd30: Nd30Out = Field(description="The same header under văn thư / edXML field names, each with a confidence")
    confidence: dict[str, float]
    warnings: list[str]
    pages: list[dict[str, Any]]
    provenance: dict[str, Any]


def _published(model: type[BaseModel]) -> dict[str, Any]:
    return {**model.model_json_schema(), "$schema": "https://json-schema.org/draft/2020-12/schema"}


def letter_schema() -> dict[str, Any]:
    return _published(LetterOut)


def task_schema() -> dict[str, Any]:
    return _published(TaskOut)
