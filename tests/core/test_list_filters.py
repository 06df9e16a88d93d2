"""Every list filters through one FilterSet (core.filtering) for its page and its Excel export:
the same parameters give the same rows in both, and no filter reaches past what the user sees.

On the demo (seeded once per session): Jingjiang's department staff (``zuzhibu``) and the second
city's (``taixing``), which sees none of Jingjiang's rows and whose rows Jingjiang never sees."""

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from branches.models import Branch, Organization, User
from branches.selectors import visible_branches
from core import exports
from mechanisms.consultation.filters import ConsultationFilterSet
from projects.filters import ProjectFilterSet
from projects.models import Project
from projects.selectors import visible_projects

pytestmark = pytest.mark.django_db


def _attr(path):
    def get(obj):
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    return get


# (list page, export name, filter whose first choice narrows the list, export column, the page row's value there)
LISTS = {
    "branches": ("branches:branch_list", "branches", "lead_unit", 0, _attr("name")),
    "people": ("branches:person_list", "people", "work_unit", 0, _attr("name")),
    "projects": ("projects:project_list", "projects", "branch", 0, _attr("name")),
    "evaluations": ("evaluation:evaluation_list", "evaluations", "batch", 0, _attr("name")),
    "problems": ("mechanisms:problem_list", "problems", "branch", 0, _attr("pk")),
    "dispatches": ("mechanisms:dispatch_list", "dispatches", "project", 1, _attr("project.name")),
    "instructions": ("mechanisms:instruction_list", "instructions", "assignee_unit", 0, _attr("title")),
    "consultations": ("mechanisms:consultation_list", "consultations", "branch", 1, _attr("topic")),
    "decision_requests": ("mechanisms:decisionrequest_list", "decision_requests", "batch", 0, _attr("title")),
    "reports": ("mechanisms:report_list", "reports", "kind", 0, _attr("title")),
    "weekly_reports": ("mechanisms:weeklyreport_list", "weekly_reports", "batch", 1, _attr("branch.name")),
    "weekly_missing": ("mechanisms:weeklyreport_missing", "weekly_missing", "batch", 1, _attr("name")),
    "reminder_log": ("mechanisms:reminder_log", "reminder_log", "kind", 3, _attr("reminder.title")),
}


@pytest.fixture
def demo(demo_full):
    return demo_full


def client_of(user) -> Client:
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    return client


def page_of(client, url_name, params):
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return response.context["form"], response.context["page"]


def export_rows(user, name, params) -> list:
    """The rows as the export builds them (in the request or the worker alike)."""
    return list(exports.build(user=user, name=name, params=params).rows)


def choices(form, field) -> list[str]:
    return [str(value) for value, _label in form.fields[field].choices if str(value)]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_the_page_and_its_export_hold_the_same_rows_for_the_same_filters(demo, name):
    url_name, export_name, field, column, value = LISTS[name]
    user = User.objects.get(username="zuzhibu")
    client = client_of(user)
    unfiltered_form, unfiltered = page_of(client, url_name, {})
    for picked in choices(unfiltered_form, field)[:6]:  # the first choice that leaves some rows
        params = {field: picked}
        form, page = page_of(client, url_name, params)
        if page.paginator.count:
            break

    rows = export_rows(user, export_name, params)

    assert not form.errors
    assert len(rows) == page.paginator.count
    assert 0 < page.paginator.count <= unfiltered.paginator.count, name
    assert [row[column] for row in rows[: len(page.object_list)]] == [value(obj) for obj in page.object_list]


def _out_of_reach(user):
    """A branch, a project and a unit of the second city, which ``user`` does not see."""
    rows = {
        "branch": Branch.objects.exclude(pk__in=visible_branches(user)).order_by("pk").first(),
        "project": Project.objects.exclude(pk__in=visible_projects(user)).order_by("pk").first(),
        "unit": Organization.objects.get(pk=User.objects.get(username="taixing").organization_id),
    }
    assert all(rows.values()), rows
    return rows


