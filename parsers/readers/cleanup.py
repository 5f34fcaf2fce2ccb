"""Page cleanup before OCR: coloured ink apart from black print.

Flow: file -> reader (PDF page with no usable text layer, image file) ->
**this module** (page image -> black-ink plane + coloured-ink mask) ->
`ocr` (tesseract on the black-ink plane) -> layout -> field parsers.

Official letters are printed in black; what is added by hand after printing
is coloured: the red or pink seal over the signature, the blue signature,
and often the blue number and day the văn thư writes into `Số: ___` and
`ngày __ tháng __`. Coloured ink over print breaks tesseract's words (a seal
ring through the signer's name), so the black-ink plane turns every
coloured pixel to paper. Colour is judged in HSV, not by fixed RGB
thresholds: a faded pink seal has little red excess (R−G ≈ 30) but a clear
saturation, and the hue tells pink/red from blue without caring how dark
the scan is (TOOLCHAIN.md: 0.005 % of a page's pixels by an RGB rule,
0.14 % — the seal itself — by hue and saturation).

The coloured-ink mask is kept: digits written in blue ink are read from it
(`digits`), never from the black plane where they were erased.

Everything is numpy over PIL images; no OpenCV.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

# Measured on the corpus scans (PIL HSV, 0..255 scales). Paper, grey print
# and JPEG noise stay under this saturation; faded pink seals are over it.
MIN_SATURATION = 45
# Under this value a pixel is dark whatever its hue: black print, or a
# coloured stroke crossing black print (the print wins).
MIN_VALUE = 70
# Hue bands (PIL 0..255): red and pink wrap around 0; blue ink is 130..190.
RED_HUES = ((0, 22), (200, 256))
BLUE_HUES = ((120, 200),)
# A page whose coloured share is under this has no coloured ink worth a mask
# (a grey scan's chroma noise).
MIN_INK_SHARE = 0.0002


@dataclass
class Inks:
    """A page split by ink: `black` is the page with coloured ink turned to
    paper (grayscale, what tesseract reads); `red` and `blue` are masks of
    the coloured ink (True where a seal or a pen stroke is)."""

    black: Image.Image
    red: np.ndarray
    blue: np.ndarray

    @property
    def coloured(self) -> bool:
        size = self.red.size or 1
        return (self.red.sum() + self.blue.sum()) / size >= MIN_INK_SHARE


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        # Transparent scans would turn black where alpha is 0.
        base = Image.new("RGBA", image.size, "white")
        base.alpha_composite(image.convert("RGBA"))
        return base.convert("RGB")
    return image


def _in_bands(hue: np.ndarray, bands: tuple[tuple[int, int], ...]) -> np.ndarray:
    out = np.zeros(hue.shape, dtype=bool)
    for lo, hi in bands:
        out |= (hue >= lo) & (hue < hi)
    return out


def split_inks(image: Image.Image) -> Inks:
    """The page's black-ink plane and its coloured-ink masks."""
    image = _flatten(image)
    if image.mode not in ("RGB", "CMYK", "YCbCr"):
        gray = image.convert("L")
        empty = np.zeros((gray.height, gray.width), dtype=bool)
        return Inks(gray, empty, empty)
    rgb = image.convert("RGB")
    hsv = np.asarray(rgb.convert("HSV"))
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    ink = (sat >= MIN_SATURATION) & (val >= MIN_VALUE)
    red = ink & _in_bands(hue, RED_HUES)
    blue = ink & _in_bands(hue, BLUE_HUES)
    # The red channel, not luma, as the base: on the corpus scans it reads
    # the same black print a little better (faint tints of a colour scan
    # weigh less), and coloured ink is turned to paper below anyway.
    gray = np.asarray(rgb.getchannel("R")).copy()
    # Other hues (green highlighter, a yellowed photo's paper) go too: only
    # black print is the letter's text.
    gray[ink] = 255
    return Inks(Image.fromarray(gray), red, blue)


def box_mean(a: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)² window at every pixel, by an integral image."""
    ii = np.pad(a.astype(np.float64), ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    h, w = a.shape
    y0 = np.clip(np.arange(h) - r, 0, h)
    y1 = np.clip(np.arange(h) + r + 1, 0, h)
    x0 = np.clip(np.arange(w) - r, 0, w)
    x1 = np.clip(np.arange(w) + r + 1, 0, w)
    s = ii[y1][:, x1] - ii[y0][:, x1] - ii[y1][:, x0] + ii[y0][:, x0]
    return s / ((y1 - y0)[:, None] * (x1 - x0)[None, :])


def binarise(gray: Image.Image, radius: int = 25, k: float = 0.2) -> Image.Image:
    """Sauvola's local threshold: ink is darker than its neighbourhood by a
    share of the local contrast, so a shadowed corner of a phone photo keeps
    its text where one global threshold loses it."""
    a = np.asarray(gray.convert("L")).astype(np.float64)
    m = box_mean(a, radius)
    sd = np.sqrt(np.maximum(box_mean(a * a, radius) - m * m, 0.0))
    t = m * (1.0 + k * (sd / 128.0 - 1.0))
    return Image.fromarray(np.where(a < t, 0, 255).astype(np.uint8))


__all__ = ["Inks", "binarise", "box_mean", "split_inks"]
