"""The mechanisms' timeline of a branch and of a project: created records and status changes of
every mechanism, newest first, in a constant number of queries."""

import datetime
import itertools

import pytest
from django.urls import reverse

from mechanisms.models import (
    Consultation,
    ConsultationStatus,
    DecisionRequest,
    DecisionRequestStatus,
    Dispatch,
    DispatchStatus,
    Instruction,
    InstructionStatus,
    ProblemCase,
    Report,
    ReportKind,
    WeeklyReport,
    WeeklyReportStatus,
)
from mechanisms.problems import services
from mechanisms.timeline.selectors import KINDS, branch_timeline, project_timeline
from tests.clock import clock_now, clock_today
from tests.mechanisms import problems_world as pw
from tests.mechanisms.problems_world import analysed, reported
from tests.utils import count_queries

world_once, world, english, client_for = pw.world_once, pw.world, pw.english, pw.client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


_weeks = itertools.count()


def _save(obj, by, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user = by
    obj.save()
    return obj


def fill(w, n: int, *, branch=None, project=None, by=None):
    """``n`` records of every mechanism in ``branch``/``project``, each moved one status on."""
    branch = branch or w.branch
    project = project or w.project
    by = by or w.secretary
    today = clock_today()
    for i in range(n):
        dispatch = Dispatch(project=project, branch=branch, held_on=today, created_by=by)
        _save(dispatch, by)
        _save(dispatch, by, status=DispatchStatus.RECORDED)
        instruction = Instruction(
            project=project, branch=branch, title=f"督办事项{i}", assignee_unit=w.land, issued_on=today,
            deadline=today + datetime.timedelta(days=7), created_by=by,
        )
        _save(instruction, by)
        _save(instruction, by, status=InstructionStatus.ACKNOWLEDGED)
        consultation = Consultation(branch=branch, project=project, lead_unit=w.land, topic=f"会商{i}", held_on=today)
        _save(consultation, by)
        _save(consultation, by, status=ConsultationStatus.HELD)
        request = DecisionRequest(branch=branch, title=f"请示{i}", content="关于安置房选址的请示")
        _save(request, by)
        _save(request, by, status=DecisionRequestStatus.SUBMITTED)
        report = Report(branch=branch, kind=ReportKind.SPECIAL, title=f"专项报告{i}", content="情况报告")
        _save(report, by)
        _save(report, by, title=f"专项报告{i}（修订）")  # no status change: not an event
        k = next(_weeks)
        weekly = WeeklyReport(
            branch=branch, iso_year=2026 - k // 50, iso_week=10 + k % 40,
            week_start=datetime.date(2026, 3, 2), deadline=clock_now(), created_by=by,
        )
        _save(weekly, by)
        _save(weekly, by, status=WeeklyReportStatus.SUBMITTED)


class TestBranchTimeline:
    def test_every_mechanism_appears_newest_first(self, world):
        problem = analysed(world, title="用电增容卡在供电方案")
        fill(world, 1)
        events = branch_timeline(world.branch, world.staff, limit=100)
        kinds = {e.kind_label for e in events}
        assert kinds == {str(k.model._meta.verbose_name) for k in KINDS}
        assert [e.when for e in events] == sorted((e.when for e in events), reverse=True)
        problem_events = [e for e in events if e.title == problem.title]
        assert [(e.created, e.status) for e in problem_events] == [(False, "analysed"), (True, "reported")]
        assert problem_events[0].url == reverse("mechanisms:problem_detail", args=[problem.pk])
        assert problem_events[0].who == world.secretary.get_full_name()
        # A save that did not change the status is not an event.
        reports = [e for e in events if e.kind_label == str(Report._meta.verbose_name)]
        assert len(reports) == 1 and reports[0].created

    def test_other_branches_stay_out(self, world):
        reported(world, by=world.other_secretary, branch=world.other_branch, title="另一支部的问题")
        fill(world, 1, branch=world.other_branch, project=world.other_project, by=world.other_secretary)
        assert branch_timeline(world.branch, world.staff) == []
        assert branch_timeline(world.other_branch, world.staff)

    def test_limit(self, world):
        fill(world, 3)
        assert len(branch_timeline(world.branch, world.staff, limit=5)) == 5

    def test_constant_queries(self, world):
        """One query per record type, whatever the number of records and events."""
        fill(world, 1)
        analysed(world)
        branch_timeline(world.branch, world.staff)  # the user's roles are read once per request
        small, _ = count_queries(branch_timeline, world.branch, world.staff)
        fill(world, 15)
        for _ in range(10):
            analysed(world)
        large, events = count_queries(branch_timeline, world.branch, world.staff)
        assert small == large == len(KINDS)
        assert len(events) == 30


class TestProjectTimeline:
    def test_project_records_and_the_branchs_reports(self, world):
        mine = reported(world, title="本项目的问题")
        elsewhere = reported(world, title="支部的其他问题", project=None)
        fill(world, 1)
        events = project_timeline(world.project, world.chief, limit=100)
        titles = {e.title for e in events}
        assert mine.title in titles and elsewhere.title not in titles
        assert "请示0" in titles and any(t.startswith("2026-W") for t in titles)  # requests and weekly reports speak for the branch
        assert "督办事项0" in titles and "会商0" in titles

    def test_constant_queries(self, world):
        fill(world, 1)
        project_timeline(world.project, world.chief)  # the user's roles are read once per request
        small, _ = count_queries(project_timeline, world.project, world.chief)
        fill(world, 10)
        large, _ = count_queries(project_timeline, world.project, world.chief)
        assert small == large == len(KINDS)

    def test_only_what_the_user_may_see(self, world):
        """A timeline never shows a record its reader could not open."""
        reported(world, title="支部问题")
        assert project_timeline(world.project, world.other_liaison) == []

    @pytest.mark.parametrize("reader", ["member", "liaison"])
    def test_every_event_opens_for_its_reader(self, world, client_for, reader):
        """A member or a liaison of the branch sees its timeline, but the requests, reports
        and weekly reports are pages of the office roles (404 for them): not their events."""
        analysed(world, title="用电增容卡在供电方案")
        fill(world, 1)
        user = getattr(world, reader)
        events = branch_timeline(world.branch, user, limit=100) + project_timeline(world.project, user, limit=100)
        kinds = {e.kind_label for e in events}
        assert str(ProblemCase._meta.verbose_name) in kinds
        assert not kinds & {str(m._meta.verbose_name) for m in (DecisionRequest, Report, WeeklyReport)}
        client = client_for(user)
        assert {e.url: client.get(e.url).status_code for e in events} == {e.url: 200 for e in events}


class TestPartial:
    def test_partial_renders_the_events(self, world, client_for):
        problem = analysed(world, title="用电增容卡在供电方案")
        services.problem_accept(problem=problem, by=world.liaison)
        fill(world, 1)
        body = client_for(world.secretary).get(reverse("mechanisms:branch_timeline", args=[world.branch.pk])).content.decode()
        assert 'data-testid="mechanism-timeline"' in body and "<html" not in body
        assert "用电增容卡在供电方案" in body and "Accepted by the unit" in body and "督办事项0" in body

    def test_empty_partial(self, world, client_for):
        body = client_for(world.staff).get(reverse("mechanisms:project_timeline", args=[world.other_project.pk])).content.decode()
        assert 'data-testid="timeline-empty"' in body
