"""URL patterns of the role desks: the 调度长's cockpit, the unit liaison's and the secretary's home pages (included by mechanisms/urls.py, namespace "mechanisms")."""

from django.urls import path

from mechanisms.desks import views

urlpatterns: list = [
    path("cockpit/", views.cockpit, name="cockpit"),
    path("my-unit/", views.liaison_home, name="liaison_home"),
    path("secretary/", views.secretary_home, name="secretary_home"),
]
