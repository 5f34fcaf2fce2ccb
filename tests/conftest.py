"""Shared fixtures: where the shared seeds, gold and corpus live."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CONGVAN_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"
CORPUS = SHARED / "corpus" / "real"
SAMPLES = ROOT / "data" / "samples"


def congvan_cmd() -> list[str]:
    exe = shutil.which("congvan", path=str(Path(os.sys.executable).parent)) or shutil.which("congvan")
    return [exe] if exe else [os.sys.executable, "-m", "congvan"]


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        files = sorted(p for p in SAMPLES.glob("0*.txt") if p.stem in {g.stem for g in GOLD.glob("*.json")})
    assert files, "no seed letters found (shared/seeds or data/samples)"
    return files


def gold_for(path: Path) -> dict:
    return json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))
