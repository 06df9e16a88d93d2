"""URL patterns of the weekly report (周报) (included by mechanisms/urls.py, namespace "mechanisms")."""

from django.urls import path

from mechanisms.weekly import views

urlpatterns: list = [
    path("weekly/", views.weeklyreport_list, name="weeklyreport_list"),
    path("weekly/export/", views.weeklyreport_export, name="weeklyreport_export"),
    path("weekly/missing/", views.weeklyreport_missing, name="weeklyreport_missing"),
    path("weekly/missing/export/", views.weeklyreport_missing_export, name="weeklyreport_missing_export"),
    path("weekly/new/<int:branch_pk>/", views.weeklyreport_create, name="weeklyreport_create"),
    path("weekly/new/<int:branch_pk>/quick/", views.weeklyreport_quick, name="weeklyreport_quick"),
    path("weekly/<int:pk>/", views.weeklyreport_detail, name="weeklyreport_detail"),
    path("weekly/<int:pk>/edit/", views.weeklyreport_edit, name="weeklyreport_edit"),
    path("weekly/<int:pk>/submit/", views.weeklyreport_submit, name="weeklyreport_submit"),
    path("weekly/<int:pk>/review/", views.weeklyreport_review, name="weeklyreport_review"),
    path("weekly/<int:pk>/return/", views.weeklyreport_return, name="weeklyreport_return"),
    path("weekly/problems/<int:pk>/raise/", views.weeklyreport_problem_raise, name="weeklyreport_problem_raise"),
]
