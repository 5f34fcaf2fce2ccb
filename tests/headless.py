"""A real headless browser for the pages congvan writes (Debian's chromium, which
`scripts/setup.sh --dev` installs); tests that need it skip with a reason without it."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh --dev installs it)")
# As root, with no network and no GPU: the flags this machine needs (no sandbox, no
# background connections, a fresh profile each run).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,1000", "--virtual-time-budget=20000"]


def run(url: str, *extra: str, timeout: float = 180) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="congvan-chromium-") as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url],
                              capture_output=True, text=True, timeout=timeout)


def dump_dom(page: Path, query: str = "") -> str:
    """The page's DOM after its scripts ran (`?query` passed to the page)."""
    out = run(page.resolve().as_uri() + (f"?{query}" if query else ""), "--dump-dom")
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def screenshot(page: Path, png: Path) -> Path:
    out = run(page.resolve().as_uri(), f"--screenshot={png}")
    assert out.returncode == 0 and png.exists(), out.stderr[-2000:]
    return png
