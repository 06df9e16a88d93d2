"""The mechanisms' timeline partials that the branch and project pages load with htmx."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from branches.selectors import visible_branches
from mechanisms.timeline.selectors import branch_timeline as build_branch_timeline
from mechanisms.timeline.selectors import project_timeline as build_project_timeline
from projects.selectors import visible_projects


@login_required
@require_GET
def branch_timeline(request, pk):
    branch = get_object_or_404(visible_branches(request.user), pk=pk)
    events = build_branch_timeline(branch, request.user)
    return render(request, "mechanisms/timeline/partial.html", {"events": events, "subject": branch})


@login_required
@require_GET
def project_timeline(request, pk):
    project = get_object_or_404(visible_projects(request.user), pk=pk)
    events = build_project_timeline(project, request.user)
    return render(request, "mechanisms/timeline/partial.html", {"events": events, "subject": project})
