"""The problem-analysis services: every transition, who may make it, and every refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from branches.models import BranchStatus
from core.workflow import TransitionError
from mechanisms.models import (
    AssignmentStatus,
    DeadlineExtension,
    ExtensionStatus,
    Notification,
    NotificationKind,
    ProblemAssignment,
    ProblemCase,
    ProblemSource,
    ProblemStatus,
    Satisfaction,
)
from mechanisms.problems import services
from tests.mechanisms import problems_world as pw
from tests.mechanisms.problems_world import EVE_OF_NATIONAL_DAY, accepted, analysed, reported, resolved

# The shared fixtures of the problem tests.
world_once, world, english = pw.world_once, pw.world, pw.english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = datetime.date


def notes_of(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    return list(qs.filter(kind=kind) if kind else qs)


# ---------------------------------------------------------------- report
class TestReport:
    def test_secretary_reports_and_the_history_says_who(self, world):
        problem = reported(world)
        assert problem.status == ProblemStatus.REPORTED
        assert problem.created_by == world.secretary
        row = problem.history.get()
        assert row.history_user == world.secretary and row.history_type == "+"

    def test_staff_reports_and_the_secretary_is_told(self, world):
        problem = reported(world, by=world.staff)
        [note] = notes_of(world.secretary)
        assert problem.title in note.title
        assert note.url == f"/mechanisms/problems/{problem.pk}/"

    def test_the_dispatch_chief_may_raise_one_from_a_session(self, world):
        problem = reported(world, by=world.chief, source=ProblemSource.DISPATCH)
        assert problem.source == ProblemSource.DISPATCH

    @pytest.mark.parametrize("who", ["leader", "member", "liaison", "other_secretary", "staff_b"])
    def test_others_may_not_report(self, world, who):
        with pytest.raises(TransitionError):
            reported(world, by=getattr(world, who))
        assert not ProblemCase.objects.exists()

    def test_no_problems_for_an_ended_branch(self, world):
        world.branch.status = BranchStatus.DISSOLVED
        world.branch.save()
        with pytest.raises(ValidationError, match="ended"):
            reported(world)

    def test_whistle_names_the_enterprise(self, world):
        problem = reported(world, whistle=True)
        assert problem.is_whistle and problem.enterprise_name == "江苏恒达精密机械有限公司"
        with pytest.raises(ValidationError) as exc:
            reported(world, whistle=True, enterprise_name="  ")
        assert "enterprise_name" in exc.value.error_dict

    def test_enterprise_details_are_dropped_when_not_a_whistle(self, world):
        problem = reported(world, enterprise_name="某公司")
        assert problem.enterprise_name == ""

    def test_member_source_needs_a_serving_member(self, world):
        with pytest.raises(ValidationError) as exc:
            reported(world, source=ProblemSource.MEMBER)
        assert "raised_by_person" in exc.value.error_dict
        with pytest.raises(ValidationError):
            reported(world, source=ProblemSource.MEMBER, raised_by_person=world.other_secretary.person)
        problem = reported(world, source=ProblemSource.MEMBER, raised_by_person=world.member_person)
        assert problem.raised_by_person == world.member_person

    def test_project_of_another_branch_is_refused(self, world):
        with pytest.raises(ValidationError) as exc:
            reported(world, project=world.other_project)
        assert "project" in exc.value.error_dict


# ---------------------------------------------------------------- analyse
class TestAnalyse:
    def test_deadlines_are_counted_in_working_days(self, world):
        """Analysed on Wed Sep 30 2026, the eve of the National Day week (Oct 1–7 off, Sat
        Oct 10 worked): accept by Oct 8 (1 working day), co-units answer by Sat Oct 10 (3),
        the default deadline and the enterprise's answer fall on Oct 15 (7)."""
        problem = analysed(world, whistle=True)
        assert problem.status == ProblemStatus.ANALYSED
        assert problem.responsible_unit == world.land
        assert problem.accept_due_on == D(2026, 10, 8)
        assert problem.answer_due_on == D(2026, 10, 15)
        assert problem.deadline == D(2026, 10, 15)
        [assignment] = problem.assignments.all()
        assert assignment.unit == world.power and assignment.due_on == D(2026, 10, 10)
        assert assignment.status == AssignmentStatus.PENDING

    def test_the_limits_come_from_settings(self, world, settings):
        settings.PROBLEM_TIME_LIMITS = {"accept": 2, "co_unit_answer": 1}
        problem = analysed(world)
        assert problem.accept_due_on == D(2026, 10, 9)
        assert problem.assignments.get().due_on == D(2026, 10, 8)
        assert problem.answer_due_on is None  # not a whistle

    def test_units_are_told(self, world):
        problem = analysed(world)
        [lead] = notes_of(world.liaison, NotificationKind.ASSIGNED)
        [co] = notes_of(world.co_liaison, NotificationKind.ASSIGNED)
        assert problem.title in lead.title and "2026-10-08" in lead.body
        assert "2026-10-10" in co.body
        assert not notes_of(world.other_liaison)

    def test_staff_may_analyse(self, world):
        problem = reported(world)
        services.problem_analyse(
            problem=problem, by=world.staff, conclusion="结论", responsible_unit=world.land, today=EVE_OF_NATIONAL_DAY
        )
        problem.refresh_from_db()
        assert problem.analysed_by == world.staff

    @pytest.mark.parametrize("who", ["leader", "chief", "liaison", "other_secretary", "staff_b", "member"])
    def test_others_may_not_analyse(self, world, who):
        problem = reported(world)
        with pytest.raises(TransitionError):
            services.problem_analyse(
                problem=problem, by=getattr(world, who), conclusion="结论", responsible_unit=world.land
            )
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.REPORTED

    def test_wrong_state_refused(self, world):
        problem = analysed(world)
        with pytest.raises(TransitionError, match="cannot become"):
            services.problem_analyse(problem=problem, by=world.secretary, conclusion="再研判", responsible_unit=world.land)

    def test_input_refusals(self, world):
        problem = reported(world)
        with pytest.raises(ValidationError) as exc:
            services.problem_analyse(problem=problem, by=world.secretary, conclusion=" ", responsible_unit=world.land)
        assert "conclusion" in exc.value.error_dict
        with pytest.raises(ValidationError) as exc:
            services.problem_analyse(
                problem=problem, by=world.secretary, conclusion="结论", responsible_unit=world.land, co_units=[world.land]
            )
        assert "co_units" in exc.value.error_dict
        with pytest.raises(ValidationError) as exc:
            services.problem_analyse(
                problem=problem, by=world.secretary, conclusion="结论", responsible_unit=world.land,
                deadline=D(2026, 9, 1), today=EVE_OF_NATIONAL_DAY,
            )
        assert "deadline" in exc.value.error_dict
        with pytest.raises(ValidationError) as exc:  # a unit of another city
            services.problem_analyse(
                problem=problem, by=world.secretary, conclusion="结论", responsible_unit=world.committee_b,
            )
        assert "responsible_unit" in exc.value.error_dict