# (list page, export name, filter, which of the other city's rows to name)
OUT_OF_REACH = [
    ("projects:project_list", "projects", "branch", "branch"),
    ("projects:project_list", "projects", "lead_unit", "unit"),
    ("branches:branch_list", "branches", "lead_unit", "unit"),
    ("branches:person_list", "people", "work_unit", "unit"),
    ("mechanisms:problem_list", "problems", "project", "project"),
    ("mechanisms:problem_list", "problems", "responsible_unit", "unit"),
    ("mechanisms:dispatch_list", "dispatches", "branch", "branch"),
    ("mechanisms:instruction_list", "instructions", "project", "project"),
    ("mechanisms:instruction_list", "instructions", "assignee_unit", "unit"),
    ("mechanisms:consultation_list", "consultations", "unit", "unit"),
]


@pytest.mark.parametrize(("url_name", "export_name", "field", "other"), OUT_OF_REACH)
def test_a_filter_naming_a_row_out_of_reach_is_an_error_and_widens_nothing(demo, url_name, export_name, field, other):
    user = User.objects.get(username="zuzhibu")
    client = client_of(user)
    out_of_reach = _out_of_reach(user)[other]
    _form, unfiltered = page_of(client, url_name, {})

    form, page = page_of(client, url_name, {field: out_of_reach.pk})
    rows = export_rows(user, export_name, {field: str(out_of_reach.pk)})

    assert field in form.errors  # shown on the page, in Chinese
    assert "选择一个有效的选项" in str(form.errors[field])
    assert str(out_of_reach.pk) not in [str(value) for value, _label in form.fields[field].choices]
    assert page.paginator.count == unfiltered.paginator.count == len(rows)  # ignored: the user's own rows


def test_a_filterset_works_from_a_plain_dict_and_a_user_without_a_request(demo):
    """What an export job stores (its params as JSON) is enough to rebuild the rows in the worker."""
    user = User.objects.get(username="zuzhibu")
    branch = visible_projects(user).order_by("pk").first().branch

    stored = ProjectFilterSet({"branch": [str(branch.pk)]}, user=user)  # an export job's JSON
    plain = ProjectFilterSet({"branch": branch.pk}, user=user)
    from_querydict = ProjectFilterSet(QueryDict(f"branch={branch.pk}"), user=user)

    assert stored.request is None
    assert list(stored.qs) == list(plain.qs) == list(from_querydict.qs)
    assert {p.branch_id for p in stored.qs} == {branch.pk}


def test_the_other_citys_filters_offer_none_of_jingjiangs_rows(demo):
    jingjiang = User.objects.get(username="zuzhibu")
    taixing = User.objects.get(username="taixing")
    theirs = {str(pk) for pk in visible_branches(jingjiang).values_list("pk", flat=True)}

    offered = {str(value) for value, _label in ConsultationFilterSet(None, user=taixing).form.fields["branch"].choices}
    offered |= {str(value) for value, _label in ProjectFilterSet(None, user=taixing).form.fields["branch"].choices}

    assert not offered & theirs


def test_a_list_filters_typeahead_offers_only_what_the_filter_accepts(demo):
    """The pickers page through the FilterSet's own choices (core.filtering.filter_rows)."""
    jingjiang, taixing = User.objects.get(username="zuzhibu"), User.objects.get(username="taixing")
    url = "/pick/list_branch/?list=ProjectFilterSet&filter=branch"

    offered = {row["value"] for row in client_of(taixing).get(url).json()["results"]}
    page = client_of(jingjiang).get(reverse("projects:project_list")).content.decode()

    assert offered and not offered & set(visible_branches(jingjiang).values_list("pk", flat=True))
    assert 'data-picker-url="/pick/list_branch/?list=ProjectFilterSet&amp;filter=branch"' in page
    for bad in ("list=RecordFilterSet&filter=branch", "list=Nope&filter=branch", "list=ProjectFilterSet&filter=status"):
        assert client_of(jingjiang).get(f"/pick/list_branch/?{bad}").status_code == 404
