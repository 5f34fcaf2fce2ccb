"""The number grammar's vocabulary (type codes, issuer codes, type titles),
loaded once from `parsers/data/codes.yaml` so it stays data, not code.
Used by the number, header and reference parsers.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def _codes() -> dict:
    text = (Path(__file__).resolve().parent.parent / "data" / "codes.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def type_codes() -> dict[str, str]:
    return _codes()["type_codes"]


def issuer_codes() -> dict[str, str]:
    return _codes()["issuer_codes"]


def type_titles() -> list[str]:
    return _codes()["type_titles"]


@lru_cache(maxsize=4096)
def type_for_code(code: str) -> str | None:
    """`QĐ` -> Quyết định; also `QD` (Đ typed as D) and any case."""
    table = type_codes()
    if code in table:
        return table[code]
    folded = {k.upper().replace("Đ", "D"): v for k, v in table.items()}
    return folded.get(code.upper().replace("Đ", "D"))


@lru_cache(maxsize=4096)
def issuer_for_code(code: str) -> str | None:
    table = issuer_codes()
    if code in table:
        return table[code]
    folded = {k.upper().replace("Đ", "D"): v for k, v in table.items()}
    return folded.get(code.upper().replace("Đ", "D"))
