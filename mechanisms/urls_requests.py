"""URL patterns of the requests mechanism pages (included by mechanisms/urls.py)."""

from django.urls import path

from . import views_requests as v

urlpatterns: list = [
    path("secretary/", v.secretary_home, name="secretary_home"),
    # weekly reports (周报)
    path("weekly/", v.weeklyreport_list, name="weeklyreport_list"),
    path("weekly/export/", v.weeklyreport_export, name="weeklyreport_export"),
    path("weekly/missing/", v.weeklyreport_missing, name="weeklyreport_missing"),
    path("weekly/missing/export/", v.weeklyreport_missing_export, name="weeklyreport_missing_export"),
    path("weekly/new/<int:branch_pk>/", v.weeklyreport_create, name="weeklyreport_create"),
    path("weekly/new/<int:branch_pk>/quick/", v.weeklyreport_quick, name="weeklyreport_quick"),
    path("weekly/<int:pk>/", v.weeklyreport_detail, name="weeklyreport_detail"),
    path("weekly/<int:pk>/edit/", v.weeklyreport_edit, name="weeklyreport_edit"),
    path("weekly/<int:pk>/submit/", v.weeklyreport_submit, name="weeklyreport_submit"),
    path("weekly/<int:pk>/review/", v.weeklyreport_review, name="weeklyreport_review"),
    path("weekly/<int:pk>/return/", v.weeklyreport_return, name="weeklyreport_return"),
    path("weekly/problems/<int:pk>/raise/", v.weeklyreport_problem_raise, name="weeklyreport_problem_raise"),
    # requests for decision (请示)
    path("requests/", v.decisionrequest_list, name="decisionrequest_list"),
    path("requests/export/", v.decisionrequest_export, name="decisionrequest_export"),
    path("requests/new/", v.decisionrequest_create, name="decisionrequest_create"),
    path("requests/<int:pk>/", v.decisionrequest_detail, name="decisionrequest_detail"),
    path("requests/<int:pk>/edit/", v.decisionrequest_edit, name="decisionrequest_edit"),
    path("requests/<int:pk>/submit/", v.decisionrequest_submit, name="decisionrequest_submit"),
    path("requests/<int:pk>/reply/", v.decisionrequest_reply, name="decisionrequest_reply"),
    path("requests/<int:pk>/delete/", v.decisionrequest_delete, name="decisionrequest_delete"),
    # reports (专项、重大事项、完成报告)
    path("reports/", v.report_list, name="report_list"),
    path("reports/export/", v.report_export, name="report_export"),
    path("reports/new/", v.report_create, name="report_create"),
    path("reports/<int:pk>/", v.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", v.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", v.report_submit, name="report_submit"),
    path("reports/<int:pk>/acknowledge/", v.report_acknowledge, name="report_acknowledge"),
    path("reports/<int:pk>/delete/", v.report_delete, name="report_delete"),
]
