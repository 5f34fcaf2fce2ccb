"""Action items -> Jira's CSV importer: a parent Task per letter, its action items as Sub-tasks.

Flow: source (Letters -> action items) -> **Jira CSV** (+ the importer
configuration `jira_config()` written beside it). `Summary` comes first;
sub-tasks link to their Task through `Issue ID`/`Parent`, and Atlassian's
CSV guide wants every parent row before the sub-tasks that name it, so all
Task rows come first, then all Sub-task rows. Dates are `yyyy-MM-dd`, the
format the configuration declares. `Congvan ID` (the stable task id) is
mapped to a text custom field of that name, so a re-import can find the
issue again. The configuration follows the JSON the importer's wizard saves
(`config.field.mappings`, with `userCustomField` for a new custom field),
written from knowledge of that format: check it in the wizard once.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import partial
from typing import Any

from congvan.models.records import ActionItem, Letter
from congvan.pipeline.exports.items import by_letter, csv_bytes, due_day, number_symbol, summary, write_rows

JIRA_DATE_FORMAT = "yyyy-MM-dd"
JIRA_COLUMNS = ("Summary", "Issue ID", "Parent", "Issue Type", "Description", "Due date", "Priority", "Labels",
                "Congvan ID")


def jira_issue_id(key: str) -> int:
    """A stable numeric Issue ID (the CSV importer links parents by it)."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:12], 16) % 10**12 + 1


def _parent_row(letter_id: str, letter: Letter | None) -> dict[str, Any]:
    symbol = number_symbol(letter)
    subject = letter.subject if letter and letter.subject else ""
    return {
        "Summary": " ".join(f"{symbol or letter_id}: {subject}".strip(": ").split())[:250],
        "Issue ID": jira_issue_id(f"letter:{letter_id}"), "Issue Type": "Task",
        "Description": f"{letter.doc_type if letter else 'Văn bản'} {symbol} — {(letter.issuer or '') if letter else ''}\n"
                       f"congvan letter {letter_id}",
        "Labels": "congvan", "Congvan ID": f"letter-{letter_id}",
    }


def _sub_row(item: ActionItem, letter: Letter | None, parent: int) -> dict[str, Any]:
    due = due_day(item, letter)
    return {
        "Summary": summary(item, 250), "Issue ID": jira_issue_id(item.id), "Parent": parent,
        "Issue Type": "Sub-task",
        "Description": "\n".join(x for x in (
            item.text,
            f"Vai trò: {'chủ trì' if item.role == 'lead' else 'phối hợp'}",
            f"Hạn: {item.deadline.text}" if item.deadline else "",
            f"Báo cáo: {item.report_to}" if item.report_to else "",
            f"congvan id {item.id}") if x),
        "Due date": due.isoformat() if due else None,
        "Priority": "High" if item.urgency == "urgent" else "Medium",
        "Labels": f"congvan {item.role}", "Congvan ID": item.id,
    }


def to_jira(items: Iterable[ActionItem], letters: dict[str, Letter] | None = None,
            skipped: list[str] | None = None) -> bytes:
    """Jira CSV: every letter's parent Task, then every action item as a Sub-task of its letter."""
    skipped = skipped if skipped is not None else []
    parents: list[dict[str, Any]] = []
    subs: list[dict[str, Any]] = []
    for letter_id, letter, group in by_letter(items, letters):
        parent = _parent_row(letter_id, letter)
        rows = write_rows(group, partial(_sub_row, letter=letter, parent=parent["Issue ID"]), skipped)
        if rows:
            parents.append(parent)
            subs.extend(rows)
    return csv_bytes(JIRA_COLUMNS, parents + subs)


def jira_config() -> dict[str, Any]:
    """The CSV importer configuration to load with the file: declares the date format and maps
    every column (Issue ID/Parent link sub-tasks to tasks; Congvan ID to a text custom field)."""
    return {
        "config.version": "2.0",
        "config.delimiter": ",",
        "config.encoding": "UTF-8",
        "config.date.format": JIRA_DATE_FORMAT,
        "config.field.mappings": {
            "Summary": {"jira.field": "summary"},
            "Issue ID": {"jira.field": "issue-id"},
            "Parent": {"jira.field": "subtask-parent-id"},
            "Issue Type": {"jira.field": "issuetype"},
            "Description": {"jira.field": "description"},
            "Due date": {"jira.field": "duedate"},
            "Priority": {"jira.field": "priority"},
            "Labels": {"jira.field": "labels"},
            "Congvan ID": {"userCustomField": {
                "name": "Congvan ID", "type": "com.atlassian.jira.plugin.system.customfieldtypes:textfield"}},
        },
    }
