"""The "how well" at the end of a branch's life (DESIGN §1, §3): the efficacy evaluation (效能评估)
of a concluded branch against an editable rubric, and the Party-spirit appraisal (党性鉴定) of each
member. Both are locked once final: the rows refuse a save that changes them, whoever calls save()
(services, the admin, a shell)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, MembershipRole, Organization, Person
from core.history import HistoricalRecords
from core.models import OwnedModel, TimeStampedModel


class LockedError(ValidationError):
    """A change to a finalized evaluation or appraisal (or a part of one)."""


class RubricItemKind(models.TextChoices):
    CRITERION = "criterion", _("Criterion")
    DEDUCTION = "deduction", _("Deduction")
    BONUS = "bonus", _("Bonus")
    VETO = "veto", _("Veto item")


class Figure(models.TextChoices):
    """The objective figures computed from a branch's records (evaluation.figures)."""

    INDICATOR_ATTAINMENT = "indicator_attainment", _("Indicator attainment")
    MECHANISMS = "mechanisms", _("Mechanism operation (mean of the four mechanism figures)")
    WEEKLY_ON_TIME = "weekly_on_time", _("Weekly reports on time")
    INSTRUCTIONS_ON_TIME = "instructions_on_time", _("Instructions done on time")
    PROBLEMS_RESOLVED = "problems_resolved", _("Problems resolved")
    RESOLUTIONS_DONE = "resolutions_done", _("Consultation resolutions done")
    ACTIVITIES_HELD = "activities_held", _("Party-life activities held")


