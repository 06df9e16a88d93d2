"""URL patterns of comments and attachments on any mechanism record."""

from django.urls import path

from mechanisms.records import views

urlpatterns: list = [
    path("records/<str:label>/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("records/<str:label>/<int:pk>/attachments/", views.attachment_create, name="attachment_create"),
    path("attachments/<slug:token>/", views.attachment_download, name="attachment_download"),
]
