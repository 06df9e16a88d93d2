"""The one masking function of personal data: ID and phone numbers keep their ends only."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.masking import mask


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("13812341234", "138****1234"),
        ("138 1234 1234", "138****1234"),
        ("320102199001011234", "3201**********1234"),
        ("32010219900101123X", "3201**********123X"),
        ("320102900101123", "3201*******1123"),
        ("0523-84812345", "052*****2345"),
        ("8481234", "84***34"),
        ("110", "**0"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask(value, shown):
    assert mask(value) == shown


@given(st.text(alphabet="0123456789", min_size=7, max_size=18))
def test_a_masked_number_hides_at_least_its_middle_and_keeps_its_length(digits):
    shown = mask(digits)
    assert len(shown) == len(digits)
    assert "*" in shown
    assert shown != digits
    assert shown.count("*") >= len(digits) - 8
