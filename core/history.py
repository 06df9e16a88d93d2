"""Who made a change and why, for django-simple-history: one helper for every service."""

from django.utils import timezone

# simple-history stores at most 100 characters of a change reason; the full text stays on the record.
REASON_MAX = 100


def stamp_history(instance, *, by, reason: str = "") -> None:
    """Tell simple-history that the next save of ``instance`` is ``by``'s, for ``reason``."""
    instance._history_user = by
    if reason:
        instance._change_reason = str(reason)[:REASON_MAX]


def delete_with_history(objs, *, by, reason: str = "") -> None:
    """Delete ``objs`` (rows of one model with simple-history) in one statement and record their
    deletion in the history in one more, as ``instance.delete()`` would one row at a time.

    Only for rows nothing else points to: the delete runs no cascade and sends no signals."""
    objs = list(objs)
    if not objs:
        return
    model = type(objs[0])
    history_model = model.history.model
    when = timezone.now()
    rows = [
        history_model(
            history_date=when,
            history_user=by,
            history_change_reason=str(reason)[:REASON_MAX] or None,
            history_type="-",
            **{field.attname: getattr(obj, field.attname) for field in history_model.tracked_fields},
        )
        for obj in objs
    ]
    manager = model._base_manager
    manager.filter(pk__in=[obj.pk for obj in objs])._raw_delete(manager.db)
    history_model.objects.bulk_create(rows)
