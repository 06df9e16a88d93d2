"""URL patterns of the timeline partials of a branch or project page (included by mechanisms/urls.py, namespace "mechanisms")."""

from django.urls import path

from mechanisms.timeline import views

urlpatterns: list = [
    path("timeline/branch/<int:pk>/", views.branch_timeline, name="branch_timeline"),
    path("timeline/project/<int:pk>/", views.project_timeline, name="project_timeline"),
]
