"""The mechanisms' demo history (``mechanisms.demo_records``): every status of every mechanism
exists, the records are dated in the past as their story says, a second run adds nothing, and
each demo account finds something to do.

The branches and projects seeders run first (they are what the mechanisms hang on); the session
seeds once inside an outer transaction that is rolled back at the end (tests/demo_data.py), and
every test runs in its own savepoint inside it.
"""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from branches import demo as branches_demo
from branches.demo_accounts import SHOWCASE_BRANCH
from branches.models import Branch, BranchStatus, User
from branches.roles import Role
from branches.selectors import has_role
from mechanisms.common import selectors as dispatch_selectors_common
from mechanisms.consultation import selectors as mechanism_selectors_consultation
from mechanisms.demo import records as demo_records
from mechanisms.desks import selectors as dispatch_selectors_desks
from mechanisms.desks import selectors as request_selectors_desks
from mechanisms.dispatch import selectors as dispatch_selectors_dispatch
from mechanisms.dispatch import selectors as mechanism_selectors_dispatch
from mechanisms.dispatch import tickets as dispatch_selectors
from mechanisms.models import (
    Comment,
    Consultation,
    ConsultationStatus,
    DecisionRequest,
    DecisionRequestStatus,
    Dispatch,
    DispatchStatus,
    Instruction,
    InstructionStatus,
    Notification,
    ProblemAssignment,
    ProblemCase,
    ProblemCategory,
    ProblemSource,
    ProblemStatus,
    Report,
    ReportKind,
    ReportStatus,
    Resolution,
    ResolutionStatus,
    Satisfaction,
    WeeklyReport,
    WeeklyReportReading,
    WeeklyReportStatus,
)
from mechanisms.problems import selectors as mechanism_selectors
from mechanisms.problems import selectors as problem_selectors
from mechanisms.requests import selectors as request_selectors_requests
from mechanisms.weekly import selectors as request_selectors
from mechanisms.weekly.rules import current_week, week_of
from projects.models import IndicatorReading, Project, ProjectStatus, ReadingSource
from projects.services import project_light_figures
from tests.clock import clock_now, clock_today

pytestmark = pytest.mark.django_db

COUNTED = [
    WeeklyReport, WeeklyReportReading, ProblemCase, ProblemAssignment, Dispatch, Instruction, Consultation,
    Resolution, DecisionRequest, Report, Comment, Notification, IndicatorReading, User,
]


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    for model in COUNTED:
        if hasattr(model, "history"):
            counts[f"history of {model.__name__}"] = model.history.count()
    counts["user groups"] = User.groups.through.objects.count()
    return counts


@pytest.fixture
def demo(demo_history):
    """The who, the what and the mechanisms, seeded once per session (tests/demo_data.py): what
    ``demo_records.seed_demo`` returned."""
    return dict(demo_history)


def user(username) -> User:
    return User.objects.get(username=username)


def showcase() -> Branch:
    return Branch.objects.get(name=SHOWCASE_BRANCH)


def statuses(model, **filters) -> set:
    return set(model.objects.filter(**filters).values_list("status", flat=True))


# ---------------------------------------------------------------- idempotency
def test_seeding_again_adds_nothing(demo):
    before = _counts()
    again = demo_records.seed_demo(today=clock_today())
    assert _counts() == before
    assert again["新增联络员和书记账号"] == 0
    assert again == {**demo, "新增联络员和书记账号": 0}


def test_the_summary_counts_what_was_seeded(demo):
    assert demo["周报"] == WeeklyReport.objects.count() > 500
    assert 35 <= demo["问题研判"] == ProblemCase.objects.count() <= 50
    assert demo["调度会"] >= 40 and demo["督办事项"] >= 80


