"""The rest of the shared world of tests/core/test_bad_input.py and test_permission_matrix.py:
one object of city A for every URL pattern that takes an id, made by the apps' own services (the
grants, notifications and history follow, as in real life).

On top of tests/evaluation/dashboard_world.build (b1 held by ``secretary``, p1 by ``chief``, the
instructions and problems assigned to 市行政审批局 where ``liaison`` works):

* b1: an activity with a photo, draft and submitted decision requests and reports, a problem
  line on this week's report, a mechanisms attachment on the report;
* p1: an indicator, a milestone, two draft dispatch sessions and a recorded one;
* P5 (b2's, assigned to 市行政审批局): a co-operation assignment to 市行政审批局 and an extension
  request of its liaison;
* a chain of city A with a weak link;
* b4, a concluded branch of city A held by ``secretary`` with ``member`` (and a member without
  an account) in it: its evaluation (started, with an adjustment) and their appraisals; the
  rubric of city A; two draft briefings of city A and an issued one;
* a notification for ``secretary``; the 调度长's nudge on i1 to 市行政审批局 (a reminder with
  its deliveries).

A POST-only pattern that changes its object (submit, delete, issue, record) has an object of its
own, so what the matrix sees on the other pages does not hang on the order of the URL patterns.
``furnish_admin`` adds a row of each model only the admin shows; ``picker_query`` gives each
picker source its scope.
"""

from decimal import Decimal

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.files.uploadedfile import SimpleUploadedFile