class Rubric(OwnedModel):
    """A department's scoring scheme. Evaluations copy its items when they start, so editing a
    rubric never changes an evaluation already under way or final."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("owning organization"),
        on_delete=models.PROTECT,
        related_name="rubrics",
        help_text=_("Branches under this node may be evaluated with this rubric."),
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation rubric")
        verbose_name_plural = _("evaluation rubrics")
        ordering = ["organization__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="rubric_unique_name_per_organization",
                violation_error_message=_("This organization already has a rubric with this name."),
            ),
        ]

    def __str__(self):
        return self.name


class ItemBase(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=RubricItemKind.choices, default=RubricItemKind.CRITERION)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    points = models.PositiveSmallIntegerField(
        _("points"),
        default=0,
        help_text=_("A criterion's weight; the most points a deduction or bonus can take; 0 for a veto item."),
    )
    figure = models.CharField(
        _("objective figure"),
        max_length=30,
        choices=Figure.choices,
        blank=True,
        help_text=_("The figure shown beside the criterion; its suggested score is weight × figure."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def is_criterion(self) -> bool:
        return self.kind == RubricItemKind.CRITERION


def _item_constraints(prefix: str):
    return [
        models.CheckConstraint(
            condition=Q(kind="criterion") | Q(figure=""),
            name=f"{prefix}_figure_only_on_criteria",
            violation_error_message=_("Only a criterion maps to an objective figure."),
        ),
        models.CheckConstraint(
            condition=Q(kind="veto", points=0) | (~Q(kind="veto") & Q(points__gte=1)),
            name=f"{prefix}_points_by_kind",
            violation_error_message=_("A veto item has no points; every other item needs at least 1."),
        ),
    ]


class RubricItem(ItemBase):
    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="items")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")
        ordering = ["rubric", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "name"],
                name="rubric_item_unique_name",
                violation_error_message=_("This rubric already has an item with this name."),
            ),
            *_item_constraints("rubric_item"),
        ]


class EvaluationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    FINAL = "final", _("Final")


# The one transition table of an evaluation: scored while in progress, then final for good.
EVALUATION_TRANSITIONS: dict[str, set[str]] = {
    EvaluationStatus.IN_PROGRESS: {EvaluationStatus.FINAL},
    EvaluationStatus.FINAL: set(),
}


class EvaluationGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class LockedWhenFinal(models.Model):
    """A row that cannot change once its ``status`` is final.

    The guard sits in save() and delete() rather than in the services so that the admin, a data
    fix in a shell and any future code path meet it too. A save that changes nothing passes."""

    FINAL = "final"
    # Bookkeeping that moves on every save without meaning a change.
    _LOCK_IGNORED = frozenset({"updated_at"})

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            names = [f.attname for f in self._meta.concrete_fields if f.attname not in self._LOCK_IGNORED]
            stored = type(self)._base_manager.filter(pk=self.pk).values(*names).first()
            if stored is not None and stored["status"] == self.FINAL:
                changed = [name for name in names if stored[name] != getattr(self, name)]
                if changed:
                    raise LockedError(self._locked_message(), code="locked")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and type(self)._base_manager.filter(pk=self.pk, status=self.FINAL).exists():
            raise LockedError(self._locked_message(), code="locked")
        return super().delete(*args, **kwargs)

    def _locked_message(self) -> str:
        return gettext("This record is final and can no longer be changed.")


class Evaluation(LockedWhenFinal, OwnedModel):
    """The efficacy evaluation of one concluded branch."""

    branch = models.OneToOneField(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="evaluation"
    )
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), null=True, blank=True, on_delete=models.SET_NULL, related_name="evaluations"
    )
    rubric_name = models.CharField(_("rubric name"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EvaluationStatus.choices, default=EvaluationStatus.IN_PROGRESS, db_index=True
    )
    # Kept up to date with every score and adjustment, so lists show the running result.
    mean_score = models.DecimalField(_("mean of the evaluators' totals"), max_digits=5, decimal_places=2, null=True, blank=True)
    deductions = models.DecimalField(_("deductions"), max_digits=5, decimal_places=2, default=0)
    bonuses = models.DecimalField(_("bonuses"), max_digits=5, decimal_places=2, default=0)
    vetoed = models.BooleanField(_("veto item triggered"), default=False)
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=20, choices=EvaluationGrade.choices, blank=True, db_index=True)
    # The objective figures as they stood when the evaluation became final (live until then).
    figures = models.JSONField(_("objective figures"), default=dict, blank=True)
    remarks = models.TextField(_("department's remarks"), blank=True)
    secretary = models.ForeignKey(
        Person,
        verbose_name=_("secretary"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations_as_secretary",
        help_text=_("The branch's secretary when the evaluation became final."),
    )
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True, db_index=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("finalized by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("efficacy evaluation")
        verbose_name_plural = _("efficacy evaluations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="final") | (Q(total__isnull=False) & ~Q(grade="") & Q(finalized_at__isnull=False)),
                name="evaluation_final_has_total_and_grade",
                violation_error_message=_("A final evaluation has a total, a grade and a date."),
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100),
                name="evaluation_total_between_0_and_100",
                violation_error_message=_("The total lies between 0 and 100."),
            ),
        ]

    def __str__(self):
        return gettext("Evaluation of %(branch)s") % {"branch": self.branch}

    def _locked_message(self) -> str:
        return gettext("This evaluation is final and can no longer be changed.")

    @property
    def is_final(self) -> bool:
        return self.status == EvaluationStatus.FINAL


class EvaluationPart(models.Model):
    """A row that belongs to an evaluation and is locked with it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_final()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_final()
        return super().delete(*args, **kwargs)

    def _evaluation_id(self):
        return self.evaluation_id

    def _refuse_if_final(self):
        if Evaluation.objects.filter(pk=self._evaluation_id(), status=EvaluationStatus.FINAL).exists():
            raise LockedError(gettext("This evaluation is final and can no longer be changed."), code="locked")


class EvaluationItem(EvaluationPart, ItemBase):
    """A rubric item as it was when the evaluation started."""

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="items")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation item")
        verbose_name_plural = _("evaluation items")
        ordering = ["evaluation", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="evaluation_item_unique_name"),
            *_item_constraints("evaluation_item"),
        ]


