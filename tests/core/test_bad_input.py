"""Bad input is answered with a form error, a refusal or a 404: never a server error.

A corpus of bad values — a ``next`` that is no URL or another site's, ids of 25 digits, digits
``int()`` refuses, 100,000 characters of text, NUL and right-to-left characters, impossible dates
— goes to the URL patterns of the apps, by GET (as filters) and by POST (as every field the
page's own forms name, plus the usual filter and hidden fields), and with the URL's own ids
replaced by 25-digit ones. Department staff send it, or — for a page staff get a 404 on (the
secretary's and the 调度长's own forms) — the branch's secretary or the project's 调度长. Any 5xx
fails the test with the URL, the value and the exception.
"""

import re

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from branches.models import MembershipRole, Person
from branches.services import membership_appoint
from core.models import ExportJob
from core.pickers import picker_names
from mechanisms.models import WeeklyReport
from projects.services import project_assign_dispatch_chief
from tests.core.matrix_world import furnish, furnished_args
from tests.evaluation.dashboard_world import build

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdfs_not_rendered")]

HUGE_ID = "9" * 25
CORPUS = [
    "not a url",
    "javascript:alert(1)",
    "//evil.example/steal",
    HUGE_ID,
    "-" + HUGE_ID,
    "1e309",
    "²",  # a digit to str.isdigit(), not to int()
    "a\x00b",
    "\u202egnp.exe\u202c 阿拉伯 مرحبا",
    "2026-02-30",
    "0000-00-00",
    "99999-12-31 25:61",
    "x" * 100_000,
]
# Query and form keys the lists and forms of the product read, sent to every page.
COMMON_KEYS = [
    "next", "q", "page", "status", "state", "light", "batch", "branch", "project", "field", "front", "unit",
    "lead_unit", "dispatch_chief", "week", "year", "date_from", "date_to", "kind", "source", "severity",
    "category", "overdue", "unread", "target", "pk", "id", "body", "title", "content", "version",
    "co_units", "participants", "participating_units", "responsible_unit", "owner_unit", "assignee_unit",
    "deadline", "held_on", "reason", "answer", "rubric", "item", "organization", "person", "role", "value",
    "checklist_count", "to", "satisfaction", "export", "left_on", "joined_on", "league", "redraft",
]
# Where the 100k-character text goes (the ids and dates go to every key).
TEXT_KEYS = {"next", "q", "body", "title", "content", "reason", "answer", "result", "minutes", "conclusion", "goal"}
# Several values for the multi-selects (a list of ids).
MULTI_KEYS = {"co_units", "participants", "participating_units", "branch", "project", "unit", "status"}
# At most this many characters per request (Django refuses larger bodies with a 400, which would
# hide what the 100k value does to each field).
BODY_BUDGET = 2_000_000
SKIP = {
    "logout",  # would end the staff's session for the rest of the test
    "mechanisms:attachment_download",  # by random key (tests/mechanisms/records)
}
# The namespaces the corpus goes to, one test case each ("core" also takes the names without one).
NAMESPACE_CASES = ["branches", "projects", "mechanisms", "evaluation", "core"]
NAMESPACES = {*NAMESPACE_CASES, None}
FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')


# ---------------------------------------------------------------- which keys a page reads
# A value can only break a page through a key the page (its middleware, view, forms, templates)
# looks up; a key it never asks for is sent for nothing, and the corpus is thousands of
# requests. So the parameters of each request are a QueryDict that notes every key asked for,
# present or not (``reading_middleware``), and each value goes to the keys the page asked for
# with that method; a page that reads the parameters whole (iterates, copies, re-encodes them,
# or asks whether there are any) gets every key, as before. A key first asked for on the path a
# bad value opens is sent that value too (``send_reading``).
EVERY_KEY = "*"
READS: set[str] = set()


class ReadingQueryDict(QueryDict):
    def __getitem__(self, key):
        READS.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        READS.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        READS.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        READS.add(key)
        return super().__contains__(key)


def _reads_whole(name: str):
    def method(self, *args, **kwargs):
        READS.add(EVERY_KEY)
        return getattr(QueryDict, name)(self, *args, **kwargs)

    method.__name__ = name
    return method


