"""Who may open what: anonymous → login; wrong role, other branch, other city → 404; the holder →
200 (or the redirect of a successful POST). Leaders are read-only: every write view is a 404."""

import pytest
from django.urls import reverse

from core import gbdoc
from evaluation.models import RubricItemKind

pytestmark = pytest.mark.django_db

OK, POSTED, LOGIN, NO = 200, 302, 302, 404


def _cases(world):
    ev, b_ev = world.evaluation, world.b_evaluation
    member_appraisal = world.appraisals["李娟"]
    deduction = ev.items.get(kind=RubricItemKind.DEDUCTION)
    adjustment = ev.adjustments.create(item=deduction, points=1, reason="迟报", created_by=world.staff)
    office_read = {"staff": OK, "leader": OK, "secretary": NO, "member": NO, "stranger": NO, "liaison": NO}
    return {
        # ------------------------------------------------ reads of the office
        "evaluation_list": ("get", reverse("evaluation:evaluation_list"), None, office_read),
        "evaluation_export": ("get", reverse("evaluation:evaluation_export"), None, office_read),
        "rubric_list": ("get", reverse("evaluation:rubric_list"), None, office_read),
        "priority_list": ("get", reverse("evaluation:priority_list"), None, office_read),
        "priority_export": ("get", reverse("evaluation:priority_export"), None, office_read),
        "evaluation_detail": (
            "get", reverse("evaluation:evaluation_detail", args=[ev.pk]), None, {**office_read, "staff_b": NO},
        ),
        "evaluation_detail_other_city": (
            "get", reverse("evaluation:evaluation_detail", args=[b_ev.pk]), None, {"staff": NO, "leader": NO, "staff_b": OK},
        ),
        # ------------------------------------------------ writes of the staff (leaders refused)
        "evaluation_new": (
            "get", reverse("evaluation:evaluation_new", args=[world.other_branch.pk]), None,
            {"staff": OK, "leader": NO, "staff_b": NO, "secretary": NO, "other_secretary": NO, "stranger": NO},
        ),
        "evaluation_start": (
            "post", reverse("evaluation:evaluation_start", args=[world.other_branch.pk]), {"rubric": world.rubric.pk},
            {"leader": NO, "staff_b": NO, "other_secretary": NO, "stranger": NO, "staff": POSTED},
        ),
        "scorecard_save": (
            "post", reverse("evaluation:evaluation_detail", args=[ev.pk]),
            {f"score_{i.pk}": "10" for i in ev.items.filter(kind=RubricItemKind.CRITERION)},
            {"leader": NO, "staff_b": NO, "secretary": NO, "stranger": NO, "staff": POSTED},
        ),
        "adjustment_add": (
            "post", reverse("evaluation:adjustment_add", args=[ev.pk]),
            {"item": deduction.pk, "points": "1", "reason": "迟报"},
            {"leader": NO, "staff_b": NO, "secretary": NO, "stranger": NO, "staff": POSTED},
        ),
        "adjustment_remove": (
            "post", reverse("evaluation:adjustment_remove", args=[adjustment.pk]), {},
            {"leader": NO, "staff_b": NO, "secretary": NO, "stranger": NO, "staff": POSTED},
        ),
        "evaluation_finalize": (
            "post", reverse("evaluation:evaluation_finalize", args=[ev.pk]), {},
            {"leader": NO, "staff_b": NO, "secretary": NO, "stranger": NO, "staff": POSTED},
        ),
        "rubric_create": (
            "get", reverse("evaluation:rubric_create"), None,
            {"leader": NO, "secretary": NO, "member": NO, "stranger": NO, "staff": OK},
        ),
        "rubric_edit": (
            "get", reverse("evaluation:rubric_edit", args=[world.rubric.pk]), None,
            {"leader": NO, "staff_b": NO, "secretary": NO, "stranger": NO, "staff": OK},
        ),
        "rubric_edit_post": (
            "post", reverse("evaluation:rubric_edit", args=[world.rubric.pk]), {"name": "x"},
            {"leader": NO, "staff_b": NO, "secretary": NO},
        ),
        "appraisals_open": (
            "post", reverse("evaluation:appraisals_open", args=[world.branch.pk]), {},
            {"leader": NO, "staff_b": NO, "secretary": NO, "member": NO, "stranger": NO, "staff": POSTED},
        ),
        "appraisals_finalize_ready": (
            "post", reverse("evaluation:appraisals_finalize_ready", args=[world.branch.pk]), {},
            {"leader": NO, "staff_b": NO, "secretary": NO, "member": NO, "stranger": NO, "staff": POSTED},
        ),
        "appraisal_grade": (
            "get", reverse("evaluation:appraisal_grade", args=[member_appraisal.pk]), None,
            {"leader": NO, "staff_b": NO, "secretary": NO, "member": NO, "stranger": NO, "staff": OK},
        ),
        "appraisal_grade_post": (
            "post", reverse("evaluation:appraisal_grade", args=[member_appraisal.pk]),
            {"grade": "qualified", "conclusion": "合格"},
            {"leader": NO, "staff_b": NO, "secretary": NO, "member": NO, "staff": POSTED},
        ),
        "appraisal_self_waive": (
            "post", reverse("evaluation:appraisal_self_waive", args=[member_appraisal.pk]), {"reason": "已调离"},
            {"leader": NO, "staff_b": NO, "secretary": NO, "member": NO, "stranger": NO, "liaison": NO, "staff": POSTED},
        ),
        "appraisal_finalize": (
            "post", reverse("evaluation:appraisal_finalize", args=[member_appraisal.pk]), {},
            {"leader": NO, "staff_b": NO, "secretary": NO, "member": NO, "stranger": NO, "staff": POSTED},
        ),
        # ------------------------------------------------ the branch's secretary
        "appraisal_list": (
            "get", reverse("evaluation:appraisal_list", args=[world.branch.pk]), None,
            {"staff": OK, "leader": OK, "secretary": OK, "other_secretary": NO, "member": NO, "staff_b": NO,
             "stranger": NO, "liaison": NO},
        ),
        "appraisal_branch": (
            "get", reverse("evaluation:appraisal_branch", args=[member_appraisal.pk]), None,
            {"secretary": OK, "other_secretary": NO, "staff": NO, "leader": NO, "member": NO, "stranger": NO},
        ),
        "appraisal_branch_post": (
            "post", reverse("evaluation:appraisal_branch", args=[member_appraisal.pk]), {"branch_assessment": "好"},
            {"secretary": POSTED, "other_secretary": NO, "staff": NO, "leader": NO, "member": NO},
        ),
        # ------------------------------------------------ the member themselves
        "appraisal_self": (
            "get", reverse("evaluation:appraisal_self", args=[member_appraisal.pk]), None,
            {"member": OK, "other_member": NO, "secretary": NO, "staff": NO, "leader": NO, "stranger": NO},
        ),
        "appraisal_self_post": (
            "post", reverse("evaluation:appraisal_self", args=[member_appraisal.pk]), {"self_assessment": "自评"},
            {"member": POSTED, "other_member": NO, "secretary": NO, "staff": NO, "leader": NO},
        ),
        "my_appraisals": (
            "get", reverse("evaluation:my_appraisals"), None, {"member": OK, "secretary": OK, "stranger": NO, "staff": NO},
        ),
        # ------------------------------------------------ the printable form and its PDF
        "appraisal_print": (
            "get", reverse("evaluation:appraisal_print", args=[member_appraisal.pk]), None,
            {"staff": OK, "leader": OK, "secretary": OK, "member": OK, "other_secretary": NO, "other_member": NO,
             "staff_b": NO, "stranger": NO, "liaison": NO},
        ),
        "appraisal_pdf": (
            "get", reverse("evaluation:appraisal_pdf", args=[member_appraisal.pk]), None,
            {"member": OK, "other_member": NO, "staff_b": NO, "stranger": NO},
        ),
        # ------------------------------------------------ the Word documents (公文) and the batch
        "appraisal_docx": (
            "get", reverse("evaluation:appraisal_docx", args=[member_appraisal.pk]), None,
            {"staff": OK, "leader": OK, "secretary": OK, "member": OK, "other_secretary": NO, "other_member": NO,
             "staff_b": NO, "stranger": NO, "liaison": NO},
        ),
        "appraisals_zip": (  # the holder is sent to the export job's page
            "get", reverse("evaluation:appraisals_zip", args=[world.branch.pk]), None,
            {"staff": POSTED, "leader": POSTED, "secretary": POSTED, "other_secretary": NO, "member": NO,
             "staff_b": NO, "stranger": NO, "liaison": NO},
        ),
        "evaluation_report_docx": (
            "get", reverse("evaluation:evaluation_report_docx", args=[ev.pk]), None, {**office_read, "staff_b": NO},
        ),
        "evaluation_report_docx_other_city": (
            "get", reverse("evaluation:evaluation_report_docx", args=[b_ev.pk]), None,
            {"staff": NO, "leader": NO, "staff_b": OK},
        ),
        "evaluation_report_pdf": (  # without LibreOffice the holder gets the explaining page (503)
            "get", reverse("evaluation:evaluation_report_pdf", args=[ev.pk]), None,
            {"staff": 503, "leader": 503, "secretary": NO, "member": NO, "stranger": NO, "liaison": NO, "staff_b": NO},
        ),
    }


