"""The appraisal form (党性鉴定表) as a PDF: the same template as the print view, rendered by
WeasyPrint with the print stylesheet (font "WenQuanYi Micro Hei", embedded in the file)."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def _stylesheet() -> str:
    path = finders.find("css/print.css")
    if path is None:  # collected static files only (production): read it from STATIC_ROOT
        from django.conf import settings

        path = str(settings.STATIC_ROOT / "css" / "print.css") if hasattr(settings.STATIC_ROOT, "__truediv__") else (
            f"{settings.STATIC_ROOT}/css/print.css"
        )
    return path


def appraisal_pdf_bytes(context: dict, *, request=None) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("evaluation/appraisal_print.html", {**context, "for_pdf": True}, request=request)
    # No base URL: the document loads nothing from the network or the disk but the stylesheet.
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=_stylesheet())])
