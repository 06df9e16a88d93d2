"""Lists count at most COUNT_CAP rows (issue 14): past it they say "more than", in the same
number of queries, and the pages up to the cap stay reachable."""

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client
from django.test.utils import CaptureQueriesContext
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


def test_the_count_reads_ids_alone_and_keeps_filters_on_annotations(world):
    """The count selects the ids in no order: a page's annotations and sort cost nothing per
    counted row (the weekly list's secretary-name subquery made its count 100 ms at a city of
    the province), and a filter on an annotation still narrows it."""
    _bulk_projects(world, 2)
    named = Project.objects.annotate(label=Concat("name", Value("·"))).order_by("name")
    with CaptureQueriesContext(connection) as ctx:
        counted = CappedPaginator(named, 2, cap=100).count
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert counted == Project.objects.count()
    assert "CONCAT" not in sql.upper() and "||" not in sql and "ORDER BY" not in sql.upper(), sql

    first = Project.objects.order_by("pk").first()
    only = named.filter(label=first.name + "·")
    assert CappedPaginator(only, 2, cap=100).count == Project.objects.filter(name=first.name).count()
