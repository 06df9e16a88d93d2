"""Word documents in the layout of GB/T 9704-2012 (党政机关公文格式), built with python-docx.

Domain-free: the apps assemble their documents (minutes, appraisal forms, reports, briefings)
from their own records and hand this module only text, tables and a few header fields::

    doc = GbDocument(title="关于……的调度会议纪要", mark="攻坚支部工作简报", issue_no=3,
                     org="中共某某市委组织部", date=date(2026, 11, 18))
    doc.heading(1, "总体情况")           # "一、总体情况" in 黑体 (levels 1–4: 一、 （一） 1. （1）)
    doc.paragraph("本周……")              # 仿宋_GB2312 三号, first line indented two characters
    doc.table(["项目", "进度"], [["某项目", "80%"]])
    doc.form([[FormCell("姓名", label=True), "张三"]], widths=[1, 3])   # a form with merged cells
    doc.signature("中共某某市委组织部", date(2026, 11, 18))
    content = doc.to_bytes()            # the .docx; docx_to_pdf(content) for the PDF

The page set-up and the styles come from a base template (``settings.GBDOC_TEMPLATE``, by
default ``templates/docx/gb9704.docx``, written by ``manage.py gbdoc_template``). A department
may replace it with its own file made in Word: its page set-up, footers and the styles named
below are kept; a style it lacks is added with the standard's values. With no file at all the
template is built in memory.

The standard's numbers, as set here:

- A4 (210 × 297 mm); 版心 156 × 225 mm: top (天头) 37 mm, left (订口) 28 mm, right 26 mm,
  bottom 35 mm.
- 22 lines of 28 characters: a line grid (``w:docGrid``, pitch 28.95 pt) with the text at an
  exact 28.95 pt line spacing, and the 三号 text condensed by 0.25 pt (``w:spacing -5``), so 28
  full-width characters fill the 156 mm line (28 × 15.75 pt ≤ 442.2 pt < 29 × 15.75 pt). Word's
  character grid (``linesAndChars`` with ``charSpace -849``) would do the same in Word, but
  LibreOffice then gives every 16 pt glyph two 15.79 pt cells (14 characters a line in the PDF);
  condensed text reads the same in both.
- Title 二号 (22 pt) 小标宋 (``方正小标宋简体``), centred, two blank lines under the red
  separator line; body 三号 (16 pt) ``仿宋_GB2312``; headings 黑体 / ``楷体_GB2312`` / 仿宋 bold
  / 仿宋 for the levels 一、（一）1.（1）.
- 版头 (for briefings and documents with a header): 份号 (six digits, top left), 发文机关标志
  in red 小标宋 35 mm below the top of the 版心, the number (``第N期`` or a 发文字号) two lines
  below it, for briefings the issuing office left and the date right on the next line, and a red
  line as wide as the 版心 4 mm below.
- Page numbers 四号 (14 pt) half-width Arabic digits in 宋体 between em dashes (``— 1 —``),
  7 mm under the 版心: odd pages on the right, even pages on the left, one character in from
  the edge (GB/T 9704 §7.5), through Word's separate odd and even footers.
- Signature: the issuing office two characters in from the right, the date under it with its
  first character two characters right of the office's (§7.3.5.2, documents without a seal).

Fonts are named, not embedded: Word on a government machine has them; LibreOffice substitutes
what the server has (see docs/deployment.md).
"""

from __future__ import annotations

import fcntl
import io
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- the standard's numbers
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_BOTTOM = Mm(35)
MARGIN_LEFT = Mm(28)
MARGIN_RIGHT = Mm(26)
TEXT_WIDTH = Emu(PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)  # 156 mm
TEXT_HEIGHT = Emu(PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)  # 225 mm
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines, rounded down to a whole twip (579)
LINE_PITCH_TWIPS = 579
# 三号 text is condensed by this many twentieths of a point: 16 - 0.25 = 15.75 pt a character.
CHAR_SPACING_TWIPS = -5
CHAR_PITCH = Pt(15.75)

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_SONG = "宋体"
FONT_LATIN = "Times New Roman"

SIZE_CHU = Pt(42)  # 初号
SIZE_XIAOCHU = Pt(36)  # 小初
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号

RED = RGBColor(0xFF, 0x00, 0x00)

