import hmac

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import service_status


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


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)


def attachment_response(attachment):
    """Serve an attachment the caller has already checked the user may see."""
    from django.http import FileResponse

    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=attachment.content_type not in {"application/pdf", "image/png", "image/jpeg", "image/gif"},
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
