"""Writes of the evaluation app: rubrics, the efficacy evaluation of a concluded branch and the
Party-spirit appraisal of its members.

Every function is keyword-only and atomic, records who acted (simple-history's history_user and
change reason) and raises ``ValidationError`` / ``TransitionError`` with a translated message
when a rule refuses the change. The arithmetic (``evaluation_result``, ``grade_for``,
``excellent_cap``) is plain functions so tests can call it without a database.

The rules, in one place:

* a rubric's criteria weigh 100 points together, exactly;
* an evaluator's total is the sum of their criterion scores (each between 0 and its weight);
* the evaluation's total = mean of the evaluators' totals − deductions + bonuses, clamped to
  0…100; each deduction or bonus item counts at most its own points however often it is applied;
* a triggered veto item (一票否决) makes the grade 较差 whatever the total;
* at most ``EXCELLENT_APPRAISAL_SHARE`` of a branch's graded members are appraised 优秀, rounded
  down; probationary members are appraised but not graded;
* final evaluations and appraisals are locked (and the model refuses to change them too).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import BRANCH_COMPLETED_STATUSES, Branch, BranchStatus, Membership, MembershipRole
from branches.services import branch_transition
from core.history import stamp_history
from core.workflow import TransitionError, ensure_transition
from evaluation import selectors
from evaluation.figures import branch_figures
from evaluation.models import (
    APPRAISAL_TRANSITIONS,
    EVALUATION_TRANSITIONS,
    Adjustment,
    Appraisal,
    AppraisalGrade,
    AppraisalStatus,
    Evaluation,
    EvaluationItem,
    EvaluationStatus,
    Rubric,
    RubricItem,
    RubricItemKind,
    Score,
    Scorecard,
)
from evaluation.rules import EvaluationResult, evaluation_result, excellent_cap, excellent_share

CRITERIA_TOTAL = 100
# Branches whose members are appraised: the work is over.
APPRAISABLE_STATUSES = BRANCH_COMPLETED_STATUSES


def _default_language():
    """Text written into records (a drafted conclusion) is in the department's language, not in
    the language of whoever happened to click."""
    from django.conf import settings

    return translation.override(settings.LANGUAGE_CODE)


# ================================================================ rubrics
@dataclass
class ItemData:
    kind: str
    name: str
    points: int = 0
    figure: str = ""
    description: str = ""
    id: int | None = None


def validate_rubric_items(items: list[ItemData]) -> None:
    """Refuse a set of items that does not make a rubric (weights must sum to 100)."""
    errors = []
    criteria = [i for i in items if i.kind == RubricItemKind.CRITERION]
    if not criteria:
        errors.append(ValidationError(_("A rubric needs at least one criterion."), code="no_criteria"))
    weight = sum(int(i.points or 0) for i in criteria)
    if criteria and weight != CRITERIA_TOTAL:
        errors.append(
            ValidationError(
                _("The criteria's weights add up to %(sum)s; they must add up to exactly 100.") % {"sum": weight},
                code="weights_sum",
            )
        )
    names = [i.name.strip() for i in items]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.append(
            ValidationError(_("Item names must differ: %(names)s.") % {"names": "、".join(duplicates)}, code="duplicate")
        )
    for item in items:
        if not item.name.strip():
            errors.append(ValidationError(_("Every item needs a name."), code="name"))
        if item.kind != RubricItemKind.CRITERION and item.figure:
            errors.append(
                ValidationError(_("“%(name)s”: only a criterion maps to a figure.") % {"name": item.name}, code="figure")
            )
        if item.kind == RubricItemKind.VETO:
            continue
        if not item.points or int(item.points) < 1:
            errors.append(
                ValidationError(_("“%(name)s” needs at least 1 point.") % {"name": item.name}, code="points")
            )
    if errors:
        raise ValidationError(errors)


def _save_items(rubric: Rubric, items: list[ItemData], *, by):
    existing = {i.pk: i for i in rubric.items.all()}
    keep = {data.id for data in items if data.id in existing}
    for pk, row in existing.items():
        if pk not in keep:
            stamp_history(row, by=by, reason=_("Removed from the rubric"))
            row.delete()
    # Names are unique per rubric: park the kept rows' names first so that swapping two names saves.
    for pk in keep:
        RubricItem.objects.filter(pk=pk).update(name=f"~{pk}")
    for position, data in enumerate(items, start=1):
        row = existing.get(data.id) if data.id else None
        row = row or RubricItem(rubric=rubric)
        row.kind = data.kind
        row.name = data.name.strip()
        row.description = (data.description or "").strip()
        row.points = 0 if data.kind == RubricItemKind.VETO else int(data.points)
        row.figure = data.figure if data.kind == RubricItemKind.CRITERION else ""
        row.position = position
        stamp_history(row, by=by)
        row.save()


@transaction.atomic
def rubric_create(*, organization, name: str, items: list[ItemData], by, description: str = "") -> Rubric:
    validate_rubric_items(items)
    rubric = Rubric(organization=organization, name=name.strip(), description=description.strip(), created_by=by)
    rubric.full_clean()
    stamp_history(rubric, by=by)
    rubric.save()
    _save_items(rubric, items, by=by)
    return rubric


@transaction.atomic
def rubric_update(
    *, rubric: Rubric, name: str, items: list[ItemData], by, description: str = "", is_active: bool = True
) -> Rubric:
    """Rename the rubric and replace its items. Evaluations already started keep their copy."""
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    validate_rubric_items(items)
    rubric.name = name.strip()
    rubric.description = description.strip()
    rubric.is_active = is_active
    rubric.full_clean()
    stamp_history(rubric, by=by)
    rubric.save()
    _save_items(rubric, items, by=by)
    return rubric


# ================================================================ evaluations
def _locked_evaluation(evaluation: Evaluation) -> Evaluation:
    evaluation = Evaluation.objects.select_for_update().select_related("branch").get(pk=evaluation.pk)
    if evaluation.is_final:
        raise TransitionError(_("This evaluation is final and can no longer be changed."), code="final")
    return evaluation


@transaction.atomic
def evaluation_start(*, branch: Branch, rubric: Rubric, by) -> Evaluation:
    """Start the evaluation of a concluded branch with a copy of ``rubric``'s items; the
    appraisals of its members are opened at the same time."""
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    if branch.status != BranchStatus.CONCLUDED:
        raise TransitionError(
            _("Only a concluded branch can be evaluated; this one is %(status)s.")
            % {"status": BranchStatus(branch.status).label},
            code="not_concluded",
        )
    if Evaluation.objects.filter(branch=branch).exists():
        raise TransitionError(_("This branch's evaluation has already started."), code="exists")
    if not selectors.applicable_rubrics(branch).filter(pk=rubric.pk).exists():
        raise ValidationError(_("This rubric does not apply to this branch."), code="rubric")
    items = list(rubric.items.all())
    validate_rubric_items([ItemData(i.kind, i.name, i.points, i.figure) for i in items])
    evaluation = Evaluation(branch=branch, rubric=rubric, rubric_name=rubric.name, created_by=by)
    stamp_history(evaluation, by=by, reason=_("Evaluation started"))
    evaluation.save()
    for item in items:
        copy = EvaluationItem(
            evaluation=evaluation, kind=item.kind, name=item.name, description=item.description,
            points=item.points, figure=item.figure, position=item.position,
        )
        stamp_history(copy, by=by)
        copy.save()
    appraisals_open(branch=branch, by=by)
    return evaluation


def _criteria(evaluation: Evaluation) -> list[EvaluationItem]:
    return list(evaluation.items.filter(kind=RubricItemKind.CRITERION).order_by("position", "id"))


@transaction.atomic
def scorecard_save(*, evaluation: Evaluation, by, scores: dict, notes: dict | None = None, comment: str = "") -> Scorecard:
    """Save ``by``'s own scores: one per criterion, each between 0 and the criterion's weight."""
    evaluation = _locked_evaluation(evaluation)
    notes = notes or {}
    errors = {}
    clean = {}
    for item in _criteria(evaluation):
        value = scores.get(item.pk)
        if value in (None, ""):
            errors[item.pk] = _("Score “%(name)s”.") % {"name": item.name}
            continue
        value = Decimal(value)
        if value < 0 or value > item.points:
            errors[item.pk] = _("“%(name)s” takes 0 to %(max)s points.") % {"name": item.name, "max": item.points}
            continue
        clean[item.pk] = (item, value)
    if errors:
        raise ValidationError({str(pk): [message] for pk, message in errors.items()})
    scorecard, _created = Scorecard.objects.get_or_create(evaluation=evaluation, evaluator=by)
    existing = {s.item_id: s for s in scorecard.scores.all()}
    for pk, (item, value) in clean.items():
        score = existing.get(pk) or Score(scorecard=scorecard, item=item)
        score.score = value
        score.note = (notes.get(pk) or "").strip()[:200]
        stamp_history(score, by=by)
        score.save()
    scorecard.total = sum((value for _item, value in clean.values()), Decimal(0))
    scorecard.comment = comment.strip()
    stamp_history(scorecard, by=by, reason=_("Scored"))
    scorecard.save()
    _recompute(evaluation, by=by)
    return scorecard


def _adjustment_sums(evaluation: Evaluation) -> tuple[Decimal, Decimal, bool]:
    """Deductions and bonuses (each item capped at its own points) and whether a veto applies."""
    per_item = defaultdict(Decimal)
    items = {}
    vetoed = False
    for adj in evaluation.adjustments.select_related("item"):
        items[adj.item_id] = adj.item
        per_item[adj.item_id] += adj.points
        vetoed = vetoed or adj.item.kind == RubricItemKind.VETO
    deductions = sum(
        (min(v, items[k].points) for k, v in per_item.items() if items[k].kind == RubricItemKind.DEDUCTION), Decimal(0)
    )
    bonuses = sum(
        (min(v, items[k].points) for k, v in per_item.items() if items[k].kind == RubricItemKind.BONUS), Decimal(0)
    )
    return deductions, bonuses, vetoed


def _recompute(evaluation: Evaluation, *, by) -> EvaluationResult:
    totals = list(evaluation.scorecards.values_list("total", flat=True))
    deductions, bonuses, vetoed = _adjustment_sums(evaluation)
    result = evaluation_result(totals=totals, deductions=deductions, bonuses=bonuses, vetoed=vetoed)
    evaluation.mean_score = result.mean
    evaluation.deductions = result.deductions
    evaluation.bonuses = result.bonuses
    evaluation.vetoed = result.vetoed
    evaluation.total = result.total
    evaluation.grade = result.grade
    stamp_history(evaluation, by=by)
    evaluation.save()
    return result


@transaction.atomic
def adjustment_add(*, evaluation: Evaluation, item: EvaluationItem, by, points=0, reason: str = "") -> Adjustment:
    """Apply a deduction or bonus (up to the item's points) or record a triggered veto item."""
    evaluation = _locked_evaluation(evaluation)
    if item.evaluation_id != evaluation.pk or item.kind == RubricItemKind.CRITERION:
        raise ValidationError(_("Choose a deduction, bonus or veto item of this evaluation."), code="item")
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason and the evidence.")]})
    points = Decimal(points or 0)
    if item.kind == RubricItemKind.VETO:
        points = Decimal(0)
    elif points <= 0 or points > item.points:
        raise ValidationError(
            {"points": [_("“%(name)s” takes more than 0 and at most %(max)s points.") % {"name": item.name, "max": item.points}]}
        )
    adjustment = Adjustment(evaluation=evaluation, item=item, points=points, reason=reason.strip(), created_by=by)
    stamp_history(adjustment, by=by)
    adjustment.save()
    _recompute(evaluation, by=by)
    return adjustment


@transaction.atomic
def adjustment_remove(*, adjustment: Adjustment, by) -> None:
    evaluation = _locked_evaluation(adjustment.evaluation)
    stamp_history(adjustment, by=by, reason=_("Removed"))
    adjustment.delete()
    _recompute(evaluation, by=by)


@transaction.atomic
def evaluation_finalize(*, evaluation: Evaluation, by, remarks: str = "") -> Evaluation:
    """Lock the evaluation with its result and frozen figures; the branch becomes evaluated."""
    evaluation = Evaluation.objects.select_for_update().select_related("branch").get(pk=evaluation.pk)
    ensure_transition(EVALUATION_TRANSITIONS, EvaluationStatus, evaluation.status, EvaluationStatus.FINAL)
    if not evaluation.scorecards.exists():
        raise TransitionError(_("No evaluator has scored this branch yet."), code="no_scores")
    _recompute(evaluation, by=by)
    secretary = selectors.last_secretary(evaluation.branch)
    evaluation.figures = branch_figures(evaluation.branch).as_json()
    evaluation.secretary = secretary.person if secretary else None
    evaluation.remarks = remarks.strip() or evaluation.remarks
    evaluation.status = EvaluationStatus.FINAL
    evaluation.finalized_at = timezone.now()
    evaluation.finalized_by = by
    stamp_history(evaluation, by=by, reason=_("Finalized"))
    evaluation.save()
    branch_transition(
        branch=evaluation.branch, to=BranchStatus.EVALUATED, by=by, reason=_("Evaluation finalized"), by_evaluation=True
    )
    return evaluation


# ================================================================ appraisals
ROLE_ORDER = {role: i for i, role in enumerate(MembershipRole.values)}


def draft_conclusion(appraisal: Appraisal) -> str:
    """A conclusion drafted from the member's record, for the department to edit."""
    record = selectors.member_record(appraisal)
    with _default_language():
        lines = [
            _("%(name)s served in %(branch)s as %(roles)s from %(start)s to %(end)s.")
            % {
                "name": appraisal.person.name,
                "branch": appraisal.branch.name,
                "roles": "、".join(str(MembershipRole(r).label) for r in record.roles),
                "start": appraisal.served_from.isoformat(),
                "end": appraisal.served_to.isoformat() if appraisal.served_to else _("the end of the task"),
            }
        ]
        for commitment in record.commitments:
            lines.append(_("Public commitment: “%(text)s”.") % {"text": commitment})
        if record.activities:
            lines.append(
                _("Took part in %(n)s Party-life activities: %(titles)s.")
                % {"n": len(record.activities), "titles": "、".join(record.activities)}
            )
        elif record.branch_activities:
            lines.append(
                _("The branch held %(n)s Party-life activities during their service; none records them as a participant.")
                % {"n": record.branch_activities}
            )
        elif record.activities_due:
            lines.append(
                _("The branch held no Party-life activity during their service, though %(n)s were due.")
                % {"n": record.activities_due}
            )
        else:
            lines.append(_("No Party-life activity was due during their service."))
        if record.instructions:
            lines.append(
                _("Carried %(n)s dispatch instructions, %(on_time)s of them done on time.")
                % {"n": record.instructions, "on_time": record.instructions_on_time}
            )
        if record.problems:
            lines.append(
                _("Raised %(n)s problems, %(resolved)s of them resolved.")
                % {"n": record.problems, "resolved": record.problems_resolved}
            )
    return "\n".join(lines)


@transaction.atomic
def appraisals_open(*, branch: Branch, by) -> int:
    """Open an appraisal for everyone who served in ``branch`` (once the work is over); returns
    how many were new. Running it again adds only people not yet appraised."""
    if branch.status not in APPRAISABLE_STATUSES:
        raise TransitionError(_("Members are appraised when the branch's work is over."), code="not_ended")
    existing = set(Appraisal.objects.filter(branch=branch).values_list("person_id", flat=True))
    served = defaultdict(list)
    for membership in Membership.objects.filter(branch=branch).select_related("person"):
        served[membership.person_id].append(membership)
    created = 0
    for person_id, memberships in served.items():
        if person_id in existing:
            continue
        person = memberships[0].person
        role = min((m.role for m in memberships), key=lambda r: ROLE_ORDER.get(r, 99))
        ends = [m.left_on or branch.concluded_on for m in memberships]
        appraisal = Appraisal(
            branch=branch,
            person=person,
            role=role,
            served_from=min(m.joined_on for m in memberships),
            served_to=None if None in ends else max(ends),
            is_graded=not person.is_probationary,
        )
        appraisal.conclusion = draft_conclusion(appraisal)
        stamp_history(appraisal, by=by, reason=_("Appraisal opened"))
        appraisal.save()
        created += 1
    return created


def _locked_appraisal(appraisal: Appraisal) -> Appraisal:
    appraisal = Appraisal.objects.select_for_update().select_related("branch", "person").get(pk=appraisal.pk)
    if appraisal.is_final:
        raise TransitionError(_("This appraisal is final and can no longer be changed."), code="final")
    return appraisal


@transaction.atomic
def appraisal_self_assess(*, appraisal: Appraisal, text: str, by) -> Appraisal:
    """The member writes their own self-assessment."""
    appraisal = _locked_appraisal(appraisal)
    if appraisal.person.user_id is None or appraisal.person.user_id != by.pk:
        raise ValidationError(_("Only the member themselves writes the self-assessment."), code="not_self")
    if not text.strip():
        raise ValidationError({"self_assessment": [_("Write your self-assessment.")]})
    appraisal.self_assessment = text.strip()
    appraisal.self_assessed_at = timezone.now()
    stamp_history(appraisal, by=by, reason=_("Self-assessment"))
    appraisal.save()
    return appraisal


@transaction.atomic
def appraisal_branch_assess(*, appraisal: Appraisal, text: str, by) -> Appraisal:
    """The branch's assessment, written by its secretary."""
    appraisal = _locked_appraisal(appraisal)
    if not text.strip():
        raise ValidationError({"branch_assessment": [_("Write the branch's assessment.")]})
    appraisal.branch_assessment = text.strip()
    appraisal.branch_assessed_at = timezone.now()
    appraisal.branch_assessed_by = by
    stamp_history(appraisal, by=by, reason=_("Branch assessment"))
    appraisal.save()
    return appraisal


def check_excellent_cap(appraisal: Appraisal) -> None:
    """Refuse one more Excellent in ``appraisal``'s branch beyond the cap (locks the branch's rows)."""
    rows = list(
        Appraisal.objects.select_for_update().filter(branch_id=appraisal.branch_id).values_list("pk", "is_graded", "grade")
    )
    graded = sum(1 for _pk, is_graded, _grade in rows if is_graded)
    others = sum(1 for pk, _g, grade in rows if pk != appraisal.pk and grade == AppraisalGrade.EXCELLENT)
    cap = excellent_cap(graded)
    if others + 1 > cap:
        raise ValidationError(
            {
                "grade": [
                    _(
                        "At most %(cap)s of this branch's %(graded)s graded members may be appraised Excellent "
                        "(%(share)s, rounded down); %(others)s already are."
                    )
                    % {"cap": cap, "graded": graded, "share": str(excellent_share()), "others": others}
                ]
            },
            code="excellent_cap",
        )


@transaction.atomic
def appraisal_grade(*, appraisal: Appraisal, grade: str, conclusion: str, by) -> Appraisal:
    """The department's grade and written conclusion (the 优秀 share is enforced here)."""
    appraisal = _locked_appraisal(appraisal)
    if grade and grade not in AppraisalGrade.values:
        raise ValidationError({"grade": [_("Choose a grade.")]})
    if not appraisal.is_graded and grade:
        raise ValidationError({"grade": [_("Probationary members take part but are not graded.")]})
    if appraisal.is_graded and not grade:
        raise ValidationError({"grade": [_("Choose a grade.")]})
    if not conclusion.strip():
        raise ValidationError({"conclusion": [_("Write the conclusion.")]})
    if grade == AppraisalGrade.EXCELLENT:
        check_excellent_cap(appraisal)
    appraisal.grade = grade or ""
    appraisal.conclusion = conclusion.strip()
    appraisal.graded_at = timezone.now()
    appraisal.graded_by = by
    stamp_history(appraisal, by=by, reason=_("Graded"))
    appraisal.save()
    return appraisal


def appraisal_blockers(appraisal: Appraisal) -> list[str]:
    """Why ``appraisal`` cannot be finalized yet (the model's rule: Appraisal.finalize_blockers)."""
    return appraisal.finalize_blockers()


@transaction.atomic
def appraisal_self_assessment_waive(*, appraisal: Appraisal, reason: str, by) -> Appraisal:
    """Record that the member did not fill in their self-assessment (本人未填写): who, when and
    why, so that the appraisal can be finalized without it. Department staff only (the view
    checks who may grade); refused once the member has written one."""
    appraisal = _locked_appraisal(appraisal)
    if appraisal.has_self_assessment:
        raise ValidationError(_("The member has written their self-assessment."), code="written")
    if appraisal.self_assessment_waived:
        raise ValidationError(_("It is already recorded that the member did not fill it in."), code="waived")
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the member did not fill it in.")]})
    appraisal.self_assessment_waived_at = timezone.now()
    appraisal.self_assessment_waived_by = by
    appraisal.self_assessment_waiver_reason = reason.strip()
    stamp_history(appraisal, by=by, reason=_("Recorded: self-assessment not filled in"))
    appraisal.save()
    return appraisal


@transaction.atomic
def appraisal_finalize(*, appraisal: Appraisal, by) -> Appraisal:
    appraisal = Appraisal.objects.select_for_update().select_related("branch", "person").get(pk=appraisal.pk)
    ensure_transition(APPRAISAL_TRANSITIONS, AppraisalStatus, appraisal.status, AppraisalStatus.FINAL)
    problems = appraisal_blockers(appraisal)
    if problems:
        raise TransitionError(problems, code="incomplete")
    if appraisal.grade == AppraisalGrade.EXCELLENT:
        check_excellent_cap(appraisal)
    appraisal.status = AppraisalStatus.FINAL
    appraisal.finalized_at = timezone.now()
    appraisal.finalized_by = by
    stamp_history(appraisal, by=by, reason=_("Finalized"))
    appraisal.save()
    return appraisal


@dataclass(frozen=True)
class SkippedAppraisal:
    appraisal: Appraisal
    reasons: list


@transaction.atomic
def appraisals_finalize_ready(*, branch: Branch, by) -> tuple[list[Appraisal], list[SkippedAppraisal]]:
    """Finalize every open appraisal of ``branch`` that is complete (Appraisal.finalize_blockers,
    the 优秀 cap); returns (finalized, skipped with why) — the others stay open, untouched."""
    done, skipped = [], []
    rows = Appraisal.objects.filter(branch=branch, status=AppraisalStatus.OPEN).select_related("person")
    for appraisal in rows.order_by("person__name", "pk"):
        problems = appraisal_blockers(appraisal)
        if not problems:
            try:
                with transaction.atomic():
                    done.append(appraisal_finalize(appraisal=appraisal, by=by))
                continue
            except ValidationError as error:
                problems = error.messages
        skipped.append(SkippedAppraisal(appraisal, problems))
    return done, skipped
