"""URL patterns of reminders: the log, resend, preferences and the nudge (included by mechanisms/urls.py, namespace "mechanisms")."""

from django.urls import path

from mechanisms.reminders import views

urlpatterns: list = [
    path("reminders/", views.reminder_log, name="reminder_log"),
    path("reminders/<int:pk>/", views.reminder_detail, name="reminder_detail"),
    path("reminders/deliveries/<int:pk>/resend/", views.delivery_resend, name="delivery_resend"),
    path("reminders/settings/", views.reminder_preferences, name="reminder_preferences"),
    path("reminders/nudge/", views.nudge, name="nudge"),
]
