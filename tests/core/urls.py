"""A stand-in for any web write that enqueues a task (used with ``@pytest.mark.urls``)."""

from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from branches.models import Organization, OrganizationKind
from core.tasks import enqueue_on_commit, ping


@csrf_exempt
def write_and_enqueue(request):
    with transaction.atomic():
        org = Organization.objects.create(name=request.POST["name"], kind=OrganizationKind.TOWN)
        enqueue_on_commit(ping, org.pk)
    return HttpResponse(f"saved {org.name}", status=201)


urlpatterns = [path("write-and-enqueue/", write_and_enqueue)]