# ---------------------------------------------------------------- accept / object
class TestAcceptAndObject:
    def test_accept(self, world):
        problem = analysed(world)
        problem = services.problem_accept(problem=problem, by=world.liaison)
        assert problem.status == ProblemStatus.ACCEPTED and problem.accepted_at
        assert notes_of(world.secretary, NotificationKind.ANSWERED)

    @pytest.mark.parametrize("who", ["co_liaison", "other_liaison", "secretary", "staff", "chief"])
    def test_only_the_responsible_units_liaison_accepts(self, world, who):
        problem = analysed(world)
        with pytest.raises(TransitionError):
            services.problem_accept(problem=problem, by=getattr(world, who))

    def test_accept_twice_refused(self, world):
        problem = accepted(world)
        with pytest.raises(TransitionError):
            services.problem_accept(problem=problem, by=world.liaison)

    def test_object_within_one_working_day_goes_back_for_reassignment(self, world):
        problem = analysed(world)
        # Oct 8 is the first working day after Sep 30: still in time.
        problem = services.problem_object(problem=problem, by=world.liaison, reason="不属本单位职责", today=D(2026, 10, 8))
        assert problem.status == ProblemStatus.OBJECTED and problem.objection == "不属本单位职责"
        [note] = notes_of(world.secretary, NotificationKind.RETURNED)
        assert "不属本单位职责" in note.body
        # The branch assigns it again, to another unit; the old liaison loses sight of it.
        problem = services.problem_analyse(
            problem=problem, by=world.secretary, conclusion="改由行政审批局牵头", responsible_unit=world.department_a,
            co_units=[], today=D(2026, 10, 8),
        )
        assert problem.status == ProblemStatus.ANALYSED and problem.responsible_unit == world.department_a
        assert problem.accept_due_on == D(2026, 10, 9)
        assert not problem.assignments.exists()
        assert problem.history.first().history_change_reason == "Assigned again after an objection"

    def test_object_after_one_working_day_refused(self, world):
        problem = analysed(world)
        # Fri Oct 9 is the second working day after Sep 30 (the holiday week does not count).
        with pytest.raises(TransitionError, match="2026-10-08") as exc:
            services.problem_object(problem=problem, by=world.liaison, reason="不属本单位职责", today=D(2026, 10, 9))
        assert exc.value.code == "objection_too_late"
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.ANALYSED
        # Accepting late is still possible: the unit must handle it.
        services.problem_accept(problem=problem, by=world.liaison)

    def test_object_needs_a_reason_and_the_right_actor(self, world):
        problem = analysed(world)
        with pytest.raises(ValidationError):
            services.problem_object(problem=problem, by=world.liaison, reason="", today=D(2026, 10, 8))
        with pytest.raises(TransitionError):
            services.problem_object(problem=problem, by=world.co_liaison, reason="x", today=D(2026, 10, 8))

    def test_object_after_accepting_refused(self, world):
        problem = accepted(world)
        with pytest.raises(TransitionError):
            services.problem_object(problem=problem, by=world.liaison, reason="x", today=D(2026, 10, 8))


