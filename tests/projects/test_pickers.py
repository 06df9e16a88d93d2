"""Typeahead pickers (core.pickers, core.widgets): the endpoint answers only what the user may
choose, a page at a time, in a fixed number of queries; the forms render only the chosen rows
and still refuse an id outside reach."""

import pytest
from django.test import Client
from django.urls import reverse

from branches.forms import BranchForm, MembershipForm
from branches.models import Gender, Organization, OrganizationKind, Person
from core import pickers
from core.pickers import PAGE_SIZE
from projects.forms import DispatchChiefForm, ProjectForm

from ..utils import get_query_count

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def _url(source, **params) -> str:
    url = reverse("picker", args=[source])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def _values(user, source, **params) -> set[int]:
    response = _client(user).get(_url(source, **params))
    assert response.status_code == 200, (source, response.status_code)
    return {row["value"] for row in response.json()["results"]}


def _people(unit, n, prefix="张") -> list[Person]:
    return Person.objects.bulk_create(
        Person(name=f"{prefix}{i:03d}", gender=Gender.MALE, work_unit=unit) for i in range(n)
    )


SOURCES = [
    ("organizations", {}), ("people", {}), ("linkable_users", {}), ("project_branches", {}),
    ("dispatch_chiefs", {}), ("project_units", {}), ("reporting_branches", {}),
]


# ---------------------------------------------------------------- who gets what
@pytest.mark.parametrize("source", [s for s, _ in SOURCES] + ["instruction_units", "problem_units"])
def test_anonymous_is_sent_to_the_login(world, source):
    response = _client().get(_url(source, project=world.project.pk, branch=world.branch.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_source_is_a_404(world):
    assert _client(world.staff).get(_url("secrets")).status_code == 404


def test_organizations_stay_in_the_jurisdiction(world):
    assert _values(world.staff, "organizations") == {
        o.pk for o in (world.city_a, world.committee_a, world.department_a, world.town_a)
    }
    assert _values(world.leader, "organizations", q="审批") == {world.department_a.pk}
    assert world.city_a.pk not in _values(world.staff_b, "organizations")
    for nobody in (world.secretary, world.member, world.liaison):
        assert _values(nobody, "organizations") == set()


def test_people_stay_in_the_jurisdiction(world):
    mine = Person.objects.create(name="周新", gender=Gender.MALE, work_unit=world.town_a)
    theirs = Person.objects.create(name="周新", gender=Gender.MALE, work_unit=world.committee_b)
    assert _values(world.staff, "people", q="周") == {mine.pk}
    assert _values(world.staff_b, "people", q="周") == {theirs.pk}
    assert _values(world.member, "people", q="周") == set()
    row = _client(world.staff).get(_url("people", q="周新")).json()["results"][0]
    assert row["text"] == "周新 · 孤山镇"


def test_project_branches_and_chiefs_for_staff_of_the_city_only(world):
    assert _values(world.staff, "project_branches") == {world.branch.pk, world.other_branch.pk}
    assert _values(world.staff_b, "project_branches") == {world.b_branch.pk}
    assert _values(world.leader, "project_branches") == set()
    assert _values(world.secretary, "project_branches") == set()
    chiefs = _values(world.staff, "dispatch_chiefs", q="刘建国")
    assert chiefs == {world.chief.pk}
    assert _values(world.staff_b, "dispatch_chiefs", q="刘建国") == set()
    assert _values(world.leader, "dispatch_chiefs") == set()


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff", 200), ("chief", 200), ("leader", 404), ("secretary", 404), ("other_chief", 404),
     ("staff_b", 404), ("member", 404), ("liaison", 404)],
)
def test_instruction_candidates_for_who_runs_the_dispatch(world, who, status):
    for source in ("instruction_units", "instruction_people"):
        response = _client(getattr(world, who)).get(_url(source, project=world.project.pk))
        assert response.status_code == status, (who, source)


def test_a_scoped_source_without_its_scope_is_a_404(world):
    assert _client(world.staff).get(_url("instruction_units")).status_code == 404
    assert _client(world.staff).get(_url("problem_units", branch="x")).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff", 200), ("secretary", 200), ("other_secretary", 404), ("staff_b", 404), ("leader", 404),
     ("member", 404), ("liaison", 404)],
)
def test_problem_units_for_who_may_raise_problems_of_the_branch(world, who, status):
    response = _client(getattr(world, who)).get(_url("problem_units", branch=world.branch.pk))
    assert response.status_code == status
    if status == 200:
        units = {row["value"] for row in response.json()["results"]}
        assert world.town_a.pk in units and world.committee_b.pk not in units


@pytest.mark.parametrize(
    "query",
    ["branch=" + "9" * 25, "branch=-1", "branch=٣", "page=" + "9" * 25, "page=x", "q=" + "字" * 500, "q=%25%5F%27"],
)
def test_bad_parameters_are_no_server_error(world, query):
    client = _client(world.staff)
    client.raise_request_exception = False
    response = client.get(_url("problem_units") + "?" + query)
    assert response.status_code in (200, 404), (query, response.status_code)


# ---------------------------------------------------------------- a page at a time
def test_the_endpoint_answers_a_page_at_a_time(world):
    _people(world.town_a, PAGE_SIZE + 5, prefix="甲")
    first = _client(world.staff).get(_url("people", q="甲")).json()
    second = _client(world.staff).get(_url("people", q="甲", page=2)).json()
    assert len(first["results"]) == PAGE_SIZE and first["more"] is True
    assert len(second["results"]) == 5 and second["more"] is False
    assert not {r["value"] for r in first["results"]} & {r["value"] for r in second["results"]}


