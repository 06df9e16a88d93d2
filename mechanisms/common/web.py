"""What every room's pages share: paging, putting a service's refusal on a form or in a
message, the export link of a list, and small parsing helpers.

The pages themselves are thin: parse → find the record through a visibility selector (outside
it: 404) → check the user may act (not allowed: 404) → call a service → redirect with a
message, or re-render the form with what the user typed and the refusal.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from mechanisms.common.selectors import may_use_pages

PAGE_SIZE = 25


def page_of(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def apply_form_errors(form, exc: ValidationError):
    """Put a service's refusal on the form: on its field when it names one, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def flash_refusal(request, exc: ValidationError):
    messages.error(request, " ".join(exc.messages))


def want_export(request) -> bool:
    return request.GET.get("export") == "xlsx"


def int_or_404(value) -> int:
    if not str(value).isdecimal():  # not isdigit: "²" is a digit int() refuses
        raise Http404
    return int(value)


def export_query(request) -> str:
    """The list's current filters with ``export=xlsx`` (the export link of the page)."""
    params = request.GET.copy()
    params.pop("page", None)
    params["export"] = "xlsx"
    return params.urlencode()


def require_pages(user):
    if not may_use_pages(user):
        raise Http404


def optional_url(name: str, *args) -> str:
    """The URL of another mechanism's page, or "" while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def filters_query(request) -> str:
    """The list's current filters without the page number (for links that keep the filters)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def perform(request, service, success: str, /, **kwargs) -> bool:
    """Run a one-click action (a POST that moves a record): a refusal of the actor is a 404 (they
    may not act on what they may see), a refusal of the move is shown as a message. True when
    it was done. Positional-only, so a service may take a ``request=`` (a 请示) of its own."""
    try:
        service(by=request.user, **kwargs)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        flash_refusal(request, exc)
        return False
    messages.success(request, success)
    return True
