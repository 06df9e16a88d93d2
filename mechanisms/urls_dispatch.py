"""URL patterns of 推进调度 and 对接会商 (included by mechanisms/urls.py, namespace "mechanisms")."""

from django.urls import path

from . import views_dispatch as views

urlpatterns: list = [
    path("cockpit/", views.cockpit, name="cockpit"),
    path("my-unit/", views.liaison_home, name="liaison_home"),
    # dispatch sessions
    path("dispatches/", views.dispatch_list, name="dispatch_list"),
    path("projects/<int:project_pk>/dispatches/new/", views.dispatch_create, name="dispatch_create"),
    path("dispatches/<int:pk>/", views.dispatch_detail, name="dispatch_detail"),
    path("dispatches/<int:pk>/edit/", views.dispatch_edit, name="dispatch_edit"),
    path("dispatches/<int:pk>/record/", views.dispatch_record, name="dispatch_record"),
    # instructions
    path("instructions/", views.instruction_list, name="instruction_list"),
    path("dispatches/<int:dispatch_pk>/instructions/new/", views.instruction_create, name="instruction_create"),
    path("projects/<int:project_pk>/instructions/new/", views.instruction_create, name="instruction_create"),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction_detail"),
    path("instructions/<int:pk>/acknowledge/", views.instruction_acknowledge, name="instruction_acknowledge"),
    path("instructions/<int:pk>/done/", views.instruction_done, name="instruction_done"),
    path("instructions/<int:pk>/verify/", views.instruction_verify, name="instruction_verify"),
    path("instructions/<int:pk>/return/", views.instruction_return, name="instruction_return"),
    # consultations and their resolutions
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/hold/", views.consultation_hold, name="consultation_hold"),
    path("consultations/<int:pk>/close/", views.consultation_close, name="consultation_close"),
    path("consultations/<int:pk>/resolutions/new/", views.resolution_create, name="resolution_create"),
    path("resolutions/<int:pk>/sign-off/", views.resolution_sign_off, name="resolution_sign_off"),
    path("resolutions/<int:pk>/done/", views.resolution_done, name="resolution_done"),
    path("resolutions/<int:pk>/verify/", views.resolution_verify, name="resolution_verify"),
    path("resolutions/<int:pk>/return/", views.resolution_return, name="resolution_return"),
]
