"""Stand-ins for a web write that enqueues a task, for a bug and for a refusal (used with
``@pytest.mark.urls``); the site's own URLs follow, since the error pages link to them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from branches.models import Organization, OrganizationKind
from config.urls import urlpatterns as site_urlpatterns
from core.queue import enqueue_on_commit
from core.tasks import ping


@csrf_exempt
def write_and_enqueue(request):
    with transaction.atomic():
        org = Organization.objects.create(name=request.POST["name"], kind=OrganizationKind.TOWN)
        enqueue_on_commit(ping, org.pk)
    return HttpResponse(f"saved {org.name}", status=201)


def boom(request):
    raise RuntimeError("a bug")


def refuse(request):
    raise PermissionDenied


urlpatterns = [
    path("write-and-enqueue/", write_and_enqueue),
    path("boom/", boom),
    path("refuse/", refuse),
    *site_urlpatterns,
]
handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
