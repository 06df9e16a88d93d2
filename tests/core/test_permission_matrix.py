"""Every URL pattern × every identity, generated from the URL resolver (issue 13).

One shared world (tests/core/test_bad_input's: two cities, three branches of city A), one
request per pattern and identity: anonymous, each of the nine roles, the secretary of another
branch and department staff of another city. What each gets is written in
``tests/core/permission_matrix.py``, one letter per identity:

``+`` the page or its action (2xx, or a redirect that is not to the login), ``L`` the login,
``4`` 404, ``3`` 403, ``M`` 405 (the method is not the page's), ``B`` 400.

A pattern with no line there fails the test — a new page must say who may open it — and so
does a line whose pattern is gone, or whose ids this world (tests/core/matrix_world.py) cannot
supply (``NOT_REACHED``, with its reason: empty today). POST-only patterns (405 to GET) are sent a
POST with no fields: an allowed identity gets the form's refusal or the action's redirect, a
denied one 404. The admin site has its own test below: every model of ``admin.site._registry``,
its changelist, one row's change page and history page, against ``ADMIN_EXPECTED``.

Set PERMISSION_MATRIX_PRINT=1 to print the observed matrix (to review and paste after a change).
"""

import os
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse

from branches.models import MembershipRole, Person
from branches.roles import Role
from branches.services import membership_appoint
from tests.core.matrix_world import furnish_admin, picker_query
from tests.core.permission_matrix import ADMIN_EXPECTED, EXPECTED, IDENTITIES, NOT_REACHED
from tests.core.test_bad_input import patterns, url_args, variants, w  # noqa: F401 - w is the shared world fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdfs_not_rendered")]

LOGIN = "/accounts/login/"


def _identities(world, make_user) -> dict:
    other_secretary = make_user(role=Role.SECRETARY, organization=world.o["town_a"], username="secretary_b2")
    holder = Person.objects.create(name="赵强", gender="male", work_unit=world.o["town_a"], user=other_secretary)
    membership_appoint(branch=world.b2, person=holder, role=MembershipRole.SECRETARY, by=world.staff)
    users = {
        "anonymous": None,
        "staff": world.staff,
        "leader": world.leader,
        "chief": world.chief,
        "secretary": world.secretary,
        "member": world.member,
        "liaison": world.liaison,
        "system_admin": make_user(role=Role.SYSTEM_ADMIN, username="sysadmin", is_staff=True),
        "security_admin": make_user(role=Role.SECURITY_ADMIN, username="secadmin", is_staff=True),
        "auditor": make_user(role=Role.AUDITOR, username="auditor"),
        "other_branch": other_secretary,
        "other_city": make_user(role=Role.DEPARTMENT_STAFF, organization=world.o["city_b"], username="staff_b"),
    }
    assert list(users) == IDENTITIES
    clients = {}
    for key, user in users.items():
        client = Client(raise_request_exception=False, headers={"accept-language": "en"})
        if user is not None:
            client.force_login(user)
        client.user = user
        clients[key] = client
    return clients


