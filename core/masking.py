"""Masking of personal data (个人信息保护): the one function every list, export and page uses to
show an ID number or a phone number to somebody who does not manage people."""

import re

_SEPARATORS = re.compile(r"[\s\-()（）+]")


def mask(value) -> str:
    """``value`` with its middle hidden: a mainland ID number (18 or 15 characters) keeps its first
    four and last four (``3201**********1234``), a phone number its first three and last four
    (``138****1234``), anything shorter all but its last character or two. Empty stays empty."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    compact = _SEPARATORS.sub("", text)
    if len(compact) in (15, 18) and compact[:-1].isdigit():
        return compact[:4] + "*" * (len(compact) - 8) + compact[-4:]
    if len(compact) >= 11:
        return compact[:3] + "*" * (len(compact) - 7) + compact[-4:]
    if len(compact) >= 7:
        return compact[:2] + "*" * (len(compact) - 4) + compact[-2:]
    return "*" * (len(compact) - 1) + compact[-1:]
