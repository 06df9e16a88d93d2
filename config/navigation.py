"""What each role may use: the navigation menu and each role's landing page.

Entries name URL patterns; the apps that own them may not exist yet in an older checkout,
so an entry whose URL does not resolve is skipped rather than breaking every page.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from branches.roles import ADMINISTRATION_ROLES, PARTY_ROLES, Role

ALL_ROLES = PARTY_ROLES
OFFICE = frozenset({Role.DEPARTMENT_STAFF, Role.LEADER})


@dataclass(frozen=True)
class MenuGroup:
    """A dropdown of related entries (the bar would not hold them all on a laptop)."""

    label: str
    icon: str
    children: tuple

    @property
    def roles(self) -> frozenset:
        return frozenset().union(*(child.roles for child in self.children))


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset
    icon: str = ""

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


OFFICE_AND_HOLDERS = OFFICE | {Role.SECRETARY, Role.DISPATCH_CHIEF}

MENU = [
    MenuItem(_("Dashboard"), "evaluation:dashboard", OFFICE, "bi-speedometer2"),
    MenuItem(_("My cockpit"), "mechanisms:cockpit", frozenset({Role.DISPATCH_CHIEF}), "bi-compass"),
    MenuItem(_("My branch"), "mechanisms:secretary_home", frozenset({Role.SECRETARY}), "bi-flag"),
    MenuItem(_("My unit's tasks"), "mechanisms:liaison_home", frozenset({Role.UNIT_LIAISON}), "bi-inbox"),
    MenuItem(_("Branches"), "branches:branch_list", ALL_ROLES - {Role.UNIT_LIAISON}, "bi-diagram-3"),
    MenuItem(_("Projects"), "projects:project_list", ALL_ROLES - {Role.MEMBER}, "bi-kanban"),
    MenuGroup(
        _("Work mechanisms"),
        "bi-gear-wide-connected",
        (
            MenuItem(_("Weekly reports"), "mechanisms:weeklyreport_list", OFFICE_AND_HOLDERS, "bi-journal-text"),
            MenuItem(_("Problems"), "mechanisms:problem_list", OFFICE_AND_HOLDERS | {Role.UNIT_LIAISON}, "bi-exclamation-diamond"),
            MenuItem(_("Dispatch sessions"), "mechanisms:dispatch_list", OFFICE_AND_HOLDERS, "bi-calendar-check"),
            MenuItem(_("Instructions"), "mechanisms:instruction_list", OFFICE_AND_HOLDERS | {Role.UNIT_LIAISON}, "bi-list-check"),
            MenuItem(_("Consultations"), "mechanisms:consultation_list", OFFICE_AND_HOLDERS | {Role.UNIT_LIAISON}, "bi-people"),
            MenuItem(_("Requests for decision"), "mechanisms:decisionrequest_list", OFFICE | {Role.SECRETARY}, "bi-send"),
            MenuItem(_("Reports"), "mechanisms:report_list", OFFICE | {Role.SECRETARY}, "bi-file-earmark-text"),
        ),
    ),
    MenuGroup(
        _("Evaluation and appraisal"),
        "bi-award",
        (
            MenuItem(_("Evaluations"), "evaluation:evaluation_list", OFFICE, "bi-award"),
            MenuItem(_("Priority list"), "evaluation:priority_list", OFFICE, "bi-star"),
            MenuItem(_("Work briefings"), "evaluation:briefing_list", OFFICE, "bi-newspaper"),
            MenuItem(_("My appraisals"), "evaluation:my_appraisals", frozenset({Role.MEMBER, Role.SECRETARY}), "bi-person-badge"),
        ),
    ),
    MenuItem(_("Party members"), "branches:person_list", frozenset({Role.DEPARTMENT_STAFF}), "bi-people"),
    MenuItem(_("Industrial chains"), "branches:chain_list", OFFICE, "bi-link-45deg"),
    MenuItem(_("Reminder log"), "mechanisms:reminder_log", frozenset({Role.DEPARTMENT_STAFF}), "bi-bell"),
    MenuItem(_("My commitments"), "branches:my_memberships", frozenset({Role.MEMBER}), "bi-person-check"),
    MenuItem(_("Audit trail"), "branches:audit_log", frozenset({Role.AUDITOR}), "bi-shield-check"),
]


@dataclass(frozen=True)
class VisibleGroup:
    label: str
    icon: str
    children: list


def menu_for(role_codes, *, is_superuser: bool = False) -> list:
    """The entries a user with ``role_codes`` sees: items whose page exists, and groups with
    at least one such child (holding only those children)."""

    def allowed(item) -> bool:
        # The audit trail is the auditor's alone (三员分立): not even a superuser's menu has it.
        by_superuser = is_superuser and not item.roles <= ADMINISTRATION_ROLES
        return (by_superuser or bool(role_codes & item.roles)) and item.url is not None

    entries = []
    for entry in MENU:
        if isinstance(entry, MenuGroup):
            children = [child for child in entry.children if allowed(child)]
            if children:
                entries.append(VisibleGroup(entry.label, entry.icon, children))
        elif allowed(entry):
            entries.append(entry)
    return entries


def menu_labels(role_codes, *, is_superuser: bool = False) -> list[str]:
    """Every label of ``menu_for`` in page order (a group's label, then its children's)."""
    labels = []
    for entry in menu_for(role_codes, is_superuser=is_superuser):
        labels.append(str(entry.label))
        labels.extend(str(child.label) for child in getattr(entry, "children", ()))
    return labels


# The first role a user holds in this order decides where they land after logging in.
LANDING = [
    (Role.LEADER, ["evaluation:dashboard", "branches:branch_list"]),
    (Role.DEPARTMENT_STAFF, ["evaluation:dashboard", "branches:branch_list"]),
    (Role.DISPATCH_CHIEF, ["mechanisms:cockpit", "projects:project_list"]),
    (Role.SECRETARY, ["mechanisms:secretary_home", "branches:branch_list"]),
    (Role.UNIT_LIAISON, ["mechanisms:liaison_home"]),
    (Role.MEMBER, ["branches:my_memberships", "branches:branch_list"]),
    (Role.AUDITOR, ["branches:audit_log"]),
    (Role.SYSTEM_ADMIN, ["admin:index"]),
    (Role.SECURITY_ADMIN, ["admin:index"]),
]


def landing_url_name(role_codes, *, is_superuser=False) -> str | None:
    for role, candidates in LANDING:
        if role in role_codes or (is_superuser and role == Role.DEPARTMENT_STAFF):
            for name in candidates:
                try:
                    reverse(name)
                except NoReverseMatch:
                    continue
                return name
    return None