# ---------------------------------------------------------------- every status of every mechanism
def test_every_status_of_every_mechanism_exists(demo):
    assert statuses(WeeklyReport) == set(WeeklyReportStatus.values)
    assert statuses(ProblemCase) == set(ProblemStatus.values)
    assert statuses(Instruction) == set(InstructionStatus.values)
    assert statuses(Dispatch) == {DispatchStatus.RECORDED}
    assert statuses(Consultation) == set(ConsultationStatus.values)
    assert statuses(Resolution) == set(ResolutionStatus.values)
    assert statuses(DecisionRequest) == set(DecisionRequestStatus.values)
    assert statuses(Report) == set(ReportStatus.values)
    assert set(Report.objects.values_list("kind", flat=True)) == set(ReportKind.values)


def test_problems_of_every_category_and_source_with_whistles_and_their_verdicts(demo):
    problems = ProblemCase.objects.all()
    assert set(problems.values_list("category", flat=True)) == set(ProblemCategory.values)
    assert set(problems.values_list("source", flat=True)) == set(ProblemSource.values)
    whistles = problems.filter(source=ProblemSource.ENTERPRISE)
    assert whistles.count() >= 6
    assert whistles.filter(branch__name="中南高科靖江项目服务攻坚支部").count() == whistles.count()
    closed = whistles.filter(status=ProblemStatus.CLOSED)
    assert closed.exists() and not closed.filter(satisfaction="").exists()
    assert {Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED} <= set(
        closed.values_list("satisfaction", flat=True)
    )
    titles = " ".join(whistles.values_list("title", flat=True))
    assert all(word in titles for word in ("用地", "供电", "施工许可", "招聘"))
    # Some are overdue; a co-operating unit answered; a refused verification is in the history.
    today = clock_today()
    assert problems.filter(status=ProblemStatus.ACCEPTED, deadline__lt=today).exists()
    assert ProblemAssignment.objects.filter(answered_at__isnull=False).exists()
    assert ProblemCase.history.filter(verification_note__startswith="规划许可阶段", status=ProblemStatus.ACCEPTED).exists()
    assert problems.filter(extensions__status="approved").exists()


def test_instructions_carry_every_ticket_colour(demo):
    today = clock_today()
    thresholds = dispatch_selectors.TicketThresholds.on(today)
    colours = Counter(dispatch_selectors.ticket_colour(i, thresholds) for i in Instruction.objects.all())
    assert colours[dispatch_selectors.TICKET_RED] and colours[dispatch_selectors.TICKET_YELLOW]
    assert colours[dispatch_selectors.TICKET_BLUE] and colours[None]
    # Returned ones went back once: the reason is kept.
    assert not Instruction.objects.filter(status=InstructionStatus.RETURNED, return_reason="").exists()


def test_the_articles_consultations_with_their_units(demo):
    fgf = Consultation.objects.filter(branch__name="放管服改革攻坚支部")
    units = {u.short_name for c in fgf for u in c.participating_units.all()}
    assert {"市发改委", "市公安局", "市住建局", "市自然资源和规划局"} <= units
    assert fgf.filter(status=ConsultationStatus.CLOSED).exists()
    river = Consultation.objects.get(topic__startswith="过江通道征迁腾地")
    owners = {r.owner_unit.short_name or r.owner_unit.name for r in river.resolutions.all()}
    assert {"斜桥镇", "过江通道建设公司", "市供电公司"} <= owners
    assert river.resolutions.filter(owner_unit__short_name="市供电公司", status=ResolutionStatus.AWAITING_SIGNOFF).exists()


def test_completion_reports_for_the_concluded_branches(demo):
    concluded = Branch.objects.filter(name__in=branches_demo.BRANCH_BY_NAME, status=BranchStatus.CONCLUDED)
    reported = set(Report.objects.filter(kind=ReportKind.COMPLETION).values_list("branch_id", flat=True))
    assert set(concluded.values_list("pk", flat=True)) <= reported
    assert Report.objects.filter(kind=ReportKind.COMPLETION, status=ReportStatus.ACKNOWLEDGED).exists()


def test_comments_by_the_leader_and_the_dispatch_chief(demo):
    authors = set(Comment.objects.values_list("author__username", flat=True))
    assert {"lingdao", "diaoduzhang", "zuzhibu"} <= authors


