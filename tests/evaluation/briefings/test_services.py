"""Drafting, editing and issuing a briefing: the rules and the numbering."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.workflow import TransitionError
from evaluation.briefings import services
from evaluation.briefings.models import BriefingCounter, BriefingPeriod, BriefingStatus, LockedError
from tests.evaluation.dashboard_world import build, day
from tests.shared_world import shared_world

w_once, w = shared_world(build, name="w", language="en")


def draft(w, *, by=None, org=None, period=BriefingPeriod.MONTH, on=None):
    return services.briefing_draft(organization=org or w.o["city_a"], period=period, day=on or day(0), by=by or w.staff)


def test_a_draft_covers_the_period_holds_the_figures_and_empty_texts(w):
    briefing = draft(w)

    assert (briefing.period_start, briefing.period_end) == (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert briefing.status == BriefingStatus.DRAFT and briefing.number is None
    assert briefing.figures["lights"]["red"] == 2
    assert set(briefing.texts) >= {"overview", "highlights", "next_steps"} and not any(briefing.texts.values())
    assert briefing.history.get().history_user == w.staff


def test_only_staff_of_the_jurisdiction_draft(w):
    with pytest.raises(ValidationError):
        draft(w, by=w.leader)
    with pytest.raises(ValidationError):
        draft(w, org=w.o["city_b"])


def test_no_draft_for_a_period_not_yet_begun(w):
    with pytest.raises(ValidationError):
        draft(w, on=day(40))


def test_issues_take_consecutive_numbers_per_jurisdiction_and_year(w):
    first, second = draft(w), draft(w, period=BriefingPeriod.WEEK)

    services.briefing_issue(briefing=first, by=w.staff)
    services.briefing_issue(briefing=second, by=w.staff)
    first.refresh_from_db()
    second.refresh_from_db()

    assert [(b.year, b.number) for b in (first, second)] == [(2026, 1), (2026, 2)]
    assert second.issued_by == w.staff and second.issued_at is not None
    assert BriefingCounter.objects.get(organization=w.o["city_a"], year=2026).last_number == 2
    assert second.history.first().history_change_reason == "Issued as 2026 No. 2"


def test_a_number_moved_on_meanwhile_refuses_the_issue(w):
    first, second = draft(w), draft(w)
    services.briefing_issue(briefing=first, by=w.staff, expected_number=1)

    with pytest.raises(services.NumberMoved):
        services.briefing_issue(briefing=second, by=w.staff, expected_number=1)
    second.refresh_from_db()
    assert second.status == BriefingStatus.DRAFT
    assert BriefingCounter.objects.get(organization=w.o["city_a"]).last_number == 1


def test_an_issued_briefing_is_locked_in_the_services(w):
    briefing = services.briefing_issue(briefing=draft(w), by=w.staff)

    with pytest.raises(LockedError):
        services.briefing_update(briefing=briefing, by=w.staff, title="改", issuing_organ="改", texts={})
    with pytest.raises(LockedError):
        services.briefing_refresh_figures(briefing=briefing, by=w.staff)
    with pytest.raises(TransitionError):
        services.briefing_issue(briefing=briefing, by=w.staff)
    assert BriefingCounter.objects.get(organization=w.o["city_a"]).last_number == 1


def test_editing_keeps_the_figures_and_changes_the_text(w):
    briefing = draft(w)
    figures = briefing.figures

    services.briefing_update(
        briefing=briefing, by=w.staff, title="攻坚支部工作简报（11月）", issuing_organ="中共靖江市委组织部",
        texts={"overview": "全市攻坚支部总体运行平稳。"},
    )
    briefing.refresh_from_db()

    assert briefing.texts["overview"] == "全市攻坚支部总体运行平稳。" and briefing.texts["reports"] == ""
    assert briefing.figures == figures and briefing.title == "攻坚支部工作简报（11月）"
    with pytest.raises(ValidationError):
        services.briefing_update(briefing=briefing, by=w.staff, title="x", issuing_organ="x", texts={"nope": "x"})
