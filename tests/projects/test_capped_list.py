"""Lists count at most COUNT_CAP rows (issue 14): past it they say "more than", in the same
number of queries, and the pages up to the cap stay reachable."""

import pytest
from django.test import Client
from django.urls import reverse

from core import paging
from core.paging import CappedPaginator
from projects.models import Project
from tests.utils import get_query_count

from .test_selectors import _bulk_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_thirty(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 30)  # past one page of 25


def _client(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_the_paginator_counts_up_to_the_cap():
    rows = Project.objects.none()
    assert CappedPaginator(rows, 2, cap=5).count == 0

    numbers = list(range(12))
    small, large = CappedPaginator(numbers[:4], 2, cap=5), CappedPaginator(numbers, 2, cap=5)
    assert (small.count, small.capped, small.num_pages) == (4, False, 2)
    assert (large.count, large.capped, large.num_pages) == (5, True, 3)
    assert list(large.page(3).object_list) == [4]


def test_a_list_past_the_cap_says_more_than_in_the_same_number_of_queries(world, cap_of_thirty):
    client = _client(world.staff)
    url = reverse("projects:project_list")
    _bulk_projects(world, 1)  # 3 projects in city A
    below = get_query_count(client, url)
    page = client.get(url).content.decode()
    assert "more than" not in page

    _bulk_projects(world, 40)
    above = get_query_count(client, url)
    page = client.get(url + "?page=1").content.decode()

    assert below == above
    assert client.get(url).context["page"].paginator.capped
    assert "(more than 30 in all)" in page
    assert len(client.get(url + "?page=2").context["page"].object_list) == 5  # up to the cap
