from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    # Efficacy evaluations (效能评估)
    path("", views.evaluation_list, name="evaluation_list"),
    path("export/", views.evaluation_export, name="evaluation_export"),
    path("branches/<int:branch_pk>/new/", views.evaluation_new, name="evaluation_new"),
    path("branches/<int:branch_pk>/start/", views.evaluation_start, name="evaluation_start"),
    path("<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("<int:pk>/adjustments/add/", views.adjustment_add, name="adjustment_add"),
    path("adjustments/<int:pk>/remove/", views.adjustment_remove, name="adjustment_remove"),
    path("<int:pk>/finalize/", views.evaluation_finalize, name="evaluation_finalize"),
    path("<int:pk>/report.docx", views.evaluation_report_docx, name="evaluation_report_docx"),
    path("<int:pk>/report.pdf", views.evaluation_report_pdf, name="evaluation_report_pdf"),
    # Rubrics
    path("rubrics/", views.rubric_list, name="rubric_list"),
    path("rubrics/new/", views.rubric_create, name="rubric_create"),
    path("rubrics/<int:pk>/edit/", views.rubric_edit, name="rubric_edit"),
    # Party-spirit appraisals (党性鉴定)
    path("branches/<int:branch_pk>/appraisals/", views.appraisal_list, name="appraisal_list"),
    path("branches/<int:branch_pk>/appraisals/open/", views.appraisals_open, name="appraisals_open"),
    path("branches/<int:branch_pk>/appraisals/finalize/", views.appraisals_finalize_ready, name="appraisals_finalize_ready"),
    path("appraisals/mine/", views.my_appraisals, name="my_appraisals"),
    path("appraisals/<int:pk>/self/", views.appraisal_self, name="appraisal_self"),
    path("appraisals/<int:pk>/branch/", views.appraisal_branch, name="appraisal_branch"),
    path("appraisals/<int:pk>/grade/", views.appraisal_grade, name="appraisal_grade"),
    path("appraisals/<int:pk>/self/waive/", views.appraisal_self_waive, name="appraisal_self_waive"),
    path("appraisals/<int:pk>/finalize/", views.appraisal_finalize, name="appraisal_finalize"),
    path("appraisals/<int:pk>/print/", views.appraisal_print, name="appraisal_print"),
    path("appraisals/<int:pk>/pdf/", views.appraisal_pdf, name="appraisal_pdf"),
    path("appraisals/<int:pk>/docx/", views.appraisal_docx, name="appraisal_docx"),
    path("branches/<int:branch_pk>/appraisals/forms.zip", views.appraisals_zip, name="appraisals_zip"),
    # The priority list (优先考虑名单)
    path("priority/", views.priority_list, name="priority_list"),
    path("priority/export/", views.priority_export, name="priority_export"),
]

# The leaders' dashboard and the export jobs keep their own routes in their own module (same
# namespace; their names must not clash with the ones above). Add them here with one line, e.g.:
#   from .urls_dashboard import urlpatterns as dashboard_urls; urlpatterns += dashboard_urls
from evaluation.urls_dashboard import urlpatterns as dashboard_urls; urlpatterns += dashboard_urls  # noqa: E402, E702, I001
