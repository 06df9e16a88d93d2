"""What each role may use: the navigation menu and each role's landing page.

Entries name URL patterns; the apps that own them may not exist yet in an older checkout,
so an entry whose URL does not resolve is skipped rather than breaking every page.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from branches.roles import Role

ALL_ROLES = frozenset(Role.values)
OFFICE = frozenset({Role.DEPARTMENT_STAFF, Role.LEADER})


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


MENU = [
    MenuItem(_("Dashboard"), "evaluation:dashboard", OFFICE, "bi-speedometer2"),
    MenuItem(_("My cockpit"), "mechanisms:cockpit", frozenset({Role.DISPATCH_CHIEF}), "bi-compass"),
    MenuItem(_("My branch"), "mechanisms:secretary_home", frozenset({Role.SECRETARY}), "bi-flag"),
    MenuItem(_("Branches"), "branches:branch_list", ALL_ROLES - {Role.UNIT_LIAISON}, "bi-diagram-3"),
    MenuItem(_("Projects"), "projects:project_list", ALL_ROLES - {Role.MEMBER}, "bi-kanban"),
    MenuItem(_("My unit's tasks"), "mechanisms:liaison_home", frozenset({Role.UNIT_LIAISON}), "bi-inbox"),
    MenuItem(_("Weekly reports"), "mechanisms:weeklyreport_list", OFFICE | {Role.SECRETARY, Role.DISPATCH_CHIEF}, "bi-journal-text"),
    MenuItem(_("Party members"), "branches:person_list", frozenset({Role.DEPARTMENT_STAFF}), "bi-people"),
    MenuItem(_("Industrial chains"), "branches:chain_list", OFFICE, "bi-link-45deg"),
    MenuItem(_("Evaluations"), "evaluation:evaluation_list", OFFICE, "bi-award"),
    MenuItem(_("Reminder log"), "mechanisms:reminder_log", frozenset({Role.DEPARTMENT_STAFF}), "bi-bell"),
    MenuItem(_("My commitments"), "branches:my_memberships", frozenset({Role.MEMBER}), "bi-person-check"),
]

# The first role a user holds in this order decides where they land after logging in.
LANDING = [
    (Role.LEADER, ["evaluation:dashboard", "branches:branch_list"]),
    (Role.DEPARTMENT_STAFF, ["evaluation:dashboard", "branches:branch_list"]),
    (Role.DISPATCH_CHIEF, ["mechanisms:cockpit", "projects:project_list"]),
    (Role.SECRETARY, ["mechanisms:secretary_home", "branches:branch_list"]),
    (Role.UNIT_LIAISON, ["mechanisms:liaison_home"]),
    (Role.MEMBER, ["branches:my_memberships", "branches:branch_list"]),
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
