"""One weekly report per branch per week under real concurrency (PostgreSQL, real commits).

Twenty threads, each with its own database connection and its own logged-in client, submit
the same week's report at the same instant. Exactly one row must exist afterwards and every
thread must get a clean outcome — the report, or "already filed" — never a server error.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from mechanisms.models import WeeklyReport, WeeklyReportStatus
from mechanisms.weekly.rules import current_week
from mechanisms.weekly.services import WeeklyContent, WeeklyReportExists, weekly_report_create
from projects.models import IndicatorReading
from tests.mechanisms.requests_world import build_world

THREADS = 20

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(target, count=THREADS):
    """Run ``target(i)`` in ``count`` threads released at once; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(i):
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except Exception as exc:  # every failure is collected and reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_twenty_concurrent_submits_through_the_page_file_one_report(org_tree, make_user):
    assert connection.vendor == "postgresql"
    w = build_world(org_tree, make_user)
    url = reverse("mechanisms:weeklyreport_create", args=[w.branch.pk])
    data = {
        "work_done": "本周完成入户评估32户，签约18户。",
        "problems_met": "",
        "next_week_plan": "完成剩余评估",
        "support_needed": "",
        f"indicator_{w.indicator.pk}": "120",
        "checklist_count": "0",
        "action": "submit",
    }
    clients = []
    for _ in range(THREADS):
        client = Client()  # raise_request_exception: a server error would surface as an exception
        client.force_login(w.secretary)
        clients.append(client)

    def submit(i):
        response = clients[i].post(url, data)
        return response.status_code, response.get("Location")

    results, errors = run_together(submit)
    assert errors == []
    report = WeeklyReport.objects.get(branch=w.branch)
    detail = reverse("mechanisms:weeklyreport_detail", args=[report.pk])
    assert results == [(302, detail)] * THREADS, "each thread lands on the one report"
    assert report.status == WeeklyReportStatus.SUBMITTED
    assert IndicatorReading.objects.filter(indicator=w.indicator).count() == 1, "the reading is recorded once"


def test_twenty_concurrent_creates_through_the_service_get_the_report_or_exists(org_tree, make_user):
    w = build_world(org_tree, make_user)
    week = current_week()

    def create(i):
        try:
            report = weekly_report_create(
                branch=w.branch, by=w.secretary, week=week,
                content=WeeklyContent(work_done=f"第{i}个线程写的"), submit=True,
            )
        except WeeklyReportExists as exc:
            return "exists", exc.report.pk
        return "created", report.pk

    results, errors = run_together(create)
    assert errors == []
    outcomes = [outcome for outcome, _ in results]
    assert outcomes.count("created") == 1 and outcomes.count("exists") == THREADS - 1
    only = WeeklyReport.objects.get()
    assert {pk for _, pk in results} == {only.pk}
