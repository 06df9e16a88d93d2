"""Pages of the platform itself that belong to no domain: the export jobs."""

from django.urls import path

from core import views_exports

app_name = "core"

urlpatterns = [
    path("", views_exports.export_job_list, name="export_list"),
    path("<int:pk>/", views_exports.export_job_detail, name="export_job"),
    path("<int:pk>/status/", views_exports.export_job_status, name="export_job_status"),
    path("<int:pk>/download/", views_exports.export_job_download, name="export_job_download"),
]
