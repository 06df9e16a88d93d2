"""Checks an uploaded .xlsx before any parser reads it, so that no file the size limit admits can
take the server's memory or minutes of its time.

An .xlsx is a zip of XML parts. What the zip's directory declares is checked first (a part or
the whole larger than allowed uncompressed, or compressed more than ``MAX_RATIO`` times: a
"zip bomb"); then the parts that grow with the data are parsed as a stream by expat, in chunks,
counting their elements and stopping at the first one past the limit: shared strings (openpyxl keeps them
all in memory, even in read-only mode: a "shared-string bomb") and each sheet's rows (a
million-row file is refused after the limit's rows, not after a million). Memory stays at one
chunk; time at the bytes up to the limit. The XML itself is parsed by openpyxl with defusedxml
(installed: no entity expansion), in read-only mode.
"""

import zipfile
from xml.parsers import expat

from django.utils.translation import gettext as _

CHUNK = 256 * 1024
# A part compressed more than this many times is a bomb (real sheets compress 5–20 times).
MAX_RATIO = 200
# The whole workbook uncompressed, and one part.
MAX_TOTAL_BYTES = 96 * 1024 * 1024
MAX_PART_BYTES = 48 * 1024 * 1024


class UnsafeWorkbook(ValueError):
    """The file is refused before it is parsed; ``str()`` is the translated reason."""


class _Enough(Exception):
    pass


def _count(zf: zipfile.ZipFile, name: str, local_name: str, limit: int) -> int:
    """Elements named ``local_name`` (any namespace prefix) in part ``name``, parsed as a stream
    in chunks by expat; stops once past ``limit``. A document type declaration or an entity is
    refused (no entity expansion); malformed XML is a damaged file."""
    count = 0

    def start(tag, _attrs):
        nonlocal count
        if tag.rsplit(" ", 1)[-1] == local_name:
            count += 1
            if count > limit:
                raise _Enough

    def refuse(*_args):
        raise UnsafeWorkbook(_("The file is damaged and cannot be read. Save it again in Excel and retry."))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        with zf.open(name) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Enough:
        pass
    except expat.ExpatError:
        refuse()
    return count


def check_xlsx(fileobj, *, max_rows: int, max_strings: int) -> None:
    """Raise ``UnsafeWorkbook`` unless ``fileobj`` is a zip whose parts are within the limits:
    at most ``max_rows`` rows in any sheet and ``max_strings`` shared strings."""
    fileobj.seek(0)
    try:
        zf = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnsafeWorkbook(_("The file is not an Excel workbook (.xlsx). Download the template and fill it in.")) from None
    with zf:
        infos = zf.infolist()
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise UnsafeWorkbook(_("The file is not an Excel workbook (.xlsx). Download the template and fill it in."))
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES or (info.file_size > CHUNK and ratio > MAX_RATIO):
                raise UnsafeWorkbook(_("The workbook is too large when unpacked: it cannot be imported."))
        try:
            if "xl/sharedStrings.xml" in names and _count(zf, "xl/sharedStrings.xml", "si", max_strings) > max_strings:
                raise UnsafeWorkbook(
                    _("The workbook holds more than %(n)s pieces of text: it cannot be imported.") % {"n": max_strings}
                )
            for name in sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")):
                if _count(zf, name, "row", max_rows) > max_rows:
                    raise UnsafeWorkbook(
                        _("A sheet of the workbook has more than %(n)s rows: import at most that many at a time.")
                        % {"n": max_rows}
                    )
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            raise UnsafeWorkbook(_("The file is damaged and cannot be read. Save it again in Excel and retry.")) from None
    fileobj.seek(0)
