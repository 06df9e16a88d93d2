"""Who may open and do what on the request and report pages: anonymous → login, wrong role →
404, another branch → 404, another city → 404, the holder → 200 (or the redirect of a done
action), leaders read but never write."""

import pytest
from django.test import Client
from django.urls import reverse

from mechanisms.models import DecisionRequest, DecisionRequestStatus, Report, ReportStatus
from mechanisms.requests.services import decision_request_create, report_create
from tests.mechanisms.requests_world import build_world
from tests.shared_world import shared_world
from tests.utils import assert_status_matrix

w_once, w = shared_world(build_world, name="w")  # built once per module: tests/shared_world.py


def outsiders(w) -> dict:
    return {w.member: 404, w.liaison: 404, w.other_secretary: 404, w.staff_b: 404, w.b_secretary: 404}


def a_request(w, submit=False):
    return decision_request_create(branch=w.branch, by=w.secretary, title="请示", content="妥否", submit=submit)


def a_report(w, submit=False):
    return report_create(branch=w.branch, by=w.secretary, kind="special", title="报告", content="内容", submit=submit)


@pytest.mark.parametrize("name", ["decisionrequest_list", "decisionrequest_export", "report_list", "report_export"])
def test_lists(w, name):
    assert_status_matrix(
        Client, reverse(f"mechanisms:{name}"),
        {None: 302, w.member: 404, w.liaison: 404, w.staff: 200, w.leader: 200, w.staff_b: 200, w.secretary: 200, w.chief: 200},
    )


@pytest.mark.parametrize("name", ["decisionrequest_create", "report_create"])
def test_create_pages_are_for_secretaries(w, name):
    assert_status_matrix(
        Client, reverse(f"mechanisms:{name}"),
        {None: 302, w.member: 404, w.liaison: 404, w.staff: 404, w.leader: 404, w.staff_b: 404, w.chief: 404,
         w.secretary: 200},
    )


def test_request_detail(w):
    obj = a_request(w, submit=True)
    assert_status_matrix(
        Client, reverse("mechanisms:decisionrequest_detail", args=[obj.pk]),
        {None: 302, **outsiders(w), w.staff: 200, w.leader: 200, w.chief: 200, w.secretary: 200},
    )


def test_request_edit(w):
    obj = a_request(w)
    assert_status_matrix(
        Client, reverse("mechanisms:decisionrequest_edit", args=[obj.pk]),
        {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 200},
    )


def test_request_submit(w):
    obj = a_request(w)
    assert_status_matrix(
        Client, reverse("mechanisms:decisionrequest_submit", args=[obj.pk]),
        {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 302}, method="post",
    )
    obj.refresh_from_db()
    assert obj.status == DecisionRequestStatus.SUBMITTED


def test_request_reply(w):
    obj = a_request(w, submit=True)
    assert_status_matrix(
        Client, reverse("mechanisms:decisionrequest_reply", args=[obj.pk]),
        {None: 302, **outsiders(w), w.secretary: 404, w.leader: 404, w.chief: 404, w.staff: 302},
        method="post", data={"decision": "approved", "reply": "同意"},
    )
    obj.refresh_from_db()
    assert obj.status == DecisionRequestStatus.APPROVED and obj.replied_by == w.staff


def test_request_delete(w):
    obj = a_request(w)
    assert_status_matrix(
        Client, reverse("mechanisms:decisionrequest_delete", args=[obj.pk]),
        {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 302}, method="post",
    )
    assert not DecisionRequest.objects.exists()


def test_report_detail(w):
    obj = a_report(w, submit=True)
    assert_status_matrix(
        Client, reverse("mechanisms:report_detail", args=[obj.pk]),
        {None: 302, **outsiders(w), w.staff: 200, w.leader: 200, w.chief: 200, w.secretary: 200},
    )


def test_report_edit(w):
    obj = a_report(w)
    assert_status_matrix(
        Client, reverse("mechanisms:report_edit", args=[obj.pk]),
        {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 200},
    )


def test_report_submit(w):
    obj = a_report(w)
    assert_status_matrix(
        Client, reverse("mechanisms:report_submit", args=[obj.pk]),
        {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 302}, method="post",
    )
    obj.refresh_from_db()
    assert obj.status == ReportStatus.SUBMITTED


def test_report_acknowledge(w):
    obj = a_report(w, submit=True)
    assert_status_matrix(
        Client, reverse("mechanisms:report_acknowledge", args=[obj.pk]),
        {None: 302, **outsiders(w), w.secretary: 404, w.leader: 404, w.chief: 404, w.staff: 302}, method="post",
    )
    obj.refresh_from_db()
    assert obj.status == ReportStatus.ACKNOWLEDGED


def test_report_delete(w):
    obj = a_report(w)
    assert_status_matrix(
        Client, reverse("mechanisms:report_delete", args=[obj.pk]),
        {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 302}, method="post",
    )
    assert not Report.objects.exists()


def test_the_other_citys_list_shows_none_of_ours(w, client):
    a_request(w, submit=True)
    a_report(w, submit=True)
    client.force_login(w.staff_b)
    assert 'data-testid="request-row"' not in client.get(reverse("mechanisms:decisionrequest_list")).content.decode()
    assert 'data-testid="report-row"' not in client.get(reverse("mechanisms:report_list")).content.decode()
