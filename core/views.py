import hmac

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.audit import record
from core.health import service_status
from core.models import AuditAction


@require_GET
@never_cache
def healthz(request):
    """200 {"status": "ok"} or 503 {"status": "degraded"}; each service's state (and the class
    of the error) only for a monitor with the token or signed-in admin staff."""
    status = service_status()
    healthy = all(value == "ok" for value in status.values())
    body = {"status": "ok" if healthy else "degraded"}
    if _may_see_health_detail(request):
        body.update(status)
    return JsonResponse(body, status=200 if healthy else 503)


def _may_see_health_detail(request) -> bool:
    token = getattr(settings, "HEALTHZ_TOKEN", "")
    sent = request.headers.get("X-Healthz-Token", "")
    if token and sent and hmac.compare_digest(token.encode(), sent.encode()):
        return True
    try:  # the session is in the database, which may be what is down
        user = request.user
        return bool(user.is_authenticated and user.is_staff)
    except Exception:
        return False


def referring_page(request, default: str = "/") -> str:
    """The page of this site the user came from (for "go back" and "cancel" links), else ``default``.

    Another site's address, or a request whose host Django refuses, gives the default."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return default
    try:
        host = request.get_host()
    except DisallowedHost:
        return default
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return referer
    return default


# The error pages. Each says what happened and what to do next, in the user's language. The
# 403, 404 and CSRF pages keep the site's layout (navigation, user menu); the 400 and 500 pages
# are self-contained (templates/error_standalone.html): they need no database, no session and
# no context processor, since any of those may be what failed.
def error_400(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # A form over DATA_UPLOAD_MAX_MEMORY_SIZE (Django raises this on reading request.POST,
        # usually in the CSRF check). The host was checked earlier, so the full layout is safe.
        limit_mb = max(1, settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024))
        context = {"limit_mb": limit_mb, "back_url": referring_page(request)}
        return render(request, "413.html", context, status=413)
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def error_403(request, exception=None):
    return render(request, "403.html", {"back_url": referring_page(request)}, status=403)


def error_404(request, exception=None):
    return render(request, "404.html", {"back_url": referring_page(request)}, status=404)


def error_500(request):
    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: usually a page left open across a log-out or a log-in in another tab."""
    return render(request, "403_csrf.html", {"back_url": referring_page(request)}, status=403)


def attachment_response(request, attachment):
    """Serve an attachment the caller has already checked the user may see (and audit it)."""
    from django.http import FileResponse

    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=attachment.content_type not in {"application/pdf", "image/png", "image/jpeg", "image/gif"},
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    record(AuditAction.DOWNLOAD, request=request, target=attachment, detail={"file": attachment.original_name})
    return response
