"""Rules of the writes: the branch lifecycle, appointments and the grants that follow them,
Party life with its uploads, commitments and weak links."""

import datetime
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from branches import services
from branches.models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    Branch,
    BranchStatus,
    MembershipRole,
    User,
    WeakLinkKind,
)
from branches.roles import Role
from branches.selectors import visible_branches
from core.workflow import TransitionError
from tests.clock import clock_today

from . import factories as f

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def fresh(user):
    """A new instance: Django caches permissions and groups on the user object."""
    return User.objects.get(pk=user.pk)


def roles_of(user):
    return set(fresh(user).groups.values_list("name", flat=True))


# ---------------------------------------------------------------- lifecycle
@pytest.fixture
def staffed_branch(world):
    """branch_a: proposed, with a secretary (from the world) and one project."""
    f.project(branch=world.branch_a)
    return world.branch_a


def test_activation_is_refused_without_a_secretary(world):
    branch = f.branch(committee=world.o["committee_a"])
    f.project(branch=branch)

    with pytest.raises(TransitionError) as exc:
        services.branch_transition(branch=branch, to=BranchStatus.ACTIVE, by=world.staff_a)

    assert "Appoint a secretary" in " ".join(exc.value.messages)
    branch.refresh_from_db()
    assert branch.status == BranchStatus.PROPOSED


def test_activation_is_refused_without_a_project(world):
    with pytest.raises(TransitionError) as exc:
        services.branch_transition(branch=world.branch_a, to=BranchStatus.ACTIVE, by=world.staff_a)

    assert exc.value.messages == ["Attach at least one project before activating the branch."]


def test_activation_with_a_secretary_and_a_project_records_who_and_when(staffed_branch, world):
    branch = services.branch_transition(
        branch=staffed_branch, to=BranchStatus.ACTIVE, by=world.staff_a, on=datetime.date(2026, 3, 1)
    )

    assert branch.status == BranchStatus.ACTIVE
    assert branch.formed_on == datetime.date(2026, 3, 1)
    last = Branch.history.filter(id=branch.pk).latest("history_date")
    assert last.status == BranchStatus.ACTIVE and last.history_user == world.staff_a


def test_the_whole_lifecycle_proposed_active_concluded_evaluated(staffed_branch, world):
    for target in (BranchStatus.ACTIVE, BranchStatus.CONCLUDED):
        services.branch_transition(branch=staffed_branch, to=target, by=world.staff_a, on=datetime.date(2026, 5, 1))
    # Only finalizing the efficacy evaluation makes a branch evaluated; by hand it is refused
    # and the branch page does not offer it.
    with pytest.raises(TransitionError) as exc:
        services.branch_transition(branch=staffed_branch, to=BranchStatus.EVALUATED, by=world.staff_a)
    assert exc.value.code == "evaluation_only"
    assert BranchStatus.EVALUATED not in [t for t, _blockers in services.branch_transition_options(staffed_branch)]
    services.branch_transition(branch=staffed_branch, to=BranchStatus.EVALUATED, by=world.staff_a, by_evaluation=True)

    staffed_branch.refresh_from_db()
    assert staffed_branch.status == BranchStatus.EVALUATED
    assert staffed_branch.concluded_on == datetime.date(2026, 5, 1)
    statuses = list(Branch.history.filter(id=staffed_branch.pk).order_by("history_date").values_list("status", flat=True))
    assert statuses == ["proposed", "active", "concluded", "evaluated"]


@pytest.mark.parametrize("start", [BranchStatus.PROPOSED, BranchStatus.ACTIVE])
def test_dissolving_needs_a_reason_and_keeps_it_in_history(world, start):
    branch = f.branch(committee=world.o["committee_a"], status=start)

    with pytest.raises(TransitionError) as exc:
        services.branch_transition(branch=branch, to=BranchStatus.DISSOLVED, by=world.staff_a, reason="  ")
    assert exc.value.code == "reason_required"

    services.branch_transition(branch=branch, to=BranchStatus.DISSOLVED, by=world.staff_a, reason="项目终止")
    last = Branch.history.filter(id=branch.pk).latest("history_date")
    assert last.status == BranchStatus.DISSOLVED and last.history_change_reason == "项目终止"


