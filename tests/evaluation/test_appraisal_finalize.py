"""An appraisal is finalized only with the member's self-assessment, or with staff's recorded
decision that the member did not fill it in (本人未填写: who, when, why); the rule sits on the
model (Appraisal.finalize_blockers, checked by save()) and the services read it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.workflow import TransitionError
from evaluation import services
from evaluation.models import Appraisal, AppraisalGrade, AppraisalStatus

pytestmark = pytest.mark.django_db

MISSING_SELF = "The member's self-assessment is missing (or record that they did not fill it in)."


def _ready_but_self(world, name="王强"):
    appraisal = world.appraisals[name]
    services.appraisal_branch_assess(appraisal=appraisal, text="好", by=world.secretary)
    services.appraisal_grade(appraisal=appraisal, grade=AppraisalGrade.QUALIFIED, conclusion="合格", by=world.staff)
    appraisal.refresh_from_db()
    return appraisal


def test_without_a_self_assessment_the_service_refuses_to_finalize(world):
    appraisal = _ready_but_self(world)

    assert appraisal.finalize_blockers() == [MISSING_SELF]
    with pytest.raises(TransitionError) as refused:
        services.appraisal_finalize(appraisal=appraisal, by=world.staff)
    assert MISSING_SELF in refused.value.messages


def test_the_model_refuses_too_whoever_saves(world):
    appraisal = _ready_but_self(world)

    appraisal.status = AppraisalStatus.FINAL
    with pytest.raises(ValidationError) as refused:
        appraisal.save()
    assert refused.value.messages == [MISSING_SELF]
    assert Appraisal.objects.get(pk=appraisal.pk).status == AppraisalStatus.OPEN


def test_a_recorded_not_filled_in_decision_lets_it_be_finalized_with_who_when_why(world):
    appraisal = _ready_but_self(world)

    services.appraisal_self_assessment_waive(appraisal=appraisal, reason="已调离，无法联系。", by=world.staff)
    final = services.appraisal_finalize(appraisal=appraisal, by=world.staff)

    assert final.status == AppraisalStatus.FINAL
    assert (final.self_assessment_waived_by, final.self_assessment_waiver_reason) == (world.staff, "已调离，无法联系。")
    assert final.self_assessment_waived_at is not None
    recorded = final.history.filter(history_change_reason="Recorded: self-assessment not filled in").get()
    assert recorded.history_user == world.staff and recorded.self_assessment_waiver_reason == "已调离，无法联系。"


def test_the_decision_needs_a_reason_and_no_self_assessment(world):
    appraisal = _ready_but_self(world)
    with pytest.raises(ValidationError):
        services.appraisal_self_assessment_waive(appraisal=appraisal, reason="  ", by=world.staff)

    written = world.appraisals["李娟"]
    services.appraisal_self_assess(appraisal=written, text="自评", by=world.member)
    with pytest.raises(ValidationError) as refused:
        services.appraisal_self_assessment_waive(appraisal=written, reason="x", by=world.staff)
    assert refused.value.code == "written"


def test_finalize_all_says_which_were_skipped_and_why(world, client_for):
    _ready_but_self(world, "王强")
    services.appraisal_self_assess(appraisal=world.appraisals["李娟"], text="自评", by=world.member)
    _ready_but_self(world, "李娟")

    response = client_for(world.staff).post(
        reverse("evaluation:appraisals_finalize_ready", args=[world.branch.pk]), follow=True
    )
    html = response.content.decode()

    assert "1 appraisals finalized." in html
    assert f"Not finalized: 王强 — {MISSING_SELF}" in html.replace("&#x27;", "'")
    statuses = dict(Appraisal.objects.filter(branch=world.branch).values_list("person__name", "status"))
    assert statuses["李娟"] == AppraisalStatus.FINAL and statuses["王强"] == AppraisalStatus.OPEN


def test_staff_record_not_filled_in_from_the_grade_page(world, client_for):
    appraisal = _ready_but_self(world)
    client = client_for(world.staff)
    page = client.get(reverse("evaluation:appraisal_grade", args=[appraisal.pk])).content.decode()
    assert 'data-testid="self-waive-form"' in page

    client.post(reverse("evaluation:appraisal_self_waive", args=[appraisal.pk]), {"reason": "长期病假"})

    appraisal.refresh_from_db()
    assert appraisal.self_assessment_waiver_reason == "长期病假"
    page = client.get(reverse("evaluation:appraisal_grade", args=[appraisal.pk])).content.decode()
    assert 'data-testid="self-waived"' in page and "长期病假" in page and 'data-testid="self-waive-form"' not in page
    printed = client.get(reverse("evaluation:appraisal_print", args=[appraisal.pk])).content.decode()
    assert "Not filled in by the member" in printed and "长期病假" in printed
