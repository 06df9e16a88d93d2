"""Who may open which briefing page: anonymous → login; secretaries, members, 调度长, liaisons and
users without a role → 404; other city → 404; staff of the jurisdiction → every page; leaders →
the issued briefings only (list, detail, downloads), every write a 404."""

import pytest
from django.urls import resolve, reverse

from branches.roles import Role
from evaluation.briefings import services
from evaluation.briefings.models import Briefing, BriefingPeriod
from evaluation.briefings.urls import urlpatterns
from tests.evaluation.dashboard_world import build, day
from tests.shared_world import shared_world

OK, POSTED, LOGIN, NO = 200, 302, 302, 404
OUTSIDERS = ("secretary", "member", "chief", "liaison", "nobody", "staff_b", "leader_b")


def _build(org_tree, make_user):
    w = build(org_tree, make_user)
    w.staff_b = make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_b"], username="staff_b")
    w.draft = services.briefing_draft(organization=org_tree["city_a"], period=BriefingPeriod.WEEK, day=day(0), by=w.staff)
    issued = services.briefing_draft(organization=org_tree["city_a"], period=BriefingPeriod.MONTH, day=day(-30), by=w.staff)
    w.issued = services.briefing_issue(briefing=issued, by=w.staff)
    return w


w_once, w = shared_world(_build, name="w", language="en")


def _refused(*who):
    return dict.fromkeys(who or OUTSIDERS, NO)


def _cases(w):
    draft, issued = w.draft.pk, w.issued.pk
    edit = {"title": "攻坚支部工作简报", "issuing_organ": "中共靖江市委组织部", "text_overview": "总体平稳。"}
    return {
        "list": ("get", reverse("evaluation:briefing_list"), None,
                 {**_refused("secretary", "member", "chief", "liaison", "nobody"), "staff": OK, "leader": OK, "leader_b": OK}),
        "export": ("get", reverse("evaluation:briefing_export"), None,
                   {**_refused("secretary", "member", "chief", "liaison", "nobody"), "staff": OK, "leader": OK}),
        "zip": ("get", reverse("evaluation:briefing_zip"), None,  # 302: to the export job's page
                {**_refused("secretary", "member", "chief", "liaison", "nobody"), "staff": POSTED, "leader": POSTED}),
        "new": ("get", reverse("evaluation:briefing_new"), None,
                {**_refused("leader", "secretary", "member", "chief", "liaison", "nobody", "leader_b"), "staff": OK}),
        "new_post": ("post", reverse("evaluation:briefing_new"),
                     {"organization": w.o["city_a"].pk, "period": "week", "day": day(0).isoformat()},
                     {**_refused("leader", "secretary", "member", "chief", "liaison", "nobody", "leader_b"),
                      "staff_b": OK,  # the form offers only city B: it says so, and drafts nothing
                      "staff": POSTED}),
        "detail_draft": ("get", reverse("evaluation:briefing_detail", args=[draft]), None,
                         {**_refused(), "leader": NO, "staff": OK}),
        "detail_issued": ("get", reverse("evaluation:briefing_detail", args=[issued]), None,
                          {**_refused(), "leader": OK, "staff": OK}),
        "edit": ("get", reverse("evaluation:briefing_edit", args=[draft]), None, {**_refused(), "leader": NO, "staff": OK}),
        "edit_post": ("post", reverse("evaluation:briefing_edit", args=[draft]), edit,
                      {**_refused(), "leader": NO, "staff": POSTED}),
        "edit_issued": ("get", reverse("evaluation:briefing_edit", args=[issued]), None, {"staff": NO, "leader": NO}),
        "refresh": ("post", reverse("evaluation:briefing_refresh", args=[draft]), {},
                    {**_refused(), "leader": NO, "staff": POSTED}),
        "issue": ("post", reverse("evaluation:briefing_issue", args=[draft]), {},
                  {**_refused(), "leader": NO, "staff": POSTED}),
        "docx_issued": ("get", reverse("evaluation:briefing_docx", args=[issued]), None,
                        {**_refused(), "leader": OK, "staff": OK}),
        "docx_draft": ("get", reverse("evaluation:briefing_docx", args=[draft]), None,
                       {**_refused(), "leader": NO, "staff": OK}),
        "pdf": ("get", reverse("evaluation:briefing_pdf", args=[issued]), None, {**_refused(), "leader": OK}),
    }


CASES = ["list", "export", "zip", "new", "new_post", "detail_draft", "detail_issued", "edit", "edit_post", "edit_issued", "refresh",
         "issue", "docx_issued", "docx_draft", "pdf"]


@pytest.mark.parametrize("name", CASES)
def test_permission_matrix(w, client_for, name):
    method, url, data, expectations = _cases(w)[name]

    anonymous = getattr(client_for(None), method)(url, data or {})
    assert anonymous.status_code == LOGIN and "/accounts/login/" in anonymous["Location"]
    for who, expected in sorted(expectations.items(), key=lambda kv: kv[1] != NO):
        response = getattr(client_for(getattr(w, who)), method)(url, data or {})
        assert response.status_code == expected, f"{who} {method.upper()} {name}: {response.status_code} != {expected}"


def test_every_briefing_url_is_in_the_matrix(w):
    tested = {resolve(url.split("?")[0]).url_name for _m, url, _d, _e in _cases(w).values()}
    assert {p.name for p in urlpatterns} == tested


def test_a_leader_of_another_city_lists_none_of_city_a(w, client_for):
    html = client_for(w.leader_b).get(reverse("evaluation:briefing_list")).content.decode()
    assert 'data-testid="briefing-row"' not in html


def test_a_leader_lists_only_the_issued_briefings(w, client_for):
    html = client_for(w.leader).get(reverse("evaluation:briefing_list")).content.decode()
    assert html.count('data-testid="briefing-row"') == 1
    assert reverse("evaluation:briefing_detail", args=[w.issued.pk]) in html


def test_staff_of_another_city_cannot_draft_for_city_a(w, client_for):
    client_for(w.staff_b).post(
        reverse("evaluation:briefing_new"), {"organization": w.o["city_a"].pk, "period": "week", "day": day(0).isoformat()}
    )
    assert not Briefing.objects.filter(created_by=w.staff_b).exists()


def test_issuing_through_the_page_takes_the_number_it_announced(w, client_for):
    client = client_for(w.staff)
    page = client.get(reverse("evaluation:briefing_detail", args=[w.draft.pk])).content.decode()
    assert 'name="expected_number" value="2"' in page and "Issue this briefing as 2026 No. 2?" in page

    response = client.post(reverse("evaluation:briefing_issue", args=[w.draft.pk]), {"expected_number": "2"}, follow=True)

    w.draft.refresh_from_db()
    assert (w.draft.year, w.draft.number) == (2026, 2)
    assert "Issued as 2026 No. 2." in response.content.decode()
