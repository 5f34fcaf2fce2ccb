"""The hostile suite (#16): every generated case exits 0 with a sane result or gives one
`congvan: error:` line, within its time and memory limit, writing nothing outside its
output folder and no live spreadsheet formula. The cases live in `tests/hostile.py`;
`benchmarks/bench_hostile.py` prints the table by family and also runs the heavy cases
(megabytes of text, hundreds of pages), whose time is a speed figure.

Each case is its own process, so the cases run as many at a time as there are cores;
each still gets one test, judged on its own outcome."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import hostile
import pytest

ALL = hostile.cases()
CASES = [c for c in ALL if not c.heavy]


def test_the_suite_is_broad() -> None:
    families = {c.family for c in ALL}
    assert len(ALL) >= 100 and len(families) >= 9 and len(CASES) >= 100
    assert len({(c.family, c.name) for c in ALL}) == len(ALL)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, hostile.Outcome]:
    base = tmp_path_factory.mktemp("hostile")
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        done = pool.map(lambda c: hostile.run(c, base), CASES)
        return {f"{o.case.family}-{o.case.name}": o for o in done}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.family}-{c.name}" for c in CASES])
def test_hostile_case(case: hostile.Case, outcomes: dict[str, hostile.Outcome]) -> None:
    outcome = outcomes[f"{case.family}-{case.name}"]
    assert outcome.clean, outcome.detail