# ---------------------------------------------------------------- weekly reports
def test_weekly_reports_of_the_past_weeks_mostly_reviewed_some_late_some_missing(demo):
    today = clock_today()
    this_week = week_of(today)
    past = WeeklyReport.objects.exclude(iso_year=this_week.iso_year, iso_week=this_week.iso_week)
    by_status = Counter(past.values_list("status", flat=True))
    assert by_status[WeeklyReportStatus.REVIEWED] > 0.75 * past.count()
    assert past.filter(is_late=True).exists() and past.filter(status=WeeklyReportStatus.SUBMITTED).exists()
    # Returned, then resubmitted and reviewed: the history shows the return.
    assert WeeklyReport.history.filter(status=WeeklyReportStatus.RETURNED).count() > past.filter(
        status=WeeklyReportStatus.RETURNED).count()
    active = Branch.objects.filter(name__in=branches_demo.BRANCH_BY_NAME, status=BranchStatus.ACTIVE)
    weeks = [week_of(today - datetime.timedelta(days=7 * i)) for i in range(1, 9)]
    rates = []
    for week in weeks:
        expected = active.filter(formed_on__lte=week.start)
        filed = WeeklyReport.objects.filter(branch__in=expected, iso_year=week.iso_year, iso_week=week.iso_week)
        rates.append(filed.count() / expected.count())
    assert all(0.75 <= rate <= 1 for rate in rates), rates
    assert min(rates) < 1, "some weeks have a branch that did not file"


def test_this_week_some_filed_and_the_demo_secretary_not_yet(demo):
    week = current_week()
    this_week = WeeklyReport.objects.filter(iso_year=week.iso_year, iso_week=week.iso_week)
    assert not this_week.filter(branch=showcase()).exists()
    now = timezone.localtime()
    if now.weekday() or now.hour >= 10:  # nobody files before Monday morning's work starts
        assert this_week.filter(status=WeeklyReportStatus.SUBMITTED).count() >= 10
    missing = request_selectors.weekly_missing(user=user("zuzhibu"), week=week)
    assert showcase() in missing


def test_reports_dated_in_their_week_and_never_in_the_future(demo):
    now = clock_now()
    assert not WeeklyReport.objects.filter(submitted_at__gt=now).exists()
    for report in WeeklyReport.objects.exclude(submitted_at=None).exclude(is_late=True)[:200]:
        assert report.submitted_at <= report.deadline
        assert week_of(timezone.localdate(report.submitted_at)) == week_of(report.week_start)
    late = WeeklyReport.objects.filter(is_late=True).first()
    assert late.submitted_at > late.deadline
    for model, column in [(ProblemCase, "created_at"), (Instruction, "done_at"), (DecisionRequest, "submitted_at"),
                          (Notification, "created_at")]:
        assert not model.objects.filter(**{f"{column}__gt": now}).exists(), model
    assert ProblemCase.objects.filter(created_at__lt=now - datetime.timedelta(days=30)).exists()


def test_reports_carry_the_readings_and_this_weeks_move_the_indicators(demo):
    linked = WeeklyReportReading.objects.filter(indicator_reading__isnull=False).select_related("indicator_reading")
    assert linked.count() > 100
    assert all(row.value == row.indicator_reading.value for row in linked[:100])
    today = clock_today()
    moved = IndicatorReading.objects.filter(source=ReadingSource.WEEKLY_REPORT, recorded_on=today)
    assert moved.exists()
    for reading in moved:
        assert reading.indicator.current_value == reading.value


def test_the_lights_stay_what_the_rule_computes(demo):
    for project in Project.objects.exclude(status__in=[ProjectStatus.COMPLETED, ProjectStatus.CANCELLED]):
        assert project.light == project_light_figures(project).light, project.name


# ---------------------------------------------------------------- the demo accounts' desks
def test_the_secretary_has_this_weeks_report_to_file_and_a_problem_to_verify(demo):
    shuji = user("shuji")
    [desk] = request_selectors_desks.secretary_desk(shuji)
    assert desk.branch == showcase() and desk.report is None
    to_verify = [p for p in desk.problems if p.status == ProblemStatus.RESOLVED]
    assert to_verify
    assert problem_selectors.VERIFIER in problem_selectors.problem_roles(to_verify[0], shuji)
    assert any(r.status == DecisionRequestStatus.DRAFT for r in desk.requests)