CASES = [
    "evaluation_list", "evaluation_export", "rubric_list", "priority_list", "priority_export", "evaluation_detail",
    "evaluation_detail_other_city", "evaluation_new", "evaluation_start", "scorecard_save", "adjustment_add",
    "adjustment_remove", "evaluation_finalize", "rubric_create", "rubric_edit", "rubric_edit_post", "appraisals_open",
    "appraisals_finalize_ready", "appraisal_grade", "appraisal_grade_post", "appraisal_self_waive", "appraisal_finalize",
    "appraisal_list",
    "appraisal_branch", "appraisal_branch_post", "appraisal_self", "appraisal_self_post", "my_appraisals",
    "appraisal_print", "appraisal_pdf", "appraisal_docx", "appraisals_zip", "evaluation_report_docx",
    "evaluation_report_docx_other_city", "evaluation_report_pdf",
]


@pytest.mark.parametrize("name", CASES)
def test_permission_matrix(world, client_for, name, monkeypatch):
    # PDFs of Word documents: the checks do not need LibreOffice (the holder gets a 503 page without it).
    monkeypatch.setattr(gbdoc, "soffice_path", lambda: None)
    method, url, data, expectations = _cases(world)[name]

    anonymous = getattr(client_for(None), method)(url, data or {})
    assert anonymous.status_code == LOGIN and "/accounts/login/" in anonymous["Location"]
    # Refusals first: a successful POST of the holder would change what the others see.
    for who, expected in sorted(expectations.items(), key=lambda kv: kv[1] != NO):
        response = getattr(client_for(getattr(world, who)), method)(url, data or {})
        assert response.status_code == expected, f"{who} {method.upper()} {name}: {response.status_code} != {expected}"


def test_every_url_of_the_app_is_in_the_matrix():
    from evaluation.urls import urlpatterns

    covered = {"evaluation_detail", "appraisal_grade", "appraisal_branch", "appraisal_self", "rubric_edit"}
    # The pages of evaluation.views (the dashboard's routes are tested with the dashboard).
    names = {p.name for p in urlpatterns if p.callback.__module__ == "evaluation.views"}
    assert names <= set(CASES) | covered | {"evaluation_start"}, names - set(CASES)
