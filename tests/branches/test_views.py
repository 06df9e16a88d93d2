"""The pages: what they show, what they save, and how they refuse."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from branches import services, views
from branches.models import (
    ActivityKind,
    Branch,
    BranchStatus,
    Light,
    Membership,
    MembershipRole,
    WeakLink,
    WeakLinkKind,
)
from core.models import ExportJob

from . import factories as f
from .test_selectors import make_branches

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def page_queries(client, url) -> tuple[int, int]:
    """(all queries, queries on this app's tables) of one GET of ``url``.

    The second number leaves out what every page pays (the session, other apps' badges), so
    the pin below moves only when this page's own queries change."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    sqls = [q["sql"] for q in ctx.captured_queries]
    return len(sqls), sum(1 for sql in sqls if '"branches_' in sql and "django_session" not in sql)


def text(response):
    return response.content.decode()


def workbook_rows(response):
    ws = load_workbook(BytesIO(response.content)).active
    return [[c for c in row] for row in ws.iter_rows(values_only=True)]


# ---------------------------------------------------------------- branch list and export
def test_branch_list_shows_the_visible_branches_with_their_secretary(world, client_for):
    page = text(client_for(world.staff_a).get(reverse("branches:branch_list")))

    assert world.branch_a.name in page and world.branch_a2.name in page
    assert world.branch_b.name not in page
    assert "张卫东" in page and "赵敏" in page


def test_branch_list_filters_searches_and_pages(world, client_for):
    Branch.objects.filter(pk=world.branch_a2.pk).update(light=Light.RED)
    client = client_for(world.staff_a)

    red = text(client.get(reverse("branches:branch_list"), {"light": "red"}))
    assert world.branch_a2.name in red and world.branch_a.name not in red
    found = text(client.get(reverse("branches:branch_list"), {"q": "过江"}))
    assert world.branch_a.name in found and world.branch_a2.name not in found
    # A value outside the choices is ignored, not an error page.
    assert client.get(reverse("branches:branch_list"), {"status": "nonsense"}).status_code == 200

    make_branches(world.o["committee_a"], 30)
    first = text(client.get(reverse("branches:branch_list")))
    second = text(client.get(reverse("branches:branch_list"), {"page": 2}))
    assert "1 / 2" in first and "2 / 2" in second
    assert first.count('data-testid="branch-row"') == 25
    assert second.count('data-testid="branch-row"') == 32 - 25


def test_branch_export_has_the_filtered_rows(world, client_for):
    f.project(branch=world.branch_a)

    response = client_for(world.staff_a).get(reverse("branches:branch_export"), {"q": "过江"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = workbook_rows(response)
    assert rows[1][0] == "Name"
    data = rows[2:]
    assert len(data) == 1
    assert data[0][0] == world.branch_a.name and "张卫东" in data[0] and 1 in data[0]


def test_branch_export_stays_in_the_jurisdiction(world, client_for):
    rows = workbook_rows(client_for(world.staff_b).get(reverse("branches:branch_export")))

    assert [r[0] for r in rows[2:]] == [world.branch_b.name]


def test_a_large_branch_export_becomes_a_background_job(world, client_for, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 0

    response = client_for(world.staff_a).get(reverse("branches:branch_export"), {"q": "过江", "page": "2"})

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:export_job", args=[job.pk])
    assert (job.user, job.name, job.params, job.total) == (world.staff_a, "branches", {"q": ["过江"]}, 1)


@pytest.mark.parametrize("url_name", ["branches:branch_list", "branches:branch_export"])
def test_branch_list_query_count_is_the_same_at_10_and_200_branches(world, client_for, url_name):
    client = client_for(world.staff_a)
    make_branches(world.o["committee_a"], 10)
    url = reverse(url_name) + ("?page=1" if url_name.endswith("list") else "")
    few = page_queries(client, url)
    make_branches(world.o["committee_a"], 190, start=10)
    many = page_queries(client, url)

    # Pinned: user, roles, organization, the office user's holdings
    # (branches.selectors.holds_any), filter choices (batches; lead units and fields are
    # typeahead pickers, read only for a chosen value), then count and page (the export: count,
    # to choose between now and a worker, and all rows in one query). Justify any change.
    assert few == many, (few, many)
    assert few[1] == 7


# ---------------------------------------------------------------- branch detail
def test_branch_detail_shows_members_projects_activities_and_history(world, client_for):
    f.project(branch=world.branch_a, name="澄靖过江通道征迁", light=Light.YELLOW)
    services.activity_create(
        branch=world.branch_a, by=world.secretary_a, kind=ActivityKind.COMMANDO, title="党员突击队夜访",
        held_on=datetime.date(2026, 3, 1),
    )

    page = text(client_for(world.staff_a).get(reverse("branches:branch_detail", args=[world.branch_a.pk])))

    assert "张卫东" in page and "李娟" in page and "Secretary" in page
    assert "澄靖过江通道征迁" in page and "light-dot light-yellow" in page
    assert "党员突击队夜访" in page
    assert 'data-testid="history-entry"' in page and "陈明" in page
    # Staff see the moves the table allows: with a secretary and a project it may start.
    assert 'data-testid="transition-active">' in page
    assert 'data-testid="transition-dissolved"' in page


def test_a_blocked_move_is_shown_disabled_with_its_reason(world, client_for):
    page = text(client_for(world.staff_a).get(reverse("branches:branch_detail", args=[world.branch_a2.pk])))

    assert 'disabled aria-disabled="true" data-testid="transition-active"' in page
    assert "Attach at least one project before activating the branch." in page


def test_the_add_project_link_appears_only_when_the_projects_page_exists(world, client_for, monkeypatch):
    url = reverse("branches:branch_detail", args=[world.branch_a.pk])
    client = client_for(world.staff_a)

    monkeypatch.setattr(views, "_optional_url", lambda name, *args: None)
    assert 'data-testid="project-add"' not in text(client.get(url))

    monkeypatch.setattr(views, "_optional_url", lambda name, *args: "/projects/new/")
    assert f'href="/projects/new/?branch={world.branch_a.pk}"' in text(client.get(url))


def test_the_secretary_sees_no_lifecycle_or_appointment_buttons(world, client_for):
    page = text(client_for(world.secretary_a).get(reverse("branches:branch_detail", args=[world.branch_a.pk])))

    assert 'data-testid="lifecycle"' not in page and 'data-testid="membership-add"' not in page
    assert 'data-testid="branch-edit"' in page and 'data-testid="activity-add"' in page


def test_the_leader_reads_but_sees_no_write_buttons(world, client_for):
    page = text(client_for(world.leader_a).get(reverse("branches:branch_detail", args=[world.branch_a.pk])))

    assert world.branch_a.name in page
    for testid in ("lifecycle", "membership-add", "branch-edit", "activity-add"):
        assert f'data-testid="{testid}"' not in page


# ---------------------------------------------------------------- create, edit, transitions
def _branch_post(world, **overrides):
    data = {
        "name": "文明城市创建攻坚支部",
        "batch": "2",
        "kind": "task_force",
        "front": "key_work",
        "field": str(f.work_field("文明城市创建", "key_work").pk),
        "scope": "cross_domain",
        "supervising_committee": str(world.o["committee_a"].pk),
        "lead_unit": str(world.o["department_a"].pk),
        "responsible_units": [str(world.o["town_a"].pk), str(world.o["department_a"].pk)],
        "goal": "摘得全国文明城市金字招牌",
        "formed_on": "2026-03-01",
        "planned_end_on": "2026-12-31",
    }
    data.update(overrides)
    return data


def test_staff_create_a_branch(world, client_for):
    response = client_for(world.staff_a).post(reverse("branches:branch_create"), _branch_post(world))

    branch = Branch.objects.get(name="文明城市创建攻坚支部")
    assert response.status_code == 302 and response["Location"] == reverse("branches:branch_detail", args=[branch.pk])
    assert branch.status == BranchStatus.PROPOSED and branch.created_by == world.staff_a
    assert set(branch.responsible_units.all()) == {world.o["town_a"], world.o["department_a"]}
    assert {h.history_user for h in branch.history.all()} == {world.staff_a}


def test_a_bad_branch_form_is_shown_again_with_what_was_typed(world, client_for):
    response = client_for(world.staff_a).post(
        reverse("branches:branch_create"), _branch_post(world, planned_end_on="2026-01-01", goal="我的目标文字")
    )

    page = text(response)
    assert response.status_code == 200
    assert "The planned end cannot be before the formation date." in page
    assert "我的目标文字" in page and "文明城市创建攻坚支部" in page
    assert not Branch.objects.filter(name="文明城市创建攻坚支部").exists()


def test_a_unit_outside_the_jurisdiction_is_refused(world, client_for):
    response = client_for(world.staff_a).post(
        reverse("branches:branch_create"), _branch_post(world, lead_unit=str(world.o["committee_b"].pk))
    )

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not Branch.objects.filter(name="文明城市创建攻坚支部").exists()


def test_the_secretary_edits_only_the_goal_and_end_of_their_branch(world, client_for):
    client = client_for(world.secretary_a)
    url = reverse("branches:branch_edit", args=[world.branch_a.pk])
    form_page = text(client.get(url))
    assert 'name="goal"' in form_page and 'name="lead_unit"' not in form_page

    response = client.post(url, {"goal": "28天完成225户搬迁，确保工程如期开工", "planned_end_on": "2026-06-30",
                                 "lead_unit": str(world.o["department_a"].pk)})

    assert response.status_code == 302
    world.branch_a.refresh_from_db()
    assert world.branch_a.goal == "28天完成225户搬迁，确保工程如期开工"
    assert world.branch_a.lead_unit == world.o["town_a"]  # not theirs to change


def test_staff_edit_a_branch(world, client_for):
    url = reverse("branches:branch_edit", args=[world.branch_a2.pk])
    data = _branch_post(world, name="放管服改革攻坚支部", goal="一件事一次办")

    response = client_for(world.staff_a).post(url, data)

    assert response.status_code == 302
    world.branch_a2.refresh_from_db()
    assert world.branch_a2.goal == "一件事一次办" and world.branch_a2.batch == 2


def test_a_refused_transition_is_a_clear_message(world, client_for):
    response = client_for(world.staff_a).post(
        reverse("branches:branch_transition", args=[world.branch_a.pk]), {"to": "active"}, follow=True
    )

    assert "Attach at least one project before activating the branch." in text(response)
    world.branch_a.refresh_from_db()
    assert world.branch_a.status == BranchStatus.PROPOSED


def test_activating_and_dissolving_from_the_page(world, client_for):
    client = client_for(world.staff_a)
    url = reverse("branches:branch_transition", args=[world.branch_a.pk])
    f.project(branch=world.branch_a)

    assert "The branch is now “Active”." in text(client.post(url, {"to": "active"}, follow=True))
    no_reason = text(client.post(url, {"to": "dissolved", "reason": ""}, follow=True))
    assert "Give a reason for dissolving the branch." in no_reason
    client.post(url, {"to": "dissolved", "reason": "工程调整，任务取消"})

    world.branch_a.refresh_from_db()
    assert world.branch_a.status == BranchStatus.DISSOLVED


def test_the_dissolve_form_asks_for_a_reason_and_confirms(world, client_for):
    page = text(client_for(world.staff_a).get(reverse("branches:branch_detail", args=[world.branch_a.pk])))

    assert 'name="reason"' in page and "required" in page
    assert 'data-confirm="Dissolve this branch? This cannot be undone."' in page


# ---------------------------------------------------------------- memberships
def test_appointing_a_secretary_from_the_page_moves_the_grant(world, client_for, make_user):
    new_user = make_user(organization=world.o["town_a"], username="new_secretary")
    new_person = f.person(unit=world.o["town_a"], name="周新", user=new_user)
    client = client_for(world.staff_a)

    search = text(client.get(reverse("branches:membership_add", args=[world.branch_a.pk]), {"q": "周新"}))
    assert f'value="{new_person.pk}"' in search
    response = client.post(
        reverse("branches:membership_add", args=[world.branch_a.pk]),
        {"person": new_person.pk, "role": MembershipRole.SECRETARY, "joined_on": "2026-03-02"},
    )

    assert response.status_code == 302
    assert client_for(new_user).get(reverse("branches:branch_detail", args=[world.branch_a.pk])).status_code == 200
    assert client_for(world.secretary_a).get(reverse("branches:branch_detail", args=[world.branch_a.pk])).status_code == 404


def test_a_person_outside_the_jurisdiction_cannot_be_appointed(world, client_for):
    response = client_for(world.staff_a).post(
        reverse("branches:membership_add", args=[world.branch_a.pk]),
        {"person": world.person_b.pk, "role": MembershipRole.MEMBER, "joined_on": "2026-03-02"},
    )

    assert response.status_code == 200 and "Select a valid choice" in text(response)
    assert not Membership.objects.filter(person=world.person_b).exists()


def test_ending_a_membership_from_the_page(world, client_for):
    response = client_for(world.staff_a).post(
        reverse("branches:membership_end", args=[world.member_a_membership.pk]), follow=True
    )

    assert "李娟 has left the branch." in text(response)
    world.member_a_membership.refresh_from_db()
    assert world.member_a_membership.left_on is not None


def test_a_member_writes_their_commitment(world, client_for):
    client = client_for(world.member_a)
    m = world.member_a_membership

    page = text(client.get(reverse("branches:my_memberships")))
    assert world.branch_a.name in page
    client.post(reverse("branches:commitment_update", args=[m.pk]), {f"m{m.pk}-commitment": "包保10户，28天内签约"})

    m.refresh_from_db()
    assert m.commitment == "包保10户，28天内签约"
    assert "包保10户" in text(client_for(world.staff_a).get(reverse("branches:branch_detail", args=[world.branch_a.pk])))


# ---------------------------------------------------------------- Party life
def test_the_secretary_records_an_activity_with_an_attachment_and_it_downloads(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.secretary_a)

    response = client.post(
        reverse("branches:activity_create", args=[world.branch_a.pk]),
        {
            "kind": ActivityKind.MICRO_SERVICE,
            "title": "进企业微主题服务",
            "held_on": "2026-03-01",
            "participants": [world.member_a_person.pk],
            "attachments": [SimpleUploadedFile("合影.png", PNG, content_type="image/png")],
        },
    )

    activity = world.branch_a.activities.get()
    assert response["Location"] == reverse("branches:activity_detail", args=[activity.pk])
    attachment = activity.attachments.get()
    download = client.get(reverse("branches:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    other_branch = client_for(world.secretary_a2).get(reverse("branches:attachment_download", args=[attachment.pk]))
    assert other_branch.status_code == 404


def test_a_bad_upload_is_a_form_error_and_nothing_is_saved(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(world.secretary_a).post(
        reverse("branches:activity_create", args=[world.branch_a.pk]),
        {
            "kind": ActivityKind.THREE_SHOWS,
            "title": "三亮活动",
            "held_on": "2026-03-01",
            "attachments": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")],
        },
    )

    page = text(response)
    assert response.status_code == 200
    assert "virus.pdf: This kind of file is not accepted." in page
    assert "三亮活动" in page
    assert not world.branch_a.activities.exists()


def test_a_too_large_upload_is_refused(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = client_for(world.secretary_a).post(
        reverse("branches:activity_create", args=[world.branch_a.pk]),
        {
            "kind": ActivityKind.THREE_SHOWS,
            "title": "三亮活动",
            "held_on": "2026-03-01",
            "attachments": [SimpleUploadedFile("big.png", PNG + b"\x00" * (1024 * 1024), content_type="image/png")],
        },
    )

    assert "The file is too large" in text(response)
    assert not world.branch_a.activities.exists()


# ---------------------------------------------------------------- people
def test_person_list_detail_and_export(world, client_for):
    client = client_for(world.staff_a)

    page = text(client.get(reverse("branches:person_list")))
    assert "李娟" in page and "孙强" not in page
    detail = text(client.get(reverse("branches:person_detail", args=[world.member_a_person.pk])))
    assert world.branch_a.name in detail and "孤山镇" in detail
    rows = workbook_rows(client.get(reverse("branches:person_export")))
    assert sorted(r[0] for r in rows[2:]) == sorted(["张卫东", "赵敏", "李娟"])


def test_staff_register_and_edit_a_person(world, client_for):
    client = client_for(world.staff_a)
    data = {"name": "钱进", "gender": "male", "birth_date": "1985-07-01", "joined_party_on": "2008-07-01",
            "work_unit": world.o["town_a"].pk, "post": "党委委员", "phone": "13912345678"}

    response = client.post(reverse("branches:person_create"), data)
    person = world.o["town_a"].people.get(name="钱进")
    assert response.status_code == 302
    bad = client.post(reverse("branches:person_edit", args=[person.pk]), {**data, "joined_party_on": "1980-01-01"})
    assert "The date of joining the Party must be after the birth date." in text(bad)
    client.post(reverse("branches:person_edit", args=[person.pk]), {**data, "post": "副镇长", "user": world.stranger.pk})

    person.refresh_from_db()
    assert person.post == "副镇长" and person.user == world.stranger


def test_a_large_person_export_becomes_a_background_job(world, client_for, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 2

    response = client_for(world.staff_a).get(reverse("branches:person_export"))

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:export_job", args=[job.pk])
    assert (job.user, job.name, job.total) == (world.staff_a, "people", 3)


@pytest.mark.parametrize("url_name", ["branches:person_list", "branches:person_export"])
def test_person_list_query_count_is_the_same_at_10_and_200_people(world, client_for, url_name):
    client = client_for(world.staff_a)
    make_branches(world.o["committee_a"], 10)
    few = page_queries(client, reverse(url_name))
    make_branches(world.o["committee_a"], 190, start=10)
    many = page_queries(client, reverse(url_name))

    # Pinned: user, roles, organization, the units of the filter, then count and page (the
    # export: count, to choose between now and a worker, and all rows in one query). Justify any
    # change.
    assert few == many, (few, many)
    assert few[1] == 6


# ---------------------------------------------------------------- industrial chains
def test_chain_pages_show_nodes_in_order_and_staff_manage_weak_links(world, client_for):
    chain = f.chain(organization=world.o["city_a"], nodes=("钢材", "船体", "船东"))
    client = client_for(world.staff_a)

    assert chain.name in text(client.get(reverse("branches:chain_list")))
    response = client.post(
        reverse("branches:weaklink_add", args=[chain.pk]),
        {"node": chain.nodes.get(position=1).pk, "kind": WeakLinkKind.SUPPLY_BREAK, "title": "厚板供应中断"},
    )
    assert response.status_code == 302
    page = text(client.get(reverse("branches:chain_detail", args=[chain.pk])))
    assert page.index("钢材") < page.index("船体") < page.index("船东")
    assert "厚板供应中断" in page and "Mark resolved" in page

    link = WeakLink.objects.get(title="厚板供应中断")
    client.post(reverse("branches:weaklink_resolve", args=[link.pk]))
    link.refresh_from_db()
    assert link.is_resolved
    assert "Mark resolved" not in text(client_for(world.leader_a).get(reverse("branches:chain_detail", args=[chain.pk])))


def _grow_branch(world, n, start=0):
    for i in range(n):
        person = f.person(unit=world.o["town_a"], name=f"队员{start + i:03d}")
        f.appoint(branch=world.branch_a, person=person, by=world.staff_a)
        f.project(branch=world.branch_a, name=f"子项目{start + i:03d}")
        activity = services.activity_create(
            branch=world.branch_a, by=world.secretary_a, kind=ActivityKind.FOUR_COMPETITIONS,
            title=f"四比竞赛{start + i:03d}", held_on=datetime.date(2026, 3, 1), participants=[person],
        )
        del activity


def test_branch_detail_query_count_does_not_grow_with_members_projects_and_activities(world, client_for):
    client = client_for(world.staff_a)
    url = reverse("branches:branch_detail", args=[world.branch_a.pk])
    _grow_branch(world, 3)
    few = page_queries(client, url)
    _grow_branch(world, 27, start=3)
    many = page_queries(client, url)

    page = text(client.get(url))
    assert "队员029" in page and "子项目029" in page and "四比竞赛029" in page
    # Pinned: user, roles, organization, the office user's holdings, the branch, its responsible
    # units, the staff check, members, projects, activities, three history tables, the two
    # activation guards.
    assert few == many, (few, many)
    assert few[1] == 14
