"""The admin: every model has a page, a non-superuser sees their jurisdiction only, and final
evaluations and appraisals are read-only there (a POST to the change page changes nothing)."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from branches.models import User
from evaluation import models, services

from . import world as w

pytestmark = pytest.mark.django_db
MODELS = [
    models.Rubric, models.RubricItem, models.Evaluation, models.EvaluationItem, models.Scorecard, models.Score,
    models.Adjustment, models.Appraisal,
]


def url(model, action, *args):
    return reverse(f"admin:evaluation_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", password="x" * 12)


@pytest.fixture
def office_admin(world):
    user = world.staff
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="evaluation"))
    return User.objects.get(pk=user.pk)


def test_every_model_has_an_admin_page():
    registered = {m for m in admin.site._registry if m._meta.app_label == "evaluation"}
    assert set(MODELS) <= registered


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_superuser_opens_every_changelist(world, client_for, root, model):
    assert client_for(root).get(url(model, "changelist")).status_code == 200


def test_staff_see_only_their_jurisdiction(world, office_admin, client_for):
    client = client_for(office_admin)

    page = client.get(url(models.Evaluation, "changelist")).content.decode()
    assert world.branch.name in page and world.b_branch.name not in page
    assert client.get(url(models.Evaluation, "change", world.b_evaluation.pk)).status_code in (302, 404)
    assert client.get(url(models.Appraisal, "change", world.b_appraisal.pk)).status_code in (302, 404)


def test_admin_change_post_on_a_final_evaluation_is_refused(world, client_for, root):
    w.score_all(world.evaluation, by=world.staff, values=[28, 23, 14, 14, 13])
    services.evaluation_finalize(evaluation=world.evaluation, by=world.staff)
    client = client_for(root)
    change = url(models.Evaluation, "change", world.evaluation.pk)

    page = client.get(change)
    response = client.post(change, {"status": "in_progress", "total": "100", "grade": "excellent", "remarks": "改"})

    assert page.status_code == 200 and b'name="_save"' not in page.content  # shown read-only
    assert response.status_code == 403
    world.evaluation.refresh_from_db()
    assert world.evaluation.status == "final" and world.evaluation.total == Decimal("92.00")
    assert client.post(url(models.Evaluation, "delete", world.evaluation.pk), {"post": "yes"}).status_code == 403


def test_admin_change_post_on_a_final_appraisal_is_refused(world, client_for, root):
    appraisal = w.complete_appraisal(world.appraisals["李娟"], secretary=world.secretary, staff=world.staff)
    client = client_for(root)
    change = url(models.Appraisal, "change", appraisal.pk)

    response = client.post(
        change,
        {"role": "member", "served_from": "2025-01-01", "is_graded": "on", "grade": "excellent", "conclusion": "改",
         "status": "open", "self_assessment": "", "branch_assessment": "x"},
    )

    assert response.status_code == 403
    appraisal.refresh_from_db()
    assert (appraisal.grade, appraisal.status) == ("qualified", "final")


def test_admin_change_post_on_an_open_appraisal_works(world, client_for, root):
    appraisal = world.appraisals["王强"]
    client = client_for(root)
    change = url(models.Appraisal, "change", appraisal.pk)

    response = client.post(
        change,
        {"role": "member", "served_from": appraisal.served_from.isoformat(), "served_to": "", "is_graded": "on",
         "grade": "", "conclusion": "管理员修改的草稿", "status": "open", "self_assessment": "", "branch_assessment": ""},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    appraisal.refresh_from_db()
    assert appraisal.conclusion == "管理员修改的草稿"


def test_the_excellent_cap_holds_in_the_admin(world, client_for, root):
    world.appraisals["赵刚"].delete()  # 3 graded members: 1 may be Excellent
    services.appraisal_grade(appraisal=world.appraisals["张卫东"], grade="excellent", conclusion="优", by=world.staff)
    appraisal = world.appraisals["王强"]
    change = url(models.Appraisal, "change", appraisal.pk)

    response = client_for(root).post(
        change,
        {"role": "member", "served_from": appraisal.served_from.isoformat(), "served_to": "", "is_graded": "on",
         "grade": "excellent", "conclusion": "优", "status": "open", "self_assessment": "", "branch_assessment": ""},
    )

    assert response.status_code == 200
    assert "At most 1 of this branch" in response.content.decode()
    appraisal.refresh_from_db()
    assert appraisal.grade == ""


def test_the_admin_cannot_finalize_an_appraisal_without_a_self_assessment(world, client_for, root):
    appraisal = world.appraisals["王强"]
    change = url(models.Appraisal, "change", appraisal.pk)

    response = client_for(root).post(
        change,
        {"role": "member", "served_from": appraisal.served_from.isoformat(), "served_to": "", "is_graded": "on",
         "grade": "qualified", "conclusion": "合格", "status": "final", "self_assessment": "",
         "branch_assessment": "好", "self_assessment_waiver_reason": ""},
    )

    assert response.status_code == 200  # the form again, with the reason
    assert "The member&#x27;s self-assessment is missing" in response.content.decode()
    appraisal.refresh_from_db()
    assert appraisal.status == "open"
