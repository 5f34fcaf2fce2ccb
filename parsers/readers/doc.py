"""Word 97-2003 (.doc, OLE) reader: the binary document -> lines in reading order.

Flow: `read_doc` opens the OLE container with olefile to refuse what cannot be
a letter (password-protected Office files, which are OLE containers holding
`EncryptionInfo`/`EncryptedPackage` or a .doc whose FIB sets fEncrypted;
spreadsheets; corrupt containers). A file whose font table names a legacy
Vietnamese font (`.VnTime`, `VNI-Times`) goes through LibreOffice -> DOCX so
every run keeps its font name (TCVN3/VNI decoding is per run, capitals come
from `H` fonts, and the TCVN3 letter ư survives as `w:softHyphen`); the DOCX
reader does the rest. Unicode files take the fast path, `antiword -w 0`, whose
`|`-framed table rows are put back in column order; when antiword fails or
reads too little, LibreOffice is the fallback.

LibreOffice runs in its own session (`/usr/bin/soffice` is a shell script
that starts oosplash and soffice.bin), so a timeout kills the whole process
group, not just the script; each process's profile folder is removed when
the process exits (`cleanup`, also called by the ingest workers' stop handler).
"""
from __future__ import annotations

import atexit
import io
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
from pathlib import Path

import regex

from congvan.models.records import PageInfo
from congvan.parsers.readers.base import Line, ReadError, ReadResult
from congvan.parsers.readers.docx import TableCell, order_table_cells, read_docx_package
from congvan.parsers.readers.legacy import LEGACY_FONT_HINTS
from congvan.parsers.syllables import syllable_share

__all__ = ["read_doc", "read_doc_antiword", "read_doc_libreoffice", "convert_to_docx"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ANTIWORD_TIMEOUT = 20
SOFFICE_TIMEOUT = 90
_MIN_SHARE = 0.6

_TABLE_ROW = regex.compile(r"^\s*\|(.*)\|\s*$")
_SPACES = regex.compile(r"[ \t\u00a0]+")

# One LibreOffice profile per process, used by one conversion at a time:
# profiles are slow to create and two instances sharing one clash.
_LO_LOCK = threading.Lock()
_LO_PROFILE: str | None = None
_LO_PROFILE_PID: int | None = None   # the process that made it: a forked child must not delete its parent's
_LO_RUNNING: subprocess.Popen | None = None


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass


def cleanup() -> None:
    """Stop a running conversion and remove this process's LibreOffice profile."""
    global _LO_PROFILE, _LO_RUNNING
    if _LO_PROFILE_PID != os.getpid():
        return
    if _LO_RUNNING is not None and _LO_RUNNING.poll() is None:
        _kill_group(_LO_RUNNING)
    _LO_RUNNING = None
    if _LO_PROFILE is not None:
        shutil.rmtree(_LO_PROFILE, ignore_errors=True)
        _LO_PROFILE = None


def _new_profile() -> str:
    global _LO_PROFILE_PID
    profile = tempfile.mkdtemp(prefix=f"congvan-lo-{os.getpid()}-")
    if _LO_PROFILE_PID != os.getpid():
        _LO_PROFILE_PID = os.getpid()
        # atexit for ordinary processes; multiprocessing workers end in os._exit,
        # which skips atexit but runs Finalize callbacks.
        atexit.register(cleanup)
        try:
            from multiprocessing import util

            util.Finalize(None, cleanup, exitpriority=10)
        except Exception:  # noqa: BLE001 - atexit alone still covers ordinary processes
            pass
    return profile


def _ole_check(data: bytes) -> None:
    import olefile

    if not data.startswith(OLE_MAGIC):
        raise ReadError("corrupt", "not an OLE (Word 97-2003) container")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises assorted errors on damaged containers
        raise ReadError("corrupt", f"damaged OLE container: {exc}") from exc
    try:
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
        if {"EncryptionInfo", "EncryptedPackage"} & streams:
            raise ReadError("encrypted", "password-protected Office document (EncryptedPackage): cannot be read without the password")
        if "WordDocument" not in streams:
            kind = "a spreadsheet" if {"Workbook", "Book"} & streams else "a presentation" if "PowerPoint Document" in streams else "not a Word document"
            raise ReadError("unsupported", f"OLE file is {kind} (streams: {', '.join(sorted(streams)[:6])})")
        try:
            fib = ole.openstream("WordDocument").read(32)
        except Exception as exc:  # a listed but unreadable stream
            raise ReadError("corrupt", f"WordDocument stream cannot be read: {exc}") from exc
    finally:
        ole.close()
    if len(fib) < 12 or struct.unpack_from("<H", fib, 0)[0] != 0xA5EC:
        raise ReadError("corrupt", "WordDocument stream has no valid Word file information block")
    flags = struct.unpack_from("<H", fib, 10)[0]
    if flags & 0x0100:  # FibBase.fEncrypted
        raise ReadError("encrypted", "password-protected Word document (FIB fEncrypted): cannot be read without the password")


def has_legacy_fonts(data: bytes) -> bool:
    """Does the .doc's font table name a TCVN3 or VNI font?"""
    return any(hint in data for hint in LEGACY_FONT_HINTS)


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise ReadError("unsupported", "legacy .doc needs LibreOffice (soffice), which is not installed")
    return exe


def convert_to_docx(data: bytes, timeout: float = SOFFICE_TIMEOUT) -> bytes:
    """Convert .doc bytes to .docx bytes with headless LibreOffice."""
    global _LO_PROFILE, _LO_RUNNING
    exe = _soffice()
    with _LO_LOCK:
        if _LO_PROFILE is None or _LO_PROFILE_PID != os.getpid() or not os.path.isdir(_LO_PROFILE):
            _LO_PROFILE = _new_profile()
        profile = Path(_LO_PROFILE).as_uri()
        with tempfile.TemporaryDirectory(prefix="congvan-doc-") as tmp:
            src = Path(tmp) / "in.doc"
            src.write_bytes(data)
            out = Path(tmp) / "out"
            cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(src)]
            # A session of its own: on timeout the script's children (oosplash,
            # soffice.bin) are killed with it, not left converting for ever.
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env={**os.environ, "HOME": tmp}, start_new_session=True)
            _LO_RUNNING = proc
            try:
                stdout, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired as exc:
                _kill_group(proc)
                raise ReadError("timeout", f"LibreOffice took over {timeout:.0f} s to convert the .doc") from exc
            except BaseException:
                # The ingest time limit (an exception from SIGALRM) lands here too.
                _kill_group(proc)
                raise
            finally:
                _LO_RUNNING = None
            result = out / "in.docx"
            if not result.exists():
                detail = (stderr or stdout).decode("utf-8", "replace").strip()[:300]
                raise ReadError("corrupt", f"LibreOffice could not convert the .doc: {detail or 'no output'}")
            return result.read_bytes()


