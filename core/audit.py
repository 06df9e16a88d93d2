"""The security audit trail (安全审计): one function writes every event, signal receivers feed it.

``record(action, request=…, target=…)`` writes one ``AuditEvent`` with the actor (the request's
user unless given), the client's address as the login lockout counts it
(``core.security.client_ip``: proxy-aware), the time and the target. Events that come from a
signal without a request (a group membership, a grant, an account saved, an admin log entry)
take the request of the thread from simple-history's middleware, when there is one.

What feeds it (``connect_receivers``, called by ``CoreConfig.ready``):

- sign-in, sign-out and failed sign-in: Django's auth signals;
- lockout: django-axes' ``user_locked_out``; unlock: an axes ``AccessAttempt`` that had
  reached the limit deleted (admin, ``axes_reset``, a successful sign-in after the cool-off);
- password change: ``core.passwords.PasswordPolicyValidator.password_changed``;
- roles: the user–group table (``m2m_changed`` either way round, and ``clear``);
- grants: every guardian object-permission model saved or deleted;
- account creation, deactivation and reactivation: the user model saved;
- admin changes: every ``LogEntry`` the admin writes;
- exports and downloads: ``core.exports`` and the download views call ``record`` themselves.

Nothing here knows the domain: the user model, its groups and the grant models are found
through Django's registry.
"""

import datetime
import logging

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.models import AuditAction, AuditEvent
from core.security import client_ip

logger = logging.getLogger(__name__)

# The audit trail is kept at least this long whatever the setting says (等保 2.0: 180 days);
# the PostgreSQL trigger of core/0002 refuses to delete younger rows too.
MINIMUM_RETENTION_DAYS = 180


def current_request():
    """The request this thread is serving (simple-history's middleware keeps it), or None."""
    return getattr(HistoricalRecords.context, "request", None)


def _target_fields(target) -> dict:
    if target is None:
        return {}
    if isinstance(target, str):
        return {"target_repr": target[:200]}
    meta = target._meta
    return {
        "target_type": meta.label_lower,
        "target_id": str(target.pk or "")[:64],
        "target_repr": str(target)[:200],
    }


def record(action, *, request=None, actor=None, target=None, rows=None, detail=None, ip_address=None) -> AuditEvent:
    """Write one audit event. ``actor`` defaults to the request's signed-in user; ``target`` is a
    model instance or a text; ``detail`` a small JSON object."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if ip_address is None and request is not None:
        ip_address = client_ip(request) or None
    event = AuditEvent(
        action=action,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_username=(actor.get_username() if actor is not None else "")[:150],
        ip_address=ip_address,
        rows=rows,
        detail=detail or {},
        **_target_fields(target),
    )
    event.save()
    return event


def retention_days() -> int:
    return max(MINIMUM_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", 365)))


def audit_purge(*, now=None) -> int:
    """Delete the events older than the retention (``AUDIT_RETENTION_DAYS``, never under 180
    days); the purge itself is an event."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    count = AuditEvent.objects.filter(created_at__lt=cutoff)._purge()
    if count:
        record(AuditAction.AUDIT_PURGE, rows=count, detail={"before": cutoff.isoformat()})
    return count


# ---------------------------------------------------------------- receivers
def _on_login(sender, request, user, **kwargs):
    record(AuditAction.LOGIN, request=request, actor=user, target=user)


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditAction.LOGOUT, request=request, actor=user, target=user)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    event_actor = get_user_model().objects.filter(username=username).first() if username else None
    record(
        AuditAction.LOGIN_FAILED,
        request=request,
        actor=event_actor,
        target=username,
        detail={"username": username},
    )


def _on_locked_out(sender, request, username, ip_address, **kwargs):
    record(
        AuditAction.LOCKOUT,
        request=request,
        actor=get_user_model().objects.filter(username=username).first() if username else None,
        target=str(username or ""),
        ip_address=ip_address or None,
        detail={"username": str(username or "")},
    )


def _on_attempt_deleted(sender, instance, **kwargs):
    if instance.failures_since_start >= int(getattr(settings, "AXES_FAILURE_LIMIT", 5)):
        record(
            AuditAction.UNLOCK,
            target=instance.username or "",
            detail={"username": instance.username or "", "ip_address": instance.ip_address or ""},
        )