#: The styles a template provides (or this module adds). Names are the template's contract.
STYLE_BODY = "GB Body"
STYLE_TITLE = "GB Title"
STYLE_SUBTITLE = "GB Subtitle"
STYLE_HEADINGS = ("GB Heading 1", "GB Heading 2", "GB Heading 3", "GB Heading 4")
STYLE_MARK = "GB Mark"
STYLE_COPY_NO = "GB Copy Number"
STYLE_NUMBER = "GB Number"
STYLE_ISSUER_LINE = "GB Issuer Line"
STYLE_ADDRESSEE = "GB Addressee"
STYLE_SIGNATURE = "GB Signature"
STYLE_TABLE_TEXT = "GB Table Text"
STYLE_TABLE_HEADER = "GB Table Header"
STYLE_FOOTER = "GB Page Number"
STYLE_TABLE = "GB Table"

def template_path() -> Path:
    """Where the base template is read from: ``settings.GBDOC_TEMPLATE`` or the shipped file."""
    configured = getattr(settings, "GBDOC_TEMPLATE", None)
    return Path(configured) if configured else Path(settings.BASE_DIR) / "templates" / "docx" / "gb9704.docx"


# ---------------------------------------------------------------- small helpers
def gb_date(value: Date) -> str:
    """A date as the standard writes it (Arabic numerals, ``2026年11月18日`` in Chinese)."""
    return formats.date_format(value, "DATE_FORMAT")


def gb_number(value) -> str:
    """A figure as people write it in a document: no trailing zeros (``120``, ``12.5``); ``—``
    for nothing."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    return format(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize(), "f")


def chinese_numeral(n: int) -> str:
    """一 … 九十九 (heading numbers of the first two levels)."""
    digits = "零一二三四五六七八九"
    if n < 1:
        raise ValueError(n)
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return str(n)


def text_width_chars(text: str) -> float:
    """The width of ``text`` in characters of the grid: a full-width character is one, a half-width
    one (digits, Latin letters) a half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 for ch in text)


def _twips(length) -> int:
    return int(round(Emu(length).pt * 20))


def _set_fonts(rpr_parent, *, east_asia: str | None = None, latin: str | None = None) -> None:
    """Set the fonts of a style's or a run's properties; the East Asian one is what Chinese uses."""
    fonts = rpr_parent.get_or_add_rPr().get_or_add_rFonts()
    if latin:
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attr), latin)
    if east_asia:
        fonts.set(qn("w:eastAsia"), east_asia)
    # A theme font would win over the names above.
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _condense(rpr_parent, twips: int = CHAR_SPACING_TWIPS) -> None:
    rpr = rpr_parent.get_or_add_rPr()
    el = rpr.find(qn("w:spacing"))
    if el is None:
        el = OxmlElement("w:spacing")
        rpr.insert_element_before(el, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                                  "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em",
                                  "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
    el.set(qn("w:val"), str(twips))


def east_asia_font(rpr_parent) -> str | None:
    """The East Asian font name set on a style or a run (None when it inherits)."""
    rpr = rpr_parent.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


# The order of w:pPr's children (ECMA-376): Word refuses a file whose children are out of order.
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)


def _ppr_child(ppr, tag: str):
    """The child ``tag`` of a w:pPr, added at its place in the schema's order when missing."""
    el = ppr.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        successors = _PPR_ORDER[_PPR_ORDER.index(tag) + 1:]
        ppr.insert_element_before(el, *successors)
    return el


def _snap_to_grid(paragraph_format_owner, snap: bool) -> None:
    ppr = paragraph_format_owner.get_or_add_pPr()
    _ppr_child(ppr, "w:snapToGrid").set(qn("w:val"), "1" if snap else "0")


def _indent_chars(style_or_par, *, first_line: float | None = None, left: float | None = None,
                  right: float | None = None) -> None:
    """Indents in characters (``w:firstLineChars``…, which Word reads first) and the same in
    twips at the condensed pitch (which LibreOffice reads). None leaves an indent as it is; 0 sets
    it to nothing explicitly (over the style's)."""
    fmt = style_or_par.paragraph_format
    values = {"first_line_indent": first_line, "left_indent": left, "right_indent": right}
    for attr, value in values.items():
        if value is not None:
            setattr(fmt, attr, Emu(int(CHAR_PITCH * value)))
    ind = style_or_par._element.get_or_add_pPr().find(qn("w:ind"))
    if ind is None:
        return
    for attr, value in (("w:firstLineChars", first_line), ("w:leftChars", left), ("w:rightChars", right)):
        if value is not None:
            ind.set(qn(attr), str(int(round(value * 100))))


