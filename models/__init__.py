"""Typed records shared by every stage (see `records.py`) and their JSON forms."""
from congvan.models.records import (
    ActionItem,
    Deadline,
    Directive,
    DistributionEntry,
    DocumentNumber,
    FailedFile,
    Letter,
    PageInfo,
    PartialDate,
    Recipient,
    Reference,
    Signer,
    Source,
)

__all__ = [
    "ActionItem", "Deadline", "Directive", "DistributionEntry", "DocumentNumber", "FailedFile",
    "Letter", "PageInfo", "PartialDate", "Recipient", "Reference", "Signer", "Source",
]
