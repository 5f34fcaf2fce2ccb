"""The three top-level code folders install under the `congvan` namespace,
both as a regular wheel and as the editable install the tests run on."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SEED_001

import congvan


def test_editable_install_maps_the_folders() -> None:
    import congvan.models.records as records
    import congvan.parsers.letter as letter
    import congvan.pipeline.cli as cli

    assert Path(records.__file__).resolve().parent == ROOT / "models"
    assert Path(letter.__file__).resolve().parent == ROOT / "parsers"
    assert Path(cli.__file__).resolve().parent == ROOT / "pipeline"

def test_no_bare_top_level_modules_leak(tmp_path: Path) -> None:
    # Run from elsewhere: `python -m pytest` itself puts the repository on sys.path.
    code = "import importlib.util as u; print([m for m in ('models','pipeline','parsers') if u.find_spec(m)])"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True, timeout=600,
    )
    return next(out.glob("congvan-*.whl"))


def test_regular_wheel_holds_the_namespace(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("congvan/__init__.py", "congvan/models/records.py", "congvan/parsers/letter.py",
                   "congvan/parsers/readers/text.py", "congvan/parsers/fields/numbers.py",
                   "congvan/parsers/data/codes.yaml", "congvan/pipeline/cli.py",
                   "congvan/pipeline/exports/source.py", "congvan/pipeline/exports/taskwarrior.py"):
        assert needed in names, needed
    assert not any(n.startswith(("models/", "parsers/", "pipeline/", "tests/")) for n in names)


def test_regular_wheel_parses_a_letter(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = (
        "import sys, congvan; assert congvan.__file__.startswith(sys.argv[1]), congvan.__file__;"
        "print(congvan.to_json(congvan.parse(sys.argv[2]))['symbol'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(target), str(SEED_001)],
        capture_output=True, text=True, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "BCT-VP"
    assert congvan.__version__