def _letter(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        return "L" if response["Location"].startswith(LOGIN) else "+"
    return {404: "4", 403: "3", 405: "M", 400: "B"}.get(status, "+" if status < 300 else str(status))


def _targets(world):
    """(key, url) of every pattern: the key is the pattern's name, with the label of the kind in
    brackets where ``url_args`` gives several (``picker [people]``); url None when none fits. A
    picker source is asked with its scope (matrix_world.picker_query), so it answers rows."""
    known = url_args(world)
    for name, pattern in patterns():
        if name == "admin" or name.startswith("admin:"):
            continue
        found = variants(known, name, pattern)
        if not found:
            yield name, None
        for label, kwargs in found:
            query = urlencode(picker_query(world, label)) if name == "picker" else ""
            yield (f"{name} [{label}]" if label else name), reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")


def test_every_url_pattern_has_an_expectation_for_every_identity(w, make_user):  # noqa: F811
    clients = _identities(w, make_user)
    observed, missing, unreached = {}, [], []
    for name, url in _targets(w):
        if name in observed:
            continue  # two patterns under one name (the same page): the first is enough
        if url is None:
            if any(key.startswith(f"{name} [") for key in observed):
                continue  # another pattern of the name was reached
            observed[name] = None
            if name not in NOT_REACHED:
                unreached.append(name)
            continue
        # Staff's GET tells a POST-only pattern (405) from a page; for a page it is staff's answer
        # too (not asked twice: a twelfth of the requests).
        probe = clients["staff"].get(url)
        method = "post" if probe.status_code == 405 and name != "logout" else "get"
        observed[name] = "".join(
            _letter(probe if key == "staff" and method == "get" else getattr(clients[key], method)(url))
            for key in IDENTITIES
        )
        if name not in EXPECTED:
            missing.append(name)
    if os.environ.get("PERMISSION_MATRIX_PRINT"):
        for name, letters in sorted(observed.items()):
            print(f"    {name!r}: {letters!r}," if letters else f"    # not reached: {name}")
    gone = sorted((set(EXPECTED) | set(NOT_REACHED)) - set(observed))
    assert not missing, f"patterns without an expectation (add them to tests/core/permission_matrix.py): {missing}"
    assert not unreached, f"patterns whose ids this world cannot supply, not listed in NOT_REACHED: {unreached}"
    assert not gone, f"expectations of patterns that are gone: {gone}"
    differ = {name: (EXPECTED[name], got) for name, got in observed.items() if got and EXPECTED[name] != got}
    assert not differ, "\n".join(f"{n}: expected {e} got {g}  ({' '.join(IDENTITIES)})" for n, (e, g) in differ.items())


# ---------------------------------------------------------------- the admin site
ADMIN_LOGIN = "/admin/login/"
# Party apps whose every permission department staff are given in the admin (as an organization
# department would give its own staff): then their jurisdiction is what narrows each page.
PARTY_APPS = ("branches", "projects", "mechanisms", "evaluation", "core")


def _admin_letter(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        return "L" if response["Location"].startswith(ADMIN_LOGIN) else ">"
    return {404: "4", 403: "3"}.get(status, "+" if status < 300 else str(status))


def _changelist_letter(response, obj) -> str:
    """As ``_admin_letter``, and for a changelist that opens: ``+`` when it lists ``obj``, ``0``
    when it does not (the row is outside the user's reach)."""
    letter = _admin_letter(response)
    if letter == "+" and not response.context["cl"].queryset.filter(pk=obj.pk).exists():
        return "0"
    return letter


def _admin_object(model, model_admin, staff):
    """A row of ``model`` in city A: the first the admin shows city A's staff, else the first."""
    request = RequestFactory().get("/admin/")
    request.user = staff
    return model_admin.get_queryset(request).order_by("pk").first() or model._default_manager.order_by("pk").first()


def test_the_admin_site_answers_each_identity_as_its_permissions_and_jurisdiction(w, make_user):  # noqa: F811
    """For each model of admin.site's registry: the changelist, one row's change page and its
    history page, for the twelve identities; city A's and city B's department staff are given
    is_staff and every permission of the Party apps, so the jurisdiction is what narrows.
    Expectations in tests/core/permission_matrix.ADMIN_EXPECTED; a model without one fails."""
    clients = _identities(w, make_user)
    furnish_admin(w)
    party_permissions = Permission.objects.filter(content_type__app_label__in=PARTY_APPS)
    for key in ("staff", "other_city"):
        user = clients[key].user
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.user_permissions.set(party_permissions)
    staff = type(w.staff).objects.get(pk=w.staff.pk)

    observed = {"index": "".join(_admin_letter(clients[k].get(reverse("admin:index"))) for k in IDENTITIES)}
    unmade = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        obj = _admin_object(model, model_admin, staff)
        if obj is None:
            unmade.append(label)
            continue
        info = model._meta.app_label, model._meta.model_name
        urls = [
            reverse("admin:%s_%s_changelist" % info),
            reverse("admin:%s_%s_change" % info, args=[obj.pk]),
            reverse("admin:%s_%s_history" % info, args=[obj.pk]),
        ]
        changelist = "".join(_changelist_letter(clients[k].get(urls[0]), obj) for k in IDENTITIES)
        pages = ("".join(_admin_letter(clients[k].get(url)) for k in IDENTITIES) for url in urls[1:])
        observed[label] = " ".join([changelist, *pages])
    if os.environ.get("PERMISSION_MATRIX_PRINT"):
        for label, letters in sorted(observed.items()):
            print(f"    {label!r}: {letters!r},")
    assert not unmade, f"models whose admin pages this world has no row for (extend furnish_admin): {unmade}"
    missing = sorted(set(observed) - set(ADMIN_EXPECTED))
    assert not missing, f"admin models without an expectation (add them to ADMIN_EXPECTED): {missing}"
    gone = sorted(set(ADMIN_EXPECTED) - set(observed))
    assert not gone, f"expectations of admin models that are no longer registered: {gone}"
    differ = {label: (ADMIN_EXPECTED[label], got) for label, got in observed.items() if ADMIN_EXPECTED[label] != got}
    assert not differ, "\n".join(f"{n}: expected {e} got {g}  ({' '.join(IDENTITIES)})" for n, (e, g) in differ.items())
