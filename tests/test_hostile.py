"""The hostile suite (#16): every generated case exits 0 with a sane result or gives one
`congvan: error:` line, within its time and memory limit, writing nothing outside its
output folder and no live spreadsheet formula. The cases live in `tests/hostile.py`;
`benchmarks/bench_hostile.py` prints the table by family."""
from __future__ import annotations

from pathlib import Path

import pytest

import hostile

CASES = hostile.cases()


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


def test_the_suite_is_broad() -> None:
    families = {c.family for c in CASES}
    assert len(CASES) >= 100 and len(families) >= 9
    assert len({(c.family, c.name) for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.family}-{c.name}" for c in CASES])
def test_hostile_case(case: hostile.Case, base: Path) -> None:
    outcome = hostile.run(case, base)
    assert outcome.clean, outcome.detail
