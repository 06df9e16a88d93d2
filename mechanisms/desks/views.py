"""The role desks: the 调度长's cockpit, the unit liaison's home and the secretary's home."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from branches.roles import Role
from branches.selectors import has_role
from mechanisms.common import selectors as sel_common
from mechanisms.common.web import optional_url
from mechanisms.desks import selectors as sel
from mechanisms.weekly.forms import QuickReportForm
from mechanisms.weekly.rules import current_week


# ---------------------------------------------------------------- the 调度长's cockpit
@login_required
def cockpit(request):
    if not has_role(request.user, Role.DISPATCH_CHIEF):
        raise Http404
    data = sel.cockpit(request.user)
    return render(request, "mechanisms/cockpit.html", {"cockpit": data})


# ---------------------------------------------------------------- the unit liaison's home
@login_required
def liaison_home(request):
    if sel_common.liaison_unit_id(request.user) is None:
        raise Http404
    data = sel.liaison_home(request.user)
    return render(request, "mechanisms/liaison_home.html", {"home": data})


@login_required
def secretary_home(request):
    desks = sel.secretary_desk(request.user)
    if not desks and not has_role(request.user, Role.SECRETARY):
        raise Http404
    for desk in desks:
        for problem in desk.problems:
            problem.link = optional_url("mechanisms:problem_detail", problem.pk)
        for instruction in desk.instructions:
            instruction.link = optional_url("mechanisms:instruction_detail", instruction.pk)
    return render(
        request,
        "mechanisms/secretary_home.html",
        {
            "desks": desks,
            "week": current_week(),
            "quick_form": QuickReportForm(),
            "problem_create_url": optional_url("mechanisms:problem_create"),
        },
    )
