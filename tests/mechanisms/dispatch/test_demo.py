"""The dispatch demo seeder: sessions by cadence with their instructions in every state,
consultations with resolutions, idempotent."""

import pytest
from django.utils import translation

from mechanisms.demo import dispatch as demo_dispatch
from mechanisms.desks import selectors as sel
from mechanisms.dispatch import selectors as dispatch_sel
from mechanisms.dispatch.documents import minutes_document
from mechanisms.dispatch.models import DispatchStatus
from mechanisms.models import Consultation, Dispatch, Instruction, InstructionStatus, Resolution
from tests.gbdoc_utils import open_docx
from tests.mechanisms.dispatch_world import build_world, today


@pytest.fixture
def world(org_tree, make_user):
    return build_world(org_tree, make_user)


def test_seeds_sessions_instructions_and_consultations_once(world):
    counts = demo_dispatch.seed_demo(today=today())
    assert counts["调度会"] == Dispatch.objects.count() > 0
    # Three open projects with a 调度长, three sessions each (all after their start).
    assert Dispatch.objects.filter(project=world.project).count() == 3
    statuses = set(Instruction.objects.filter(project=world.project).values_list("status", flat=True))
    assert statuses == {InstructionStatus.VERIFIED, InstructionStatus.DONE, InstructionStatus.ACKNOWLEDGED,
                        InstructionStatus.ISSUED}
    consultation = Consultation.objects.get(branch=world.branch)
    assert consultation.resolutions.count() == 1  # the branch has one responsible unit
    cockpit = sel.cockpit(world.chief)
    assert cockpit.overdue_instructions and cockpit.awaiting_verification
    assert sel.liaison_home(world.liaison).instructions

    again = demo_dispatch.seed_demo(today=today())
    assert again["本次新增"] == 0
    assert (Dispatch.objects.count(), Instruction.objects.count(), Resolution.objects.count()) == (
        counts["调度会"], counts["督办事项"], counts["议定事项"],
    )


@pytest.mark.django_db
def test_runs_on_the_jingjiang_demo(demo_base):
    # demo_base: the session's branches and projects (tests/demo_data.py); seeding them again
    # below adds nothing and takes a moment.
    branches_demo = pytest.importorskip("branches.demo")
    projects_demo = pytest.importorskip("projects.demo")

    day = today()
    branches_demo.seed_demo(today=day)
    projects_demo.seed_demo(today=day)
    counts = demo_dispatch.seed_demo(today=day)
    assert counts["调度会"] > 50 and counts["对接会商"] > 10
    from branches.models import User

    chief = User.objects.get(username="diaoduzhang")
    cockpit = sel.cockpit(chief)
    assert cockpit.projects and cockpit.overdue_instructions
    liaison = User.objects.get(username="lianluoyuan")
    home = sel.liaison_home(liaison)
    assert home.instructions and home.resolutions


def test_a_later_day_adds_nothing(world):
    import datetime

    demo_dispatch.seed_demo(today=today())
    before = (Dispatch.objects.count(), Instruction.objects.count(), Consultation.objects.count())
    demo_dispatch.seed_demo(today=today() + datetime.timedelta(days=9))
    assert (Dispatch.objects.count(), Instruction.objects.count(), Consultation.objects.count()) == before


@pytest.mark.django_db
def test_every_recorded_session_of_the_demo_has_its_minutes(demo_history):
    """The demo's sessions are back-dated: their projects' indicators, entered at seeding, count by
    their readings up to the session day."""
    sessions = list(
        Dispatch.objects.filter(status=DispatchStatus.RECORDED)
        .select_related("project", "project__dispatch_chief", "branch")
        .order_by("held_on", "id")
    )
    assert len(sessions) > 20
    for dispatch in sessions:
        facts = dispatch_sel.dispatch_minutes_facts(dispatch)
        if dispatch.project.indicators.filter(readings__recorded_on__lte=dispatch.held_on).exists():
            assert facts.indicators, dispatch
        assert facts.chair
    with translation.override("zh-hans"):
        doc = open_docx(minutes_document(dispatch_sel.dispatch_minutes_facts(sessions[-1])).to_bytes())
    assert doc.paragraphs[0].text == f"{sessions[-1].project.name}推进调度会议纪要"
