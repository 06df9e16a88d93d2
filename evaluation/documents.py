"""The evaluation app's 公文 as GB/T 9704 Word documents (core.gbdoc):

* the appraisal form (党性鉴定表) of one member, the same fields as the print page and its PDF;
* the efficacy evaluation report (效能评估报告) of one branch: the rubric, every criterion with
  its objective figure (share and the counts it comes from) and the evaluators' scores, the
  deductions, bonuses and vetoes, the result and grade, the evaluators and the remarks.

The facts come from the models and ``selectors.evaluation_page``; this module lays them out."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.gbdoc import FormCell, GbDocument, gb_date, gb_number
from core.templatetags.punctuation import colon
from evaluation.figures import FigureValue
from evaluation.models import Appraisal, AppraisalGrade, Figure, RubricItemKind
from evaluation.selectors import EvaluationPage

# ================================================================ the appraisal form
_BLANK_DATE = "{year}　{month}　{day}"


def _ym(day) -> str:
    return f"{day.year}.{day.month:02d}" if day else "—"


def _signed(label: str, *extra: str) -> str:
    date = _BLANK_DATE.format(year=_("year"), month=_("month"), day=_("day"))
    return "　".join([f"{label}{colon()}　　　　", *extra, date])


def appraisal_filename(appraisal: Appraisal) -> str:
    return _("Party-spirit appraisal form") + f"-{appraisal.person.name}"


def appraisal_document(appraisal: Appraisal) -> GbDocument:
    """The 党性鉴定表 of ``appraisal`` (person, branch and work unit selected with it)."""
    person, branch = appraisal.person, appraisal.branch
    doc = GbDocument(title=_("Party-spirit appraisal form of a task-force branch member"))
    doc.split_line(
        _("Task-force branch: %(branch)s") % {"branch": branch.name},
        f"{_('Form No.')}{colon()}{branch.pk:04d}-{appraisal.pk:05d}",
    )
    served_to = gb_date(appraisal.served_to) if appraisal.served_to else _("the end of the task")
    if appraisal.is_graded:
        grades = "　".join(
            f"{'☑' if appraisal.grade == value else '☐'}{label}" for value, label in AppraisalGrade.choices
        )
    else:
        grades = _("Probationary member: takes part in the appraisal, not graded.")
    label = lambda text: FormCell(text, label=True)  # noqa: E731
    doc.form(
        [
            [label(_("Name")), person.name, label(_("Gender")), person.get_gender_display(), label(_("Born")),
             _ym(person.birth_date)],
            [label(_("Joined the Party")), _ym(person.joined_party_on), label(_("Standing")),
             _("Full member") if appraisal.is_graded else _("Probationary member"), label(_("Phone")),
             person.phone or "—"],
            [label(_("Work unit and post")), FormCell(f"{person.work_unit} {person.post}".strip(), span=5)],
            [label(_("Task-force branch")), FormCell(branch.name, span=3), label(_("Role")),
             appraisal.get_role_display()],
            [label(_("Period served")), FormCell(f"{gb_date(appraisal.served_from)} — {served_to}", span=5)],
            [label(_("Self-assessment")),
             FormCell(appraisal.self_assessment, span=5, foot=_signed(_("Signature")))],
            [label(_("Branch's assessment")),
             FormCell(appraisal.branch_assessment, span=5,
                      foot=_signed(_("Branch secretary"), _("(%(text)s)") % {"text": _("branch seal")}))],
            [label(_("Grade")), FormCell(grades, span=5)],
            [label(_("Conclusion of the organization department")),
             FormCell(appraisal.conclusion, span=5,
                      foot=_signed(_("Person in charge"), _("(%(text)s)") % {"text": _("seal")}))],
        ],
        widths=[2.2, 1.8, 1.6, 2.0, 1.8, 3.0],
        heights=[None, None, None, None, None, 44, 38, 12, 30],
    )
    final = (
        _("Final on %(date)s") % {"date": gb_date(timezone.localdate(appraisal.finalized_at))}
        if appraisal.is_final and appraisal.finalized_at else _("Draft")
    )
    doc.split_line(_("Filled in by the organization department; one copy goes into the member's file."), final)
    return doc


# ================================================================ the evaluation report
_points = gb_number


def figure_basis(fig: FigureValue) -> str:
    """What a figure counts, with its denominator (the same words as the evaluation page)."""
    n, d, extra = fig.numerator, fig.denominator, fig.extra or {}
    if fig.key == Figure.INDICATOR_ATTAINMENT:
        return _("%(n)s of %(d)s targets reached") % {"n": n, "d": d}
    if fig.key == Figure.WEEKLY_ON_TIME:
        return _("%(n)s of %(d)s weeks reported on time") % {"n": n, "d": d}
    if fig.key == Figure.INSTRUCTIONS_ON_TIME:
        return _("%(n)s of %(d)s instructions done on time") % {"n": n, "d": d}
    if fig.key == Figure.PROBLEMS_RESOLVED:
        text = _("%(n)s of %(d)s problems resolved") % {"n": n, "d": d}
        if extra.get("median_days"):
            text += _(", median %(m)s days") % {"m": extra["median_days"]}
        return text
    if fig.key == Figure.RESOLUTIONS_DONE:
        return _("%(n)s of %(d)s resolutions done (%(c)s consultations)") % {"n": n, "d": d, "c": extra.get("consultations", 0)}
    if fig.key == Figure.ACTIVITIES_HELD:
        return _("%(n)s held, %(d)s expected") % {"n": n, "d": d}
    if fig.key == Figure.MECHANISMS:
        return _("mean of %(n)s measured mechanism figures") % {"n": n}
    return ""


def figure_share(fig: FigureValue | None) -> str:
    if fig is None:
        return "—"
    return _("nothing to measure") if fig.share is None else f"{_points(fig.percent)}%"


def evaluation_filename(evaluation) -> str:
    return _("Efficacy evaluation report") + f"-{evaluation.branch.name}"


def evaluation_document(page: EvaluationPage) -> GbDocument:
    evaluation = page.evaluation
    branch = evaluation.branch
    doc = GbDocument(
        title=_("Efficacy evaluation report of %(branch)s") % {"branch": branch.name},
        subtitle=_("(%(start)s to %(end)s)") % {"start": gb_date(page.figures.period_start),
                                              "end": gb_date(page.figures.period_end)},
    )
    if not evaluation.is_final:
        doc.paragraph(_("The evaluation is still in progress: the figures are live and the result is not final."),
                      align="center")

    doc.heading(1, _("The branch under evaluation"))
    secretary = evaluation.secretary.name if evaluation.secretary else ""
    for label, value in (
        (_("Branch"), branch.name),
        (_("Batch"), str(branch.batch)),
        (_("Field"), branch.field.name),
        (_("Lead unit"), str(branch.lead_unit)),
        (_("Secretary"), secretary),
        (_("Rubric"), evaluation.rubric_name),
    ):
        doc.paragraph(value or "—", lead=f"{label}{colon()}")

    doc.heading(1, _("Evaluation result"))
    grade = evaluation.get_grade_display() if evaluation.grade else "—"
    doc.paragraph(_("Total %(total)s points, grade: %(grade)s.") % {"total": _points(evaluation.total), "grade": grade})
    if evaluation.vetoed:
        doc.paragraph(_("A veto item is triggered: the grade is Poor whatever the total."))
    doc.table(
        [_("Mean of the evaluators' totals"), _("Deductions"), _("Bonuses"), _("Veto"), _("Total"), _("Grade")],
        [[_points(evaluation.mean_score), f"−{_points(evaluation.deductions)}", f"+{_points(evaluation.bonuses)}",
          _("Yes") if evaluation.vetoed else _("No"), _points(evaluation.total), grade]],
        widths=[2.6, 1.4, 1.4, 1.2, 1.4, 1.4],
        align=["center"] * 6,
    )

    doc.heading(1, _("Criteria, objective figures and scores"))
    doc.table(
        [_("No."), _("Criterion"), _("Weight"), _("Objective figure"), _("Suggested"), _("Scores")],
        [
            [
                n, row.item.name, _points(row.item.points),
                f"{figure_share(row.figure)}\n{figure_basis(row.figure)}" if row.figure
                else _("No objective figure: judged by the evaluators"),
                _points(row.suggested),
                "\n".join(f"{card.evaluator.get_full_name()} {_points(score.score) if score else '—'}"
                          for card, score in row.scores) or "—",
            ]
            for n, row in enumerate(page.criteria, start=1)
        ],
        widths=[0.8, 3, 1, 3.2, 1.2, 2.4],
        align=["center", "left", "right", "left", "right", "left"],
    )

    doc.heading(1, _("All objective figures"))
    doc.table(
        [_("Figure"), _("Share"), _("Counted from")],
        [[fig.label, figure_share(fig), figure_basis(fig)] for fig in page.figures.ordered()],
        widths=[4, 1.4, 4],
        align=["left", "right", "left"],
    )

    doc.heading(1, _("Deductions, bonuses and veto items"))
    if page.adjustments:
        for adj in page.adjustments:
            sign = {RubricItemKind.DEDUCTION: "−", RubricItemKind.BONUS: "+"}.get(adj.item.kind)
            points = f"{sign}{_points(adj.points)}" if sign else ""
            who = adj.created_by.get_full_name() if adj.created_by else ""
            doc.paragraph(f"{adj.item.name} {points}".strip() + f"{colon()}{adj.reason}" + (_("(%(text)s)") % {"text": who} if who else ""),
                          lead=f"{adj.item.get_kind_display()} ")
    else:
        doc.paragraph(_("None recorded."))

    doc.heading(1, _("Evaluators"))
    if page.scorecards:
        doc.table(
            [_("Evaluator"), _("Total"), _("Comment")],
            [[card.evaluator.get_full_name(), _points(card.total), card.comment] for card in page.scorecards],
            widths=[2, 1.2, 6],
            align=["left", "right", "left"],
        )
    else:
        doc.paragraph(_("No evaluator has scored yet."))

    if evaluation.remarks.strip():
        doc.heading(1, _("Remarks of the organization department"))
        doc.paragraph(evaluation.remarks.strip())

    if evaluation.is_final and evaluation.finalized_at:
        org = evaluation.finalized_by.organization.name if evaluation.finalized_by and evaluation.finalized_by.organization else ""
        doc.signature(org, timezone.localdate(evaluation.finalized_at))
    return doc