# ---------------------------------------------------------------- resolve / verify
class TestResolveAndVerify:
    def test_resolve_with_evidence(self, world):
        from django.core.files.uploadedfile import SimpleUploadedFile

        problem = accepted(world)
        photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png")
        problem = services.problem_resolve(problem=problem, by=world.liaison, resolution="已办结", evidence=[photo])
        assert problem.status == ProblemStatus.RESOLVED and problem.resolved_at
        from mechanisms.common.selectors import record_extras

        [attachment] = record_extras(problem)["attachments"]
        assert attachment.original_name == "现场.png" and attachment.content_type == "image/png"
        assert notes_of(world.secretary, NotificationKind.ANSWERED)
        assert notes_of(world.chief, NotificationKind.ANSWERED)

    def test_a_refused_file_refuses_the_resolution(self, world):
        from django.core.files.uploadedfile import SimpleUploadedFile

        problem = accepted(world)
        bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 10)
        with pytest.raises(ValidationError):
            services.problem_resolve(problem=problem, by=world.liaison, resolution="已办结", evidence=[bad])
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.ACCEPTED

    def test_resolve_refusals(self, world):
        problem = analysed(world)
        with pytest.raises(TransitionError):  # not accepted yet
            services.problem_resolve(problem=problem, by=world.liaison, resolution="x")
        problem = services.problem_accept(problem=problem, by=world.liaison)
        with pytest.raises(TransitionError):  # wrong actor
            services.problem_resolve(problem=problem, by=world.secretary, resolution="x")
        with pytest.raises(ValidationError):
            services.problem_resolve(problem=problem, by=world.liaison, resolution=" ")

    @pytest.mark.parametrize("who", ["secretary", "chief"])
    def test_secretary_or_dispatch_chief_verifies_and_closes(self, world, who):
        problem = resolved(world)
        problem = services.problem_verify(problem=problem, by=getattr(world, who), approve=True, note="现场核实")
        assert problem.status == ProblemStatus.CLOSED and problem.verified_by == getattr(world, who)
        assert problem.satisfaction == ""
        assert notes_of(world.liaison, NotificationKind.INFO)

    @pytest.mark.parametrize("who", ["staff", "leader", "liaison", "other_secretary", "member"])
    def test_others_may_not_verify(self, world, who):
        problem = resolved(world)
        with pytest.raises(TransitionError):
            services.problem_verify(problem=problem, by=getattr(world, who), approve=True)

    def test_whistle_needs_satisfaction_to_close(self, world):
        problem = resolved(world, whistle=True, co_units=[])
        with pytest.raises(ValidationError) as exc:
            services.problem_verify(problem=problem, by=world.secretary, approve=True)
        assert "satisfaction" in exc.value.error_dict
        problem = services.problem_verify(
            problem=problem, by=world.secretary, approve=True, satisfaction=Satisfaction.SATISFIED
        )
        assert problem.status == ProblemStatus.CLOSED and problem.satisfaction == Satisfaction.SATISFIED

    def test_refused_verification_goes_back_to_the_unit(self, world):
        problem = resolved(world)
        with pytest.raises(ValidationError):
            services.problem_verify(problem=problem, by=world.secretary, approve=False)
        problem = services.problem_verify(problem=problem, by=world.secretary, approve=False, note="企业反映仍未通电")
        assert problem.status == ProblemStatus.ACCEPTED and problem.resolved_at is None
        [note] = notes_of(world.liaison, NotificationKind.RETURNED)
        assert "企业反映仍未通电" in note.body
        # The unit resolves it again.
        services.problem_resolve(problem=problem, by=world.liaison, resolution="已通电")

    def test_verify_wrong_state(self, world):
        problem = accepted(world)
        with pytest.raises(TransitionError):
            services.problem_verify(problem=problem, by=world.secretary, approve=True)

    def test_a_closed_problem_moves_no_more(self, world):
        problem = services.problem_verify(problem=resolved(world, co_units=[]), by=world.secretary, approve=True)
        for call in (
            lambda: services.problem_verify(problem=problem, by=world.secretary, approve=False, note="x"),
            lambda: services.problem_accept(problem=problem, by=world.liaison),
            lambda: services.problem_analyse(problem=problem, by=world.secretary, conclusion="x", responsible_unit=world.land),
        ):
            with pytest.raises(TransitionError):
                call()