def _border(ppr, *, side: str = "bottom", color: str = "FF0000", size_eighths: int = 12, space_pt: int = 11) -> None:
    bdr = _ppr_child(ppr, "w:pBdr")
    el = bdr.find(qn(f"w:{side}"))
    if el is None:
        el = OxmlElement(f"w:{side}")
        bdr.append(el)
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space_pt))
    el.set(qn("w:color"), color)


# ---------------------------------------------------------------- the base template
def _style(doc, name: str, kind=WD_STYLE_TYPE.PARAGRAPH):
    """The style ``name`` and whether it was just added (a template's own style is left alone)."""
    try:
        return doc.styles[name], False
    except KeyError:
        style = doc.styles.add_style(name, kind)
        if kind == WD_STYLE_TYPE.PARAGRAPH:
            style.base_style = doc.styles["Normal"]
        style.quick_style = True
        return style, True


def _para_style(doc, name, *, east_asia, size, latin=FONT_LATIN, bold=False, align=None, exact=LINE_PITCH,
                first_line=0.0, space_before=None, space_after=None, color=None, outline=None, keep_next=False):
    style, added = _style(doc, name)
    if not added:
        return style
    style.font.size = size
    style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color
    _set_fonts(style.element, east_asia=east_asia, latin=latin)
    if size == SIZE_3:
        _condense(style.element)
    fmt = style.paragraph_format
    fmt.space_before = space_before or Pt(0)
    fmt.space_after = space_after or Pt(0)
    if exact is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _snap_to_grid(style.element, False)
    else:
        fmt.line_spacing = exact
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.widow_control = False
    fmt.keep_with_next = keep_next
    if align is not None:
        fmt.alignment = align
    if first_line:
        _indent_chars(style, first_line=first_line)
    if outline is not None:
        _ppr_child(style.element.get_or_add_pPr(), "w:outlineLvl").set(qn("w:val"), str(outline))
    return style


def _table_style(doc):
    style, added = _style(doc, STYLE_TABLE, WD_STYLE_TYPE.TABLE)
    if not added:
        return style
    tbl_pr = style.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        style.element.append(tbl_pr)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("left", 80), ("right", 80)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)
    return style


