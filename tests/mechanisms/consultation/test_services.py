"""对接会商 writes: every transition of consultations and resolutions and every refusal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from branches.models import BranchScope
from core.workflow import TransitionError
from mechanisms.consultation import services as svc
from mechanisms.models import (
    Consultation,
    ConsultationStatus,
    Notification,
    NotificationKind,
    Resolution,
    ResolutionStatus,
)
from tests.mechanisms.dispatch_world import (
    build_world,
    days,
    make_branch,
    make_consultation,
    make_resolution,
    today,
)
from tests.shared_world import shared_world

world_once, world = shared_world(build_world)  # built once per module: tests/shared_world.py


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def convene(w, *, by=None, hold=False, minutes="", **kwargs):
    return svc.consultation_create(
        branch=kwargs.pop("branch", w.branch),
        by=by or w.secretary,
        topic="过江通道征迁用地协调会",
        held_on=today(),
        participating_units=kwargs.pop("units", [w.town_a]),
        minutes=minutes,
        hold=hold,
        **kwargs,
    )


class TestConsultation:
    @pytest.mark.parametrize("who", ["secretary", "staff", "chief"])
    def test_conveners_plan_and_hold(self, world, who):
        consultation = convene(world, by=getattr(world, who), project=world.project)
        assert consultation.status == ConsultationStatus.PLANNED
        assert consultation.lead_unit == world.department_a  # the branch's lead unit
        assert list(consultation.participating_units.all()) == [world.town_a]
        svc.consultation_hold(consultation=consultation, by=getattr(world, who), minutes="议定三项事项")
        held = reload(consultation)
        assert held.status == ConsultationStatus.HELD
        assert held.minutes == "议定三项事项"
        assert held.history.first().history_user == getattr(world, who)

    def test_create_held_at_once_needs_minutes(self, world):
        with pytest.raises(ValidationError) as exc:
            convene(world, hold=True)
        assert "minutes" in exc.value.error_dict
        assert not Consultation.objects.exists()
        assert convene(world, hold=True, minutes="纪要").status == ConsultationStatus.HELD

    def test_only_cross_department_branches(self, world):
        single = make_branch(committee=world.committee_a, by=world.staff, scope=BranchScope.SINGLE_DOMAIN)
        with pytest.raises(ValidationError) as exc:
            convene(world, by=world.staff, branch=single)
        assert exc.value.code == "single_domain"

    def test_needs_participating_units(self, world):
        with pytest.raises(ValidationError):
            convene(world, units=[])

    def test_the_project_must_be_of_the_branch(self, world):
        with pytest.raises(ValidationError):
            convene(world, by=world.staff, project=world.other_project)

    @pytest.mark.parametrize("who", ["leader", "liaison", "other_chief", "staff_b", "member"])
    def test_wrong_actor_cannot_convene_or_hold(self, world, who):
        with pytest.raises(PermissionDenied):
            convene(world, by=getattr(world, who))
        consultation = convene(world)
        with pytest.raises(PermissionDenied):
            svc.consultation_hold(consultation=consultation, by=getattr(world, who), minutes="x")
        assert reload(consultation).status == ConsultationStatus.PLANNED

    def test_holding_twice_is_refused(self, world):
        consultation = convene(world, hold=True, minutes="纪要")
        with pytest.raises(TransitionError):
            svc.consultation_hold(consultation=consultation, by=world.secretary, minutes="再来")

    def test_a_future_consultation_cannot_be_held(self, world):
        consultation = convene(world)
        with pytest.raises(ValidationError):
            svc.consultation_hold(consultation=consultation, by=world.secretary, minutes="x", held_on=days(3))

    def test_closing_waits_for_every_resolution(self, world):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        make_resolution(consultation=consultation, unit=world.town_a, status="done")
        with pytest.raises(TransitionError) as exc:
            svc.consultation_close(consultation=consultation, by=world.secretary)
        assert exc.value.code == "resolutions_open"

    def test_a_planned_consultation_cannot_close(self, world):
        consultation = convene(world)
        with pytest.raises(TransitionError):
            svc.consultation_close(consultation=consultation, by=world.secretary)

    def test_a_held_consultation_without_resolutions_may_close(self, world):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        with pytest.raises(PermissionDenied):
            svc.consultation_close(consultation=consultation, by=world.liaison)
        svc.consultation_close(consultation=consultation, by=world.secretary)
        assert reload(consultation).status == ConsultationStatus.CLOSED
        with pytest.raises(TransitionError):
            svc.consultation_close(consultation=consultation, by=world.secretary)


class TestResolutions:
    def test_adding_a_resolution_tells_the_unit(self, world):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        resolution = svc.resolution_create(
            consultation=consultation, by=world.secretary, content="孤山镇负责完成剩余30户签约",
            owner_unit=world.town_a, resources="抽调10名干部", deadline=days(10),
        )
        assert resolution.status == ResolutionStatus.AWAITING_SIGNOFF
        note = Notification.objects.get(recipient=world.liaison)
        assert note.kind == NotificationKind.ASSIGNED
        assert note.url == f"/mechanisms/consultations/{consultation.pk}/"

    def test_the_owner_must_take_part(self, world):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        with pytest.raises(ValidationError) as exc:
            svc.resolution_create(
                consultation=consultation, by=world.secretary, content="x", owner_unit=world.committee_b,
                deadline=days(3),
            )
        assert "owner_unit" in exc.value.error_dict
        # The lead unit takes part without being listed.
        svc.resolution_create(
            consultation=consultation, by=world.secretary, content="x", owner_unit=world.department_a, deadline=days(3)
        )

    def test_resolutions_only_on_a_held_open_consultation(self, world):
        planned = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a], status="planned")
        closed = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a], status="closed")
        for consultation in (planned, closed):
            with pytest.raises(TransitionError):
                svc.resolution_create(
                    consultation=consultation, by=world.secretary, content="x", owner_unit=world.town_a,
                    deadline=days(3),
                )

    def test_the_deadline_cannot_be_past(self, world):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        with pytest.raises(ValidationError):
            svc.resolution_create(
                consultation=consultation, by=world.secretary, content="x", owner_unit=world.town_a, deadline=days(-1)
            )

    @pytest.mark.parametrize("who", ["liaison", "leader", "staff_b", "other_chief"])
    def test_wrong_actor_cannot_add(self, world, who):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        with pytest.raises(PermissionDenied):
            svc.resolution_create(
                consultation=consultation, by=getattr(world, who), content="x", owner_unit=world.town_a,
                deadline=days(3),
            )

    def test_the_full_path_closes_the_consultation(self, world):
        consultation = make_consultation(
            branch=world.branch, by=world.secretary, units=[world.town_a, world.department_a]
        )
        town = make_resolution(consultation=consultation, unit=world.town_a)
        dept = make_resolution(consultation=consultation, unit=world.department_a)

        svc.resolution_sign_off(resolution=town, by=world.liaison)
        assert reload(town).status == ResolutionStatus.SIGNED_OFF
        assert reload(town).signed_off_by == world.liaison
        assert Notification.objects.filter(recipient=world.secretary, kind=NotificationKind.ANSWERED).count() == 1
        svc.resolution_report_done(resolution=town, by=world.liaison, result="已完成30户签约")
        svc.resolution_return(resolution=town, by=world.secretary, reason="签约材料不全")
        assert reload(town).status == ResolutionStatus.RETURNED
        assert Notification.objects.filter(recipient=world.liaison, kind=NotificationKind.RETURNED).count() == 1
        svc.resolution_report_done(resolution=town, by=world.liaison, result="已补齐")
        svc.resolution_verify(resolution=town, by=world.secretary)
        assert reload(town).status == ResolutionStatus.VERIFIED
        assert reload(town).verified_by == world.secretary
        assert reload(consultation).status == ConsultationStatus.HELD  # one still open

        # Staff act on the lead unit's behalf.
        svc.resolution_sign_off(resolution=dept, by=world.staff)
        svc.resolution_report_done(resolution=dept, by=world.staff, result="审批绿色通道已开通")
        svc.resolution_verify(resolution=dept, by=world.chief)
        closed = reload(consultation)
        assert closed.status == ConsultationStatus.CLOSED
        assert closed.closed_at is not None

    @pytest.mark.parametrize("who", ["dept_liaison", "b_liaison", "secretary", "chief", "leader", "staff_b"])
    def test_only_the_owner_unit_signs_off_and_reports(self, world, who):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        resolution = make_resolution(consultation=consultation, unit=world.town_a)
        with pytest.raises(PermissionDenied):
            svc.resolution_sign_off(resolution=resolution, by=getattr(world, who))
        svc.resolution_sign_off(resolution=resolution, by=world.liaison)
        with pytest.raises(PermissionDenied):
            svc.resolution_report_done(resolution=resolution, by=getattr(world, who), result="x")
        assert reload(resolution).status == ResolutionStatus.SIGNED_OFF

    @pytest.mark.parametrize("who", ["liaison", "leader", "staff_b", "other_chief"])
    def test_only_conveners_verify_and_return(self, world, who):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        resolution = make_resolution(consultation=consultation, unit=world.town_a, status="done")
        with pytest.raises(PermissionDenied):
            svc.resolution_verify(resolution=resolution, by=getattr(world, who))
        with pytest.raises(PermissionDenied):
            svc.resolution_return(resolution=resolution, by=getattr(world, who), reason="x")
        assert reload(resolution).status == ResolutionStatus.DONE

    @pytest.mark.parametrize(
        "status, action",
        [
            ("signed_off", "sign_off"), ("done", "sign_off"), ("verified", "sign_off"),
            ("awaiting_signoff", "done"), ("done", "done"), ("verified", "done"),
            ("awaiting_signoff", "verify"), ("signed_off", "verify"), ("returned", "verify"), ("verified", "verify"),
            ("awaiting_signoff", "return"), ("signed_off", "return"), ("returned", "return"),
        ],
    )
    def test_wrong_state_is_refused(self, world, status, action):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        resolution = make_resolution(consultation=consultation, unit=world.town_a, status=status)
        calls = {
            "sign_off": lambda: svc.resolution_sign_off(resolution=resolution, by=world.liaison),
            "done": lambda: svc.resolution_report_done(resolution=resolution, by=world.liaison, result="完成"),
            "verify": lambda: svc.resolution_verify(resolution=resolution, by=world.secretary),
            "return": lambda: svc.resolution_return(resolution=resolution, by=world.secretary, reason="不合格"),
        }
        with pytest.raises(TransitionError):
            calls[action]()
        assert reload(resolution).status == status

    def test_done_needs_a_result_and_return_a_reason(self, world):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        resolution = make_resolution(consultation=consultation, unit=world.town_a, status="signed_off")
        with pytest.raises(ValidationError):
            svc.resolution_report_done(resolution=resolution, by=world.liaison, result="")
        svc.resolution_report_done(resolution=resolution, by=world.liaison, result="完成")
        with pytest.raises(ValidationError):
            svc.resolution_return(resolution=resolution, by=world.secretary, reason=" ")
        assert Resolution.objects.get(pk=resolution.pk).status == ResolutionStatus.DONE
