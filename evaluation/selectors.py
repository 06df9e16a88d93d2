"""Reads of the evaluation app. Every list, page and export starts from what the user may see:

* evaluations, rubrics and the priority list are the office's (department staff and leaders, in
  their jurisdiction: ``branches.selectors.visible_branches``); staff write, leaders only read;
* a branch's appraisals are seen by the office and by the branch's secretary (who writes the
  branch's assessment); a member sees their own appraisals only.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator

from branches.models import (
    BRANCH_COMPLETED_STATUSES,
    Activity,
    Branch,
    Membership,
    MembershipRole,
    OrganizationKind,
)
from branches.models import PATH_STEP as _PATH_STEP
from branches.selectors import (
    branches_of_secretary,
    can_write_jurisdiction,
    is_office_user,
    jurisdiction_path,
    managed_branches,
    visible_branches,
    visible_organizations,
)
from evaluation.figures import BranchFigures, branch_figures
from evaluation.models import (
    Adjustment,
    Appraisal,
    AppraisalGrade,
    AppraisalStatus,
    Evaluation,
    EvaluationGrade,
    EvaluationStatus,
    Rubric,
    RubricItemKind,
    Scorecard,
)
from evaluation.rules import activities_due, excellent_cap, life_days
from mechanisms.dispatch.models import INSTRUCTION_DONE_STATUSES
from mechanisms.models import Instruction, ProblemCase
from mechanisms.problems.models import PROBLEM_RESOLVED_STATUSES

# Branches evaluated: those that completed their task (concluded, then evaluated).
EVALUABLE_STATUSES = BRANCH_COMPLETED_STATUSES


# ================================================================ who may do what
def office_branches(user) -> QuerySet[Branch]:
    """Branches in the user's jurisdiction (department staff and leaders; nobody else)."""
    if not is_office_user(user):
        return Branch.objects.none()
    return visible_branches(user)


def evaluating_branches(user) -> QuerySet[Branch]:
    """Branches whose evaluation and appraisal grades the user may write: staff in their
    jurisdiction. Leaders read only."""
    return managed_branches(user)


def can_evaluate(user) -> bool:
    return can_write_jurisdiction(user) and is_office_user(user)


def visible_evaluations(user) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(branch__in=office_branches(user))


def editable_evaluations(user) -> QuerySet[Evaluation]:
    if not can_evaluate(user):
        return Evaluation.objects.none()
    return Evaluation.objects.filter(branch__in=evaluating_branches(user))


# ================================================================ rubrics
def ancestor_paths(path: str) -> list[str]:
    """The tree paths of a node and of every node above it."""
    step = _PATH_STEP + 1
    return [path[:i] for i in range(step, len(path) + 1, step)]


def visible_rubrics(user) -> QuerySet[Rubric]:
    """Rubrics of the user's jurisdiction and those set above it (a province's rubric is usable by
    its cities)."""
    path = jurisdiction_path(user)
    if path is None:
        return Rubric.objects.none()
    if path == "":
        return Rubric.objects.all()
    return Rubric.objects.filter(Q(organization__path__startswith=path) | Q(organization__path__in=ancestor_paths(path)))


def editable_rubrics(user) -> QuerySet[Rubric]:
    if not can_evaluate(user):
        return Rubric.objects.none()
    path = jurisdiction_path(user)
    return Rubric.objects.filter(organization__path__startswith=path or "")


def rubric_list(user) -> QuerySet[Rubric]:
    return (
        visible_rubrics(user)
        .select_related("organization")
        .annotate(
            criteria_count=Count("items", filter=Q(items__kind=RubricItemKind.CRITERION)),
            item_count=Count("items"),
            evaluation_count=Count("evaluations", distinct=True),
        )
        .order_by("organization__path", "name", "pk")
    )


def rubric_organizations(user):
    """Where a rubric may be set: the levels of the tree that run evaluations, in jurisdiction."""
    kinds = [OrganizationKind.PROVINCE, OrganizationKind.CITY, OrganizationKind.COUNTY]
    return visible_organizations(user).filter(kind__in=kinds).order_by("path")


def applicable_rubrics(branch: Branch) -> QuerySet[Rubric]:
    """Active rubrics set at the branch's supervising committee or above it, nearest first."""
    paths = ancestor_paths(branch.supervising_committee.path)
    return Rubric.objects.filter(is_active=True, organization__path__in=paths).order_by("-organization__path", "name")


# ================================================================ the evaluation list
EVALUATION_STATES = ("awaiting", "in_progress", "final")


