"""推进调度 pages: recording a session, issuing and moving instructions through the pages,
refusals shown to the user, filters, search, paging, exports and pinned query counts."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import User
from mechanisms.models import Dispatch, DispatchStatus, Instruction, InstructionStatus, Notification
from tests.mechanisms.dispatch_world import (
    build_world,
    days,
    make_indicator,
    make_instruction,
    make_problem,
    today,
)
from tests.shared_world import shared_world
from tests.utils import get_query_count

world_once, world = shared_world(build_world, language="en", language_code="en")  # built once per module: tests/shared_world.py


@pytest.fixture
def english(settings):
    """Pages in English so assertions read the source strings."""
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        yield


pytestmark = pytest.mark.usefixtures("english")


def login(client, user):
    client.force_login(user)
    return client


def sheet_rows(response):
    sheet = load_workbook(BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


# ---------------------------------------------------------------- recording a session
class TestRecordDispatch:
    def test_cancel_leads_back_where_staff_came_from_never_to_the_cockpit(self, world, client):
        # The cockpit is the 调度长's own page: for department staff it is a 404.
        url = reverse("mechanisms:dispatch_create", args=[world.project.pk])
        came_from = f"http://testserver{reverse('mechanisms:dispatch_list')}"
        login(client, world.staff)

        from_the_list = client.get(url, headers={"referer": came_from}).content.decode()
        straight_in = client.get(url).content.decode()

        assert f'href="{came_from}" data-testid="cancel"' in from_the_list
        project_page = reverse("projects:project_detail", args=[world.project.pk])
        assert f'href="{project_page}" data-testid="cancel"' in straight_in
        assert client.get(reverse("mechanisms:cockpit")).status_code == 404

    def test_the_form_shows_the_agenda(self, world, client):
        make_indicator(project=world.project, by=world.staff, name="搬迁户数", target="225", current="10")
        make_problem(project=world.project, by=world.secretary, title="补偿标准争议")
        response = login(client, world.chief).get(reverse("mechanisms:dispatch_create", args=[world.project.pk]))
        body = response.content.decode()
        assert "搬迁户数" in body and "补偿标准争议" in body
        assert 'data-kind="indicator"' in body and 'data-kind="problem"' in body
        assert response.context["form"].initial["held_on"] == today()

    def test_record_at_once(self, world, client):
        make_problem(project=world.project, by=world.secretary, title="补偿标准争议")
        response = login(client, world.chief).post(
            reverse("mechanisms:dispatch_create", args=[world.project.pk]),
            {"held_on": today().isoformat(), "location": "市交通运输局三楼会议室", "attendees": "孤山镇、市行政审批局",
             "notes": "研究补偿方案", "record": "1"},
        )
        dispatch = Dispatch.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("mechanisms:dispatch_detail", args=[dispatch.pk])
        assert dispatch.status == DispatchStatus.RECORDED
        assert [i["title"] for i in dispatch.agenda] == ["补偿标准争议"]
        page = client.get(response["Location"]).content.decode()
        assert "研究补偿方案" in page and "补偿标准争议" in page and "Issue an instruction" in page

    def test_save_a_draft_then_record_it(self, world, client):
        login(client, world.chief).post(
            reverse("mechanisms:dispatch_create", args=[world.project.pk]),
            {"held_on": today().isoformat(), "notes": "初稿", "draft": "1"},
        )
        dispatch = Dispatch.objects.get()
        assert dispatch.status == DispatchStatus.DRAFT
        response = client.post(
            reverse("mechanisms:dispatch_edit", args=[dispatch.pk]),
            {"held_on": today().isoformat(), "notes": "定稿", "record": "1"},
        )
        assert response.status_code == 302
        dispatch.refresh_from_db()
        assert (dispatch.status, dispatch.notes) == (DispatchStatus.RECORDED, "定稿")

    def test_a_future_date_re_renders_with_what_was_typed(self, world, client):
        response = login(client, world.chief).post(
            reverse("mechanisms:dispatch_create", args=[world.project.pk]),
            {"held_on": days(3).isoformat(), "notes": "我写的纪要", "record": "1"},
        )
        assert response.status_code == 200
        assert "the date is in the future" in response.content.decode()
        assert "我写的纪要" in response.content.decode()
        assert not Dispatch.objects.exists()

    def test_recording_twice_is_a_message_not_an_error(self, world, client):
        from mechanisms.dispatch.services import dispatch_create

        dispatch = dispatch_create(project=world.project, by=world.chief, held_on=today(), record=True)
        response = login(client, world.chief).post(
            reverse("mechanisms:dispatch_record", args=[dispatch.pk]), follow=True
        )
        assert response.status_code == 200
        assert "cannot become" in response.content.decode()


# ---------------------------------------------------------------- instructions through the pages
class TestInstructionPages:
    def test_issue_from_a_session_and_follow_it_to_verified(self, world, client):
        from mechanisms.dispatch.services import dispatch_create

        dispatch = dispatch_create(project=world.project, by=world.chief, held_on=today(), record=True)
        url = reverse("mechanisms:instruction_create", kwargs={"dispatch_pk": dispatch.pk})
        form_page = login(client, world.chief).get(url, {"title": "落实安置房源"})
        assert form_page.context["form"].initial["title"] == "落实安置房源"
        units = list(form_page.context["form"].fields["assignee_unit"].queryset)
        assert units == [world.department_a, world.town_a]
        response = client.post(url, {"title": "落实安置房源", "content": "两周内落实120套", "assignee_unit": world.town_a.pk,
                                     "deadline": days(10).isoformat()})
        instruction = Instruction.objects.get()
        assert response["Location"] == reverse("mechanisms:instruction_detail", args=[instruction.pk])
        assert instruction.dispatch == dispatch
        assert Notification.objects.filter(recipient=world.liaison).count() == 1

        detail = reverse("mechanisms:instruction_detail", args=[instruction.pk])
        body = login(client, world.liaison).get(detail).content.decode()
        assert 'data-testid="instruction-acknowledge"' in body and 'data-testid="instruction-verify"' not in body
        client.post(reverse("mechanisms:instruction_acknowledge", args=[instruction.pk]))
        response = client.post(reverse("mechanisms:instruction_done", args=[instruction.pk]), {"result": "已落实120套"})
        assert response.status_code == 302
        body = login(client, world.chief).get(detail).content.decode()
        assert "已落实120套" in body and 'data-testid="instruction-verify"' in body
        client.post(reverse("mechanisms:instruction_verify", args=[instruction.pk]))
        instruction.refresh_from_db()
        assert instruction.status == InstructionStatus.VERIFIED

    def test_a_project_instruction_without_a_session(self, world, client):
        url = reverse("mechanisms:instruction_create", kwargs={"project_pk": world.project.pk})
        login(client, world.staff).post(url, {"title": "协调供电迁改", "assignee_user": world.secretary.pk,
                                              "deadline": days(5).isoformat()})
        instruction = Instruction.objects.get()
        assert instruction.dispatch is None and instruction.assignee_user == world.secretary

    def test_bad_input_re_renders_with_what_was_typed(self, world, client):
        url = reverse("mechanisms:instruction_create", kwargs={"project_pk": world.project.pk})
        response = login(client, world.chief).post(url, {"title": "无人负责的事", "deadline": days(-1).isoformat()})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Assign the instruction to a unit or a person." in body
        assert "The deadline cannot be in the past." in body
        assert "无人负责的事" in body
        assert not Instruction.objects.exists()

    def test_a_unit_outside_the_project_is_refused(self, world, client):
        url = reverse("mechanisms:instruction_create", kwargs={"project_pk": world.project.pk})
        response = login(client, world.chief).post(
            url, {"title": "x", "assignee_unit": world.committee_b.pk, "deadline": days(3).isoformat()}
        )
        assert response.status_code == 200 and not Instruction.objects.exists()

    def test_done_without_a_result_is_a_message(self, world, client):
        instruction = make_instruction(project=world.project, by=world.chief, unit=world.town_a, status="acknowledged")
        response = login(client, world.liaison).post(
            reverse("mechanisms:instruction_done", args=[instruction.pk]), {"result": ""}, follow=True
        )
        assert "Say what was done." in response.content.decode()
        instruction.refresh_from_db()
        assert instruction.status == InstructionStatus.ACKNOWLEDGED

    def test_the_detail_shows_the_ticket_colour(self, world, client):
        late = make_instruction(project=world.project, by=world.chief, unit=world.town_a, issued=-5, deadline=-2)
        body = login(client, world.chief).get(reverse("mechanisms:instruction_detail", args=[late.pk])).content.decode()
        assert 'data-ticket="red"' in body and "2 days overdue" in body


# ---------------------------------------------------------------- lists
def _many(w, n):
    for i in range(n):
        make_instruction(project=w.project, by=w.chief, unit=w.town_a if i % 2 else w.department_a,
                         user=w.secretary if i % 3 == 0 else None, issued=-5, deadline=(i % 9) - 3,
                         status=["issued", "acknowledged", "done", "returned"][i % 4], title=f"督办{i:03d}")


def _sessions(w, n):
    for i in range(n):
        d = Dispatch.objects.create(project=w.project, branch=w.branch, held_on=days(-i), status="recorded",
                                    created_by=w.chief, notes=f"第{i}次调度")
        make_instruction(project=w.project, by=w.chief, unit=w.town_a, dispatch=d)


class TestLists:
    def test_instruction_filters_search_and_paging(self, world, client):
        _many(world, 30)
        login(client, world.staff)
        url = reverse("mechanisms:instruction_list")
        page = client.get(url)
        assert page.context["page"].paginator.count == 30
        assert len(page.context["page"].object_list) == 25
        assert client.get(url, {"page": 2}).context["page"].paginator.num_pages == 2
        overdue = client.get(url, {"overdue": "on"}).context["page"]
        assert overdue.paginator.count and all(i.days_overdue > 0 for i in overdue.object_list)
        red = client.get(url, {"colour": "red"}).context["page"]
        assert red.paginator.count == overdue.paginator.count
        assert all(i.ticket == "red" for i in red.object_list)
        unit = client.get(url, {"assignee_unit": world.town_a.pk}).context["page"]
        assert unit.paginator.count == 15
        assert client.get(url, {"q": "督办007"}).context["page"].paginator.count == 1
        assert client.get(url, {"status": "done"}).context["page"].paginator.count == 7
        # A value that is not a choice is ignored, not a 500.
        assert client.get(url, {"project": "999999"}).status_code == 200

    def test_instruction_export_follows_the_filters(self, world, client):
        _many(world, 12)
        login(client, world.staff)
        response = client.get(reverse("mechanisms:instruction_list"), {"assignee_unit": world.town_a.pk,
                                                                       "export": "xlsx"})
        rows = sheet_rows(response)
        assert rows[1][0] == "Title"
        assert len(rows) == 2 + 6
        assert {r[3] for r in rows[2:]} == {"孤山镇"}
        assert "attachment" in response["Content-Disposition"]

    def test_dispatch_list_filters_and_export(self, world, client):
        _sessions(world, 3)
        Dispatch.objects.create(project=world.other_project, branch=world.other_branch, held_on=today(),
                                created_by=world.other_chief)
        login(client, world.staff)
        url = reverse("mechanisms:dispatch_list")
        assert client.get(url).context["page"].paginator.count == 4
        assert client.get(url, {"project": world.project.pk}).context["page"].paginator.count == 3
        assert client.get(url, {"status": "draft"}).context["page"].paginator.count == 1
        assert client.get(url, {"q": "第1次"}).context["page"].paginator.count == 1
        rows = sheet_rows(client.get(url, {"project": world.project.pk, "export": "xlsx"}))
        assert len(rows) == 2 + 3 and rows[2][6] == 1  # one instruction per session

    @pytest.mark.parametrize("name, fill, expected", [
        # session, user, roles, organization, the office user's holdings (holds_any), count, page rows, unread badge; the instruction list
        # also loads the working-day calendar for the ticket colours. The filters' pickers are
        # typeaheads: they read no choices until a value is chosen (then that row only).
        ("instruction_list", _many, 9),
        ("dispatch_list", _sessions, 8),
    ])
    def test_query_counts_are_pinned_and_constant(self, world, client, name, fill, expected):
        url = reverse(f"mechanisms:{name}")

        def count():
            client.force_login(User.objects.get(pk=world.staff.pk))
            return get_query_count(client, url)

        fill(world, 10)
        small = count()
        fill(world, 190)
        large = count()
        assert small == large == expected


def test_a_liaison_is_not_sent_to_a_session_they_cannot_open(world, client):
    from mechanisms.dispatch.services import dispatch_create

    dispatch = dispatch_create(project=world.project, by=world.chief, held_on=today(), record=True)
    instruction = make_instruction(project=world.project, by=world.chief, unit=world.town_a, dispatch=dispatch)
    session_url = reverse("mechanisms:dispatch_detail", args=[dispatch.pk])
    detail = reverse("mechanisms:instruction_detail", args=[instruction.pk])
    assert session_url not in login(client, world.liaison).get(detail).content.decode()
    assert session_url in login(client, world.chief).get(detail).content.decode()
