"""The minutes of a recorded dispatch session (调度会议纪要) as a GB/T 9704 Word document.

The facts come from ``selectors.dispatch_minutes_facts`` (the project's light and figures on the
session day, the agenda as recorded, the instructions issued); this module only lays them out
with ``core.gbdoc``."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from branches.models import Light
from core.gbdoc import GbDocument, gb_date, gb_number
from core.templatetags.punctuation import colon, comma
from mechanisms.dispatch.selectors import (
    AGENDA_INDICATOR,
    AGENDA_INSTRUCTION,
    AGENDA_MILESTONE,
    AGENDA_PROBLEM,
    MinutesFacts,
)

number = gb_number


def percent(share) -> str:
    return f"{round(Decimal(str(share or 0)) * 100)}%"


def light_label(light: str) -> str:
    return str(Light(light).label) if light in Light.values else light


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    return gb_date(date.fromisoformat(iso))


def minutes_filename(facts_or_dispatch) -> str:
    dispatch = getattr(facts_or_dispatch, "dispatch", facts_or_dispatch)
    return _("Dispatch minutes") + f"-{dispatch.project.name}-{dispatch.held_on:%Y%m%d}"


def minutes_document(facts: MinutesFacts) -> GbDocument:
    dispatch = facts.dispatch
    project = dispatch.project
    doc = GbDocument(
        title=_("Minutes of the dispatch session of %(project)s") % {"project": project.name},
        subtitle=_("(%(text)s)") % {"text": gb_date(dispatch.held_on)},
        org=dispatch.branch.name,
        date=dispatch.held_on,
    )

    doc.heading(1, _("The session"))
    for label, value in (
        (_("Time"), gb_date(dispatch.held_on)),
        (_("Place"), dispatch.location),
        (_("Chaired by"), facts.chair),
        (_("Branch"), dispatch.branch.name),
        (_("Attendees"), " ".join(dispatch.attendees.split())),
    ):
        doc.paragraph(value or "—", lead=f"{label}{colon()}")

    doc.heading(1, _("Progress of the project"))
    doc.paragraph(
        _("On %(date)s the project showed %(light)s: %(progress)s done against %(elapsed)s of its time gone.")
        % {"date": gb_date(dispatch.held_on), "light": light_label(facts.light), "progress": percent(facts.progress),
           "elapsed": percent(facts.elapsed)}
        + (_("Forecast completion: %(date)s.") % {"date": gb_date(facts.forecast_on)} if facts.forecast_on else "")
    )
    if facts.indicators:
        doc.table(
            [_("Indicator"), _("Unit"), _("Target"), _("On the day"), _("Progress"), _("Time gone"), _("Light")],
            [
                [i.name, i.unit, number(i.target), number(i.value), percent(i.progress), percent(i.elapsed),
                 light_label(i.light)]
                for i in facts.indicators
            ],
            widths=[3.4, 1, 1.4, 1.8, 1.4, 1.8, 1.6],
            align=["left", "center", "right", "right", "right", "right", "center"],
        )

    doc.heading(1, _("Agenda"))
    sections = [s for s in facts.sections if s.items]
    if not sections:
        doc.paragraph(_("Nothing was behind: every indicator was on track, no milestone was due, no instruction "
                        "was overdue and no problem was open."))
    for section in sections:
        doc.heading(2, str(_AGENDA_TITLES[section.kind]()))
        for item in section.items:
            doc.paragraph(_agenda_line(section.kind, item))

    doc.heading(1, _("Decisions"))
    doc.paragraph(dispatch.notes.strip() or "—")

    doc.heading(1, _("Instructions issued"))
    if facts.instructions:
        doc.table(
            [_("No."), _("Instruction"), _("Assigned unit"), _("Assigned person"), _("Deadline")],
            [
                [n, i.title + (f"\n{i.content.strip()}" if i.content.strip() else ""), str(i.assignee_unit or ""),
                 i.assignee_user.get_full_name() if i.assignee_user else "", gb_date(i.deadline)]
                for n, i in enumerate(facts.instructions, start=1)
            ],
            widths=[0.8, 5, 2.4, 1.6, 2.4],
            align=["center", "left", "left", "left", "center"],
        )
    else:
        doc.paragraph(_("No instructions were issued from this session."))

    doc.signature(dispatch.branch.name, dispatch.held_on)
    return doc


_AGENDA_TITLES = {
    AGENDA_INDICATOR: lambda: _("Indicators behind time"),
    AGENDA_MILESTONE: lambda: _("Milestones due or overdue"),
    AGENDA_INSTRUCTION: lambda: _("Overdue instructions"),
    AGENDA_PROBLEM: lambda: _("Open problems"),
}


def _agenda_line(kind: str, item: dict) -> str:
    title = item.get("title", "")
    if kind == AGENDA_INDICATOR:
        return _("%(title)s (%(light)s): %(current)s of %(target)s %(unit)s, progress %(progress)s against %(elapsed)s "
                 "of the time.") % {
            "title": title, "light": light_label(item.get("light", "")), "current": number(item.get("current")),
            "target": number(item.get("target")), "unit": item.get("unit", ""), "progress": percent(item.get("progress")),
            "elapsed": percent(item.get("elapsed")),
        }
    overdue = item.get("overdue_days") or 0
    late = (_("%(n)s days overdue") % {"n": overdue}) if overdue else ""
    if kind == AGENDA_MILESTONE:
        parts = [_("due %(date)s") % {"date": _date(item.get("due_on"))}, late]
    elif kind == AGENDA_INSTRUCTION:
        parts = [item.get("assignee", ""), str(item.get("status_label", "")),
                 _("deadline %(date)s") % {"date": _date(item.get("deadline"))}, late]
    else:
        parts = [str(item.get("severity_label", "")), str(item.get("status_label", "")), item.get("responsible_unit", ""),
                 (_("deadline %(date)s") % {"date": _date(item.get("deadline"))}) if item.get("deadline") else "", late]
    return _("%(title)s (%(details)s)") % {"title": title, "details": comma().join(p for p in parts if p)}
