"""Hostile or broken Word files fail with a clear `ReadError` kind, quickly and in bounded memory."""
from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, NO_SHARED
from lxml import etree

from congvan.parsers.readers import ReadError, read_bytes, read_file

DOCX_060 = CORPUS / "060_cv-597-hc-qlhc-cuc-hoa-chat-2026.docx"

_CT = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       b'<Default Extension="xml" ContentType="application/xml"/>'
       b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", document_xml)
        for name, blob in (extra or {}).items():
            zf.writestr(name, blob)
    return buf.getvalue()


def _body(inner: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
            f'<w:document xmlns:w="{_W}"><w:body>{inner}</w:body></w:document>').encode()


def test_minimal_docx_reads() -> None:
    """The builder makes a package the reader accepts, so the refusals below are about the attack."""
    result = read_bytes(_docx(_body("<w:p><w:r><w:t>Số: 12/UBND-VP</w:t></w:r></w:p>")), "ok.docx")
    assert [line.text for line in result.lines] == ["Số: 12/UBND-VP"]


def test_zip_bomb_refused_before_inflating() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", _body("<w:p><w:r><w:t>x</w:t></w:r></w:p>"))
        # 300 MiB of zeros in 1 MiB pieces (about 300 kB on disk): over both the ratio and the total cap.
        with zf.open("word/media/bomb.bin", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(300):
                member.write(chunk)
    data = buf.getvalue()
    assert len(data) < 3 * 1024 * 1024
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(ReadError) as err:
        read_bytes(data, "bomb.docx")
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert err.value.kind in ("unsafe", "too_large")
    assert "bomb" in str(err.value) or "inflate" in str(err.value)
    assert elapsed < 2 and peak < 50 * 1024 * 1024


def test_many_parts_over_total_limit_refused() -> None:
    """Members that each look harmless but add up past the limit."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", _body("<w:p><w:r><w:t>x</w:t></w:r></w:p>"))
    data = bytearray(buf.getvalue())
    # Declare a 300 MB uncompressed size in the central directory entry of document.xml.
    cd = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, 300 * 1024 * 1024)
    with pytest.raises(ReadError) as err:
        read_bytes(bytes(data), "big.docx")
    assert err.value.kind in ("too_large", "unsafe", "corrupt")


def test_xxe_entity_refused_and_never_resolved() -> None:
    doctype = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    data = _docx(_body("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", doctype))
    with pytest.raises(ReadError) as err:
        read_bytes(data, "xxe.docx")
    assert err.value.kind == "unsafe"
    assert "root:" not in str(err.value)


def test_billion_laughs_refused() -> None:
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE w:document [<!ENTITY l0 "lol">{lol}]>'
    data = _docx(_body("<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>", doctype))
    t0 = time.perf_counter()
    with pytest.raises(ReadError) as err:
        read_bytes(data, "lol.docx")
    assert err.value.kind == "unsafe" and time.perf_counter() - t0 < 2


def test_python_docx_parser_does_not_resolve_entities() -> None:
    """Second line of defence: the parser python-docx uses leaves entities alone."""
    from docx.oxml.parser import oxml_parser

    el = etree.fromstring(b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>', oxml_parser)
    assert "root:" not in etree.tostring(el).decode()


@pytest.mark.skipif(not DOCX_060.exists(), reason=NO_SHARED)
def test_truncated_docx_is_corrupt() -> None:
    data = DOCX_060.read_bytes()
    with pytest.raises(ReadError) as err:
        read_bytes(data[: len(data) // 2], "half.docx")
    assert err.value.kind == "corrupt"


def test_zip_without_word_parts_is_not_read_as_word() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/readme.txt", "hello")
    with pytest.raises(ReadError) as err:
        read_bytes(buf.getvalue(), "x.docx")
    assert err.value.kind in ("corrupt", "unsupported")


# --- OLE containers -----------------------------------------------------------------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _ole(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (v3, 512-byte sectors) holding `streams` (each padded to 4096
    bytes so no mini stream is needed). olefile can read but not write these."""
    names = list(streams)
    assert len(names) <= 3
    blobs = [streams[n].ljust(4096, b"\0") for n in names]
    fat = [_FATSECT, _END]
    starts = []
    for blob in blobs:
        n = len(blob) // 512
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 for i in range(n - 1)] + [_END]
    fat += [_FREE] * (128 - len(fat))
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, _END, 0, _END, 0)
    difat = [0] + [_FREE] * 108
    struct.pack_into("<109I", header, 76, *difat)

    # Sibling order in the red-black tree: shorter names first, then by upper-case name.
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        e = bytearray(128)
        e[0:len(raw)] = raw
        struct.pack_into("<HBB III", e, 64, len(raw), kind, 1, left, right, child)
        struct.pack_into("<IQ", e, 116, start, size)
        return bytes(e)

    # A degenerate tree (each entry's right sibling is the next in order) is valid when all are black.
    dir_entries = [entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, order[0] + 1, _END, 0)]
    for i, name in enumerate(names):
        pos = order.index(i)
        right = order[pos + 1] + 1 if pos + 1 < len(order) else _NOSTREAM
        dir_entries.append(entry(name, 2, _NOSTREAM, right, _NOSTREAM, starts[i], len(blobs[i])))
    directory = b"".join(dir_entries).ljust(512, b"\0")
    return bytes(header) + struct.pack("<128I", *fat) + directory + b"".join(blobs)


def test_encrypted_ooxml_package_refused() -> None:
    """Password-protected .docx/.xlsx are OLE files with EncryptionInfo + EncryptedPackage."""
    data = _ole({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x10\x00" * 100})
    import olefile

    assert olefile.OleFileIO(io.BytesIO(data)).exists("EncryptedPackage")  # the builder is sound
    with pytest.raises(ReadError) as err:
        read_bytes(data, "locked.docx")
    assert err.value.kind == "encrypted"


def test_encrypted_word97_refused() -> None:
    """A Word 97 .doc with a password keeps its WordDocument stream but sets FIB.fEncrypted."""
    fib = bytearray(64)
    struct.pack_into("<HHHHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x0409, 0, 0x0100 | 0x0200)
    data = _ole({"WordDocument": bytes(fib), "1Table": b"\0" * 16})
    with pytest.raises(ReadError) as err:
        read_bytes(data, "locked.doc")
    assert err.value.kind == "encrypted"


def test_ole_spreadsheet_is_unsupported() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(_ole({"Workbook": b"\x09\x08" * 8}), "book.xls")
    assert err.value.kind == "unsupported"


def test_damaged_ole_is_corrupt() -> None:
    data = _ole({"WordDocument": b"\xec\xa5" + b"\0" * 62})
    with pytest.raises(ReadError) as err:
        read_bytes(data[:700], "cut.doc")
    assert err.value.kind == "corrupt"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    with pytest.raises(ReadError) as err:
        read_file(path)
    assert err.value.kind == "empty"
    for reader in ("docx:read_docx", "doc:read_doc", "rtf:read_rtf"):
        module, func = reader.split(":")
        mod = __import__(f"congvan.parsers.readers.{module}", fromlist=[func])
        with pytest.raises(ReadError) as err:
            getattr(mod, func)(b"", "empty")
        assert err.value.kind == "empty"


def test_rtf_deep_nesting_refused() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(b"{\\rtf1 " + b"{" * 100000 + b"x" + b"}" * 100000 + b"}", "deep.rtf")
    assert err.value.kind == "unsafe"
