"""The sections of a briefing (headings) and the sentences its figures read as in a document.

Pure: no database. The page shows the figures with their links; the .docx and the PDF read the
same data through ``section_paragraphs`` / ``section_tables``, so neither retypes a number."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from branches.models import ActivityKind
from evaluation.briefings.models import SECTION_KEYS

SECTION_HEADINGS = {
    "overview": gettext_lazy("Branches and projects"),
    "reports": gettext_lazy("Weekly reports filed"),
    "problems": gettext_lazy("Problems and enterprise whistles"),
    "instructions": gettext_lazy("Instructions overdue"),
    "league": gettext_lazy("Responsible units reporting for duty"),
    "highlights": gettext_lazy("Highlights"),
    "next_steps": gettext_lazy("Next steps"),
}
assert tuple(SECTION_HEADINGS) == SECTION_KEYS


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def section_paragraphs(key: str, figures: dict) -> list[str]:
    """The sentences a section's figures read as (in the active language)."""
    if not figures:
        return []
    if key == "overview":
        b, lights = figures["branches"], figures["lights"]
        lines = [
            _("%(active)s task-force branches are active; %(new)s were formed in this period.")
            % {"active": b["active"], "new": b["new"]},
            _("Projects in progress by light: %(red)s red, %(yellow)s yellow, %(green)s green.")
            % {"red": lights["red"], "yellow": lights["yellow"], "green": lights["green"]},
        ]
        if b["new_list"]:
            lines.append(_("Newly formed: %(names)s.") % {"names": pgettext("list of names", ", ").join(x["name"] for x in b["new_list"])})
        if lights["reds"]:
            lines.append(
                _("Red projects: %(names)s.")
                % {"names": pgettext("list of names", ", ").join(_("%(name)s (%(branch)s)") % {"name": p["name"], "branch": p["branch"]} for p in lights["reds"])}
            )
        return lines
    if key == "reports":
        r = figures["reports"]
        line = _("Weekly reports filed: %(filed)s of %(due)s due (%(rate)s); the previous period %(previous)s.") % {
            "filed": r["filed"], "due": r["due"], "rate": _percent(r["percent"]), "previous": _percent(r["previous"]["percent"]),
        }
        if r["change"] is not None:
            if r["change"] > 0:
                line += _("Up %(n)s points.") % {"n": r["change"]}
            elif r["change"] < 0:
                line += _("Down %(n)s points.") % {"n": -r["change"]}
            else:
                line += _("Unchanged.")
        return [line]
    if key == "problems":
        p = figures["problems"]
        return [
            _("%(opened)s problems were raised and %(resolved)s resolved in this period (median %(median)s days); "
              "%(open)s are open, %(overdue)s of them past their deadline.")
            % {"opened": p["opened"], "resolved": p["resolved"], "median": p["median_days"] or "—",
               "open": p["open_now"], "overdue": p["overdue_now"]},
            _("Enterprises blew the whistle %(whistles)s times; %(closed)s whistles were closed with a verdict, "
              "satisfaction %(satisfaction)s.")
            % {"whistles": p["whistles"], "closed": p["whistles_closed"], "satisfaction": _percent(p["satisfaction_percent"])},
        ]
    if key == "instructions":
        i = figures["instructions"]
        return [_("%(overdue)s instructions are overdue of %(open)s open.") % {"overdue": i["overdue"], "open": i["open"]}]
    if key == "league":
        lg = figures["league"]
        if not lg["units"]:
            return [_("No item of a responsible unit fell due in this period.")]
        return [_("%(n)s responsible units had items fall due; the best and the slowest:") % {"n": lg["units"]}]
    if key == "highlights":
        h = figures["highlights"]
        lines = [_("%(branch)s: “%(quote)s”") % {"branch": q["branch"], "quote": q["quote"]} for q in h["reports"]]
        for a in h["activities"]:
            kind = ActivityKind(a["kind"]).label if a["kind"] in ActivityKind.values else ""
            lines.append(
                _("%(branch)s (%(day)s, %(kind)s): %(title)s")
                % {"branch": a["branch"], "day": a["held_on"], "kind": kind, "title": a["title"]}
            )
        return lines
    return []


def section_tables(key: str, figures: dict) -> list[tuple[list[str], list[list]]]:
    """The tables of a section: [(headers, rows)]."""
    if not figures:
        return []
    if key == "instructions" and figures["instructions"]["overdue_list"]:
        return [(
            [_("Instruction"), _("Assigned unit"), _("Deadline"), _("Days overdue")],
            [[i["title"], i["unit"], i["deadline"], i["days_overdue"]] for i in figures["instructions"]["overdue_list"]],
        )]
    if key == "league" and figures["league"]["units"]:
        rows = [[u["rank"], u["name"], f"{u['on_time']}/{u['due']}", _percent(u["percent"])] for u in figures["league"]["best"]]
        rows += [[u["rank"], u["name"], f"{u['on_time']}/{u['due']}", _percent(u["percent"])] for u in figures["league"]["slowest"]]
        return [([_("Rank"), _("Unit"), _("On time"), _("Rate")], rows)]
    return []