from branches import services as branch_services
from branches.models import ActivityKind, BranchStatus, ChainMember, MembershipRole, Person, WeakLinkKind
from core.filtering import _LISTS, PickerFilter  # the lists' picker filters, as picker sources read them
from evaluation import services as evaluation_services
from evaluation.briefings import services as briefing_services
from evaluation.briefings.models import BriefingPeriod
from evaluation.models import RubricItemKind
from mechanisms.common import services as common_services
from mechanisms.dispatch import services as dispatch_services
from mechanisms.models import (
    AssignmentStatus,
    CalendarDay,
    CalendarDayKind,
    ProblemAssignment,
    ReportKind,
    WeeklyReportProblem,
)
from mechanisms.problems import services as problem_services
from mechanisms.reminders import services as reminder_services
from mechanisms.requests import services as request_services
from projects import services as project_services
from tests.branches.factories import chain as make_chain
from tests.evaluation.dashboard_world import branch, day
from tests.evaluation.world import default_items
from tests.factories import MembershipFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def furnish(w) -> None:
    """Add to ``w`` (the dashboard world, with ``secretary`` holding b1 and ``chief`` p1)."""
    o = w.o
    # branches: an activity with a photo, a chain with a weak link
    w.activity = branch_services.activity_create(
        branch=w.b1, by=w.secretary, kind=ActivityKind.THREE_SHOWS, title="三亮", held_on=day(-3),
        uploads=[png("合影.png")],
    )
    w.activity_attachment = w.activity.attachments.get()
    w.chain = make_chain(organization=o["city_a"])
    w.weak_link = branch_services.weak_link_create(
        chain=w.chain, node=w.chain.nodes.first(), by=w.staff, kind=WeakLinkKind.TALENT, title="高端人才缺口"
    )

    # projects: an indicator and a milestone of p1
    w.indicator = project_services.indicator_create(
        project=w.p1, by=w.staff, name="完成征迁户数", unit="户", baseline=0, target=225
    )
    w.milestone = project_services.milestone_create(project=w.p1, by=w.staff, name="完成入户评估", due_on=day(20))

    # mechanisms: dispatch sessions of p1
    w.dispatch = dispatch_services.dispatch_create(project=w.p1, by=w.chief, held_on=day(0), location="指挥部")
    w.dispatch_to_record = dispatch_services.dispatch_create(project=w.p1, by=w.chief, held_on=day(0), location="会议室")
    w.dispatch_recorded = dispatch_services.dispatch_create(
        project=w.p1, by=w.chief, held_on=day(-7), location="指挥部", notes="会议纪要", record=True
    )
    # the branch's requests and reports: a draft and a submitted one each
    w.request_draft, w.request_to_submit, w.request_to_delete = (
        request_services.decision_request_create(branch=w.b1, by=w.secretary, title=title, content="妥否")
        for title in ("请示资金", "请示人员", "请示场地")
    )
    w.request = request_services.decision_request_create(
        branch=w.b1, by=w.secretary, title="请示用地", content="妥否，请批示", submit=True
    )
    w.report_draft, w.report_to_submit, w.report_to_delete = (
        request_services.report_create(branch=w.b1, by=w.secretary, kind=ReportKind.SPECIAL, title=title, content="进展")
        for title in ("专项报告", "阶段报告", "补充报告")
    )
    w.report = request_services.report_create(
        branch=w.b1, by=w.secretary, kind=ReportKind.SPECIAL, title="征迁专项报告", content="进展顺利", submit=True
    )
    w.record_attachment = common_services.attachment_add(target=w.weekly, uploaded=png("现场.png"), by=w.secretary)
    w.weekly_line = WeeklyReportProblem.objects.create(report=w.weekly, description="评估机构人手不足")
    # problems: P5 is assigned to 市行政审批局; a co-operation for it and its liaison's extension request
    w.assignment = ProblemAssignment.objects.create(
        problem=w.P5, unit=o["department_a"], due_on=day(3), status=AssignmentStatus.PENDING
    )
    w.extension = problem_services.extension_request(
        problem=w.P5, by=w.liaison, requested_until=day(30), reason="需等待消防审查结论",
        today=day(-2),  # P5's deadline was yesterday: asked in time
    )
    # a notification for the secretary; the 调度长's nudge to 市行政审批局 on i1 (a reminder with its deliveries)
    w.notification = common_services.notify(recipients=[w.secretary], title="请及时报送周报", email=False)[0]
    w.reminder = reminder_services.nudge_send(sender=w.chief, target="instruction", pk=w.i1.pk)[0]
    w.delivery = w.reminder.deliveries.order_by("pk").first()

    # evaluation: a concluded branch held by the secretary, with the member and one without an account
    w.b4 = branch(committee=o["committee_a"], name="孤山镇乡村振兴攻坚支部", field=w.relocation, batch=1,
                  status=BranchStatus.CONCLUDED, formed=-150, planned_end_on=day(-10), concluded_on=day(-10))
    secretary_person = Person.objects.get(user=w.secretary)
    w.member_person = Person.objects.create(name="李梅", gender="female", work_unit=o["town_a"], user=w.member)
    w.absent_person = Person.objects.create(name="王平", gender="male", work_unit=o["town_a"])
    for person, role in ((secretary_person, MembershipRole.SECRETARY), (w.member_person, MembershipRole.MEMBER),
                         (w.absent_person, MembershipRole.MEMBER)):
        MembershipFactory(branch=w.b4, person=person, role=role, by=w.staff,
                          joined_on=day(-140))
    w.member_membership = w.b4.memberships.get(person=w.member_person)
    w.rubric = evaluation_services.rubric_create(organization=o["city_a"], name="攻坚支部效能评估标准",
                                                 items=default_items(), by=w.staff)
    w.evaluation = evaluation_services.evaluation_start(branch=w.b4, rubric=w.rubric, by=w.staff)
    deduction = w.evaluation.items.filter(kind=RubricItemKind.DEDUCTION).first()
    w.adjustment = evaluation_services.adjustment_add(
        evaluation=w.evaluation, item=deduction, by=w.staff, points=1, reason="周报迟报一次"
    )
    w.appraisal = w.b4.appraisals.get(person=w.member_person)
    w.absent_appraisal = w.b4.appraisals.get(person=w.absent_person)
    w.briefing, w.briefing_to_issue = (
        briefing_services.briefing_draft(organization=o["city_a"], period=BriefingPeriod.WEEK, day=day(n), by=w.staff)
        for n in (0, -7)
    )
    w.briefing_issued = briefing_services.briefing_issue(
        briefing=briefing_services.briefing_draft(organization=o["city_a"], period=BriefingPeriod.MONTH, day=day(-30), by=w.staff),
        by=w.staff,
    )


