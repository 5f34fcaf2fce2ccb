"""Vietnamese OCR post-correction: put back the accents and letters OCR bent
(`thuê TNDN` -> `thuế TNDN`, `Ha Nội` -> `Hà Nội`, `Giây phép` -> `Giấy phép`).

Place in the flow: reader -> `normalize()` -> **this stage, on OCR text only**
(lines of OCR'd pages, .txt files that read as OCR output) -> field parsers.
Born-digital text never passes through it: a rare word spelt right must not
be "corrected" into a common one.

Evidence, strongest first; a token is changed only when it is strong:
- syllable validity: structure (`syllables.is_syllable`) and tone placement
  (a stop coda -c/-ch/-p/-t takes only the sắc or nặng tone; one tone mark,
  on the marked vowel when the nucleus has one);
- names: a capitalised run of syllables whose accent-folded form is one known
  name (a place, a body) and whose own spelling is not (`Ha Nội`);
- a syllable bigram model built from clean text (scripts/build_ngrams.py,
  `data/ngrams.tsv.gz`): among the syllables that differ from the token only
  in accents (same letters once folded), the one its neighbours make far more
  likely, when the token's own pairs were never seen in clean text and the
  candidate's were.

Every change keeps the token's case and, but for a stray letter dropped from
an impossible syllable (`THOÔNG` -> `THÔNG`), its length; `apply` carries the
provenance map of `NormText` across the changes. Each is returned as a
`Correction` with the raw reading. One dictionary lookup per token and candidate: no
per-character loop over the text.
"""
from __future__ import annotations

import bisect
import gzip
import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex
import yaml

from congvan.parsers.normalize import NormText
from congvan.parsers.readers.base import ReadResult
from congvan.parsers.syllables import is_syllable

_DATA = Path(__file__).resolve().parent / "data"
# The C loader reads the 10,000 place names ten times faster than the Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A model token: letters (with their marks) or a number; anything else breaks context.
_TOKEN = regex.compile(r"[\p{L}\p{M}]+|\d+|[^\s\p{L}\p{M}\d]+")
_WORDS = regex.compile(r"[\p{L}\p{M}]+")
# Where a place name stands: after its level word, or before the date of the issue line.
_PLACE_BEFORE = regex.compile(r"(?i)(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|thị trấn|xã|phường|đặc khu)\s*$")
_DATE_AFTER = regex.compile(r"\s*,?\s*ngày\b", regex.I)
_TONES = {"\u0300": "huyen", "\u0301": "sac", "\u0303": "nga", "\u0309": "hoi", "\u0323": "nang"}
_MARKED_VOWELS = frozenset("ăâêôơư")
_VOWELS = frozenset("aăâeêioôơuưy")
_STOP_CODA = regex.compile(r"(?:c|ch|p|t)$")

# Decision thresholds (natural log odds). Measured on the corpus's OCR letters
# with the gold letters held out of the model (see scripts/build_ngrams.py).
_MARGIN_KNOWN = math.log(200.0)  # the token is itself a known syllable
_MARGIN_UNKNOWN = math.log(8.0)  # the token was never seen in clean text
_MIN_SUPPORT = 2  # the candidate's pairs with its neighbours, seen this often
_SMOOTH = 30.0  # Dirichlet prior of the bigram model
_ONE_SIDE = 20  # one neighbour alone is evidence when paired this often
_RARE = 30  # a spelling this much rarer than an accent variant counts as unseen
_PAIR_MIN = 20  # a pair of syllables seen this often in clean text ...
_PAIR_RATIO = 10  # ... and this many times more than its other spellings
_NAME_MIN = 3  # a name syllable seen this often in clean text ...
_NAME_RATIO = 3  # ... and this many times more than its other spellings
_RATIO = 50  # a printed pair seen in clean text loses only to one seen this much more


@dataclass(frozen=True)
class Correction:
    """One change: `raw` at [start, end) of the text became `fixed` (the same
    length but for a stray letter dropped from an impossible syllable)."""

    start: int
    end: int
    raw: str
    fixed: str
    rule: str  # "name" | "ngram"