def _secretary_name():
    return Subquery(
        Membership.objects.filter(branch=OuterRef("pk"), role=MembershipRole.SECRETARY)
        .order_by(Coalesce("left_on", Value(datetime.date.max)).desc(), "-joined_on")
        .values("person__name")[:1]
    )


def evaluation_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[Branch]:
    """Concluded and evaluated branches in jurisdiction with their evaluation (if any): awaiting
    evaluation, in progress, final. One query per page whatever its length."""
    filters = filters or {}
    qs = office_branches(user).filter(status__in=EVALUABLE_STATUSES)
    state = filters.get("state")
    if state == "awaiting":
        qs = qs.filter(evaluation__isnull=True)
    elif state == "in_progress":
        qs = qs.filter(evaluation__status=EvaluationStatus.IN_PROGRESS)
    elif state == "final":
        qs = qs.filter(evaluation__status=EvaluationStatus.FINAL)
    for key in ("batch", "field"):
        if filters.get(key) not in (None, ""):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("grade"):
        qs = qs.filter(evaluation__grade=filters["grade"])
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(lead_unit__name__icontains=search))
    scorecards = (
        Scorecard.objects.filter(evaluation__branch=OuterRef("pk")).order_by().values("evaluation")
        .annotate(n=Count("pk")).values("n")[:1]
    )
    return (
        qs.select_related("evaluation", "field", "lead_unit", "supervising_committee")
        .annotate(
            secretary_name=_secretary_name(),
            scorecard_count=Coalesce(Subquery(scorecards, output_field=IntegerField()), Value(0)),
            state_order=Case(
                When(evaluation__isnull=True, then=Value(1)),
                When(evaluation__status=EvaluationStatus.IN_PROGRESS, then=Value(0)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("state_order", "-concluded_on", "name", "pk")
    )


def evaluation_filter_choices(user) -> dict:
    visible = office_branches(user).filter(status__in=EVALUABLE_STATUSES)
    batches = sorted(set(visible.order_by().values_list("batch", flat=True).distinct()))
    return {"batches": batches}


# ================================================================ one evaluation
@dataclass
class CriterionRow:
    item: object
    figure: object  # FigureValue or None
    suggested: Decimal | None
    my_score: Decimal | None
    my_note: str
    scores: list  # (scorecard, score) of every evaluator


@dataclass
class EvaluationPage:
    evaluation: Evaluation
    figures: BranchFigures
    criteria: list
    deductions: list
    bonuses: list
    vetoes: list
    adjustments: list
    scorecards: list
    my_scorecard: Scorecard | None
    figures_frozen: bool


def evaluation_page(evaluation: Evaluation, *, user, today: datetime.date | None = None) -> EvaluationPage:
    """What the scoring page shows: each criterion with its objective figure and suggested score,
    the user's own scores, every evaluator's total and the adjustments. The figures are the frozen
    ones of a final evaluation, the live ones before."""
    items = list(evaluation.items.order_by("position", "id"))
    scorecards = list(evaluation.scorecards.select_related("evaluator").prefetch_related("scores").order_by("created_at", "id"))
    adjustments = list(
        Adjustment.objects.filter(evaluation=evaluation).select_related("item", "created_by").order_by("item__position", "id")
    )
    frozen = evaluation.is_final and bool(evaluation.figures)
    figures = BranchFigures.from_json(evaluation.figures) if frozen else branch_figures(evaluation.branch, today=today)
    mine = next((s for s in scorecards if s.evaluator_id == user.pk), None)
    mine_scores = {s.item_id: s for s in mine.scores.all()} if mine else {}
    criteria = []
    for item in items:
        if item.kind != RubricItemKind.CRITERION:
            continue
        figure = figures.get(item.figure)
        criteria.append(
            CriterionRow(
                item=item,
                figure=figure,
                suggested=figure.suggested_score(item.points) if figure else None,
                my_score=mine_scores[item.pk].score if item.pk in mine_scores else None,
                my_note=mine_scores[item.pk].note if item.pk in mine_scores else "",
                scores=[(card, next((s for s in card.scores.all() if s.item_id == item.pk), None)) for card in scorecards],
            )
        )
    return EvaluationPage(
        evaluation=evaluation,
        figures=figures,
        criteria=criteria,
        deductions=[i for i in items if i.kind == RubricItemKind.DEDUCTION],
        bonuses=[i for i in items if i.kind == RubricItemKind.BONUS],
        vetoes=[i for i in items if i.kind == RubricItemKind.VETO],
        adjustments=adjustments,
        scorecards=scorecards,
        my_scorecard=mine,
        figures_frozen=frozen,
    )


def last_secretary(branch: Branch) -> Membership | None:
    """The branch's secretary: the serving one, else the one who left last."""
    return (
        Membership.objects.filter(branch=branch, role=MembershipRole.SECRETARY)
        .select_related("person")
        .order_by(Coalesce("left_on", Value(datetime.date.max)).desc(), "-joined_on")
        .first()
    )


# ================================================================ appraisals
def appraisal_branches(user) -> QuerySet[Branch]:
    """Branches whose appraisal list the user may open: the office's, and the secretary's own."""
    if not user.is_authenticated:
        return Branch.objects.none()
    rules = Q(pk__in=branches_of_secretary(user).values("pk"))
    if is_office_user(user):
        rules |= Q(pk__in=visible_branches(user).values("pk"))
    return Branch.objects.filter(rules, status__in=EVALUABLE_STATUSES)


def visible_appraisals(user) -> QuerySet[Appraisal]:
    if not user.is_authenticated:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(Q(branch__in=appraisal_branches(user)) | Q(person__user=user))


def secretary_appraisals(user) -> QuerySet[Appraisal]:
    """Appraisals whose branch assessment the user writes: they are the branch's secretary."""
    return Appraisal.objects.filter(branch__in=branches_of_secretary(user))


def gradable_appraisals(user) -> QuerySet[Appraisal]:
    """Appraisals the user grades and finalizes: department staff in jurisdiction."""
    if not can_evaluate(user):
        return Appraisal.objects.none()
    return Appraisal.objects.filter(branch__in=evaluating_branches(user))


def own_appraisals(user) -> QuerySet[Appraisal]:
    if not user.is_authenticated:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(person__user=user)


def self_assessments_to_write(user) -> QuerySet[Appraisal]:
    """The user's open appraisals whose self-assessment is still blank (their home points to them)."""
    return own_appraisals(user).filter(status=AppraisalStatus.OPEN, self_assessment="").select_related("branch")


def _role_order():
    return Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(MembershipRole.values)],
        default=Value(99),
        output_field=IntegerField(),
    )


def appraisal_list(branch: Branch) -> QuerySet[Appraisal]:
    return (
        Appraisal.objects.filter(branch=branch)
        .select_related("person", "person__work_unit")
        .annotate(role_order=_role_order())
        .order_by("role_order", "person__name", "pk")
    )


@dataclass
class ExcellentQuota:
    graded: int
    cap: int
    used: int

    @property
    def left(self) -> int:
        return max(0, self.cap - self.used)


def excellent_quota(appraisals) -> ExcellentQuota:

    graded = sum(1 for a in appraisals if a.is_graded)
    used = sum(1 for a in appraisals if a.grade == AppraisalGrade.EXCELLENT)
    return ExcellentQuota(graded, excellent_cap(graded), used)


def my_appraisals(user) -> QuerySet[Appraisal]:
    return own_appraisals(user).select_related("branch", "person").order_by("-served_from", "pk")


@dataclass
class MemberRecord:
    roles: list
    commitments: list
    activities: list  # titles of those they took part in
    branch_activities: int = 0  # the branch's activities held while they served
    activities_due: int = 0  # due in proportion to their service (evaluation.rules.activities_due)
    instructions: int = 0
    instructions_on_time: int = 0
    problems: int = 0
    problems_resolved: int = 0


def member_record(appraisal: Appraisal) -> MemberRecord:
    """What the person did in the branch, from the records: roles held, commitments, activities
    joined, the instructions assigned to their login and the problems they raised."""
    person, branch = appraisal.person, appraisal.branch
    memberships = list(Membership.objects.filter(branch=branch, person=person).order_by("joined_on", "pk"))
    roles = []
    for m in memberships:
        if m.role not in roles:
            roles.append(m.role)
    if not roles:
        roles = [appraisal.role]
    commitments = [m.commitment.strip() for m in memberships if m.commitment.strip()]
    activities = list(
        Activity.objects.filter(branch=branch, participants=person).order_by("held_on", "pk").values_list("title", flat=True)
    )
    served_to = appraisal.served_to or branch.concluded_on or timezone.localdate()
    held = Activity.objects.filter(branch=branch, held_on__gte=appraisal.served_from, held_on__lte=served_to).count()
    record = MemberRecord(
        roles=roles, commitments=commitments, activities=activities, branch_activities=held,
        activities_due=activities_due(life_days(appraisal.served_from, served_to)),
    )
    if person.user_id:
        rows = Instruction.objects.filter(branch=branch, assignee_user_id=person.user_id).values_list(
            "status", "deadline", "done_at"
        )
        for status, deadline, done_at in rows:
            record.instructions += 1
            if status in INSTRUCTION_DONE_STATUSES and done_at and timezone.localdate(done_at) <= deadline:
                record.instructions_on_time += 1
    raised = Q(raised_by_person=person)
    if person.user_id:
        raised |= Q(created_by_id=person.user_id)
    for (status,) in ProblemCase.objects.filter(raised, branch=branch).values_list("status"):
        record.problems += 1
        if status in PROBLEM_RESOLVED_STATUSES:
            record.problems_resolved += 1
    return record


# ================================================================ the priority list
@dataclass
class PriorityEntry:
    person: object
    branch: object
    is_secretary: bool = False
    is_excellent_member: bool = False
    evaluation: Evaluation | None = None
    appraisal: Appraisal | None = None
    finalized_at: datetime.datetime | None = None
    reasons: list = field(default_factory=list)

    @property
    def role_label(self) -> str:
        if self.appraisal is not None:
            return self.appraisal.get_role_display()
        return str(MembershipRole.SECRETARY.label)

    @property
    def conclusion(self) -> str:
        if self.appraisal is not None and self.appraisal.conclusion:
            return self.appraisal.conclusion
        return self.evaluation.remarks if self.evaluation else ""

    @property
    def excerpt(self) -> str:
        return Truncator(" ".join(self.conclusion.split())).chars(80)


def _period(qs, column: str, filters: dict):
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        start = datetime.datetime.combine(filters["date_from"], datetime.time.min, tzinfo=tz)
        qs = qs.filter(**{f"{column}__gte": start})
    if filters.get("date_to"):
        end = datetime.datetime.combine(filters["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        qs = qs.filter(**{f"{column}__lt": end})
    return qs


def priority_list(*, user, filters: dict | None = None) -> list[PriorityEntry]:
    """优先考虑名单: secretaries of branches graded Excellent (final evaluations) and members
    appraised Excellent (final appraisals), one row per person and branch with the evidence.
    Three queries whatever the length."""
    filters = filters or {}
    branches = office_branches(user)
    if filters.get("batch") not in (None, ""):
        branches = branches.filter(batch=filters["batch"])
    kind = filters.get("kind") or ""
    evaluations = Evaluation.objects.none()
    if kind in ("", "secretary"):
        evaluations = _period(
            Evaluation.objects.filter(
                branch__in=branches, status=EvaluationStatus.FINAL, grade=EvaluationGrade.EXCELLENT, secretary__isnull=False
            ),
            "finalized_at",
            filters,
        ).select_related("branch", "secretary", "secretary__work_unit")
    appraisals = Appraisal.objects.none()
    if kind in ("", "member"):
        appraisals = _period(
            Appraisal.objects.filter(branch__in=branches, status=AppraisalStatus.FINAL, grade=AppraisalGrade.EXCELLENT),
            "finalized_at",
            filters,
        ).select_related("branch", "branch__evaluation", "person", "person__work_unit")
    entries: dict[tuple[int, int], PriorityEntry] = {}
    evaluations = list(evaluations)
    for ev in evaluations:
        entries[(ev.secretary_id, ev.branch_id)] = PriorityEntry(
            person=ev.secretary, branch=ev.branch, is_secretary=True, evaluation=ev, finalized_at=ev.finalized_at
        )
    for ap in appraisals:
        key = (ap.person_id, ap.branch_id)
        entry = entries.get(key)
        if entry is None:
            evaluation = getattr(ap.branch, "evaluation", None)
            entry = entries[key] = PriorityEntry(
                person=ap.person, branch=ap.branch, evaluation=evaluation, finalized_at=ap.finalized_at
            )
        entry.is_excellent_member = True
        entry.appraisal = ap
        entry.finalized_at = max(entry.finalized_at, ap.finalized_at) if entry.finalized_at else ap.finalized_at
    # The secretaries' own appraisals, for their conclusion and grade (one query for all).
    missing = [(ev.secretary_id, ev.branch_id) for ev in evaluations if entries[(ev.secretary_id, ev.branch_id)].appraisal is None]
    if missing:
        q = Q()
        for person_id, branch_id in missing:
            q |= Q(person_id=person_id, branch_id=branch_id)
        for ap in Appraisal.objects.filter(q):
            entries[(ap.person_id, ap.branch_id)].appraisal = ap
    search = (filters.get("q") or "").strip()
    rows = [
        e for e in entries.values()
        if not search or search in e.person.name or search in e.branch.name
    ]
    rows.sort(key=lambda e: (e.branch.batch, e.branch.name, not e.is_secretary, e.person.name))
    return rows