def ensure_styles(doc) -> None:
    """Add every style this module uses that ``doc`` lacks, with the standard's values."""
    _para_style(doc, STYLE_BODY, east_asia=FONT_BODY, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=2)
    _para_style(doc, STYLE_TITLE, east_asia=FONT_TITLE, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(35),
                space_after=LINE_PITCH, outline=0, keep_next=True)
    _para_style(doc, STYLE_SUBTITLE, east_asia=FONT_KAI, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
    for level, (name, font, bold) in enumerate(
        zip(STYLE_HEADINGS, (FONT_HEI, FONT_KAI, FONT_BODY, FONT_BODY), (False, False, True, False), strict=True), start=1
    ):
        _para_style(doc, name, east_asia=font, size=SIZE_3, bold=bold, first_line=2, outline=level, keep_next=True,
                    align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _para_style(doc, STYLE_MARK, east_asia=FONT_TITLE, size=SIZE_XIAOCHU, align=WD_ALIGN_PARAGRAPH.CENTER, exact=None,
                color=RED)
    _para_style(doc, STYLE_COPY_NO, east_asia=FONT_BODY, size=SIZE_3)
    _para_style(doc, STYLE_NUMBER, east_asia=FONT_BODY, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para_style(doc, STYLE_ISSUER_LINE, east_asia=FONT_BODY, size=SIZE_3)
    _para_style(doc, STYLE_ADDRESSEE, east_asia=FONT_BODY, size=SIZE_3)
    _para_style(doc, STYLE_SIGNATURE, east_asia=FONT_BODY, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para_style(doc, STYLE_TABLE_TEXT, east_asia=FONT_BODY, size=SIZE_4, exact=None)
    _para_style(doc, STYLE_TABLE_HEADER, east_asia=FONT_HEI, size=SIZE_4, exact=None, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para_style(doc, STYLE_FOOTER, east_asia=FONT_SONG, latin=FONT_SONG, size=SIZE_4, exact=Pt(20))
    _table_style(doc)


def _page_number_paragraph(doc, paragraph, *, odd: bool) -> None:
    """``— N —`` with a PAGE field; odd pages right, even pages left, one 四号 character in."""
    paragraph.style = doc.styles[STYLE_FOOTER]
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        fmt.right_indent = SIZE_4
    else:
        fmt.left_indent = SIZE_4
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
    paragraph.add_run(" —")


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.gutter = 0
    section.header_distance = Mm(15)
    # The footer's 20 pt line centred 7 mm under the 版心: its dashes sit at the standard's place.
    section.footer_distance = MARGIN_BOTTOM - Mm(7) - Mm(3.5)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.attrib.pop(qn("w:charSpace"), None)
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        _page_number_paragraph(doc, paragraph, odd=odd)


def _defaults(doc) -> None:
    """The document defaults and Normal: 仿宋_GB2312 三号, Chinese as the East Asian language."""
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    _set_fonts(normal.element, east_asia=FONT_BODY, latin=FONT_LATIN)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), FONT_LATIN)
    fonts.set(qn("w:eastAsia"), FONT_BODY)
    for tag, value in (("w:sz", "32"), ("w:szCs", "32")):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), value)
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def build_base_template():
    """The base template as a python-docx Document: page set-up, grid, footers and styles."""
    doc = Document()
    _clear_body(doc)
    _defaults(doc)
    ensure_styles(doc)
    _page_setup(doc)
    props = doc.core_properties
    props.author = props.last_modified_by = ""
    props.title = "GB/T 9704-2012"
    props.comments = ""
    return doc


def write_base_template(path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_base_template().save(str(path))
    return path


def _clear_body(doc) -> None:
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _open_template(template):
    if template is None:
        path = template_path()
        if not path.exists():
            return build_base_template()
        template = path
    if isinstance(template, bytes):
        template = io.BytesIO(template)
    doc = Document(template if not isinstance(template, Path) else str(template))
    _clear_body(doc)
    ensure_styles(doc)
    return doc


# ---------------------------------------------------------------- the document
Cell = str | int | float | Decimal | None


@dataclass(frozen=True)
class FormCell:
    """One cell of a form table (``GbDocument.form``): ``span`` grid columns wide; a ``label`` is
    黑体 and centred; ``foot`` is a last line set to the right (a signature and date line)."""

    text: str = ""
    span: int = 1
    label: bool = False
    align: str | None = None
    foot: str = ""


class GbDocument:
    """One document. Header fields are keyword-only and all optional but the title:

    - ``mark``: the 发文机关标志 (e.g. ``攻坚支部工作简报``), red, 35 mm under the top of the 版心;
    - ``issue_no``: an int printed ``第N期`` under the mark (briefings), or ``doc_number``: a
      发文字号 as given;
    - ``org`` and ``date``: the issuing office (left) and the date (right) on the line above the
      red separator (briefings); without a mark they are only the signature's defaults;
    - ``copy_no``: the 份号 (six digits, top left);
    - ``subtitle``: a line in 楷体 under the title (e.g. the period or the meeting's date);
    - ``template``: a path or bytes of a base .docx instead of ``settings.GBDOC_TEMPLATE``.
    """

    def __init__(self, *, title: str, mark: str | None = None, issue_no: int | None = None,
                 doc_number: str | None = None, org: str | None = None, date: Date | None = None,
                 copy_no: int | None = None, subtitle: str | None = None, template=None):
        self.doc = _open_template(template)
        self._style_ids: dict[str, str | None] = {}
        self.title = title
        self.org = org
        self.date = date
        self._numbers = [0, 0, 0, 0]
        self._started = False
        props = self.doc.core_properties
        props.title = title[:255]
        props.author = props.last_modified_by = (org or "")[:255]
        header = bool(mark or issue_no is not None or doc_number)
        if copy_no is not None:
            self._add(f"{int(copy_no):06d}", STYLE_COPY_NO)
        if header:
            self._header(mark=mark, issue_no=issue_no, doc_number=doc_number, copy_no=copy_no)
        for i, line in enumerate(title.splitlines() or [""]):
            p = self._add(line, STYLE_TITLE)
            if i == 0 and (header or copy_no is not None):
                p.paragraph_format.space_before = LINE_PITCH * 2 if header else Pt(0)
        if subtitle:
            p = self._add(subtitle, STYLE_SUBTITLE)
            p.paragraph_format.space_after = LINE_PITCH

    # -------------------------------------------------------- header block (版头)
    def _header(self, *, mark, issue_no, doc_number, copy_no) -> None:
        last = None
        if mark:
            last = self._add(mark, STYLE_MARK)
            # 35 mm from the top of the 版心 to the mark, less the 份号's line above it.
            above = Mm(35) - (LINE_PITCH if copy_no is not None else 0)
            last.paragraph_format.space_before = Emu(max(0, int(above)))
        number = doc_number or (_("Issue No. %(n)s") % {"n": issue_no} if issue_no is not None else None)
        if number:
            last = self._add(number, STYLE_NUMBER)
            if mark:
                last.paragraph_format.space_before = LINE_PITCH * 2  # 空二行
        if self.org or self.date:
            self.split_line(self.org or "", gb_date(self.date) if self.date else "")
            last = self.doc.paragraphs[-1]
        if last is not None:
            _border(last._p.get_or_add_pPr())  # the red separator, 4 mm (11 pt) under the last line

    # -------------------------------------------------------- building blocks
    def _style(self, paragraph, style: str):
        """Give ``paragraph`` the paragraph style named ``style``. python-docx's own setter looks
        for the document's default style among all of them on every call (6 ms each, most of the
        time of a document with tables): the id is looked up once per style and document."""
        if style not in self._style_ids:
            self._style_ids[style] = self.doc.part.get_style_id(self.doc.styles[style], WD_STYLE_TYPE.PARAGRAPH)
        paragraph._p.style = self._style_ids[style]
        return paragraph

    def _add(self, text: str, style: str, *, to=None):
        """A paragraph of ``style`` at the end of the document (or of the cell ``to``)."""
        p = self._style((to or self.doc).add_paragraph(), style)
        if text:
            p.add_run(text)
        return p

    @staticmethod
    def _runs(paragraph, parts) -> None:
        for text, fmt in parts:
            if not text:
                continue
            run = paragraph.add_run(text)
            if fmt.get("bold"):
                run.bold = True
            if fmt.get("font"):
                _set_fonts(run._r, east_asia=fmt["font"])

    def addressee(self, text: str) -> None:
        """The 主送机关, flush left under the title, ending with a full-width colon."""
        self._add(text if text.endswith("：") else text + "：", STYLE_ADDRESSEE)

    def heading(self, level: int, text: str, *, numbered: bool = True) -> None:
        """A heading of level 1–4: 一、 (黑体), （一） (楷体), 1. (仿宋 bold), （1） (仿宋).

        Numbers count per level and restart under a new parent heading; ``numbered=False``
        prints ``text`` as it is (for text that carries its own number)."""
        if not 1 <= level <= 4:
            raise ValueError("level must be 1 to 4")
        self._numbers[level - 1] += 1
        for deeper in range(level, 4):
            self._numbers[deeper] = 0
        n = self._numbers[level - 1]
        prefix = ""
        if numbered:
            prefix = (f"{chinese_numeral(n)}、", f"（{chinese_numeral(n)}）", f"{n}.", f"（{n}）")[level - 1]
        self._add(prefix + text, STYLE_HEADINGS[level - 1])

    def paragraph(self, text: str, *, lead: str | None = None, align: str | None = None, indent: bool = True) -> None:
        """Body text; each line of ``text`` is its own paragraph (first line indented two
        characters). ``lead`` is a bold lead-in before the first line (``一是``…);
        ``align`` one of left / center / right."""
        for i, line in enumerate(text.splitlines() or [""]):
            p = self._add("", STYLE_BODY)
            self._runs(p, [((lead or "") if i == 0 else "", {"bold": True}), (line, {})])
            if align:
                p.paragraph_format.alignment = _ALIGN[align]
            if not indent or align in ("center", "right"):
                _indent_chars(p, first_line=0)

    def blank(self, lines: int = 1) -> None:
        for _i in range(lines):
            self._add("", STYLE_BODY)

    def page_break(self) -> None:
        self._add("", STYLE_BODY).add_run().add_break(WD_BREAK.PAGE)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[Cell]], *, widths: Sequence[float] | None = None,
              align: Sequence[str] | None = None) -> None:
        """A bordered table as wide as the 版心, 四号 text; the header row (黑体) repeats on every
        page. ``widths`` are relative column widths; ``align`` per column (left / center / right;
        by default numbers right, text left)."""
        rows = [list(r) for r in rows]
        cols = len(header)
        table = self.doc.add_table(rows=1 + len(rows), cols=cols)
        table.style = self.doc.styles[STYLE_TABLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        weights = list(widths) if widths else [1] * cols
        total = float(sum(weights))
        col_widths = [Emu(int(TEXT_WIDTH * (w / total))) for w in weights]
        for i, column in enumerate(table.columns):
            column.width = col_widths[i]
        head = table.rows[0]
        tr_pr = head._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))
        for i, text in enumerate(header):
            self._cell(head.cells[i], str(text), STYLE_TABLE_HEADER, "center", col_widths[i])
        for r, row in enumerate(rows, start=1):
            cells = table.rows[r].cells
            table.rows[r]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for i in range(cols):
                value = row[i] if i < len(row) else ""
                how = align[i] if align else ("right" if isinstance(value, (int, float, Decimal)) else "left")
                self._cell(cells[i], _cell_text(value), STYLE_TABLE_TEXT, how, col_widths[i])
        self.blank(0)

    def _cell(self, cell, text: str, style: str, how: str, width) -> None:
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        lines = text.splitlines() or [""]
        p = cell.paragraphs[0]
        for i, line in enumerate(lines):
            if i:
                p = cell.add_paragraph()
            self._style(p, style)
            p.paragraph_format.alignment = _ALIGN[how]
            if line:
                p.add_run(line)

    def form(self, rows: Sequence[Sequence[FormCell | str]], *, widths: Sequence[float],
             heights: Sequence[float | None] | None = None) -> None:
        """A form table (登记表, 鉴定表): rows of cells on a grid of ``len(widths)`` columns (relative
        widths), a cell spanning ``FormCell.span`` of them; ``heights`` gives rows a least height
        in millimetres (a box to write in: its text starts at the top)."""
        cols = len(widths)
        total = float(sum(widths))
        col_widths = [Emu(int(TEXT_WIDTH * (w / total))) for w in widths]
        table = self.doc.add_table(rows=len(rows), cols=cols)
        table.style = self.doc.styles[STYLE_TABLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, column in enumerate(table.columns):
            column.width = col_widths[i]
        for r, cells in enumerate(rows):
            row = table.rows[r]
            height = heights[r] if heights and r < len(heights) else None
            if height:
                row.height = Mm(height)
                row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            c = 0
            for cell in cells:
                cell = cell if isinstance(cell, FormCell) else FormCell(str(cell))
                span = max(1, min(cell.span, cols - c))
                target = row.cells[c] if span == 1 else row.cells[c].merge(row.cells[c + span - 1])
                width = Emu(sum(col_widths[c:c + span]))
                how = cell.align or ("center" if cell.label else "left")
                self._cell(target, cell.text, STYLE_TABLE_HEADER if cell.label else STYLE_TABLE_TEXT, how, width)
                if height and not cell.label:
                    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
                if cell.foot:
                    foot = self._add("", STYLE_TABLE_TEXT, to=target)
                    foot.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    foot.paragraph_format.space_before = Pt(14)
                    foot.add_run(cell.foot)
                c += span

    def split_line(self, left: str, right: str) -> None:
        """One line with ``left`` flush left and ``right`` flush right (e.g. a form's unit and number);
        two lines, the second flush right, when both do not fit on one with two characters between."""
        if text_width_chars(left) + text_width_chars(right) + 2 > CHARS_PER_LINE:
            self._add(left, STYLE_ISSUER_LINE)
            self._add(right, STYLE_ISSUER_LINE).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            return
        p = self._add("", STYLE_ISSUER_LINE)
        p.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        self._runs(p, [(left, {}), ("\t" + right, {})])

    def signature(self, org: str | None = None, date: Date | None = None) -> None:
        """The issuing office and the date under the text (GB/T 9704 §7.3.5.2, without a seal): a
        blank line, the office two characters in from the right, the date under it starting two
        characters right of the office (or the office two right of a longer date)."""
        org = org if org is not None else (self.org or "")
        date = date if date is not None else self.date
        date_text = gb_date(date) if date else ""
        lo, ld = text_width_chars(org), text_width_chars(date_text)
        if lo >= ld:
            right_org, right_date = 2.0, 2.0 + lo - ld - 2
        else:
            right_date = 2.0
            right_org = right_date + ld - lo - 2
        # The signature never stands alone on a page: the last line of text goes with it.
        if self.doc.paragraphs:
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        self.blank()
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        for text, right in ((org, right_org), (date_text, right_date)):
            if text:
                p = self._add(text, STYLE_SIGNATURE)
                p.paragraph_format.keep_with_next = True
                _indent_chars(p, right=max(0.0, right))
        p.paragraph_format.keep_with_next = False

    def note(self, text: str) -> None:
        """A 附注-like line in parentheses, two characters in, under the signature."""
        self.paragraph(f"（{text}）")

    # -------------------------------------------------------- output
    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def save(self, path) -> None:
        self.doc.save(str(path))


_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Date):
        return gb_date(value)
    return str(value)