@lru_cache(maxsize=131072)
def fold_syllable(word: str) -> str:
    """Lower case, no tone marks or vowel marks, đ -> d: the letters OCR keeps."""
    base = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(c for c in base if not unicodedata.combining(c))


def _tone(word: str) -> tuple[str | None, int]:
    """(tone name, count of tone marks) of a syllable."""
    tones = [_TONES[c] for c in unicodedata.normalize("NFD", word) if c in _TONES]
    return (tones[0] if tones else None), len(tones)


@lru_cache(maxsize=65536)
def tone_valid(word: str) -> bool:
    """Vietnamese tone rules a syllable must keep: at most one tone mark; after
    a stop coda (-c, -ch, -p, -t) only sắc or nặng; the tone on the marked
    vowel (ê, ơ, â ...) when the nucleus has one (`thuế`, not `thúê`)."""
    low = word.lower()
    tone, count = _tone(low)
    if count > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", low) if c not in _TONES))
    if _STOP_CODA.search(bare) and tone not in ("sac", "nang"):
        return False
    if tone is None:
        return True
    marked = [i for i, c in enumerate(bare) if c in _MARKED_VOWELS]
    if not marked:
        return True
    toned = [i for i, c in enumerate(unicodedata.normalize("NFD", low)) if c in _TONES]
    # Position of the toned letter in the composed word.
    nfd = unicodedata.normalize("NFD", low)
    pos = len(unicodedata.normalize("NFC", nfd[: toned[0]])) - 1
    # `ươ` carries the tone on ơ: the last marked vowel of the nucleus.
    return pos == marked[-1] or (len(marked) > 1 and pos in marked)


def valid(word: str) -> bool:
    """A possible Vietnamese syllable: structure and tone placement."""
    return is_syllable(word) and tone_valid(word)


def model_tokens(text: str) -> list[list[str]]:
    """Runs of lower-case tokens (syllables, acronyms, `0` for numbers) that
    punctuation does not separate: the units the bigram model counts."""
    text = unicodedata.normalize("NFC", text)
    runs: list[list[str]] = []
    run: list[str] = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok[0].isdigit():
            run.append("0")
        elif tok[0].isalpha() or unicodedata.combining(tok[0]):
            run.append(tok.lower())
        else:
            if len(run) > 0:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


class Model:
    """Syllable unigram and bigram counts, with the accent-folded index of candidates."""

    def __init__(self, uni: dict[str, int], bi: dict[tuple[str, str], int]):
        self.uni = uni
        self.bi = bi
        self.total = sum(uni.values()) or 1
        self.vocab = len(uni) or 1
        self.left_total: dict[str, int] = defaultdict(int)
        for (a, _), c in bi.items():
            self.left_total[a] += c
        index: dict[str, list[str]] = defaultdict(list)
        for w, c in uni.items():
            if c >= 2 and valid(w):
                index[fold_syllable(w)].append(w)
        self.index = dict(index)
        self.given: dict[str, int] = {}  # syllables of people's names
        # Pairs OCR stripped of every mark (`dau tu`): folded pair -> the one
        # spelling clean text uses far more than any other (`đầu tư`).
        pairs: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
        for (a, b), c in bi.items():
            if c >= _PAIR_MIN and a.isalpha() and b.isalpha():
                pairs[f"{fold_syllable(a)} {fold_syllable(b)}"].append((c, (a, b)))
        self.pairs: dict[str, tuple[str, str]] = {}
        for key, found in pairs.items():
            found.sort(reverse=True)
            if len(found) == 1 or found[0][0] >= _PAIR_RATIO * found[1][0]:
                self.pairs[key] = found[0][1]

    def p_uni(self, w: str) -> float:
        return (self.uni.get(w, 0) + 0.5) / (self.total + 0.5 * self.vocab)

    def p(self, w: str, prev: str) -> float:
        """P(w | prev), Dirichlet-smoothed toward the unigram."""
        return (self.bi.get((prev, w), 0) + _SMOOTH * self.p_uni(w)) / (self.left_total.get(prev, 0) + _SMOOTH)

    def score(self, w: str, left: str | None, right: str | None) -> float:
        s = math.log(self.p(w, left) if left else self.p_uni(w))
        if right:
            s += math.log(self.p(right, w))
        return s

    def support(self, w: str, left: str | None, right: str | None) -> int:
        return (self.bi.get((left, w), 0) if left else 0) + (self.bi.get((w, right), 0) if right else 0)


