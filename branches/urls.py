from django.urls import path

from branches import views

app_name = "branches"

urlpatterns = [
    path("", views.branch_list, name="branch_list"),
    path("export/", views.branch_export, name="branch_export"),
    path("new/", views.branch_create, name="branch_create"),
    path("<int:pk>/", views.branch_detail, name="branch_detail"),
    path("<int:pk>/edit/", views.branch_edit, name="branch_edit"),
    path("<int:pk>/transition/", views.branch_transition, name="branch_transition"),
    path("<int:pk>/members/add/", views.membership_add, name="membership_add"),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("mine/", views.my_memberships, name="my_memberships"),
    path("mine/<int:pk>/commitment/", views.commitment_update, name="commitment_update"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/export/", views.person_export, name="person_export"),
    path("people/import/", views.person_import, name="person_import"),
    path("people/import/template/", views.person_import_template, name="person_import_template"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("audit/", views.audit_log, name="audit_log"),
    path("chains/", views.chain_list, name="chain_list"),
    path("chains/<int:pk>/", views.chain_detail, name="chain_detail"),
    path("chains/<int:pk>/weak-links/add/", views.weaklink_add, name="weaklink_add"),
    path("weak-links/<int:pk>/resolve/", views.weaklink_resolve, name="weaklink_resolve"),
]
