"""Second reading of the signature block of an OCR'd page.

Flow: file -> reader -> `ocr.ocr_page` (full-page pass, layout) -> **this
module** (the signature block cropped from the cleaned page, enlarged and
read again as a block of text) -> Lines -> field parsers.

Tesseract's full-page segmentation (`--psm 3`) often takes the signature
block for a picture: the seal, the pen stroke and the name under them come
out as debris or not at all (`%- *sf5»piiim Huy Nam Sơn`). Cropped to the
column right of `Nơi nhận` and below the signer's office, enlarged twice and
read with `--psm 6` (one uniform block), the same pixels give the office
lines and the name (`Phạm Huy Nam Sơn`).

The block's words replace the full-page pass's Lines inside the crop. Each
kept line is trimmed of debris at its ends; the signer's name is the last
line ending in two or more capitalised syllables. When the first word of
such a line is damaged (a seal ring crosses it) and exactly one family name
of `parsers/data/surnames.yaml` is that close, it is restored and a warning
says so; otherwise the damaged name is left out rather than guessed.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
import yaml
from PIL import Image
from rapidfuzz.distance import Levenshtein

from congvan.parsers.landmarks import DELEGATION_LINE_OCR, NOI_NHAN_OCR
from congvan.parsers.readers.base import Line
from congvan.parsers.syllables import is_syllable, syllable_share

WHERE = "ocr_region"  # Line.where of text from this second reading
SCALE = 2  # enlargement of the crop (scans here are 200 dpi or coarser)
# The plane with seal-crossed strokes mended (`cleanup.bridge_seal`) is read
# larger: on the corpus at 2x the mended name lost a circumflex to a grave
# (`Thuân` -> `Thuần`), at 3x it read as printed.
BRIDGED_SCALE = 3
PSM = 6
LINES_BELOW = 16  # the name stands 6-13 lines under the office line
LINES_ABOVE = 1.5
MAX_SURNAME_EDITS = 1  # two edits let `Phäní` become Phan where the letter says Phạm

# What opens a signature block: a delegation prefix or an office in capitals.
_AUTHORITY = DELEGATION_LINE_OCR
_OFFICE = regex.compile(
    r"(?:TRƯỞNG|TƯỚNG|GIÁM\s*Đ[ỐÓO]C|CHỦ\s*TỊCH|CHỦ\s*NHIỆM|HIỆU\s*TRƯỞNG|TỔNG\s*THƯ\s*KÝ|BÍ\s*THƯ)\W*$")
_NOI_NHAN = NOI_NHAN_OCR
_WORD_EDGE_JUNK = regex.compile(r"^[^\p{L}\d(]+|[^\p{L}\d.)]+$")
_LETTERS = regex.compile(r"\p{L}")
_LETTER_RUNS = regex.compile(r"\p{L}+")
_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))


@lru_cache(maxsize=1)
def surnames() -> dict[str, str]:
    """Folded family name -> its spelling."""
    path = Path(__file__).resolve().parent.parent / "data" / "surnames.yaml"
    names = yaml.safe_load(path.read_text(encoding="utf-8"))["surnames"]
    return {_fold(n): n for n in names}


def _fold(text: str) -> str:
    import unicodedata

    out = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")).translate(_TONES)
    return "".join(c for c in unicodedata.normalize("NFC", out).lower()
                   if c.isalpha()).replace("ơ", "o").replace("ư", "u").replace("ô", "o").replace(
        "ă", "a").replace("â", "a").replace("ê", "e")



def restore_surname(word: str) -> str | None:
    """The one family name a damaged word is closest to, or None when none is
    close or two are equally close."""
    folded = _fold(word)
    if len(folded) < 2:
        return None
    table = surnames()
    if folded in table and not is_syllable(word):
        return table[folded]
    scored = sorted((Levenshtein.distance(folded, k), v) for k, v in table.items())
    best = scored[0][0]
    if best > MAX_SURNAME_EDITS or len(folded) < 3:
        return None
    if len(scored) > 1 and scored[1][0] == best:
        return None
    return scored[0][1]


# --------------------------------------------------------------------------- where


@dataclass(frozen=True)
class Region:
    box: tuple[int, int, int, int]  # pixels of the page image OCR ran on
    line_height: float


def signature_region(lines: list[Line], scale: float, width: int, height: int, size: float) -> Region | None:
    """The signature block's box from the full-page pass: right of the page's
    middle, from just above the signer's office line (or, when the seal hid
    it, the `Nơi nhận` heading) down by `LINES_BELOW` lines."""
    anchor: float | None = None
    for ln in lines:
        if ln.bbox is None:
            continue
        x0, top = ln.bbox[0] * scale, ln.bbox[1] * scale
        if top < 0.25 * height:
            continue
        text = ln.text.strip()
        if x0 > 0.4 * width and (_AUTHORITY.match(text) or (_OFFICE.search(text) and text.upper() == text)):
            anchor = top
            break
    if anchor is None:
        heads = [ln for ln in lines if ln.bbox and ln.bbox[0] * scale < 0.3 * width and _NOI_NHAN.match(ln.text)]
        if not heads:
            return None
        anchor = heads[-1].bbox[1] * scale  # type: ignore[index]
    top = max(0, int(anchor - LINES_ABOVE * size))
    bottom = min(height, int(anchor + LINES_BELOW * size))
    # Left edge: past the `Nơi nhận` entries beside the block.
    left = 0.42 * width
    for ln in lines:
        if ln.bbox is None:
            continue
        x0, t, x1, b = (v * scale for v in ln.bbox)
        if x0 < 0.3 * width and b > top and t < bottom and x1 < 0.62 * width:
            left = max(left, x1 + 0.5 * size)
    return Region((int(left), top, width - 1, bottom), size)


# --------------------------------------------------------------------------- reading


def _read(tess: Any, image: Image.Image, region: Region, lang: str, timeout: int,
          scale: int = SCALE) -> list[list[dict[str, Any]]]:
    x0, y0, x1, y1 = region.box
    crop = image.crop(region.box)
    crop = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
    data = tess.image_to_data(crop, lang=lang, config=f"--psm {PSM}", output_type=tess.Output.DICT, timeout=timeout)
    rows: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        left, top = data["left"][i] / scale + x0, data["top"][i] / scale + y0
        rows.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append({
            "text": text, "conf": conf, "x0": left, "top": top,
            "x1": left + data["width"][i] / scale, "bottom": top + data["height"][i] / scale})
    return [sorted(ws, key=lambda w: w["x0"]) for ws in rows.values()]


def _clean_word(text: str) -> str:
    return _WORD_EDGE_JUNK.sub("", text)


def _trim(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop debris at both ends of a line: words with no letter, or too
    short and unsure to be a word (a seal's dot read as `ý`)."""
    def junk(w: dict[str, Any]) -> bool:
        t = _clean_word(w["text"])
        return not _LETTERS.search(t) or (w["conf"] < 40 and not is_syllable(t) and t.upper() != t) or (
            len(t) == 1 and w["conf"] < 60)

    ws = list(words)
    while ws and junk(ws[0]):
        ws.pop(0)
    while ws and junk(ws[-1]):
        ws.pop()
    return ws


