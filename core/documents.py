"""HTTP answers for generated documents: the .docx as it is, the PDF through LibreOffice.

Without LibreOffice on the server (``make run`` on a bare machine) the PDF link answers a page
that says so in the user's language (503), never a server error."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.encoding import escape_uri_path

from core.audit import record
from core.gbdoc import DocumentConversionError, docx_to_pdf
from core.models import AuditAction

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    # Every document downloaded is an audit event (the request comes from simple-history's middleware).
    record(AuditAction.DOWNLOAD, target=filename, detail={"file": filename})
    return response


def docx_response(content: bytes, filename: str) -> HttpResponse:
    """``filename`` without its extension."""
    return attachment(content, f"{filename}.docx", DOCX_CONTENT_TYPE)


def pdf_response(request, docx: bytes, filename: str, *, docx_url: str | None = None) -> HttpResponse:
    """The PDF of ``docx``, or a page explaining why there is none, with a link to the .docx."""
    try:
        pdf = docx_to_pdf(docx)
    except DocumentConversionError as error:
        context = {"message": str(error), "docx_url": docx_url}
        return render(request, "core/document_unavailable.html", context, status=503)
    return attachment(pdf, f"{filename}.pdf", "application/pdf")