def test_the_dispatch_chief_has_instructions_to_verify_and_a_session_due(demo):
    chief = user("diaoduzhang")
    cockpit = dispatch_selectors_desks.cockpit(chief)
    assert cockpit.awaiting_verification and cockpit.overdue_instructions and cockpit.open_problems
    assert cockpit.due
    assert any(r.project.name == "澄靖第二过江通道靖江段房屋征迁" for r in cockpit.due)
    instruction = cockpit.awaiting_verification[0]
    assert dispatch_selectors_dispatch.instruction_actions(instruction, chief)["verify"]
    sessions = Dispatch.objects.filter(project__dispatch_chief=chief)
    assert sessions.exclude(notes="").count() == sessions.count() > 10
    assert all(s.agenda is not None for s in sessions)


def test_the_liaison_sees_their_units_items_awaiting_action(demo):
    liaison = user("lianluoyuan")
    assert has_role(liaison, Role.UNIT_LIAISON)
    home = dispatch_selectors_desks.liaison_home(liaison)
    waiting = [p for p in home.problems if p.status == ProblemStatus.ANALYSED and p.is_lead]
    assert waiting and waiting[0].accept_due_on >= clock_today()
    assert problem_selectors.LIAISON in problem_selectors.problem_roles(waiting[0], liaison)
    assert mechanism_selectors.visible_problems(liaison).filter(pk=waiting[0].pk).exists()
    open_instructions = [
        i for i in home.instructions
        if i.status in (InstructionStatus.ISSUED, InstructionStatus.ACKNOWLEDGED) and i.deadline >= clock_today()
    ]
    assert open_instructions
    assert dispatch_selectors_dispatch.is_instruction_assignee(liaison, open_instructions[0])
    assert mechanism_selectors_dispatch.visible_instructions(liaison).filter(pk=open_instructions[0].pk).exists()
    sign = [r for r in home.resolutions if r.status == ResolutionStatus.AWAITING_SIGNOFF]
    assert sign and dispatch_selectors_common.can_act_for_unit(liaison, sign[0])
    assert mechanism_selectors_consultation.visible_resolutions(liaison).filter(pk=sign[0].pk).exists()


def test_the_department_has_requests_to_answer_and_reports_to_review(demo):
    staff = user("zuzhibu")
    assert request_selectors_requests.answerable_decision_requests(staff).filter(status=DecisionRequestStatus.SUBMITTED).exists()
    assert request_selectors.reviewable_weekly_reports(staff).filter(status=WeeklyReportStatus.SUBMITTED).count() >= 10
    assert request_selectors_requests.acknowledgeable_reports(staff).filter(status=ReportStatus.SUBMITTED).exists()
    # One request is past its reply deadline: the reminders have something to say.
    today = clock_today()
    assert DecisionRequest.objects.filter(status=DecisionRequestStatus.SUBMITTED, reply_due_on__lt=today).exists()


def test_the_people_who_act_have_logins_with_their_roles(demo):
    # Every staffed active branch's secretary files their own reports.
    active = Branch.objects.filter(name__in=branches_demo.BRANCH_BY_NAME, status=BranchStatus.ACTIVE)
    for branch in active.exclude(name=branches_demo.BARE_PROPOSAL):
        reports = WeeklyReport.objects.filter(branch=branch).exclude(submitted_by=None).select_related(
            "submitted_by__person")
        assert reports.exists(), branch.name
        assert {r.submitted_by.person.memberships.get(branch=branch, left_on=None).role for r in reports} == {"secretary"}
    # The units that answer problems act through their own liaison.
    answered = ProblemCase.objects.exclude(accepted_at=None).select_related("responsible_unit")
    for problem in answered:
        liaisons = problem_selectors.unit_liaisons([problem.responsible_unit_id])
        assert liaisons, problem.responsible_unit
