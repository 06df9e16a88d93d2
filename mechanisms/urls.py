"""The mechanisms' URLs: one namespace ("mechanisms"), each room keeps its own patterns
(names are prefixed by the noun, so the rooms never clash)."""

from django.urls import include, path

app_name = "mechanisms"

ROOMS = ("common", "records", "problems", "dispatch", "consultation", "requests", "weekly", "reminders", "desks", "timeline")

urlpatterns = [path("", include(f"mechanisms.{room}.urls")) for room in ROOMS]
