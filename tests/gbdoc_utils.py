"""Reading generated GB/T 9704 documents back in tests: the .docx through python-docx, the PDF
through poppler (pdfinfo, pdftotext, pdftoppm)."""

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Emu

from core.gbdoc import east_asia_font, soffice_path

ROOT = Path(__file__).resolve().parent.parent
GUIDE_IMG = ROOT / "docs" / "guide" / "img"
ARTIFACTS = ROOT / "tests" / "artifacts" / "documents"


def open_docx(content: bytes):
    return Document(io.BytesIO(content))


def all_text(doc) -> str:
    """Every paragraph's and every table cell's text, one per line."""
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def style_font(doc, name: str) -> tuple[str | None, float | None, bool | None]:
    """A style's East Asian font, size in points and bold, following its base styles."""
    style = doc.styles[name]
    font = size = bold = None
    while style is not None:
        font = font or east_asia_font(style.element)
        size = size or (style.font.size.pt if style.font.size else None)
        bold = style.font.bold if bold is None else bold
        style = style.base_style
    return font, size, bold


def mm(length) -> float:
    return round(Emu(length).mm, 1)


def require_soffice():
    """Skip when LibreOffice is absent (CI installs it: .ci/test.sh)."""
    if soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed: install libreoffice-writer-nogui to render documents")
    for tool in ("pdfinfo", "pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} (poppler-utils) is not installed")


def pdf_pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_text(pdf: bytes, *, first: int = 1, last: int | None = None) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        command = ["pdftotext", "-layout", "-f", str(first)] + (["-l", str(last)] if last else []) + [str(path), "-"]
        return subprocess.run(command, capture_output=True, check=True).stdout.decode()


def first_page_png(pdf: bytes, name: str) -> Path:
    """Render the first page at 60 dpi into tests/artifacts/documents/<name>.png to look at; with
    ``GUIDE_IMAGES=1`` also into docs/guide/img/ (the pictures the Chinese guide shows)."""
    targets = [ARTIFACTS] + ([GUIDE_IMG] if os.environ.get("GUIDE_IMAGES") == "1" else [])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(path),
                        str(Path(folder) / "page")], check=True)
        for folder_out in targets:
            folder_out.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(folder) / "page.png", folder_out / f"{name}.png")
    return targets[-1] / f"{name}.png"


def pdf_plain(pdf: bytes, **pages) -> str:
    """The PDF's text without any white space (pdftotext spaces digits apart from Chinese)."""
    return "".join(pdf_text(pdf, **pages).split())