class Scorecard(EvaluationPart, TimeStampedModel):
    """One evaluator's scores: each department staff member scores for themselves."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="scorecards"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.PROTECT, related_name="scorecards"
    )
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2, default=0)
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["evaluation", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "evaluator"],
                name="scorecard_one_per_evaluator",
                violation_error_message=_("This evaluator has already scored this branch."),
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} · {self.evaluator}"


class Score(EvaluationPart):
    scorecard = models.ForeignKey(Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(EvaluationItem, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["scorecard", "item__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "item"], name="score_one_per_criterion"),
            models.CheckConstraint(
                condition=Q(score__gte=0), name="score_not_negative", violation_error_message=_("A score cannot be negative.")
            ),
        ]

    def __str__(self):
        return f"{self.item} {self.score}"

    def _evaluation_id(self):
        return Scorecard.objects.filter(pk=self.scorecard_id).values("evaluation_id")[:1]


class Adjustment(EvaluationPart, OwnedModel):
    """A deduction or bonus applied to the evaluation, or a veto item found triggered."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="adjustments"
    )
    item = models.ForeignKey(EvaluationItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="adjustments")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, default=0)
    reason = models.TextField(_("reason and evidence"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deduction, bonus or veto")
        verbose_name_plural = _("deductions, bonuses and vetoes")
        ordering = ["evaluation", "item__position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=0), name="adjustment_points_not_negative",
                violation_error_message=_("Points cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.item} {self.points}"


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


class AppraisalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FINAL = "final", _("Final")


APPRAISAL_TRANSITIONS: dict[str, set[str]] = {
    AppraisalStatus.OPEN: {AppraisalStatus.FINAL},
    AppraisalStatus.FINAL: set(),
}


class Appraisal(LockedWhenFinal, TimeStampedModel):
    """The Party-spirit appraisal (党性鉴定) of one person for their service in one branch."""

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="appraisals")
    person = models.ForeignKey(Person, verbose_name=_("Party member"), on_delete=models.PROTECT, related_name="appraisals")
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    served_from = models.DateField(_("served from"))
    served_to = models.DateField(_("served to"), null=True, blank=True)
    is_graded = models.BooleanField(
        _("graded"), default=True, help_text=_("Probationary members take part but are not graded.")
    )
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    # 本人未填写: department staff record that the member did not write a self-assessment (who,
    # when, why), so the appraisal can be finalized without one. The history keeps every change.
    self_assessment_waived_at = models.DateTimeField(_("recorded as not filled in at"), null=True, blank=True)
    self_assessment_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded as not filled in by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    self_assessment_waiver_reason = models.TextField(_("why the member did not fill it in"), blank=True)
    branch_assessment = models.TextField(_("branch's assessment"), blank=True)
    branch_assessed_at = models.DateTimeField(_("branch assessed at"), null=True, blank=True)
    branch_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("branch assessed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("grade"), max_length=30, choices=AppraisalGrade.choices, blank=True, db_index=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("graded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AppraisalStatus.choices, default=AppraisalStatus.OPEN, db_index=True
    )
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True, db_index=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("finalized by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Party-spirit appraisal")
        verbose_name_plural = _("Party-spirit appraisals")
        ordering = ["branch", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "person"],
                name="appraisal_one_per_person_per_branch",
                violation_error_message=_("This member already has an appraisal for this branch."),
            ),
            models.CheckConstraint(
                condition=Q(is_graded=True) | Q(grade=""),
                name="appraisal_probationary_not_graded",
                violation_error_message=_("Probationary members are not graded."),
            ),
            models.CheckConstraint(
                condition=~Q(status="final") | Q(is_graded=False) | ~Q(grade=""),
                name="appraisal_final_graded_has_grade",
                violation_error_message=_("A final appraisal of a full member has a grade."),
            ),
        ]

    def __str__(self):
        return gettext("Appraisal of %(person)s (%(branch)s)") % {"person": self.person, "branch": self.branch}

    def save(self, *args, **kwargs):
        # Becoming final is allowed only when complete, whoever saves (a service, the admin, a shell).
        if self.status == AppraisalStatus.FINAL:
            was_final = self.pk is not None and type(self)._base_manager.filter(pk=self.pk, status=self.FINAL).exists()
            problems = [] if was_final else self.finalize_blockers()
            if problems:
                raise ValidationError(problems, code="incomplete")
        super().save(*args, **kwargs)

    def _locked_message(self) -> str:
        return gettext("This appraisal is final and can no longer be changed.")

    @property
    def is_final(self) -> bool:
        return self.status == AppraisalStatus.FINAL

    @property
    def self_assessment_waived(self) -> bool:
        return self.self_assessment_waived_at is not None

    @property
    def has_self_assessment(self) -> bool:
        return bool(self.self_assessment.strip())

    def finalize_blockers(self) -> list[str]:
        """Why this appraisal cannot be finalized yet (empty: it can). The one rule, read by the
        services, the lists and save() itself."""
        problems = []
        if not self.has_self_assessment and not self.self_assessment_waived:
            problems.append(
                gettext("The member's self-assessment is missing (or record that they did not fill it in).")
            )
        if not self.branch_assessment.strip():
            problems.append(gettext("The branch's assessment is missing."))
        if self.is_graded and not self.grade:
            problems.append(gettext("The grade is missing."))
        if not self.conclusion.strip():
            problems.append(gettext("The conclusion is missing."))
        return problems

# The work briefings (工作简报) keep their own module; Django finds models through this one.
from evaluation.briefings.models import Briefing, BriefingCounter  # noqa: E402, F401
