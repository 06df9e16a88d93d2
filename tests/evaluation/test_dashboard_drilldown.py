"""Issue 9 ("one rule, one place"), on the Jingjiang demo: the dashboard's figures agree with each
other, and every drill-down link opens a list (or a level of the dashboard) showing as many
records as the figure it sits behind.

It runs on the session's demo (``demo_full``, tests/demo_data.py). The test reads the page as the
demo department staff user ``zuzhibu`` and the leader ``lingdao`` would:

* every link the dashboard marks with ``data-count`` (cards, the "now" line, the breakdown's
  counts and its rows) and every bar and slice of the charts (``json_script`` data) is followed;
  a level of the dashboard is counted by its "Active branches" card, a list through its own
  filters (the ``filters.py`` function its page and its export build their rows with, on the
  link's query), and for each list the first link and the one with the most records are also
  opened: the rows the page shows (``data-testid="…-row"``) over all its pages, its paginator and
  its filters agree (opening all ~150 lists page by page took two minutes a user);
* the drill-down is walked from the top (fronts) through each front to each field, whose rows are
  the branches;
* on each of those pages the cards, the charts and the table are compared with each other.
"""

import datetime
import json
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from branches.filters import BranchFilterSet
from branches.models import Branch, BranchStatus, User
from mechanisms.dispatch.filters import InstructionFilterSet
from mechanisms.problems.filters import ProblemFilterSet
from mechanisms.weekly.filters import MissingReportFilterSet, WeeklyReportFilterSet
from projects.filters import ProjectFilterSet
from tests.clock import clock_today

pytestmark = pytest.mark.django_db

USERS = ["zuzhibu", "lingdao"]

# The row marker of each list a figure may drill into.
ROW_TESTIDS = {
    "branches:branch_list": "branch-row",
    "projects:project_list": "project-row",
    "mechanisms:instruction_list": "instruction-row",
    "mechanisms:problem_list": "problem-row",
    "mechanisms:weeklyreport_list": "weekly-row",
    "mechanisms:weeklyreport_missing": "missing-row",
}
DASHBOARD = "evaluation:dashboard"


# ---------------------------------------------------------------- a list's records, through its own filters
# Each as the list's view builds its rows (and its export: the same FilterSet).
FILTERSETS = {
    "branches:branch_list": BranchFilterSet,
    "projects:project_list": ProjectFilterSet,
    "mechanisms:instruction_list": InstructionFilterSet,
    "mechanisms:problem_list": ProblemFilterSet,
    "mechanisms:weeklyreport_list": WeeklyReportFilterSet,
    "mechanisms:weeklyreport_missing": MissingReportFilterSet,
}


def _count(view_name: str, user, params) -> int:
    return FILTERSETS[view_name](params, user=user).qs.count()


@pytest.fixture
def demo(demo_full):
    """The session's demo (tests/demo_data.py)."""


@pytest.fixture(scope="module")
def rendered():
    """The dashboards each user opened (username → url → Dashboard): the demo does not change
    between the tests, so a page read by one test is not rendered again by the next."""
    return {username: {} for username in USERS}


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# ---------------------------------------------------------------- reading a page
class _Marked(HTMLParser):
    """The links carrying ``data-count`` and the breakdown's rows, with their attributes."""

    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self.rows: list[dict] = []
        self._row: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and attrs.get("data-testid") == "breakdown-row":
            self._row = {**attrs, "link": None}
            self.rows.append(self._row)
        if tag == "a" and "data-count" in attrs:
            self.links.append(attrs)
        if tag == "a" and attrs.get("data-testid") == "breakdown-link" and self._row is not None:
            self._row["link"] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None


