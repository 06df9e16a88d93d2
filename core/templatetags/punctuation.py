"""Punctuation between translated pieces, in the reader's language.

A page that joins a translated label and a value (``统计期间：本月``), or translated clauses into
one sentence, must not write ASCII ``: , .`` between them: in Chinese they are ``：，。``. These
tags give the right mark for the active language (tests/core/test_translations.py fails on
ASCII punctuation written next to a translated piece in a template)::

    {% load punctuation %}
    {% translate "Period" %}{% colon %}{{ period_label }}
"""

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def colon():
    """After a label: ": " in English, "：" in Chinese."""
    return pgettext("after a label", ": ")


@register.simple_tag
def comma():
    """Between clauses of one sentence: ", " in English, "，" in Chinese."""
    return pgettext("between clauses", ", ")


@register.simple_tag
def period():
    """At the end of a sentence: "." in English, "。" in Chinese."""
    return pgettext("end of a sentence", ".")
