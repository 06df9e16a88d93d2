"""Writes of the work briefings: draft one from the records, refresh its figures, edit its text,
issue it under the next number of its jurisdiction's year.

Keyword-only, atomic, the history user and reason recorded on every change. An issued briefing
is never changed: every write checks ``Briefing.is_editable`` (and the model refuses the save
anyway)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.history import stamp_history
from core.workflow import ensure_transition
from evaluation.briefings import selectors
from evaluation.briefings.models import (
    BRIEFING_TRANSITIONS,
    SECTION_KEYS,
    Briefing,
    BriefingCounter,
    BriefingPeriod,
    BriefingStatus,
    LockedError,
)

TEXT_MAX = 5000


def default_title() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Task-force branch work briefing")


def default_issuing_organ(organization) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Organization Department of the CPC %(name)s Committee") % {"name": organization.name}


def _editable(briefing: Briefing) -> Briefing:
    """The briefing re-read under a row lock, refused when it is no longer a draft."""
    locked = Briefing.objects.select_for_update().get(pk=briefing.pk)
    if not locked.is_editable:
        raise LockedError(locked._locked_message(), code="locked")
    return locked


def _check_jurisdiction(organization, by) -> None:
    if not selectors.briefing_jurisdictions(by).filter(pk=organization.pk).exists():
        raise ValidationError(_("You may not draft a briefing for this organization."), code="out_of_reach")


@transaction.atomic
def briefing_draft(*, organization, period: str, day, by) -> Briefing:
    """A new draft for the week or month holding ``day``, its figures drawn from the records."""
    _check_jurisdiction(organization, by)
    if period not in BriefingPeriod.values:
        raise ValidationError(_("Choose a week or a month."), code="period")
    start, end = selectors.period_bounds(period, day)
    if start > timezone.localdate():
        raise ValidationError(_("A briefing cannot be drafted for a period that has not begun."), code="future")
    with translation.override(settings.LANGUAGE_CODE):
        figures = selectors.draft_figures(by, organization, period, start, end)
    briefing = Briefing(
        organization=organization,
        period=period,
        period_start=start,
        period_end=end,
        title=default_title(),
        issuing_organ=default_issuing_organ(organization),
        figures=figures,
        figures_at=timezone.now(),
        texts={key: "" for key in SECTION_KEYS},
        created_by=by,
    )
    stamp_history(briefing, by=by, reason=_("Drafted from the records"))
    briefing.save()
    return briefing


@transaction.atomic
def briefing_refresh_figures(*, briefing: Briefing, by) -> Briefing:
    """Draw the draft's figures again from today's records (the text is left alone)."""
    locked = _editable(briefing)
    with translation.override(settings.LANGUAGE_CODE):
        locked.figures = selectors.draft_figures(by, locked.organization, locked.period, locked.period_start, locked.period_end)
    locked.figures_at = timezone.now()
    stamp_history(locked, by=by, reason=_("Figures drawn again from the records"))
    locked.save()
    return locked


@transaction.atomic
def briefing_update(*, briefing: Briefing, by, title: str, issuing_organ: str, texts: dict) -> Briefing:
    """The staff's edit of a draft: its title, issuing organ and section texts."""
    locked = _editable(briefing)
    unknown = set(texts) - set(SECTION_KEYS)
    if unknown:
        raise ValidationError(_("Unknown section."), code="section")
    if any(len(text or "") > TEXT_MAX for text in texts.values()):
        raise ValidationError(_("A section holds at most %(n)s characters.") % {"n": TEXT_MAX}, code="too_long")
    locked.title = title.strip() or default_title()
    locked.issuing_organ = issuing_organ.strip() or default_issuing_organ(locked.organization)
    locked.texts = {key: (texts.get(key, locked.texts.get(key, "")) or "").strip() for key in SECTION_KEYS}
    stamp_history(locked, by=by, reason=_("Text edited"))
    locked.save()
    return locked


class NumberMoved(ValidationError):
    """The number the confirmation named was taken by another briefing meanwhile."""


@transaction.atomic
def briefing_issue(*, briefing: Briefing, by, expected_number: int | None = None, now=None) -> Briefing:
    """Issue a draft under the next number of its jurisdiction's year (第N期).

    The counter row of (organization, year) is created if missing (INSERT … ON CONFLICT DO
    NOTHING, so two first issues of a year do not collide) and locked (SELECT … FOR UPDATE): a
    second staff member issuing at the same moment waits here and takes the number after.
    Nothing gives a number back, so none is ever reused. With ``expected_number`` (what the
    confirmation told the user) a number that moved on refuses the issue instead. ``now`` is for
    the demo's history only (briefings issued in past weeks take the numbers of their year)."""
    locked = Briefing.objects.select_for_update().get(pk=briefing.pk)
    ensure_transition(BRIEFING_TRANSITIONS, BriefingStatus, locked.status, BriefingStatus.ISSUED)
    now = now or timezone.now()
    year = timezone.localdate(now).year
    BriefingCounter.objects.bulk_create(
        [BriefingCounter(organization_id=locked.organization_id, year=year)], ignore_conflicts=True
    )
    counter = BriefingCounter.objects.select_for_update().get(organization_id=locked.organization_id, year=year)
    number = counter.last_number + 1
    if expected_number is not None and number != expected_number:
        raise NumberMoved(
            _("No. %(expected)s was taken by another briefing meanwhile: this one would now be No. %(number)s. "
              "Confirm again.") % {"expected": expected_number, "number": number},
            code="number_moved",
        )
    counter.last_number = number
    counter.save(update_fields=["last_number"])
    locked.status = BriefingStatus.ISSUED
    locked.year = year
    locked.number = number
    locked.issued_at = now
    locked.issued_by = by
    stamp_history(locked, by=by, reason=_("Issued as %(year)s No. %(number)s") % {"year": year, "number": number})
    locked.save()
    return locked