def furnished_args(w) -> dict[str, dict]:
    """The kwargs of the patterns whose objects ``furnish`` made."""
    evaluation, appraisal = w.evaluation.pk, w.appraisal.pk
    return {
        "branches:activity_detail": {"pk": w.activity.pk},
        "branches:attachment_add": {"pk": w.activity.pk},
        "branches:attachment_download": {"pk": w.activity_attachment.pk},
        "branches:chain_detail": {"pk": w.chain.pk},
        "branches:weaklink_add": {"pk": w.chain.pk},
        "branches:weaklink_resolve": {"pk": w.weak_link.pk},
        "branches:commitment_update": {"pk": w.member_membership.pk},
        "projects:reading_create": {"pk": w.indicator.pk},
        "projects:milestone_done": {"pk": w.milestone.pk},
        "mechanisms:notification_open": {"pk": w.notification.pk},
        "mechanisms:attachment_download": {"token": w.record_attachment.token},
        "mechanisms:problem_assignment_answer": {"pk": w.assignment.pk},
        "mechanisms:problem_extension_decide": {"pk": w.extension.pk},
        "mechanisms:dispatch_detail": {"pk": w.dispatch.pk},
        "mechanisms:dispatch_edit": {"pk": w.dispatch.pk},
        "mechanisms:dispatch_record": {"pk": w.dispatch_to_record.pk},
        "mechanisms:dispatch_minutes_docx": {"pk": w.dispatch_recorded.pk},
        "mechanisms:dispatch_minutes_pdf": {"pk": w.dispatch_recorded.pk},
        "mechanisms:decisionrequest_detail": {"pk": w.request.pk},
        "mechanisms:decisionrequest_reply": {"pk": w.request.pk},
        "mechanisms:decisionrequest_edit": {"pk": w.request_draft.pk},
        "mechanisms:decisionrequest_submit": {"pk": w.request_to_submit.pk},
        "mechanisms:decisionrequest_delete": {"pk": w.request_to_delete.pk},
        "mechanisms:report_detail": {"pk": w.report.pk},
        "mechanisms:report_acknowledge": {"pk": w.report.pk},
        "mechanisms:report_edit": {"pk": w.report_draft.pk},
        "mechanisms:report_submit": {"pk": w.report_to_submit.pk},
        "mechanisms:report_delete": {"pk": w.report_to_delete.pk},
        "mechanisms:weeklyreport_problem_raise": {"pk": w.weekly_line.pk},
        "mechanisms:reminder_detail": {"pk": w.reminder.pk},
        "mechanisms:delivery_resend": {"pk": w.delivery.pk},
        "evaluation:evaluation_detail": {"pk": evaluation},
        "evaluation:adjustment_add": {"pk": evaluation},
        "evaluation:adjustment_remove": {"pk": w.adjustment.pk},
        "evaluation:evaluation_finalize": {"pk": evaluation},
        "evaluation:evaluation_report_docx": {"pk": evaluation},
        "evaluation:evaluation_report_pdf": {"pk": evaluation},
        "evaluation:rubric_edit": {"pk": w.rubric.pk},
        "evaluation:appraisal_self": {"pk": appraisal},
        "evaluation:appraisal_branch": {"pk": appraisal},
        "evaluation:appraisal_grade": {"pk": appraisal},
        "evaluation:appraisal_self_waive": {"pk": w.absent_appraisal.pk},
        "evaluation:appraisal_finalize": {"pk": appraisal},
        "evaluation:appraisal_print": {"pk": appraisal},
        "evaluation:appraisal_pdf": {"pk": appraisal},
        "evaluation:appraisal_docx": {"pk": appraisal},
        "evaluation:appraisals_zip": {"branch_pk": w.b4.pk},
        "evaluation:briefing_detail": {"pk": w.briefing.pk},
        "evaluation:briefing_edit": {"pk": w.briefing.pk},
        "evaluation:briefing_refresh": {"pk": w.briefing.pk},
        "evaluation:briefing_issue": {"pk": w.briefing_to_issue.pk},
        "evaluation:briefing_docx": {"pk": w.briefing.pk},
        "evaluation:briefing_pdf": {"pk": w.briefing_issued.pk},
    }


def furnish_admin(w) -> None:
    """The rows the admin pages need beyond ``furnish``: one of each registered model the site's
    pages do not make (a chain member, a reading, a score, a comment, a preference, a holiday,
    the sign-in records of django-axes)."""
    ChainMember.objects.create(chain=w.chain, organization=w.o["department_a"], node=w.chain.nodes.first(), role="链主")
    project_services.indicator_record_reading(indicator=w.indicator, value=Decimal("12"), by=w.staff)
    criteria = w.evaluation.items.filter(kind=RubricItemKind.CRITERION).order_by("position")
    evaluation_services.scorecard_save(evaluation=w.evaluation, by=w.staff, scores={c.pk: 1 for c in criteria})
    common_services.comment_add(target=w.P5, author=w.staff, body="请抓紧办理")
    reminder_services.preference_save(user=w.secretary, email=False)
    CalendarDay.objects.create(date=day(40), kind=CalendarDayKind.HOLIDAY, name="元旦")
    AccessAttempt.objects.create(username="secretary_a", ip_address="10.0.0.1", user_agent="test", failures_since_start=1)
    AccessLog.objects.create(username="secretary_a", ip_address="10.0.0.1", user_agent="test")
    AccessFailureLog.objects.create(username="secretary_a", ip_address="10.0.0.1", user_agent="test", locked_out=False)


def picker_query(w, source: str) -> dict:
    """The query a picker source is asked with in the matrix: its scope where it has one (the
    project of an instruction, the branch of a problem, the list and filter of a list's picker),
    else none."""
    if source in ("instruction_people", "instruction_units"):
        return {"project": w.p1.pk}
    if source == "problem_units":
        return {"branch": w.b1.pk}
    if source.startswith("list_"):
        kind = source.removeprefix("list_")
        for list_name, filterset in sorted(_LISTS.items()):
            for filter_name, filter_ in filterset.base_filters.items():
                if isinstance(filter_, PickerFilter) and filter_.kind == kind and not filterset.__subclasses__():
                    return {"list": list_name, "filter": filter_name}
    return {}
