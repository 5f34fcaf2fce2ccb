"""Where the test letters live: in the repository first, the shared corpus second.

What the suite needs is in the repository: `data/samples` (real letters in
every format, with their gold in `data/samples/gold`) and `tests/data`
(small real corpus letters the tests name). Tests that need the full shared
corpus find it through one setting, `CONGVAN_SHARED` (default `../shared`
beside the repository), and skip with a reason when it is absent, so a
clone with nothing beside it passes on its own.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SAMPLE_GOLD = SAMPLES / "gold"
TEST_DATA = Path(__file__).resolve().parent / "data"
REPO_CORPUS = TEST_DATA / "corpus"     # small real letters copied from the shared corpus
SHARED = Path(os.environ.get("CONGVAN_SHARED", ROOT.parent / "shared")).resolve()
CORPUS = SHARED / "corpus" / "real"
SHARED_GOLD = SHARED / "gold"
HAVE_SHARED = CORPUS.is_dir()
NO_SHARED = f"needs the shared corpus at {SHARED} (set CONGVAN_SHARED)"
needs_shared = pytest.mark.skipif(not HAVE_SHARED, reason=NO_SHARED)

# The two seed letters travel with the samples (identical copies of shared/seeds).
SEED_000 = SAMPLES / "000_dd14468687b73df9.txt"
SEED_001 = SAMPLES / "001_091bf70c372fa8e6.txt"
SEEDS = (SEED_000, SEED_001)


def congvan_cmd() -> list[str]:
    exe = shutil.which("congvan", path=str(Path(sys.executable).parent)) or shutil.which("congvan")
    return [exe] if exe else [sys.executable, "-m", "congvan"]


def corpus_file(name: str, suffix: str = "") -> Path:
    """A real corpus letter by file name or by its three-digit prefix (`"056"`, with an
    optional `suffix` such as ".pdf"): the copy in tests/data when the repository has one,
    else the shared corpus, else data/samples (whose seed letters share prefixes with
    corpus files); the test skips when none holds it."""
    for folder in (TEST_DATA / "corpus", CORPUS, SAMPLES):
        if not folder.is_dir():
            continue
        exact = folder / name
        if exact.is_file():
            return exact
        found = sorted(folder.glob(f"{name}_*{suffix}")) if len(name) == 3 and name.isdigit() else []
        if found:
            return found[0]
    pytest.skip(f"{name}: not in tests/data or data/samples, and {NO_SHARED}")


def gold_for(path: Path) -> dict:
    """The gold record of a letter: data/samples/gold first, then the shared gold folders."""
    for folder in (SAMPLE_GOLD, SHARED_GOLD, SHARED_GOLD / "corpus"):
        candidate = folder / f"{path.stem}.json"
        if candidate.is_file():
            return json.loads(candidate.read_text(encoding="utf-8"))
    pytest.skip(f"no gold record for {path.name}")


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return list(SEEDS)
