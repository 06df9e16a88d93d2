"""The Jingjiang demo: the article's organizations, branches and people (see the domain text).

Idempotent: every record is looked up by a natural key before it is created, so running the
command twice leaves one copy.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group

from branches.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from branches.models import Organization, OrganizationKind, User


@dataclass
class DemoSummary:
    accounts: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def lines(self):
        yield "演示数据已就绪 / demo data ready: " + "，".join(f"{k} {v}" for k, v in self.counts.items())
        yield ""
        yield "演示账号 / demo accounts (密码 / password: %s)" % DEMO_PASSWORD
        for username, full_name, role_label in self.accounts:
            yield f"  {username:<14} {full_name:<6} {role_label}"


def _org(name, kind, parent=None, short_name=""):
    org, _ = Organization.objects.get_or_create(
        parent=parent, name=name, defaults={"kind": kind, "short_name": short_name}
    )
    return org


def seed_organizations():
    city = _org("中共靖江市委", OrganizationKind.CITY, short_name="靖江市委")
    return {"city": city}


def seed_accounts(orgs):
    accounts = []
    for username, full_name, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "organization": orgs["city"]}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role.value))
        accounts.append((username, full_name, str(role.label)))
    return accounts


def seed_demo() -> DemoSummary:
    orgs = seed_organizations()
    summary = DemoSummary()
    summary.accounts = seed_accounts(orgs)
    summary.counts = {"单位": Organization.objects.count(), "账号": User.objects.count()}
    return summary
