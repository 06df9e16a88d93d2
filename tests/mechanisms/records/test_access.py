"""Comments and attachments follow the record's own access rule (mechanisms.records.registry):
whoever may not see the record (its selector and its page's own check) gets a 404 on posting
and on downloading; a read-only leader sees the files but may not add; attachments are fetched
by a random key, never by their sequential id."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mechanisms.common.models import Attachment, Comment
from mechanisms.common.services import attachment_add
from mechanisms.requests.services import decision_request_create, report_create
from mechanisms.weekly.rules import current_week
from mechanisms.weekly.services import WeeklyContent, weekly_report_create
from tests.mechanisms.requests_world import build_world

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


@pytest.fixture
def w(org_tree, make_user):
    return build_world(org_tree, make_user)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def client_of(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def png(name="现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def weekly(w):
    return weekly_report_create(
        branch=w.branch, by=w.secretary, week=current_week(), content=WeeklyContent(work_done="完成入户评估"), submit=True
    )


def decision_request(w):
    return decision_request_create(branch=w.branch, by=w.secretary, title="请示", content="妥否", submit=True)


def report(w):
    return report_create(branch=w.branch, by=w.secretary, kind="special", title="报告", content="内容", submit=True)


RECORDS = {"weeklyreport": weekly, "decisionrequest": decision_request, "report": report}


def post_comment(user, label, pk, body="意见"):
    return client_of(user).post(reverse("mechanisms:comment_create", args=[label, pk]), {"body": body})


def post_file(user, label, pk):
    return client_of(user).post(reverse("mechanisms:attachment_create", args=[label, pk]), {"file": png()})


@pytest.mark.parametrize("label", RECORDS)
def test_who_may_comment_on_a_branch_record(w, label):
    record = RECORDS[label](w)
    # The leader reads the record but writes nothing; the member and the liaison of the branch
    # get 404 on the record's page, so here too; others do not see it at all.
    for user in (w.leader, w.member, w.liaison, w.other_secretary, w.staff_b, w.b_secretary):
        assert post_comment(user, label, record.pk).status_code == 404, user
    assert not Comment.objects.exists()
    # The holder, the department staff over the branch and the project's 调度长 may.
    for user in (w.secretary, w.staff, w.chief):
        assert post_comment(user, label, record.pk, body=f"{user.username} 的意见").status_code == 302, user
    assert set(Comment.objects.values_list("author__username", flat=True)) == {"secretary", "staff", "chief"}


@pytest.mark.parametrize("label", RECORDS)
def test_who_may_attach_and_download_on_a_branch_record(w, media, label):
    record = RECORDS[label](w)
    for user in (w.leader, w.member, w.liaison, w.other_secretary, w.staff_b):
        assert post_file(user, label, record.pk).status_code == 404, user
    assert not Attachment.objects.exists()
    assert post_file(w.secretary, label, record.pk).status_code == 302
    attachment = Attachment.objects.get()
    url = reverse("mechanisms:attachment_download", args=[attachment.token])
    for user in (w.member, w.liaison, w.other_secretary, w.staff_b, w.b_secretary):
        assert client_of(user).get(url).status_code == 404, user
    for user in (w.secretary, w.staff, w.leader, w.chief):
        response = client_of(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png", user
        assert response["Cache-Control"] == "no-store, private"


def test_attachments_are_fetched_by_a_random_key_not_their_id(w, media):
    record = weekly(w)
    first = attachment_add(target=record, uploaded=png("一.png"), by=w.secretary)
    second = attachment_add(target=record, uploaded=png("二.png"), by=w.secretary)
    assert first.token != second.token and len(first.token) >= 32
    # The sequential id (the old URL) finds nothing, nor does any guess.
    client = client_of(w.secretary)
    for guess in (first.pk, second.pk, "1", first.token[:-1] + ("A" if first.token[-1] != "A" else "B")):
        assert client.get(f"/mechanisms/attachments/{guess}/").status_code == 404


def test_the_leader_sees_no_comment_or_upload_form(w):
    record = weekly(w)
    page = client_of(w.leader).get(reverse("mechanisms:weeklyreport_detail", args=[record.pk])).content.decode()
    assert 'data-testid="comments"' in page
    assert reverse("mechanisms:comment_create", args=["weeklyreport", record.pk]) not in page
    assert reverse("mechanisms:attachment_create", args=["weeklyreport", record.pk]) not in page
    page = client_of(w.staff).get(reverse("mechanisms:weeklyreport_detail", args=[record.pk])).content.decode()
    assert reverse("mechanisms:comment_create", args=["weeklyreport", record.pk]) in page


def test_a_bad_next_is_ignored_and_a_local_one_followed(w):
    record = weekly(w)
    url = reverse("mechanisms:comment_create", args=["weeklyreport", record.pk])
    client = client_of(w.staff)
    for bad in ("not a url", "https://evil.example/", "//evil.example/x", "/\\evil.example", "/x\nSet-Cookie: a=b", "x" * 5000):
        response = client.post(url, {"body": "意见", "next": bad})
        assert response.status_code == 302 and response["Location"] == reverse("home"), bad
    detail = reverse("mechanisms:weeklyreport_detail", args=[record.pk])
    response = client.post(url, {"body": "意见", "next": detail + "?tab=2"})
    assert response["Location"] == detail + "?tab=2"
