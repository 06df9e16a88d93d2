from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_role_groups(sender, **kwargs):
    """The six role groups exist after every migrate *and* after every flush (a flush empties
    the groups the data migration made, and tests flush between transactional tests)."""
    from django.contrib.auth.models import Group

    from branches.roles import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Branches and people")

    def ready(self):
        post_migrate.connect(ensure_role_groups, sender=self, dispatch_uid="branches.ensure_role_groups")
