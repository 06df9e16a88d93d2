"""Every URL pattern × every identity, generated from the URL resolver (issue 13).

One shared world (tests/core/test_bad_input's: two cities, three branches of city A), one
request per pattern and identity: anonymous, each of the nine roles, the secretary of another
branch and department staff of another city. What each gets is written in
``tests/core/permission_matrix.py``, one letter per identity:

``+`` the page or its action (2xx, or a redirect that is not to the login), ``L`` the login,
``4`` 404, ``3`` 403, ``M`` 405 (the method is not the page's), ``B`` 400.

A pattern with no line there fails the test — a new page must say who may open it — and so
does a line whose pattern is gone, or whose ids this world cannot supply yet
(``NOT_REACHED``, with its reason). POST-only patterns (405 to GET) are sent a POST with no
fields: an allowed identity gets the form's refusal or the action's redirect, a denied one 404.
The admin site (``admin:``) is left out: it is is_staff with model permissions, and each admin
page narrows to the visibility selectors (tests/branches/test_admin.py, test_audit_trail.py).

Set PERMISSION_MATRIX_PRINT=1 to print the observed matrix (to review and paste after a change).
"""

import os

import pytest
from django.test import Client
from django.urls import reverse

from branches.models import MembershipRole, Person
from branches.roles import Role
from branches.services import membership_appoint
from tests.core.permission_matrix import EXPECTED, IDENTITIES, NOT_REACHED
from tests.core.test_bad_input import patterns, url_args, w  # noqa: F401 - w is the shared world fixture

pytestmark = pytest.mark.django_db

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
        clients[key] = client
    return clients


def _letter(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        return "L" if response["Location"].startswith(LOGIN) else "+"
    return {404: "4", 403: "3", 405: "M", 400: "B"}.get(status, "+" if status < 300 else str(status))


def _targets(world):
    known = url_args(world)
    for name, pattern in patterns():
        if name == "admin" or name.startswith("admin:"):
            continue
        keys = set(pattern.pattern.converters)
        kwargs = {} if not keys else known.get(name)
        if kwargs is None or set(kwargs) != keys:
            yield name, None
        else:
            yield name, reverse(name, kwargs=kwargs)


def test_every_url_pattern_has_an_expectation_for_every_identity(w, make_user):  # noqa: F811
    clients = _identities(w, make_user)
    observed, missing, unreached = {}, [], []
    for name, url in _targets(w):
        if name in observed:
            continue  # two patterns under one name (the same page): the first is enough
        if url is None:
            observed[name] = None
            if name not in NOT_REACHED:
                unreached.append(name)
            continue
        method = "post" if clients["staff"].get(url).status_code == 405 else "get"
        if name in ("logout",):
            method = "get"
        observed[name] = "".join(_letter(getattr(clients[key], method)(url)) for key in IDENTITIES)
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
