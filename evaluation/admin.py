"""Admin pages of the evaluation app. A non-superuser sees the rows of their jurisdiction only
(through the selectors), and final evaluations and appraisals — with their parts — are shown
read-only: the admin refuses to change or delete them, and so does the model if anything tries."""

import copy

from django import forms
from django.contrib import admin

from branches import selectors as branch_selectors
from branches.models import Branch, Organization, Person
from core.admin import VisibleOnlyAdmin
from evaluation import selectors, services
from evaluation.models import (
    Adjustment,
    Appraisal,
    AppraisalGrade,
    AppraisalStatus,
    Evaluation,
    EvaluationItem,
    EvaluationStatus,
    Rubric,
    RubricItem,
    Score,
    Scorecard,
)


class JurisdictionAdmin(VisibleOnlyAdmin):
    @staticmethod
    def visible(user):
        raise NotImplementedError

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:

            narrowed = {
                Branch: branch_selectors.visible_branches,
                Organization: branch_selectors.visible_organizations,
                Person: branch_selectors.visible_people,
            }.get(db_field.related_model)
            if narrowed is not None:
                kwargs["queryset"] = narrowed(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LockedWhenFinalAdmin(JurisdictionAdmin):
    """Final rows are read-only here: no change, no delete (a POST to the change page is refused)."""

    def _is_final(self, obj) -> bool:
        return obj is not None and obj.status == "final"

    def has_change_permission(self, request, obj=None):
        if self._is_final(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._is_final(obj):
            return False
        return super().has_delete_permission(request, obj)


class EvaluationPartInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.status != EvaluationStatus.FINAL

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.status != EvaluationStatus.FINAL


class RubricItemInline(admin.TabularInline):
    model = RubricItem
    extra = 0
    fields = ("position", "kind", "name", "points", "figure", "description")


@admin.register(Rubric)
class RubricAdmin(JurisdictionAdmin):
    list_display = ("name", "organization", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    inlines = [RubricItemInline]

    @staticmethod
    def visible(user):
        return selectors.visible_rubrics(user)


@admin.register(RubricItem)
class RubricItemAdmin(JurisdictionAdmin):
    list_display = ("name", "rubric", "kind", "points", "figure", "position")
    list_filter = ("kind",)

    @staticmethod
    def visible(user):
        return RubricItem.objects.filter(rubric__in=selectors.visible_rubrics(user))


class EvaluationItemInline(EvaluationPartInline):
    model = EvaluationItem
    fields = ("position", "kind", "name", "points", "figure")


class AdjustmentInline(EvaluationPartInline):
    model = Adjustment
    fields = ("item", "points", "reason", "created_by")
    readonly_fields = ("created_by",)


@admin.register(Evaluation)
class EvaluationAdmin(LockedWhenFinalAdmin):
    list_display = ("branch", "status", "total", "grade", "vetoed", "finalized_at")
    list_filter = ("status", "grade", "vetoed")
    search_fields = ("branch__name",)
    readonly_fields = ("branch", "rubric", "figures", "finalized_at", "finalized_by", "created_by")
    inlines = [EvaluationItemInline, AdjustmentInline]

    @staticmethod
    def visible(user):
        return selectors.visible_evaluations(user)

    def has_add_permission(self, request):
        # An evaluation starts from a concluded branch on the site (evaluation_start copies the
        # rubric and opens the appraisals).
        return False


class EvaluationPartAdmin(JurisdictionAdmin):
    """Scorecards, scores, items and adjustments: read-only once their evaluation is final."""

    def _evaluation_final(self, obj) -> bool:
        if obj is None:
            return False
        evaluation_id = obj.scorecard.evaluation_id if isinstance(obj, Score) else obj.evaluation_id
        return Evaluation.objects.filter(pk=evaluation_id, status=EvaluationStatus.FINAL).exists()

    def has_change_permission(self, request, obj=None):
        if self._evaluation_final(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._evaluation_final(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(EvaluationItem)
class EvaluationItemAdmin(EvaluationPartAdmin):
    list_display = ("name", "evaluation", "kind", "points", "figure")

    @staticmethod
    def visible(user):
        return EvaluationItem.objects.filter(evaluation__in=selectors.visible_evaluations(user))


@admin.register(Scorecard)
class ScorecardAdmin(EvaluationPartAdmin):
    list_display = ("evaluation", "evaluator", "total", "updated_at")

    @staticmethod
    def visible(user):
        return Scorecard.objects.filter(evaluation__in=selectors.visible_evaluations(user))


@admin.register(Score)
class ScoreAdmin(EvaluationPartAdmin):
    list_display = ("scorecard", "item", "score")

    @staticmethod
    def visible(user):
        return Score.objects.filter(scorecard__evaluation__in=selectors.visible_evaluations(user))


@admin.register(Adjustment)
class AdjustmentAdmin(EvaluationPartAdmin):
    list_display = ("evaluation", "item", "points", "created_by", "created_at")

    @staticmethod
    def visible(user):
        return Adjustment.objects.filter(evaluation__in=selectors.visible_evaluations(user))


class AppraisalAdminForm(forms.ModelForm):
    """The Excellent cap holds in the admin too (the change page runs in one transaction)."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("grade") == AppraisalGrade.EXCELLENT and self.instance.pk:
            services.check_excellent_cap(self.instance)
        stored = Appraisal.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
        if cleaned.get("status") == AppraisalStatus.FINAL and stored != AppraisalStatus.FINAL:
            # The model refuses an incomplete appraisal on save(); say so on the form instead.
            probe = copy.copy(self.instance)
            for name, value in cleaned.items():
                setattr(probe, name, value)
            problems = probe.finalize_blockers()
            if problems:
                raise forms.ValidationError(problems)
        return cleaned


@admin.register(Appraisal)
class AppraisalAdmin(LockedWhenFinalAdmin):
    form = AppraisalAdminForm
    list_display = ("person", "branch", "role", "is_graded", "grade", "status", "finalized_at")
    list_filter = ("status", "grade", "is_graded")
    search_fields = ("person__name", "branch__name")
    readonly_fields = (
        "branch", "person", "finalized_at", "finalized_by", "branch_assessed_by", "graded_by",
        "self_assessment_waived_at", "self_assessment_waived_by",
    )

    @staticmethod
    def visible(user):
        return selectors.visible_appraisals(user)

    def has_add_permission(self, request):
        return False
