"""Speed of the Word readers on the real corpus (run by hand, not in CI).

DOCX: paragraphs per second of `read_docx` against a bare python-docx walk
(`iter_inner_content`, paragraph.text, table cell text), over the corpus DOCX
files. .doc: seconds per file through antiword and through LibreOffice.

    .venv/bin/python benchmarks/bench_word_readers.py [/path/to/corpus/real]
"""
from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import docx

from congvan.parsers.readers.doc import _antiword_text, convert_to_docx
from congvan.parsers.readers.docx import read_docx


def _plain_walk(data: bytes) -> int:
    n = 0
    for block in docx.Document(io.BytesIO(data)).iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                for cell in row.cells:
                    n += len(cell.paragraphs)
                    _ = cell.text
        else:
            _ = block.text
            n += 1
    return n


def main(corpus: Path) -> None:
    files = [p.read_bytes() for p in sorted(corpus.glob("*.docx"))]
    for label, fn in (("python-docx walk", _plain_walk), ("read_docx", lambda d: len(read_docx(d).lines))):
        fn(files[0])
        t0 = time.perf_counter()
        count = sum(fn(d) for _ in range(3) for d in files)
        el = time.perf_counter() - t0
        print(f"{label:18} {count / el:9.0f} paragraphs(lines)/s  ({len(files)} files x3, {el:.2f} s)")
    docs = [p.read_bytes() for p in sorted(corpus.glob("*.doc"))]
    t0 = time.perf_counter()
    ok = sum(_antiword_text(d) is not None for d in docs)
    print(f"antiword           {(time.perf_counter() - t0) / len(docs):.4f} s/file ({ok}/{len(docs)} succeeded)")
    t0 = time.perf_counter()
    for d in docs:
        convert_to_docx(d)
    print(f"LibreOffice        {(time.perf_counter() - t0) / len(docs):.3f} s/file (one process per file, warm profile)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/corpus/real"))