def read_doc_libreoffice(data: bytes, name: str = "<doc>", *, list_labels: bool = True) -> ReadResult:
    """LibreOffice -> DOCX -> the DOCX reader (tables, fonts, numbering kept)."""
    result = read_docx_package(convert_to_docx(data), name, fmt="doc", list_labels=list_labels)
    return ReadResult(
        lines=result.lines, format="doc", encoding=result.encoding,
        pages=(PageInfo(page=1, path="doc", note="libreoffice"),),
        warnings=result.warnings, metadata=result.metadata,
    )


def _antiword_text(data: bytes) -> str | None:
    exe = shutil.which("antiword")
    if not exe:
        return None
    with tempfile.NamedTemporaryFile(suffix=".doc") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            proc = subprocess.run([exe, "-w", "0", "-m", "UTF-8.txt", tmp.name], capture_output=True,
                                  timeout=ANTIWORD_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace")


def _table_lines(rows: list[str], t: int) -> list[Line]:
    """antiword's `|a|b|` rows -> cells located by character column -> reading order."""
    cells: list[TableCell] = []
    for r, row in enumerate(rows):
        m = _TABLE_ROW.match(row)
        inner = m.group(1) if m else row
        offset = row.index("|") + 1 if "|" in row else 0
        x = offset
        for c, part in enumerate(inner.split("|")):
            text = _SPACES.sub(" ", part).strip()
            lines = [Line(text, where=f"table{t}/r{r}/c{c}")] if text else []
            cells.append(TableCell(row=r, x0=x, x1=x + len(part), lines=lines))
            x += len(part) + 1
    return [line for cell in order_table_cells(cells, max_layout_rows=16) for line in cell.lines]


def parse_antiword(text: str) -> list[Line]:
    """antiword's plain text (one paragraph a line at `-w 0`) -> Lines."""
    lines: list[Line] = []
    table: list[str] = []
    t = 0
    p = 0

    def flush() -> None:
        nonlocal t
        if table:
            lines.extend(_table_lines(table, t))
            t += 1
            table.clear()

    for raw in text.split("\n"):
        if _TABLE_ROW.match(raw):
            table.append(raw)
            continue
        flush()
        clean = _SPACES.sub(" ", raw).strip()
        if clean:
            lines.append(Line(clean, where=f"p{p}"))
        p += 1
    flush()
    return lines


def read_doc_antiword(data: bytes, name: str = "<doc>") -> ReadResult | None:
    """The fast path; None when antiword fails or its text does not read as Vietnamese."""
    text = _antiword_text(data)
    if not text or len(text.strip()) < 40:
        return None
    lines = parse_antiword(text)
    joined = "\n".join(line.text for line in lines)
    if not lines or syllable_share(joined[:20000]) < _MIN_SHARE:
        return None
    return ReadResult(lines=tuple(lines), format="doc", encoding="utf-8",
                      pages=(PageInfo(page=1, path="doc", note="antiword"),))


def read_doc(data: bytes, name: str = "<doc>", *, list_labels: bool = True) -> ReadResult:
    """Reader entry point used by `read_file`; `list_labels` as in `read_docx_package`."""
    if not data:
        raise ReadError("empty", "the file is empty (0 bytes)")
    _ole_check(data)
    if not has_legacy_fonts(data):
        fast = read_doc_antiword(data, name)
        if fast is not None:
            return fast
    return read_doc_libreoffice(data, name, list_labels=list_labels)
