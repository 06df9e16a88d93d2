"""The error pages an evaluator may meet with DEBUG off: Chinese, in the product's look, each
saying what to do next; never Django's debug pages, never a traceback, never a 500 for a user's
mistake."""

from urllib.parse import urlencode

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from branches.models import Branch, BranchScope, Front, WorkField
from branches.roles import Role
from core.views import error_500

pytestmark = pytest.mark.django_db

DEBUG_MARKS = ("Traceback", "Page not found (404)", "URLconf", "RequestDataTooBig", "Forbidden (403)", "CSRF verification failed")


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False


def _chinese_page(response) -> str:
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'data-testid="error-page"' in html
    for mark in DEBUG_MARKS:
        assert mark not in html
    return html


@pytest.fixture
def branch_of_city_b(org_tree):
    field, _ = WorkField.objects.get_or_create(name="动迁", defaults={"front": Front.MAJOR_PROJECT})
    return Branch.objects.create(
        name="泰兴征迁攻坚支部", batch=1, front=field.front, field=field, scope=BranchScope.CROSS_DOMAIN,
        supervising_committee=org_tree["committee_b"], lead_unit=org_tree["committee_b"], goal="28天完成征迁",
    )


def test_an_object_out_of_reach_answers_the_chinese_404(client, make_user, org_tree, branch_of_city_b):
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_a"], full_name="王芳")
    client.force_login(staff)

    response = client.get(reverse("branches:branch_detail", args=[branch_of_city_b.pk]), headers={"referer": "http://testserver/branches/"})

    assert response.status_code == 404
    html = _chinese_page(response)
    assert "页面不存在" in html and "不在您的访问范围内" in html
    assert "泰兴征迁攻坚支部" not in html
    # What to do next: back (to the referring page of this site) or home; the layout stays.
    assert 'href="http://testserver/branches/" data-history-back' in html and "返回上一页" in html
    assert "首页" in html and "王芳" in html


def test_back_never_leads_to_another_site(client, make_user, org_tree):
    client.force_login(make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_a"]))

    response = client.get("/no-such-page/", headers={"referer": "https://evil.example/phish"})

    assert response.status_code == 404
    html = _chinese_page(response)
    assert "evil.example" not in html
    assert 'href="/" data-history-back' in html


@pytest.mark.urls("tests.core.urls")
def test_a_refusal_answers_the_chinese_403(client, make_user):
    client.force_login(make_user(username="liming"))

    response = client.get("/refuse/")

    assert response.status_code == 403
    html = _chinese_page(response)
    assert "无权操作" in html and "联系组织部" in html and "返回上一页" in html


def test_a_forged_csrf_post_answers_the_chinese_403(make_user, org_tree):
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_a"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(reverse("branches:branch_create"), {"name": "伪造", "csrfmiddlewaretoken": "x" * 64})

    assert response.status_code == 403
    html = _chinese_page(response)
    assert "页面已过期" in html and "刷新页面后重新提交" in html
    assert not Branch.objects.filter(name="伪造").exists()


def test_a_stale_login_form_offers_to_log_in_again():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "someone", "password": "x"})

    assert response.status_code == 403
    html = _chinese_page(response)
    assert 'data-testid="log-in-again"' in html and "重新登录" in html


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_an_oversized_post_answers_a_chinese_413_not_a_500(settings, make_user, org_tree, multipart):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_a"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = reverse("branches:branch_create")
    client.get(url)
    token = client.cookies["csrftoken"].value
    data = {"csrfmiddlewaretoken": token, "name": "超长", "goal": "征迁" * (3 * 1024 * 1024 // 6 + 1)}

    referer = {"referer": f"http://testserver{url}"}
    if multipart:
        response = client.post(url, data, headers=referer)
    else:
        response = client.generic("POST", url, urlencode(data), content_type="application/x-www-form-urlencoded", headers=referer)

    assert response.status_code == 413
    html = _chinese_page(response)
    assert "提交的内容过大" in html and "最多2 MB" in html and "没有保存任何内容" in html
    assert "浏览器通常会保留您已填写的内容" in html
    assert f'href="http://testserver{url}" data-history-back' in html
    assert not Branch.objects.filter(name="超长").exists()


def test_a_disallowed_host_answers_the_chinese_400(client):
    response = client.get("/", headers={"host": "evil.example"})

    assert response.status_code == 400
    html = _chinese_page(response)
    assert "请求无法处理" in html and "返回上一页" in html


def test_the_500_page_needs_no_database_and_no_request_context(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = error_500(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器错误" in html and "返回上一页" in html and "bg-party" in html
