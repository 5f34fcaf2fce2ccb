"""The Dask distributed engine gives the same store as the local process pool."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from congvan.pipeline.ingest import ingest

distributed = pytest.importorskip("dask.distributed")

from conftest import SEEDS, TEST_DATA  # noqa: E402 - after the skip when Dask is absent
from test_ingest import comparable  # noqa: E402

REAL = TEST_DATA / "corpus"


def test_dask_local_cluster_matches_local_engine(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in [*SEEDS, REAL / "239_cv-963-tct-cntt-tong-cuc-thue.txt",
              REAL / "202_cv-5482-tchq-tong-cuc-hai-quan.txt", REAL / "README.md"]:
        shutil.copy(p, folder / p.name)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "random.docx").write_bytes(bytes(range(256)) * 8)

    local = tmp_path / "local.duckdb"
    ingest([folder], local, workers=2, log=lambda s: None)

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        assert len(cluster.workers) == 2
        remote = tmp_path / "dask.duckdb"
        report = ingest([folder], remote, engine="dask", scheduler=cluster.scheduler_address, log=lambda s: None)
        assert report.parsed_now == 6   # README.md is skipped by name, never sent to a worker
    finally:
        cluster.close()

    a, b = comparable(local), comparable(remote)
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False, obj=name)
    files = b["files"].set_index(b["files"]["path"].map(lambda p: Path(p).name))
    assert files.loc["empty.pdf", "status"] == "failed" and files.loc["README.md", "status"] == "skipped"
    assert (files["status"] == "ok").sum() == 4
    assert len(b["edges"]) > 0
