"""Who reaches which problem page: anonymous → login; outside reach (other branch, other city,
another unit, no role) → 404; wrong role for an action → 404; the holder → 200 / the action."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from mechanisms.models import ProblemStatus
from mechanisms.problems import services
from tests.clock import clock_today
from tests.mechanisms import problems_world as pw
from tests.mechanisms.problems_world import accepted, analysed, reported, resolved

world_once, world, english, client_for = pw.world_once, pw.world, pw.english, pw.client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def soon(days=10):
    return clock_today() + datetime.timedelta(days=days)


def status_of(client_for, user, url, method="get", data=None):
    response = getattr(client_for(user), method)(url, data or {})
    if user is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code


def check(client_for, world, url, expected: dict, method="get", data=None):
    """``expected`` maps a world attribute (or None: anonymous) to a status code."""
    for name, code in expected.items():
        user = getattr(world, name) if name else None
        got = status_of(client_for, user, url, method, data)
        assert got == code, f"{name or 'anonymous'} {method.upper()} {url}: {got} != {code}"


class TestLists:
    def test_list_and_export_need_a_login(self, world, client_for):
        for name in ("mechanisms:problem_list", "mechanisms:problem_export"):
            check(client_for, world, reverse(name), {None: 302, "secretary": 200, "leader": 200, "liaison": 200})

    def test_each_user_lists_only_what_they_may_see(self, world, client_for):
        ours = analysed(world, title="本支部用电问题", co_units=[world.power], today=clock_today(), deadline=soon())
        unassigned = reported(world, title="尚未交办的问题")
        theirs = reported(world, by=world.other_secretary, branch=world.other_branch, title="另一支部的用地问题")
        city_b = reported(world, by=world.staff_b, branch=world.b_branch, title="泰兴的审批问题")
        seen = {
            "staff": {ours, unassigned, theirs},
            "leader": {ours, unassigned, theirs},
            "secretary": {ours, unassigned},
            "chief": {ours, unassigned},
            "member": {ours, unassigned},
            "other_secretary": {theirs},
            "staff_b": {city_b},
            "liaison": {ours},  # the responsible unit's liaison sees only its unit's problems
            "co_liaison": {ours},
            "other_liaison": set(),
        }
        everything = {ours, unassigned, theirs, city_b}
        for name, visible in seen.items():
            body = client_for(getattr(world, name)).get(reverse("mechanisms:problem_list")).content.decode()
            for problem in everything:
                assert (problem.title in body) == (problem in visible), (name, problem.title)


    def test_export_holds_only_what_the_user_may_see(self, world, client_for):
        import io

        from openpyxl import load_workbook

        analysed(world, title="交办给规划局的问题", co_units=[])
        reported(world, title="尚未交办的问题")
        for name, expected in (("liaison", ["交办给规划局的问题"]), ("other_liaison", []), ("staff_b", [])):
            response = client_for(getattr(world, name)).get(reverse("mechanisms:problem_export"))
            rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
            assert [r[1] for r in rows] == expected, name


class TestRaisePages:
    @pytest.mark.parametrize("name", ["mechanisms:problem_create", "mechanisms:problem_whistle"])
    def test_who_may_raise(self, world, client_for, name):
        url = f"{reverse(name)}?branch={world.branch.pk}"
        check(client_for, world, url, {
            None: 302,
            "secretary": 200,
            "staff": 200,
            "chief": 200,
            "leader": 404,
            "member": 404,
            "liaison": 404,
            "other_secretary": 404,  # another branch
            "staff_b": 404,  # another city
        })

    def test_posting_for_a_branch_out_of_reach_is_404(self, world, client_for):
        data = {"branch": world.branch.pk, "title": "x", "description": "y", "category": "blockage",
                "severity": "ordinary", "source": "branch"}
        check(client_for, world, reverse("mechanisms:problem_create"), {"other_secretary": 404, "staff_b": 404, "leader": 404},
              method="post", data=data)

    def test_no_branch_to_raise_for_is_404(self, world, client_for):
        check(client_for, world, reverse("mechanisms:problem_create"), {"leader": 404, "liaison": 404, "secretary": 200})


class TestDetail:
    def test_detail_matrix(self, world, client_for):
        problem = analysed(world, co_units=[world.power])
        check(client_for, world, reverse("mechanisms:problem_detail", args=[problem.pk]), {
            None: 302,
            "secretary": 200,
            "staff": 200,
            "leader": 200,
            "chief": 200,
            "member": 200,
            "liaison": 200,
            "co_liaison": 200,
            "other_liaison": 404,  # another unit
            "other_secretary": 404,  # another branch
            "staff_b": 404,  # another city
        })

    def test_a_liaison_sees_a_problem_only_once_assigned_to_the_unit(self, world, client_for):
        problem = reported(world)
        url = reverse("mechanisms:problem_detail", args=[problem.pk])
        assert status_of(client_for, world.liaison, url) == 404
        services.problem_analyse(problem=problem, by=world.secretary, conclusion="结论", responsible_unit=world.land)
        assert status_of(client_for, world.liaison, url) == 200

    def test_unknown_problem_is_404(self, world, client_for):
        assert status_of(client_for, world.staff, reverse("mechanisms:problem_detail", args=[999999])) == 404


class TestActions:
    """Each action: anonymous → login, outside reach → 404, visible but the wrong role → 404,
    the holder → done (302 back to the page)."""

    OUTSIDE = {None: 302, "other_secretary": 404, "staff_b": 404, "other_liaison": 404}

    def test_analyse(self, world, client_for):
        problem = reported(world)
        url = reverse("mechanisms:problem_analyse", args=[problem.pk])
        data = {"conclusion": "结论", "responsible_unit": world.land.pk, "deadline": soon().isoformat()}
        check(client_for, world, url, {**self.OUTSIDE, "leader": 404, "chief": 404, "member": 404}, "post", data)
        check(client_for, world, url, {"secretary": 302}, "post", data)
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.ANALYSED

    def test_accept(self, world, client_for):
        problem = analysed(world)
        url = reverse("mechanisms:problem_accept", args=[problem.pk])
        check(client_for, world, url, {**self.OUTSIDE, "secretary": 404, "staff": 404, "co_liaison": 404}, "post")
        check(client_for, world, url, {"liaison": 302}, "post")
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.ACCEPTED

    def test_object(self, world, client_for):
        problem = analysed(world, today=clock_today())
        url = reverse("mechanisms:problem_object", args=[problem.pk])
        data = {"reason": "不属本单位职责"}
        check(client_for, world, url, {**self.OUTSIDE, "secretary": 404, "co_liaison": 404}, "post", data)
        check(client_for, world, url, {"liaison": 302}, "post", data)
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.OBJECTED

    def test_resolve(self, world, client_for):
        problem = accepted(world)
        url = reverse("mechanisms:problem_resolve", args=[problem.pk])
        data = {"resolution": "已办结"}
        check(client_for, world, url, {**self.OUTSIDE, "secretary": 404, "chief": 404, "co_liaison": 404}, "post", data)
        check(client_for, world, url, {"liaison": 302}, "post", data)
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.RESOLVED

    def test_verify(self, world, client_for):
        problem = resolved(world)
        url = reverse("mechanisms:problem_verify", args=[problem.pk])
        # The co-operating unit has not answered: closing says why.
        data = {"decision": "approve", "note": "协办单位已电话确认"}
        check(client_for, world, url, {**self.OUTSIDE, "staff": 404, "leader": 404, "liaison": 404, "member": 404}, "post", data)
        check(client_for, world, url, {"chief": 302}, "post", data)
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.CLOSED

    def test_assignment_answer(self, world, client_for):
        assignment = analysed(world, co_units=[world.power]).assignments.get()
        url = reverse("mechanisms:problem_assignment_answer", args=[assignment.pk])
        data = {f"a{assignment.pk}-answer": "已出方案"}
        check(client_for, world, url, {**self.OUTSIDE, "liaison": 404, "secretary": 404}, "post", data)
        check(client_for, world, url, {"co_liaison": 302}, "post", data)
        assignment.refresh_from_db()
        assert assignment.answer == "已出方案"

    def test_extension_request_and_decide(self, world, client_for):
        problem = services.problem_accept(
            problem=analysed(world, today=clock_today(), deadline=soon()), by=world.liaison
        )
        url = reverse("mechanisms:problem_extension_request", args=[problem.pk])
        data = {"requested_until": soon(20).isoformat(), "reason": "等待设备"}
        check(client_for, world, url, {**self.OUTSIDE, "secretary": 404, "co_liaison": 404}, "post", data)
        check(client_for, world, url, {"liaison": 302}, "post", data)
        extension = problem.extensions.get()
        url = reverse("mechanisms:problem_extension_decide", args=[extension.pk])
        check(client_for, world, url, {**self.OUTSIDE, "liaison": 404, "leader": 404, "member": 404}, "post",
              {"decision": "approve"})
        check(client_for, world, url, {"staff": 302}, "post", {"decision": "approve"})
        problem.refresh_from_db()
        assert problem.deadline == soon(20)

    def test_actions_refuse_get(self, world, client_for):
        problem = analysed(world)
        assert status_of(client_for, world.liaison, reverse("mechanisms:problem_accept", args=[problem.pk])) == 405


class TestTimelineViews:
    def test_branch_timeline(self, world, client_for):
        reported(world)
        url = reverse("mechanisms:branch_timeline", args=[world.branch.pk])
        check(client_for, world, url, {
            None: 302, "secretary": 200, "staff": 200, "leader": 200, "chief": 200, "member": 200,
            "other_secretary": 404, "staff_b": 404, "liaison": 404,
        })

    def test_project_timeline(self, world, client_for):
        reported(world)
        url = reverse("mechanisms:project_timeline", args=[world.project.pk])
        check(client_for, world, url, {
            None: 302, "secretary": 200, "staff": 200, "chief": 200,
            "other_secretary": 404, "staff_b": 404, "liaison": 404,
        })


class TestAdmin:
    def test_admin_shows_only_problems_in_jurisdiction(self, world, client_for):
        ours = reported(world, title="本市问题")
        theirs = reported(world, by=world.staff_b, branch=world.b_branch, title="泰兴问题")
        world.staff_b.is_staff = True
        world.staff_b.save()
        world.staff_b.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_problemcase", "view_calendarday", "view_comment"])
        )
        client = client_for(world.staff_b)
        body = client.get(reverse("admin:mechanisms_problemcase_changelist")).content.decode()
        assert theirs.title in body and ours.title not in body
        assert client.get(reverse("admin:mechanisms_problemcase_change", args=[ours.pk])).status_code in (302, 404)
        assert client.get(reverse("admin:mechanisms_problemcase_history", args=[ours.pk])).status_code == 404
        assert client.get(reverse("admin:mechanisms_calendarday_changelist")).status_code == 200
