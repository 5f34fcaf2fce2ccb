"""Plain-text reader: bytes in any encoding an archive holds -> Unicode lines.

Order of trust: a byte-order mark; strict UTF-8; UTF-16 without a BOM (NUL
bytes in every other position); then the 8-bit encodings, where each
candidate decoding (TCVN3, VNI through viparse; Windows-1258) is scored by
the share of its words that are Vietnamese syllables and the best one must
clear a bar. A file no candidate reads as Vietnamese is an
`unknown_encoding` error: a wrong guess is worse than a clear refusal.
"""
from __future__ import annotations

import codecs
import unicodedata

import viparse

from congvan.parsers.readers import webpage
from congvan.parsers.readers.base import ReadError, ReadResult, lines_from_text
from congvan.parsers.syllables import syllable_share

MAX_TEXT_BYTES = 20 * 1024 * 1024
_MIN_SHARE = 0.75  # clean letters score > 0.9; wrong decodings < 0.6

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _legacy(text: str) -> tuple[str, str] | None:
    """Text whose characters are TCVN3/VNI bytes seen as Latin-1 -> Unicode."""
    name = viparse.detect_text_encoding(text)
    if name in ("tcvn3", "vni"):
        return viparse.fix(text, encoding=name), name
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes; return (text, encoding name)."""
    if not data.strip():
        raise ReadError("empty", "the file is empty")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name), name.replace("-le", "").replace("-be", "") + "-bom"
            except UnicodeDecodeError as exc:
                raise ReadError("unknown_encoding", f"byte-order mark says {name} but the bytes are not: {exc}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text:
            raise ReadError("not_text", "the file holds NUL bytes: binary data, not text")
        # TCVN3/VNI text that was once opened as Latin-1 and saved as UTF-8.
        legacy = _legacy(text) if syllable_share(text[:20000]) < _MIN_SHARE else None
        return legacy if legacy else (text, "utf-8")
    head = data[:4096]
    if len(head) >= 4 and (head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4):
        order = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(order), order.replace("-le", "").replace("-be", "")
        except UnicodeDecodeError as exc:
            raise ReadError("unknown_encoding", f"looks like UTF-16 but does not decode: {exc}") from exc
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 0x20 and b not in (9, 10, 12, 13))
    if sample.count(0) or controls > len(sample) // 50:
        raise ReadError("not_text", "the file holds control bytes: binary data, not text")
    candidates: list[tuple[float, str, str]] = []
    latin = data.decode("latin-1")
    legacy = _legacy(latin)
    if legacy:
        candidates.append((syllable_share(legacy[0][:20000]), legacy[0], legacy[1]))
    try:
        cp = unicodedata.normalize("NFC", data.decode("cp1258"))
        candidates.append((syllable_share(cp[:20000]), cp, "cp1258"))
    except UnicodeDecodeError:
        pass
    if candidates:
        share, text, name = max(candidates)
        if share >= _MIN_SHARE:
            return text, name
    raise ReadError(
        "unknown_encoding",
        "not UTF-8/16 and no Vietnamese 8-bit encoding (TCVN3, VNI, Windows-1258) reads it as Vietnamese",
    )


def read_text(data: bytes) -> ReadResult:
    if len(data) > MAX_TEXT_BYTES:
        raise ReadError("too_large", f"text file of {len(data) // 1048576} MB is over the {MAX_TEXT_BYTES // 1048576} MB a letter can be")
    text, encoding = decode_bytes(data)
    return ReadResult(lines=lines_from_text(text), format="txt", encoding=encoding)


def read_text_file(data: bytes, name: str = "<text>") -> ReadResult:
    """Reader entry point used by `read_file` (the name is for messages).
    A web-page scrape (markdown with a site's metadata table or table cells)
    goes to the web-page reader, told by content alone."""
    result = read_text(data)
    text = "\n".join(line.text for line in result.lines)
    if webpage.is_web_page(text):
        return webpage.read_web_page(text, result.encoding)
    return result
