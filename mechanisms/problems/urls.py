"""URL patterns of 问题研判: problem cases (included by mechanisms/urls.py, namespace "mechanisms")."""

from django.urls import path

from mechanisms.problems import views

urlpatterns: list = [
    path("problems/", views.problem_list, name="problem_list"),
    path("problems/export/", views.problem_export, name="problem_export"),
    path("problems/new/", views.problem_create, name="problem_create"),
    path("problems/whistle/", views.problem_whistle, name="problem_whistle"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/analyse/", views.problem_analyse, name="problem_analyse"),
    path("problems/<int:pk>/accept/", views.problem_accept, name="problem_accept"),
    path("problems/<int:pk>/object/", views.problem_object, name="problem_object"),
    path("problems/<int:pk>/resolve/", views.problem_resolve, name="problem_resolve"),
    path("problems/<int:pk>/verify/", views.problem_verify, name="problem_verify"),
    path("problems/<int:pk>/extension/", views.extension_request, name="problem_extension_request"),
    path("problems/assignments/<int:pk>/answer/", views.assignment_answer, name="problem_assignment_answer"),
    path("problems/extensions/<int:pk>/decide/", views.extension_decide, name="problem_extension_decide"),
]
