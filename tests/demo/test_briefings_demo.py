"""The demo's work briefings (evaluation.briefings.demo): one weekly briefing of 靖江市 for every
whole week of the demo's history before this month, issued in order on the Monday after the week,
numbered 1, 2, … in their year; none yet for this month; the leader reads them."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches.models import User
from evaluation.briefings.models import Briefing, BriefingPeriod, BriefingStatus
from tests.clock import clock_today

pytestmark = pytest.mark.django_db


def test_the_weeks_before_this_month_were_briefed_in_order(demo_full):
    today = clock_today()
    briefings = list(Briefing.objects.filter(organization__name="靖江市").order_by("period_start"))

    assert len(briefings) >= 4
    assert all(b.status == BriefingStatus.ISSUED and b.period == BriefingPeriod.WEEK for b in briefings)
    assert all(b.period_end < today.replace(day=1) for b in briefings), "this month has no briefing yet"
    by_year = {}
    for b in briefings:
        by_year.setdefault(b.year, []).append(b.number)
        assert timezone.localdate(b.issued_at) == b.period_end + datetime.timedelta(days=1)
        assert b.year == b.issued_at.astimezone(timezone.get_current_timezone()).year
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in by_year.values())
    # Drafted from the records, with the staff's text beside the figures.
    latest = briefings[-1]
    assert latest.figures["branches"]["active"] > 0 and latest.figures["reports"]["due"] > 0
    assert latest.texts["overview"] and latest.issued_by.username == "zuzhibu"


def test_the_leader_opens_an_issued_briefing(demo_full):
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(User.objects.get(username="lingdao"))
    briefing = Briefing.objects.filter(organization__name="靖江市").latest("period_start")

    listing = client.get(reverse("evaluation:briefing_list")).content.decode()
    page = client.get(reverse("evaluation:briefing_detail", args=[briefing.pk])).content.decode()

    assert listing.count('data-testid="briefing-row"') == Briefing.objects.filter(organization__name="靖江市").count()
    assert f"{briefing.year}年第{briefing.number}期" in page


def test_the_other_city_sees_none_of_them(demo_full):
    client = Client()
    client.force_login(User.objects.get(username="taixing"))
    listing = client.get(reverse("evaluation:briefing_list")).content.decode()
    assert 'data-testid="briefing-row"' not in listing
