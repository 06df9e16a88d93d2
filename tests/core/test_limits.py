"""Limits on free text and phone numbers (core.forms): stated on the form, enforced with a clear
Chinese message that keeps what the user typed; one phone validator for every phone field."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.forms import LONG_TEXT_MAX, SHORT_TEXT_MAX, BootstrapFormMixin, PhoneField, validate_phone
from mechanisms.dispatch.forms import DispatchForm

# ---------------------------------------------------------------- phone numbers
# Generating from a regex is slow on a loaded machine; the inputs are small.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow])


@relaxed
@given(st.from_regex(r"\A1[3-9][0-9]-?[0-9]{4}-?[0-9]{4}\Z"))
def test_every_mainland_mobile_number_is_accepted(number):
    validate_phone(number)


@relaxed
@given(st.from_regex(r"\A0[0-9]{2,3}-?[0-9]{7,8}((-|转|#)[0-9]{1,6})?\Z"))
def test_every_landline_with_its_area_code_is_accepted(number):
    validate_phone(number)


@relaxed
@given(st.text(max_size=25).filter(lambda s: any(c not in "0123456789-转#" for c in s)))
def test_text_with_anything_but_digits_and_separators_is_refused(text):
    with pytest.raises(ValidationError):
        validate_phone(text)


@relaxed
@given(st.from_regex(r"\A[1-9]\d{0,15}\Z").filter(lambda s: not (len(s) == 11 and s[0] == "1" and s[1] in "3456789")))
def test_digits_that_are_no_mobile_number_are_refused(digits):
    with pytest.raises(ValidationError):
        validate_phone(digits)


@pytest.mark.parametrize("number", ["13912345678", "139-1234-5678", "0523-84812345", "052384812345", "025-8481234-801", "0523-84812345转801"])
def test_the_usual_ways_of_writing_a_number(number):
    validate_phone(number)


@pytest.mark.parametrize("number", ["12912345678", "1391234567", "139123456789", "+8613912345678", "84812345", "0523-848", "电话"])
def test_numbers_that_are_refused(number):
    with pytest.raises(ValidationError):
        validate_phone(number)


def test_the_phone_field_drops_spaces_and_explains_in_chinese():
    field = PhoneField(required=False)
    assert field.clean("139 1234 5678") == "13912345678"
    assert field.clean("") == ""
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            field.clean("12345")
        # The message is lazy: read it while Chinese is active, whatever an earlier test left on.
        assert "手机号" in str(refused.value.messages[0])


def test_every_phone_field_of_a_form_is_a_phone_field():
    from branches.forms import PersonForm
    from mechanisms.problems.forms import WhistleForm

    assert isinstance(PersonForm.base_fields["phone"], PhoneField)
    assert isinstance(WhistleForm.base_fields["enterprise_phone"], PhoneField)


# ---------------------------------------------------------------- free text
def test_a_text_area_gets_the_long_limit_a_counter_and_the_limit_in_its_help():
    form = DispatchForm()
    notes = form.fields["notes"]
    assert notes.max_length == LONG_TEXT_MAX
    html = str(form["notes"])
    assert f'data-maxlength="{LONG_TEXT_MAX}"' in html and "maxlength=" not in html.replace("data-maxlength", "")
    with translation.override("zh-hans"):
        assert f"最多 {LONG_TEXT_MAX} 字" in str(DispatchForm().fields["notes"].help_text)


def test_a_line_without_a_model_limit_gets_the_short_one():
    class Line(BootstrapFormMixin, forms.Form):
        answer = forms.CharField()
        kept = forms.CharField(max_length=30)

    form = Line()
    assert form.fields["answer"].max_length == SHORT_TEXT_MAX and form.fields["kept"].max_length == 30
    assert f'maxlength="{SHORT_TEXT_MAX}"' in str(form["answer"])


def test_too_long_text_is_refused_in_chinese_and_kept_in_the_box():
    typed = "会议纪要" * (LONG_TEXT_MAX // 4) + "多出的字"
    with translation.override("zh-hans"):
        form = DispatchForm(data={"held_on": "2026-11-18", "notes": typed})
        assert not form.is_valid()
        message = form.errors["notes"][0]
        assert f"最多 {LONG_TEXT_MAX} 字" in message and f"现有 {len(typed)} 字" in message
        assert typed in str(form["notes"])


def _project_form_classes():
    for package in ("branches", "projects", "mechanisms", "evaluation", "core"):
        root = importlib.import_module(package)
        names = [f"{package}.forms"] + [
            f"{package}.{m.name}.forms" for m in pkgutil.iter_modules(root.__path__) if m.ispkg
        ]
        for name in names:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_every_free_text_field_has_a_limit():
    """A form without the mixin must name its own limit on every free-text field."""
    classes = list(_project_form_classes())
    assert len(classes) > 30
    unlimited = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        if not issubclass(cls, BootstrapFormMixin)
        for name, field in cls.base_fields.items()
        if type(field) is forms.CharField and field.max_length is None and not field.widget.is_hidden
    ]
    assert unlimited == []
