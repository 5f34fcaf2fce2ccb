"""Text files in every encoding archives hold, made by encoding a real letter
(seed 000): UTF-8 with and without BOM, UTF-16, Windows-1258, TCVN3, VNI."""
from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest
from conftest import SEED_000

from congvan.parsers.readers import ReadError, read_bytes
from congvan.parsers.readers.text import decode_bytes
from congvan.pipeline.parse import parse_bytes


def _seed_text() -> str:
    text = SEED_000.read_text(encoding="utf-8")
    # Characters no 8-bit Vietnamese code page has.
    return unicodedata.normalize("NFC", text).replace("–", "-").replace("—", "-")


def _iconv(text: str, charset: str) -> bytes:
    if not shutil.which("iconv"):
        pytest.skip("iconv is not installed")
    out = subprocess.run(["iconv", "-f", "UTF-8", "-t", charset], input=text.encode(), capture_output=True, check=True)
    return out.stdout


def _vni(text: str) -> bytes:
    from viparse.normalize.vni import VNI

    back = {u: legacy for legacy, u in VNI.pairs if len(u) == 1}
    return "".join(back.get(ch, ch) for ch in text).encode("cp1252")


def _tcvn3_text(text: str) -> str:
    # TCVN3 has no accented capitals: real files type them with lower-case
    # codes in a .VnTimeH font, so the bytes carry the lower-case letter.
    return "".join(c.lower() if c.isupper() and ord(c) > 0x7F and c not in "ĐĂÂÊÔƠƯ" else c for c in text)


@pytest.fixture(scope="module")
def reference() -> dict:
    from congvan import to_json
    from congvan.pipeline.parse import parse_string

    return to_json(parse_string(_seed_text()))


FIELDS = ["number", "symbol", "issued", "doc_type", "recipients", "references", "directives"]


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("utf-8", lambda t: t.encode("utf-8"), "utf-8"),
        ("utf-8-bom", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "utf-8-bom"),
        ("utf-16", lambda t: t.encode("utf-16"), "utf-16-bom"),
        ("utf-16-nobom", lambda t: t.encode("utf-16-le"), "utf-16"),
        ("cp1258", lambda t: _iconv(t, "CP1258"), "cp1258"),
        ("tcvn3", lambda t: _iconv(_tcvn3_text(t), "TCVN5712-1"), "tcvn3"),
        ("vni", _vni, "vni"),
    ],
)
def test_each_encoding_reads_the_same_letter(name: str, make, expected: str, reference: dict) -> None:
    from congvan import to_json

    data = make(_seed_text())
    text, encoding = decode_bytes(data)
    assert encoding == expected
    got = to_json(parse_bytes(data, f"seed.{name}.txt"))
    for field in FIELDS:
        if name == "tcvn3":
            assert str(got[field]).casefold() == str(reference[field]).casefold(), field
        else:
            assert got[field] == reference[field], field
    assert got["issuer"] and got["issuer"].casefold() == reference["issuer"].casefold()


def test_binary_garbage_is_refused() -> None:
    import random

    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(20000))
    with pytest.raises(ReadError) as err:
        read_bytes(data, "garbage.txt")
    assert err.value.kind in {"not_text", "unknown_encoding"}


def test_undecodable_latin_text_is_refused() -> None:
    # Well-formed 8-bit text that is not Vietnamese in any code page.
    data = ("Grüße aus Köln, schöne Straße. " * 40).encode("latin-1")
    with pytest.raises(ReadError) as err:
        read_bytes(data, "german.txt")
    assert err.value.kind == "unknown_encoding"


def test_empty_file_is_refused() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(b"", "empty.txt")
    assert err.value.kind == "empty"
    with pytest.raises(ReadError):
        read_bytes(b"  \n\n ", "blank.txt")
