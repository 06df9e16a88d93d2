"""Uploads and export files in S3-compatible object storage (issue 14), against moto's S3 server
on 127.0.0.1: what the application stores and streams back goes through django-storages."""

import socket

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from moto.server import ThreadedMotoServer

from branches.models import ActivityKind
from config.settings.base import s3_storage
from core.exports import export_job_run
from core.models import ExportJob, ExportJobStatus

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
BUCKET = "gongjian-test"


class _Env:
    """The S3_* variables of docs/deployment.md, as django-environ would read them."""

    def __init__(self, values):
        self.values = values

    def str(self, name, default=""):
        return self.values.get(name, default)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server, settings):
    """The default storage in a fresh bucket of the local S3 server, configured as production
    would be from its environment."""
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
    client = boto3.client("s3", endpoint_url=s3_server, **keys)
    client.create_bucket(Bucket=BUCKET)
    storage = s3_storage(_Env({
        "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_server, "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "us-east-1", "S3_PREFIX": "media",
    }))
    settings.MEDIA_ROOT = "/nonexistent-media-root"  # nothing may land on the file system
    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        yield client
    objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for obj in objects:
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_no_bucket_means_the_file_system():
    assert s3_storage(_Env({})) is None


def test_an_attachment_is_stored_in_the_bucket_and_streamed_back_to_who_may_see_it(world, client_for, s3):
    client = client_for(world.secretary_a)

    response = client.post(
        reverse("branches:activity_create", args=[world.branch_a.pk]),
        {
            "kind": ActivityKind.MICRO_SERVICE, "title": "进企业微主题服务", "held_on": "2026-03-01",
            "participants": [world.member_a_person.pk],
            "attachments": [SimpleUploadedFile("合影.png", PNG, content_type="image/png")],
        },
    )

    assert response.status_code == 302
    attachment = world.branch_a.activities.get().attachments.get()
    assert _keys(s3) == [f"media/{attachment.file.name}"]
    assert s3.get_object(Bucket=BUCKET, Key=f"media/{attachment.file.name}")["Body"].read() == PNG
    download = client.get(reverse("branches:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    other_branch = client_for(world.secretary_a2).get(reverse("branches:attachment_download", args=[attachment.pk]))
    assert other_branch.status_code == 404


def test_an_export_file_is_written_to_the_bucket_by_the_worker_and_downloaded(world, client_for, settings, s3):
    settings.EXPORT_SYNC_MAX_ROWS = 0
    client = client_for(world.staff_a)
    client.get(reverse("branches:branch_export"))
    job = ExportJob.objects.get()

    export_job_run(job_id=job.pk)  # what the worker runs

    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE
    assert _keys(s3) == [f"media/{job.file.name}"]
    download = client.get(reverse("core:export_job_download", args=[job.pk]))
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and body[:2] == b"PK"  # an xlsx (a zip)
    assert s3.get_object(Bucket=BUCKET, Key=f"media/{job.file.name}")["Body"].read() == body
    assert client_for(world.staff_b).get(reverse("core:export_job_download", args=[job.pk])).status_code == 404