def _on_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    User = get_user_model()
    if action == "pre_clear":
        # What a clear() removes: remembered here, written on post_clear.
        if reverse:
            instance._audit_cleared = list(User.objects.filter(groups=instance))
        else:
            instance._audit_cleared = list(instance.groups.all())
        return
    if action == "post_clear":
        removed = getattr(instance, "_audit_cleared", [])
        pairs = [(instance, other) if not reverse else (other, instance) for other in removed]
        kind = AuditAction.ROLE_REMOVE
    elif action in ("post_add", "post_remove") and pk_set:
        others = list(model.objects.filter(pk__in=pk_set))
        pairs = [(instance, other) if not reverse else (other, instance) for other in others]
        kind = AuditAction.ROLE_ADD if action == "post_add" else AuditAction.ROLE_REMOVE
    else:
        return
    for user, group in pairs:
        record(kind, target=user, detail={"role": group.name})


def _grant_detail(instance) -> dict:
    holder = getattr(instance, "user", None) or getattr(instance, "group", None)
    return {
        "permission": instance.permission.codename,
        "object": str(getattr(instance, "content_object", ""))[:200],
        "object_type": instance.content_object._meta.label_lower if getattr(instance, "content_object", None) else "",
        "holder": str(holder),
    }


def _on_grant_saved(sender, instance, created, **kwargs):
    if created:
        record(AuditAction.GRANT_ADD, target=getattr(instance, "user", None) or getattr(instance, "group", None),
               detail=_grant_detail(instance))


def _on_grant_deleted(sender, instance, **kwargs):
    record(AuditAction.GRANT_REMOVE, target=getattr(instance, "user", None) or getattr(instance, "group", None),
           detail=_grant_detail(instance))


def _remember_active(sender, instance, **kwargs):
    # Only when the field was loaded: reading a deferred field would cost a query per user.
    instance._audit_was_active = instance.__dict__.get("is_active") if instance.pk else None


def _on_user_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if created:
        record(AuditAction.ACCOUNT_CREATE, target=instance)
        # The first password is part of the creation (core.passwords skips its "change").
        instance._audit_just_created = True
    elif update_fields is None or "is_active" in update_fields:
        was = getattr(instance, "_audit_was_active", None)
        if was is not None and was != instance.is_active:
            record(AuditAction.ACCOUNT_REACTIVATE if instance.is_active else AuditAction.ACCOUNT_DEACTIVATE, target=instance)
    instance._audit_was_active = instance.is_active


def _on_log_entry(sender, instance, created, **kwargs):
    if not created:
        return
    event = AuditEvent(
        action=AuditAction.ADMIN_CHANGE,
        target_type=f"{instance.content_type.app_label}.{instance.content_type.model}" if instance.content_type_id else "",
        target_id=str(instance.object_id or "")[:64],
        target_repr=(instance.object_repr or "")[:200],
        detail={"flag": instance.action_flag, "change": str(instance.get_change_message())[:2000]},
    )
    request = current_request()
    event.actor = instance.user
    event.actor_username = instance.user.get_username()[:150]
    event.ip_address = client_ip(request) if request is not None else None
    event.save()


def _grant_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, (UserObjectPermissionBase, GroupObjectPermissionBase))
    ]


def connect_receivers() -> None:
    User = get_user_model()
    user_logged_in.connect(_on_login, dispatch_uid="core.audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="core.audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="core.audit.login_failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="core.audit.locked_out")
    post_delete.connect(_on_attempt_deleted, sender=AccessAttempt, dispatch_uid="core.audit.unlock")
    m2m_changed.connect(_on_groups_changed, sender=User.groups.through, dispatch_uid="core.audit.groups")
    post_init.connect(_remember_active, sender=User, dispatch_uid="core.audit.user_init")
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="core.audit.user_saved")
    post_save.connect(_on_log_entry, sender=LogEntry, dispatch_uid="core.audit.log_entry")
    for model in _grant_models():
        post_save.connect(_on_grant_saved, sender=model, dispatch_uid=f"core.audit.grant_saved.{model._meta.label}")
        post_delete.connect(_on_grant_deleted, sender=model, dispatch_uid=f"core.audit.grant_deleted.{model._meta.label}")
