"""Who may open which page: anonymous → login, wrong role → 404, another branch → 404, another
city → 404, the holder → 200; leaders get a 404 on every write page.

Each row names the users who may use the page; everyone else in the world must get a 404."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches import services
from branches.models import ActivityKind, WeakLinkKind

from . import factories as f

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EVERYONE = ["staff_a", "leader_a", "staff_b", "liaison_a", "stranger", "secretary_a", "secretary_a2", "member_a"]
OFFICE_A = ["staff_a", "leader_a"]
VISIBLE_A = ["staff_a", "leader_a", "secretary_a", "member_a"]


@pytest.fixture
def things(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = services.activity_create(
        branch=world.branch_a,
        by=world.secretary_a,
        kind=ActivityKind.THREE_SHOWS,
        title="三亮",
        held_on=datetime.date(2026, 3, 1),
        uploads=[SimpleUploadedFile("a.png", PNG)],
    )
    chain = f.chain(organization=world.o["city_a"])
    weak_link = services.weak_link_create(
        chain=chain, node=chain.nodes.first(), by=world.staff_a, kind=WeakLinkKind.TALENT, title="高端人才缺口"
    )
    return {
        "branch": world.branch_a.pk,
        "membership": world.member_a_membership.pk,
        "activity": activity.pk,
        "attachment": activity.attachments.get().pk,
        "person": world.member_a_person.pk,
        "chain": chain.pk,
        "weak_link": weak_link.pk,
    }


# (url name, argument key, method, who may, status for them)
MATRIX = [
    ("branches:branch_detail", "branch", "get", VISIBLE_A, 200),
    ("branches:branch_edit", "branch", "get", ["staff_a", "secretary_a"], 200),
    ("branches:branch_create", None, "get", ["staff_a", "staff_b"], 200),
    ("branches:branch_transition", "branch", "post", ["staff_a"], 302),
    ("branches:membership_add", "branch", "get", ["staff_a"], 200),
    ("branches:membership_end", "membership", "post", ["staff_a"], 302),
    ("branches:activity_create", "branch", "get", ["staff_a", "secretary_a"], 200),
    ("branches:activity_detail", "activity", "get", VISIBLE_A, 200),
    ("branches:attachment_add", "activity", "post", ["staff_a", "secretary_a"], 302),
    ("branches:attachment_download", "attachment", "get", VISIBLE_A, 200),
    ("branches:commitment_update", "membership", "post", ["member_a"], 302),
    ("branches:person_list", None, "get", ["staff_a", "leader_a", "staff_b"], 200),
    ("branches:person_export", None, "get", ["staff_a", "leader_a", "staff_b"], 200),
    ("branches:person_detail", "person", "get", OFFICE_A, 200),
    ("branches:person_create", None, "get", ["staff_a", "staff_b"], 200),
    ("branches:person_edit", "person", "get", ["staff_a"], 200),
    ("branches:person_import", None, "get", ["staff_a", "staff_b"], 200),
    ("branches:person_import_template", None, "get", ["staff_a", "staff_b"], 200),
    ("branches:chain_list", None, "get", ["staff_a", "leader_a", "staff_b"], 200),
    ("branches:chain_detail", "chain", "get", OFFICE_A, 200),
    ("branches:weaklink_add", "chain", "get", ["staff_a"], 200),
    ("branches:weaklink_resolve", "weak_link", "post", ["staff_a"], 302),
]
# Pages every logged-in user may open (each sees only their own rows).
OPEN_TO_ALL = ["branches:branch_list", "branches:branch_export", "branches:my_memberships"]


@pytest.mark.parametrize(("url_name", "key", "method", "allowed", "status"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(world, things, client_for, url_name, key, method, allowed, status):
    url = reverse(url_name, args=[things[key]] if key else [])

    anonymous = getattr(client_for(), method)(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]

    # The refused first, so a successful write by the holder cannot change what they see.
    for username in [u for u in EVERYONE if u not in allowed] + allowed:
        response = getattr(client_for(getattr(world, username)), method)(url)
        expected = status if username in allowed else 404
        assert response.status_code == expected, f"{username} {method.upper()} {url_name}: {response.status_code}"


@pytest.mark.parametrize("url_name", OPEN_TO_ALL)
def test_pages_open_to_every_login_show_only_their_rows(world, client_for, url_name):
    url = reverse(url_name)
    anonymous = client_for().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for username in EVERYONE:
        assert client_for(getattr(world, username)).get(url).status_code == 200, username


def test_the_secretary_lists_only_their_own_branch(world, client_for):
    page = client_for(world.secretary_a).get(reverse("branches:branch_list")).content.decode()

    assert world.branch_a.name in page
    assert world.branch_a2.name not in page and world.branch_b.name not in page


def test_a_member_lists_only_their_branch_and_a_liaison_none(world, client_for):
    member_page = client_for(world.member_a).get(reverse("branches:branch_list")).content.decode()
    liaison_page = client_for(world.liaison_a).get(reverse("branches:branch_list")).content.decode()

    assert world.branch_a.name in member_page and world.branch_a2.name not in member_page
    assert 'data-testid="branch-row"' not in liaison_page


def test_leaders_are_refused_every_write(world, things, client_for):
    client = client_for(world.leader_a)
    writes = [
        ("branches:branch_create", None, "post"),
        ("branches:branch_edit", "branch", "post"),
        ("branches:branch_transition", "branch", "post"),
        ("branches:membership_add", "branch", "post"),
        ("branches:membership_end", "membership", "post"),
        ("branches:activity_create", "branch", "post"),
        ("branches:attachment_add", "activity", "post"),
        ("branches:person_create", None, "post"),
        ("branches:person_edit", "person", "post"),
        ("branches:person_import", None, "post"),
        ("branches:person_import_template", None, "get"),
        ("branches:weaklink_add", "chain", "post"),
        ("branches:weaklink_resolve", "weak_link", "post"),
    ]
    for url_name, key, method in writes:
        url = reverse(url_name, args=[things[key]] if key else [])
        assert getattr(client, method)(url, {}).status_code == 404, url_name
    assert world.branch_a.memberships.filter(left_on__isnull=True).count() == 2


def test_gets_on_post_only_views_are_refused(world, things, client_for):
    client = client_for(world.staff_a)
    for url_name, key in [("branches:branch_transition", "branch"), ("branches:membership_end", "membership")]:
        assert client.get(reverse(url_name, args=[things[key]])).status_code == 405
