"""Routes of the leaders' dashboard (included by evaluation/urls.py, namespace "evaluation")."""

from django.urls import path

from evaluation import views_dashboard

urlpatterns: list = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
]
