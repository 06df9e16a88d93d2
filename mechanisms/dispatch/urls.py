"""URL patterns of 推进调度: dispatch sessions and instructions (included by mechanisms/urls.py, namespace "mechanisms")."""

from django.urls import path

from mechanisms.dispatch import views

urlpatterns: list = [
    path("dispatches/", views.dispatch_list, name="dispatch_list"),
    path("projects/<int:project_pk>/dispatches/new/", views.dispatch_create, name="dispatch_create"),
    path("dispatches/<int:pk>/", views.dispatch_detail, name="dispatch_detail"),
    path("dispatches/<int:pk>/edit/", views.dispatch_edit, name="dispatch_edit"),
    path("dispatches/<int:pk>/record/", views.dispatch_record, name="dispatch_record"),
    path("dispatches/<int:pk>/minutes.docx", views.dispatch_minutes_docx, name="dispatch_minutes_docx"),
    path("dispatches/<int:pk>/minutes.pdf", views.dispatch_minutes_pdf, name="dispatch_minutes_pdf"),
    path("instructions/", views.instruction_list, name="instruction_list"),
    path("dispatches/<int:dispatch_pk>/instructions/new/", views.instruction_create, name="instruction_create"),
    path("projects/<int:project_pk>/instructions/new/", views.instruction_create, name="instruction_create"),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction_detail"),
    path("instructions/<int:pk>/acknowledge/", views.instruction_acknowledge, name="instruction_acknowledge"),
    path("instructions/<int:pk>/done/", views.instruction_done, name="instruction_done"),
    path("instructions/<int:pk>/verify/", views.instruction_verify, name="instruction_verify"),
    path("instructions/<int:pk>/return/", views.instruction_return, name="instruction_return"),
]
