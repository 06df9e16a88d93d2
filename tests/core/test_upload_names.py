"""Uploads keep a safe name: the checked kind's extension, no folders, no control or direction
characters (a polyglot "page.html" or "setup.exe" is never offered under that name)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from core.uploads import safe_original_name, validate_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ZIP = b"PK\x03\x04" + b"\x00" * 32


@pytest.mark.parametrize(
    ("name", "content", "kept"),
    [
        ("现场照片.png", PNG, "现场照片.png"),
        ("page.html", PNG, "page.png"),
        ("setup.exe", ZIP, "setup.zip"),
        ("报表.xlsx", ZIP, "报表.xlsx"),
        ("photo.JPEG", b"\xff\xd8\xff" + b"\x00" * 16, "photo.jpeg"),
        ("..\\..\\windows\\evil.png", PNG, "evil.png"),
        ("/etc/passwd", PNG, "passwd.png"),
        ("invoice\u202egnp.exe", PNG, "invoicegnp.png"),
        ("a\x07b.png", PNG, "ab.png"),
        (".htaccess", PNG, "htaccess.png"),
        ("", PNG, "file.png"),
    ],
)
def test_the_name_offered_is_safe(name, content, kept):
    _content_type, extension = validate_upload(SimpleUploadedFile(name or "x", content))

    assert safe_original_name(name, extension) == kept


@given(st.text(max_size=400))
def test_any_name_ends_with_the_checked_extension_and_fits(name):
    kept = safe_original_name(name, ".pdf")
    assert kept.endswith(".pdf")
    assert len(kept) <= 255
    assert "/" not in kept and "\\" not in kept
    assert not any(ord(ch) < 32 for ch in kept)