# Iterating, copying, re-encoding or sizing the parameters reads every key.
for _name in ("__iter__", "__len__", "keys", "values", "items", "lists", "dict", "copy", "urlencode",
              "__copy__", "__deepcopy__", "__getstate__"):
    setattr(ReadingQueryDict, _name, _reads_whole(_name))


def reading_middleware(get_response):
    def middleware(request):
        request.GET.__class__ = ReadingQueryDict
        request.POST.__class__ = ReadingQueryDict
        return get_response(request)

    return middleware


@pytest.fixture
def reading(settings):
    """The clients made after this note the keys each page reads (see ``ReadingQueryDict``):
    from just after the NUL check, which looks at every parameter alike (a NUL anywhere is a 400,
    test_a_nul_character_is_a_400_and_an_impossible_date_a_message)."""
    after = settings.MIDDLEWARE.index("core.middleware.RejectNulMiddleware") + 1
    settings.MIDDLEWARE = [*settings.MIDDLEWARE[:after], f"{__name__}.reading_middleware", *settings.MIDDLEWARE[after:]]


@pytest.fixture
def w(org_tree, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    world = build(org_tree, make_user)
    world.person = Person.objects.create(name="李娟", gender="female", work_unit=world.o["town_a"])
    world.weekly = WeeklyReport.objects.filter(branch=world.b1).order_by("-iso_year", "-iso_week").first()
    world.job = ExportJob.objects.create(user=world.staff, name="projects", title="攻坚项目", total=1)
    # The secretary and the 调度长 hold b1 and p1, so their own forms are reached too.
    holder = Person.objects.create(name="张卫东", gender="male", work_unit=world.o["town_a"], user=world.secretary)
    membership_appoint(branch=world.b1, person=holder, role=MembershipRole.SECRETARY, by=world.staff)
    world.membership = membership_appoint(branch=world.b1, person=world.person, role=MembershipRole.MEMBER, by=world.staff)
    project_assign_dispatch_chief(project=world.p1, user=world.chief, by=world.staff)
    furnish(world)
    return world


def url_args(w) -> dict[str, dict | list[tuple[str, dict]]]:
    """The kwargs of the patterns that take ids: one object of city A each. Where one name has
    several patterns (or one pattern several kinds), a list of (label, kwargs): each pattern
    takes the kwargs that fit it."""
    branch, project, problem, instruction = w.b1.pk, w.p1.pk, w.P5.pk, w.i1.pk
    resolution, consultation = w.r2.pk, w.r2.consultation_id
    return {
        "branches:activity_create": {"pk": branch},
        "branches:branch_detail": {"pk": branch},
        "branches:branch_edit": {"pk": branch},
        "branches:branch_transition": {"pk": branch},
        "branches:membership_add": {"pk": branch},
        "branches:membership_end": {"pk": w.membership.pk},
        "branches:person_detail": {"pk": w.person.pk},
        "branches:person_edit": {"pk": w.person.pk},
        "core:export_job": {"pk": w.job.pk},
        "core:export_job_status": {"pk": w.job.pk},
        "core:export_job_download": {"pk": w.job.pk},
        "evaluation:appraisal_list": {"branch_pk": branch},
        "evaluation:appraisals_open": {"branch_pk": branch},
        "evaluation:appraisals_finalize_ready": {"branch_pk": branch},
        "evaluation:evaluation_new": {"branch_pk": branch},
        "evaluation:evaluation_start": {"branch_pk": branch},
        "mechanisms:branch_timeline": {"pk": branch},
        "mechanisms:project_timeline": {"pk": project},
        "mechanisms:comment_create": {"label": "problemcase", "pk": problem},
        "mechanisms:attachment_create": {"label": "weeklyreport", "pk": w.weekly.pk},
        "mechanisms:consultation_detail": {"pk": consultation},
        "mechanisms:consultation_hold": {"pk": consultation},
        "mechanisms:consultation_close": {"pk": consultation},
        "mechanisms:resolution_create": {"pk": consultation},
        "mechanisms:resolution_done": {"pk": resolution},
        "mechanisms:resolution_return": {"pk": resolution},
        "mechanisms:resolution_sign_off": {"pk": resolution},
        "mechanisms:resolution_verify": {"pk": resolution},
        "mechanisms:dispatch_create": {"project_pk": project},
        "mechanisms:instruction_create": [
            ("project", {"project_pk": project}), ("dispatch", {"dispatch_pk": w.dispatch.pk}),
        ],
        "picker": [(name, {"source": name}) for name in picker_names()],
        "mechanisms:instruction_detail": {"pk": instruction},
        "mechanisms:instruction_acknowledge": {"pk": instruction},
        "mechanisms:instruction_done": {"pk": instruction},
        "mechanisms:instruction_return": {"pk": instruction},
        "mechanisms:instruction_verify": {"pk": instruction},
        "mechanisms:problem_detail": {"pk": problem},
        "mechanisms:problem_accept": {"pk": problem},
        "mechanisms:problem_analyse": {"pk": problem},
        "mechanisms:problem_object": {"pk": problem},
        "mechanisms:problem_resolve": {"pk": problem},
        "mechanisms:problem_verify": {"pk": problem},
        "mechanisms:problem_extension_request": {"pk": problem},
        "mechanisms:weeklyreport_detail": {"pk": w.weekly.pk},
        "mechanisms:weeklyreport_edit": {"pk": w.weekly.pk},
        "mechanisms:weeklyreport_review": {"pk": w.weekly.pk},
        "mechanisms:weeklyreport_return": {"pk": w.weekly.pk},
        "mechanisms:weeklyreport_submit": {"pk": w.weekly.pk},
        "mechanisms:weeklyreport_create": {"branch_pk": branch},
        "mechanisms:weeklyreport_quick": {"branch_pk": branch},
        "projects:project_detail": {"pk": project},
        "projects:project_edit": {"pk": project},
        "projects:project_transition": {"pk": project},
        "projects:indicator_create": {"pk": project},
        "projects:milestone_create": {"pk": project},
        "projects:dispatch_chief_assign": {"pk": project},
        **furnished_args(w),
    }


def variants(known: dict, name: str, pattern) -> list[tuple[str, dict]]:
    """(label, kwargs) for each way ``url_args`` fills ``pattern`` (label "" when one): none when
    it does not."""
    keys = set(pattern.pattern.converters)
    if not keys:
        return [("", {})]
    given = known.get(name)
    if given is None:
        return []
    choices = given if isinstance(given, list) else [("", given)]
    return [(label, kwargs) for label, kwargs in choices if set(kwargs) == keys]


def patterns():
    """(name, pattern) of every URL pattern in the apps' namespaces."""

    def walk(items, namespace):
        for item in items:
            if isinstance(item, URLResolver):
                yield from walk(item.url_patterns, item.namespace or namespace)
            elif isinstance(item, URLPattern) and item.name:
                yield (f"{namespace}:{item.name}" if namespace else item.name), item

    return [(name, p) for name, p in walk(get_resolver().url_patterns, None) if name.partition(":")[0] in NAMESPACES or ":" not in name]


def targets(w) -> list[tuple[str, str, dict]]:
    """(name, url, kwargs) of every pattern the corpus is sent to: those without ids, and those
    whose ids ``url_args`` supplies; each with ids also once with 25-digit ids."""
    known = url_args(w)
    found, seen = [], set()
    for name, pattern in patterns():
        if name in SKIP or name in ("admin", "healthz") or name.startswith("admin:"):
            continue
        for _label, kwargs in variants(known, name, pattern):
            url = reverse(name, kwargs=kwargs)
            if url in seen:
                continue
            seen.add(url)
            found.append((name, url, kwargs))
            if kwargs:
                converters = pattern.pattern.converters
                huge = {k: (HUGE_ID if converters[k].regex == "[0-9]+" else v) for k, v in kwargs.items()}
                found.append((name + " (25-digit id)", reverse(name, kwargs=huge), huge))
    return found


def field_names(html: str) -> set[str]:
    return {name for name in FIELD_NAME.findall(html) if name != "csrfmiddlewaretoken"}


def chunks(keys: list[str], value: str) -> list[list[str]]:
    per_request = max(1, BODY_BUDGET // max(1, len(value) * 2))
    return [keys[i : i + per_request] for i in range(0, len(keys), per_request)] or [[]]


def clients(w) -> list[Client]:
    found = []
    for user in (w.staff, w.secretary, w.chief):
        client = Client(raise_request_exception=False, headers={"accept-language": "en"})
        client.force_login(user)
        found.append(client)
    return found


def namespace_of(name: str) -> str:
    """The URL namespace a target is sent in: names without one ("home", "picker") go with core."""
    namespace, _sep, rest = name.partition(":")
    return namespace if rest else "core"


def _values_for(name: str) -> list[str]:
    """With 25-digit ids in the URL the page is a 404 before any field is read: a sample is
    enough."""
    return CORPUS[:4] if "25-digit" in name else CORPUS


# One case per namespace, each with its own world, so pytest-xdist can spread them.
@pytest.mark.parametrize("namespace", NAMESPACE_CASES)
def test_no_bad_value_is_a_server_error(w, reading, namespace):
    errors = []
    everyone = clients(w)

    def send(client, method, url, data, value):
        READS.clear()
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            cause = repr(exc[1]) if exc else ""
            errors.append(f"{method.upper()} {url} {value[:40]!r}: {response.status_code} {cause}"[:400])
        return response

    def send_reading(client, method, url, keys, value, reads):
        """Send ``value`` in each key of ``keys`` that the page reads with ``method`` (all when
        it reads the parameters whole); again with the keys the value led it to ask for."""
        sent = set()
        while True:
            wanted = [k for k in keys if k not in sent and (EVERY_KEY in reads or k in reads)]
            if not wanted:
                return
            for chunk in chunks(wanted, value):
                # A multi-select gets two values; the bad one last, where .get() reads it.
                send(client, method, url, {k: ([HUGE_ID, value] if k in MULTI_KEYS else value) for k in chunk}, value)
                reads |= READS
            sent.update(wanted)

    found = targets(w)
    assert len(found) >= 100, "the URL resolver no longer yields the pages this test knows"
    found = [target for target in found if namespace_of(target[0]) == namespace]
    assert found, f"no page of the namespace {namespace!r}"
    skipped = 0
    for name, url, _kwargs in found:
        # The first of staff, secretary and 调度长 who reaches the page (staff when nobody does).
        client, statuses, reads = everyone[0], {}, {}
        for candidate in everyone:
            statuses, reads = {}, {}
            for method in ("get", "post"):
                statuses[method] = send(candidate, method, url, {}, "").status_code
                reads[method] = set(READS)
            if set(statuses.values()) != {404}:
                client = candidate
                break
        page = client.get(url)
        html = page.content.decode(errors="replace") if "html" in page.get("Content-Type", "") else ""
        fields = field_names(html) if page.status_code == 200 else set()
        methods = [m for m, status in statuses.items() if status != 405]
        for value in _values_for(name):
            keys = sorted(fields | (TEXT_KEYS if len(value) > 1000 else set(COMMON_KEYS)))
            for method in methods:
                skipped += not (EVERY_KEY in reads[method] or reads[method] & set(keys))
                send_reading(client, method, url, keys, value, reads[method])
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors[:60])
    # The noting works: some pages read no parameter (a download, a transition without a form).
    assert skipped


def test_the_pages_note_the_keys_they_read(w, reading):
    """What ``send_reading`` relies on: a key looked up is noted whether sent or not; a list
    page that re-encodes its parameters (the pager's links) counts as reading every key."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(w.staff)
    client.get(reverse("branches:person_detail", args=[w.person.pk]))
    assert EVERY_KEY not in READS
    READS.clear()
    client.get(reverse("branches:branch_list"), {"status": "x"})
    assert EVERY_KEY in READS or {"status", "page"} <= READS


def test_a_nul_character_is_a_400_and_an_impossible_date_a_message(w):
    client = Client(headers={"accept-language": "en"})
    client.force_login(w.staff)
    assert client.get(reverse("branches:membership_add", args=[w.b1.pk]), {"q": "李\x00"}).status_code == 400
    assert client.post(reverse("mechanisms:comment_create", args=["problemcase", w.P5.pk]), {"body": "a\x00"}).status_code == 400
    response = client.post(reverse("branches:membership_end", args=[w.membership.pk]), {"left_on": "2026-02-30"}, follow=True)
    assert "Enter a valid date." in response.content.decode()
    w.membership.refresh_from_db()
    assert w.membership.left_on is None