def _titled(word: str) -> bool:
    return is_syllable(word) and word[:1].isupper() and (word[1:].islower() or len(word) == 1)


def _name(words: list[dict[str, Any]], size: float, notes: list[str]) -> list[dict[str, Any]] | None:
    """The words of a name line: two or more capitalised syllables at the end
    of the line, with a damaged first word restored to a family name when
    that is certain; None when the line holds no name."""
    texts = [_clean_word(w["text"]) for w in words]
    k = len(words)
    while k > 0 and _titled(texts[k - 1]):
        k -= 1
    run = list(range(k, len(words)))
    if len(run) < 2:
        return None
    out = [dict(words[i], text=texts[i]) for i in run]
    first = texts[run[0]]
    if _fold(first) in surnames() and is_syllable(first):
        return out
    # The word in front of the run, touching it, is a family name a seal
    # ring damaged (`Phumf Thị Thanh Trà`).
    if k > 0 and words[run[0]]["x0"] - words[k - 1]["x1"] < 1.2 * size:
        # Debris in front (`>>Hơãng`) is no part of it; two runs of letters
        # (`NHanh⁄TÍn`) are two words run together, not one to restore.
        runs = _LETTER_RUNS.findall(words[k - 1]["text"])
        fixed = restore_surname(runs[0]) if len(runs) == 1 else None
        if fixed is not None:
            notes.append(f"signer's family name read as {words[k - 1]['text']!r} under the seal, "
                         f"taken as {fixed!r} (the only family name that close)")
            return [dict(words[k - 1], text=fixed), *out]
        return None  # a name without its first word would be another person's
    # Without a known family name in front the run may have lost its first
    # word (`Phu Thanh Trà` for `Phạm Thị Thanh Trà`): no name rather than
    # another person's.
    return None


