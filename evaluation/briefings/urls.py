"""Routes of the work briefings (included in the ``evaluation`` namespace by evaluation/urls.py)."""

from django.urls import path

from evaluation.briefings import views

urlpatterns = [
    path("briefings/", views.briefing_list, name="briefing_list"),
    path("briefings/export/", views.briefing_export, name="briefing_export"),
    path("briefings/documents/", views.briefing_zip, name="briefing_zip"),
    path("briefings/new/", views.briefing_new, name="briefing_new"),
    path("briefings/<int:pk>/", views.briefing_detail, name="briefing_detail"),
    path("briefings/<int:pk>/edit/", views.briefing_edit, name="briefing_edit"),
    path("briefings/<int:pk>/refresh/", views.briefing_refresh, name="briefing_refresh"),
    path("briefings/<int:pk>/issue/", views.briefing_issue, name="briefing_issue"),
    path("briefings/<int:pk>/docx/", views.briefing_docx, name="briefing_docx"),
    path("briefings/<int:pk>/pdf/", views.briefing_pdf, name="briefing_pdf"),
]
