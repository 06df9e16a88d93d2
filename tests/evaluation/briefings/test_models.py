"""The briefing's invariants in the database and on the model."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from evaluation.briefings.models import Briefing, BriefingCounter, BriefingStatus, LockedError
from tests.clock import clock_now

pytestmark = pytest.mark.django_db


def _briefing(org, **extra):
    values = dict(
        organization=org, period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2026, 11, 30),
        title="攻坚支部工作简报", issuing_organ="中共靖江市委组织部",
    )
    values.update(extra)
    return Briefing.objects.create(**values)


def _issued(org, number, year=2026):
    return _briefing(org, status=BriefingStatus.ISSUED, year=year, number=number, issued_at=clock_now())


def test_an_issue_number_is_taken_once_per_jurisdiction_and_year(org_tree):
    _issued(org_tree["city_a"], 1)
    _issued(org_tree["city_b"], 1)  # another jurisdiction has its own numbers
    _issued(org_tree["city_a"], 1, year=2027)  # and a new year starts again

    with pytest.raises(IntegrityError), transaction.atomic():
        _issued(org_tree["city_a"], 1)


def test_a_draft_has_no_number_and_an_issued_briefing_has_one(org_tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        _briefing(org_tree["city_a"], number=3, year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        _briefing(org_tree["city_a"], status=BriefingStatus.ISSUED, issued_at=clock_now())


def test_one_counter_per_jurisdiction_and_year(org_tree):
    BriefingCounter.objects.create(organization=org_tree["city_a"], year=2026)

    with pytest.raises(IntegrityError), transaction.atomic():
        BriefingCounter.objects.create(organization=org_tree["city_a"], year=2026)


def test_an_issued_briefing_refuses_a_change_or_a_delete_whoever_saves_it(org_tree):
    briefing = _issued(org_tree["city_a"], 1)

    briefing.texts = {"overview": "改过的文字"}
    with pytest.raises(LockedError):
        briefing.save()
    with pytest.raises(LockedError):
        Briefing.objects.get(pk=briefing.pk).delete()
    assert Briefing.objects.get(pk=briefing.pk).texts == {}


def test_a_draft_may_change(org_tree):
    briefing = _briefing(org_tree["city_a"])
    briefing.texts = {"overview": "新的文字"}
    briefing.save()

    assert briefing.is_editable and briefing.issue_allowed()
    assert Briefing.objects.get(pk=briefing.pk).texts == {"overview": "新的文字"}
