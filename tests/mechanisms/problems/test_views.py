"""The problem pages: list (filters, search, paging, export), raising a problem and a whistle,
the detail page's actions, and pinned query counts."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import ExportJob
from mechanisms.models import (
    DeadlineExtension,
    ExtensionStatus,
    ProblemCase,
    ProblemCategory,
    ProblemSeverity,
    ProblemSource,
    ProblemStatus,
    Satisfaction,
)
from mechanisms.problems import services
from tests.clock import clock_today
from tests.mechanisms import problems_world as pw
from tests.mechanisms.problems_world import accepted, analysed, reported, resolved
from tests.utils import count_queries, get_query_count

# The shared fixtures of the problem tests.
world_once, world, english, client_for = pw.world_once, pw.world, pw.english, pw.client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIST = reverse("mechanisms:problem_list")
EXPORT = reverse("mechanisms:problem_export")


def today():
    return clock_today()


def detail(problem):
    return reverse("mechanisms:problem_detail", args=[problem.pk])


def soon(days=10):
    return today() + datetime.timedelta(days=days)


def analysed_now(w, **extra):
    """Analysed today (the views act on the real date), deadline in ten days."""
    return analysed(w, today=today(), deadline=soon(), **extra)


# ---------------------------------------------------------------- list
class TestList:
    def test_rows_filters_and_search(self, world, client_for):
        whistle = reported(world, whistle=True, title="恒达公司用电增容")
        plain = reported(world, title="征迁补偿标准不统一", category=ProblemCategory.DIFFICULTY)
        other = reported(world, by=world.other_secretary, branch=world.other_branch, title="循环产业用地租赁难")
        client = client_for(world.staff)
        body = client.get(LIST).content.decode()
        for p in (whistle, plain, other):
            assert p.title in body
        body = client.get(LIST, {"source": ProblemSource.ENTERPRISE}).content.decode()
        assert whistle.title in body and plain.title not in body
        body = client.get(LIST, {"category": ProblemCategory.DIFFICULTY}).content.decode()
        assert plain.title in body and whistle.title not in body
        body = client.get(LIST, {"branch": world.other_branch.pk}).content.decode()
        assert other.title in body and plain.title not in body
        body = client.get(LIST, {"q": "恒达"}).content.decode()  # the enterprise's name
        assert whistle.title in body and plain.title not in body
        body = client.get(LIST, {"status": "nonsense", "branch": "x"}).content.decode()  # stale links do not fail
        assert plain.title in body

    def test_overdue_and_unit_filters(self, world, client_for):
        late = analysed(world, title="用电增容逾期未办", today=today() - datetime.timedelta(days=30),
                        deadline=today() - datetime.timedelta(days=1))
        fresh = analysed_now(world, title="土地报批按期推进")
        waiting = reported(world, title="待研判问题")
        client = client_for(world.secretary)
        body = client.get(LIST, {"overdue": "yes"}).content.decode()
        assert late.title in body and fresh.title not in body and waiting.title not in body
        assert 'data-testid="overdue"' in body
        body = client.get(LIST, {"overdue": "no"}).content.decode()
        assert late.title not in body and fresh.title in body
        body = client.get(LIST, {"responsible_unit": world.land.pk}).content.decode()
        assert late.title in body and waiting.title not in body

    def test_paging(self, world, client_for):
        for i in range(27):
            reported(world, title=f"问题{i:02d}")
        client = client_for(world.secretary)
        first = client.get(LIST).content.decode()
        second = client.get(LIST, {"page": 2}).content.decode()
        assert first.count('data-testid="problem-row"') == 25
        assert second.count('data-testid="problem-row"') == 2
        assert "问题00" in second and "问题26" in first

    def test_export_holds_the_filtered_rows(self, world, client_for):
        reported(world, whistle=True, title="恒达公司用电增容")
        reported(world, title="征迁补偿标准不统一")
        response = client_for(world.secretary).get(EXPORT, {"source": ProblemSource.ENTERPRISE})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        assert len(rows) == 1
        assert rows[0][1] == "恒达公司用电增容" and rows[0][7] == "江苏恒达精密机械有限公司"

    def test_export_rows_read_as_tuples_are_what_the_problems_say(self, world):
        """The builder reads tuples (issue 14); each cell is still what the problem instance
        says: labels, the project and unit or nothing, overdue, the times."""
        from core.exports import build
        from mechanisms.problems.filters import ProblemFilterSet

        reported(world, whistle=True, title="恒达公司用电增容")
        reported(world, project=None, title="园区道路积水")
        overdue = analysed(world, title="征迁补偿标准不统一")
        ProblemCase.objects.filter(pk=overdue.pk).update(deadline=clock_today() - datetime.timedelta(days=2))
        got = list(build(user=world.secretary, name="problems", params={}).rows)
        expected = [
            [
                p.pk, p.title, p.branch.name, p.project.name if p.project else "", p.get_category_display(),
                p.get_severity_display(), p.get_source_display(), p.enterprise_name, p.get_status_display(),
                p.responsible_unit.name if p.responsible_unit else "", p.deadline, "Yes" if p.is_overdue else "",
                p.created_at, p.analysed_at, p.resolved_at, p.verified_at, p.get_satisfaction_display(), p.description,
            ]
            for p in ProblemFilterSet({}, user=world.secretary).qs
        ]
        assert len(got) == 3 and got == expected
        assert {row[11] for row in got} == {"Yes", ""} and {row[3] for row in got} >= {""}
        assert {row[9] for row in got} > {""}

    def test_a_large_export_becomes_a_background_job(self, world, client_for, settings):
        settings.EXPORT_SYNC_MAX_ROWS = 1
        reported(world, whistle=True, title="恒达公司用电增容")
        reported(world, whistle=True, title="恒达公司用地审批")
        reported(world, title="征迁补偿标准不统一")
        response = client_for(world.secretary).get(EXPORT, {"source": ProblemSource.ENTERPRISE, "page": 2})
        job = ExportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("core:export_job", args=[job.pk])
        assert (job.user, job.name, job.total) == (world.secretary, "problems", 2)
        assert job.params == {"source": [ProblemSource.ENTERPRISE]}

    def test_buttons_follow_the_role(self, world, client_for):
        assert 'data-testid="problem-whistle"' in client_for(world.secretary).get(LIST).content.decode()
        assert 'data-testid="problem-create"' not in client_for(world.leader).get(LIST).content.decode()
        assert 'data-testid="problem-create"' not in client_for(world.liaison).get(LIST).content.decode()


class TestListQueries:
    """The list and its export cost the same number of queries for 10 and 200 problems."""

    def _fill(self, world, n):
        for i in range(n):
            problem = reported(world, title=f"问题{i}", whistle=i % 3 == 0)
            if i % 2:
                services.problem_analyse(
                    problem=problem, by=world.secretary, conclusion="结论", responsible_unit=world.land,
                    co_units=[world.power], deadline=soon(),
                )

    @pytest.mark.parametrize("who", ["staff", "secretary", "liaison"])
    def test_list_is_constant(self, world, client_for, who):
        client = client_for(getattr(world, who))
        client.get(LIST)  # warm the session and content-type caches
        self._fill(world, 10)
        small = get_query_count(client, LIST)
        self._fill(world, 190)
        large = get_query_count(client, LIST)
        assert small == large
        # session, user, roles, the user's organization, (an office user's holdings:
        # branches.selectors.holds_any), three filter choices, "may raise?", the unread badge,
        # count, rows.
        assert large <= 12, f"the problem list now costs {large} queries: justify each new one"

    def test_export_is_constant(self, world, client_for):
        client = client_for(world.staff)
        client.get(LIST)
        self._fill(world, 10)
        small = get_query_count(client, EXPORT)
        self._fill(world, 190)
        large = get_query_count(client, EXPORT)
        assert small == large

    def test_detail_is_constant_in_assignments_and_extensions(self, world, client_for):
        problem = analysed_now(world, co_units=[world.power])
        client = client_for(world.secretary)
        client.get(detail(problem))  # warm the content-type cache
        small = get_query_count(client, detail(problem))
        for name in ("市住建局", "市交通运输局", "市生态环境局", "市市场监管局"):
            unit = world.land.__class__.objects.create(name=name, kind="department", parent=world.city_a)
            problem.assignments.create(unit=unit, due_on=soon(3))
        large = get_query_count(client, detail(problem))
        assert small == large


# ---------------------------------------------------------------- raising problems
class TestRaise:
    def test_secretary_raises_a_problem(self, world, client_for):
        client = client_for(world.secretary)
        url = reverse("mechanisms:problem_create")
        page = client.get(url).content.decode()
        assert world.branch.name in page  # one branch: no picking step
        response = client.post(url, {
            "branch": world.branch.pk, "title": "安置房交付延期", "description": "安置房交付比计划晚两个月。",
            "category": ProblemCategory.PAIN_POINT, "severity": ProblemSeverity.SERIOUS, "source": ProblemSource.MEMBER,
            "raised_by_person": world.member_person.pk, "project": world.project.pk,
        })
        problem = ProblemCase.objects.get()
        assert response.status_code == 302 and response["Location"] == detail(problem)
        assert problem.raised_by_person == world.member_person and problem.project == world.project
        assert problem.severity == ProblemSeverity.SERIOUS

    def test_bad_input_keeps_what_was_typed(self, world, client_for):
        response = client_for(world.secretary).post(reverse("mechanisms:problem_create"), {
            "branch": world.branch.pk, "title": "安置房交付延期", "description": "",
            "category": ProblemCategory.PAIN_POINT, "severity": ProblemSeverity.ORDINARY, "source": ProblemSource.MEMBER,
        })
        body = response.content.decode()
        assert response.status_code == 200
        assert "安置房交付延期" in body and "Name the member who raised the problem." in body
        assert not ProblemCase.objects.exists()

    def test_staff_picks_a_branch_first(self, world, client_for):
        client = client_for(world.staff)
        body = client.get(reverse("mechanisms:problem_create")).content.decode()
        # The branches come from the typeahead, not the page.
        assert 'data-testid="branch-pick"' in body and 'data-picker-url="/pick/reporting_branches/"' in body
        assert world.other_branch.name not in body
        found = client.get(reverse("picker", args=["reporting_branches"]), {"q": world.other_branch.name[:4]}).json()
        assert world.other_branch.pk in [row["value"] for row in found["results"]]
        body = client.get(reverse("mechanisms:problem_create"), {"branch": world.other_branch.pk}).content.decode()
        assert 'data-testid="problem-form"' in body

    def test_whistle_on_behalf_of_an_enterprise(self, world, client_for):
        url = reverse("mechanisms:problem_whistle")
        response = client_for(world.secretary).post(url, {
            "branch": world.branch.pk, "enterprise_name": "江苏恒达精密机械有限公司", "enterprise_contact": "吴经理",
            "enterprise_phone": "13912345678", "title": "用电增容审批卡住", "description": "增容申请两周未批复。",
            "category": ProblemCategory.BLOCKAGE, "severity": ProblemSeverity.MAJOR,
        })
        problem = ProblemCase.objects.get()
        assert response.status_code == 302
        assert problem.source == ProblemSource.ENTERPRISE and problem.enterprise_contact == "吴经理"

    def test_whistle_without_the_enterprise_is_refused(self, world, client_for):
        response = client_for(world.secretary).post(reverse("mechanisms:problem_whistle"), {
            "branch": world.branch.pk, "enterprise_name": "", "enterprise_contact": "吴经理", "title": "用电增容审批卡住",
            "description": "增容申请两周未批复。", "category": ProblemCategory.BLOCKAGE, "severity": ProblemSeverity.MAJOR,
        })
        assert response.status_code == 200 and "用电增容审批卡住" in response.content.decode()
        assert not ProblemCase.objects.exists()


# ---------------------------------------------------------------- the detail page and its actions
class TestDetailActions:
    def test_each_role_sees_its_own_buttons(self, world, client_for):
        problem = reported(world)
        assert 'data-testid="analyse-form"' in client_for(world.secretary).get(detail(problem)).content.decode()
        assert 'data-testid="analyse-form"' not in client_for(world.leader).get(detail(problem)).content.decode()
        problem = analysed_now(world)
        liaison_page = client_for(world.liaison).get(detail(problem)).content.decode()
        assert 'data-testid="accept-submit"' in liaison_page and 'data-testid="object-submit"' in liaison_page
        assert 'data-testid="answer-form"' in client_for(world.co_liaison).get(detail(problem)).content.decode()
        secretary_page = client_for(world.secretary).get(detail(problem)).content.decode()
        assert 'data-testid="accept-submit"' not in secretary_page and 'data-testid="no-actions"' in secretary_page

    def test_the_whole_flow_through_the_pages(self, world, client_for):
        problem = reported(world, whistle=True)
        secretary, liaison, co = client_for(world.secretary), client_for(world.liaison), client_for(world.co_liaison)
        response = secretary.post(reverse("mechanisms:problem_analyse", args=[problem.pk]), {
            "conclusion": "供电方案审批堵点", "responsible_unit": world.land.pk, "co_units": [world.power.pk],
            "deadline": soon().isoformat(),
        })
        assert response.status_code == 302
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.ANALYSED and problem.deadline == soon()
        assignment = problem.assignments.get()
        co.post(reverse("mechanisms:problem_assignment_answer", args=[assignment.pk]), {f"a{assignment.pk}-answer": "方案已出"})
        assignment.refresh_from_db()
        assert assignment.answer == "方案已出"
        liaison.post(reverse("mechanisms:problem_accept", args=[problem.pk]))
        liaison.post(reverse("mechanisms:problem_resolve", args=[problem.pk]), {"resolution": "增容已批复"})
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.RESOLVED
        response = secretary.post(reverse("mechanisms:problem_verify", args=[problem.pk]), {
            "decision": "approve", "satisfaction": Satisfaction.SATISFIED, "note": "企业表示满意",
        })
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.CLOSED and problem.satisfaction == Satisfaction.SATISFIED
        page = secretary.get(detail(problem)).content.decode()
        assert "Satisfied" in page and "增容已批复" in page and "This problem is closed." in page

    def test_a_form_error_re_renders_with_what_was_typed(self, world, client_for):
        problem = resolved(world, whistle=True)
        response = client_for(world.secretary).post(reverse("mechanisms:problem_verify", args=[problem.pk]), {
            "decision": "approve", "satisfaction": "", "note": "企业电话未接通",
        })
        body = response.content.decode()
        assert response.status_code == 400
        assert "企业电话未接通" in body and "Record how satisfied the enterprise is." in body
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.RESOLVED

    def test_a_refused_move_is_a_message_not_an_error_page(self, world, client_for):
        problem = accepted(world)
        client = client_for(world.liaison)
        response = client.post(reverse("mechanisms:problem_accept", args=[problem.pk]), follow=True)
        assert response.status_code == 200
        assert "cannot become" in response.content.decode()

    def test_extension_through_the_pages(self, world, client_for):
        problem = services.problem_accept(problem=analysed_now(world), by=world.liaison)
        client_for(world.liaison).post(reverse("mechanisms:problem_extension_request", args=[problem.pk]), {
            "requested_until": soon(20).isoformat(), "reason": "等待设备到货",
        })
        extension = DeadlineExtension.objects.get()
        page = client_for(world.chief).get(detail(problem)).content.decode()
        assert 'data-testid="decide-form"' in page and "等待设备到货" in page
        client_for(world.chief).post(reverse("mechanisms:problem_extension_decide", args=[extension.pk]), {"decision": "approve"})
        extension.refresh_from_db()
        problem.refresh_from_db()
        assert extension.status == ExtensionStatus.APPROVED and problem.deadline == soon(20)

    def test_objection_through_the_page(self, world, client_for):
        problem = analysed_now(world)
        client_for(world.liaison).post(reverse("mechanisms:problem_object", args=[problem.pk]), {"reason": "应由供电公司牵头"})
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.OBJECTED
        page = client_for(world.secretary).get(detail(problem)).content.decode()
        assert "应由供电公司牵头" in page and 'data-testid="analyse-form"' in page

    def test_comments_attachments_and_history_are_on_the_page(self, world, client_for):
        problem = analysed_now(world)
        client = client_for(world.liaison)
        client.post(reverse("mechanisms:comment_create", args=["problemcase", problem.pk]), {"body": "已联系企业"})
        page = client.get(detail(problem)).content.decode()
        assert "已联系企业" in page and 'data-testid="history"' in page and "Analysed and assigned" in page


def test_an_attachment_is_served_only_to_who_sees_the_problem(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mechanisms.models import Attachment

    problem = analysed_now(world)
    png = SimpleUploadedFile("批复.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png")
    client_for(world.liaison).post(reverse("mechanisms:attachment_create", args=["problemcase", problem.pk]), {"file": png})
    attachment = Attachment.objects.get()
    assert attachment.target == problem and attachment.content_type == "image/png"
    url = reverse("mechanisms:attachment_download", args=[attachment.token])
    response = client_for(world.secretary).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client_for(world.other_liaison).get(url).status_code == 404
    assert client_for(world.staff_b).get(url).status_code == 404


def test_detail_queries_are_counted(world, client_for):
    """Pin the detail page so a query added per row shows up here."""
    problem = analysed_now(world)
    client = client_for(world.secretary)
    n, response = count_queries(client.get, detail(problem))
    assert response.status_code == 200
    assert n <= 25, f"the problem page now costs {n} queries: justify each new one"