class TestConstraints:
    def test_only_whistles_record_satisfaction(self, world):
        problem = reported(world)
        with pytest.raises(IntegrityError), transaction.atomic():
            ProblemCase.objects.filter(pk=problem.pk).update(satisfaction=Satisfaction.SATISFIED)

    def test_a_closed_whistle_has_satisfaction(self, world):
        problem = reported(world, whistle=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            ProblemCase.objects.filter(pk=problem.pk).update(status=ProblemStatus.CLOSED)


# ---------------------------------------------------------------- co-operating units
class TestClosingWithCoUnits:
    def test_without_remarks_a_case_waits_for_every_co_unit(self, world):
        problem = resolved(world)
        with pytest.raises(ValidationError) as exc:
            services.problem_verify(problem=problem, by=world.secretary, approve=True)
        assert "note" in exc.value.error_dict and world.power.name in str(exc.value)
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.RESOLVED

    def test_a_case_whose_co_units_answered_closes_without_remarks(self, world):
        problem = accepted(world)
        services.assignment_answer(assignment=problem.assignments.get(), by=world.co_liaison, answer="已配合完成接电")
        problem = services.problem_resolve(problem=problem, by=world.liaison, resolution="已通电")
        problem = services.problem_verify(problem=problem, by=world.secretary, approve=True)
        assert problem.status == ProblemStatus.CLOSED

    def test_closing_before_a_co_unit_answered_is_a_recorded_decision(self, world):
        problem = services.problem_verify(problem=resolved(world), by=world.secretary, approve=True, note="供电公司已口头确认，不再等待书面答复")
        assert problem.status == ProblemStatus.CLOSED
        assert problem.verification_note == "供电公司已口头确认，不再等待书面答复"
        last = problem.history.order_by("-history_date").first()
        assert world.power.name in last.history_change_reason


class TestAssignmentAnswer:
    def test_co_unit_answers_and_the_lead_unit_hears(self, world):
        problem = analysed(world)
        assignment = problem.assignments.get()
        assignment = services.assignment_answer(assignment=assignment, by=world.co_liaison, answer="已出具供电方案初稿")
        assert assignment.status == AssignmentStatus.ANSWERED and assignment.answered_by == world.co_liaison
        [note] = notes_of(world.liaison, NotificationKind.ANSWERED)
        assert "已出具供电方案初稿" in note.body

    @pytest.mark.parametrize("who", ["liaison", "other_liaison", "secretary"])
    def test_only_the_co_units_liaison_answers(self, world, who):
        assignment = analysed(world).assignments.get()
        with pytest.raises(TransitionError):
            services.assignment_answer(assignment=assignment, by=getattr(world, who), answer="x")

    def test_answer_twice_or_after_resolution_refused(self, world):
        problem = analysed(world)
        assignment = problem.assignments.get()
        services.assignment_answer(assignment=assignment, by=world.co_liaison, answer="第一次")
        with pytest.raises(TransitionError):
            services.assignment_answer(assignment=assignment, by=world.co_liaison, answer="第二次")
        other = resolved(world)
        with pytest.raises(TransitionError, match="no longer answer"):
            services.assignment_answer(assignment=other.assignments.get(), by=world.co_liaison, answer="x")


# ---------------------------------------------------------------- deadline extensions
class TestExtensions:
    def test_request_before_the_deadline_and_approve(self, world):
        problem = accepted(world)  # deadline Oct 15
        extension = services.extension_request(
            problem=problem, by=world.liaison, requested_until=D(2026, 10, 30), reason="需等待电网改造", today=D(2026, 10, 15)
        )
        assert extension.status == ExtensionStatus.PENDING and extension.previous_deadline == D(2026, 10, 15)
        assert notes_of(world.secretary, NotificationKind.ASSIGNED)
        assert notes_of(world.chief, NotificationKind.ASSIGNED)
        extension = services.extension_decide(extension=extension, by=world.chief, approve=True, note="同意")
        problem.refresh_from_db()
        assert extension.status == ExtensionStatus.APPROVED and problem.deadline == D(2026, 10, 30)
        assert notes_of(world.liaison, NotificationKind.ANSWERED)

    def test_request_after_the_deadline_refused(self, world):
        problem = accepted(world)
        with pytest.raises(TransitionError, match="has passed") as exc:
            services.extension_request(
                problem=problem, by=world.liaison, requested_until=D(2026, 10, 30), reason="x", today=D(2026, 10, 16)
            )
        assert exc.value.code == "extension_too_late"
        assert not DeadlineExtension.objects.exists()

    def test_request_refusals(self, world):
        problem = accepted(world)
        with pytest.raises(TransitionError):  # wrong actor
            services.extension_request(problem=problem, by=world.secretary, requested_until=D(2026, 10, 30), reason="x")
        with pytest.raises(ValidationError):  # not later
            services.extension_request(
                problem=problem, by=world.liaison, requested_until=D(2026, 10, 15), reason="x", today=D(2026, 10, 8)
            )
        services.extension_request(
            problem=problem, by=world.liaison, requested_until=D(2026, 10, 30), reason="x", today=D(2026, 10, 8)
        )
        with pytest.raises(ValidationError, match="already pending"):
            services.extension_request(
                problem=problem, by=world.liaison, requested_until=D(2026, 11, 30), reason="y", today=D(2026, 10, 8)
            )
        reported_only = reported(world)
        with pytest.raises(TransitionError):  # no deadline yet
            services.extension_request(problem=reported_only, by=world.liaison, requested_until=D(2026, 10, 30), reason="x")

    @pytest.mark.parametrize("who", ["secretary", "staff"])
    def test_secretary_or_staff_refuse(self, world, who):
        problem = accepted(world)
        extension = services.extension_request(
            problem=problem, by=world.liaison, requested_until=D(2026, 10, 30), reason="x", today=D(2026, 10, 8)
        )
        services.extension_decide(extension=extension, by=getattr(world, who), approve=False, note="请按期办结")
        problem.refresh_from_db()
        assert problem.deadline == D(2026, 10, 15)
        assert notes_of(world.liaison, NotificationKind.RETURNED)

    @pytest.mark.parametrize("who", ["leader", "liaison", "other_secretary", "staff_b"])
    def test_others_may_not_decide(self, world, who):
        extension = services.extension_request(
            problem=accepted(world), by=world.liaison, requested_until=D(2026, 10, 30), reason="x", today=D(2026, 10, 8)
        )
        with pytest.raises(TransitionError):
            services.extension_decide(extension=extension, by=getattr(world, who), approve=True)

    def test_decided_once(self, world):
        extension = services.extension_request(
            problem=accepted(world), by=world.liaison, requested_until=D(2026, 10, 30), reason="x", today=D(2026, 10, 8)
        )
        services.extension_decide(extension=extension, by=world.secretary, approve=False)
        with pytest.raises(TransitionError):
            services.extension_decide(extension=extension, by=world.secretary, approve=True)


# ---------------------------------------------------------------- escalation
class TestEscalation:
    def test_overdue_open_problems_escalate_once_to_the_dispatch_chief(self, world):
        overdue = accepted(world)  # deadline Oct 15
        on_time = accepted(world, title="另一个问题", deadline=D(2026, 10, 31))
        closed = services.problem_verify(problem=resolved(world, title="已办结", co_units=[]), by=world.secretary, approve=True)
        waiting = resolved(world, title="待核实")
        assert services.problem_escalate_overdue(today=D(2026, 10, 16)) == [overdue.pk]
        overdue.refresh_from_db()
        assert overdue.escalated_at is not None
        [note] = notes_of(world.chief, NotificationKind.ESCALATED)
        assert overdue.title in note.title and "2026-10-15" in note.body
        assert notes_of(world.secretary, NotificationKind.ESCALATED)
        # A second sweep the same day, or the next, escalates nothing again.
        assert services.problem_escalate_overdue(today=D(2026, 10, 16)) == []
        assert services.problem_escalate_overdue(today=D(2026, 10, 20)) == []
        assert len(notes_of(world.chief, NotificationKind.ESCALATED)) == 1
        for p in (on_time, closed, waiting):
            p.refresh_from_db()
            assert p.escalated_at is None
        assert overdue.history.first().history_change_reason == "Overdue: escalated to the dispatch chief"

    def test_without_a_project_the_branchs_dispatch_chiefs_hear(self, world):
        problem = accepted(world, project=None)
        assert services.problem_escalate_overdue(today=D(2026, 10, 16)) == [problem.pk]
        assert notes_of(world.chief, NotificationKind.ESCALATED)

    def test_an_approved_extension_restarts_the_clock(self, world):
        problem = accepted(world)
        extension = services.extension_request(
            problem=problem, by=world.liaison, requested_until=D(2026, 10, 20), reason="x", today=D(2026, 10, 15)
        )
        assert services.problem_escalate_overdue(today=D(2026, 10, 16)) == [problem.pk]
        services.extension_decide(extension=extension, by=world.secretary, approve=True)
        problem.refresh_from_db()
        assert problem.escalated_at is None
        assert services.problem_escalate_overdue(today=D(2026, 10, 19)) == []
        assert services.problem_escalate_overdue(today=D(2026, 10, 21)) == [problem.pk]


def test_notifications_are_not_sent_when_the_write_rolls_back(world):
    """notify() writes rows in the transaction: a refused analysis leaves none behind."""
    problem = reported(world)
    before = Notification.objects.count()
    with pytest.raises(ValidationError):
        services.problem_analyse(
            problem=problem, by=world.secretary, conclusion="结论", responsible_unit=world.land, co_units=[world.land]
        )
    assert Notification.objects.count() == before
    assert not ProblemAssignment.objects.exists()
