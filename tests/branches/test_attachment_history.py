"""An activity's attachment keeps its history and a safe name (a polyglot "page.html" is a PNG)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from branches import services
from branches.models import ActivityKind

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_an_uploaded_attachment_has_its_creation_in_history_under_a_safe_name(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = services.activity_create(
        branch=world.branch_a,
        by=world.secretary_a,
        participants=[world.member_a_person],
        uploads=[SimpleUploadedFile("page.html", PNG, content_type="text/html")],
        kind=ActivityKind.THREE_SHOWS,
        title="亮身份",
        held_on=datetime.date(2026, 3, 1),
    )

    attachment = activity.attachments.get()
    assert attachment.original_name == "page.png"
    assert [(h.history_type, h.original_name) for h in attachment.history.all()] == [("+", "page.png")]
