from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import views as site_views
from core import views as core_views
from core import views_pickers
from core.forms import StyledPasswordChangeForm

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(form_class=StyledPasswordChangeForm), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("branches/", include("branches.urls")),
    path("projects/", include("projects.urls")),
    path("mechanisms/", include("mechanisms.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("exports/", include("core.urls")),
    path("pick/<slug:source>/", views_pickers.picker_options, name="picker"),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

admin.site.site_header = _("Task-force branch management")
admin.site.site_title = _("Task-force branch management")

