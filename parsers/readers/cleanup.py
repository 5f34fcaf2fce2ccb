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

Measured and dropped: local (Sauvola) binarisation before tesseract lost
thin strokes and diacritics at 200 dpi (header fields on the scanned gold
letters 0.653 -> 0.570); a brightest-channel blend instead of paper for
coloured pixels, and treating dark saturated blue as ink, both read worse.

For the signature block's second reading `bridge_seal` gives the print
back where a seal ring crosses it (the name under the seal), without
bringing back the ring itself.

The pen plane is kept beside it: the page with only the red seal turned to
paper, so digits written in blue ink are read from it (`digits`), never
from the black plane where they were erased.

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
    pen: Image.Image | None = None  # the page with only red ink turned to paper (`pen_plane`)

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
    """The page's black-ink plane, its coloured-ink masks and its pen plane."""
    image = _flatten(image)
    if image.mode not in ("RGB", "CMYK", "YCbCr"):
        gray = image.convert("L")
        empty = np.zeros((gray.height, gray.width), dtype=bool)
        return Inks(gray, empty, empty, gray)
    rgb = image.convert("RGB")
    hsv = np.asarray(rgb.convert("HSV"))
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    ink = (sat >= MIN_SATURATION) & (val >= MIN_VALUE)
    red = ink & _in_bands(hue, RED_HUES)
    blue = ink & _in_bands(hue, BLUE_HUES)
    # The red channel, not luma, as the base: on the corpus scans it reads
    # the same black print a little better (faint tints of a colour scan
    # weigh less), and coloured ink is turned to paper below anyway.
    base = np.asarray(rgb.getchannel("R"))
    gray = base.copy()
    # Other hues (green highlighter, a yellowed photo's paper) go too: only
    # black print is the letter's text.
    gray[ink] = 255
    # The pen plane keeps blue and black ink and loses the seal: where the
    # văn thư's number and day are read (`digits`). In the red channel blue
    # ink is dark and a red seal light; the seal's hue takes what is left.
    pen = base.copy()
    pen[red] = 255
    return Inks(Image.fromarray(gray), red, blue, Image.fromarray(pen))


def _reach(mask: np.ndarray, k: int, axis: int, sign: int) -> np.ndarray:
    """True where `mask` holds within k pixels in one direction along an axis."""
    out = np.zeros_like(mask)
    n = mask.shape[axis]
    for d in range(1, min(k, n - 1) + 1):
        if axis == 1:
            if sign > 0:
                out[:, d:] |= mask[:, :-d]
            else:
                out[:, :-d] |= mask[:, d:]
        elif sign > 0:
            out[d:, :] |= mask[:-d, :]
        else:
            out[:-d, :] |= mask[d:, :]
    return out


def bridge_seal(black: Image.Image, seal: np.ndarray, reach: int,
                box: tuple[int, int, int, int] | None = None) -> Image.Image | None:
    """The black-ink plane with the seal's pixels that cross printed strokes
    given back to the print, or None when the seal crosses no print.

    Turning a seal ring to paper cuts every letter it crosses (`Hoàng`
    under a ring reads `tsàng`). A seal pixel with print within `reach`
    pixels on both sides, left and right or above and below, lies on a
    stroke the ring covers: it is print. A ring over blank paper has print
    on neither side and stays paper. With `box` (left, top, right, bottom)
    only that part is mended, and None means the seal crosses no print there."""
    if box is not None:
        keep = np.zeros_like(seal)
        keep[max(0, box[1]):box[3], max(0, box[0]):box[2]] = True
        seal = seal & keep
    if not seal.any():
        return None
    gray = np.asarray(black)
    ink = gray < 128
    inside = seal & ((_reach(ink, reach, 1, 1) & _reach(ink, reach, 1, -1))
                     | (_reach(ink, reach, 0, 1) & _reach(ink, reach, 0, -1)))
    if not inside.any():
        return None
    out = gray.copy()
    out[inside] = 0
    return Image.fromarray(out)


__all__ = ["Inks", "bridge_seal", "split_inks"]
