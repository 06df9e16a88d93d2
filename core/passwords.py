"""The password policy (等保 2.0 身份鉴别), as a Django password validator and a middleware.

- **Complexity:** at least ``PASSWORD_MIN_LENGTH`` (8) characters with three of the four
  kinds: lower-case letters, capitals, digits, other characters.
- **No reuse:** none of the last ``PASSWORD_HISTORY`` (5) passwords of the account again: each
  password saved is kept as its hash in ``core.PasswordRecord`` (the five newest only).
- **Expiry:** a password older than ``PASSWORD_EXPIRY_DAYS`` (90; 0 switches it off) must be
  changed at the next sign-in. An account with no record (seeded or imported with a ready
  hash, as the demo is) has no age until its first change.
- **Forced change:** a password set by somebody else — an account's initial password given in
  the admin, or a reset — must be changed by its holder first. One set with no request (the
  ``createsuperuser`` and seed commands, test factories) is not forced.

Django calls ``PasswordPolicyValidator.password_changed`` after every password saved: it keeps
the record and writes the audit event (an account's first password is part of its creation
event). At sign-in ``flag_session`` notes in the session whether a change is due, and
``PasswordChangeRequiredMiddleware`` sends such a session to the change page, whatever it asks
for, until the password is changed: no query per request.
"""

import datetime
import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import current_request, record
from core.models import AuditAction, PasswordRecord

# Session key: why this session must change its password first ("initial" or "expired").
CHANGE_REQUIRED_KEY = "_password_change_required"
# Pages a session that must change its password may still open (URL names).
OPEN_DURING_CHANGE = frozenset(
    {"password_change", "password_change_done", "logout", "login", "set_language", "healthz", "javascript-catalog"}
)


def history_size() -> int:
    return int(getattr(settings, "PASSWORD_HISTORY", 5))


def expiry_days() -> int:
    return int(getattr(settings, "PASSWORD_EXPIRY_DAYS", 90))


def character_kinds(password: str) -> int:
    kinds = [False] * 4
    for ch in password:
        if ch.islower():
            kinds[0] = True
        elif ch.isupper():
            kinds[1] = True
        elif ch.isdigit() or unicodedata.category(ch) == "Nd":
            kinds[2] = True
        else:
            kinds[3] = True
    return sum(kinds)


def _set_by_other(request, user) -> bool:
    """Whether the password of ``user`` is being set by another signed-in user (an admin)."""
    by = getattr(request, "user", None) if request is not None else None
    return by is not None and by.is_authenticated and by.pk != user.pk


class PasswordPolicyValidator:
    def __init__(self, min_length: int = 8, kinds: int = 3):
        self.min_length = min_length
        self.kinds = kinds

    def validate(self, password, user=None):
        errors = []
        if len(password) < self.min_length or character_kinds(password) < self.kinds:
            errors.append(
                ValidationError(
                    _("The password must have at least %(n)d characters, with three of these four kinds: "
                      "lower-case letters, capitals, digits and other characters.") % {"n": self.min_length},
                    code="password_too_simple",
                )
            )
        if user is not None and user.pk and self._reused(password, user):
            errors.append(
                ValidationError(
                    _("This password was used recently: choose one that differs from your last %(n)d.")
                    % {"n": history_size()},
                    code="password_reused",
                )
            )
        if errors:
            raise ValidationError(errors)

    def _reused(self, password, user) -> bool:
        hashes = list(
            PasswordRecord.objects.filter(user=user).order_by("-created_at", "-id").values_list("password", flat=True)[
                : history_size()
            ]
        )
        if user.password and user.has_usable_password() and user.password not in hashes:
            hashes.append(user.password)
        return any(check_password(password, encoded) for encoded in hashes)

    def get_help_text(self):
        return _("At least %(n)d characters, with three of: lower-case letters, capitals, digits, other characters.") % {
            "n": self.min_length
        }

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        request = current_request()
        set_by_other = _set_by_other(request, user)
        PasswordRecord.objects.create(user=user, password=user.password, must_change=set_by_other)
        stale = PasswordRecord.objects.filter(user=user).order_by("-created_at", "-id").values_list("pk", flat=True)[
            history_size():
        ]
        PasswordRecord.objects.filter(pk__in=list(stale)).delete()
        if request is not None and not set_by_other and hasattr(request, "session"):
            request.session.pop(CHANGE_REQUIRED_KEY, None)
        if getattr(user, "_audit_just_created", False):
            user._audit_just_created = False
            return
        record(AuditAction.PASSWORD_CHANGE, target=user, detail={"reset": set_by_other})


def record_first_password(sender, instance, created, raw=False, **kwargs):
    """``post_save`` of the user model: an account created with a ready hash (``create_user``)
    gets its first record here; one whose password was set with ``set_password`` gets it from
    ``password_changed`` right after."""
    if not created or raw or getattr(instance, "_password", None) is not None:
        return
    if instance.password and instance.has_usable_password():
        PasswordRecord.objects.create(
            user=instance, password=instance.password, must_change=_set_by_other(current_request(), instance)
        )


def change_required(user, *, now=None) -> str:
    """Why ``user`` must change their password now ("initial", "expired") or ""."""
    latest = PasswordRecord.objects.filter(user=user).order_by("-created_at", "-id").first()
    if latest is None:
        return ""
    if latest.must_change:
        return "initial"
    days = expiry_days()
    if days > 0 and latest.created_at < (now or timezone.now()) - datetime.timedelta(days=days):
        return "expired"
    return ""


def flag_session(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: note in the session whether the password must change first."""
    session = getattr(request, "session", None)
    if session is None:
        return
    reason = change_required(user)
    if reason:
        session[CHANGE_REQUIRED_KEY] = reason
    else:
        session.pop(CHANGE_REQUIRED_KEY, None)


class PasswordChangeRequiredMiddleware:
    """Sends a session whose password must change to the change page until it is changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = getattr(request, "session", None)
        if session is None or not session.get(CHANGE_REQUIRED_KEY):
            return None
        match = request.resolver_match
        if match is not None and (match.url_name in OPEN_DURING_CHANGE or match.view_name == "admin:logout"):
            return None
        if session[CHANGE_REQUIRED_KEY] == "expired":
            messages.warning(request, _("Your password is more than %(n)d days old: change it to go on.") % {"n": expiry_days()})
        else:
            messages.warning(request, _("Your password was set by an administrator: change it to go on."))
        return redirect("password_change")
