"""URL patterns of 对接会商: consultations and resolutions (included by mechanisms/urls.py, namespace "mechanisms")."""

from django.urls import path

from mechanisms.consultation import views

urlpatterns: list = [
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