@pytest.mark.parametrize("source", ["people", "organizations", "dispatch_chiefs", "project_branches"])
def test_the_query_count_does_not_grow_with_the_registry(world, source, make_user):
    client = _client(world.staff)
    url = _url(source, q="张")
    small = get_query_count(client, url)
    _people(world.town_a, 60)
    for i in range(30):
        Organization.objects.create(name=f"张家{i}村", kind=OrganizationKind.TOWN, parent=world.town_a)
    for i in range(30):
        make_user(organization=world.town_a, username=f"zhang{i}", full_name=f"张{i}")
    assert get_query_count(client, url) == small
    # The session, the user, their roles, their organization, one page of rows; the people
    # (a ranked source, core.pickers.PROBE) first read the ids of the few matches, then sort them.
    assert small == (6 if source == "people" else 5)


# ---------------------------------------------------------------- the people's order
def _all_pages(user, q) -> list[str]:
    names, page = [], 1
    while True:
        answer = _client(user).get(_url("people", q=q, page=page)).json()
        names += [row["text"].split(" · ")[0] for row in answer["results"]]
        if not answer["more"]:
            return names
        page += 1


@pytest.mark.parametrize("probe", [pickers.PROBE, 7], ids=["few matches", "many matches"])
@pytest.mark.parametrize("q", ["张", "张1", "1", "山", "张 2", "", "无此人"])
def test_people_start_with_what_is_typed_then_the_rest(world, monkeypatch, probe, q):
    """Whether the matches are sorted out of the probe's few or read off the ranking index in two
    tiers (forced here with a small probe), the pages together are every match once: those whose
    name starts with the first word, then the others, each in code-point order."""
    monkeypatch.setattr(pickers, "PROBE", probe)
    names = [f"张{i}" for i in range(30)] + [f"王张{i}" for i in range(12)] + [f"李{i}" for i in range(15)]
    Person.objects.bulk_create(Person(name=n, gender=Gender.MALE, work_unit=world.town_a) for n in names)
    Person.objects.create(name="张0", gender=Gender.MALE, work_unit=world.committee_b)  # another city's
    words = q.split()
    # "山" matches every person of 孤山镇 by the unit's name.
    everyone = Person.objects.filter(work_unit__path__startswith=world.city_a.path).select_related("work_unit")
    matches = [p.name for p in everyone if all(w in p.name or w in p.work_unit.name for w in words)]
    expected = sorted(matches, key=lambda n: (not (words and n.startswith(words[0])), n))
    assert _all_pages(world.staff, q) == expected
    assert len(expected) > (PAGE_SIZE if q in ("张", "1", "山", "") else -1)  # more than one page


def test_many_matching_people_take_the_same_queries_at_two_sizes(world, monkeypatch):
    monkeypatch.setattr(pickers, "PROBE", 5)
    client = _client(world.staff)
    url = _url("people", q="山")  # no name starts with it: the prefix tier is short, the rest dense
    _people(world.town_a, 30)
    small = get_query_count(client, url)
    _people(world.town_a, 90, prefix="李")
    assert get_query_count(client, url) == small == 4 + 3  # probe, prefix tier, the rest


def test_instruction_people_count_is_fixed(world):
    client = _client(world.chief)
    url = _url("instruction_people", project=world.project.pk)
    assert get_query_count(client, url) == get_query_count(client, url + "&q=张")


# ---------------------------------------------------------------- the forms
def test_forms_render_only_the_chosen_rows(world):
    _people(world.town_a, 30)
    form = ProjectForm(user=world.staff, creating=True)
    html = str(form["branch"]) + str(form["lead_unit"]) + str(form["responsible_units"]) + str(form["dispatch_chief"])
    assert html.count("<option") == 3  # the empty choice of each single picker, nothing else
    assert 'data-picker-url="/pick/project_branches/"' in html and 'data-picker-url="/pick/dispatch_chiefs/"' in html

    bound = ProjectForm(
        data={"branch": world.branch.pk, "responsible_units": [world.town_a.pk, world.department_a.pk]},
        user=world.staff, creating=True,
    )
    html = str(bound["branch"]) + str(bound["responsible_units"])
    assert html.count("selected") == 3 and world.branch.name in html and "孤山镇" in html
    membership = str(MembershipForm(user=world.staff)["person"])
    assert membership.count("<option") == 1 and "张000" not in membership


def test_an_id_out_of_reach_is_a_form_error(world):
    form = BranchForm(
        data={"supervising_committee": world.committee_b.pk, "lead_unit": world.committee_a.pk,
              "responsible_units": [world.city_b.pk]},
        user=world.staff,
    )
    assert not form.is_valid()
    assert "supervising_committee" in form.errors and "responsible_units" in form.errors
    assert "lead_unit" not in form.errors
    stranger = DispatchChiefForm(data={"dispatch_chief": world.staff_b.pk}, user=world.staff)
    assert not stranger.is_valid() and "dispatch_chief" in stranger.errors
    outsider = Person.objects.create(name="吴外", gender=Gender.MALE, work_unit=world.committee_b)
    membership = MembershipForm(data={"person": outsider.pk, "role": "member", "joined_on": "2026-11-01"}, user=world.staff)
    assert not membership.is_valid() and "person" in membership.errors
    # The form keeps the refused choice out of the page as well.
    assert "吴外" not in str(membership["person"])