def _name_line(rows: list[list[dict[str, Any]]], size: float, notes: list[str]) -> list[dict[str, Any]] | None:
    """The last row that holds a name (see `_name`)."""
    for ws in reversed(rows):
        # Marks without a letter go at the line's ends only: one inside the
        # name (`Ninh | Tuyết Mai`) stands where a word was lost.
        ws = list(ws)
        while ws and not _LETTERS.search(ws[0]["text"]):
            ws.pop(0)
        while ws and not _LETTERS.search(ws[-1]["text"]):
            ws.pop()
        got = _name(ws, size, notes) if ws else None
        if got is not None:
            return got
    return None


def reread(tess: Any, planes: list[Image.Image | tuple[Image.Image, int]], region: Region, page: int, scale: float,
           lang: str, timeout: int) -> tuple[list[Line], list[str]]:
    """The signature block read again: its lines in order (office lines,
    then the name last), with warnings about restored words; no lines when
    no plane shows a name. `planes` are
    versions of the page to read in turn (the black-ink plane, then ones
    that mend or keep what colour removal may have cut), each alone or with
    its enlargement, until one shows a name."""
    notes: list[str] = []
    out: list[Line] = []
    name_words: list[dict[str, Any]] | None = None
    for n, item in enumerate(planes):
        plane, enlarge = item if isinstance(item, tuple) else (item, SCALE)
        rows = _read(tess, plane, region, lang, timeout, enlarge)
        rows.sort(key=lambda ws: statistics.median(w["top"] for w in ws))
        tried: list[str] = []
        name_words = _name_line(rows, region.line_height, tried)
        if n == 0:
            out = [ln for ln in (_office(ws, page, scale) for ws in rows) if ln is not None]
        if name_words is not None:
            notes.extend(tried)
            break
    if not name_words:
        return [], notes  # no better than the first pass: it stands
    out.append(_line(name_words, " ".join(w["text"] for w in name_words), page, scale))
    return out, notes


def _office(words: list[dict[str, Any]], page: int, scale: float) -> Line | None:
    """A delegation or office line of the block, trimmed; None for others."""
    ws = _trim(words)
    if not ws:
        return None
    text = " ".join(_clean_word(w["text"]) if i in (0, len(ws) - 1) else w["text"] for i, w in enumerate(ws))
    letters = _LETTERS.findall(text)
    upper = letters and sum(c.isupper() for c in letters) > 0.8 * len(letters)
    if _AUTHORITY.match(text) or (upper and syllable_share(text) >= 0.75 and len(ws) >= 2):
        return _line(ws, text, page, scale)
    return None


def _line(words: list[dict[str, Any]], text: str, page: int, scale: float) -> Line:
    box = (min(w["x0"] for w in words), min(w["top"] for w in words),
           max(w["x1"] for w in words), max(w["bottom"] for w in words))
    return Line(text, page=page, bbox=tuple(round(v / scale, 1) for v in box), where=WHERE)


def merge(lines: list[Line], region: Region, scale: float, new: list[Line]) -> list[Line]:
    """The page's Lines with those inside the region's right column replaced
    by the second reading's (all kept when it gave none)."""
    if not new:
        return lines
    x0, y0, x1, y1 = region.box

    def inside(ln: Line) -> bool:
        if ln.bbox is None:
            return False
        bx0, bt, bx1, bb = (v * scale for v in ln.bbox)
        return bx0 >= x0 - region.line_height and y0 <= (bt + bb) / 2 <= y1

    keep = [ln for ln in lines if not inside(ln)]
    at = next((i for i, ln in enumerate(lines) if inside(ln)), None)
    if at is None:
        # Nothing of the block survived the first pass: it goes after the
        # last line that starts above the block's end.
        at = max((i + 1 for i, ln in enumerate(lines) if ln.bbox and ln.bbox[1] * scale <= y1), default=len(lines))
        return lines[:at] + new + lines[at:]
    before = sum(1 for ln in lines[:at] if not inside(ln))
    return keep[:before] + new + keep[before:]


__all__ = ["BRIDGED_SCALE", "SCALE", "WHERE", "Region", "merge", "reread", "restore_surname", "signature_region", "surnames"]
