"""对接会商 pages: convening, holding, resolutions through sign-off to verified and the closing
of the consultation, refusals as messages, the list with filters, export and query counts."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import BranchScope, User
from mechanisms.models import Consultation, ConsultationStatus, Resolution, ResolutionStatus
from tests.mechanisms.dispatch_world import (
    build_world,
    days,
    make_branch,
    make_consultation,
    make_resolution,
    today,
)
from tests.shared_world import shared_world
from tests.utils import get_query_count

world_once, world = shared_world(build_world, language="en", language_code="en")  # built once per module: tests/shared_world.py


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        yield


def login(client, user):
    client.force_login(user)
    return client


class TestConvene:
    def test_the_form_offers_the_branchs_units_and_projects(self, world, client):
        response = login(client, world.secretary).get(reverse("mechanisms:consultation_create"))
        form = response.context["form"]
        assert set(form.fields["participating_units"].queryset) == {world.department_a, world.town_a}
        assert list(form.fields["project"].queryset) == [world.project]
        assert response.context["branch"] == world.branch

    def test_single_domain_branches_are_not_offered(self, world, client):
        make_branch(committee=world.committee_a, by=world.staff, name="单一领域支部", scope=BranchScope.SINGLE_DOMAIN)
        response = login(client, world.staff).get(reverse("mechanisms:consultation_create"))
        assert "单一领域支部" not in [b.name for b in response.context["branches"]]

    def test_convene_held_at_once_then_add_resolutions(self, world, client):
        login(client, world.secretary)
        response = client.post(reverse("mechanisms:consultation_create"), {
            "branch": world.branch.pk, "project": world.project.pk, "topic": "过江通道用地协调会",
            "held_on": today().isoformat(), "participating_units": [world.town_a.pk],
            "participants": "孤山镇王镇长", "minutes": "议定：孤山镇负责剩余30户签约", "hold": "1",
        })
        consultation = Consultation.objects.get()
        assert response["Location"] == reverse("mechanisms:consultation_detail", args=[consultation.pk])
        assert consultation.status == ConsultationStatus.HELD
        assert consultation.lead_unit == world.department_a

        add = reverse("mechanisms:resolution_create", args=[consultation.pk])
        owners = set(client.get(add).context["form"].fields["owner_unit"].queryset)
        assert owners == {world.department_a, world.town_a}
        client.post(add, {"content": "孤山镇负责剩余30户签约", "owner_unit": world.town_a.pk,
                          "resources": "抽调10名干部", "deadline": days(10).isoformat()})
        resolution = Resolution.objects.get()
        body = client.get(reverse("mechanisms:consultation_detail", args=[consultation.pk])).content.decode()
        assert "孤山镇负责剩余30户签约" in body and "抽调10名干部" in body

        # The unit signs off and reports; the convener verifies; the consultation closes.
        login(client, world.liaison)
        body = client.get(reverse("mechanisms:consultation_detail", args=[consultation.pk])).content.decode()
        assert 'data-testid="resolution-sign-off"' in body
        client.post(reverse("mechanisms:resolution_sign_off", args=[resolution.pk]))
        client.post(reverse("mechanisms:resolution_done", args=[resolution.pk]), {"result": "已签约30户"})
        login(client, world.secretary)
        response = client.post(reverse("mechanisms:resolution_verify", args=[resolution.pk]))
        assert response["Location"].endswith(f"#resolution-{resolution.pk}")
        consultation.refresh_from_db()
        assert consultation.status == ConsultationStatus.CLOSED

    def test_plan_then_hold(self, world, client):
        login(client, world.staff).post(reverse("mechanisms:consultation_create") + f"?branch={world.branch.pk}", {
            "branch": world.branch.pk, "topic": "征迁资金保障会商", "held_on": today().isoformat(),
            "participating_units": [world.town_a.pk],
        })
        consultation = Consultation.objects.get()
        assert consultation.status == ConsultationStatus.PLANNED
        body = client.get(reverse("mechanisms:consultation_detail", args=[consultation.pk])).content.decode()
        assert 'data-testid="hold-form"' in body
        client.post(reverse("mechanisms:consultation_hold", args=[consultation.pk]),
                    {"held_on": today().isoformat(), "minutes": "资金由财政局保障"})
        consultation.refresh_from_db()
        assert (consultation.status, consultation.minutes) == (ConsultationStatus.HELD, "资金由财政局保障")

    def test_hold_without_minutes_re_renders_with_what_was_typed(self, world, client):
        response = login(client, world.secretary).post(reverse("mechanisms:consultation_create"), {
            "branch": world.branch.pk, "topic": "我填的议题", "held_on": today().isoformat(),
            "participating_units": [world.town_a.pk], "hold": "1",
        })
        body = response.content.decode()
        assert response.status_code == 200
        assert "Write the minutes of the consultation." in body and "我填的议题" in body
        assert not Consultation.objects.exists()

    def test_a_unit_outside_the_branch_is_refused(self, world, client):
        response = login(client, world.secretary).post(reverse("mechanisms:consultation_create"), {
            "branch": world.branch.pk, "topic": "x", "held_on": today().isoformat(),
            "participating_units": [world.committee_b.pk],
        })
        assert response.status_code == 200 and not Consultation.objects.exists()

    def test_refusals_are_messages(self, world, client):
        consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
        make_resolution(consultation=consultation, unit=world.town_a)
        response = login(client, world.secretary).post(
            reverse("mechanisms:consultation_close", args=[consultation.pk]), follow=True
        )
        assert "are not verified yet" in response.content.decode()
        resolution = Resolution.objects.get()
        login(client, world.liaison)
        client.post(reverse("mechanisms:resolution_sign_off", args=[resolution.pk]))
        response = client.post(reverse("mechanisms:resolution_sign_off", args=[resolution.pk]), follow=True)
        assert "cannot become" in response.content.decode()
        resolution.refresh_from_db()
        assert resolution.status == ResolutionStatus.SIGNED_OFF


def _consultations(w, n):
    for i in range(n):
        c = make_consultation(branch=w.branch, by=w.secretary, units=[w.town_a, w.department_a],
                              topic=f"会商{i:03d}", project=w.project if i % 2 else None)
        make_resolution(consultation=c, unit=w.town_a, deadline=-1 if i % 3 == 0 else 5)


class TestList:
    def test_filters_search_export(self, world, client):
        _consultations(world, 6)
        make_consultation(branch=world.other_branch, by=world.staff, units=[world.committee_a], topic="别的会商")
        login(client, world.staff)
        url = reverse("mechanisms:consultation_list")
        assert client.get(url).context["page"].paginator.count == 7
        assert client.get(url, {"branch": world.branch.pk}).context["page"].paginator.count == 6
        assert client.get(url, {"unit": world.town_a.pk}).context["page"].paginator.count == 6
        assert client.get(url, {"overdue": "on"}).context["page"].paginator.count == 2
        assert client.get(url, {"q": "会商003"}).context["page"].paginator.count == 1
        assert client.get(url, {"project": world.project.pk}).context["page"].paginator.count == 3
        rows = [[c.value for c in r] for r in load_workbook(
            BytesIO(client.get(url, {"branch": world.branch.pk, "export": "xlsx"}).content)).active.iter_rows()]
        assert len(rows) == 2 + 6
        assert {r[6] for r in rows[2:]} == {1}  # one resolution each

    def test_query_count_is_pinned_and_constant(self, world, client):
        url = reverse("mechanisms:consultation_list")

        def count():
            client.force_login(User.objects.get(pk=world.staff.pk))
            return get_query_count(client, url)

        _consultations(world, 10)
        small = count()
        _consultations(world, 190)
        large = count()
        # session, user, roles, organization, the office user's holdings (holds_any), can-convene, count, rows, unread badge (the project,
        # branch and unit filters are typeahead pickers: no query until a value is chosen)
        assert small == large == 9
