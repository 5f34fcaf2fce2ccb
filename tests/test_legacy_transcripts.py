"""Legacy TCVN3/VNI files (.doc, .rtf, .pdf text layers) decode to their transcripts.

Each of the 23 legacy files in the corpus has a Unicode transcript in
`legacy_transcripts/`. The character error rate (edit distance over the
transcript's length, whitespace collapsed) must stay under 1 %.

How the transcripts were made decides three choices here, each printed in
the figures:
- they come from a converter that cannot see `.VnTimeH` fonts, so its
  capitals from H fonts are lower case ("bộ tài chính" for BỘ TÀI CHÍNH):
  the CER is taken case-folded, and `test_h_font_capitals` checks the real
  capitals separately;
- the RTF transcripts mark table cells with `|`: it is dropped on both sides;
- they read tables row by row, while our readers read a letter's header and
  footer tables column by column: a block that sits elsewhere but matches
  word for word is aligned where it is (a move), not counted as deleted and
  re-inserted. The strict, order-sensitive figure is printed too.
- they leave out Word's automatic list numbers, which the DOCX reader puts
  back: .doc files are read with `list_labels=False` here, and
  `test_list_labels_recovered` checks the labels.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from conftest import CORPUS, NO_SHARED
from rapidfuzz.distance import Levenshtein

from congvan.parsers.readers import read_file

TRANSCRIPTS = CORPUS / "legacy_transcripts"
MAX_CER = 0.01

pytestmark = pytest.mark.skipif(not TRANSCRIPTS.is_dir(), reason=NO_SHARED)


def _norm(text: str) -> list[str]:
    return re.sub(r"\s+", " ", text.replace("|", " ")).strip().casefold().split(" ")


def cer(hyp: str, ref: str, moves: bool = True) -> float:
    """Character error rate of `hyp` against `ref`.

    Words are aligned first (difflib), then each differing stretch is scored
    by a character-level Levenshtein distance, plus one for the word gap. With
    `moves`, the leftovers are aligned again (up to three rounds), so a block
    that only changed place costs nothing.
    """
    if moves:
        # Re-aligning leftovers can pair words worse than the first pass did.
        return min(cer(hyp, ref, moves=False), _cer(hyp, ref, 3))
    return _cer(hyp, ref, 0)


def _cer(hyp: str, ref: str, rounds: int) -> float:
    rw, hw = _norm(ref), _norm(hyp)
    ref_len = len(" ".join(rw))
    for _ in range(rounds):
        ops = difflib.SequenceMatcher(None, rw, hw, autojunk=False).get_opcodes()
        lr = [w for op, i1, i2, _, _ in ops if op != "equal" for w in rw[i1:i2]]
        lh = [w for op, _, _, j1, j2 in ops if op != "equal" for w in hw[j1:j2]]
        if (lr, lh) == (rw, hw):
            break
        rw, hw = lr, lh
    dist = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, rw, hw, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        a, b = " ".join(rw[i1:i2]), " ".join(hw[j1:j2])
        # A stretch missing on one side also lost the space that separated it.
        dist += Levenshtein.distance(a, b) + (not a or not b)
    return dist / max(ref_len, 1)


def test_cer_measure_counts_errors() -> None:
    assert cer("Công văn số 12", "Công văn số 12") == 0
    assert cer("Cong van", "Công văn") == pytest.approx(2 / 8)
    assert cer("B A", "A B") == 0 and cer("B A", "A B", moves=False) > 0


def _files() -> list[object]:
    out = []
    for tr in sorted(TRANSCRIPTS.glob("*.groundtruth.txt")) if TRANSCRIPTS.is_dir() else []:
        stem = tr.name.removesuffix(".groundtruth.txt")
        src = next(iter(sorted(CORPUS.glob(stem + ".*"))), None)
        if src is None:
            continue
        out.append(pytest.param(src, tr, id=src.name[:3] + src.suffix))
    return out


def _read(path: Path) -> str:
    if path.suffix == ".doc":
        from congvan.parsers.readers.doc import read_doc

        result = read_doc(path.read_bytes(), path.name, list_labels=False)
    else:
        result = read_file(path)
    return "\n".join(line.text for line in result.lines)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "transcript"), _files())
def test_legacy_file_matches_transcript(path: Path, transcript: Path) -> None:
    if path.suffix == ".pdf":
        pytest.importorskip("congvan.parsers.readers.pdf")
    text = _read(path)
    ref = transcript.read_text(encoding="utf-8")
    rate = cer(text, ref)
    strict = cer(text, ref, moves=False)
    print(f"{path.name}: CER {rate:.4%} (order-sensitive {strict:.4%})")
    assert rate < MAX_CER, f"{path.name}: CER {rate:.3%} (order-sensitive {strict:.3%}) is over {MAX_CER:.0%}"


@pytest.mark.slow
@pytest.mark.parametrize(("name", "expected"), [
    ("021_qd-144-2002-qd-btc-tcvn3.doc", "BỘ TÀI CHÍNH"),
    ("035_tt-40-2000-tt-btc-tcvn3.rtf", "THÔNG TƯ"),
    ("032_tt-99-1998-tt-btc-tcvn3.rtf", "BỘ TÀI CHÍNH"),
])
def test_h_font_capitals(name: str, expected: str) -> None:
    """Text set in `.VnTimeH`-style fonts comes out in capitals, not as the lower case the bytes spell."""
    result = read_file(CORPUS / name)
    texts = [line.text for line in result.lines[:40]]
    assert any(expected in t for t in texts), texts[:12]
    assert result.encoding and "tcvn3" in result.encoding


@pytest.mark.slow
def test_tcvn3_u_horn_survives_doc_conversion() -> None:
    """TCVN3 ư is byte 0xAD (soft hyphen): LibreOffice -> DOCX keeps it only as w:softHyphen."""
    text = "\n".join(line.text for line in read_file(CORPUS / "023_nd-28-2003-nd-cp-tcvn3.doc").lines)
    assert text.count("ư") > 50
    assert "Thơng" not in text and "ngời" not in text


@pytest.mark.slow
def test_list_labels_recovered() -> None:
    """030's items are Word auto-numbered: the labels are not in the text runs but must be in the lines."""
    lines = [line.text for line in read_file(CORPUS / "030_qd-bql-kcn-ba-ria-vung-tau-quy-che-chi-tieu-2007-vni.doc").lines]
    assert any(t.startswith("1. Quy chế chi tiêu nội bộ") for t in lines)
    assert any(t.startswith("2. Quy chế chi tiêu nội bộ đảm bảo") for t in lines)
    assert sum(t.startswith("- ") for t in lines) > 10
