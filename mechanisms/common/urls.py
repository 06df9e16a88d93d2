"""URL patterns of a user's in-app notifications."""

from django.urls import path

from mechanisms.common import views

urlpatterns: list = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
]