# ---------------------------------------------------------------- PDF through LibreOffice
class DocumentConversionError(RuntimeError):
    """The PDF could not be made; the message (translated) is for the user."""


class ConverterMissing(DocumentConversionError):
    """LibreOffice is not installed on this server."""


#: Reused LibreOffice profiles (one per slot, locked while in use): a fresh profile costs a few
#: seconds per conversion; two conversions never share one (LibreOffice locks its profile and a
#: second instance on it hands its work to the first or fails).
PROFILE_SLOTS = 4
CONVERT_TIMEOUT = 120


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def _profile():
    base = Path(tempfile.gettempdir()) / f"gbdoc-soffice-{os.getuid()}"
    base.mkdir(mode=0o700, exist_ok=True)
    for slot in range(PROFILE_SLOTS):
        handle = open(base / f"slot-{slot}.lock", "w")  # noqa: SIM115 (held for the conversion)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        try:
            yield base / f"profile-{slot}"
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    with tempfile.TemporaryDirectory(prefix="gbdoc-profile-") as fresh:  # every slot busy
        yield Path(fresh)


def docx_to_pdf(content: bytes, *, timeout: int = CONVERT_TIMEOUT) -> bytes:
    """The PDF of a .docx, by LibreOffice headless (``soffice --convert-to pdf``) in a temporary
    folder with a profile of its own, so that conversions running at once do not clash.

    Raises ``ConverterMissing`` when LibreOffice is not installed and ``DocumentConversionError``
    when the conversion fails or takes longer than ``timeout`` seconds; both carry a message for
    the user."""
    soffice = soffice_path()
    if soffice is None:
        raise ConverterMissing(
            _("PDF files cannot be made on this server: LibreOffice is not installed. Download the Word "
              "document instead, or ask the administrator to install LibreOffice (libreoffice-writer-nogui).")
        )
    with tempfile.TemporaryDirectory(prefix="gbdoc-") as folder, _profile() as profile:
        source = Path(folder) / "document.docx"
        source.write_bytes(content)
        command = [
            soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
            "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export",
            "--outdir", folder, str(source),
        ]
        process = subprocess.Popen(  # noqa: S603 (a fixed command, no shell)
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=folder,
        )
        try:
            _out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            shutil.rmtree(profile, ignore_errors=True)  # a killed instance may leave its profile locked
            raise DocumentConversionError(_("Making the PDF took too long. Please try again later.")) from None
        target = source.with_suffix(".pdf")
        if process.returncode != 0 or not target.exists():
            logger.error("soffice failed (%s): %s", process.returncode, err.decode(errors="replace")[-2000:])
            shutil.rmtree(profile, ignore_errors=True)
            raise DocumentConversionError(_("The PDF could not be made. Download the Word document instead."))
        return target.read_bytes()
