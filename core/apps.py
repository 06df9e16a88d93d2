from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save

        from core.audit import connect_receivers
        from core.middleware import mark_session_start
        from core.passwords import flag_session, record_first_password
        from core.sqlite import register as register_sqlite_ints

        user_logged_in.connect(mark_session_start, dispatch_uid="core.mark_session_start")
        connect_receivers()
        user_logged_in.connect(flag_session, dispatch_uid="core.passwords.flag_session")
        post_save.connect(record_first_password, sender=get_user_model(), dispatch_uid="core.passwords.first")
        register_sqlite_ints()