class Dashboard:
    """One rendering of the dashboard, read the way the test needs it."""

    def __init__(self, url: str, html: str):
        self.url = url
        self.html = html
        parser = _Marked()
        parser.feed(html)
        self.links = parser.links
        self.rows = parser.rows
        data = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
        assert data, f"{url}: no chart data"
        self.charts = json.loads(data.group(1))

    def value(self, testid: str) -> int:
        found = re.search(rf'data-testid="{testid}">(\d+)<', self.html)
        assert found, f"{self.url}: no {testid}"
        return int(found.group(1))

    def attr(self, testid: str, name: str) -> int:
        found = re.search(rf'data-testid="{testid}"[^>]*\s{name}="(\d+)"', self.html)
        assert found, f"{self.url}: no {name} on {testid}"
        return int(found.group(1))

    @property
    def active(self) -> int:
        return self.value("kpi-active-value")

    @property
    def level(self) -> str:
        return re.search(r'data-testid="breakdown" data-level="(\w+)"', self.html).group(1)

    def drill_links(self) -> list[tuple[str, int, str]]:
        """(url, count shown, where) of every figure on the page that links to its records."""
        found = []
        for a in self.links:
            where = a.get("data-testid") or "breakdown count"
            found.append((a["href"], int(a["data-count"]), where))
        for chart in ("lights", "fronts", "fields", "batches"):
            for item in self.charts[chart]:
                found.append((item["url"], int(item["value"]), f"chart {chart}: {item['name']}"))
        return found


def same_link(a: str, b: str) -> bool:
    """Two links to the same page with the same query, whatever the order of its parameters."""
    sa, sb = urlsplit(a), urlsplit(b)
    return sa.path == sb.path and dict(parse_qsl(sa.query)) == dict(parse_qsl(sb.query))


class Walker:
    """Follows links as one user, remembering what each page showed."""

    def __init__(self, username: str, rendered: dict):
        self.client = client_of(username)
        self.user = User.objects.get(username=username)
        self.dashboards: dict[str, Dashboard] = rendered[username]
        self.lists: dict[str, int] = {}
        self.followed: Counter = Counter()

    def dashboard(self, url: str) -> Dashboard:
        if url not in self.dashboards:
            response = self.client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            self.dashboards[url] = Dashboard(url, response.content.decode())
        return self.dashboards[url]

    def list_rows(self, url: str, testid: str) -> int:
        """The rows of a list over all its pages (and its paginator agrees)."""
        split = urlsplit(url)
        query = dict(parse_qsl(split.query))
        rows, number = 0, 1
        while True:
            response = self.client.get(f"{split.path}?{urlencode({**query, 'page': number})}")
            assert response.status_code == 200, (url, response.status_code)
            rows += response.content.decode().count(f'data-testid="{testid}"')
            page = response.context["page"]
            if not page.has_next():
                break
            number = page.next_page_number()
        assert rows == page.paginator.count, url
        return rows

    def records(self, url: str) -> int:
        """How many records the list at ``url`` holds: through its own filters, on its query."""
        if url not in self.lists:
            split = urlsplit(url)
            self.lists[url] = _count(resolve(split.path).view_name, self.user, QueryDict(split.query))
        return self.lists[url]

    def shown_behind(self, url: str) -> int:
        """How many records the page at ``url`` shows."""
        name = resolve(urlsplit(url).path).view_name
        self.followed[name] += 1
        if name == DASHBOARD:
            return self.dashboard(url).active
        assert name in ROW_TESTIDS, f"a figure links to {name} ({url}): teach the test how to count it"
        return self.records(url)

    def open_lists(self) -> list[str]:
        """Open, page by page, the first list followed of each kind and the one with the most
        records: the rows they show are the records their filters count."""
        wrong, kinds = [], {}
        for url, count in self.lists.items():  # in the order followed
            kinds.setdefault(resolve(urlsplit(url).path).view_name, []).append((url, count))
        for name, followed in kinds.items():
            for url in dict.fromkeys([followed[0][0], max(followed, key=lambda pair: pair[1])[0]]):
                rows = self.list_rows(url, ROW_TESTIDS[name])
                if rows != self.lists[url]:
                    wrong.append(f"{url}: the page shows {rows} rows, its filters count {self.lists[url]}")
        return wrong


