"""A briefing as a GB/T 9704 Word document (``core.gbdoc``) and its PDF.

The masthead is the briefing's title in red, ``第N期`` under it, the issuing organ and the date
on the line above the red rule; then the period as the document's title and one numbered
heading per section: the sentences its figures read as, its tables, and the staff's text. Written
in the department's language whoever downloads it. Sections with neither figures nor text are
left out (a "next steps" nobody wrote)."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.gbdoc import GbDocument, gb_date
from evaluation.briefings.models import SECTION_KEYS, Briefing, BriefingPeriod
from evaluation.briefings.sections import SECTION_HEADINGS, section_paragraphs, section_tables


def period_label(briefing: Briefing) -> str:
    if briefing.period == BriefingPeriod.MONTH:
        return _("%(year)s, month %(month)s") % {"year": briefing.period_start.year, "month": briefing.period_start.month}
    return _("%(start)s to %(end)s") % {"start": gb_date(briefing.period_start), "end": gb_date(briefing.period_end)}


def document_title(briefing: Briefing) -> str:
    return _("The task-force branches at work (%(period)s)") % {"period": period_label(briefing)}


def file_name(briefing: Briefing) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(briefing)


def briefing_document(briefing: Briefing) -> GbDocument:
    with translation.override(settings.LANGUAGE_CODE):
        issued_on = timezone.localdate(briefing.issued_at) if briefing.issued_at else None
        doc = GbDocument(
            title=document_title(briefing),
            mark=briefing.title,
            issue_no=briefing.number,
            doc_number=None if briefing.number else _("Draft"),
            org=briefing.issuing_organ,
            date=issued_on,
        )
        for key in SECTION_KEYS:
            lines = section_paragraphs(key, briefing.figures)
            tables = section_tables(key, briefing.figures)
            text = (briefing.texts or {}).get(key, "").strip()
            if not (lines or tables or text):
                continue
            doc.heading(1, str(SECTION_HEADINGS[key]))
            for line in lines:
                doc.paragraph(line)
            for header, rows in tables:
                doc.table(header, rows)
            if text:
                doc.paragraph(text)
        return doc


def briefing_docx(briefing: Briefing) -> bytes:
    return briefing_document(briefing).to_bytes()
