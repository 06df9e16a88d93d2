"""Who made a change and why, for django-simple-history: one helper for every service, and the
``HistoricalRecords`` every model with a history declares."""

import functools

from django.utils import timezone
from simple_history import manager as history_manager
from simple_history import models as history_models

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


class HistoryManager(history_manager.HistoryManager):
    """simple-history's manager, built once per queryset class.

    ``instance.history`` (and simple-history itself, once for every historical row it writes)
    calls ``HistoryManager.from_queryset(...)``, and Django's ``from_queryset`` creates a new
    class each time: copying the queryset's methods onto it took 6 % of seeding the demo. The
    class depends on nothing but the queryset class, so one is kept per queryset class."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(history_models.HistoricalRecords):
    """simple-history's ``HistoricalRecords`` with the manager above (same tables, same rows)."""

    def __init__(self, *args, history_manager=HistoryManager, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)