@lru_cache(maxsize=1)
def model() -> Model:
    with gzip.open(_DATA / "ngrams.tsv.gz", "rt", encoding="utf-8") as fh:
        rows = [line.split("\t") for line in fh.read().splitlines() if not line.startswith("#")]
    uni = {key: int(count) for kind, key, count in rows if kind == "U"}
    bi = {tuple(key.split(" ", 1)): int(count) for kind, key, count in rows if kind == "B"}
    out = Model(uni, bi)  # type: ignore[arg-type]
    out.given = {key: int(count) for kind, key, count in rows if kind == "N"}
    return out


def _short(name: str) -> str:
    return " ".join(name.split())


@lru_cache(maxsize=1)
def names() -> dict[str, str | None]:
    """Accent-folded name -> its one spelling (None when two known names fold
    alike): places (places.yaml) and bodies (lexicon.yaml) of two words or more."""
    out: dict[str, str | None] = {}
    places = yaml.load((_DATA / "places.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    lexicon = yaml.load((_DATA / "lexicon.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    for group in (places, {k: lexicon[k] for k in ("bodies", "local_bodies")}):
        for values in group.values():
            for name in values:
                name = _short(name)
                if " " not in name:
                    continue
                key = " ".join(fold_syllable(w) for w in name.split())
                if key in out and out[key] != name:
                    out[key] = None
                else:
                    out[key] = name
    return out


def _cased(raw: str, fixed_lower: str) -> str:
    """`fixed_lower` in the case pattern of `raw` (capitals, or the case of each letter)."""
    if raw.isupper():
        return fixed_lower.upper()
    if raw[:1].isupper() and raw[1:].islower():
        return fixed_lower[:1].upper() + fixed_lower[1:]
    return "".join(f.upper() if r.isupper() else f for r, f in zip(raw, fixed_lower))


def _deletions(m: Model, low: str) -> list[str]:
    out = []
    for i in range(len(low)):
        v = low[:i] + low[i + 1:]
        if v not in out and m.uni.get(v, 0) >= 2 and valid(v):
            out.append(v)
    return out


def _name_fixes(text: str, words: list[regex.Match], done: set[int]) -> list[Correction]:
    """Capitalised runs of 2-4 words that are a known name once folded but not as printed."""
    table = names()
    m = model()
    folded = [fold_syllable(w.group()) for w in words]
    capital = [w.group()[:1].isupper() for w in words]
    out: list[Correction] = []
    i = 0
    while i < len(words):
        hit = None
        for n in (4, 3, 2):
            run = words[i:i + n]
            if len(run) < n or not all(capital[i:i + n]):
                continue
            if any(text[a.end():b.start()] not in (" ", "\n") for a, b in zip(run, run[1:])):
                continue
            name = table.get(" ".join(folded[i:i + n]))
            if not name:
                continue
            printed = [w.group().lower() for w in run]
            if " ".join(printed) == name.lower():
                hit = n
                break
            # Printed words that clean text pairs as they stand (`LAO ĐỘNG`,
            # not the place `Lao Đồng`) are words, not a misread name; a
            # person's or a firm's name (`Thành Hương`) may fold like a place:
            # a name is put back only where a place stands (after `tỉnh`,
            # `xã`, before `, ngày`) or where a printed word is no word at all.
            if all(m.bi.get(pair, 0) > 0 for pair in zip(printed, printed[1:])) and all(valid(w) for w in printed):
                hit = n
                break
            misread = any(not valid(w) or m.uni.get(w, 0) < 2 for w in printed)
            if not misread and not _PLACE_BEFORE.search(text[max(0, run[0].start() - 12):run[0].start()]) \
                    and not _DATE_AFTER.match(text, run[-1].end()):
                continue
            fixed = name.split()
            if any(len(f) != len(w.group()) for f, w in zip(fixed, run)):
                continue
            for f, w in zip(fixed, run):
                if f.lower() != w.group().lower():
                    out.append(Correction(w.start(), w.end(), w.group(), _cased(w.group(), f.lower()), "name"))
                    done.add(w.start())
            hit = n
            break
        i += hit or 1
    return out


def correct(text: str, spans: list[tuple[int, int]] | None = None) -> tuple[str, list[Correction]]:
    """Correct OCR misreadings in `text` (within `spans` if given, else all of it).
    Returns the corrected text and the changes made (spans in `text`, sorted)."""
    if spans is None:
        spans = [(0, len(text))]
    m = model()
    fixes: list[Correction] = []
    for a, b in spans:
        region = text[a:b]
        items = list(_TOKEN.finditer(region))
        words = [w for w in items if w.group()[0].isalpha()]
        done: set[int] = set()
        fixes += [Correction(c.start + a, c.end + a, c.raw, c.fixed, c.rule) for c in _name_fixes(region, words, done)]
        raw = [it.group() for it in items]
        # Each token's model form (None for punctuation) and whether only
        # spaces part it from the next one: the context, computed once.
        forms = [("0" if t[0].isdigit() else t.lower()) if t[0].isalnum() else None for t in raw]
        glued = [not region[items[k].end():items[k + 1].start()].strip(" \n") for k in range(len(items) - 1)] + [False]
        fixed_at: set[int] = set()
        fixes += _pair_fixes(m, region, items, raw, forms, glued, done, a)
        # Two passes: the second reads again the words just before a corrected one
        # (`dau tu` -> `dau tư` -> `đầu tư`: the right context is better now).
        for k, tok in _two_passes(raw, fixed_at):
            if not tok[0].isalpha() or len(tok) > 8 or items[k].start() in done or k in fixed_at:
                continue
            low = forms[k]
            cands = m.index.get(fold_syllable(low))
            if not valid(low) and len(low) > 2:
                # An impossible syllable may carry one stray letter (`THOÔNG`):
                # the known syllables one deletion away are candidates too.
                cands = [*(cands or ()), *_deletions(m, low)]
            if not cands or cands == [low]:
                continue
            left = forms[k - 1] if k and glued[k - 1] else None
            right = forms[k + 1] if glued[k] else None
            # A spelling clean text has, but a hundred times rarer than one of
            # its accent variants (`Noi` beside `Nơi`), is judged as unseen.
            known = m.uni.get(low, 0) >= 2 and valid(low) and not any(
                m.uni.get(c, 0) > _RARE * m.uni[low] for c in cands)
            if known:
                # A real word is changed only when both its neighbours ask for it.
                if left in (None, "0") or right in (None, "0"):
                    continue
                if m.bi.get((left, low)) and m.bi.get((low, right)):
                    continue  # clean text has it just so
            elif left is None and right is None:
                continue
            if valid(low) and tok[:1].isupper() and not tok.isupper() and (
                    (k and glued[k - 1] and raw[k - 1][:1].isupper()) or (glued[k] and raw[k + 1][:1].isupper())):
                continue  # a word of a proper name (`Hoàng Văn Thành`, `Si Ma Cai`): the model does not know names
            if tok.isupper() and len(tok) > 1 and not is_syllable(tok) and all(c.isascii() or c == "Đ" for c in tok):
                continue  # an acronym (`TNDN`, `UBND`); `THOÔNG` with its marked vowel is a word
            # Dictionary lookups first: only candidates clean text pairs with
            # the neighbours are scored.
            viable = [c for c in cands if c != low and _supported(m, c, low, left, right)
                      and (not known or (left is not None and right is not None  # (as `known` implies)
                                         and m.bi.get((left, c), 0) and m.bi.get((c, right), 0)))]
            if not viable:
                continue
            own = m.score(low, left, right)
            best, best_score = max(((c, m.score(c, left, right)) for c in viable), key=lambda cs: cs[1])
            if best_score - own < (_MARGIN_KNOWN if known else _MARGIN_UNKNOWN):
                continue
            it = items[k]
            fixes.append(Correction(it.start() + a, it.end() + a, tok, _cased(tok, best), "ngram"))
            forms[k] = best  # the next word's left context is the corrected one
            fixed_at.add(k)
    if not fixes:
        return text, []
    fixes.sort(key=lambda c: c.start)
    parts: list[str] = []
    pos = 0
    for c in fixes:
        parts.append(text[pos:c.start])
        parts.append(c.fixed)
        pos = c.end
    parts.append(text[pos:])
    return "".join(parts), fixes


def _pair_fixes(m: Model, region: str, items: list[regex.Match], raw: list[str], forms: list[str | None],
                glued: list[bool], done: set[int], offset: int) -> list[Correction]:
    """Two neighbouring words printed without any mark (`dau tu`), a pair clean
    text never has, whose marked spelling it has often (`đầu tư`)."""
    out: list[Correction] = []
    for k in range(len(raw) - 1):
        x, y = raw[k], raw[k + 1]
        if not (glued[k] and x.isascii() and y.isascii() and x.isalpha() and y.isalpha()):
            continue
        if items[k].start() in done or items[k + 1].start() in done or (x.isupper() and len(x) > 1 and not is_syllable(x)):
            continue
        lx, ly = forms[k], forms[k + 1]
        best = m.pairs.get(f"{lx} {ly}")
        if best is None or lx is None or ly is None or best == (lx, ly) or m.bi.get((lx, ly), 0):
            continue
        for j, word, new in ((k, x, best[0]), (k + 1, y, best[1])):
            if new != forms[j]:
                it = items[j]
                out.append(Correction(it.start() + offset, it.end() + offset, word, _cased(word, new), "ngram"))
                done.add(it.start())
                forms[j] = new
    return out


def _two_passes(raw: list[str], fixed_at: set[int]):
    """Every token, then once more each token just before one the first pass corrected."""
    yield from enumerate(raw)
    for k in sorted(fixed_at):
        if k > 0 and k - 1 not in fixed_at:
            yield k - 1, raw[k - 1]


def _supported(m: Model, best: str, low: str, left: str | None, right: str | None) -> bool:
    """Clean text pairs the candidate with its neighbours, and the printed
    token far less often. With a neighbour on each side, both must pair with
    the candidate, or one side overwhelmingly (`trong phong` is seen, but in
    `trong phong trào`: one weak side is no evidence)."""
    bl = m.bi.get((left, best), 0) if left else 0
    br = m.bi.get((best, right), 0) if right else 0
    if bl + br < _MIN_SUPPORT:
        return False
    if left and right and not (bl and br) and max(bl, br) < _ONE_SIDE:
        return False
    # The printed pair may exist in clean text too (`đôi với` in a scrape):
    # then only a far more frequent candidate wins.
    return m.support(low, left, right) * _RATIO <= bl + br


def ocr_like_share(text: str, fixes: list[Correction] | None = None) -> float:
    """Share of lower-case word tokens that are impossible syllables or that
    the model corrects (`fixes`, computed when not given): near 0 for
    born-digital text, higher for OCR output."""
    words = [w for w in _WORDS.findall(text) if w.islower()]
    if not words:
        return 0.0
    # English words and unit symbols (`email`, `kg`) are no misreading; a
    # marked Vietnamese letter in an impossible syllable (`nhâp`, `Hañf`) is.
    bad = sum(1 for w in words if len(w) > 1 and not w.isascii() and not valid(w))
    if fixes is None:
        _, fixes = correct(text)
    return (bad + len(fixes)) / len(words)


# Share of suspicious words over which a plain-text file reads as OCR output:
# born-digital letters of the corpus score at most 0.011, OCR'd ones mostly above.
OCR_SHARE = 0.015
_OCR_PAGES = frozenset({"ocr", "image"})


def ocr_spans(read: ReadResult, norm: NormText) -> tuple[list[tuple[int, int]], str | None]:
    """Spans of the normalised text that may be OCR output, and why: the lines
    of OCR'd pages (known from the reader), or a whole plain-text file (to be
    judged on its words by `apply`). Web-page scrapes and Word, RTF and PDF
    text layers are born-digital: no spans."""
    ocr_pages = {p.page for p in read.pages if p.path in _OCR_PAGES}
    if read.format == "image":
        return [(0, len(norm.text))], "an image read by OCR"
    if ocr_pages:
        _, starts = read.joined()
        spans: list[tuple[int, int]] = []
        for line, start in zip(read.lines, starts):
            if line.page in ocr_pages:
                a = bisect.bisect_left(norm.offsets, start)
                b = bisect.bisect_left(norm.offsets, start + len(line.text))
                if spans and spans[-1][1] >= a - 1:
                    spans[-1] = (spans[-1][0], b)
                else:
                    spans.append((a, b))
        return spans, "pages read by OCR"
    if read.format == "txt" and not read.metadata:
        return [(0, len(norm.text))], "a text file that reads as OCR output"
    return [], None


def apply(read: ReadResult, norm: NormText) -> tuple[NormText, list[Correction], str | None]:
    """The post-OCR stage: (text with OCR misreadings corrected, the changes,
    why the text was taken for OCR output or None). Offsets are unchanged.
    A plain-text file is corrected only when it reads as OCR output."""
    spans, why = ocr_spans(read, norm)
    if not spans:
        return norm, [], None
    assert why is not None  # spans always come with their reason
    text, fixes = correct(norm.text, spans)
    if why.startswith("a text file") and ocr_like_share(norm.text, fixes) < OCR_SHARE:
        return norm, [], None
    return norm.edited(text, _edits(fixes)), _moved(fixes), why


def _edits(fixes: list[Correction]) -> list[tuple[int, int, int, int]]:
    """The changes that altered the text's length, as a normalisation pass records them
    (a shortened word maps back onto the word it replaced)."""
    out: list[tuple[int, int, int, int]] = []
    shift = 0
    for c in fixes:
        if len(c.fixed) != c.end - c.start:
            out.append((c.start, c.end, c.start + shift, c.start + shift + len(c.fixed)))
        shift += len(c.fixed) - (c.end - c.start)
    return out


def _moved(fixes: list[Correction]) -> list[Correction]:
    """The changes with their spans in the corrected text."""
    out: list[Correction] = []
    shift = 0
    for c in fixes:
        out.append(Correction(c.start + shift, c.start + shift + len(c.fixed), c.raw, c.fixed, c.rule))
        shift += len(c.fixed) - len(c.raw)
    return out


def fix_person_name(name: str) -> tuple[str, list[Correction]]:
    """A signer's name read by OCR, its accent-stripped words (`Hoàng Việt
    Cuong`) put back where people's names in clean text spell that word one
    way far more often than any other (`Cường`, not `Cương`); words that carry
    marks are kept as printed: a name is not corrected against the odds."""
    m = model()
    words = name.split(" ")
    fixes: list[Correction] = []
    pos = 0
    for i, w in enumerate(words):
        low = w.lower()
        if i and w.isascii() and w.isalpha():
            counts = sorted(((m.given.get(c, 0), c) for c in m.index.get(fold_syllable(low), ())), reverse=True)
            if counts and counts[0][0] >= _NAME_MIN and counts[0][1] != low and (
                    len(counts) == 1 or counts[0][0] >= _NAME_RATIO * counts[1][0]):
                fixed = _cased(w, counts[0][1])
                if len(fixed) == len(w):
                    fixes.append(Correction(pos, pos + len(w), w, fixed, "name"))
                    words[i] = fixed
        pos += len(w) + 1
    return " ".join(words), fixes
