"""Reminder webhooks go only to the allowed robot hosts (core.webhooks): a URL naming another
host is refused when saved — with a Chinese message on the settings page — and a delivery to one
saved earlier fails at once in the worker, without connecting and without retries."""

import datetime
import socket

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from mechanisms.models import Channel, DeliveryStatus, NotificationPreference, ReminderDelivery, ReminderKind
from mechanisms.reminders.services import reminder_sweep
from projects.models import Project
from tests.mechanisms.reminders_world import at, seed_calendar
from tests.mechanisms.requests_world import build_world

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"


@pytest.fixture
def world(org_tree, make_user, settings):
    seed_calendar()
    settings.WEBHOOK_ALLOWED_HOSTS = ["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
    settings.WEBHOOK_INTERNAL_HOSTS = []
    w = build_world(org_tree, make_user)
    Project.objects.update(next_dispatch_on=datetime.date(2030, 1, 1), light="green", red_since=None)
    return w


def chinese_client(user) -> Client:
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["http://evil.example/robot", "http://127.0.0.1:8000/robot"])
def test_the_settings_page_refuses_a_host_that_is_not_allowed(world, url):
    client = chinese_client(world.secretary)
    response = client.post(reverse("mechanisms:reminder_preferences"), {"webhook": "on", "webhook_url": url})
    assert response.status_code == 200
    page = response.content.decode()
    assert "群机器人只能使用以下地址" in page and "qyapi.weixin.qq.com" in page
    assert not NotificationPreference.objects.filter(user=world.secretary).exists()
    response = client.post(reverse("mechanisms:reminder_preferences"), {"webhook": "on", "webhook_url": WECOM})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=world.secretary).webhook_url == WECOM


@pytest.mark.django_db
def test_a_robot_address_typed_without_a_scheme_is_saved_as_https(world):
    # core.webhooks.WebhookURLField: robots are reached over TLS (Django 5.2 would assume http://).
    client = chinese_client(world.secretary)
    typed = WECOM.removeprefix("https://")
    response = client.post(reverse("mechanisms:reminder_preferences"), {"webhook": "on", "webhook_url": typed})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=world.secretary).webhook_url == WECOM


@pytest.mark.django_db
def test_a_units_robot_url_is_checked_on_save(world):
    unit = world.town_a
    unit.webhook_url = "http://127.0.0.1/robot"
    with pytest.raises(ValidationError) as refused:
        unit.full_clean()
    assert "webhook_url" in refused.value.error_dict
    unit.webhook_url = WECOM
    unit.full_clean()


@pytest.mark.django_db
def test_a_delivery_to_a_host_not_allowed_fails_at_once_without_connecting(world, monkeypatch, settings):
    # Saved before the allow-list (or behind its back): the worker refuses it all the same.
    NotificationPreference.objects.create(user=world.chief, email=False, webhook=True, webhook_url="http://evil.example/x")
    settings.REMINDERS = {"disabled": [k for k in ReminderKind.values if k != ReminderKind.PROJECT_RED]}

    def forbidden(*args, **kwargs):
        raise AssertionError("the worker connected")

    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    Project.objects.filter(pk=world.project.pk).update(light="red", red_since=datetime.date(2026, 11, 24))
    reminder_sweep(now=at(2026, 11, 24, 10, 0))
    delivery = ReminderDelivery.objects.get(channel=Channel.WEBHOOK)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 1, None)
    assert "evil.example" in delivery.last_error and "refused" in delivery.last_error
