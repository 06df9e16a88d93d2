"""Excel exports of branches and the Party-member registry (found by core.exports' autodiscovery of each app's exports module;
large ones run in the worker)."""

import json

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import selectors
from branches.filters import AuditEventFilterSet, BranchFilterSet, PersonFilterSet
from branches.importing import COLUMNS
from branches.models import Gender
from branches.selectors import is_office_user
from core.exports import ExportData, register_export


@register_export("branches")
def branch_export_data(user, params) -> ExportData:
    """The branch list's rows for ``user`` and the list's filters (core.exports builds the file)."""
    branches = BranchFilterSet(params, user=user).qs
    headers = [
        _("Name"),
        _("Batch"),
        _("Kind"),
        _("Front"),
        _("Field"),
        _("Scope"),
        _("Supervising Party committee"),
        _("Lead unit"),
        _("Secretary"),
        _("Projects"),
        _("Goal"),
        _("Formed on"),
        _("Planned end"),
        _("Status"),
        _("Traffic light"),
    ]
    rows = (
        [
            b.name,
            b.batch,
            b.get_kind_display(),
            b.get_front_display(),
            b.field.name,
            b.get_scope_display(),
            b.supervising_committee.name,
            b.lead_unit.name,
            b.secretary_name or "",
            b.project_count,
            b.goal,
            b.formed_on,
            b.planned_end_on,
            b.get_status_display(),
            b.get_light_display(),
        ]
        for b in branches.iterator(chunk_size=2000)
    )
    return ExportData(_("Task-force branches"), headers, rows, branches.count, {1: 36, 7: 24, 8: 24, 11: 50})


@register_export("people")
def person_export_data(user, params) -> ExportData:
    """The party-member list's rows for ``user`` and the list's filters."""
    if not is_office_user(user):
        raise Http404  # the worker rebuilds the rows as the owner: the same check as the page
    people = PersonFilterSet(params, user=user).qs
    yes, no = _("Yes"), _("No")
    headers = [label for _name, label in COLUMNS] + [_("Login"), _("Serving in branches")]
    rows = (
        [
            p.name,
            Gender(p.gender).label if p.gender in Gender.values else p.gender,
            p.birth_date,
            p.joined_party_on,
            yes if p.is_probationary else no,
            p.work_unit.name,
            p.post,
            selectors.personal_value(user, p.phone),
            p.user.username if p.user_id else "",
            p.active_branch_count,
        ]
        for p in people.iterator(chunk_size=2000)
    )
    return ExportData(_("Party members"), headers, rows, people.count, {6: 30})


@register_export("audit_events")
def audit_export_data(user, params) -> ExportData:
    """The audit trail as the auditor filtered it (nobody else has rows: the page is a 404 too)."""
    if not selectors.may_read_audit(user):
        raise Http404
    events = AuditEventFilterSet(params, user=user).qs
    headers = [_("Time"), _("Event"), _("User name"), _("IP address"), _("Target type"), _("Target"), _("Rows"), _("Detail")]
    rows = (
        [
            timezone.localtime(e.created_at).replace(tzinfo=None),
            e.get_action_display(),
            e.actor_username,
            e.ip_address or "",
            e.target_type,
            e.target_repr,
            e.rows,
            json.dumps(e.detail, ensure_ascii=False) if e.detail else "",
        ]
        for e in events.iterator(chunk_size=2000)
    )
    return ExportData(_("Audit trail"), headers, rows, events.count, {1: 20, 8: 60})
