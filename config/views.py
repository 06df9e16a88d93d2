"""The site's front door: each role lands on its own page (the roles are the product's, so this
lives in config, above the apps, not in the domain-free core)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from branches.roles import JURISDICTION_ROLES
from config.navigation import landing_url_name
from core.context_processors import user_role_codes
from evaluation.selectors import self_assessments_to_write

# More than this many open self-assessments are summed up by the link to the list.
POINTERS_SHOWN = 3


@login_required
def home(request):
    """Send each role to its landing page; a user with no role sees a short explanation, and so
    does department staff or a leader whose account has no organization (they see a subtree of
    the organization tree: without a node there is nothing, and the dashboard would be a 404)."""
    user = request.user
    roles = user_role_codes(user)
    _point_to_self_assessments(request)
    if roles & JURISDICTION_ROLES and not user.organization_id and not user.is_superuser:
        other_roles = roles - JURISDICTION_ROLES
        name = landing_url_name(other_roles) if other_roles else None
        return redirect(name) if name else render(request, "core/no_organization.html")
    name = landing_url_name(roles, is_superuser=user.is_superuser)
    if name:
        return redirect(name)
    return render(request, "core/no_role.html")


def _point_to_self_assessments(request):
    """A member whose 党性鉴定 is open learns it on arriving (the appraisal lives under 评估与鉴定,
    a menu a member rarely opens): one message per appraisal waiting for their self-assessment."""
    waiting = list(self_assessments_to_write(request.user)[: POINTERS_SHOWN + 1])
    if len(waiting) > POINTERS_SHOWN:
        messages.info(
            request,
            format_html(
                '{} <a href="{}" data-testid="self-assessment-pointer">{}</a>',
                _("Several Party-spirit appraisals wait for your self-assessment."),
                reverse("evaluation:my_appraisals"),
                _("Write them now"),
            ),
        )
        return
    for appraisal in waiting:
        messages.info(
            request,
            format_html(
                '{} <a href="{}" data-testid="self-assessment-pointer">{}</a>',
                _("Your Party-spirit appraisal for “%(branch)s” is open: write your self-assessment.")
                % {"branch": appraisal.branch.name},
                reverse("evaluation:appraisal_self", args=[appraisal.pk]),
                _("Write it now"),
            ),
        )
