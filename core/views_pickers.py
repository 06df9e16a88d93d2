"""The typeahead endpoint every picker asks (see ``core.pickers``)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from core.pickers import picker_page, picker_source


@require_GET
@login_required
def picker_options(request, source):
    return JsonResponse(picker_page(source=picker_source(source), user=request.user, params=request.GET))
