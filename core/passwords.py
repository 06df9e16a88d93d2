"""The password policy (等保 2.0 身份鉴别), as a Django password validator.

``PasswordPolicyValidator`` is listed in AUTH_PASSWORD_VALIDATORS; Django calls its
``password_changed`` after every password set and saved, which writes the audit event (the
initial password of a new account is part of its creation event, not a change)."""

from core.audit import record
from core.models import AuditAction


class PasswordPolicyValidator:
    def validate(self, password, user=None):
        return None

    def get_help_text(self):
        return ""

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        if getattr(user, "_audit_just_created", False):
            user._audit_just_created = False
            return
        record(AuditAction.PASSWORD_CHANGE, target=user)
