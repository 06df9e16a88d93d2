"""The evaluation rules a deployment may tune (settings ``EVALUATION``, a dict; any key left out
keeps its default here)."""

from django.conf import settings

DEFAULTS = {
    # A branch's grade from its total: 优秀 ≥ 90, 良好 ≥ 80, 一般 ≥ 60, else 较差.
    "GRADE_THRESHOLDS": {"excellent": 90, "good": 80, "fair": 60},
    # At most this share of a branch's graded members may be appraised 优秀, rounded down
    # (3 graded → 1, 5 → 1, 6 → 2; 2 graded → none). A string such as "1/3" keeps it exact.
    "EXCELLENT_APPRAISAL_SHARE": "1/3",
    # Party-life activities due per 30 days of a branch's life, in proportion to it
    # (evaluation.rules.activities_due).
    "ACTIVITIES_PER_MONTH": 1,
}


def evaluation_config() -> dict:
    return {**DEFAULTS, **(getattr(settings, "EVALUATION", None) or {})}
