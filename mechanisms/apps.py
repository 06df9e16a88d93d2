from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MechanismsConfig(AppConfig):
    name = "mechanisms"
    verbose_name = _("Work mechanisms")
