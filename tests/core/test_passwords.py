"""The password policy: complexity, no reuse of the last five, expiry and the forced change of a
password somebody else set (等保 2.0 身份鉴别)."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from core.models import AuditAction, AuditEvent, PasswordRecord
from core.passwords import change_required, character_kinds
from tests.clock import clock_now

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
LOGIN = "/accounts/login/"
CHANGE = "/accounts/password/"


@pytest.fixture
def client():
    return Client(headers={"accept-language": "zh-hans"})


@pytest.mark.parametrize(
    ("password", "kinds"),
    [("abcdefgh", 1), ("abcd1234", 2), ("Abcd1234", 3), ("abcd-123", 3), ("Ab1-", 4), ("密码密码12ab", 3)],
)
def test_character_kinds(password, kinds):
    assert character_kinds(password) == kinds


@pytest.mark.parametrize("weak", ["abcd1234", "ABCDEFGH", "Ab1-x", "zhangsan2026"])
def test_a_simple_password_is_refused_in_chinese(weak):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_password(weak)
    assert any("三种" in message for message in caught.value.messages), caught.value.messages


@pytest.mark.parametrize("strong", ["Jiangsu-2026", "jingjiang#Tongdao9", "PW-for-tests-1"])
def test_a_password_with_three_kinds_passes(strong):
    validate_password(strong)


def test_none_of_the_last_five_may_come_back(make_user):
    user = make_user(username="chenming", password="Mima-0000")
    for n in range(1, 6):
        user.set_password(f"Mima-000{n}")
        user.save()
    assert PasswordRecord.objects.filter(user=user).count() == 5  # the oldest has gone

    for recent in ["Mima-0001", "Mima-0003", "Mima-0005"]:
        with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
            validate_password(recent, user)
        assert any("最近使用过" in m for m in caught.value.messages)
    validate_password("Mima-0000", user)  # six changes ago: allowed again


def test_a_new_account_made_by_a_command_or_a_factory_need_not_change(make_user):
    user = make_user(username="chenming")

    assert change_required(user) == ""
    assert PasswordRecord.objects.get(user=user).must_change is False


def test_a_password_expires_after_90_days_and_the_holder_is_sent_to_change_it(client, make_user):
    make_user(username="chenming")
    with time_machine.travel(clock_now() + datetime.timedelta(days=91), tick=True):
        response = client.post(LOGIN, {"username": "chenming", "password": PASSWORD})
        assert response.status_code == 302
        page = client.get("/", follow=True)
        assert page.redirect_chain[-1][0] == CHANGE
        assert "90" in page.content.decode() and "修改" in page.content.decode()
        assert client.get("/exports/")["Location"] == CHANGE

        done = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": "Xin-Mima-91", "new_password2": "Xin-Mima-91"})
        assert done.status_code == 302
        assert client.get("/exports/").status_code == 200


def test_the_expiry_is_a_setting(client, make_user, settings):
    settings.PASSWORD_EXPIRY_DAYS = 0
    user = make_user(username="chenming")
    with time_machine.travel(clock_now() + datetime.timedelta(days=400), tick=True):
        assert change_required(user) == ""


def test_a_password_set_by_an_administrator_must_be_changed_first(client, make_user):
    admin = make_user(username="root", is_superuser=True, is_staff=True)
    admin_client = Client()
    admin_client.force_login(admin)

    response = admin_client.post(
        "/admin/branches/user/add/",
        {"username": "xinren", "password1": "Chushi-2026", "password2": "Chushi-2026", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    new = type(admin).objects.get(username="xinren")
    assert change_required(new) == "initial"
    # Creating the account is one event, not a password change as well.
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, target_id=str(new.pk)).exists()

    client.post(LOGIN, {"username": "xinren", "password": "Chushi-2026"})
    page = client.get("/", follow=True)
    assert page.redirect_chain[-1][0] == CHANGE
    assert "管理员" in page.content.decode()

    refused = client.post(CHANGE, {"old_password": "Chushi-2026", "new_password1": "Chushi-2026", "new_password2": "Chushi-2026"})
    assert refused.status_code == 200  # the same password again is not a change
    client.post(CHANGE, {"old_password": "Chushi-2026", "new_password1": "Ziji-de-2026", "new_password2": "Ziji-de-2026"})
    assert client.get("/exports/").status_code == 200
    assert change_required(new) == ""

    # A reset by the administrator is forced again, and audited as a reset.
    admin_client.post(
        f"/admin/branches/user/{new.pk}/password/",
        {"password1": "Chongzhi-2026", "password2": "Chongzhi-2026", "usable_password": "true"},
    )
    assert change_required(new) == "initial"
    reset = AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, target_id=str(new.pk)).order_by("-id").first()
    assert (reset.actor_id, reset.detail["reset"]) == (admin.pk, True)


def test_a_session_that_must_change_may_still_sign_out(client, make_user):
    user = make_user(username="chenming")
    PasswordRecord.objects.filter(user=user).update(must_change=True)
    client.post(LOGIN, {"username": "chenming", "password": PASSWORD})

    response = client.post("/accounts/logout/")

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