def test_a_move_recorded_for_an_earlier_day_is_stamped_on_that_day(world):
    # The dashboard reads a dissolution's date from status_changed_at (the demo dissolves a branch
    # 200 days back): stamped with the moment of recording, it counted as active until today.
    branch = f.branch(committee=world.o["committee_a"], status=BranchStatus.ACTIVE, formed_on=datetime.date(2026, 1, 5))
    today = clock_today()

    services.branch_transition(
        branch=branch, to=BranchStatus.DISSOLVED, by=world.staff_a, reason="项目终止", on=datetime.date(2026, 5, 1)
    )
    branch.refresh_from_db()
    assert timezone.localtime(branch.status_changed_at).date() == datetime.date(2026, 5, 1)

    other = f.branch(committee=world.o["committee_a"], status=BranchStatus.ACTIVE, formed_on=datetime.date(2026, 1, 5))
    services.branch_transition(branch=other, to=BranchStatus.DISSOLVED, by=world.staff_a, reason="项目终止", on=today)
    other.refresh_from_db()
    moment = timezone.localtime(other.status_changed_at)
    assert moment.date() == today and moment.time() != datetime.time.min  # the moment of recording


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (BranchStatus.PROPOSED, BranchStatus.CONCLUDED),
        (BranchStatus.PROPOSED, BranchStatus.EVALUATED),
        (BranchStatus.ACTIVE, BranchStatus.EVALUATED),
        (BranchStatus.ACTIVE, BranchStatus.PROPOSED),
        (BranchStatus.CONCLUDED, BranchStatus.ACTIVE),
        (BranchStatus.CONCLUDED, BranchStatus.DISSOLVED),
        (BranchStatus.EVALUATED, BranchStatus.DISSOLVED),
        (BranchStatus.DISSOLVED, BranchStatus.ACTIVE),
    ],
)
def test_moves_outside_the_table_are_refused(world, start, target):
    branch = f.branch(committee=world.o["committee_a"], status=start)

    with pytest.raises(TransitionError) as exc:
        services.branch_transition(branch=branch, to=target, by=world.staff_a, reason="x")

    assert exc.value.code == "illegal_transition"
    branch.refresh_from_db()
    assert branch.status == start


def test_transition_options_name_what_blocks_each_move(world):
    options = dict(services.branch_transition_options(world.branch_a2))

    assert set(options) == {BranchStatus.ACTIVE, BranchStatus.DISSOLVED}
    assert options[BranchStatus.ACTIVE] == ["Attach at least one project before activating the branch."]
    assert options[BranchStatus.DISSOLVED] == []


# ---------------------------------------------------------------- appointments and grants
def test_appointing_a_secretary_grants_them_the_branch(world, make_user):
    user = make_user(organization=world.o["town_a"])
    person = f.person(unit=world.o["town_a"], user=user)

    f.appoint(branch=world.branch_b, person=person, role=MembershipRole.SECRETARY, by=world.staff_b)

    user = fresh(user)
    assert user.has_perm("branches.view_branch", world.branch_b)
    assert user.has_perm("branches.change_branch", world.branch_b)
    assert Role.SECRETARY in roles_of(user)
    assert list(visible_branches(user)) == [world.branch_b]


def test_replacing_the_secretary_moves_the_grant(world, make_user):
    old = world.secretary_a
    new_user = make_user(organization=world.o["town_a"])
    new_person = f.person(unit=world.o["town_a"], user=new_user)

    f.appoint(branch=world.branch_a, person=new_person, role=MembershipRole.SECRETARY, by=world.staff_a)

    old, new_user = fresh(old), fresh(new_user)
    assert not old.has_perm("branches.view_branch", world.branch_a)
    assert not old.has_perm("branches.change_branch", world.branch_a)
    assert Role.SECRETARY not in roles_of(old)  # they hold no other post
    assert list(visible_branches(old)) == []
    assert new_user.has_perm("branches.change_branch", world.branch_a)
    assert Role.SECRETARY in roles_of(new_user)
    # The old secretary's membership ended on the day the new one joined.
    ended = world.branch_a.memberships.get(person=world.secretary_a_person)
    assert ended.left_on is not None and ended.role == MembershipRole.SECRETARY


def test_a_replaced_secretary_keeps_the_role_while_they_lead_another_branch(world, make_user):
    f.appoint(branch=world.branch_b, person=world.secretary_a_person, role=MembershipRole.SECRETARY, by=world.staff_b)
    successor = f.person(unit=world.o["town_a"], user=make_user(organization=world.o["town_a"]))

    f.appoint(branch=world.branch_a, person=successor, role=MembershipRole.SECRETARY, by=world.staff_a)

    old = fresh(world.secretary_a)
    assert Role.SECRETARY in roles_of(old)
    assert not old.has_perm("branches.view_branch", world.branch_a)
    assert old.has_perm("branches.view_branch", world.branch_b)


def test_ending_the_secretarys_membership_removes_the_grant(world):
    membership = world.branch_a.memberships.get(person=world.secretary_a_person, left_on__isnull=True)

    services.membership_end(membership=membership, by=world.staff_a)

    old = fresh(world.secretary_a)
    assert not old.has_perm("branches.view_branch", world.branch_a)
    assert Role.SECRETARY not in roles_of(old)
    with pytest.raises(ValidationError):
        services.membership_end(membership=membership, by=world.staff_a)


def test_a_member_with_a_login_holds_the_member_role_while_serving(world, make_user):
    login = make_user(organization=world.o["town_a"])
    person = f.person(unit=world.o["town_a"], user=login)

    membership = f.appoint(branch=world.branch_a, person=person, role=MembershipRole.LIAISON, by=world.staff_a)
    assert Role.MEMBER in roles_of(login)
    assert list(visible_branches(fresh(login))) == [world.branch_a]

    services.membership_end(membership=membership, by=world.staff_a)
    assert Role.MEMBER not in roles_of(login)
    assert list(visible_branches(fresh(login))) == []


