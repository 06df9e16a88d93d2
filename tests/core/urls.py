"""Stand-ins for a web write that enqueues a task and for a bug (used with ``@pytest.mark.urls``)."""

from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from branches.models import Organization, OrganizationKind
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


urlpatterns = [path("write-and-enqueue/", write_and_enqueue), path("boom/", boom)]
handler500 = "core.views.error_500"
