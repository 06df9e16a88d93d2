from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("export/", views.project_export, name="project_export"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/status/", views.project_transition, name="project_transition"),
    path("<int:pk>/dispatch-chief/", views.dispatch_chief_assign, name="dispatch_chief_assign"),
    path("<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("indicators/<int:pk>/readings/new/", views.reading_create, name="reading_create"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
]
