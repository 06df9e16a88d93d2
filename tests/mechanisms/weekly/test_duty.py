"""The duty to report (mechanisms.weekly.rules): it starts with the first full reporting week
after activation, a branch files no week before it existed nor a future week, a partial first
week filed by choice is never late, and the secretary's home offers no filing to a branch that
cannot file."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from branches.models import Branch, BranchStatus
from mechanisms.weekly.rules import (
    Week,
    current_week,
    first_reporting_week,
    owes_report,
    owes_report_q,
    week_of,
)
from mechanisms.weekly.selectors import weekly_missing
from mechanisms.weekly.services import WeeklyContent, weekly_report_create
from tests.mechanisms.requests_world import build_world

SHANGHAI = ZoneInfo("Asia/Shanghai")
SATURDAY = datetime.date(2026, 11, 14)  # week 46 (Mon 11-09 … Sun 11-15)
MONDAY_AFTER = datetime.date(2026, 11, 16)  # week 47


@pytest.fixture
def w(org_tree, make_user):
    return build_world(org_tree, make_user)


def activated_on(branch, day):
    Branch.objects.filter(pk=branch.pk).update(formed_on=day)
    branch.refresh_from_db()
    return branch


def file(w, week, submit=True):
    return weekly_report_create(
        branch=w.branch, by=w.secretary, week=week, content=WeeklyContent(work_done="完成入户评估32户。"), submit=submit
    )


# ---------------------------------------------------------------- the rule, for every day
@settings(max_examples=200, deadline=None)
@given(formed_on=st.dates(datetime.date(2025, 1, 1), datetime.date(2028, 12, 31)))
def test_the_first_week_owed_is_the_first_full_week_after_activation(formed_on):
    first = first_reporting_week(formed_on)
    assert first.start >= formed_on  # the whole week lies after activation…
    assert (first.start - formed_on).days < 7  # …and it is the first such week
    assert first.start.weekday() == 0

    class B:  # owes_report reads only the formation date
        pass

    b = B()
    b.formed_on = formed_on
    assert owes_report(b, first) and not owes_report(b, first.previous())


# ---------------------------------------------------------------- filing and lateness
@time_machine.travel(datetime.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_a_branch_activated_on_a_saturday_owes_nothing_for_that_week_and_is_not_late(w):
    activated_on(w.branch, SATURDAY)
    partial = week_of(SATURDAY)
    report = file(w, partial)  # filed by choice, after that week's Friday deadline
    assert report.submitted_at > report.deadline
    assert report.is_late is False
    assert owes_report(w.branch, current_week())


@time_machine.travel(datetime.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_no_report_for_a_week_before_activation_or_in_the_future(w):
    activated_on(w.branch, MONDAY_AFTER)
    with pytest.raises(ValidationError) as before:
        file(w, week_of(SATURDAY))
    assert "2026-11-16" in str(before.value)
    with pytest.raises(ValidationError):
        file(w, current_week().next())


@time_machine.travel(datetime.datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_the_missing_list_and_the_duty_agree(w):
    # Saturday of week 47: the deadline has passed. A branch activated on Tuesday of week 47
    # does not owe week 47; one activated on its Monday does.
    this = current_week()
    activated_on(w.branch, this.start + datetime.timedelta(days=1))
    activated_on(w.other_branch, this.start)
    missing = set(weekly_missing(user=w.staff, week=this).values_list("pk", flat=True))
    assert w.branch.pk not in missing and w.other_branch.pk in missing
    owed = set(Branch.objects.filter(owes_report_q(this)).values_list("pk", flat=True))
    assert w.branch.pk not in owed and w.other_branch.pk in owed


# ---------------------------------------------------------------- the secretary's home
@time_machine.travel(datetime.datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI), tick=False)
def test_a_branch_that_cannot_file_is_offered_no_report_and_not_marked_overdue(client, w):
    Branch.objects.filter(pk=w.branch.pk).update(status=BranchStatus.PROPOSED)
    client.force_login(w.secretary)
    html = client.get(reverse("mechanisms:secretary_home")).content.decode()
    assert 'data-testid="cannot-file"' in html
    assert 'data-testid="file-weekly"' not in html and 'data-status="missing"' not in html
    # And the form itself says so before anything is typed.
    response = client.get(reverse("mechanisms:weeklyreport_create", args=[w.branch.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("mechanisms:secretary_home")


def test_week_codes_round_trip():
    assert Week(2026, 47).start == MONDAY_AFTER
