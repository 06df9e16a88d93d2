from django.urls import path

from . import views
from .urls_dispatch import urlpatterns as dispatch_urls
from .urls_problems import urlpatterns as problem_urls
from .urls_reminders import urlpatterns as reminder_urls
from .urls_requests import urlpatterns as request_urls

app_name = "mechanisms"

urlpatterns = [
    path("records/<str:label>/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("records/<str:label>/<int:pk>/attachments/", views.attachment_create, name="attachment_create"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
]

# Each mechanism keeps its own routes (same namespace, no clashes: names are prefixed).
urlpatterns += problem_urls + dispatch_urls + request_urls + reminder_urls
