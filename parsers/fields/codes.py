"""The number grammar's vocabulary (type codes, issuer codes, type titles),
loaded once from `parsers/data/codes.yaml` so it stays data, not code.
Used by the number, header and reference parsers.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, TypedDict, cast

import yaml


class _Codes(TypedDict):
    """The shape of `codes.yaml`."""

    type_codes: dict[str, str]
    issuer_codes: dict[str, str]
    type_titles: list[str]


@lru_cache(maxsize=1)
def _codes() -> _Codes:
    text = (Path(__file__).resolve().parent.parent / "data" / "codes.yaml").read_text(encoding="utf-8")
    return cast(_Codes, yaml.safe_load(text))


def type_codes() -> dict[str, str]:
    return _codes()["type_codes"]


def issuer_codes() -> dict[str, str]:
    return _codes()["issuer_codes"]


def type_titles() -> list[str]:
    return _codes()["type_titles"]


_Table = Literal["type_codes", "issuer_codes"]


@lru_cache(maxsize=2)
def _folded(table: _Table) -> dict[str, str]:
    """The table keyed also by its upper-cased, Đ-as-D spelling."""
    codes = _codes()[table]
    return {**{k.upper().replace("Đ", "D"): v for k, v in codes.items()}, **codes}


def _lookup(table: _Table, code: str) -> str | None:
    folded = _folded(table)
    return folded.get(code) or folded.get(code.upper().replace("Đ", "D"))


def type_for_code(code: str) -> str | None:
    """`QĐ` -> Quyết định; also `QD` (Đ typed as D) and any case."""
    return _lookup("type_codes", code)


def issuer_for_code(code: str) -> str | None:
    """`BCT` -> Bộ Công Thương; also `BKHDT` for `BKHĐT` and any case."""
    return _lookup("issuer_codes", code)
