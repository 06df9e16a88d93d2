"""Pages and downloads for a signed-in user carry Cache-Control: no-store (core.middleware
.NoStoreMiddleware); a view's own Cache-Control is kept; anonymous pages are left alone."""

import pytest
from django.test import Client

from branches.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(org_tree, make_user):
    return make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_a"], username="staff")


def signed_in(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/projects/", "/branches/", "/mechanisms/problems/", "/projects/export/", "/no-such-page/"])
def test_every_answer_to_a_signed_in_user_is_no_store(staff, url):
    response = signed_in(staff).get(url)
    assert response["Cache-Control"] == "no-store, private", (url, response.status_code)


def test_a_views_own_cache_control_is_kept(staff):
    response = signed_in(staff).get("/healthz")
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_anonymous_answers_are_left_alone(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and not response.has_header("Cache-Control")
