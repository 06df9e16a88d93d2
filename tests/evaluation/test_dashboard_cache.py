"""The dashboard's figures through the cache (issue 14): shared by who sees the same records,
kept apart otherwise, and computed as before when the cache fails."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, override_settings

from branches.models import Branch, BranchUserObjectPermission
from branches.selectors import visibility_key
from evaluation import dashboard as reads
from tests.shared_world import shared_world
from tests.utils import get_query_count

from .dashboard_world import build

URL = "/evaluation/dashboard/"

w_once, w = shared_world(build, name="w", language="en")


@pytest.fixture
def locmem(monkeypatch):
    """A fresh in-process cache in place of the suite's shared Redis, and a TTL turned on."""
    cache = LocMemCache("dashboard-test", {})
    cache.clear()  # locmem caches of one name share their entries across tests
    monkeypatch.setattr(reads, "cache", cache)
    with override_settings(DASHBOARD_CACHE_SECONDS=60):
        yield cache


class BrokenCache(BaseCache):
    """A cache whose server is down: every call raises, as django's RedisCache does then."""

    def __init__(self):
        super().__init__({})

    def get(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    set = get


def _client(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_the_same_jurisdiction_shares_one_entry_another_city_has_its_own(w, locmem):
    leader, staff, leader_b = w.leader, w.staff, w.leader_b
    assert visibility_key(leader) == visibility_key(staff) == f"path:{leader.organization.path}"
    assert visibility_key(leader_b) != visibility_key(leader)

    first = get_query_count(_client(leader), URL)
    shared = get_query_count(_client(staff), URL)  # the city's leader computed it a moment ago
    other_city = get_query_count(_client(leader_b), URL)

    assert shared <= first - 8, (first, shared)  # 19 and 9 when written
    assert other_city >= first - 2, "city B must not read city A's figures"
    assert len(locmem._cache) == 2


def test_cached_figures_are_the_computed_ones_and_say_when_they_were_read(w, locmem):
    fresh = _client(w.leader).get(URL + "?period=all")
    cached = _client(w.staff).get(URL + "?period=all")

    assert fresh.context["board"].computed_at == cached.context["board"].computed_at
    assert fresh.context["board"].breakdown == cached.context["board"].breakdown
    assert fresh.context["board"].lights == cached.context["board"].lights
    assert 'data-testid="dashboard-computed-at"' in cached.content.decode()


def test_filters_are_part_of_the_key(w, locmem):
    client = _client(w.leader)
    client.get(URL)
    client.get(URL + "?front=major_project")
    client.get(URL + "?period=all")

    assert len(locmem._cache) == 3


def test_a_user_who_also_holds_grants_has_an_entry_of_their_own(w):
    branch = Branch.objects.filter(supervising_committee__path__startswith=w.o["city_b"].path).first()
    BranchUserObjectPermission.objects.create(
        user=w.staff, content_object=branch, permission=Permission.objects.get(codename="view_branch")
    )
    staff = type(w.staff).objects.get(pk=w.staff.pk)  # a fresh user object, as a request has

    assert visibility_key(staff) == f"user:{staff.pk}"


def test_the_page_is_computed_when_the_cache_is_down(w, monkeypatch):
    monkeypatch.setattr(reads, "cache", BrokenCache())
    with override_settings(DASHBOARD_CACHE_SECONDS=60):
        broken = _client(w.leader).get(URL + "?period=all")
    fresh = _client(w.leader).get(URL + "?period=all")

    assert broken.status_code == 200
    assert broken.context["board"].lights == fresh.context["board"].lights
    assert broken.context["board"].breakdown.rows == fresh.context["board"].breakdown.rows
