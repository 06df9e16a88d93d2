"""URL patterns of 请示报告: requests for decision and reports (included by mechanisms/urls.py, namespace "mechanisms")."""

from django.urls import path

from mechanisms.requests import views

urlpatterns: list = [
    path("requests/", views.decisionrequest_list, name="decisionrequest_list"),
    path("requests/export/", views.decisionrequest_export, name="decisionrequest_export"),
    path("requests/new/", views.decisionrequest_create, name="decisionrequest_create"),
    path("requests/<int:pk>/", views.decisionrequest_detail, name="decisionrequest_detail"),
    path("requests/<int:pk>/edit/", views.decisionrequest_edit, name="decisionrequest_edit"),
    path("requests/<int:pk>/submit/", views.decisionrequest_submit, name="decisionrequest_submit"),
    path("requests/<int:pk>/reply/", views.decisionrequest_reply, name="decisionrequest_reply"),
    path("requests/<int:pk>/delete/", views.decisionrequest_delete, name="decisionrequest_delete"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/export/", views.report_export, name="report_export"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/acknowledge/", views.report_acknowledge, name="report_acknowledge"),
    path("reports/<int:pk>/delete/", views.report_delete, name="report_delete"),
]