def test_changing_a_members_role_ends_the_old_membership(world):
    services.membership_appoint(
        branch=world.branch_a, person=world.member_a_person, role=MembershipRole.PUBLICITY_COMMISSIONER, by=world.staff_a
    )

    rows = list(world.branch_a.memberships.filter(person=world.member_a_person).order_by("pk"))
    assert [(m.role, m.left_on is None) for m in rows] == [
        (MembershipRole.MEMBER, False),
        (MembershipRole.PUBLICITY_COMMISSIONER, True),
    ]


def test_nobody_is_appointed_to_a_branch_that_has_ended(world):
    branch = f.branch(committee=world.o["committee_a"], status=BranchStatus.DISSOLVED)

    with pytest.raises(ValidationError):
        f.appoint(branch=branch, person=world.member_a_person, by=world.staff_a)


def test_linking_a_login_moves_the_secretary_grant(world, make_user):
    replacement = make_user(organization=world.o["committee_a"])

    services.person_link_user(person=world.secretary_a_person, user=replacement, by=world.staff_a)

    assert not fresh(world.secretary_a).has_perm("branches.view_branch", world.branch_a)
    assert fresh(replacement).has_perm("branches.view_branch", world.branch_a)


def test_person_update_links_the_login_through_the_grant_rules(world, make_user):
    login = make_user(organization=world.o["town_a"])
    person = f.person(unit=world.o["town_a"])
    f.appoint(branch=world.branch_b, person=person, role=MembershipRole.SECRETARY, by=world.staff_b)

    services.person_update(person=person, by=world.staff_a, user=login, post="副镇长")

    person.refresh_from_db()
    assert person.user == login and person.post == "副镇长"
    assert fresh(login).has_perm("branches.change_branch", world.branch_b)


# ---------------------------------------------------------------- commitments
def test_a_member_writes_a_commitment_while_serving(world):
    services.membership_update_commitment(
        membership=world.member_a_membership, commitment=" 包保10户，按期签约 ", by=world.member_a
    )

    world.member_a_membership.refresh_from_db()
    assert world.member_a_membership.commitment == "包保10户，按期签约"


def test_a_former_member_cannot_change_their_commitment(world):
    services.membership_end(membership=world.member_a_membership, by=world.staff_a)

    with pytest.raises(ValidationError):
        services.membership_update_commitment(membership=world.member_a_membership, commitment="x", by=world.member_a)


# ---------------------------------------------------------------- Party life and uploads
def _activity_fields():
    return {"kind": ActivityKind.THREE_SHOWS, "title": "亮身份、亮承诺、亮实绩", "held_on": datetime.date(2026, 3, 1)}


def test_an_activity_is_recorded_with_participants_and_a_checked_attachment(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")

    activity = services.activity_create(
        branch=world.branch_a,
        by=world.secretary_a,
        participants=[world.member_a_person, world.secretary_a_person],
        uploads=[upload],
        **_activity_fields(),
    )

    attachment = activity.attachments.get()
    assert attachment.original_name == "现场照片.png"
    assert attachment.content_type == "image/png"
    # Stored under a random name, never the uploader's.
    stored = os.path.basename(attachment.file.name)
    assert "现场" not in stored and stored.endswith(".png")
    assert set(activity.participants.all()) == {world.member_a_person, world.secretary_a_person}


def test_an_upload_of_the_wrong_kind_refuses_the_whole_activity(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")

    with pytest.raises(ValidationError) as exc:
        services.activity_create(branch=world.branch_a, by=world.secretary_a, uploads=[fake], **_activity_fields())

    assert exc.value.code == "bad_type"
    assert not Activity.objects.exists() and not ActivityAttachment.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_an_upload_too_large_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 2048, content_type="image/png")

    with pytest.raises(ValidationError) as exc:
        services.activity_create(branch=world.branch_a, by=world.secretary_a, uploads=[big], **_activity_fields())

    assert exc.value.code == "too_large"
    assert not Activity.objects.exists()


def test_no_activity_for_a_branch_that_has_ended(world):
    branch = f.branch(committee=world.o["committee_a"], status=BranchStatus.EVALUATED)

    with pytest.raises(ValidationError):
        services.activity_create(branch=branch, by=world.staff_a, **_activity_fields())


# ---------------------------------------------------------------- weak links
def test_weak_links_are_pinned_to_a_node_of_their_chain_and_resolved_once(world):
    chain = f.chain(organization=world.o["city_a"])
    other = f.chain(organization=world.o["city_a"])
    node = chain.nodes.get(position=1)

    with pytest.raises(ValidationError):
        services.weak_link_create(
            chain=chain, node=other.nodes.first(), by=world.staff_a, kind=WeakLinkKind.LOGISTICS, title="x"
        )
    link = services.weak_link_create(
        chain=chain, node=node, by=world.staff_a, kind=WeakLinkKind.SUPPLY_BREAK, title="钢板供应中断"
    )
    services.weak_link_resolve(weak_link=link, by=world.staff_a)

    link.refresh_from_db()
    assert link.is_resolved
    assert link.history.latest("history_date").history_user == world.staff_a
    with pytest.raises(ValidationError):
        services.weak_link_resolve(weak_link=link, by=world.staff_a)
