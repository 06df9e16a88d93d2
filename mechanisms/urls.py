from django.urls import path

from . import views

app_name = "mechanisms"

urlpatterns = [
    path("records/<str:label>/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("records/<str:label>/<int:pk>/attachments/", views.attachment_create, name="attachment_create"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
]
