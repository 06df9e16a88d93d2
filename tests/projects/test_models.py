"""Invariants the database holds for projects, indicators and milestones."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from projects.models import Indicator, Milestone, Project

from .factories import days

pytestmark = pytest.mark.django_db


def _raw_insert_fails(model, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def test_deadline_cannot_be_before_start(world):
    project = world.project
    _raw_insert_fails(
        Project, branch=project.branch, name="倒排工期", front=project.front, field=project.field, goal="x",
        start_on=days(10), deadline=days(9), lead_unit=project.lead_unit,
    )
    project.deadline = project.start_on
    project.full_clean()  # a one-day project is allowed
    project.deadline = days(-100)
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert gettext("The deadline cannot be before the start.") in error.value.messages


def test_indicator_target_must_differ_from_baseline(world):
    _raw_insert_fails(Indicator, project=world.project, name="持平", unit="个", baseline=Decimal(5), target=Decimal(5))
    indicator = Indicator(project=world.project, name="持平", unit="个", baseline=Decimal(5), target=Decimal(5))
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert gettext("The target must differ from the baseline.") in error.value.messages


def test_indicator_names_are_unique_per_project(world):
    _raw_insert_fails(Indicator, project=world.project, name=world.indicator.name, unit="户", target=Decimal(1))
    # The same name in another project is fine.
    Indicator.objects.create(project=world.other_project, name=world.indicator.name, unit="户", target=Decimal(1))
    duplicate = Indicator(project=world.project, name=world.indicator.name, unit="户", target=Decimal(1))
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert gettext("This project already has an indicator with this name.") in error.value.messages


def test_indicator_weight_is_at_least_one(world):
    _raw_insert_fails(Indicator, project=world.project, name="零权重", unit="个", target=Decimal(3), weight=0)


def test_milestone_names_are_unique_per_project(world):
    _raw_insert_fails(Milestone, project=world.project, name=world.milestone.name, due_on=days(3))
    duplicate = Milestone(project=world.project, name=world.milestone.name, due_on=days(3))
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert gettext("This project already has a milestone with this name.") in error.value.messages


def test_milestone_overdue_days(world):
    milestone = Milestone(project=world.project, name="x", due_on=days(-3))
    assert milestone.overdue_days(days(0)) == 3
    assert milestone.overdue_days(days(-3)) == 0  # the due day itself is not overdue
    milestone.done_on = days(-1)
    assert milestone.overdue_days(days(0)) == 0


def test_every_change_is_kept_in_the_history_with_who_made_it(world):
    for obj in (world.project, world.indicator, world.milestone):
        first = obj.history.earliest()
        assert first.history_type == "+"
        assert first.history_user == world.staff
