"""推进调度 writes: every transition of dispatch sessions and instructions, and every refusal
(wrong actor → PermissionDenied, wrong state → TransitionError), with their notifications."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from core.workflow import TransitionError
from mechanisms.dispatch import services as svc
from mechanisms.models import (
    Dispatch,
    DispatchStatus,
    Instruction,
    InstructionStatus,
    Notification,
    NotificationKind,
)
from projects.models import ProjectStatus
from projects.services import project_transition
from tests.mechanisms.dispatch_world import (
    build_world,
    days,
    make_indicator,
    make_instruction,
    make_problem,
    today,
)
from tests.shared_world import shared_world

world_once, world = shared_world(build_world)  # built once per module: tests/shared_world.py


def issue(w, *, by=None, unit=None, user=None, deadline=7, **kwargs):
    return svc.instruction_issue(
        project=w.project, by=by or w.chief, title="完成剩余30户入户评估", deadline=days(deadline),
        assignee_unit=unit if unit is not None or user is not None else w.town_a, assignee_user=user, **kwargs,
    )


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


# ---------------------------------------------------------------- dispatch sessions
class TestDispatchSessions:
    def test_chief_opens_a_draft_with_the_agenda_pre_filled(self, world):
        make_indicator(project=world.project, by=world.staff, name="搬迁户数", target="225", current="10")
        dispatch = svc.dispatch_create(project=world.project, by=world.chief, held_on=today(), notes="研究补偿方案")
        assert dispatch.status == DispatchStatus.DRAFT
        assert dispatch.branch == world.project.branch
        assert [item["title"] for item in dispatch.agenda] == ["搬迁户数"]
        assert dispatch.history.first().history_user == world.chief

    def test_recording_keeps_the_agenda_as_it_stands_that_day(self, world):
        dispatch = svc.dispatch_create(project=world.project, by=world.chief, held_on=today())
        assert dispatch.agenda == []
        make_problem(project=world.project, by=world.secretary, title="补偿标准争议")
        recorded = svc.dispatch_record(dispatch=dispatch, by=world.chief)
        assert recorded.status == DispatchStatus.RECORDED
        assert recorded.recorded_at is not None
        assert [item["title"] for item in reload(dispatch).agenda] == ["补偿标准争议"]
        assert reload(dispatch).history.first().history_user == world.chief

    def test_create_and_record_at_once(self, world):
        dispatch = svc.dispatch_create(project=world.project, by=world.staff, held_on=today(), record=True)
        assert dispatch.status == DispatchStatus.RECORDED

    def test_recording_twice_is_refused(self, world):
        dispatch = svc.dispatch_create(project=world.project, by=world.chief, held_on=today(), record=True)
        with pytest.raises(TransitionError):
            svc.dispatch_record(dispatch=dispatch, by=world.chief)

    def test_a_recorded_session_cannot_be_changed(self, world):
        dispatch = svc.dispatch_create(project=world.project, by=world.chief, held_on=today(), record=True)
        with pytest.raises(TransitionError):
            svc.dispatch_update(dispatch=dispatch, by=world.chief, notes="改写")

    def test_a_draft_can_be_changed(self, world):
        dispatch = svc.dispatch_create(project=world.project, by=world.chief, held_on=today())
        svc.dispatch_update(dispatch=dispatch, by=world.chief, notes="补充：明确责任单位")
        assert reload(dispatch).notes == "补充：明确责任单位"

    def test_a_session_in_the_future_cannot_be_recorded(self, world):
        with pytest.raises(ValidationError) as exc:
            svc.dispatch_create(project=world.project, by=world.chief, held_on=days(2), record=True)
        assert "held_on" in exc.value.error_dict
        assert not Dispatch.objects.filter(status=DispatchStatus.RECORDED).exists()

    @pytest.mark.parametrize("who", ["other_chief", "leader", "secretary", "liaison", "staff_b", "member"])
    def test_wrong_actor_cannot_open_or_record(self, world, who):
        with pytest.raises(PermissionDenied):
            svc.dispatch_create(project=world.project, by=getattr(world, who), held_on=today())
        dispatch = svc.dispatch_create(project=world.project, by=world.chief, held_on=today())
        with pytest.raises(PermissionDenied):
            svc.dispatch_record(dispatch=dispatch, by=getattr(world, who))
        with pytest.raises(PermissionDenied):
            svc.dispatch_update(dispatch=dispatch, by=getattr(world, who), notes="x")
        assert reload(dispatch).status == DispatchStatus.DRAFT

    def test_a_closed_project_takes_no_sessions(self, world):
        project_transition(project=world.project, to=ProjectStatus.COMPLETED, by=world.staff)
        world.project.refresh_from_db()
        with pytest.raises(TransitionError):
            svc.dispatch_create(project=world.project, by=world.chief, held_on=today())


# ---------------------------------------------------------------- instructions
class TestInstructionIssue:
    def test_issue_to_a_unit_notifies_its_liaisons(self, world):
        dispatch = svc.dispatch_create(project=world.project, by=world.chief, held_on=today(), record=True)
        instruction = issue(world, dispatch=dispatch)
        assert instruction.status == InstructionStatus.ISSUED
        assert instruction.issued_on == today()
        assert instruction.dispatch == dispatch
        assert instruction.acknowledge_alert_on == days(6)  # 7-day span: ⌊21/4⌋ + 1 = 6
        note = Notification.objects.get(recipient=world.liaison)
        assert note.kind == NotificationKind.ASSIGNED
        assert "完成剩余30户入户评估" in note.title
        assert note.url == f"/mechanisms/instructions/{instruction.pk}/"
        # The other unit's liaison hears nothing.
        assert not Notification.objects.filter(recipient=world.dept_liaison).exists()

    def test_issue_to_a_person_notifies_them(self, world):
        issue(world, user=world.secretary)
        assert Notification.objects.filter(recipient=world.secretary, kind=NotificationKind.ASSIGNED).count() == 1

    def test_staff_may_issue(self, world):
        assert issue(world, by=world.staff).created_by == world.staff

    @pytest.mark.parametrize("who", ["other_chief", "leader", "secretary", "liaison", "staff_b", "b_chief"])
    def test_wrong_actor_cannot_issue(self, world, who):
        with pytest.raises(PermissionDenied):
            issue(world, by=getattr(world, who))
        assert not Instruction.objects.exists()

    def test_an_instruction_needs_an_assignee(self, world):
        with pytest.raises(ValidationError) as exc:
            svc.instruction_issue(project=world.project, by=world.chief, title="无人负责", deadline=days(3))
        assert gettext("An instruction must be assigned to a unit or a person.") in exc.value.messages

    def test_the_deadline_cannot_be_past(self, world):
        with pytest.raises(ValidationError) as exc:
            issue(world, deadline=-1)
        assert "deadline" in exc.value.error_dict

    def test_the_session_must_be_of_the_project(self, world):
        other = svc.dispatch_create(project=world.other_project, by=world.other_chief, held_on=today())
        with pytest.raises(ValidationError):
            issue(world, dispatch=other)

    def test_a_closed_project_takes_no_instructions(self, world):
        project_transition(project=world.project, to=ProjectStatus.CANCELLED, by=world.staff, reason="项目调整")
        world.project.refresh_from_db()
        with pytest.raises(TransitionError):
            issue(world)


class TestInstructionLifecycle:
    def test_the_full_path_with_a_return(self, world):
        instruction = issue(world)
        svc.instruction_acknowledge(instruction=instruction, by=world.liaison)
        assert reload(instruction).status == InstructionStatus.ACKNOWLEDGED
        assert reload(instruction).acknowledged_at is not None
        assert Notification.objects.filter(recipient=world.chief, kind=NotificationKind.ANSWERED).count() == 1

        svc.instruction_report_done(instruction=instruction, by=world.liaison, result="已完成30户入户评估")
        assert reload(instruction).status == InstructionStatus.DONE
        assert reload(instruction).result == "已完成30户入户评估"

        svc.instruction_return(instruction=instruction, by=world.chief, reason="缺少评估报告附件")
        returned = reload(instruction)
        assert returned.status == InstructionStatus.RETURNED
        assert returned.return_reason == "缺少评估报告附件"
        note = Notification.objects.get(recipient=world.liaison, kind=NotificationKind.RETURNED)
        assert note.body == "缺少评估报告附件"

        svc.instruction_report_done(instruction=instruction, by=world.liaison, result="补交评估报告")
        svc.instruction_verify(instruction=instruction, by=world.chief)
        verified = reload(instruction)
        assert verified.status == InstructionStatus.VERIFIED
        assert verified.verified_by == world.chief
        users = [h.history_user for h in verified.history.order_by("history_date")]
        assert users == [world.chief, world.liaison, world.liaison, world.chief, world.liaison, world.chief]

    def test_a_person_assignee_acts_for_themselves(self, world):
        instruction = issue(world, user=world.secretary)
        svc.instruction_acknowledge(instruction=instruction, by=world.secretary)
        svc.instruction_report_done(instruction=instruction, by=world.secretary, result="已协调")
        assert reload(instruction).status == InstructionStatus.DONE

    def test_staff_verifies_too(self, world):
        instruction = make_instruction(project=world.project, by=world.chief, unit=world.town_a, status="done")
        svc.instruction_verify(instruction=instruction, by=world.staff)
        assert reload(instruction).status == InstructionStatus.VERIFIED

    @pytest.mark.parametrize("who", ["chief", "staff", "dept_liaison", "b_liaison", "secretary", "leader", "member"])
    def test_only_the_assignee_acknowledges_and_reports(self, world, who):
        instruction = issue(world)
        with pytest.raises(PermissionDenied):
            svc.instruction_acknowledge(instruction=instruction, by=getattr(world, who))
        svc.instruction_acknowledge(instruction=instruction, by=world.liaison)
        with pytest.raises(PermissionDenied):
            svc.instruction_report_done(instruction=instruction, by=getattr(world, who), result="x")
        assert reload(instruction).status == InstructionStatus.ACKNOWLEDGED

    @pytest.mark.parametrize("who", ["liaison", "other_chief", "leader", "secretary", "staff_b"])
    def test_only_the_chief_or_staff_verify_and_return(self, world, who):
        instruction = make_instruction(project=world.project, by=world.chief, unit=world.town_a, status="done")
        with pytest.raises(PermissionDenied):
            svc.instruction_verify(instruction=instruction, by=getattr(world, who))
        with pytest.raises(PermissionDenied):
            svc.instruction_return(instruction=instruction, by=getattr(world, who), reason="x")
        assert reload(instruction).status == InstructionStatus.DONE

    @pytest.mark.parametrize(
        "status, action",
        [
            ("acknowledged", "acknowledge"), ("done", "acknowledge"), ("returned", "acknowledge"),
            ("verified", "acknowledge"),
            ("issued", "done"), ("done", "done"), ("verified", "done"),
            ("issued", "verify"), ("acknowledged", "verify"), ("returned", "verify"), ("verified", "verify"),
            ("issued", "return"), ("acknowledged", "return"), ("returned", "return"), ("verified", "return"),
        ],
    )
    def test_wrong_state_is_refused(self, world, status, action):
        instruction = make_instruction(project=world.project, by=world.chief, unit=world.town_a, status=status)
        calls = {
            "acknowledge": lambda: svc.instruction_acknowledge(instruction=instruction, by=world.liaison),
            "done": lambda: svc.instruction_report_done(instruction=instruction, by=world.liaison, result="完成"),
            "verify": lambda: svc.instruction_verify(instruction=instruction, by=world.chief),
            "return": lambda: svc.instruction_return(instruction=instruction, by=world.chief, reason="不合格"),
        }
        with pytest.raises(TransitionError) as exc:
            calls[action]()
        assert exc.value.code == "illegal_transition"
        assert reload(instruction).status == status

    def test_done_needs_a_result_and_return_a_reason(self, world):
        instruction = make_instruction(project=world.project, by=world.chief, unit=world.town_a, status="acknowledged")
        with pytest.raises(ValidationError) as exc:
            svc.instruction_report_done(instruction=instruction, by=world.liaison, result="  ")
        assert "result" in exc.value.error_dict
        svc.instruction_report_done(instruction=instruction, by=world.liaison, result="完成")
        with pytest.raises(ValidationError) as exc:
            svc.instruction_return(instruction=instruction, by=world.chief, reason="")
        assert "reason" in exc.value.error_dict
        assert reload(instruction).status == InstructionStatus.DONE

    def test_a_rolled_back_issue_notifies_nobody(self, world, django_capture_on_commit_callbacks):
        from django.db import transaction

        with django_capture_on_commit_callbacks() as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                issue(world)
                raise RuntimeError
        assert callbacks == []
        assert not Notification.objects.exists()
