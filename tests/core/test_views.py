"""The pages every installation has whatever apps exist: home, the error pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_sends_anonymous_users_to_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_home_explains_an_account_without_a_role(client, make_user):
    client.force_login(make_user(username="norole"))

    response = client.get("/")

    assert response.status_code == 200
    assert "core/no_role.html" in [t.name for t in response.templates]


def test_staff_without_an_organization_are_told_why_not_given_a_404(client, make_user):
    client.force_login(make_user(username="wuzuzhi", role="department_staff", organization=None))

    response = client.get("/")

    assert response.status_code == 200
    assert "core/no_organization.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "您的账号尚未关联组织" in html and "请联系系统管理员" in html


def test_unknown_page_is_a_404_in_the_site_layout(client, make_user):
    client.force_login(make_user(username="chenming", full_name="陈明"))

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'data-testid="user-menu"' in html and "陈明" in html


@pytest.mark.urls("tests.core.urls")
def test_a_bug_is_a_500_page_not_a_traceback(client):
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "Traceback" not in html and "RuntimeError" not in html
    assert "display-4 text-danger" in html and "500" in html