def drill_pages(walker: Walker, start: str) -> list[Dashboard]:
    """The dashboard at ``start`` and every level below it reached through the breakdown's rows
    (fronts → fields; a field's rows are its branches)."""
    pages, queue = [], [start]
    while queue:
        page = walker.dashboard(queue.pop(0))
        pages.append(page)
        if page.level != "branch":
            queue.extend(row["link"] for row in page.rows if row["link"])
    return pages


# ---------------------------------------------------------------- the tests
@pytest.mark.parametrize("username", USERS)
def test_every_drill_down_link_shows_as_many_records_as_its_figure(demo, rendered, username):
    walker = Walker(username, rendered)
    pages = drill_pages(walker, reverse(DASHBOARD))
    # "All time" makes the period-bound figures (problems, whistles) link to their lists too.
    pages.append(walker.dashboard(reverse(DASHBOARD) + "?period=all"))

    wrong = []
    for page in pages:
        for url, shown, where in page.drill_links():
            if url.startswith("#"):
                continue  # a figure no list can filter exactly points at the breakdown instead
            behind = walker.shown_behind(url)
            if behind != shown:
                wrong.append(f"{page.url} · {where}: shows {shown}, {url} has {behind}")
    wrong += walker.open_lists()

    assert not wrong, "\n".join(wrong)
    assert len(pages) > 5, [p.url for p in pages]  # the walk went down fronts and fields
    # Every kind of target was reached at least once, so none was skipped unnoticed.
    assert set(walker.followed) == {DASHBOARD, *ROW_TESTIDS}, walker.followed
    assert sum(walker.followed.values()) > 100, walker.followed


@pytest.mark.parametrize("username", USERS)
def test_cards_charts_and_table_agree_on_every_level(demo, rendered, username):
    walker = Walker(username, rendered)
    pages = drill_pages(walker, reverse(DASHBOARD))
    assert {p.level for p in pages} == {"front", "field", "branch"}

    for page in pages:
        active, rows, charts = page.active, page.rows, page.charts
        where = page.url
        assert rows, where
        assert 'data-testid="breakdown-truncated"' not in page.html, where  # the table is whole

        # "Active branches" card = the breakdown's Active column = each chart of active branches.
        assert sum(int(r["data-active"]) for r in rows) == active, where
        for chart in ("fronts", "fields", "batches"):
            assert sum(item["value"] for item in charts[chart]) == active, (where, chart)

        # The weekly-report card counts the branches due this week: here, the active ones.
        assert page.attr("kpi-reports", "data-due") == active, where
        assert charts["trend"]["active"][-1] == active, where
        filed = page.attr("kpi-reports", "data-filed")
        assert charts["trend"]["filed"][-1] == filed, where
        assert sum(int(r["data-due"]) for r in rows) == active, where
        assert sum(int(r["data-filed"]) for r in rows) == filed, where

        # Lights: the cards = the chart's slices = the table's columns.
        lights = {item["light"]: item["value"] for item in charts["lights"]}
        for light in ("red", "yellow", "green"):
            assert page.value(f"kpi-{light}-value") == lights[light], (where, light)
            assert sum(int(r[f"data-{light}"]) for r in rows) == lights[light], (where, light)

        # Each front (or field) of the table beside its bar on the chart.
        chart = {"front": "fronts", "field": "fields"}.get(page.level)
        if chart:
            for item in charts[chart]:
                matching = [r for r in rows if r["link"] and same_link(r["link"], item["url"])]
                assert len(matching) == 1, (where, item)
                assert int(matching[0]["data-active"]) == item["value"], (where, item["name"])


def test_the_branch_dissolved_months_ago_counts_in_no_week_of_the_trend(demo):
    """The cause of "67 active branches" beside "68 running" on the demo: the branch the demo
    dissolved 200 days ago was stamped dissolved on the day the demo was seeded, so every week of
    the report figures still counted it."""
    dissolved = Branch.objects.get(status=BranchStatus.DISSOLVED, formed_on__isnull=False)
    twelve_weeks_ago = clock_today() - datetime.timedelta(weeks=12)

    assert timezone.localtime(dissolved.status_changed_at).date() < twelve_weeks_ago
    assert not Branch.objects.filter(pk=dissolved.pk).active_on(twelve_weeks_ago).exists()
